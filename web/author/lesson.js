// The lesson editor: Markdown in, and a preview of the HTML the server renders and sanitizes from
// the saved draft (the app never turns Markdown into HTML itself).

import { html, useState, useEffect } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { useRoute, navigate } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import { loadFramework, CompetencyPicker, slugify, fieldErrorsOf, mappedProblem, useConfirm } from './common.js';
import { loadDraft } from './editor.js';

/** @typedef {import('../types/api').components['schemas']['LessonView']} LessonView */

/** The form for a new lesson in a module. */
export function NewLesson() {
  const { params } = useRoute();
  const moduleId = params.moduleId;
  const ctx = useAsync(async () => {
    const module = await api.get(`/modules/${moduleId}`, { version: 'draft' });
    const course = await loadDraft(module.course_id);
    return { module, course, framework: await loadFramework() };
  }, [moduleId]);
  if (ctx.error) return html`<${Page} title=${t('author.lesson.new')}><${ErrorView} problem=${ctx.error} /></${Page}>`;
  if (!ctx.data) return html`<${Page} title=${t('author.lesson.new')}><${Loading} /></${Page}>`;
  const { module, course, framework } = ctx.data;
  return html`<${Page} title=${t('author.lesson.new')}>
    <p><a href=${`#/author/courses/${course.id}`}>${course.title}</a>${' › '}${module.title}</p>
    <${LessonForm} framework=${framework} moduleId=${moduleId}
      initial=${{ title: '', slug: '', minutes: '10', competencies: [...course.competencies], body: '' }} />
  </${Page}>`;
}

/** The editor of an existing lesson, with the server's preview. */
export function EditLesson() {
  const { params } = useRoute();
  const id = params.id;
  const lesson = useAsync(() => api.get(`/lessons/${id}`, { version: 'draft' }), [id]);
  const ctx = useAsync(async () => {
    if (!lesson.data) return null;
    const course = await loadDraft(lesson.data.course_id);
    return { course, framework: await loadFramework() };
  }, [lesson.data?.course_id]);
  if (lesson.error) return html`<${Page} title=${t('author.lesson.edit')}><${ErrorView} problem=${lesson.error} /></${Page}>`;
  if (ctx.error) return html`<${Page} title=${t('author.lesson.edit')}><${ErrorView} problem=${ctx.error} /></${Page}>`;
  if (!lesson.data || !ctx.data) return html`<${Page} title=${t('author.lesson.edit')}><${Loading} /></${Page}>`;
  const l = /** @type {LessonView} */ (lesson.data);
  const { course, framework } = ctx.data;
  const module = course.modules.find((m) => m.id === l.module_id);
  return html`<${Page} title=${t('author.lesson.editing', { title: l.title })}>
    <p><a href=${`#/author/courses/${course.id}`}>${course.title}</a>${module ? ` › ${module.title}` : ''}</p>
    <div class="split">
      <div>
        <${LessonForm} framework=${framework} lesson=${l} onSaved=${() => lesson.reload()}
          initial=${{ title: l.title, slug: l.slug, minutes: String(l.minutes), competencies: l.competencies, body: l.body }} />
      </div>
      <${Preview} lesson=${l} />
    </div>
  </${Page}>`;
}

/** @param {{ lesson: LessonView }} props */
function Preview({ lesson }) {
  return html`<section class="card preview" style="align-self: start" aria-labelledby="preview-heading">
    <h2 id="preview-heading">${t('author.lesson.preview')}</h2>
    <p><small>${t('author.lesson.previewNote')}</small></p>
    <div class="prose lesson-body" dangerouslySetInnerHTML=${{ __html: lesson.html }}></div>
  </section>`;
}

/**
 * @param {{ framework: { areas: any[] }, moduleId?: string, lesson?: LessonView, onSaved?: () => void,
 *   initial: { title: string, slug: string, minutes: string, competencies: string[], body: string } }} props
 */
function LessonForm({ framework, moduleId, lesson, onSaved, initial }) {
  const [v, setV] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const { dialog, ask } = useConfirm();
  useEffect(() => setV(initial), [lesson?.id]);
  // A lesson is the file `NN-<slug>.md` in its module's folder.
  const slug = lesson?.slug ?? v.slug;
  const lessonFile = (/** @type {string} */ f) => f.endsWith(`-${slug}.md`);
  const errors = fieldErrorsOf(problem, lessonFile);
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
      if (lesson) {
        await api.patch(`/lessons/${lesson.id}`, {
          title: v.title, minutes: Number(v.minutes), competencies: v.competencies, body: v.body,
        });
        setSaved(true);
        onSaved?.();
      } else {
        const created = await api.post(`/modules/${moduleId}/lessons`, {
          slug: v.slug, title: v.title, minutes: Number(v.minutes), competencies: v.competencies, body: v.body,
        });
        navigate(`/author/lessons/${created.id}`);
      }
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!lesson || !(await ask(t('author.lesson.confirmDelete', { title: lesson.title })))) return;
    try {
      await api.del(`/lessons/${lesson.id}`);
      navigate(`/author/courses/${lesson.course_id}`);
    } catch (err) {
      setProblem(err);
    }
  }

  return html`${dialog}<${Form} onSubmit=${save} problem=${mappedProblem(problem, lessonFile)}>
    <${Field} label=${t('author.field.lessonTitle')} name="title" value=${v.title} required error=${errors.title}
      onInput=${(/** @type {any} */ e) => {
        const title = e.currentTarget.value;
        setV({ ...v, title, slug: !lesson && !touched ? slugify(title) : v.slug });
      }} />
    ${lesson
      ? html`<p>${t('author.field.slug')}: <code>${lesson.slug}</code></p>`
      : html`<${Field} label=${t('author.field.lessonSlug')} name="slug" value=${v.slug} required
          hint=${t('author.field.slugHint')} error=${errors.slug}
          onInput=${(/** @type {any} */ e) => { setTouched(true); on('slug')(e); }} />`}
    <${Field} type="number" label=${t('author.field.minutes')} name="minutes" min="1" value=${v.minutes}
      error=${errors.minutes} onInput=${on('minutes')} />
    <${CompetencyPicker} areas=${framework.areas} value=${v.competencies} open=${false}
      onChange=${(/** @type {string[]} */ x) => setV({ ...v, competencies: x })} error=${errors.competencies} />
    <${Field} type="textarea" label=${t('author.field.body')} name="body" value=${v.body} rows="16"
      class="markdown" hint=${t('author.field.bodyHint')} error=${errors.body} onInput=${on('body')} />
    ${saved ? html`<${Notice} kind="success">${t('author.lesson.saved')}</${Notice}>` : null}
    <p class="actions">
      <${Button} type="submit" disabled=${busy}>${t('author.lesson.save')}</${Button}>
      ${lesson ? html` <${Button} kind="danger" onClick=${remove}>${t('author.lesson.delete')}</${Button}>` : null}
    </p>
  </${Form}>`;
}
