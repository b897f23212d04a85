// CSV import of members (email,display_name,role,cohort) with the per-row report the server
// returns: every row's outcome when the file is applied, or every refused row and why when it is
// not (the import is all or nothing).

import { html, useState, useRef, useEffect } from '../lib/html.js';
import { api, ApiProblem } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Page, Button, Notice, ErrorView } from '../lib/ui.js';
import { WithOrg, AdminTabs, saveBlob, TableWrap, localMessage } from './common.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').components['schemas']['ImportReport']} ImportReport */
/** @typedef {import('../types/api').components['schemas']['ImportRow']} ImportRow */

const TEMPLATE = 'email,display_name,role,cohort\nmei.chen@example.edu,Mei Chen,student,Spring 2027\nli.wang@example.edu,Li Wang,instructor,\n';

export function ImportView() {
  return html`<${Page} title=${t('admin.import.title')}>
    <${AdminTabs} current="/admin/members" />
    <p><a href="#/admin/members">${t('admin.import.back')}</a></p>
    <${WithOrg}>${(/** @type {OrgView} */ org) => html`<${Importer} key=${org.id} org=${org} />`}</${WithOrg}>
  </${Page}>`;
}

/**
 * The file as UTF-8 text with LF line ends, as the server reads it best: spreadsheet programs on
 * Chinese Windows save CSV in GBK (read here as GB18030, its superset), others in UTF-8 with or
 * without a byte-order mark, with CRLF line ends.
 * @param {Blob} file
 */
export async function csvText(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('gb18030').decode(bytes);
  }
  return text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n');
}

/** @param {string} status */
function statusLabel(status) {
  switch (status) {
    case 'invited': return t('admin.import.status.invited');
    case 'updated': return t('admin.import.status.updated');
    case 'unchanged': return t('admin.import.status.unchanged');
    case 'added': return t('admin.import.status.added');
    case 'error': return t('admin.import.status.error');
    default: return status;
  }
}

/** @param {{ org: OrgView }} props */
function Importer({ org }) {
  const [file, setFile] = useState(/** @type {File|null} */ (null));
  const [busy, setBusy] = useState(false);
  const [report, setReport] = useState(/** @type {ImportReport|null} */ (null));
  const [refused, setRefused] = useState(/** @type {{ problem: ApiProblem, rows: ImportRow[] }|null} */ (null));
  const [failure, setFailure] = useState(/** @type {any} */ (null));
  const [fileError, setFileError] = useState(/** @type {string|null} */ (null));

  /** @param {Event} e */
  const submit = async (e) => {
    e.preventDefault();
    setReport(null);
    setRefused(null);
    setFailure(null);
    setFileError(null);
    if (!file) {
      setFileError(t('admin.import.choose_file'));
      return;
    }
    setBusy(true);
    try {
      /** @type {ImportReport} */
      const result = await api.upload(`/orgs/${org.id}/members/import`, await csvText(file), 'text/csv');
      setReport(result);
    } catch (err) {
      if (err instanceof ApiProblem && err.code === 'import_rejected') {
        const raw = err.problem && Array.isArray(err.problem.report) ? err.problem.report : [];
        setRefused({ problem: err, rows: /** @type {ImportRow[]} */ (raw) });
      } else {
        setFailure(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section aria-labelledby="import-format">
      <h2 id="import-format">${t('admin.import.format_title')}</h2>
      <p>${t('admin.import.format')}</p>
      <pre style="overflow-x:auto"><code>${TEMPLATE}</code></pre>
      <p>${t('admin.import.all_or_nothing')}</p>
      <p>${t('admin.import.encodings')}</p>
      <${Button} type="button" kind="secondary" onClick=${() => saveBlob(new Blob([TEMPLATE], { type: 'text/csv' }), 'members-template.csv')}>
        ${t('admin.import.template')}
      </${Button}>
    </section>
    <section aria-labelledby="import-upload">
      <h2 id="import-upload">${t('admin.import.upload_title', { org: org.name })}</h2>
      <form onSubmit=${submit} novalidate>
        <div class="field">
          <label for="import-file">${t('admin.import.file')}</label>
          <input id="import-file" name="file" type="file" accept=".csv,text/csv"
            aria-describedby=${fileError ? 'import-file-error' : null} aria-invalid=${fileError ? 'true' : null}
            onChange=${(/** @type {Event} */ e) => {
              const input = /** @type {HTMLInputElement} */ (e.currentTarget);
              setFile(input.files && input.files.length > 0 ? input.files[0] : null);
              setFileError(null);
            }} />
          ${fileError ? html`<p id="import-file-error" class="field-error" role="alert">${fileError}</p>` : null}
        </div>
        <${Button} type="submit" disabled=${busy}>${busy ? t('admin.import.uploading') : t('admin.import.submit')}</${Button}>
      </form>
    </section>
    ${failure ? html`<${ErrorView} problem=${failure} />` : null}
    ${refused ? html`<${Refused} rows=${refused.rows} problem=${refused.problem} />` : null}
    ${report ? html`<${Applied} report=${report} />` : null}
  `;
}

/** A heading that takes focus when it appears, so the outcome is read out and in view. */
function useFocused() {
  const ref = useRef(/** @type {HTMLHeadingElement|null} */ (null));
  useEffect(() => { if (ref.current) ref.current.focus(); }, []);
  return ref;
}

/** @param {{ rows: ImportRow[], problem: ApiProblem }} props */
function Refused({ rows, problem }) {
  const heading = useFocused();
  return html`<section aria-labelledby="import-refused" role="region">
    <h2 id="import-refused" tabindex="-1" ref=${heading}>${t('admin.import.refused_title')}</h2>
    <${Notice} kind="error">${t('admin.import.refused', { count: rows.length || 1 })}</${Notice}>
    ${rows.length === 0 && problem.detail ? html`<p>${localMessage(problem.detail)}</p>` : null}
    ${rows.length > 0
      ? html`<${TableWrap} label=${t('admin.import.refused_title')}><table class="table">
        <thead><tr>
          <th scope="col">${t('admin.import.line')}</th>
          <th scope="col">${t('admin.import.email')}</th>
          <th scope="col">${t('admin.import.problem')}</th>
        </tr></thead>
        <tbody>${rows.map((r) => html`<tr>
          <td>${r.line}</td><td>${r.email || '–'}</td><td>${r.error ? localMessage(r.error) : statusLabel(r.status)}</td>
        </tr>`)}</tbody>
      </table></${TableWrap}>`
      : null}
  </section>`;
}

/** @param {{ report: ImportReport }} props */
function Applied({ report }) {
  const heading = useFocused();
  return html`<section aria-labelledby="import-report" role="region">
    <h2 id="import-report" tabindex="-1" ref=${heading}>${t('admin.import.report_title')}</h2>
    <${Notice} kind="success">${t('admin.import.applied', {
      invited: report.invited, updated: report.updated, unchanged: report.unchanged,
    })}</${Notice}>
    ${report.cohorts_created.length > 0
      ? html`<p>${t('admin.import.cohorts_created', { names: report.cohorts_created.join(', ') })}</p>`
      : null}
    <p>${t('admin.import.invited_note')}</p>
    <${TableWrap} label=${t('admin.import.report_title')}><table class="table">
      <thead><tr>
        <th scope="col">${t('admin.import.line')}</th>
        <th scope="col">${t('admin.import.email')}</th>
        <th scope="col">${t('admin.import.outcome')}</th>
      </tr></thead>
      <tbody>${report.rows.map((r) => html`<tr>
        <td>${r.line}</td><td>${r.email}</td><td>${statusLabel(r.status)}${r.error ? ` (${r.error})` : ''}</td>
      </tr>`)}</tbody>
    </table></${TableWrap}>
    <p><a href="#/admin/members">${t('admin.import.to_members')}</a> · <a href="#/admin/cohorts">${t('admin.import.to_cohorts')}</a></p>
  </section>`;
}
