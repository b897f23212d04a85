// The essay grading queue of a quiz (a score and feedback per answer), and regrading every
// submitted attempt after the answer key changed.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { useRoute } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, useAsync, formatDate } from '../lib/ui.js';
import { fieldErrorsOf, mappedProblem, useConfirm } from './common.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['QueueItem']} QueueItem */
/** @typedef {Schemas['PendingQuestion']} PendingQuestion */

/**
 * A student's response as text.
 * @param {any} response
 */
function responseText(response) {
  if (response == null) return t('author.grading.noAnswer');
  if (typeof response.text === 'string') return response.text;
  return JSON.stringify(response);
}

export function GradingQueue() {
  const { params } = useRoute();
  const id = params.id;
  const quiz = useAsync(() => api.get(`/quizzes/${id}`), [id]);
  const course = useAsync(
    () => (quiz.data ? api.get(`/courses/${quiz.data.course_id}`, { version: 'draft' }) : Promise.resolve(null)),
    [quiz.data?.course_id],
  );
  const queue = useAsync(() => api.get(`/quizzes/${id}/grading-queue`), [id]);
  const [notice, setNotice] = useState(/** @type {string | null} */ (null));

  const title = t('author.grading.title');
  return html`<${Page} title=${quiz.data ? t('author.grading.titleOf', { title: quiz.data.title }) : title}>
    ${quiz.data ? html`<p><a href=${`#/author/quizzes/${id}`}>${t('author.grading.backToQuiz')}</a>
      ${' · '}<a href=${`#/author/courses/${quiz.data.course_id}`}>${t('author.quiz.backToCourse')}</a></p>` : null}
    ${notice ? html`<${Notice} kind="success">${notice}</${Notice}>` : null}
    <section aria-labelledby="queue-heading">
      <h2 id="queue-heading">${t('author.grading.queue')}</h2>
      ${queue.loading && !queue.data ? html`<${Loading} />` : null}
      ${queue.error ? html`<${ErrorView} problem=${queue.error} />` : null}
      ${queue.data && queue.data.length === 0 ? html`<p>${t('author.grading.empty')}</p>` : null}
      ${(queue.data ?? []).map(
        (/** @type {QueueItem} */ item) => html`<article class="card" key=${item.attempt_id}
            aria-label=${t('author.grading.attemptOf', { name: item.student_name })}>
          <h3>${item.student_name}</h3>
          ${item.submitted_at ? html`<p><small>${t('author.grading.submitted', { date: formatDate(item.submitted_at) })}</small></p>` : null}
          ${item.pending.map(
            (p) => html`<${GradeForm} key=${p.question_id} attemptId=${item.attempt_id} pending=${p}
              onGraded=${() => {
                setNotice(t('author.grading.saved', { name: item.student_name }));
                queue.reload();
              }} />`,
          )}
        </article>`,
      )}
    </section>
    <${Regrade} quizId=${id} published=${Boolean(course.data?.published_at)} />
  </${Page}>`;
}

/** @param {{ attemptId: string, pending: PendingQuestion, onGraded: () => void }} props */
function GradeForm({ attemptId, pending, onGraded }) {
  const [score, setScore] = useState('');
  const [comment, setComment] = useState('');
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsOf(problem);

  /** @param {any} [e] */
  async function submit(e) {
    e?.preventDefault?.();
    setBusy(true);
    setProblem(null);
    try {
      await api.post(`/attempts/${attemptId}/grades`, {
        question_id: pending.question_id,
        score: score.trim() === '' ? NaN : Number(score),
        comment,
      });
      onGraded();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<div class="grade">
    <p><strong>${t('author.grading.question')}</strong> ${pending.prompt}</p>
    <blockquote class="response" style="border-left: 4px solid var(--border); background: var(--bg); margin: 0 0 1rem; padding: 0.5rem 1rem; white-space: pre-wrap">${responseText(pending.response)}</blockquote>
    <${Form} onSubmit=${submit} problem=${mappedProblem(problem)}>
      <${Field} type="number" label=${t('author.grading.score', { max: pending.points })} name="score"
        min="0" max=${pending.points} step="any" required value=${score} error=${errors.score}
        onInput=${(/** @type {any} */ e) => setScore(e.currentTarget.value)} />
      <${Field} type="textarea" label=${t('author.grading.feedback')} name="comment" value=${comment}
        error=${errors.comment} onInput=${(/** @type {any} */ e) => setComment(e.currentTarget.value)} />
      <${Button} type="submit" disabled=${busy}>${t('author.grading.save')}</${Button}>
    </${Form}>
  </div>`;
}

/** @param {{ quizId: string, published: boolean }} props */
function Regrade({ quizId, published }) {
  const [report, setReport] = useState(/** @type {any} */ (null));
  const { dialog, ask } = useConfirm();
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);

  async function regrade() {
    if (!(await ask(t('author.regrade.action'), t('author.regrade.confirm'), false))) return;
    setBusy(true);
    setProblem(null);
    try {
      setReport(await api.post(`/quizzes/${quizId}/regrade`));
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<section class="card" aria-labelledby="regrade-heading">
    ${dialog}
    <h2 id="regrade-heading">${t('author.regrade.title')}</h2>
    <p>${t('author.regrade.intro')}</p>
    ${report
      ? html`<${Notice} kind="success">${t('author.regrade.done', {
          checked: report.attempts_checked, changed: report.attempts_changed, questions: report.questions_changed,
        })}</${Notice}>`
      : null}
    ${problem ? html`<${ErrorView} problem=${problem} />` : null}
    ${published ? null : html`<p class="muted">${t('author.regrade.unpublished')}</p>`}
    <${Button} kind="secondary" onClick=${regrade} busy=${busy} disabled=${!published}>${t('author.regrade.action')}</${Button}>
  </section>`;
}
