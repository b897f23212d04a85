// The course editor: the course's fields, its modules with their lessons and quiz, what blocks
// publishing (each problem beside what it concerns), and publishing. Every save is a draft.

import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { useRoute, navigate } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, useAsync, formatDate, saveBlob, problemMessage } from '../lib/ui.js';
import {
  loadFramework, CompetencyPicker, MarketPicker, slugify, fieldErrorsOf, mappedProblem, fileTarget,
  ProblemList, splitList, useConfirm, Check, myId, isPlatformAdmin, authorOrgs,
} from './common.js';
import { levelOptions, statusLabel } from './courses.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['CourseView']} CourseView */
/** @typedef {Schemas['ModuleView']} ModuleView */
/** @typedef {Schemas['PublishProblem']} PublishProblem */

/** @param {string} id @returns {Promise<CourseView>} */
export function loadDraft(id) {
  return api.get(`/courses/${id}`, { version: 'draft' });
}

export function CourseEditor() {
  const { params } = useRoute();
  const id = params.id;
  const course = useAsync(() => loadDraft(id), [id]);
  const problems = useAsync(() => api.get(`/courses/${id}/problems`), [id]);
  const fw = useAsync(loadFramework, []);
  const [notice, setNotice] = useState(/** @type {{ kind: string, text: string } | null} */ (null));

  async function exportFiles() {
    try {
      const files = await api.get(`/courses/${id}/export`);
      const blob = new Blob([JSON.stringify(files, null, 2)], { type: 'application/json' });
      saveBlob(blob, `${course.data?.slug ?? id}.json`);
    } catch (err) {
      setNotice({ kind: 'error', text: problemMessage(err) });
    }
  }

  const reloadAll = () => {
    course.reload();
    problems.reload();
  };

  if (course.error) return html`<${Page} title=${t('author.editor.title')}><${ErrorView} problem=${course.error} /></${Page}>`;
  if (!course.data || !fw.data) return html`<${Page} title=${t('author.editor.title')}><${Loading} /></${Page}>`;
  const c = course.data;
  /** @type {PublishProblem[]} */
  const list = problems.data?.problems ?? [];
  const about = (/** @type {(p: ReturnType<typeof fileTarget>) => boolean} */ test) =>
    list.filter((p) => test(fileTarget(p.file)));

  return html`<${Page} title=${c.title} actions=${html`<${Button} kind="secondary" onClick=${exportFiles}>${t('author.editor.export')}</${Button}>`}>
    <p><a href="#/author">${t('author.nav.courses')}</a></p>
    <p>
      <span class=${`badge status-${c.status}`}>${statusLabel(c.status)}</span>
      ${c.has_draft && c.status !== 'draft' ? html` <span class="badge">${t('author.editor.unpublishedChanges')}</span>` : null}
      ${c.published_at ? html` ${t('author.editor.publishedAt', { date: formatDate(c.published_at) })}` : null}
      ${problems.data && (c.status !== 'published' || c.has_draft)
        ? html` <span class=${problems.data.publishable ? 'badge badge-ok' : 'badge badge-warn'}>${problems.data.publishable
            ? t('author.editor.ready')
            : t('author.editor.blocking', { n: problems.data.problems.length })}</span>`
        : null}
    </p>
    ${notice && html`<${Notice} kind=${notice.kind}>${notice.text}</${Notice}>`}
    <${CourseFields} course=${c} framework=${fw.data}
      problems=${about((p) => p.kind === 'course')}
      onSaved=${reloadAll} />
    ${c.org_id && (c.owner_id === myId() || isPlatformAdmin())
      ? html`<${CoInstructors} course=${c} onSaved=${() => { setNotice({ kind: 'success', text: t('author.co.saved') }); reloadAll(); }} />`
      : null}
    <section aria-labelledby="modules-heading">
      <h2 id="modules-heading">${t('author.modules.title')}</h2>
      ${c.modules.length === 0 ? html`<p>${t('author.modules.empty')}</p>` : null}
      ${c.modules.map(
        (m) => html`<${ModuleCard} key=${m.id} module=${m} onChanged=${reloadAll}
          problems=${about((p) => p.module === m.slug)} />`,
      )}
      <${NewModule} courseId=${id} onCreated=${reloadAll} />
    </section>
    <${Publish} course=${c} problems=${problems} onPublished=${reloadAll} />
  </${Page}>`;
}

/**
 * The course's co-instructors, chosen among the staff of its organization (listing the staff
 * takes an org admin).
 * @param {{ course: CourseView, onSaved: () => void }} props
 */
function CoInstructors({ course, onSaved }) {
  const admin = isPlatformAdmin() || authorOrgs().some((m) => m.org_id === course.org_id && m.role === 'org_admin');
  const staff = useAsync(async () => {
    if (!admin) throw Object.assign(new Error('org admin only'), { status: 403 });
    const page = await api.get(`/orgs/${course.org_id}/members`, { limit: '200' });
    return (page?.items ?? []).filter(
      (/** @type {any} */ m) => (m.role === 'instructor' || m.role === 'org_admin') && m.user_id !== course.owner_id,
    );
  }, [course.org_id, course.owner_id, admin]);
  const [chosen, setChosen] = useState(/** @type {string[]} */ (course.co_instructor_ids));
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);

  async function save() {
    setBusy(true);
    setProblem(null);
    try {
      await api.patch(`/courses/${course.id}`, { co_instructor_ids: chosen });
      onSaved();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  const forbidden = /** @type {any} */ (staff.error)?.status === 403;
  return html`<section aria-labelledby="co-heading">
    <h2 id="co-heading">${t('author.co.title')}</h2>
    ${staff.loading && !staff.data ? html`<${Loading} />` : null}
    ${forbidden
      ? html`<p class="muted">${t('author.co.needAdmin', { n: course.co_instructor_ids.length })}</p>`
      : staff.error ? html`<${ErrorView} problem=${staff.error} />` : null}
    ${staff.data && staff.data.length === 0 ? html`<p class="muted">${t('author.co.none')}</p>` : null}
    ${staff.data && staff.data.length > 0
      ? html`<fieldset class="fieldset">
          <legend>${t('author.co.legend')}</legend>
          ${staff.data.map(
            (/** @type {any} */ m) => html`<${Check} key=${m.user_id} label=${`${m.display_name} (${m.email})`}
              checked=${chosen.includes(m.user_id)}
              onChange=${(/** @type {boolean} */ on) =>
                setChosen(on ? [...chosen.filter((x) => x !== m.user_id), m.user_id] : chosen.filter((x) => x !== m.user_id))} />`,
          )}
          ${problem ? html`<${ErrorView} problem=${problem} />` : null}
          <${Button} kind="secondary" busy=${busy} onClick=${save}>${t('author.co.save')}</${Button}>
        </fieldset>`
      : null}
  </section>`;
}

/** @param {string} file */
const courseFile = (file) => file === 'course.toml';

/**
 * @param {{ course: CourseView, framework: { areas: any[], markets: any[] },
 *   problems: PublishProblem[], onSaved: () => void }} props
 */
function CourseFields({ course, framework, problems, onSaved }) {
  const init = () => ({
    title: course.title,
    summary: course.summary,
    language: course.language,
    level: course.level,
    estimated_hours: String(course.estimated_hours),
    competencies: [...course.competencies],
    markets: [...course.markets],
    prerequisites: course.prerequisites.join(', '),
    completion: course.completion,
    min_score: course.min_score == null ? '' : String(Math.round(course.min_score * 100)),
  });
  const [v, setV] = useState(init);
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => setV(init()), [course.version, course.id]);
  const errors = fieldErrorsOf(problem, courseFile);
  /** @param {string} k @returns {(e: any) => void} */
  const on = (k) => (e) => {
    setSaved(false);
    setV({ ...v, [k]: e.currentTarget.value });
  };

  /** @param {any} [e] */
  async function save(e) {
    e?.preventDefault?.();
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      /** @type {any} */
      const body = {
        title: v.title,
        summary: v.summary,
        language: v.language,
        level: v.level,
        estimated_hours: Number(v.estimated_hours),
        competencies: v.competencies,
        markets: v.markets,
        prerequisites: splitList(v.prerequisites),
        completion: v.completion,
      };
      if (v.completion === 'min_score') body.min_score = Number(v.min_score) / 100;
      await api.patch(`/courses/${course.id}`, body);
      setSaved(true);
      onSaved();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  return html`<section aria-labelledby="course-heading">
    <h2 id="course-heading">${t('author.course.fields')}</h2>
    <p>${t('author.field.slug')}: <code>${course.slug}</code></p>
    <${ProblemList} problems=${problems} label=${t('author.problems.forCourse')} />
    <${Form} onSubmit=${save} problem=${mappedProblem(problem, courseFile)}>
      <${Field} label=${t('author.field.title')} name="title" value=${v.title} error=${errors.title} onInput=${on('title')} />
      <${Field} type="textarea" label=${t('author.field.summary')} name="summary" value=${v.summary}
        error=${errors.summary} onInput=${on('summary')} />
      <${Field} label=${t('author.field.language')} name="language" value=${v.language}
        hint=${t('author.field.languageHint')} error=${errors.language} onInput=${on('language')} />
      <${Field} type="select" label=${t('author.field.level')} name="level" value=${v.level}
        options=${levelOptions()} error=${errors.level} onChange=${on('level')} />
      <${Field} type="number" label=${t('author.field.hours')} name="estimated_hours" min="0.5" step="0.5"
        value=${v.estimated_hours} error=${errors.estimated_hours} onInput=${on('estimated_hours')} />
      <${CompetencyPicker} areas=${framework.areas} value=${v.competencies} open=${false}
        onChange=${(/** @type {string[]} */ x) => setV({ ...v, competencies: x })} error=${errors.competencies} />
      <${MarketPicker} markets=${framework.markets} value=${v.markets}
        onChange=${(/** @type {string[]} */ x) => setV({ ...v, markets: x })} error=${errors.markets} />
      <${Field} label=${t('author.field.prerequisites')} name="prerequisites" value=${v.prerequisites}
        hint=${t('author.field.prerequisitesHint')} error=${errors.prerequisites} onInput=${on('prerequisites')} />
      <${Field} type="select" label=${t('author.field.completion')} name="completion" value=${v.completion}
        options=${[
          { value: 'all_passed', label: t('author.completion.all_passed') },
          { value: 'min_score', label: t('author.completion.min_score') },
        ]} error=${errors.completion} onChange=${on('completion')} />
      ${v.completion === 'min_score'
        ? html`<${Field} type="number" label=${t('author.field.minScore')} name="min_score" min="0" max="100"
            value=${v.min_score} error=${errors.min_score} onInput=${on('min_score')} />`
        : null}
      ${saved ? html`<${Notice} kind="success">${t('author.saved')}</${Notice}>` : null}
      <${Button} type="submit" busy=${busy}>${t('author.course.save')}</${Button}>
    </${Form}>
  </section>`;
}

/**
 * @param {{ module: ModuleView, problems: PublishProblem[], onChanged: () => void }} props
 */
function ModuleCard({ module: m, problems, onChanged }) {
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(m.title);
  const [summary, setSummary] = useState(m.summary ?? '');
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const errors = fieldErrorsOf(problem);
  const headingId = `module-${m.id}`;
  const { dialog, ask } = useConfirm();
  const own = problems.filter((p) => {
    const k = fileTarget(p.file).kind;
    return k === 'module' || k === 'other';
  });

  /** @param {any} [e] */
  async function save(e) {
    e?.preventDefault?.();
    setProblem(null);
    try {
      await api.patch(`/modules/${m.id}`, { title, summary: summary || null });
      setEditing(false);
      onChanged();
    } catch (err) {
      setProblem(err);
    }
  }

  async function remove() {
    if (!(await ask(t('author.modules.confirmDelete', { title: m.title })))) return;
    try {
      await api.del(`/modules/${m.id}`);
      onChanged();
    } catch (err) {
      setProblem(err);
    }
  }

  return html`<section class="card module" aria-labelledby=${headingId}>
    ${dialog}
    <h3 id=${headingId}>${m.position}. ${m.title}</h3>
    ${m.summary ? html`<p>${m.summary}</p>` : null}
    <${ProblemList} problems=${own} label=${t('author.problems.forModule')} />
    ${editing
      ? html`<${Form} onSubmit=${save} problem=${mappedProblem(problem)}>
          <${Field} label=${t('author.field.moduleTitle')} name="title" value=${title} error=${errors.title}
            onInput=${(/** @type {any} */ e) => setTitle(e.currentTarget.value)} />
          <${Field} type="textarea" label=${t('author.field.moduleSummary')} name="summary" value=${summary}
            error=${errors.summary} onInput=${(/** @type {any} */ e) => setSummary(e.currentTarget.value)} />
          <${Button} type="submit">${t('author.modules.save')}</${Button}>
          ${' '}<${Button} kind="secondary" onClick=${() => setEditing(false)}>${t('author.action.cancel')}</${Button}>
        </${Form}>`
      : html`<p class="actions">
          <${Button} kind="secondary" onClick=${() => setEditing(true)}>${t('author.modules.edit')}</${Button}>
          ${' '}<${Button} kind="danger" onClick=${remove}>${t('author.modules.delete')}</${Button}>
        </p>`}
    ${!editing && problem ? html`<${ErrorView} problem=${problem} />` : null}
    <h4>${t('author.lessons.title')}</h4>
    ${m.lessons.length === 0 ? html`<p>${t('author.lessons.empty')}</p>` : null}
    <ol class="outline">
      ${m.lessons.map((l) => {
        const mine = problems.filter((p) => fileTarget(p.file).lesson === l.slug);
        return html`<li key=${l.id}>
          <a href=${`#/author/lessons/${l.id}`}>${l.title}</a>
          ${' '}<small>${t('author.lessons.minutes', { n: l.minutes })}</small>
          <${ProblemList} problems=${mine} label=${t('author.problems.forLesson', { title: l.title })} />
        </li>`;
      })}
    </ol>
    <p><a class="btn btn-secondary" href=${`#/author/modules/${m.id}/lessons/new`}>${t('author.lessons.add')}</a></p>
    <h4>${t('author.quiz.title')}</h4>
    ${m.quiz
      ? html`<div>
          <p><a href=${`#/author/quizzes/${m.quiz.id}`}>${m.quiz.title}</a>
            ${' '}<small>${t('author.quiz.questionCount', { n: m.quiz.question_count })}</small></p>
          <${ProblemList} problems=${problems.filter((p) => fileTarget(p.file).kind === 'quiz')}
            label=${t('author.problems.forQuiz')} />
          <p class="actions">
            <a class="btn btn-secondary" href=${`#/author/quizzes/${m.quiz.id}`}>${t('author.quiz.edit')}</a>
            ${' '}<a class="btn btn-secondary" href=${`#/author/quizzes/${m.quiz.id}/grading`}>${t('author.grading.title')}</a>
            ${' '}<a class="btn btn-secondary" href=${`#/author/quizzes/${m.quiz.id}/report`}>${t('author.report.title')}</a>
          </p>
        </div>`
      : html`<p><a class="btn btn-secondary" href=${`#/author/modules/${m.id}/quiz/new`}>${t('author.quiz.add')}</a></p>`}
  </section>`;
}

/** @param {{ courseId: string, onCreated: () => void }} props */
function NewModule({ courseId, onCreated }) {
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [touched, setTouched] = useState(false);
  const [summary, setSummary] = useState('');
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const errors = fieldErrorsOf(problem);

  /** @param {any} [e] */
  async function create(e) {
    e?.preventDefault?.();
    setProblem(null);
    try {
      /** @type {any} */
      const body = { slug, title };
      if (summary) body.summary = summary;
      await api.post(`/courses/${courseId}/modules`, body);
      setTitle('');
      setSlug('');
      setTouched(false);
      setSummary('');
      onCreated();
    } catch (err) {
      setProblem(err);
    }
  }

  return html`<section class="card" aria-labelledby="new-module-heading">
    <h3 id="new-module-heading">${t('author.modules.add')}</h3>
    <${Form} onSubmit=${create} problem=${mappedProblem(problem)}>
      <${Field} label=${t('author.field.moduleTitle')} name="title" value=${title} required error=${errors.title}
        onInput=${(/** @type {any} */ e) => {
          setTitle(e.currentTarget.value);
          if (!touched) setSlug(slugify(e.currentTarget.value));
        }} />
      <${Field} label=${t('author.field.moduleSlug')} name="slug" value=${slug} required error=${errors.slug}
        hint=${t('author.field.slugHint')}
        onInput=${(/** @type {any} */ e) => { setSlug(e.currentTarget.value); setTouched(true); }} />
      <${Field} type="textarea" label=${t('author.field.moduleSummary')} name="summary" value=${summary}
        error=${errors.summary} onInput=${(/** @type {any} */ e) => setSummary(e.currentTarget.value)} />
      <${Button} type="submit">${t('author.modules.create')}</${Button}>
    </${Form}>
  </section>`;
}

/**
 * The screen where a publish problem is fixed, when it is not this one.
 * @param {CourseView} course @param {PublishProblem} p
 * @returns {{ href: string, label: string } | null}
 */
function whereToFix(course, p) {
  const target = fileTarget(p.file);
  const module = course.modules.find((m) => m.slug === target.module);
  if (!module) return null;
  if (target.kind === 'lesson') {
    const lesson = module.lessons.find((l) => l.slug === target.lesson);
    return lesson ? { href: `#/author/lessons/${lesson.id}`, label: t('author.problems.open', { title: lesson.title }) } : null;
  }
  if (target.kind === 'quiz' && module.quiz) {
    return { href: `#/author/quizzes/${module.quiz.id}`, label: t('author.problems.open', { title: module.quiz.title }) };
  }
  return null;
}

/**
 * @param {{ course: CourseView, problems: { data: any, error: any, loading: boolean, reload: () => void },
 *   onPublished: () => void }} props
 */
function Publish({ course, problems, onPublished }) {
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {string | null} */ (null));
  const data = problems.data;
  // A published course without a draft has nothing new to publish.
  const upToDate = course.status === 'published' && !course.has_draft;
  const { dialog, ask } = useConfirm();

  async function publish() {
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      await api.post(`/courses/${course.id}/publish`);
      setDone(t('author.publish.done'));
      onPublished();
    } catch (err) {
      setProblem(err);
      problems.reload();
    } finally {
      setBusy(false);
    }
  }

  async function archive() {
    if (!(await ask(t('author.publish.confirmArchive')))) return;
    try {
      await api.post(`/courses/${course.id}/archive`);
      setDone(t('author.publish.archived'));
      onPublished();
    } catch (err) {
      setProblem(err);
    }
  }

  async function remove() {
    if (!(await ask(t('author.publish.confirmDelete', { title: course.title })))) return;
    try {
      await api.del(`/courses/${course.id}`);
      navigate('/author');
    } catch (err) {
      setProblem(err);
    }
  }

  return html`<section aria-labelledby="publish-heading" class="card">
    ${dialog}
    <h2 id="publish-heading">${t('author.publish.title')}</h2>
    ${problems.loading && !data ? html`<${Loading} />` : null}
    ${problems.error ? html`<${ErrorView} problem=${problems.error} />` : null}
    ${done ? html`<${Notice} kind="success">${done}</${Notice}>` : null}
    ${upToDate && !done ? html`<p>${t('author.publish.nothing')}</p>` : null}
    ${data && data.publishable && !upToDate
      ? html`<${Notice} kind="success">${t('author.publish.ready')}</${Notice}>`
      : null}
    ${data && !data.publishable
      ? html`<div>
          <p>${t('author.publish.blocked', { n: data.problems.length })}</p>
          <${ProblemList} problems=${data.problems} label=${t('author.problems.title')}
            linkFor=${(/** @type {PublishProblem} */ p) => whereToFix(course, p)} />
        </div>`
      : null}
    ${problem && problem.code === 'nothing_to_publish'
      ? html`<${Notice} kind="info">${t('author.publish.nothing')}</${Notice}>`
      : problem && problem.code === 'publish_blocked'
        ? html`<${Notice} kind="error">${t('author.publish.refused')}</${Notice}>`
        : problem ? html`<${ErrorView} problem=${problem} />` : null}
    <p class="actions">
      <${Button} kind="secondary" onClick=${() => problems.reload()}>${t('author.publish.check')}</${Button}>
      ${' '}<${Button} onClick=${publish} busy=${busy} disabled=${upToDate}>${t('author.publish.action')}</${Button}>
      ${course.status === 'published'
        ? html` <${Button} kind="danger" onClick=${archive}>${t('author.publish.archive')}</${Button}>`
        : null}
      ${!course.published_at
        ? html` <${Button} kind="danger" onClick=${remove}>${t('author.publish.deleteDraft')}</${Button}>`
        : null}
    </p>
  </section>`;
}
