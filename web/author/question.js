// The question editor: the fields every question has and those of its kind (one of nine), with
// its answer key, saved into the quiz's draft. The server checks that the key fits the question
// (an answer naming an option, a formula over declared variables) and names the field otherwise.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Field, Form, Button } from '../lib/ui.js';
import { CompetencyPicker, Check, GroupError, fieldErrorsOf, mappedProblem } from './common.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['QuestionBody']} QuestionBody */
/** @typedef {Schemas['KindTag']} KindTag */

/** @type {KindTag[]} */
export const KINDS = [
  'single_choice', 'multiple_choice', 'true_false', 'short_text', 'numeric', 'ordering', 'matching',
  'calculated', 'essay',
];

/** @param {string} kind */
export function kindLabel(kind) {
  return t(`author.kind.${kind}`);
}

const LETTERS = 'abcdefghij';

/** @param {string} file */
const quizFile = (file) => file.endsWith('quiz.toml');

/**
 * @typedef {{ id: string, text: string }} Choice
 * @typedef {{ leftId: string, left: string, rightId: string, right: string }} Pair
 * @typedef {{ name: string, min: string, max: string, decimals: string }} Var
 * @typedef {{
 *   kind: KindTag, id: string, prompt: string, points: string, competencies: string[], feedback: string,
 *   options: Choice[], answer: string, answers: string[], truth: string,
 *   accepted: string, case_sensitive: boolean, accent_insensitive: boolean,
 *   number: string, tolerance: string, tolerance_kind: string, unit: string,
 *   items: Choice[], pairs: Pair[], formula: string, variables: Var[], rubric: string,
 * }} Draft
 */

/**
 * A draft of a new question of `kind`.
 * @param {KindTag} kind
 * @param {string[]} competencies
 * @returns {Draft}
 */
function blank(kind, competencies) {
  return {
    kind, id: '', prompt: '', points: '1', competencies, feedback: '',
    options: [{ id: 'a', text: '' }, { id: 'b', text: '' }], answer: 'a', answers: [], truth: 'true',
    accepted: '', case_sensitive: false, accent_insensitive: false,
    number: '', tolerance: '0', tolerance_kind: 'absolute', unit: '',
    items: [{ id: 's1', text: '' }, { id: 's2', text: '' }],
    pairs: [{ leftId: 'l1', left: '', rightId: 'r1', right: '' }, { leftId: 'l2', left: '', rightId: 'r2', right: '' }],
    formula: '', variables: [{ name: '', min: '', max: '', decimals: '0' }], rubric: '',
  };
}

/**
 * A draft from a saved question.
 * @param {any} q an AuthoredQuestion
 * @returns {Draft}
 */
function fromQuestion(q) {
  const d = blank(q.kind, q.competencies ?? []);
  d.id = q.id;
  d.prompt = q.prompt ?? '';
  d.points = q.points == null ? '1' : String(q.points);
  d.feedback = q.feedback ?? '';
  switch (q.kind) {
    case 'single_choice':
      d.options = q.options;
      d.answer = q.answer;
      break;
    case 'multiple_choice':
      d.options = q.options;
      d.answers = q.answers;
      break;
    case 'true_false':
      d.truth = String(q.answer);
      break;
    case 'short_text':
      d.accepted = (q.accepted ?? []).join('\n');
      d.case_sensitive = Boolean(q.case_sensitive);
      d.accent_insensitive = Boolean(q.accent_insensitive);
      break;
    case 'numeric':
      d.number = String(q.answer);
      d.tolerance = String(q.tolerance);
      d.tolerance_kind = q.tolerance_kind;
      d.unit = q.unit ?? '';
      break;
    case 'ordering':
      d.items = q.items;
      break;
    case 'matching': {
      /** @type {Choice[]} */
      const left = q.left ?? [];
      /** @type {Choice[]} */
      const right = q.right ?? [];
      /** @type {Record<string, string>} */
      const key = q.answer ?? {};
      const used = new Set();
      d.pairs = left.map((l) => {
        const r = right.find((x) => x.id === key[l.id]);
        if (r) used.add(r.id);
        return { leftId: l.id, left: l.text, rightId: r?.id ?? '', right: r?.text ?? '' };
      });
      for (const r of right.filter((x) => !used.has(x.id))) {
        d.pairs.push({ leftId: '', left: '', rightId: r.id, right: r.text });
      }
      break;
    }
    case 'calculated':
      d.formula = q.formula;
      d.variables = (q.variables ?? []).map((/** @type {any} */ v) => ({
        name: v.name, min: String(v.min), max: String(v.max), decimals: String(v.decimals),
      }));
      d.tolerance = String(q.tolerance);
      d.tolerance_kind = q.tolerance_kind;
      d.unit = q.unit ?? '';
      break;
    case 'essay':
      d.rubric = q.rubric ?? '';
      break;
  }
  return d;
}

/**
 * A fresh id not in `taken`: `prefix` and a number.
 * @param {string} prefix @param {{ id: string }[]} taken
 */
function nextId(prefix, taken) {
  const ids = new Set(taken.map((x) => x.id));
  for (let i = 1; ; i++) if (!ids.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** @param {Choice[]} options */
function nextLetter(options) {
  const ids = new Set(options.map((o) => o.id));
  for (const c of LETTERS) if (!ids.has(c)) return c;
  return nextId('o', options);
}

/** @param {string} s */
const num = (s) => (s.trim() === '' ? NaN : Number(s));

/**
 * The request body of a draft: the question's fields as QuestionBody has them.
 * @param {Draft} d
 * @returns {Record<string, any>}
 */
function bodyOf(d) {
  /** @type {Record<string, any>} */
  const b = { kind: d.kind, id: d.id.trim(), prompt: d.prompt, competencies: d.competencies };
  if (d.points.trim() !== '') b.points = num(d.points);
  if (d.feedback.trim() !== '') b.feedback = d.feedback;
  switch (d.kind) {
    case 'single_choice':
      b.options = d.options;
      b.answer = d.answer;
      break;
    case 'multiple_choice':
      b.options = d.options;
      b.answers = d.answers.filter((a) => d.options.some((o) => o.id === a));
      break;
    case 'true_false':
      b.answer = d.truth === 'true';
      break;
    case 'short_text':
      b.accepted = d.accepted.split('\n').map((s) => s.trim()).filter(Boolean);
      b.case_sensitive = d.case_sensitive;
      b.accent_insensitive = d.accent_insensitive;
      break;
    case 'numeric':
      b.answer = num(d.number);
      b.tolerance = num(d.tolerance);
      b.tolerance_kind = d.tolerance_kind;
      if (d.unit.trim()) b.unit = d.unit.trim();
      break;
    case 'ordering':
      b.items = d.items;
      break;
    case 'matching': {
      const rows = d.pairs.filter((p) => p.left.trim() || p.right.trim());
      b.left = rows.filter((p) => p.left.trim()).map((p) => ({ id: p.leftId, text: p.left }));
      b.right = rows.filter((p) => p.right.trim()).map((p) => ({ id: p.rightId, text: p.right }));
      b.answer = Object.fromEntries(
        rows.filter((p) => p.left.trim() && p.right.trim()).map((p) => [p.leftId, p.rightId]),
      );
      break;
    }
    case 'calculated':
      b.formula = d.formula;
      b.variables = d.variables
        .filter((v) => v.name.trim())
        .map((v) => ({ name: v.name.trim(), min: num(v.min), max: num(v.max), decimals: Number(v.decimals || 0) }));
      b.tolerance = num(d.tolerance);
      b.tolerance_kind = d.tolerance_kind;
      if (d.unit.trim()) b.unit = d.unit.trim();
      break;
    case 'essay':
      b.rubric = d.rubric;
      break;
  }
  // A number the author left empty or mistyped is sent as text, so the server names the field.
  for (const [k, v] of Object.entries(b)) if (typeof v === 'number' && Number.isNaN(v)) b[k] = '';
  return b;
}

/**
 * A short text of a question's answer key, for the list.
 * @param {any} q
 */
export function keySummary(q) {
  /** @param {string} id */
  const opt = (id) => q.options?.find((/** @type {Choice} */ o) => o.id === id)?.text ?? id;
  switch (q.kind) {
    case 'single_choice': return opt(q.answer);
    case 'multiple_choice': return (q.answers ?? []).map(opt).join('; ');
    case 'true_false': return q.answer ? t('author.q.true') : t('author.q.false');
    case 'short_text': return (q.accepted ?? []).join('; ');
    case 'numeric': return `${q.answer}${q.unit ? ` ${q.unit}` : ''} ± ${q.tolerance}${q.tolerance_kind === 'relative' ? ` (${t('author.q.relative')})` : ''}`;
    case 'ordering': return (q.items ?? []).map((/** @type {Choice} */ i) => i.text).join(' → ');
    case 'matching': {
      /** @param {string} side @param {string} id */
      const text = (side, id) => q[side]?.find((/** @type {Choice} */ x) => x.id === id)?.text ?? id;
      return Object.entries(q.answer ?? {}).map(([l, r]) => `${text('left', l)} → ${text('right', /** @type {string} */ (r))}`).join('; ');
    }
    case 'calculated': return q.formula;
    case 'essay': return q.rubric;
    default: return '';
  }
}

/**
 * @param {{ quizId: string, question?: any, areas: any[], competencies: string[],
 *   onSaved: () => void, onCancel?: () => void }} props
 */
export function QuestionForm({ quizId, question, areas, competencies, onSaved, onCancel }) {
  const [d, setD] = useState(() => (question ? fromQuestion(question) : blank('single_choice', competencies)));
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsOf(problem, quizFile);
  /** @param {Partial<Draft>} patch */
  const set = (patch) => setD({ ...d, ...patch });
  /** @param {keyof Draft} k @returns {(e: any) => void} */
  const on = (k) => (e) => set({ [k]: e.currentTarget.value });
  const prefix = question ? `q-${question.question_id}` : 'q-new';

  /** @param {any} [e] */
  async function save(e) {
    e?.preventDefault?.();
    setBusy(true);
    setProblem(null);
    try {
      const body = bodyOf(d);
      if (question) {
        delete body.id;
        delete body.kind;
        if (!('feedback' in body) && question.feedback) body.feedback = null;
        if (!('unit' in body) && question.unit) body.unit = null;
        await api.patch(`/questions/${question.question_id}`, body);
      } else {
        await api.post(`/quizzes/${quizId}/questions`, body);
        setD(blank(d.kind, competencies));
      }
      onSaved();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  const title = question
    ? t('author.q.editing', { id: question.id })
    : t('author.q.new');
  return html`<section class="card question-form" aria-label=${title}>
    <h3>${title}</h3>
    <${Form} onSubmit=${save} problem=${mappedProblem(problem, quizFile)}>
      <${Field} type="select" label=${t('author.q.kind')} name="kind" value=${d.kind} disabled=${Boolean(question)}
        options=${KINDS.map((k) => ({ value: k, label: kindLabel(k) }))}
        onChange=${(/** @type {any} */ e) => set({ kind: e.currentTarget.value })} />
      ${question
        ? html`<p>${t('author.q.id')}: <code>${question.id}</code></p>`
        : html`<${Field} label=${t('author.q.id')} name="id" value=${d.id} required hint=${t('author.q.idHint')}
            error=${errors.id} onInput=${on('id')} />`}
      <${Field} type="textarea" label=${t('author.q.prompt')} name="prompt" value=${d.prompt} required
        hint=${d.kind === 'calculated' ? t('author.q.promptCalculatedHint') : t('author.q.promptHint')}
        error=${errors.prompt} onInput=${on('prompt')} />
      <${Field} type="number" label=${t('author.q.points')} name="points" value=${d.points} min="0" step="any"
        error=${errors.points} onInput=${on('points')} />
      <${CompetencyPicker} areas=${areas} value=${d.competencies} open=${false} name=${`${prefix}-competencies`}
        onChange=${(/** @type {string[]} */ x) => set({ competencies: x })} error=${errors.competencies} />
      <${KindFields} d=${d} set=${set} on=${on} errors=${errors} prefix=${prefix} />
      <${Field} type="textarea" label=${t('author.q.feedback')} name="feedback" value=${d.feedback}
        hint=${t('author.q.feedbackHint')} error=${errors.feedback} onInput=${on('feedback')} />
      <p class="actions">
        <${Button} type="submit" disabled=${busy}>${question ? t('author.q.save') : t('author.q.add')}</${Button}>
        ${onCancel ? html` <${Button} kind="secondary" onClick=${onCancel}>${t('author.action.cancel')}</${Button}>` : null}
      </p>
    </${Form}>
  </section>`;
}

/**
 * The fields of the draft's kind.
 * @param {{ d: Draft, set: (p: Partial<Draft>) => void, on: (k: keyof Draft) => (e: any) => void,
 *   errors: Record<string, string>, prefix: string }} props
 */
function KindFields({ d, set, on, errors, prefix }) {
  const toleranceKinds = [
    { value: 'absolute', label: t('author.q.toleranceAbsolute') },
    { value: 'relative', label: t('author.q.toleranceRelative') },
  ];
  switch (d.kind) {
    case 'single_choice':
    case 'multiple_choice':
      return html`<${Options} d=${d} set=${set} errors=${errors} prefix=${prefix} />`;
    case 'true_false':
      return html`<${Field} type="select" label=${t('author.q.rightAnswer')} name="answer" value=${d.truth}
        error=${errors.answer} options=${[
          { value: 'true', label: t('author.q.true') },
          { value: 'false', label: t('author.q.false') },
        ]} onChange=${on('truth')} />`;
    case 'short_text':
      return html`<div>
        <${Field} type="textarea" label=${t('author.q.accepted')} name="accepted" value=${d.accepted} rows="3"
          hint=${t('author.q.acceptedHint')} error=${errors.accepted} onInput=${on('accepted')} />
        <${Check} label=${t('author.q.caseSensitive')} checked=${d.case_sensitive}
          onChange=${(/** @type {boolean} */ v) => set({ case_sensitive: v })} />
        <${Check} label=${t('author.q.accentInsensitive')} checked=${d.accent_insensitive}
          onChange=${(/** @type {boolean} */ v) => set({ accent_insensitive: v })} />
      </div>`;
    case 'numeric':
      return html`<div>
        <${Field} type="number" step="any" label=${t('author.q.numericAnswer')} name="answer" value=${d.number}
          error=${errors.answer} onInput=${on('number')} />
        <${Field} type="number" step="any" min="0" label=${t('author.q.tolerance')} name="tolerance" value=${d.tolerance}
          error=${errors.tolerance} onInput=${on('tolerance')} />
        <${Field} type="select" label=${t('author.q.toleranceKind')} name="tolerance_kind" value=${d.tolerance_kind}
          options=${toleranceKinds} error=${errors.tolerance_kind} onChange=${on('tolerance_kind')} />
        <${Field} label=${t('author.q.unit')} name="unit" value=${d.unit} error=${errors.unit} onInput=${on('unit')} />
      </div>`;
    case 'ordering':
      return html`<${Ordering} d=${d} set=${set} errors=${errors} prefix=${prefix} />`;
    case 'matching':
      return html`<${Matching} d=${d} set=${set} errors=${errors} prefix=${prefix} />`;
    case 'calculated':
      return html`<div>
        <${Field} label=${t('author.q.formula')} name="formula" value=${d.formula} hint=${t('author.q.formulaHint')}
          error=${errors.formula} onInput=${on('formula')} />
        <${Variables} d=${d} set=${set} errors=${errors} prefix=${prefix} />
        <${Field} type="number" step="any" min="0" label=${t('author.q.tolerance')} name="tolerance" value=${d.tolerance}
          error=${errors.tolerance} onInput=${on('tolerance')} />
        <${Field} type="select" label=${t('author.q.toleranceKind')} name="tolerance_kind" value=${d.tolerance_kind}
          options=${toleranceKinds} error=${errors.tolerance_kind} onChange=${on('tolerance_kind')} />
        <${Field} label=${t('author.q.unit')} name="unit" value=${d.unit} error=${errors.unit} onInput=${on('unit')} />
      </div>`;
    case 'essay':
      return html`<${Field} type="textarea" label=${t('author.q.rubric')} name="rubric" value=${d.rubric}
        hint=${t('author.q.rubricHint')} error=${errors.rubric} onInput=${on('rubric')} />`;
    default:
      return null;
  }
}

/**
 * A text input with its own label (for rows of a list).
 * @param {{ id: string, label: string, value: string, onInput: (v: string) => void, type?: string, step?: string }} props
 */
function RowInput({ id, label, value, onInput, type = 'text', step }) {
  return html`<span class="field" style="flex: 1 1 10rem; margin: 0">
    <label for=${id}>${label}</label>
    <input id=${id} class="input" type=${type} step=${step} value=${value}
      onInput=${(/** @type {any} */ e) => onInput(e.currentTarget.value)} />
  </span>`;
}

/** @param {{ d: Draft, set: (p: Partial<Draft>) => void, errors: Record<string, string>, prefix: string }} props */
function Options({ d, set, errors, prefix }) {
  const single = d.kind === 'single_choice';
  const error = errors.options ?? (single ? errors.answer : errors.answers);
  /** @param {number} i @param {string} text */
  const setText = (i, text) => set({ options: d.options.map((o, j) => (j === i ? { ...o, text } : o)) });
  /** @param {number} i */
  const remove = (i) => {
    const gone = d.options[i]?.id;
    set({
      options: d.options.filter((_, j) => j !== i),
      answers: d.answers.filter((a) => a !== gone),
      answer: d.answer === gone ? '' : d.answer,
    });
  };
  return html`<fieldset class="fieldset" aria-describedby=${error ? `${prefix}-options-error` : undefined} data-field="options">
    <legend>${single ? t('author.q.optionsSingle') : t('author.q.optionsMultiple')}</legend>
    ${d.options.map(
      (o, i) => html`<div class="row" style="align-items: flex-end; margin-bottom: 0.75rem" key=${o.id}>
        <${RowInput} id=${`${prefix}-opt-${o.id}`} label=${t('author.q.option', { n: i + 1 })} value=${o.text}
          onInput=${(/** @type {string} */ v) => setText(i, v)} />
        <span class="field field-check" style="margin: 0">
          <input id=${`${prefix}-right-${o.id}`} type=${single ? 'radio' : 'checkbox'} name=${`${prefix}-right`}
            checked=${single ? d.answer === o.id : d.answers.includes(o.id)}
            onChange=${(/** @type {any} */ e) => {
              const on = e.currentTarget.checked;
              if (single) set({ answer: o.id });
              else set({ answers: on ? [...d.answers.filter((a) => a !== o.id), o.id] : d.answers.filter((a) => a !== o.id) });
            }} />
          <label for=${`${prefix}-right-${o.id}`}>${t('author.q.optionRight', { n: i + 1 })}</label>
        </span>
        <${Button} kind="secondary" class="small" onClick=${() => remove(i)} aria-label=${t('author.q.removeOption', { n: i + 1 })}>✕</${Button}>
      </div>`,
    )}
    ${d.options.length < 10
      ? html`<${Button} kind="secondary" onClick=${() => set({ options: [...d.options, { id: nextLetter(d.options), text: '' }] })}>${t('author.q.addOption')}</${Button}>`
      : null}
    <${GroupError} id=${`${prefix}-options-error`} error=${error} />
  </fieldset>`;
}

/** @param {{ d: Draft, set: (p: Partial<Draft>) => void, errors: Record<string, string>, prefix: string }} props */
function Ordering({ d, set, errors, prefix }) {
  /** @param {number} i @param {number} by */
  const move = (i, by) => {
    const items = [...d.items];
    const j = i + by;
    if (j < 0 || j >= items.length) return;
    const a = /** @type {Choice} */ (items[i]);
    items[i] = /** @type {Choice} */ (items[j]);
    items[j] = a;
    set({ items });
  };
  return html`<fieldset class="fieldset" aria-describedby=${errors.items ? `${prefix}-items-error` : undefined} data-field="items">
    <legend>${t('author.q.items')}</legend>
    <p><small>${t('author.q.itemsHint')}</small></p>
    ${d.items.map(
      (it, i) => html`<div class="row" style="align-items: flex-end; margin-bottom: 0.75rem" key=${it.id}>
        <${RowInput} id=${`${prefix}-item-${it.id}`} label=${t('author.q.item', { n: i + 1 })} value=${it.text}
          onInput=${(/** @type {string} */ v) => set({ items: d.items.map((x, j) => (j === i ? { ...x, text: v } : x)) })} />
        <${Button} kind="secondary" class="small" onClick=${() => move(i, -1)} aria-label=${t('author.q.moveUp', { n: i + 1 })}>↑</${Button}>
        <${Button} kind="secondary" class="small" onClick=${() => move(i, 1)} aria-label=${t('author.q.moveDown', { n: i + 1 })}>↓</${Button}>
        <${Button} kind="secondary" class="small" onClick=${() => set({ items: d.items.filter((_, j) => j !== i) })}
          aria-label=${t('author.q.removeItem', { n: i + 1 })}>✕</${Button}>
      </div>`,
    )}
    <${Button} kind="secondary" onClick=${() => set({ items: [...d.items, { id: nextId('s', d.items), text: '' }] })}>${t('author.q.addItem')}</${Button}>
    <${GroupError} id=${`${prefix}-items-error`} error=${errors.items} />
  </fieldset>`;
}

/** @param {{ d: Draft, set: (p: Partial<Draft>) => void, errors: Record<string, string>, prefix: string }} props */
function Matching({ d, set, errors, prefix }) {
  const error = errors.answer ?? errors.left ?? errors.right;
  /** @param {number} i @param {Partial<Pair>} p */
  const edit = (i, p) => set({ pairs: d.pairs.map((x, j) => (j === i ? { ...x, ...p } : x)) });
  const add = () => {
    const lefts = d.pairs.map((p) => ({ id: p.leftId }));
    const rights = d.pairs.map((p) => ({ id: p.rightId }));
    set({ pairs: [...d.pairs, { leftId: nextId('l', lefts), left: '', rightId: nextId('r', rights), right: '' }] });
  };
  return html`<fieldset class="fieldset" aria-describedby=${error ? `${prefix}-pairs-error` : undefined} data-field="answer">
    <legend>${t('author.q.pairs')}</legend>
    <p><small>${t('author.q.pairsHint')}</small></p>
    ${d.pairs.map(
      (p, i) => html`<div class="row" style="align-items: flex-end; margin-bottom: 0.75rem" key=${`${p.leftId}-${p.rightId}-${i}`}>
        <${RowInput} id=${`${prefix}-left-${i}`} label=${t('author.q.left', { n: i + 1 })} value=${p.left}
          onInput=${(/** @type {string} */ v) => edit(i, { left: v, leftId: p.leftId || nextId('l', d.pairs.map((x) => ({ id: x.leftId }))) })} />
        <${RowInput} id=${`${prefix}-right-${i}`} label=${t('author.q.right', { n: i + 1 })} value=${p.right}
          onInput=${(/** @type {string} */ v) => edit(i, { right: v, rightId: p.rightId || nextId('r', d.pairs.map((x) => ({ id: x.rightId }))) })} />
        <${Button} kind="secondary" class="small" onClick=${() => set({ pairs: d.pairs.filter((_, j) => j !== i) })}
          aria-label=${t('author.q.removePair', { n: i + 1 })}>✕</${Button}>
      </div>`,
    )}
    <${Button} kind="secondary" onClick=${add}>${t('author.q.addPair')}</${Button}>
    <${GroupError} id=${`${prefix}-pairs-error`} error=${error} />
  </fieldset>`;
}

/** @param {{ d: Draft, set: (p: Partial<Draft>) => void, errors: Record<string, string>, prefix: string }} props */
function Variables({ d, set, errors, prefix }) {
  /** @param {number} i @param {Partial<Var>} p */
  const edit = (i, p) => set({ variables: d.variables.map((x, j) => (j === i ? { ...x, ...p } : x)) });
  return html`<fieldset class="fieldset" aria-describedby=${errors.variables ? `${prefix}-vars-error` : undefined} data-field="variables">
    <legend>${t('author.q.variables')}</legend>
    ${d.variables.map(
      (v, i) => html`<div class="row" style="align-items: flex-end; margin-bottom: 0.75rem" key=${i}>
        <${RowInput} id=${`${prefix}-var-${i}-name`} label=${t('author.q.varName', { n: i + 1 })} value=${v.name}
          onInput=${(/** @type {string} */ x) => edit(i, { name: x })} />
        <${RowInput} id=${`${prefix}-var-${i}-min`} type="number" step="any" label=${t('author.q.varMin', { n: i + 1 })} value=${v.min}
          onInput=${(/** @type {string} */ x) => edit(i, { min: x })} />
        <${RowInput} id=${`${prefix}-var-${i}-max`} type="number" step="any" label=${t('author.q.varMax', { n: i + 1 })} value=${v.max}
          onInput=${(/** @type {string} */ x) => edit(i, { max: x })} />
        <${RowInput} id=${`${prefix}-var-${i}-dec`} type="number" label=${t('author.q.varDecimals', { n: i + 1 })} value=${v.decimals}
          onInput=${(/** @type {string} */ x) => edit(i, { decimals: x })} />
        <${Button} kind="secondary" class="small" onClick=${() => set({ variables: d.variables.filter((_, j) => j !== i) })}
          aria-label=${t('author.q.removeVariable', { n: i + 1 })}>✕</${Button}>
      </div>`,
    )}
    <${Button} kind="secondary" onClick=${() => set({ variables: [...d.variables, { name: '', min: '', max: '', decimals: '0' }] })}>${t('author.q.addVariable')}</${Button}>
    <${GroupError} id=${`${prefix}-vars-error`} error=${errors.variables} />
  </fieldset>`;
}
