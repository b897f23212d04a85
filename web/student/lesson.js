// A lesson: the sanitized HTML the API renders from the author's Markdown (the only HTML inserted
// into the page), marking it complete, and the way to the previous and next lessons.
import { html, useState, useEffect } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { useRoute } from '../lib/router.js';
import { Page, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import { ProgressBar, dateTime } from './common.js';

/** @typedef {import('../types/api').components['schemas']['LessonView']} LessonView */
/** @typedef {import('../types/api').components['schemas']['CourseView']} CourseView */

export function LessonPage() {
  const { params } = useRoute();
  const id = params.id;
  const lesson = useAsync(() => api.get(`/lessons/${id}`), [id]);
  /** @type {LessonView | undefined} */
  const l = lesson.data;
  const course = useAsync(() => (l ? api.get(`/courses/${l.course_id}`) : Promise.resolve(null)), [l?.course_id]);
  const progress = useAsync(() => (l ? api.get(`/me/courses/${l.course_id}/progress`) : Promise.resolve(null)), [l?.course_id]);
  /** @type {[any, (v: any) => void]} */
  const [done, setDone] = useState(/** @type {any} */ (null));
  /** @type {[ApiProblem | null, (p: ApiProblem | null) => void]} */
  const [problem, setProblem] = useState(/** @type {ApiProblem | null} */ (null));
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDone(null);
    setProblem(null);
  }, [id]);

  if (lesson.loading && !l) return html`<${Page} title=${t('student.lesson.title')}><${Loading} /><//>`;
  if (lesson.error || !l) {
    const notEnrolled = lesson.error instanceof ApiProblem && lesson.error.status === 404;
    return html`<${Page} title=${t('student.lesson.title')}>
      <${ErrorView} problem=${lesson.error} />
      ${notEnrolled ? html`<p>${t('student.lesson.notFound')}</p>` : null}
    <//>`;
  }

  /** @type {CourseView | null} */
  const c = course.data;
  const flat = (c?.modules || []).flatMap((m) => m.lessons.map((x) => ({ ...x, module: m.title })));
  const at = flat.findIndex((x) => x.id === l.id);
  const prev = at > 0 ? flat[at - 1] : null;
  const next = at >= 0 && at < flat.length - 1 ? flat[at + 1] : null;
  const moduleTitle = at >= 0 ? flat[at].module : '';
  /** @type {string | null | undefined} */
  const completedAt =
    done?.completed_at ||
    progress.data?.modules.flatMap((/** @type {any} */ m) => m.lessons).find((/** @type {any} */ x) => x.lesson_id === l.id)?.completed_at;

  const complete = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setDone(await api.post(`/lessons/${l.id}/complete`));
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      setProblem(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<${Page} title=${l.title}>
    <nav aria-label=${t('student.lesson.breadcrumb')}>
      <a href=${`#/courses/${l.course_id}`}>${c?.title || t('student.lesson.backToCourse')}</a>
      ${moduleTitle ? html` › <span>${moduleTitle}</span>` : null}
    </nav>
    <p class="muted">${t('student.course.minutes', { minutes: l.minutes })}</p>
    <article class="lesson-body prose" lang=${c?.language || undefined} dangerouslySetInnerHTML=${{ __html: l.html }}></article>
    <section aria-labelledby="lesson-done-heading" style="margin-top: 2rem; border-top: 1px solid #d0d7de; padding-top: 1rem">
      <h2 id="lesson-done-heading" style="font-size: 1.1rem">${t('student.lesson.progress')}</h2>
      ${problem ? html`<${ErrorView} problem=${problem} />` : null}
      ${completedAt
        ? html`<div role="status"><${Notice} kind="success">${t('student.lesson.completedAt', { time: dateTime(completedAt) })}<//></div>`
        : html`<button type="button" class="btn btn-primary" disabled=${busy} onClick=${complete}>${t('student.lesson.complete')}</button>`}
      ${done?.course
        ? html`<p>${t('student.lesson.coursePercent')} <${ProgressBar} value=${done.course.percent} label=${t('student.course.percentLabel')} /></p>`
        : null}
    </section>
    <nav aria-label=${t('student.lesson.pager')} style="display: flex; justify-content: space-between; gap: 1rem; margin-top: 1.5rem; flex-wrap: wrap">
      ${prev ? html`<a href=${`#/lessons/${prev.id}`} rel="prev">← ${prev.title}</a>` : html`<span></span>`}
      ${next ? html`<a href=${`#/lessons/${next.id}`} rel="next">${next.title} →</a>` : html`<a href=${`#/courses/${l.course_id}`}>${t('student.lesson.backToCourse')}</a>`}
    </nav>
  <//>`;
}
