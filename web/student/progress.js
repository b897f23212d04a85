// Progress: every course with its figures, mastery by competency area and readiness for each
// target market as charts (with the competencies still missing), and the choice of target markets.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { Page, Loading, ErrorView, Notice, BarChart, useAsync } from '../lib/ui.js';
import { ProgressBar, percent, areaName, countryName, dateTime, listOf } from './common.js';

/** @typedef {import('../types/api').components['schemas']['MyProgress']} MyProgress */

export function ProgressPage() {
  const progress = useAsync(() => api.get('/me/progress'), []);
  const framework = useAsync(() => api.get('/competencies'), []);
  const markets = useAsync(() => api.get('/markets'), []);
  const me = useAsync(() => api.get('/me'), []);

  if (progress.loading && !progress.data) return html`<${Page} title=${t('student.progress.title')}><${Loading} /><//>`;
  if (progress.error) return html`<${Page} title=${t('student.progress.title')}><${ErrorView} problem=${progress.error} /><//>`;
  /** @type {MyProgress} */
  const p = progress.data;
  /** @type {Record<string, string>} */
  const competencyNames = {};
  /** @type {Record<string, string>} */
  const areaNames = {};
  for (const a of framework.data?.areas || []) {
    areaNames[a.code] = a.name;
    for (const c of a.competencies) competencyNames[c.code] = c.name;
  }
  /** @type {Record<string, string>} */
  const marketNames = {};
  for (const m of markets.data?.items || []) marketNames[m.country] = m.name;

  return html`<${Page} title=${t('student.progress.title')}>
    <section aria-labelledby="progress-courses">
      <h2 id="progress-courses">${t('student.progress.courses')}</h2>
      ${p.courses.length === 0
        ? html`<p>${t('student.progress.noCourses')} <a href="#/catalog">${t('student.progress.browse')}</a></p>`
        : html`<div class="table-wrap"><table class="table">
            <caption class="sr-only">${t('student.progress.courses')}</caption>
            <thead><tr>
              <th scope="col">${t('student.progress.course')}</th>
              <th scope="col">${t('student.progress.status')}</th>
              <th scope="col">${t('student.progress.percent')}</th>
              <th scope="col">${t('student.progress.lessons')}</th>
              <th scope="col">${t('student.progress.quizzes')}</th>
              <th scope="col">${t('student.progress.score')}</th>
              <th scope="col">${t('student.progress.lastActivity')}</th>
            </tr></thead>
            <tbody>
              ${p.courses.map(
                (c) => html`<tr key=${c.course_id}>
                  <th scope="row"><a href=${`#/courses/${c.course_id}`}>${c.title}</a></th>
                  <td>${statusName(c.status)}</td>
                  <td><${ProgressBar} value=${c.percent} label=${t('student.progress.percentOf', { course: c.title })} /></td>
                  <td>${c.lessons_done} / ${c.lessons_total}</td>
                  <td>${c.quizzes_passed} / ${c.quizzes_total}</td>
                  <td>${percent(c.score)}</td>
                  <td>${dateTime(c.last_activity_at) || '—'}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`}
    </section>

    <section aria-labelledby="progress-mastery">
      <h2 id="progress-mastery">${t('student.progress.mastery')}</h2>
      <p class="muted">${t('student.progress.masteryIntro')}</p>
      ${p.areas.length
        ? html`<${BarChart} percent title=${t('student.progress.masteryChart')}
            data=${p.areas.map((a) => ({
              label: `${areaName(a.area, areaNames[a.area])} (${t('student.progress.masteredOf', { mastered: a.mastered, total: a.total })})`,
              value: Math.round(a.level * 100),
              max: 100,
            }))} />`
        : html`<p>${t('student.progress.noEvidence')}</p>`}
      ${p.competencies.length
        ? html`<details style="margin-top: .75rem"><summary>${t('student.progress.competencies')}</summary>
            <ul>${p.competencies.map(
              (c) => html`<li key=${c.code}>${competencyNames[c.code] || c.code}: ${percent(c.level)}
                ${c.mastered ? html` · <strong>${t('student.progress.mastered')}</strong>` : null}
                <span class="muted"> · ${t('student.progress.evidence', { n: c.evidence })}</span></li>`,
            )}</ul></details>`
        : null}
    </section>

    <section aria-labelledby="progress-markets">
      <h2 id="progress-markets">${t('student.progress.readiness')}</h2>
      ${p.markets.length
        ? html`<${BarChart} percent title=${t('student.progress.readinessChart')}
              data=${p.markets.map((m) => ({
                label: `${countryName(m.country, marketNames[m.country])}${m.ready ? ` ✓` : ''}`,
                value: Math.round(m.readiness * 100),
                max: 100,
              }))} />
            <ul>${p.markets.map(
              (m) => html`<li key=${m.country}><strong>${countryName(m.country, marketNames[m.country])}</strong>${': '}${m.ready
                  ? t('student.progress.ready')
                  : t('student.progress.missing', { list: listOf(m.missing.map((c) => competencyNames[c] || c)) })}</li>`,
            )}</ul>`
        : html`<p>${t('student.progress.noMarkets')}</p>`}
      ${markets.data && me.data
        ? html`<${TargetMarkets} markets=${markets.data.items} chosen=${me.data.target_markets || []}
            onSaved=${() => {
              me.reload();
              progress.reload();
            }} />`
        : null}
    </section>
  <//>`;
}

/** @param {string} s */
function statusName(s) {
  return ['active', 'completed', 'withdrawn'].includes(s) ? t(`student.enrollmentStatus.${s}`) : s;
}

/**
 * The student's target markets (PATCH /me), which readiness is shown for.
 * @param {{ markets: { country: string, name: string }[], chosen: string[], onSaved: () => void }} props
 */
function TargetMarkets({ markets, chosen, onSaved }) {
  const [picked, setPicked] = useState(() => new Set(chosen));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  /** @type {[ApiProblem | null, (p: ApiProblem | null) => void]} */
  const [problem, setProblem] = useState(/** @type {ApiProblem | null} */ (null));
  const save = async (/** @type {Event} */ e) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setProblem(null);
    try {
      await api.patch('/me', { target_markets: [...picked] });
      setSaved(true);
      onSaved();
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<details open=${chosen.length === 0} style="margin-top: 1rem">
    <summary>${t('student.progress.chooseMarkets')}</summary>
    <form onSubmit=${save}>
      <fieldset>
        <legend>${t('student.progress.targetMarkets')}</legend>
        <div style="display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .25rem">
          ${markets.map(
            (m) => html`<label key=${m.country}>
              <input type="checkbox" checked=${picked.has(m.country)} onChange=${(/** @type {Event} */ ev) => {
                const next = new Set(picked);
                if (/** @type {HTMLInputElement} */ (ev.currentTarget).checked) next.add(m.country);
                else next.delete(m.country);
                setPicked(next);
              }} /> ${countryName(m.country, m.name)}</label>`,
          )}
        </div>
      </fieldset>
      ${problem ? html`<${ErrorView} problem=${problem} />` : null}
      ${saved ? html`<div role="status"><${Notice} kind="success">${t('student.progress.marketsSaved')}<//></div>` : null}
      <button type="submit" class="btn btn-primary" disabled=${busy}>${t('student.progress.saveMarkets')}</button>
    </form>
  </details>`;
}
