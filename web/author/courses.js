// "My courses": the courses the signed-in instructor may author (drafts, published, archived),
// and the form that creates a new draft.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t, language } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import {
  authorOrgs, isPlatformAdmin, myId, loadFramework, CompetencyPicker, slugify, fieldErrorsOf,
  mappedProblem,
} from './common.js';

/** @typedef {import('../types/api').components['schemas']['CourseSummary']} CourseSummary */

/**
 * Every page of a course listing.
 * @param {Record<string, string>} query
 * @returns {Promise<CourseSummary[]>}
 */
async function listAll(query) {
  /** @type {CourseSummary[]} */
  const out = [];
  /** @type {string | null | undefined} */
  let cursor = null;
  for (let i = 0; i < 10; i++) {
    /** @type {Record<string, string>} */
    const q = { ...query, limit: '200' };
    if (cursor) q.cursor = cursor;
    const page = await api.get('/courses', q);
    out.push(...(page?.items ?? []));
    cursor = page?.next_cursor;
    if (!cursor) break;
  }
  return out;
}

/** The courses the caller may author: their drafts and archived ones, and the published ones they own or co-teach. */
async function myCourses() {
  const [drafts, archived, published] = await Promise.all([
    listAll({ status: 'draft' }),
    listAll({ status: 'archived' }),
    listAll({ status: 'published' }),
  ]);
  const me = myId();
  const orgs = new Set(authorOrgs().map((m) => m.org_id));
  const admin = isPlatformAdmin();
  const candidates = published.filter((c) => (c.org_id ? orgs.has(c.org_id) : admin));
  /** @type {CourseSummary[]} */
  const mine = [];
  if (admin) {
    mine.push(...candidates);
  } else {
    // The listing says nothing of owners: read each candidate course of the caller's organizations.
    const views = await Promise.all(
      candidates.map((c) => api.get(`/courses/${c.id}`).catch(() => null)),
    );
    views.forEach((v, i) => {
      const c = candidates[i];
      if (v && c && (v.owner_id === me || (v.co_instructor_ids ?? []).includes(me))) mine.push(c);
    });
  }
  const seen = new Set();
  return [...drafts, ...mine, ...archived].filter((c) => {
    if (seen.has(c.id)) return false;
    seen.add(c.id);
    return true;
  });
}

/** @param {string} status */
export function statusLabel(status) {
  if (status === 'published') return t('author.status.published');
  if (status === 'archived') return t('author.status.archived');
  return t('author.status.draft');
}

export function MyCourses() {
  const { data, error, loading, reload } = useAsync(myCourses, []);
  return html`<${Page} title=${t('author.courses.title')}>
    <p><a class="btn btn-primary" href="#/author/new">${t('author.courses.new')}</a></p>
    ${loading && html`<${Loading} />`}
    ${error && html`<${ErrorView} problem=${error} />`}
    ${data && data.length === 0 && html`<${Notice} kind="info">${t('author.courses.empty')}</${Notice}>`}
    ${data && data.length > 0 && html`<ul class="cards" aria-label=${t('author.courses.title')}>
      ${data.map(
        (c) => html`<li class="card" key=${c.id}>
          <h2><a href=${`#/author/courses/${c.id}`}>${c.title}</a></h2>
          <p><span class=${`badge status-${c.status}`}>${statusLabel(c.status)}</span>
            ${' '}<code>${c.slug}</code>${' · '}${c.language}${' · '}${t(`author.level.${c.level}`)}</p>
          <p>${c.summary}</p>
        </li>`,
      )}
    </ul>`}
    ${data && html`<p><${Button} kind="secondary" onClick=${reload}>${t('author.action.refresh')}</${Button}></p>`}
  </${Page}>`;
}

export function NewCourse() {
  const orgs = authorOrgs();
  const admin = isPlatformAdmin();
  const fw = useAsync(loadFramework, []);
  const [org, setOrg] = useState(orgs[0]?.org_id ?? '');
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [summary, setSummary] = useState('');
  const [lang, setLang] = useState(language() === 'zh-CN' ? 'zh-CN' : 'en');
  const [level, setLevel] = useState('beginner');
  const [hours, setHours] = useState('1');
  const [competencies, setCompetencies] = useState(/** @type {string[]} */ ([]));
  const [editionOf, setEditionOf] = useState('');
  const [problem, setProblem] = useState(/** @type {any} */ (null));
  const [busy, setBusy] = useState(false);
  const errors = fieldErrorsOf(problem);

  /** @param {any} [e] */
  async function submit(e) {
    e?.preventDefault?.();
    setBusy(true);
    setProblem(null);
    try {
      /** @type {any} */
      const body = {
        slug, title, summary, language: lang, level,
        estimated_hours: Number(hours), competencies,
      };
      if (org) body.org_id = org;
      if (editionOf.trim()) body.edition_of = editionOf.trim();
      const created = await api.post('/courses', body);
      navigate(`/author/courses/${created.id}`);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  }

  const orgOptions = [
    ...orgs.map((m) => ({ value: m.org_id, label: m.org_name })),
    ...(admin ? [{ value: '', label: t('author.course.platformWide') }] : []),
  ];
  return html`<${Page} title=${t('author.new.title')}>
    <p>${t('author.new.intro')}</p>
    <${Form} onSubmit=${submit} problem=${mappedProblem(problem)}>
      ${orgOptions.length > 1
        ? html`<${Field} type="select" label=${t('author.field.org')} name="org_id" value=${org}
            options=${orgOptions} error=${errors.org_id}
            onChange=${(/** @type {any} */ e) => setOrg(e.currentTarget.value)} />`
        : null}
      <${Field} label=${t('author.field.title')} name="title" value=${title} required
        error=${errors.title}
        onInput=${(/** @type {any} */ e) => {
          const v = e.currentTarget.value;
          setTitle(v);
          if (!slugTouched) setSlug(slugify(v));
        }} />
      <${Field} label=${t('author.field.slug')} name="slug" value=${slug} required
        hint=${t('author.field.slugHint')} error=${errors.slug}
        onInput=${(/** @type {any} */ e) => {
          setSlug(e.currentTarget.value);
          setSlugTouched(true);
        }} />
      <${Field} type="textarea" label=${t('author.field.summary')} name="summary" value=${summary}
        error=${errors.summary} onInput=${(/** @type {any} */ e) => setSummary(e.currentTarget.value)} />
      <${Field} label=${t('author.field.language')} name="language" value=${lang}
        hint=${t('author.field.languageHint')} error=${errors.language}
        onInput=${(/** @type {any} */ e) => setLang(e.currentTarget.value)} />
      <${Field} type="select" label=${t('author.field.level')} name="level" value=${level}
        error=${errors.level} options=${levelOptions()}
        onChange=${(/** @type {any} */ e) => setLevel(e.currentTarget.value)} />
      <${Field} type="number" label=${t('author.field.hours')} name="estimated_hours" value=${hours}
        min="0.5" step="0.5" error=${errors.estimated_hours}
        onInput=${(/** @type {any} */ e) => setHours(e.currentTarget.value)} />
      ${fw.data
        ? html`<${CompetencyPicker} areas=${fw.data.areas} value=${competencies}
            onChange=${setCompetencies} error=${errors.competencies} />`
        : fw.error ? html`<${ErrorView} problem=${fw.error} />` : html`<${Loading} />`}
      <${Field} label=${t('author.field.editionOf')} name="edition_of" value=${editionOf}
        hint=${t('author.field.editionOfHint')} error=${errors.edition_of}
        onInput=${(/** @type {any} */ e) => setEditionOf(e.currentTarget.value)} />
      <${Button} type="submit" disabled=${busy}>${t('author.new.create')}</${Button}>
    </${Form}>
  </${Page}>`;
}

export function levelOptions() {
  return ['beginner', 'intermediate', 'advanced'].map((v) => ({
    value: v,
    label: t(`author.level.${v}`),
  }));
}
