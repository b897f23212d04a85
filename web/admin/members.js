// Members of an organization: the list (paged, filtered), inviting by email, changing a role and
// removing a member. The CSV import lives in import.js.

import { html, useState } from '../lib/html.js';
import { api, ApiProblem } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { Page, Form, Field, Button, Notice, Loading, ErrorView, ConfirmDialog, formatDate } from '../lib/ui.js';
import { WithOrg, AdminTabs, usePaged, roleLabel, roleOptions, TableWrap, localErrors, localProblem, problemText } from './common.js';
import { PendingInvitations } from './pending.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').components['schemas']['MemberView']} MemberView */
/** @typedef {import('../types/api').components['schemas']['Role']} Role */

export function MembersView() {
  return html`<${Page} title=${t('admin.members.title')}>
    <${AdminTabs} current="/admin/members" />
    <${WithOrg}>${(/** @type {OrgView} */ org) => html`<${Members} key=${org.id} org=${org} />`}</${WithOrg}>
  </${Page}>`;
}

/** @param {{ org: OrgView }} props */
function Members({ org }) {
  const list = usePaged(
    (cursor) => api.get(`/orgs/${org.id}/members`, { limit: 50, ...(cursor ? { cursor } : {}) }),
    [org.id],
  );
  const [filter, setFilter] = useState('');
  const [notice, setNotice] = useState(/** @type {{ kind: 'success'|'error', text: string }|null} */ (null));
  const [removing, setRemoving] = useState(/** @type {MemberView|null} */ (null));
  const [busy, setBusy] = useState(/** @type {string|null} */ (null));
  // Counts the invitations sent from this screen, so the pending list shows each new one.
  const [invited, setInvited] = useState(0);
  // Roles picked in the list but not saved yet (saving takes a press of the row's button, so
  // moving through the options with the keyboard changes nothing).
  const [drafts, setDrafts] = useState(/** @type {Record<string, string>} */ ({}));
  /** @param {string} id */
  const dropDraft = (id) => setDrafts((d) => { const next = { ...d }; delete next[id]; return next; });

  const members = /** @type {MemberView[]} */ (list.items);
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? members.filter((m) => m.email.toLowerCase().includes(needle) || m.display_name.toLowerCase().includes(needle))
    : members;

  /** @param {MemberView} member @param {string} role */
  const changeRole = async (member, role) => {
    setBusy(member.user_id);
    setNotice(null);
    try {
      /** @type {MemberView} */
      const updated = await api.patch(`/orgs/${org.id}/members/${member.user_id}`, { role });
      list.setItems((items) => items.map((m) => (m.user_id === updated.user_id ? updated : m)));
      dropDraft(member.user_id);
      setNotice({ kind: 'success', text: t('admin.members.role_changed', { name: member.display_name || member.email, role: roleLabel(updated.role) }) });
    } catch (e) {
      setNotice({ kind: 'error', text: problemText(e) });
      dropDraft(member.user_id);
    } finally {
      setBusy(null);
    }
  };

  const remove = async () => {
    const member = removing;
    setRemoving(null);
    if (!member) return;
    setBusy(member.user_id);
    setNotice(null);
    try {
      await api.del(`/orgs/${org.id}/members/${member.user_id}`);
      list.setItems((items) => items.filter((m) => m.user_id !== member.user_id));
      setNotice({ kind: 'success', text: t('admin.members.removed', { name: member.display_name || member.email }) });
    } catch (e) {
      setNotice({ kind: 'error', text: problemText(e) });
    } finally {
      setBusy(null);
    }
  };

  return html`
    <section aria-labelledby="invite-heading">
      <h2 id="invite-heading">${t('admin.invite.title')}</h2>
      <${InviteForm} org=${org} onSent=${() => setInvited((n) => n + 1)} />
      <p style="margin-top:1rem"><a href="#/admin/members/import">${t('admin.members.import_link')}</a></p>
    </section>
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">${t('admin.members.list_title')}</h2>
      ${notice ? html`<${Notice} kind=${notice.kind}>${notice.text}</${Notice}>` : null}
      <div class="field">
        <label for="member-filter">${t('admin.members.filter')}</label>
        <input id="member-filter" type="search" value=${filter}
          aria-describedby="member-filter-hint"
          onInput=${(/** @type {Event} */ e) => setFilter(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
        <p id="member-filter-hint" class="hint">${t('admin.members.filter_hint')}</p>
      </div>
      ${list.error ? html`<${ErrorView} problem=${list.error} />` : null}
      ${shown.length === 0 && !list.loading
        ? html`<p>${needle ? t('admin.members.no_match') : t('admin.members.empty')}</p>`
        : html`<${TableWrap} label=${t('admin.members.list_title')}><table class="table">
          <caption class="sr-only">${t('admin.members.caption', { org: org.name })}</caption>
          <thead><tr>
            <th scope="col">${t('admin.members.name')}</th>
            <th scope="col">${t('admin.members.email')}</th>
            <th scope="col">${t('admin.members.role')}</th>
            <th scope="col">${t('admin.members.joined')}</th>
            <th scope="col">${t('admin.members.actions')}</th>
          </tr></thead>
          <tbody>
            ${shown.map((m) => html`<tr key=${m.user_id}>
              <td>${m.display_name}</td>
              <td>${m.email}</td>
              <td>
                <div class="row" style="flex-wrap:nowrap">
                  <select class="input" style="width:auto" aria-label=${t('admin.members.role_of', { name: m.display_name || m.email })}
                    value=${drafts[m.user_id] || m.role} disabled=${busy === m.user_id}
                    onChange=${(/** @type {Event} */ e) => {
                      const value = /** @type {HTMLSelectElement} */ (e.currentTarget).value;
                      setDrafts((d) => ({ ...d, [m.user_id]: value }));
                    }}>
                    ${roleOptions().map((o) => html`<option value=${o.value} selected=${o.value === (drafts[m.user_id] || m.role)}>${o.label}</option>`)}
                  </select>
                  ${drafts[m.user_id] && drafts[m.user_id] !== m.role
                    ? html`<${Button} type="button" kind="secondary" disabled=${busy === m.user_id}
                        aria-label=${t('admin.members.save_role_of', { name: m.display_name || m.email })}
                        onClick=${() => changeRole(m, drafts[m.user_id])}>${t('admin.members.save_role')}</${Button}>`
                    : null}
                </div>
              </td>
              <td>${formatDate(m.joined_at)}</td>
              <td>
                <${Button} type="button" kind="danger" disabled=${busy === m.user_id}
                  aria-label=${t('admin.members.remove_who', { name: m.display_name || m.email })}
                  onClick=${() => setRemoving(m)}>${t('admin.members.remove')}</${Button}>
              </td>
            </tr>`)}
          </tbody>
        </table></${TableWrap}>`}
      ${list.loading ? html`<${Loading} />` : null}
      ${list.hasMore && !list.loading
        ? html`<${Button} type="button" kind="secondary" onClick=${list.loadMore}>${t('admin.common.load_more')}</${Button}>`
        : null}
    </section>
    <${PendingInvitations} org=${org} version=${invited} />
    ${removing
      ? html`<${ConfirmDialog}
          open=${true}
          title=${t('admin.members.remove_title')}
          message=${t('admin.members.remove_confirm', { name: removing.display_name || removing.email, org: org.name })}
          confirmLabel=${t('admin.members.remove')}
          cancelLabel=${t('admin.common.cancel')}
          danger=${true}
          onConfirm=${remove}
          onCancel=${() => setRemoving(null)} />`
      : null}
  `;
}

/** @param {{ org: OrgView, onSent?: () => void }} props */
function InviteForm({ org, onSent }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(/** @type {Role} */ ('student'));
  const [problem, setProblem] = useState(/** @type {ApiProblem|null} */ (null));
  const [sent, setSent] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {Event} [e] */
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    setBusy(true);
    setProblem(null);
    setSent(null);
    try {
      /** @type {any} */
      const reply = await api.post(`/orgs/${org.id}/members`, { email: email.trim(), role });
      setSent(reply && reply.invitation ? reply.invitation.email : email.trim());
      setEmail('');
      if (onSent) onSent();
    } catch (err) {
      setProblem(err instanceof ApiProblem ? localProblem(err) : null);
      if (!(err instanceof ApiProblem)) throw err;
    } finally {
      setBusy(false);
    }
  };
  const errors = localErrors(problem);
  return html`
    ${sent ? html`<${Notice} kind="success">${t('admin.invite.sent', { email: sent })}</${Notice}>` : null}
    <${Form} onSubmit=${submit} problem=${problem}>
      <${Field} label=${t('admin.invite.email')} name="email" type="email" autocomplete="off" required
        value=${email} error=${errors.email}
        onInput=${(/** @type {Event} */ e) => setEmail(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
      <${Field} label=${t('admin.invite.role')} name="role" type="select" options=${roleOptions()}
        value=${role} error=${errors.role}
        onChange=${(/** @type {Event} */ e) => setRole(/** @type {Role} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value))} />
      <${Button} type="submit" disabled=${busy}>${t('admin.invite.submit')}</${Button}>
    </${Form}>
  `;
}
