// Taking a quiz: the attempt's questions with an input for each kind, autosave, the server's
// deadline as a countdown, submit with a confirmation, then the result and the review exactly as
// the API returns them (the quiz's review policy decides what that holds).
import { html, useState, useEffect, useRef, useMemo } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { session } from '../lib/session.js';
import { useRoute, navigate } from '../lib/router.js';
import { Page, Loading, ErrorView, Notice, ConfirmDialog, useAsync } from '../lib/ui.js';
import { Autosaver, loadPending, clearPending, errorsByQuestion } from './autosave.js';
import { QuestionInput, isAnswered, describe, kindName } from './questions.js';
import { percent, number, dateTime, unsubscribe } from './common.js';

/** @typedef {import('../types/api').components['schemas']['AttemptView']} Attempt */
/** @typedef {import('../types/api').components['schemas']['StudentQuestion']} Question */
/** @typedef {import('./autosave.js').SaveStatus} SaveStatus */

const OPEN_KEY = 'caravan.student.openAttempt.';

/**
 * Starts an attempt at `quizId` (or finds the one still open) and opens it.
 * @param {string} quizId
 * @returns {Promise<void>}
 */
export async function startQuiz(quizId) {
  try {
    /** @type {Attempt} */
    const attempt = await api.post(`/quizzes/${quizId}/attempts`);
    try {
      localStorage.setItem(OPEN_KEY + quizId, attempt.id);
    } catch {
      // not remembered; the server names the open attempt if asked again
    }
    navigate(`/attempts/${attempt.id}`);
  } catch (e) {
    if (e instanceof ApiProblem && e.status === 409 && e.code === 'attempt_in_progress') {
      // The course page links an open attempt directly (its progress names it); a start that
      // races another tab lands here: the server names the open attempt in the problem, else
      // the one remembered here.
      const named = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(e.detail || '');
      let id = named ? named[0] : null;
      if (!id) {
        try {
          id = localStorage.getItem(OPEN_KEY + quizId);
        } catch {
          id = null;
        }
      }
      if (id) {
        navigate(`/attempts/${id}`);
        return;
      }
    }
    throw e;
  }
}

/** How far the server's clock is ahead of this device's, in ms (from a response's Date header). */
let clockSkew = 0;

/**
 * The attempt, noting the server's clock so the countdown follows the server's deadline even
 * when this device's clock is off.
 * @param {string} id
 * @returns {Promise<Attempt>}
 */
async function loadAttempt(id) {
  const sent = Date.now();
  const res = await api.raw('GET', `/attempts/${id}`, { headers: { Accept: 'application/json' } });
  const date = Date.parse(res.headers.get('Date') || '');
  if (!Number.isNaN(date)) {
    const skew = date - (sent + Date.now()) / 2;
    // The header has whole seconds: only a clear difference counts.
    clockSkew = Math.abs(skew) > 2000 ? skew : 0;
  }
  return res.json();
}

/** The route `#/attempts/:id`: the attempt to take, or its result. */
export function AttemptPage() {
  const { params } = useRoute();
  const id = params.id;
  const { data, error, loading, reload } = useAsync(() => loadAttempt(id), [id]);
  /** @type {[Attempt | null, (a: Attempt | null) => void]} */
  const [finished, setFinished] = useState(/** @type {Attempt | null} */ (null));
  /** @type {Attempt | null} */
  const attempt = finished || data || null;
  const course = useAsync(
    () => (attempt ? api.get(`/courses/${attempt.course_id}`) : Promise.resolve(null)),
    [attempt?.course_id],
  );
  const quizTitle = useMemo(() => {
    if (!attempt || !course.data) return '';
    for (const m of course.data.modules || []) {
      if (m.quiz && m.quiz.id === attempt.quiz_id) return m.quiz.title;
    }
    return '';
  }, [attempt, course.data]);
  const title = quizTitle || t('student.quiz.title');
  if (loading && !attempt) return html`<${Page} title=${title}><${Loading} /><//>`;
  if (error && !attempt) return html`<${Page} title=${title}><${ErrorView} problem=${error} /><//>`;
  if (!attempt) return html`<${Page} title=${title}><${Loading} /><//>`;
  const back = html`<p><a href=${`#/courses/${attempt.course_id}`}>${t('student.quiz.backToCourse', { course: course.data?.title ?? '' })}</a></p>`;
  if (attempt.status === 'open') {
    return html`<${Page} title=${title}>
      ${back}
      <${TakeQuiz} key=${attempt.id} attempt=${attempt} onFinished=${(/** @type {Attempt} */ a) => {
        setFinished(a);
      }} onReload=${reload} />
    <//>`;
  }
  return html`<${Page} title=${title}>
    ${back}
    <${Result} attempt=${attempt} />
  <//>`;
}

/**
 * The server's deadline counting down, once a second.
 * @param {{ deadline: string, onExpired: () => void }} props
 */
function Countdown({ deadline, onExpired }) {
  const end = Date.parse(deadline);
  const serverNow = () => Date.now() + clockSkew;
  const [now, setNow] = useState(serverNow);
  const fired = useRef(false);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.round((end - now) / 1000));
  useEffect(() => {
    if (left === 0 && !fired.current) {
      fired.current = true;
      onExpired();
    }
  }, [left]);
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const clock = `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`;
  const urgent = left <= 60;
  return html`<div class="sticky-bar">
    <span role="timer" aria-live="off" aria-label=${t('student.quiz.timeLeftLabel')} class=${`timer ${urgent ? 'urgent' : ''}`}>
      ${left > 0 ? t('student.quiz.timeLeft', { time: clock }) : t('student.quiz.timeUp')}
    </span>
    <span class="muted small">${t('student.quiz.deadlineAt', { time: dateTime(deadline) })}</span>
    <span class="sr-only" aria-live="assertive">${left <= 60 && left > 55 ? t('student.quiz.oneMinute') : ''}</span>
  </div>`;
}

/**
 * What autosave is doing, in words, announced politely. `unsaved`: answers the server refused.
 * @param {{ status: SaveStatus, unsaved: number, onRetry: () => void }} props
 */
function SaveState({ status, unsaved, onRetry }) {
  // The wait before the next try, counting down.
  const [left, setLeft] = useState(status.retryIn ?? 0);
  useEffect(() => {
    if (!status.retryIn) return undefined;
    const end = Date.now() + status.retryIn * 1000;
    setLeft(status.retryIn);
    const timer = setInterval(() => setLeft(Math.max(0, Math.ceil((end - Date.now()) / 1000))), 1000);
    return () => clearInterval(timer);
  }, [status]);
  /** @type {any} */
  let body = null;
  let kind = 'info';
  switch (status.state) {
    case 'saved':
      body = !status.savedAt ? '' : unsaved ? t('student.save.savedButInvalid', { n: unsaved }) : t('student.save.saved');
      kind = unsaved ? 'error' : 'success';
      break;
    case 'pending':
    case 'saving':
      body = t('student.save.saving');
      break;
    case 'retrying':
      kind = 'error';
      body = html`${t('student.save.retrying', { seconds: left })}
        <button type="button" class="btn btn-secondary small" onClick=${onRetry}>${t('student.save.retryNow')}</button>`;
      break;
    case 'waiting':
      kind = 'error';
      body = t('student.save.rateLimited', { seconds: left });
      break;
    case 'session':
      kind = 'error';
      body = t('student.save.session');
      break;
    case 'invalid':
      kind = 'error';
      body = t('student.save.savedButInvalid', { n: unsaved || 1 });
      break;
    case 'closed':
      kind = 'error';
      body = t('student.save.closed');
      break;
    case 'error':
      kind = 'error';
      body = html`${t('student.save.error', { detail: status.problem?.detail || status.problem?.title || '' })}
        <button type="button" class="btn btn-secondary small" onClick=${onRetry}>${t('student.save.retryNow')}</button>`;
      break;
  }
  return html`<div role="status" aria-live="polite" data-save-state=${status.state}
      style=${`min-height: 1.5rem; margin: .5rem 0; ${kind === 'error' ? 'color: #8a1c00; font-weight: 600' : 'color: #2f5f2f'}`}>
    ${body}
  </div>`;
}

/**
 * The open attempt: questions, autosave, countdown and submit.
 * @param {{ attempt: Attempt, onFinished: (a: Attempt) => void, onReload: () => void }} props
 */
function TakeQuiz({ attempt, onFinished, onReload }) {
  const questions = /** @type {Question[]} */ (attempt.questions);
  /** @type {[Record<string, any>, (f: (a: Record<string, any>) => Record<string, any>) => void]} */
  const [answers, setAnswers] = useState(() => ({ ...(attempt.answers || {}), ...loadPending(attempt.id) }));
  /** @type {[SaveStatus, (s: SaveStatus) => void]} */
  const [status, setStatus] = useState(/** @type {SaveStatus} */ ({ state: 'saved' }));
  const [confirming, setConfirming] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  /** @type {[ApiProblem | null, (p: ApiProblem | null) => void]} */
  const [submitProblem, setSubmitProblem] = useState(/** @type {ApiProblem | null} */ (null));
  const [timeUp, setTimeUp] = useState(false);
  /** @type {{ current: Autosaver | null }} */
  const saver = useRef(null);
  const statusRef = useRef(status);
  statusRef.current = status;
  /** Responses the server refused, by question id (until the student changes them). */
  const [invalid, setInvalid] = useState(/** @type {Record<string, string>} */ ({}));

  useEffect(() => {
    const s = new Autosaver(attempt.id, (next) => {
      setStatus(next);
      if (next.invalid) {
        const found = next.invalid;
        setInvalid((prev) => ({ ...prev, ...found }));
      }
    });
    saver.current = s;
    // Answers kept on this device from before (e.g. a session that expired) are sent now.
    if (s.hasPending()) s.flush();
    const off = session.onChange(() => {
      if (session.user && saver.current && ['session', 'error', 'retrying'].includes(statusRef.current.state)) {
        saver.current.retry();
      }
    });
    /** @param {BeforeUnloadEvent} e */
    const leaving = (e) => {
      if (saver.current?.hasPending()) {
        e.preventDefault();
        e.returnValue = '';
      }
    };
    window.addEventListener('beforeunload', leaving);
    return () => {
      s.stop();
      unsubscribe(off);
      window.removeEventListener('beforeunload', leaving);
    };
  }, [attempt.id]);

  const submitErrors = submitProblem && submitProblem.status === 422 ? errorsByQuestion(submitProblem, questions.map((q) => q.question_id).filter((id) => answers[id] !== undefined && answers[id] !== null)) : {};
  const answered = questions.filter((q) => isAnswered(answers[q.question_id])).length;
  const closed = status.state === 'closed' || (submitProblem?.status === 409);

  /** @param {string} qid @param {any} response */
  const change = (qid, response) => {
    setAnswers((a) => ({ ...a, [qid]: response }));
    if (invalid[qid]) {
      const { [qid]: _gone, ...rest } = invalid;
      setInvalid(rest);
    }
    if (response !== null) saver.current?.change(qid, response);
  };

  const submit = async () => {
    setSubmitting(true);
    setSubmitProblem(null);
    const list = questions
      .map((q) => ({ question_id: q.question_id, response: answers[q.question_id] }))
      .filter((a) => a.response !== undefined && a.response !== null);
    try {
      // Everything on screen goes with the submit, so nothing waits on autosave.
      /** @type {Attempt} */
      const done = await api.post(`/attempts/${attempt.id}/submit`, { answers: list });
      saver.current?.stop();
      clearPending(attempt.id);
      try {
        localStorage.removeItem(OPEN_KEY + attempt.quiz_id);
      } catch {
        // nothing remembered
      }
      setConfirming(false);
      onFinished(done);
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      setConfirming(false);
      setSubmitProblem(e);
      if (e.status === 409) {
        saver.current?.stop();
        clearPending(attempt.id);
      }
    } finally {
      setSubmitting(false);
    }
  };

  const expired = () => {
    setTimeUp(true);
    // Within the server's short grace after the deadline, what is on screen is still accepted.
    if (!submitting) submit();
  };

  const deadlinePassed = attempt.deadline ? Date.parse(attempt.deadline) <= Date.now() + clockSkew : false;
  // The latest refusal: a closed attempt found by autosave outranks an earlier failed submit.
  const shown = (status.state === 'closed' && status.problem) || submitProblem;
  const late = timeUp || deadlinePassed;
  return html`<div>
    <p class="muted">${t('student.quiz.attemptInfo', { number: attempt.number, count: questions.length, started: dateTime(attempt.started_at) })}</p>
    ${attempt.deadline
      ? html`<${Countdown} deadline=${attempt.deadline} onExpired=${expired} />`
      : html`<p class="muted">${t('student.quiz.noTimeLimit')}</p>`}
    <${SaveState} status=${status} unsaved=${Object.keys(invalid).length} onRetry=${() => saver.current?.retry()} />
    ${shown
      ? html`<div role="alert">
          <${Notice} kind="error">
            <strong>${closedTitle(shown, attempt, late)}</strong>
            <p>${late && shown.code === 'attempt_closed' ? t('student.quiz.closedByDeadline') : shown.detail}</p>
            ${shown.status === 409
              ? html`<button type="button" onClick=${onReload}>${t('student.quiz.seeResult')}</button>`
              : null}
          <//>
        </div>`
      : null}
    <form onSubmit=${(/** @type {Event} */ e) => {
      e.preventDefault();
      setConfirming(true);
    }}>
      <ol style="list-style: none; padding: 0">
        ${questions.map(
          (q, i) => html`<li key=${q.question_id} style="margin: 1.25rem 0; padding: 1rem; border: 1px solid #d0d7de; border-radius: 8px">
            <h2 style="font-size: 1rem; margin: 0 0 .5rem">${t('student.quiz.questionN', { n: i + 1, count: questions.length })}
              <span class="muted" style="font-weight: 400"> · ${kindName(q.kind)} · ${t('student.quiz.points', { points: number(q.points) })}</span></h2>
            <${QuestionInput} q=${q} index=${i} value=${answers[q.question_id]} disabled=${closed}
              error=${invalid[q.question_id] || submitErrors[q.question_id]}
              onChange=${(/** @type {any} */ r) => change(q.question_id, r)} />
          </li>`,
        )}
      </ol>
      <p>${t('student.quiz.answeredOf', { answered, count: questions.length })}</p>
      <button type="submit" class="btn btn-primary" disabled=${closed || submitting}>${t('student.quiz.submit')}</button>
    </form>
    <${ConfirmDialog} open=${confirming} title=${t('student.quiz.confirmTitle')}
      confirmLabel=${submitting ? t('student.quiz.submitting') : t('student.quiz.confirmSubmit')}
      cancelLabel=${t('student.quiz.keepWorking')} busy=${submitting}
      onConfirm=${submit} onCancel=${() => setConfirming(false)}>
      <p>${t('student.quiz.confirmBody', { answered, count: questions.length })}</p>
      ${answered < questions.length ? html`<p><strong>${t('student.quiz.confirmUnanswered', { n: questions.length - answered })}</strong></p>` : null}
    <//>
  </div>`;
}

/**
 * The heading of a refused save or submit.
 * @param {ApiProblem | undefined | null} problem
 * @param {Attempt} attempt
 * @param {boolean} late
 */
function closedTitle(problem, attempt, late) {
  if (!problem) return '';
  if (problem.code === 'deadline_passed' || (problem.status === 409 && late)) {
    return t('student.quiz.afterDeadline', { time: dateTime(attempt.deadline) });
  }
  if (problem.status === 409) return t('student.quiz.alreadyClosed');
  if (problem.status === 422) return t('student.quiz.invalidAnswers');
  if (problem.offline) return t('student.quiz.submitOffline');
  if (problem.status === 429) return t('student.quiz.rateLimited', { seconds: problem.retryAfter ?? 1 });
  return problem.title || t('student.quiz.submitFailed');
}

/**
 * The result and the review, only as far as the API returns them.
 * @param {{ attempt: Attempt }} props
 */
export function Result({ attempt }) {
  const result = attempt.result;
  const questions = /** @type {Question[]} */ (attempt.questions);
  if (!result) {
    return html`<section aria-labelledby="result-heading">
      <h2 id="result-heading">${t('student.result.submitted')}</h2>
      <p>${t('student.result.submittedAt', { time: dateTime(attempt.submitted_at) })}</p>
      <${Notice} kind="info">${t('student.result.hidden')}<//>
    </section>`;
  }
  return html`<section aria-labelledby="result-heading">
    <h2 id="result-heading">${t('student.result.title')}</h2>
    <div role="status" style="font-size: 1.125rem">
      <p><strong>${t('student.result.score', { score: number(result.score), max: number(result.max), share: percent(result.share) })}</strong></p>
      <p>${result.needs_grading
        ? t('student.result.needsGrading')
        : result.passed
          ? t('student.result.passed')
          : t('student.result.failed')}</p>
    </div>
    <p class="muted">${t('student.result.submittedAt', { time: dateTime(attempt.submitted_at) })}</p>
    <h2>${t('student.review.title')}</h2>
    <ol style="list-style: none; padding: 0">
      ${questions.map((q, i) => {
        const r = result.questions.find((x) => x.question_id === q.question_id);
        const mine = attempt.answers?.[q.question_id];
        return html`<li key=${q.question_id} style="margin: 1rem 0">
          <h3 style="font-size: 1rem; margin: 0">${t('student.quiz.questionN', { n: i + 1, count: questions.length })} · ${kindName(q.kind)}</h3>
          <p style="white-space: pre-wrap">${q.prompt}</p>
          <dl style="display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem">
            <dt>${t('student.review.yourAnswer')}</dt><dd style="margin: 0; white-space: pre-wrap">${describe(q, mine)}</dd>
            ${r
              ? html`<dt>${t('student.review.outcome')}</dt>
                <dd style="margin: 0">${outcome(r.correct)} (${t('student.review.points', { score: number(r.score), max: number(r.max) })})</dd>`
              : null}
            ${r && r.correct_answer
              ? html`<dt>${t('student.review.correctAnswer')}</dt><dd style="margin: 0">${describe(q, r.correct_answer)}</dd>`
              : null}
            ${r && r.feedback ? html`<dt>${t('student.review.feedback')}</dt><dd style="margin: 0; white-space: pre-wrap">${r.feedback}</dd>` : null}
          </dl>
        </li>`;
      })}
    </ol>
  </section>`;
}

/** @param {string} c */
function outcome(c) {
  const known = ['correct', 'partial', 'incorrect', 'needs_grading'];
  return known.includes(c) ? t(`student.review.${c}`) : c;
}
