// The quiz report: how an organization's trainees did on the quiz, with per-question statistics
// (facility as a chart, discrimination, option frequencies) and the CSV the API offers.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { useRoute } from '../lib/router.js';
import { Page, Field, Form, Button, Loading, ErrorView, Notice, BarChart, useAsync, saveBlob } from '../lib/ui.js';
import { authorOrgs } from './common.js';
import { loadDraft } from './editor.js';
import { kindLabel } from './question.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['QuizReport']} QuizReport */

/** @param {number | null | undefined} x a share 0..1 */
function pct(x) {
  return x == null ? '—' : `${Math.round(x * 1000) / 10}%`;
}

/** @param {number | null | undefined} x */
function fixed(x) {
  return x == null ? '—' : x.toFixed(2);
}

export function QuizReportView() {
  const { params } = useRoute();
  const id = params.id;
  const ctx = useAsync(async () => {
    const quiz = await api.get(`/quizzes/${id}`);
    const course = await loadDraft(quiz.course_id);
    return { quiz, course };
  }, [id]);
  const orgs = authorOrgs();
  const [org, setOrg] = useState(/** @type {string | null} */ (null));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [cohort, setCohort] = useState('');
  const [applied, setApplied] = useState({ from: '', to: '', cohort: '' });
  const orgId = org ?? ctx.data?.course.org_id ?? orgs[0]?.org_id ?? null;
  const cohorts = useAsync(
    () => (orgId ? api.get(`/orgs/${orgId}/cohorts`, { limit: '200' }).then((p) => p?.items ?? []).catch(() => []) : Promise.resolve([])),
    [orgId],
  );
  const [downloadProblem, setDownloadProblem] = useState(/** @type {any} */ (null));

  const filters = () => {
    /** @type {Record<string, string>} */
    const q = {};
    if (applied.from) q.from = applied.from;
    if (applied.to) q.to = applied.to;
    if (applied.cohort) q.cohort_id = applied.cohort;
    return q;
  };
  const report = useAsync(
    () => (orgId ? api.get(`/orgs/${orgId}/reports/quizzes/${id}`, filters()) : Promise.resolve(null)),
    [orgId, id, applied.from, applied.to, applied.cohort],
  );

  async function download() {
    setDownloadProblem(null);
    try {
      const blob = await api.download(`/orgs/${orgId}/reports/quizzes/${id}`, { ...filters(), format: 'csv' }, 'text/csv');
      saveBlob(blob, `quiz-report-${ctx.data?.quiz.slug ?? id}.csv`);
    } catch (err) {
      setDownloadProblem(err);
    }
  }

  if (ctx.error) return html`<${Page} title=${t('author.report.title')}><${ErrorView} problem=${ctx.error} /></${Page}>`;
  if (!ctx.data) return html`<${Page} title=${t('author.report.title')}><${Loading} /></${Page}>`;
  const { quiz, course } = ctx.data;
  /** @type {QuizReport | null} */
  const r = report.data;
  const orgChoices = course.org_id ? orgs.filter((m) => m.org_id === course.org_id) : orgs;

  return html`<${Page} title=${t('author.report.titleOf', { title: quiz.title })}>
    <p><a href=${`#/author/quizzes/${id}`}>${t('author.grading.backToQuiz')}</a>
      ${' · '}<a href=${`#/author/courses/${course.id}`}>${course.title}</a></p>
    <${Form} class="toolbar" aria-label=${t('author.report.filters')}
      onSubmit=${(/** @type {any} */ e) => { e?.preventDefault?.(); setApplied({ from, to, cohort }); }}>
      ${orgChoices.length > 1
        ? html`<${Field} type="select" label=${t('author.field.org')} name="org_id" value=${orgId ?? ''}
            options=${orgChoices.map((m) => ({ value: m.org_id, label: m.org_name }))}
            onChange=${(/** @type {any} */ e) => setOrg(e.currentTarget.value)} />`
        : null}
      ${(cohorts.data ?? []).length > 0
        ? html`<${Field} type="select" label=${t('author.report.cohort')} name="cohort_id" value=${cohort}
            options=${[{ value: '', label: t('author.report.allCohorts') },
              ...(cohorts.data ?? []).map((/** @type {any} */ c) => ({ value: c.id, label: c.name }))]}
            onChange=${(/** @type {any} */ e) => setCohort(e.currentTarget.value)} />`
        : null}
      <${Field} type="date" label=${t('author.report.from')} name="from" value=${from}
        onInput=${(/** @type {any} */ e) => setFrom(e.currentTarget.value)} />
      <${Field} type="date" label=${t('author.report.to')} name="to" value=${to}
        onInput=${(/** @type {any} */ e) => setTo(e.currentTarget.value)} />
      <${Button} type="submit">${t('author.report.apply')}</${Button}>
    </${Form}>
    ${!orgId ? html`<${Notice} kind="info">${t('author.report.noOrg')}</${Notice}>` : null}
    ${report.loading && !r ? html`<${Loading} />` : null}
    ${report.error
      ? /** @type {any} */ (report.error).status === 404 && course.status === 'draft'
        ? html`<${Notice} kind="info">${t('author.report.notPublished')}</${Notice}>`
        : html`<${ErrorView} problem=${report.error} />`
      : null}
    ${r
      ? html`<section aria-labelledby="summary-heading">
          <h2 id="summary-heading">${t('author.report.summary')}</h2>
          <ul class="grid" style="grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); list-style: none; padding: 0;">
            ${[
              [t('author.report.attempts'), String(r.attempts)],
              [t('author.report.students'), String(r.students)],
              [t('author.report.studentsPassed'), String(r.students_passed)],
              [t('author.report.meanShare'), pct(r.mean_share)],
              [t('author.report.passRate'), pct(r.pass_rate)],
            ].map(([label, value]) => html`<li class="card" key=${label}>
              <span class="muted small">${label}</span><br /><strong style="font-size: 1.4rem">${value}</strong>
            </li>`)}
          </ul>
          <p><${Button} kind="secondary" onClick=${download}>${t('author.report.csv')}</${Button}></p>
          ${downloadProblem ? html`<${ErrorView} problem=${downloadProblem} />` : null}
        </section>
        <section aria-labelledby="items-heading">
          <h2 id="items-heading">${t('author.report.items')}</h2>
          <p><small>${t('author.report.itemsHint')}</small></p>
          <${BarChart} title=${t('author.report.facilityChart')}
            percent=${true} valueLabel=${t('author.report.facility')}
            data=${r.questions.map((q) => ({ label: q.key, value: Math.round((q.facility ?? 0) * 100), max: 100 }))} />
          <div class="table-wrap">
            <table class="table">
              <caption>${t('author.report.itemTable')}</caption>
              <thead><tr>
                <th scope="col">${t('author.report.question')}</th>
                <th scope="col">${t('author.report.kind')}</th>
                <th scope="col" class="num">${t('author.report.answered')}</th>
                <th scope="col" class="num">${t('author.report.facility')}</th>
                <th scope="col" class="num">${t('author.report.discrimination')}</th>
                <th scope="col">${t('author.report.options')}</th>
              </tr></thead>
              <tbody>
                ${r.questions.map((q) => html`<tr key=${q.key}>
                  <th scope="row"><code>${q.key}</code></th>
                  <td>${kindLabel(q.kind)}</td>
                  <td class="num">${q.answered}</td>
                  <td class="num">${pct(q.facility)}</td>
                  <td class="num">${fixed(q.discrimination)}${q.discrimination != null && q.discrimination < 0.2
                    ? html` <small>(${t('author.report.weak')})</small>` : null}</td>
                  <td>${Object.entries(q.option_frequencies ?? {}).map(([k, n]) => `${k}: ${n}`).join(', ')}</td>
                </tr>`)}
              </tbody>
            </table>
          </div>
        </section>`
      : null}
  </${Page}>`;
}
