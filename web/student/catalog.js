// The catalog: published courses with search, filters by competency (grouped by area), level,
// target market and teaching language, and pages of results.
import { html, useState, useEffect, useRef } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { useRoute } from '../lib/router.js';
import { Page, Loading, ErrorView, useAsync } from '../lib/ui.js';
import { languageName, countryName, levelName, areaName, listOf, LEVELS } from './common.js';

/** @typedef {import('../types/api').components['schemas']['CourseSummary']} CourseSummary */
/** @typedef {{ q: string, competency: string, level: string, market: string, language: string }} Filters */

const PAGE_SIZE = 12;
/** Teaching languages offered as a filter (BCP 47 primary tags; `zh` also matches `zh-CN`). */
const LANGUAGES = ['en', 'zh', 'es', 'pt', 'ru', 'ar', 'fr', 'de', 'it', 'pl', 'nl', 'tr', 'ja', 'ko', 'th', 'vi', 'id'];

/** @returns {Filters} */
const empty = () => ({ q: '', competency: '', level: '', market: '', language: '' });

export function CatalogPage() {
  const route = useRoute();
  const query = /** @type {Record<string, string>} */ (route.query || {});
  /** @type {[Filters, (f: Filters) => void]} */
  const [filters, setFilters] = useState(() => ({ ...empty(), ...pick(query) }));
  /** @type {[Filters, (f: Filters) => void]} */
  const [draft, setDraft] = useState(filters);
  /** @type {[(string | null)[], (c: (string | null)[]) => void]} */
  const [cursors, setCursors] = useState(/** @type {(string | null)[]} */ ([null]));
  const cursor = cursors[cursors.length - 1];

  const framework = useAsync(() => api.get('/competencies'), []);
  const markets = useAsync(() => api.get('/markets'), []);
  const list = useAsync(() => {
    /** @type {Record<string, string | number>} */
    const q = { limit: PAGE_SIZE };
    for (const [k, v] of Object.entries(filters)) if (v) q[k] = v;
    if (cursor) q.cursor = cursor;
    return api.get('/courses', q);
  }, [JSON.stringify(filters), cursor]);

  /** @param {Filters} f */
  const apply = (f) => {
    setFilters(f);
    setCursors([null]);
  };
  /** @param {keyof Filters} name */
  const set = (name) => (/** @type {Event} */ e) => {
    const value = /** @type {HTMLInputElement} */ (e.currentTarget).value;
    const next = { ...draft, [name]: value };
    setDraft(next);
    // Selects filter at once; the search box waits for its button or Enter.
    if (name !== 'q') apply({ ...next, q: filters.q });
  };

  // Turning a page moves focus to the results (not on the first render: the heading has it).
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('catalog-results')?.focus();
  }, [cursor]);

  const items = /** @type {CourseSummary[]} */ (list.data?.items || []);
  const next = list.data?.next_cursor || null;
  const active = Object.values(filters).some(Boolean);

  return html`<${Page} title=${t('student.catalog.title')}>
    <form role="search" aria-label=${t('student.catalog.searchForm')}
      onSubmit=${(/** @type {Event} */ e) => {
        e.preventDefault();
        apply({ ...draft });
      }}
      style="display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); align-items: end">
      <div style="grid-column: 1 / -1; display: flex; gap: .5rem; flex-wrap: wrap; align-items: end">
        <div style="flex: 1 1 14rem">
          <label for="catalog-q">${t('student.catalog.search')}</label>
          <input id="catalog-q" class="input" type="search" value=${draft.q} onInput=${set('q')}
            placeholder=${t('student.catalog.searchPlaceholder')} />
        </div>
        <button type="submit" class="btn btn-primary">${t('student.catalog.searchButton')}</button>
      </div>
      <div>
        <label for="catalog-competency">${t('student.catalog.competency')}</label>
        <select id="catalog-competency" class="input" value=${draft.competency} onChange=${set('competency')}>
          <option value="">${t('student.catalog.anyCompetency')}</option>
          ${(framework.data?.areas || []).map(
            (/** @type {any} */ a) => html`<optgroup key=${a.code} label=${areaName(a.code, a.name)}>
              ${a.competencies.map((/** @type {any} */ c) => html`<option key=${c.code} value=${c.code}>${c.name}</option>`)}
            </optgroup>`,
          )}
        </select>
      </div>
      <div>
        <label for="catalog-level">${t('student.catalog.level')}</label>
        <select id="catalog-level" class="input" value=${draft.level} onChange=${set('level')}>
          <option value="">${t('student.catalog.anyLevel')}</option>
          ${LEVELS.map((l) => html`<option key=${l} value=${l}>${levelName(l)}</option>`)}
        </select>
      </div>
      <div>
        <label for="catalog-market">${t('student.catalog.market')}</label>
        <select id="catalog-market" class="input" value=${draft.market} onChange=${set('market')}>
          <option value="">${t('student.catalog.anyMarket')}</option>
          ${(markets.data?.items || []).map(
            (/** @type {any} */ m) => html`<option key=${m.country} value=${m.country}>${countryName(m.country, m.name)}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="catalog-language">${t('student.catalog.language')}</label>
        <select id="catalog-language" class="input" value=${draft.language} onChange=${set('language')}>
          <option value="">${t('student.catalog.anyLanguage')}</option>
          ${LANGUAGES.map((l) => html`<option key=${l} value=${l}>${languageName(l)}</option>`)}
        </select>
      </div>
      ${active
        ? html`<div><button type="button" class="btn btn-secondary" onClick=${() => {
            setDraft(empty());
            apply(empty());
          }}>${t('student.catalog.clear')}</button></div>`
        : null}
    </form>

    <section id="catalog-results" tabindex="-1" aria-labelledby="catalog-results-heading" aria-busy=${list.loading ? 'true' : 'false'}>
      <h2 id="catalog-results-heading">${t('student.catalog.results')}</h2>
      ${list.error ? html`<${ErrorView} problem=${list.error} />` : null}
      ${list.loading && !list.data ? html`<${Loading} />` : null}
      ${!list.loading && !list.error && items.length === 0
        ? html`<p>${active ? t('student.catalog.noMatch') : t('student.catalog.empty')}</p>`
        : null}
      <ul style="list-style: none; padding: 0; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr))">
        ${items.map((c) => html`<li key=${c.id}><${CourseCard} course=${c} /></li>`)}
      </ul>
      ${cursors.length > 1 || next
        ? html`<nav aria-label=${t('student.catalog.pages')} style="display: flex; gap: .75rem; align-items: center">
            <button type="button" class="btn btn-secondary" disabled=${cursors.length <= 1}
              onClick=${() => setCursors(cursors.slice(0, -1))}>${t('student.catalog.previous')}</button>
            <span>${t('student.catalog.page', { n: cursors.length })}</span>
            <button type="button" class="btn btn-secondary" disabled=${!next}
              onClick=${() => next && setCursors([...cursors, next])}>${t('student.catalog.next')}</button>
          </nav>`
        : null}
    </section>
  <//>`;
}

/**
 * The filters named in the route's query (e.g. `#/catalog?language=zh`).
 * @param {Record<string, string>} query
 */
function pick(query) {
  /** @type {Partial<Filters>} */
  const out = {};
  for (const k of /** @type {(keyof Filters)[]} */ (['q', 'competency', 'level', 'market', 'language'])) {
    if (typeof query[k] === 'string') out[k] = query[k];
  }
  return out;
}

/** @param {{ course: CourseSummary }} props */
function CourseCard({ course }) {
  const headingId = `course-${course.id}`;
  return html`<article aria-labelledby=${headingId} class="card"
      style="border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem; height: 100%; box-sizing: border-box">
    <h3 id=${headingId} style="margin-top: 0; font-size: 1.125rem"><a href=${`#/courses/${course.id}`}>${course.title}</a></h3>
    <p>${course.summary}</p>
    <p class="muted" style="font-size: .9rem">
      ${levelName(course.level)} · ${t('student.catalog.hours', { hours: course.estimated_hours })} · ${languageName(course.language)}
    </p>
    ${(course.languages || []).length > 1
      ? html`<p class="muted" style="font-size: .9rem">${t('student.catalog.alsoIn', {
          languages: listOf(course.languages.filter((l) => l !== course.language).map(languageName)),
        })}</p>`
      : null}
    ${course.markets.length
      ? html`<p class="muted" style="font-size: .9rem">${t('student.catalog.markets', {
          markets: listOf(course.markets.map((m) => countryName(m))),
        })}</p>`
      : null}
  </article>`;
}
