// Certificates: the student's own, each with its public verification link, and the public page
// that verifies one by its id (no sign-in).
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { useRoute } from '../lib/router.js';
import { Page, Loading, ErrorView, Notice, useAsync } from '../lib/ui.js';
import { dateOnly, dateTime, verifyPageUrl } from './common.js';

/** @typedef {import('../types/api').components['schemas']['CertificateView']} CertificateView */

export function CertificatesPage() {
  const list = useAsync(() => api.get('/me/certificates'), []);
  if (list.loading && !list.data) return html`<${Page} title=${t('student.certificates.title')}><${Loading} /><//>`;
  if (list.error) return html`<${Page} title=${t('student.certificates.title')}><${ErrorView} problem=${list.error} /><//>`;
  /** @type {CertificateView[]} */
  const certs = list.data || [];
  return html`<${Page} title=${t('student.certificates.title')}>
    ${certs.length === 0
      ? html`<p>${t('student.certificates.none')}</p>`
      : html`<ul style="list-style: none; padding: 0; display: grid; gap: 1rem">
          ${certs.map((c) => html`<li key=${c.id}><${CertificateCard} cert=${c} /></li>`)}
        </ul>`}
  <//>`;
}

/** @param {{ cert: CertificateView }} props */
function CertificateCard({ cert }) {
  const [copied, setCopied] = useState(false);
  const link = verifyPageUrl(cert.id);
  const headingId = `cert-${cert.id}`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return html`<article aria-labelledby=${headingId} style="border: 1px solid #d0d7de; border-radius: 8px; padding: 1rem">
    <h2 id=${headingId} style="margin-top: 0; font-size: 1.125rem">${cert.course_title}</h2>
    <p>${t('student.certificates.issued', { name: cert.holder_name, date: dateOnly(cert.issued_at) })}</p>
    ${cert.revoked
      ? html`<${Notice} kind="error">${t('student.certificates.revoked', { date: dateOnly(cert.revoked_at), reason: cert.revocation_reason || '' })}<//>`
      : null}
    <p>
      <a href=${`#/verify/${cert.id}`}>${t('student.certificates.verifyLink')}</a>
    </p>
    <p style="display: flex; gap: .5rem; align-items: center; flex-wrap: wrap">
      <label for=${`link-${cert.id}`}>${t('student.certificates.shareLabel')}</label>
      <input id=${`link-${cert.id}`} class="input" type="url" readonly value=${link} style="flex: 1 1 16rem; min-width: 0"
        onFocus=${(/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.currentTarget).select()} />
      <button type="button" class="btn btn-secondary" onClick=${copy}>${t('student.certificates.copy')}</button>
      <span role="status">${copied ? t('student.certificates.copied') : ''}</span>
    </p>
    <p class="muted" style="font-size: .9rem">${t('student.certificates.apiLink')} <a href=${cert.verify_url}>${cert.verify_url}</a></p>
  </article>`;
}

/** `#/verify/:id`: anyone may check a certificate. */
export function VerifyPage() {
  const { params } = useRoute();
  const check = useAsync(() => api.get(`/certificates/${params.id}`), [params.id]);
  const title = t('student.verify.title');
  if (check.loading && !check.data) return html`<${Page} title=${title}><${Loading} /><//>`;
  if (check.error) {
    const notFound = check.error instanceof ApiProblem && check.error.status === 404;
    return html`<${Page} title=${title}>
      ${notFound
        ? html`<div role="status"><${Notice} kind="error"><strong>${t('student.verify.unknown')}</strong><p>${t('student.verify.unknownDetail')}</p><//></div>`
        : html`<${ErrorView} problem=${check.error} />`}
    <//>`;
  }
  const v = check.data;
  const status = String(v.status);
  const kind = status === 'valid' ? 'success' : 'error';
  return html`<${Page} title=${title}>
    <div role="status">
      <${Notice} kind=${kind}>
        <strong style="font-size: 1.25rem">${['valid', 'revoked', 'tampered', 'unknown'].includes(status) ? t(`student.verify.${status}`) : status}</strong>
        <p>${['valid', 'revoked', 'tampered'].includes(status) ? t(`student.verify.${status}Detail`) : ''}</p>
      <//>
    </div>
    ${v.course_title
      ? html`<dl style="display: grid; grid-template-columns: max-content 1fr; gap: .25rem .75rem">
          <dt>${t('student.verify.holder')}</dt><dd style="margin: 0">${v.holder_name}</dd>
          <dt>${t('student.verify.course')}</dt><dd style="margin: 0">${v.course_title}</dd>
          <dt>${t('student.verify.issuedAt')}</dt><dd style="margin: 0">${dateOnly(v.issued_at)}</dd>
          <dt>${t('student.verify.issuer')}</dt><dd style="margin: 0">${v.org_id ? t('student.verify.issuerOrg') : t('student.verify.issuerPlatform')}</dd>
          ${v.revoked
            ? html`<dt>${t('student.verify.revokedAt')}</dt><dd style="margin: 0">${dateTime(v.revoked_at)}</dd>
                <dt>${t('student.verify.reason')}</dt><dd style="margin: 0">${v.revocation_reason || '—'}</dd>`
            : null}
          <dt>${t('student.verify.id')}</dt><dd style="margin: 0"><code>${v.id}</code></dd>
        </dl>`
      : null}
  <//>`;
}
