// The quiz editor: a module's quiz settings and its questions with their answer keys.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { useRoute, navigate } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import { loadFramework, Check, slugify, fieldErrorsOf, mappedProblem, useConfirm } from './common.js';
import { loadDraft } from './editor.js';
import { QuestionForm, kindLabel, keySummary } from './question.js';

/**
 * RFC 3339 (UTC) as the value of a datetime-local input, in the reader's time zone.
 * @param {string | null | undefined} iso
 */
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** @param {string} local a datetime-local value */
function toUtc(local) {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * @typedef {{ title: string, slug: string, passing: string, attempt_limit: string,
 *   time_limit_minutes: string, shuffle_questions: boolean, shuffle_options: boolean,
 *   grading_method: string, review: string, draw: string, opens_at: string, closes_at: string,
 *   draw_from: { competency: string, count: string }[], had_pools: boolean }} Settings
 */

/** @param {any} q a QuizView, or null for a new quiz @returns {Settings} */
function settingsOf(q) {
  return {
    title: q?.title ?? '',
    slug: q?.slug ?? '',
    passing: q ? String(Math.round(q.passing_score * 1000) / 10) : '70',
    attempt_limit: String(q?.attempt_limit ?? 0),
    time_limit_minutes: String(q?.time_limit_minutes ?? 0),
    shuffle_questions: q?.shuffle_questions ?? true,
    shuffle_options: q?.shuffle_options ?? true,
    grading_method: q?.grading_method ?? 'highest',
    review: q?.review ?? 'immediately',
    draw: String(q?.draw ?? 0),
    had_pools: (q?.draw_from ?? []).length > 0,
    draw_from: (q?.draw_from ?? []).map((/** @type {any} */ r) => ({ competency: r.competency, count: String(r.count) })),
    opens_at: toLocalInput(q?.opens_at),
    closes_at: toLocalInput(q?.closes_at),
  };
}

/** @param {Settings} s */
function settingsBody(s) {
  /** @type {Record<string, any>} */
  const b = {
    title: s.title,
    passing_score: Number(s.passing) / 100,
    attempt_limit: Number(s.attempt_limit),
    time_limit_minutes: Number(s.time_limit_minutes),
    shuffle_questions: s.shuffle_questions,
    shuffle_options: s.shuffle_options,
    grading_method: s.grading_method,
    review: s.review,
    draw: Number(s.draw),
  };
  const pools = s.draw_from.filter((r) => r.competency).map((r) => ({ competency: r.competency, count: Number(r.count) }));
  // An empty list clears the pools a quiz had; a quiz that never had any is left as it is.
  if (pools.length > 0 || s.had_pools) b.draw_from = pools;
  if (s.opens_at) b.opens_at = toUtc(s.opens_at);
  if (s.closes_at) b.closes_at = toUtc(s.closes_at);
  return b;
}

/** @param {string} file */
const quizFile = (file) => file.endsWith('quiz.toml');

/**
 * @param {{ initial: Settings, isNew: boolean, submitLabel: string,
 *   pools?: { value: string, label: string }[], onSubmit: (s: Settings) => Promise<void> }} props
 */
function SettingsForm({ initial, isNew, submitLabel, pools = [], onSubmit }) {
  const [s, setS] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsOf(problem, quizFile);
  /** @param {keyof Settings} k @returns {(e: any) => void} */
  const on = (k) => (e) => {
    setSaved(false);
    setS({ ...s, [k]: e.currentTarget.value });
  };

  /** @param {any} [e] */
  async function submit(e) {
    e?.preventDefault?.();
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      await onSubmit(s);
      setSaved(true);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<${Form} onSubmit=${submit} problem=${mappedProblem(problem, quizFile)}>
    <${Field} label=${t('author.quiz.quizTitle')} name="title" value=${s.title} required error=${errors.title}
      onInput=${(/** @type {any} */ e) => {
        const title = e.currentTarget.value;
        setS({ ...s, title, slug: isNew && !touched ? slugify(title) : s.slug });
      }} />
    ${isNew
      ? html`<${Field} label=${t('author.quiz.slug')} name="slug" value=${s.slug} required error=${errors.slug}
          hint=${t('author.field.slugHint')}
          onInput=${(/** @type {any} */ e) => { setTouched(true); on('slug')(e); }} />`
      : null}
    <${Field} type="number" label=${t('author.quiz.passing')} name="passing_score" min="0" max="100" step="any"
      value=${s.passing} error=${errors.passing_score} onInput=${on('passing')} />
    <${Field} type="number" label=${t('author.quiz.attemptLimit')} name="attempt_limit" min="0" value=${s.attempt_limit}
      hint=${t('author.quiz.zeroUnlimited')} error=${errors.attempt_limit} onInput=${on('attempt_limit')} />
    <${Field} type="number" label=${t('author.quiz.timeLimit')} name="time_limit_minutes" min="0"
      value=${s.time_limit_minutes} hint=${t('author.quiz.zeroNoLimit')} error=${errors.time_limit_minutes}
      onInput=${on('time_limit_minutes')} />
    <${Check} label=${t('author.quiz.shuffleQuestions')} checked=${s.shuffle_questions}
      onChange=${(/** @type {boolean} */ v) => setS({ ...s, shuffle_questions: v })} />
    <${Check} label=${t('author.quiz.shuffleOptions')} checked=${s.shuffle_options}
      onChange=${(/** @type {boolean} */ v) => setS({ ...s, shuffle_options: v })} />
    <${Field} type="select" label=${t('author.quiz.grading')} name="grading_method" value=${s.grading_method}
      error=${errors.grading_method} onChange=${on('grading_method')}
      options=${['highest', 'latest', 'average', 'first'].map((v) => ({ value: v, label: t(`author.quiz.grading.${v}`) }))} />
    <${Field} type="select" label=${t('author.quiz.review')} name="review" value=${s.review}
      error=${errors.review} onChange=${on('review')}
      options=${['immediately', 'after_deadline', 'never'].map((v) => ({ value: v, label: t(`author.quiz.review.${v}`) }))} />
    <${Field} type="number" label=${t('author.quiz.draw')} name="draw" min="0" value=${s.draw}
      hint=${t('author.quiz.drawHint')} error=${errors.draw} onInput=${on('draw')} />
    ${pools.length > 0
      ? html`<fieldset class="fieldset" data-field="draw_from" aria-describedby=${errors.draw_from ? 'draw-from-error' : undefined}>
          <legend>${t('author.quiz.pools')}</legend>
          <p class="hint">${t('author.quiz.poolsHint')}</p>
          ${s.draw_from.map(
            (r, i) => html`<div class="row" style="align-items: flex-end; margin-bottom: 0.75rem" key=${i}>
              <span class="field" style="flex: 2 1 12rem; margin: 0">
                <label for=${`pool-${i}-competency`}>${t('author.quiz.poolCompetency', { n: i + 1 })}</label>
                <select id=${`pool-${i}-competency`} class="input" value=${r.competency}
                  onChange=${(/** @type {any} */ e) => setS({ ...s, draw_from: s.draw_from.map((x, j) => (j === i ? { ...x, competency: e.currentTarget.value } : x)) })}>
                  ${pools.map((p) => html`<option value=${p.value}>${p.label}</option>`)}
                </select>
              </span>
              <span class="field" style="flex: 1 1 6rem; margin: 0">
                <label for=${`pool-${i}-count`}>${t('author.quiz.poolCount', { n: i + 1 })}</label>
                <input id=${`pool-${i}-count`} class="input" type="number" min="1" value=${r.count}
                  onInput=${(/** @type {any} */ e) => setS({ ...s, draw_from: s.draw_from.map((x, j) => (j === i ? { ...x, count: e.currentTarget.value } : x)) })} />
              </span>
              <${Button} kind="secondary" onClick=${() => setS({ ...s, draw_from: s.draw_from.filter((_, j) => j !== i) })}
                aria-label=${t('author.quiz.removePool', { n: i + 1 })}>✕</${Button}>
            </div>`,
          )}
          <${Button} kind="secondary" onClick=${() => setS({ ...s, draw_from: [...s.draw_from, { competency: pools[0]?.value ?? '', count: '1' }] })}>${t('author.quiz.addPool')}</${Button}>
          ${errors.draw_from ? html`<p class="field-error" id="draw-from-error">${errors.draw_from}</p>` : null}
        </fieldset>`
      : null}
    <${Field} type="datetime-local" label=${t('author.quiz.opensAt')} name="opens_at" value=${s.opens_at}
      error=${errors.opens_at} onInput=${on('opens_at')} />
    <${Field} type="datetime-local" label=${t('author.quiz.closesAt')} name="closes_at" value=${s.closes_at}
      error=${errors.closes_at} onInput=${on('closes_at')} />
    ${saved ? html`<${Notice} kind="success">${t('author.saved')}</${Notice}>` : null}
    <${Button} type="submit" disabled=${busy}>${submitLabel}</${Button}>
  </${Form}>`;
}

/** The form that adds a quiz to a module. */
export function NewQuiz() {
  const { params } = useRoute();
  const moduleId = params.moduleId;
  const module = useAsync(() => api.get(`/modules/${moduleId}`, { version: 'draft' }), [moduleId]);
  if (module.error) return html`<${Page} title=${t('author.quiz.new')}><${ErrorView} problem=${module.error} /></${Page}>`;
  if (!module.data) return html`<${Page} title=${t('author.quiz.new')}><${Loading} /></${Page}>`;
  const m = module.data;
  return html`<${Page} title=${t('author.quiz.new')}>
    <p><a href=${`#/author/courses/${m.course_id}`}>${t('author.quiz.backToCourse')}</a>${' › '}${m.title}</p>
    <${SettingsForm} initial=${settingsOf(null)} isNew=${true} submitLabel=${t('author.quiz.create')}
      onSubmit=${async (/** @type {Settings} */ s) => {
        const created = await api.post(`/modules/${moduleId}/quizzes`, { slug: s.slug, ...settingsBody(s) });
        navigate(`/author/quizzes/${created.id}`);
      }} />
  </${Page}>`;
}

/** The quiz's settings and questions. */
export function QuizEditor() {
  const { params } = useRoute();
  const id = params.id;
  const quiz = useAsync(() => api.get(`/quizzes/${id}`, { version: 'draft' }), [id]);
  const questions = useAsync(() => api.get(`/quizzes/${id}/questions`, { version: 'draft' }), [id]);
  const ctx = useAsync(async () => {
    if (!quiz.data) return null;
    return { course: await loadDraft(quiz.data.course_id), framework: await loadFramework() };
  }, [quiz.data?.course_id]);
  const [editing, setEditing] = useState(/** @type {string | null} */ (null));
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const { dialog, ask } = useConfirm();

  const error = quiz.error ?? ctx.error ?? questions.error;
  if (error) return html`<${Page} title=${t('author.quiz.title')}><${ErrorView} problem=${error} /></${Page}>`;
  if (!quiz.data || !ctx.data || !questions.data) return html`<${Page} title=${t('author.quiz.title')}><${Loading} /></${Page}>`;
  const q = quiz.data;
  const { course, framework } = ctx.data;
  /** @type {any[]} */
  const list = questions.data;

  const saved = (/** @type {string} */ text) => {
    setNotice(text);
    setEditing(null);
    questions.reload();
    quiz.reload();
  };

  /** @param {any} question */
  async function remove(question) {
    if (!(await ask(t('author.q.confirmDelete', { id: question.id })))) return;
    setProblem(null);
    try {
      await api.del(`/questions/${question.question_id}`);
      saved(t('author.q.deleted'));
    } catch (err) {
      setProblem(err);
    }
  }

  async function removeQuiz() {
    if (!(await ask(t('author.quiz.confirmDelete', { title: q.title })))) return;
    setProblem(null);
    try {
      await api.del(`/quizzes/${id}`);
      navigate(`/author/courses/${course.id}`);
    } catch (err) {
      setProblem(err);
    }
  }

  return html`<${Page} title=${t('author.quiz.editing', { title: q.title })}>
    ${dialog}
    <p><a href=${`#/author/courses/${course.id}`}>${course.title}</a></p>
    <p class="actions">
      <a class="btn btn-secondary" href=${`#/author/quizzes/${id}/grading`}>${t('author.grading.title')}</a>
      ${' '}<a class="btn btn-secondary" href=${`#/author/quizzes/${id}/report`}>${t('author.report.title')}</a>
    </p>
    <section class="card" aria-labelledby="settings-heading">
      <h2 id="settings-heading">${t('author.quiz.settings')}</h2>
      <p>${t('author.quiz.slug')}: <code>${q.slug}</code></p>
      <${SettingsForm} initial=${settingsOf(q)} isNew=${false} submitLabel=${t('author.quiz.save')}
        pools=${framework.areas.flatMap((/** @type {any} */ a) => a.competencies)
          .map((/** @type {any} */ c) => ({ value: c.code, label: c.name }))}
        onSubmit=${async (/** @type {Settings} */ s) => {
          await api.patch(`/quizzes/${id}`, settingsBody(s));
          quiz.reload();
        }} />
      <p class="actions"><${Button} kind="danger" onClick=${removeQuiz}>${t('author.quiz.delete')}</${Button}></p>
    </section>
    <section aria-labelledby="questions-heading">
      <h2 id="questions-heading">${t('author.q.title', { n: list.length })}</h2>
      ${notice ? html`<${Notice} kind="success">${notice}</${Notice}>` : null}
      ${problem ? html`<${ErrorView} problem=${problem} />` : null}
      ${list.length === 0 ? html`<p>${t('author.q.empty')}</p>` : null}
      <ol class="questions">
        ${list.map((question) => html`<li key=${question.question_id} class="card">
          ${editing === question.question_id
            ? html`<${QuestionForm} quizId=${id} question=${question} areas=${framework.areas}
                competencies=${course.competencies} onSaved=${() => saved(t('author.q.saved'))}
                onCancel=${() => setEditing(null)} />`
            : html`<div>
                <p><span class="badge">${kindLabel(question.kind)}</span>${' '}<code>${question.id}</code>
                  ${' '}<small>${t('author.q.pointsN', { n: question.points ?? 1 })}</small></p>
                <p>${question.prompt}</p>
                <p><small>${t('author.q.key')}: ${keySummary(question)}</small></p>
                <p class="actions">
                  <${Button} kind="secondary" onClick=${() => setEditing(question.question_id)}
                    aria-label=${t('author.q.editNamed', { id: question.id })}>${t('author.q.edit')}</${Button}>
                  ${' '}<${Button} kind="danger" onClick=${() => remove(question)}
                    aria-label=${t('author.q.deleteNamed', { id: question.id })}>${t('author.q.delete')}</${Button}>
                </p>
              </div>`}
        </li>`)}
      </ol>
      ${editing === null
        ? html`<${QuestionForm} key=${`new-${list.length}`} quizId=${id} areas=${framework.areas}
            competencies=${course.competencies} onSaved=${() => saved(t('author.q.added'))} />`
        : null}
    </section>
  </${Page}>`;
}
