// The inputs for each of the nine question kinds, with labels, and how a response and a correct
// answer read in a review. Prompts are shown as the text the API gives (never turned into HTML).
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

/** @typedef {import('../types/api').components['schemas']['StudentQuestion']} Question */
/** @typedef {{ id: string, text: string }} Choice */

/**
 * @param {Question} q
 * @returns {Choice[]}
 */
const optionsOf = (q) => /** @type {Choice[]} */ (q.options || []);

/**
 * @param {Choice[] | null | undefined} list
 * @param {string} id
 */
function textOf(list, id) {
  return (list || []).find((c) => c.id === id)?.text ?? id;
}

/**
 * The input for one question. `value` is the response in the API's shape for the kind (or
 * undefined); `onChange` gets a new response, or null when the input holds no answer.
 * @param {{ q: Question, index: number, value: any, onChange: (r: any) => void, error?: string, disabled?: boolean }} props
 */
export function QuestionInput({ q, index, value, onChange, error, disabled }) {
  const base = `q${index}`;
  const errorId = `${base}-error`;
  const described = error ? errorId : undefined;
  const errorText = error
    ? html`<p id=${errorId} class="field-error" role="alert" style="color: #b00020">${error}</p>`
    : null;
  const prompt = html`<span style="white-space: pre-wrap">${q.prompt}</span>`;
  switch (q.kind) {
    case 'single_choice':
      return html`<fieldset aria-describedby=${described}>
        <legend>${prompt}</legend>
        ${optionsOf(q).map(
          (o) => html`<div key=${o.id}><label>
            <input type="radio" name=${base} value=${o.id} checked=${value?.choice === o.id} disabled=${disabled}
              onChange=${() => onChange({ choice: o.id })} /> ${o.text}</label></div>`,
        )}
        ${errorText}
      </fieldset>`;
    case 'multiple_choice': {
      /** @type {string[]} */
      const chosen = Array.isArray(value?.choices) ? value.choices : [];
      return html`<fieldset aria-describedby=${described}>
        <legend>${prompt} <span class="muted">${t('student.quiz.chooseAll')}</span></legend>
        ${optionsOf(q).map(
          (o) => html`<div key=${o.id}><label>
            <input type="checkbox" name=${base} value=${o.id} checked=${chosen.includes(o.id)} disabled=${disabled}
              onChange=${(/** @type {Event} */ e) => {
                const on = /** @type {HTMLInputElement} */ (e.currentTarget).checked;
                const next = optionsOf(q)
                  .map((x) => x.id)
                  .filter((id) => (id === o.id ? on : chosen.includes(id)));
                onChange({ choices: next });
              }} /> ${o.text}</label></div>`,
        )}
        ${errorText}
      </fieldset>`;
    }
    case 'true_false':
      return html`<fieldset aria-describedby=${described}>
        <legend>${prompt}</legend>
        ${[true, false].map(
          (v) => html`<div key=${String(v)}><label>
            <input type="radio" name=${base} value=${String(v)} checked=${value?.value === v} disabled=${disabled}
              onChange=${() => onChange({ value: v })} /> ${v ? t('student.quiz.true') : t('student.quiz.false')}</label></div>`,
        )}
        ${errorText}
      </fieldset>`;
    case 'short_text':
    case 'essay': {
      const id = `${base}-text`;
      const essay = q.kind === 'essay';
      /** @param {Event} e */
      const input = (e) => onChange({ text: /** @type {HTMLInputElement} */ (e.currentTarget).value });
      return html`<div class="field">
        <p style="margin: 0 0 .25rem">${prompt}</p>
        <label for=${id}>${essay ? t('student.quiz.essayLabel') : t('student.quiz.answerLabel')}</label>
        ${essay
          ? html`<textarea id=${id} rows="6" style="width: 100%" aria-describedby=${described} aria-invalid=${error ? 'true' : undefined} disabled=${disabled}
              value=${value?.text ?? ''} onInput=${input}></textarea>`
          : html`<input id=${id} type="text" style="width: 100%" aria-describedby=${described} aria-invalid=${error ? 'true' : undefined} disabled=${disabled}
              autocomplete="off" value=${value?.text ?? ''} onInput=${input} />`}
        ${errorText}
      </div>`;
    }
    case 'numeric':
    case 'calculated': {
      const id = `${base}-number`;
      const shown = value?.value === undefined || value?.value === null ? '' : String(value.value);
      return html`<div class="field">
        <p style="margin: 0 0 .25rem">${prompt}</p>
        <label for=${id}>${q.unit ? t('student.quiz.numberLabelUnit', { unit: q.unit }) : t('student.quiz.numberLabel')}</label>
        <input id=${id} type="text" inputmode="decimal" autocomplete="off" style="max-width: 16rem" aria-describedby=${described} aria-invalid=${error ? 'true' : undefined} disabled=${disabled}
          value=${shown}
          onInput=${(/** @type {Event} */ e) => {
            const raw = /** @type {HTMLInputElement} */ (e.currentTarget).value.trim().replace(',', '.');
            // Sent as the text typed: the server reads and checks the number.
            onChange(raw === '' ? null : { value: raw });
          }} />
        ${errorText}
      </div>`;
    }
    case 'ordering': {
      const items = /** @type {Choice[]} */ (q.items || []);
      /** @type {string[]} */
      const order = Array.isArray(value?.order) && value.order.length === items.length ? value.order : items.map((i) => i.id);
      /** @param {number} from @param {number} to */
      const move = (from, to) => {
        const next = order.slice();
        const [x] = next.splice(from, 1);
        next.splice(to, 0, x);
        onChange({ order: next });
      };
      const listId = `${base}-order`;
      return html`<div>
        <p id=${`${listId}-label`} style="margin-bottom: .25rem">${prompt}</p>
        <p class="muted" style="margin-top: 0">${t('student.quiz.orderHint')}</p>
        <ol aria-labelledby=${`${listId}-label`} aria-describedby=${described} style="padding-left: 1.5rem">
          ${order.map((id, i) => {
            const text = textOf(items, id);
            return html`<li key=${id} style="margin: .25rem 0">
              <span>${text}</span>
              <span style="display: inline-flex; gap: .25rem; margin-left: .5rem">
                <button type="button" class="btn btn-secondary small" disabled=${disabled || i === 0}
                  aria-label=${t('student.quiz.moveUp', { item: text })} onClick=${() => move(i, i - 1)}>↑</button>
                <button type="button" class="btn btn-secondary small" disabled=${disabled || i === order.length - 1}
                  aria-label=${t('student.quiz.moveDown', { item: text })} onClick=${() => move(i, i + 1)}>↓</button>
              </span>
            </li>`;
          })}
        </ol>
        ${!value?.order
          ? html`<button type="button" class="btn btn-secondary small" disabled=${disabled}
              onClick=${() => onChange({ order })}>${t('student.quiz.keepOrder')}</button>`
          : null}
        ${errorText}
      </div>`;
    }
    case 'matching': {
      const left = /** @type {Choice[]} */ (q.left || []);
      const right = /** @type {Choice[]} */ (q.right || []);
      /** @type {Record<string, string>} */
      const pairs = value?.pairs && typeof value.pairs === 'object' ? value.pairs : {};
      return html`<fieldset aria-describedby=${described}>
        <legend>${prompt}</legend>
        ${left.map((l, i) => {
          const id = `${base}-match-${i}`;
          return html`<div key=${l.id} class="field" style="max-width: 24rem">
            <label for=${id}>${l.text}</label>
            <select id=${id} disabled=${disabled} value=${pairs[l.id] ?? ''}
              onChange=${(/** @type {Event} */ e) => {
                const v = /** @type {HTMLSelectElement} */ (e.currentTarget).value;
                /** @type {Record<string, string>} */
                const next = { ...pairs };
                if (v) next[l.id] = v;
                else delete next[l.id];
                onChange(Object.keys(next).length ? { pairs: next } : null);
              }}>
              <option value="">${t('student.quiz.choose')}</option>
              ${right.map((r) => html`<option key=${r.id} value=${r.id}>${r.text}</option>`)}
            </select>
          </div>`;
        })}
        ${errorText}
      </fieldset>`;
    }
    default:
      return html`<p>${prompt}</p><p>${t('student.quiz.unknownKind', { kind: q.kind })}</p>`;
  }
}

/**
 * Whether a response counts as an answer (for "answered 7 of 9").
 * @param {any} r
 */
export function isAnswered(r) {
  if (!r || typeof r !== 'object') return false;
  if ('choice' in r) return !!r.choice;
  if ('choices' in r) return r.choices.length > 0;
  if ('text' in r) return String(r.text).trim() !== '';
  if ('value' in r) return r.value !== null && r.value !== '';
  if ('order' in r) return r.order.length > 0;
  if ('pairs' in r) return Object.keys(r.pairs).length > 0;
  return false;
}

/**
 * A response (or a correct answer, same shapes) in words, for the review.
 * @param {Question} q
 * @param {any} r
 */
export function describe(q, r) {
  if (r === null || r === undefined) return t('student.review.noAnswer');
  switch (q.kind) {
    case 'single_choice':
      return textOf(q.options, r.choice);
    case 'multiple_choice':
      return (r.choices || []).map((/** @type {string} */ id) => textOf(q.options, id)).join('; ') || t('student.review.noAnswer');
    case 'true_false':
      return r.value === true ? t('student.quiz.true') : r.value === false ? t('student.quiz.false') : t('student.review.noAnswer');
    case 'short_text':
      if (Array.isArray(r.accepted) && r.accepted.length > 1) return r.accepted.join(' / ');
      return r.text ?? t('student.review.noAnswer');
    case 'essay':
      return r.text ?? t('student.review.noAnswer');
    case 'numeric':
    case 'calculated':
      return r.value === null || r.value === undefined ? t('student.review.noAnswer') : `${r.value}${q.unit ? ` ${q.unit}` : ''}`;
    case 'ordering':
      return (r.order || []).map((/** @type {string} */ id, /** @type {number} */ i) => `${i + 1}. ${textOf(q.items, id)}`).join('  ');
    case 'matching':
      return Object.entries(r.pairs || {})
        .map(([l, rt]) => `${textOf(q.left, l)} → ${textOf(q.right, String(rt))}`)
        .join('; ');
    default:
      return JSON.stringify(r);
  }
}

/** @param {string} kind */
export function kindName(kind) {
  const known = ['single_choice', 'multiple_choice', 'true_false', 'short_text', 'numeric', 'ordering', 'matching', 'calculated', 'essay'];
  return known.includes(kind) ? t(`student.kind.${kind}`) : kind;
}
