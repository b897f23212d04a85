// Invitations not yet accepted: who was invited (by hand or by a CSV import) and has not joined,
// with the role and cohort waiting for them; expired links are marked so the admin invites again,
// and an invitation sent to a wrong address can be withdrawn.

import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Button, Notice, Loading, ErrorView, ConfirmDialog, formatDate } from '../lib/ui.js';
import { usePaged, roleLabel, TableWrap, problemText } from './common.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').paths['/api/v1/orgs/{org_id}/invitations']['get']['responses'][200]['content']['application/json']['items'][number]} PendingInvitation */

/** @param {{ org: OrgView, version?: number }} props  `version` changes when an invitation was sent. */
export function PendingInvitations({ org, version = 0 }) {
  const list = usePaged(
    (cursor) => api.get(`/orgs/${org.id}/invitations`, { limit: 50, ...(cursor ? { cursor } : {}) }),
    [org.id, version],
  );
  const [withdrawing, setWithdrawing] = useState(/** @type {PendingInvitation|null} */ (null));
  const [notice, setNotice] = useState(/** @type {{ kind: 'success'|'error', text: string }|null} */ (null));
  const invitations = /** @type {PendingInvitation[]} */ (list.items);

  const withdraw = async () => {
    const invitation = withdrawing;
    setWithdrawing(null);
    if (!invitation) return;
    setNotice(null);
    try {
      await api.del(`/orgs/${org.id}/invitations/${invitation.id}`);
      list.setItems((items) => items.filter((i) => i.id !== invitation.id));
      setNotice({ kind: 'success', text: t('admin.pending.withdrawn', { email: invitation.email }) });
    } catch (e) {
      setNotice({ kind: 'error', text: problemText(e) });
    }
  };

  return html`<section aria-labelledby="pending-heading">
    <h2 id="pending-heading">${t('admin.pending.title')}</h2>
    <p class="hint">${t('admin.pending.hint')}</p>
    ${notice ? html`<${Notice} kind=${notice.kind}>${notice.text}</${Notice}>` : null}
    ${list.error ? html`<${ErrorView} problem=${list.error} />` : null}
    ${invitations.length === 0 && !list.loading
      ? html`<p>${t('admin.pending.empty')}</p>`
      : html`<${TableWrap} label=${t('admin.pending.title')}><table class="table">
          <caption class="sr-only">${t('admin.pending.caption', { org: org.name })}</caption>
          <thead><tr>
            <th scope="col">${t('admin.members.email')}</th>
            <th scope="col">${t('admin.members.role')}</th>
            <th scope="col">${t('admin.pending.cohort')}</th>
            <th scope="col">${t('admin.pending.invited')}</th>
            <th scope="col">${t('admin.pending.link')}</th>
            <th scope="col">${t('admin.members.actions')}</th>
          </tr></thead>
          <tbody>
            ${invitations.map((i) => html`<tr key=${i.id}>
              <td>${i.email}</td>
              <td>${roleLabel(i.role)}</td>
              <td>${i.cohort || '–'}</td>
              <td>${formatDate(i.invited_at)}</td>
              <td>${i.expired
                ? html`<span class="badge badge-warn">${t('admin.pending.expired')}</span>`
                : t('admin.pending.valid_until', { date: formatDate(i.expires_at) })}</td>
              <td>
                <${Button} type="button" kind="danger"
                  aria-label=${t('admin.pending.withdraw_who', { email: i.email })}
                  onClick=${() => setWithdrawing(i)}>${t('admin.pending.withdraw')}</${Button}>
              </td>
            </tr>`)}
          </tbody>
        </table></${TableWrap}>`}
    ${list.loading ? html`<${Loading} />` : null}
    ${list.hasMore && !list.loading
      ? html`<${Button} type="button" kind="secondary" onClick=${list.loadMore}>${t('admin.common.load_more')}</${Button}>`
      : null}
    ${withdrawing
      ? html`<${ConfirmDialog}
          open=${true}
          title=${t('admin.pending.withdraw_title')}
          message=${t('admin.pending.withdraw_confirm', { email: withdrawing.email, org: org.name })}
          confirmLabel=${t('admin.pending.withdraw')}
          cancelLabel=${t('admin.common.cancel')}
          danger=${true}
          onConfirm=${withdraw}
          onCancel=${() => setWithdrawing(null)} />`
      : null}
  </section>`;
}
