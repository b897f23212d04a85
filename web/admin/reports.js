// The organization's reports: progress (a row per trainee x course) and competencies (a row per
// trainee: mastery per area, readiness per market), with the filters the API takes, a chart of
// the rows shown and the whole report as a CSV download.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Page, Button, Notice, Loading, ErrorView, BarChart, formatDate, useAsync } from '../lib/ui.js';
import { WithOrg, AdminTabs, usePaged, fetchAll, saveBlob, today, percent, countryName, TableWrap } from './common.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').components['schemas']['ProgressRow']} ProgressRow */
/** @typedef {import('../types/api').components['schemas']['CompetencyRow']} CompetencyRow */
/** @typedef {import('../types/api').components['schemas']['CohortView']} CohortView */
/** @typedef {import('../types/api').components['schemas']['CourseSummary']} CourseSummary */
/** @typedef {{ cohort_id: string, course_id: string, from: string, to: string, market: string }} Filters */

const EMPTY = { cohort_id: '', course_id: '', from: '', to: '', market: '' };

/** The query of the filters that are set. @param {Filters} f @param {boolean} withMarket */
function query(f, withMarket) {
  /** @type {Record<string, string>} */
  const q = {};
  if (f.cohort_id) q.cohort_id = f.cohort_id;
  if (f.course_id) q.course_id = f.course_id;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (withMarket && f.market) q.market = f.market;
  return q;
}

export function ProgressReportView() {
  return html`<${Page} title=${t('admin.reports.progress.title')}>
    <${AdminTabs} current="/admin/reports/progress" />
    <${WithOrg}>${(/** @type {OrgView} */ org) => html`<${Report} key=${org.id} org=${org} kind="progress" />`}</${WithOrg}>
  </${Page}>`;
}

export function CompetencyReportView() {
  return html`<${Page} title=${t('admin.reports.competencies.title')}>
    <${AdminTabs} current="/admin/reports/competencies" />
    <${WithOrg}>${(/** @type {OrgView} */ org) => html`<${Report} key=${org.id} org=${org} kind="competencies" />`}</${WithOrg}>
  </${Page}>`;
}

/** @param {{ org: OrgView, kind: 'progress'|'competencies' }} props */
function Report({ org, kind }) {
  const [draft, setDraft] = useState(/** @type {Filters} */ ({ ...EMPTY }));
  const [applied, setApplied] = useState(/** @type {Filters} */ ({ ...EMPTY }));
  const withMarket = kind === 'competencies';
  const path = `/orgs/${org.id}/reports/${kind}`;
  const rows = usePaged(
    (cursor) => api.get(path, { ...query(applied, withMarket), limit: 100, ...(cursor ? { cursor } : {}) }),
    [path, JSON.stringify(applied)],
  );
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState(/** @type {any} */ (null));
  const [saved, setSaved] = useState(/** @type {string|null} */ (null));

  const download = async () => {
    setDownloading(true);
    setDownloadError(null);
    setSaved(null);
    try {
      const blob = await api.download(path, { ...query(applied, withMarket), format: 'csv' }, 'text/csv');
      const name = `${kind === 'progress' ? 'progress' : 'competencies'}-${org.slug}-${today()}.csv`;
      // A byte-order mark first, so that spreadsheet programs read the UTF-8 (Chinese names) right.
      saveBlob(new Blob(['\ufeff', blob], { type: 'text/csv;charset=utf-8' }), name);
      setSaved(name);
    } catch (e) {
      setDownloadError(e);
    } finally {
      setDownloading(false);
    }
  };

  return html`
    <${FilterForm} org=${org} kind=${kind} value=${draft} onChange=${setDraft}
      onApply=${() => { if (!(draft.from && draft.to && draft.from > draft.to)) setApplied({ ...draft }); }}
      onReset=${() => { setDraft({ ...EMPTY }); setApplied({ ...EMPTY }); }} />
    <div class="row" style="margin:0 0 1rem">
      <${Button} type="button" onClick=${download} disabled=${downloading}>
        ${downloading ? t('admin.reports.downloading') : t('admin.reports.download')}
      </${Button}>
      <span class="hint">${t('admin.reports.download_hint')}</span>
    </div>
    ${saved ? html`<${Notice} kind="success">${t('admin.reports.saved', { name: saved })}</${Notice}>` : null}
    ${downloadError ? html`<${ErrorView} problem=${downloadError} />` : null}
    ${rows.error ? html`<${ErrorView} problem=${rows.error} />` : null}
    ${!rows.loading && rows.items.length === 0 && !rows.error ? html`<p>${t('admin.reports.empty')}</p>` : null}
    ${rows.items.length > 0
      ? kind === 'progress'
        ? html`<${ProgressResults} rows=${/** @type {ProgressRow[]} */ (rows.items)} byTrainee=${Boolean(applied.course_id)} />`
        : html`<${CompetencyResults} rows=${/** @type {CompetencyRow[]} */ (rows.items)} market=${applied.market} />`
      : null}
    ${rows.loading ? html`<${Loading} />` : null}
    ${rows.hasMore && !rows.loading ? html`<${Button} type="button" kind="secondary" onClick=${rows.loadMore}>${t('admin.common.load_more')}</${Button}>` : null}
  `;
}

/**
 * @param {{ org: OrgView, kind: 'progress'|'competencies', value: Filters, onChange: (f: Filters) => void,
 *   onApply: () => void, onReset: () => void }} props
 */
function FilterForm({ org, kind, value, onChange, onApply, onReset }) {
  const cohorts = useAsync(() => fetchAll(`/orgs/${org.id}/cohorts`), [org.id]);
  const courses = useAsync(() => api.get('/courses', { limit: 200 }), []);
  const markets = useAsync(() => (kind === 'competencies' ? api.get('/markets') : Promise.resolve({ items: [] })), [kind]);
  /** @param {keyof Filters} key @returns {(e: Event) => void} */
  const set = (key) => (e) => onChange({ ...value, [key]: /** @type {HTMLInputElement} */ (e.currentTarget).value });
  /** @type {CohortView[]} */
  const cohortList = cohorts.data || [];
  /** @type {CourseSummary[]} */
  const courseList = courses.data
    ? courses.data.items.filter((/** @type {CourseSummary} */ c) => !c.org_id || c.org_id === org.id)
    : [];
  /** @type {{ country: string }[]} */
  const marketList = markets.data ? markets.data.items : [];
  const prefix = `report-${kind}`;
  const rangeError = Boolean(value.from && value.to && value.from > value.to);
  return html`<form class="report-filters" aria-label=${t('admin.reports.filters')}
    onSubmit=${(/** @type {Event} */ e) => { e.preventDefault(); onApply(); }}>
    <fieldset>
      <legend>${t('admin.reports.filters')}</legend>
      <div class="row toolbar">
        <div class="field">
          <label for=${`${prefix}-cohort`}>${t('admin.reports.cohort')}</label>
          <select id=${`${prefix}-cohort`} value=${value.cohort_id} onChange=${set('cohort_id')}>
            <option value="">${t('admin.reports.all_cohorts')}</option>
            ${cohortList.map((c) => html`<option value=${c.id} selected=${c.id === value.cohort_id}>${c.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for=${`${prefix}-course`}>${t('admin.reports.course')}</label>
          <select id=${`${prefix}-course`} value=${value.course_id} onChange=${set('course_id')}>
            <option value="">${t('admin.reports.all_courses')}</option>
            ${courseList.map((c) => html`<option value=${c.id} selected=${c.id === value.course_id}>${c.title}</option>`)}
          </select>
        </div>
        ${kind === 'competencies'
          ? html`<div class="field">
            <label for=${`${prefix}-market`}>${t('admin.reports.market')}</label>
            <select id=${`${prefix}-market`} value=${value.market} onChange=${set('market')}>
              <option value="">${t('admin.reports.target_markets')}</option>
              ${marketList.map((m) => html`<option value=${m.country} selected=${m.country === value.market}>${countryName(m.country)}</option>`)}
            </select>
          </div>`
          : null}
        <div class="field">
          <label for=${`${prefix}-from`}>${kind === 'progress' ? t('admin.reports.from_activity') : t('admin.reports.from_mastery')}</label>
          <input id=${`${prefix}-from`} type="date" value=${value.from} onInput=${set('from')} />
        </div>
        <div class=${`field ${rangeError ? 'has-error' : ''}`}>
          <label for=${`${prefix}-to`}>${t('admin.reports.to')}</label>
          <input id=${`${prefix}-to`} type="date" value=${value.to} onInput=${set('to')}
            aria-invalid=${rangeError ? 'true' : null} aria-describedby=${rangeError ? `${prefix}-to-error` : null} />
          ${rangeError ? html`<p class="field-error" id=${`${prefix}-to-error`}>${t('admin.reports.to_before_from')}</p>` : null}
        </div>
      </div>
      <div class="row">
        <${Button} type="submit">${t('admin.reports.apply')}</${Button}>
        <${Button} type="button" kind="secondary" onClick=${onReset}>${t('admin.reports.reset')}</${Button}>
      </div>
    </fieldset>
  </form>`;
}

/** @param {string} status */
function statusLabel(status) {
  switch (status) {
    case 'active': return t('admin.reports.status.active');
    case 'completed': return t('admin.reports.status.completed');
    case 'withdrawn': return t('admin.reports.status.withdrawn');
    default: return status;
  }
}

/** @param {{ rows: ProgressRow[], byTrainee: boolean }} props */
function ProgressResults({ rows, byTrainee }) {
  /** @type {{ label: string, value: number, max: number }[]} */
  let data;
  let title;
  if (byTrainee) {
    title = t('admin.reports.progress.chart_trainee');
    data = rows.map((r) => ({ label: r.display_name || r.email, value: Math.round(r.percent), max: 100 }));
  } else {
    title = t('admin.reports.progress.chart_course');
    /** @type {Map<string, { label: string, sum: number, n: number }>} */
    const byCourse = new Map();
    for (const r of rows) {
      const entry = byCourse.get(r.course_id) || { label: r.course_title, sum: 0, n: 0 };
      entry.sum += r.percent;
      entry.n += 1;
      byCourse.set(r.course_id, entry);
    }
    data = [...byCourse.values()].map((e) => ({ label: e.label, value: Math.round(e.sum / e.n), max: 100 }));
  }
  const counts = { active: 0, completed: 0, withdrawn: 0 };
  for (const r of rows) if (r.status in counts) counts[/** @type {'active'|'completed'|'withdrawn'} */ (r.status)] += 1;
  return html`
    <p>${t('admin.reports.progress.summary', { rows: rows.length, active: counts.active, completed: counts.completed, withdrawn: counts.withdrawn })}</p>
    <${BarChart} percent=${true} title=${title} data=${data} />
    <${TableWrap} label=${t('admin.reports.progress.title')}><table class="table">
      <thead><tr>
        <th scope="col">${t('admin.reports.trainee')}</th>
        <th scope="col">${t('admin.reports.course')}</th>
        <th scope="col">${t('admin.reports.status')}</th>
        <th scope="col">${t('admin.reports.percent')}</th>
        <th scope="col">${t('admin.reports.score')}</th>
        <th scope="col">${t('admin.reports.lessons')}</th>
        <th scope="col">${t('admin.reports.quizzes')}</th>
        <th scope="col">${t('admin.reports.last_activity')}</th>
        <th scope="col">${t('admin.reports.completed_at')}</th>
      </tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.enrollment_id}>
        <td>${r.display_name}<br /><small>${r.email}</small></td>
        <td>${r.course_title}<br /><small>${r.course_language}</small></td>
        <td>${statusLabel(r.status)}</td>
        <td>${percent(r.percent / 100)}</td>
        <td>${percent(r.score)}</td>
        <td>${r.lessons_done} / ${r.lessons_total}</td>
        <td>${r.quizzes_passed} / ${r.quizzes_total}</td>
        <td>${r.last_activity_at ? formatDate(r.last_activity_at) : '–'}</td>
        <td>${r.completed_at ? formatDate(r.completed_at) : '–'}</td>
      </tr>`)}</tbody>
    </table></${TableWrap}>
  `;
}

/** The name of a framework area in the interface language. @param {string} code @param {Map<string, string>} names */
function areaName(code, names) {
  switch (code) {
    case 'manufacturing': return t('admin.area.manufacturing');
    case 'ecommerce': return t('admin.area.ecommerce');
    case 'trade': return t('admin.area.trade');
    case 'language': return t('admin.area.language');
    case 'law': return t('admin.area.law');
    default: return names.get(code) || code;
  }
}

/** @param {{ rows: CompetencyRow[], market: string }} props */
function CompetencyResults({ rows, market }) {
  const framework = useAsync(() => api.get('/competencies'), []);
  /** @type {Map<string, string>} */
  const names = new Map(framework.data ? framework.data.areas.map((/** @type {{ code: string, name: string }} */ a) => [a.code, a.name]) : []);
  const areaCodes = rows.length > 0 ? rows[0].areas.map((a) => a.area) : [];
  const areaData = areaCodes.map((code) => {
    let sum = 0;
    for (const r of rows) {
      const a = r.areas.find((x) => x.area === code);
      sum += a ? a.level : 0;
    }
    return { label: areaName(code, names), value: Math.round((sum / rows.length) * 100), max: 100 };
  });
  const readiness = market
    ? rows.map((r) => {
      const m = r.markets.find((x) => x.country === market);
      return { label: r.display_name || r.email, value: Math.round((m ? m.readiness : 0) * 100), max: 100 };
    })
    : null;
  return html`
    <${BarChart} percent=${true} title=${t('admin.reports.competencies.chart_areas')} data=${areaData} />
    ${readiness ? html`<${BarChart} percent=${true} title=${t('admin.reports.competencies.chart_market', { market: countryName(market) })} data=${readiness} />` : null}
    <${TableWrap} label=${t('admin.reports.competencies.title')}><table class="table">
      <thead><tr>
        <th scope="col">${t('admin.reports.trainee')}</th>
        ${areaCodes.map((code) => html`<th scope="col">${areaName(code, names)}</th>`)}
        <th scope="col">${market ? t('admin.reports.readiness_for', { market: countryName(market) }) : t('admin.reports.readiness')}</th>
        <th scope="col">${t('admin.reports.ready_markets')}</th>
      </tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.user_id}>
        <td>${r.display_name}<br /><small>${r.email}</small></td>
        ${areaCodes.map((code) => {
          const a = r.areas.find((x) => x.area === code);
          return html`<td>${a ? html`${percent(a.level)}<br /><small>${t('admin.reports.mastered', { done: a.mastered, total: a.total })}</small>` : '–'}</td>`;
        })}
        <td>${r.markets.length === 0
          ? t('admin.reports.no_targets')
          : r.markets.map((m) => html`<div>${countryName(m.country)}: ${percent(m.readiness)} ${m.ready ? t('admin.reports.ready') : ''}</div>`)}</td>
        <td>${r.ready_markets.length > 0 ? r.ready_markets.map(countryName).join(', ') : '–'}</td>
      </tr>`)}</tbody>
    </table></${TableWrap}>
  `;
}
