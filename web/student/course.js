// A course: its summary, prerequisites, enrollment, then modules with their lessons (done or not)
// and quizzes (start, continue, or the result the policy shows).
import { html, useState, useEffect } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { session } from '../lib/session.js';
import { useRoute, href, withQuery } from '../lib/router.js';
import { Page, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import { languageName, countryName, levelName, percent, listOf, ProgressBar, unsubscribe } from './common.js';
import { startQuiz } from './quiz.js';

/** @typedef {import('../types/api').components['schemas']['CourseView']} CourseView */
/** @typedef {import('../types/api').components['schemas']['CourseProgressDetail']} CourseProgressDetail */
/** @typedef {import('../types/api').components['schemas']['EnrollmentView']} EnrollmentView */

/** Re-renders when the session changes (signed in or out). */
export function useSignedIn() {
  const [user, setUser] = useState(session.user);
  useEffect(() => {
    const off = session.onChange(() => setUser(session.user));
    return () => unsubscribe(off);
  }, []);
  return user;
}

export function CoursePage() {
  const { params } = useRoute();
  const id = params.id;
  const user = useSignedIn();
  const course = useAsync(() => api.get(`/courses/${id}`), [id]);
  const enrollments = useAsync(() => (user ? api.get('/me/enrollments') : Promise.resolve([])), [user ? 'in' : 'out', id]);
  /** @type {EnrollmentView | undefined} */
  const enrollment = (enrollments.data || []).find(
    (/** @type {EnrollmentView} */ e) => e.course_id === id && e.status !== 'withdrawn',
  );
  const progress = useAsync(
    () => (enrollment ? api.get(`/me/courses/${id}/progress`) : Promise.resolve(null)),
    [enrollment ? enrollment.id : null],
  );

  if (course.loading && !course.data) return html`<${Page} title=${t('student.course.title')}><${Loading} /><//>`;
  if (course.error) return html`<${Page} title=${t('student.course.title')}><${ErrorView} problem=${course.error} /><//>`;
  /** @type {CourseView} */
  const c = course.data;
  return html`<${Page} title=${c.title}>
    <p><a href="#/catalog">${t('student.course.backToCatalog')}</a></p>
    <p style="font-size: 1.1rem">${c.summary}</p>
    <dl style="display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem">
      <dt>${t('student.course.level')}</dt><dd style="margin: 0">${levelName(c.level)}</dd>
      <dt>${t('student.course.language')}</dt><dd style="margin: 0">${languageName(c.language)}</dd>
      <dt>${t('student.course.hours')}</dt><dd style="margin: 0">${t('student.catalog.hours', { hours: c.estimated_hours })}</dd>
      ${c.markets.length
        ? html`<dt>${t('student.course.markets')}</dt><dd style="margin: 0">${listOf(c.markets.map((m) => countryName(m)))}</dd>`
        : null}
      <dt>${t('student.course.completion')}</dt>
      <dd style="margin: 0">${c.completion === 'min_score' && c.min_score !== null && c.min_score !== undefined
        ? t('student.course.completionMinScore', { score: percent(c.min_score) })
        : t('student.course.completionAllPassed')}</dd>
    </dl>
    ${(c.editions || []).length > 1
      ? html`<p>${t('student.course.otherEditions')}${' '}
          ${c.editions.filter((e) => e.id !== c.id).map(
            (e, i) => html`${i ? ', ' : ''}<a key=${e.id} href=${`#/courses/${e.id}`} hreflang=${e.language}>${languageName(e.language)}</a>`,
          )}</p>`
      : null}
    <${Prerequisites} slugs=${c.prerequisites} />
    <${Enrollment} course=${c} user=${user} enrollment=${enrollment} loading=${enrollments.loading}
      progress=${progress.data} onEnrolled=${() => enrollments.reload()} />
    <${Modules} course=${c} progress=${enrollment ? progress.data : null} enrolled=${!!enrollment} />
  <//>`;
}

/**
 * The courses to complete first, each linked when the catalog finds it.
 * @param {{ slugs: string[] }} props
 */
function Prerequisites({ slugs }) {
  const found = useAsync(async () => {
    /** @type {Record<string, { id: string, title: string }>} */
    const out = {};
    for (const slug of slugs) {
      try {
        const page = await api.get('/courses', { q: slug, limit: 20 });
        const hit = (page.items || []).find((/** @type {any} */ x) => x.slug === slug);
        if (hit) out[slug] = { id: hit.id, title: hit.title };
      } catch {
        // shown by its slug
      }
    }
    return out;
  }, [slugs.join(',')]);
  if (!slugs.length) return null;
  return html`<section aria-labelledby="prereq-heading">
    <h2 id="prereq-heading">${t('student.course.prerequisites')}</h2>
    <p>${t('student.course.prerequisitesIntro')}</p>
    <ul>
      ${slugs.map((s) => {
        const hit = found.data?.[s];
        return html`<li key=${s}>${hit ? html`<a href=${`#/courses/${hit.id}`}>${hit.title}</a>` : s}</li>`;
      })}
    </ul>
  </section>`;
}

/**
 * Enroll, or the enrollment's status and figures.
 * @param {{ course: CourseView, user: any, enrollment: EnrollmentView | undefined, loading: boolean,
 *   progress: CourseProgressDetail | null, onEnrolled: () => void }} props
 */
function Enrollment({ course, user, enrollment, loading, progress, onEnrolled }) {
  /** @type {[ApiProblem | null, (p: ApiProblem | null) => void]} */
  const [problem, setProblem] = useState(/** @type {ApiProblem | null} */ (null));
  const [busy, setBusy] = useState(false);
  const framework = useAsync(() => api.get('/competencies'), []);
  /** @type {Record<string, string>} */
  const names = {};
  for (const a of framework.data?.areas || []) for (const c of a.competencies) names[c.code] = c.name;
  if (!user) {
    return html`<section aria-labelledby="enroll-heading">
      <h2 id="enroll-heading">${t('student.course.enrollment')}</h2>
      <p>${t('student.course.signInToEnroll')}</p>
      <p><a class="btn btn-primary" href=${href(withQuery('/sign-in', { next: `/courses/${course.id}` }))}>${t('student.course.signInButton')}</a></p>
    </section>`;
  }
  if (loading && !enrollment) return html`<${Loading} />`;
  if (enrollment) {
    return html`<section aria-labelledby="enroll-heading">
      <h2 id="enroll-heading">${t('student.course.enrollment')}</h2>
      <p>${enrollment.status === 'completed' ? t('student.course.completed') : t('student.course.enrolled')}</p>
      ${progress
        ? html`<p>${t('student.course.progressLine', {
            lessons: progress.lessons_done,
            lessonsTotal: progress.lessons_total,
            quizzes: progress.quizzes_passed,
            quizzesTotal: progress.quizzes_total,
          })}</p>
          <${ProgressBar} value=${progress.percent} label=${t('student.course.percentLabel')} />
          ${progress.competencies.length
            ? html`<details style="margin-top: .5rem"><summary>${t('student.course.competencies')}</summary>
                <ul>${progress.competencies.map(
                  (c) => html`<li key=${c.code}>${names[c.code] || c.code}: ${percent(c.level)}${c.mastered ? html` · <strong>${t('student.progress.mastered')}</strong>` : null}</li>`,
                )}</ul></details>`
            : null}`
        : null}
    </section>`;
  }
  const enroll = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await api.post(`/courses/${course.id}/enroll`);
      onEnrolled();
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      if (e.code === 'already_enrolled') onEnrolled();
      else setProblem(e);
    } finally {
      setBusy(false);
    }
  };
  /** @type {{ slug: string, title: string }[]} */
  const missing = problem?.problem?.report?.missing_prerequisites || [];
  return html`<section aria-labelledby="enroll-heading">
    <h2 id="enroll-heading">${t('student.course.enrollment')}</h2>
    ${problem && problem.code === 'prerequisites_not_met'
      ? html`<div role="alert"><${Notice} kind="error">
          <strong>${t('student.course.prerequisitesMissing')}</strong>
          <ul>${missing.map((m) => html`<li key=${m.slug}>${m.title}</li>`)}</ul>
          <p>${problem.detail}</p>
        <//></div>`
      : problem
        ? html`<${ErrorView} problem=${problem} />`
        : null}
    <button type="button" class="btn btn-primary" disabled=${busy} onClick=${enroll}>${t('student.course.enroll')}</button>
  </section>`;
}

/**
 * Modules with lessons and quizzes.
 * @param {{ course: CourseView, progress: CourseProgressDetail | null | undefined, enrolled: boolean }} props
 */
function Modules({ course, progress, enrolled }) {
  /** @type {[ApiProblem | null, (p: ApiProblem | null) => void]} */
  const [problem, setProblem] = useState(/** @type {ApiProblem | null} */ (null));
  const [starting, setStarting] = useState('');
  /** @param {string} quizId */
  const start = async (quizId) => {
    setStarting(quizId);
    setProblem(null);
    try {
      await startQuiz(quizId);
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      setProblem(e);
    } finally {
      setStarting('');
    }
  };
  return html`<section aria-labelledby="modules-heading">
    <h2 id="modules-heading">${t('student.course.modules')}</h2>
    ${problem ? html`<${ErrorView} problem=${problem} />` : null}
    ${!enrolled ? html`<p class="muted">${t('student.course.enrollToStart')}</p>` : null}
    <ol style="padding-left: 1.25rem">
      ${course.modules.map((m) => {
        const mp = progress?.modules.find((x) => x.module_id === m.id);
        const quiz = m.quiz;
        const qp = mp?.quiz;
        return html`<li key=${m.id} style="margin-bottom: 1.25rem">
          <h3 style="margin-bottom: .25rem">${m.title} ${mp?.completed ? html`<span class="badge">✓ ${t('student.course.moduleDone')}</span>` : null}</h3>
          ${m.summary ? html`<p>${m.summary}</p>` : null}
          <ul style="padding-left: 1.25rem">
            ${m.lessons.map((l) => {
              const done = !!mp?.lessons.find((x) => x.lesson_id === l.id)?.completed_at;
              return html`<li key=${l.id}>
                ${enrolled ? html`<a href=${`#/lessons/${l.id}`}>${l.title}</a>` : l.title}
                <span class="muted"> · ${t('student.course.minutes', { minutes: l.minutes })}</span>
                ${done ? html` <span class="badge" aria-label=${t('student.course.lessonDone')}>✓ ${t('student.course.lessonDone')}</span>` : null}
              </li>`;
            })}
          </ul>
          ${quiz
            ? html`<div style="border-left: 3px solid #8fb3e0; padding-left: .75rem; margin-top: .5rem">
                <p style="margin: .25rem 0"><strong>${t('student.course.quiz', { title: quiz.title })}</strong></p>
                <p class="muted" style="margin: .25rem 0">
                  ${t('student.course.quizFacts', { questions: quiz.question_count, pass: percent(quiz.passing_score) })}
                  ${' · '}${quiz.time_limit_minutes ? t('student.course.timeLimit', { minutes: quiz.time_limit_minutes }) : t('student.course.noTimeLimit')}
                  ${' · '}${quiz.attempt_limit ? t('student.course.attemptLimit', { n: quiz.attempt_limit }) : t('student.course.unlimitedAttempts')}
                </p>
                ${qp ? html`<p style="margin: .25rem 0">${quizStatus(qp)}</p>` : null}
                ${enrolled && qp?.open_attempt_id
                  ? html`<a class="btn btn-primary" href=${`#/attempts/${qp.open_attempt_id}`}>${t('student.course.continueQuiz')}</a>`
                  : enrolled
                  ? html`<button type="button" class="btn btn-primary" disabled=${starting === quiz.id} onClick=${() => start(quiz.id)}>
                      ${qp?.status === 'in_progress' ? t('student.course.continueQuiz') : qp && qp.attempts > 0 ? t('student.course.retakeQuiz') : t('student.course.startQuiz')}
                    </button>`
                  : null}
              </div>`
            : null}
        </li>`;
      })}
    </ol>
  </section>`;
}

/** @param {import('../types/api').components['schemas']['QuizProgress']} qp */
function quizStatus(qp) {
  const parts = [t(`student.quizStatus.${qp.status}`), t('student.course.attempts', { n: qp.attempts })];
  if (qp.share !== undefined && qp.share !== null) parts.push(t('student.course.best', { share: percent(qp.share) }));
  if (qp.passed === true) parts.push(t('student.course.passed'));
  if (qp.passed === false) parts.push(t('student.course.notPassed'));
  return parts.join(' · ');
}
