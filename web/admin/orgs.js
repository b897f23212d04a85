// Organizations: which one to administer, creating one (platform admins) and an organization's
// settings (name, kind, weekly progress digest).

import { html, useState } from '../lib/html.js';
import { api, ApiProblem } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { navigate } from '../lib/router.js';
import { Page, Form, Field, Button, Notice, Loading, ErrorView, formatDate } from '../lib/ui.js';
import { useAdminOrg, isPlatformAdmin, kindLabel, roleLabel, ORG_KINDS, TableWrap, localErrors, localProblem } from './common.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */
/** @typedef {import('../types/api').components['schemas']['OrgKind']} OrgKind */

function kindOptions() {
  return ORG_KINDS.map((k) => ({ value: k, label: kindLabel(k) }));
}

export function OrgsView() {
  const { orgs, org, loading, error, reload, choose } = useAdminOrg();
  return html`<${Page} title=${t('admin.orgs.title')}>
    ${isPlatformAdmin()
      ? html`<section aria-labelledby="org-create">
        <h2 id="org-create">${t('admin.orgs.create_title')}</h2>
        <${CreateOrg} onCreated=${(/** @type {OrgView} */ o) => { choose(o.id); reload(); }} />
      </section>`
      : null}
    <section aria-labelledby="org-list">
      <h2 id="org-list">${t('admin.orgs.list_title')}</h2>
      ${loading ? html`<${Loading} />` : null}
      ${error ? html`<${ErrorView} problem=${error} />` : null}
      ${!loading && orgs.length === 0 ? html`<p>${t('admin.org.none')}</p>` : null}
      ${orgs.length > 0
        ? html`<${TableWrap} label=${t('admin.orgs.list_title')}><table class="table">
          <thead><tr>
            <th scope="col">${t('admin.orgs.name')}</th>
            <th scope="col">${t('admin.orgs.slug')}</th>
            <th scope="col">${t('admin.orgs.kind')}</th>
            <th scope="col">${t('admin.orgs.my_role')}</th>
            <th scope="col">${t('admin.orgs.created')}</th>
            <th scope="col">${t('admin.members.actions')}</th>
          </tr></thead>
          <tbody>${orgs.map((o) => html`<tr key=${o.id}>
            <td>${o.name}${org && org.id === o.id ? html` <strong>(${t('admin.orgs.current')})</strong>` : null}</td>
            <td>${o.slug}</td>
            <td>${kindLabel(o.kind)}</td>
            <td>${o.my_role ? roleLabel(o.my_role) : t('admin.orgs.platform_admin')}</td>
            <td>${formatDate(o.created_at)}</td>
            <td><${Button} type="button" aria-label=${t('admin.orgs.administer_named', { name: o.name })}
              onClick=${() => { choose(o.id); navigate('/admin/members'); }}>${t('admin.orgs.administer')}</${Button}></td>
          </tr>`)}</tbody>
        </table></${TableWrap}>`
        : null}
    </section>
    ${org
      ? html`<section aria-labelledby="org-settings">
        <h2 id="org-settings">${t('admin.orgs.settings_title', { name: org.name })}</h2>
        <${OrgSettings} key=${org.id} org=${org} onSaved=${reload} />
      </section>`
      : null}
  </${Page}>`;
}

/** @param {{ onCreated: (o: OrgView) => void }} props */
function CreateOrg({ onCreated }) {
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [kind, setKind] = useState(/** @type {OrgKind} */ ('vocational_college'));
  const [problem, setProblem] = useState(/** @type {ApiProblem|null} */ (null));
  const [created, setCreated] = useState(/** @type {string|null} */ (null));
  const [busy, setBusy] = useState(false);

  /** @param {string} text */
  const suggest = (text) => text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);

  /** @param {Event} [e] */
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    setBusy(true);
    setProblem(null);
    setCreated(null);
    try {
      /** @type {OrgView} */
      const org = await api.post('/orgs', { name, slug, kind });
      setCreated(org.name);
      setName('');
      setSlug('');
      setSlugTouched(false);
      onCreated(org);
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(localProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = localErrors(problem);
  const slugError = errors.slug || (problem && problem.code === 'slug_taken' ? t('admin.orgs.slug_taken') : undefined);
  return html`
    ${created ? html`<${Notice} kind="success">${t('admin.orgs.created_notice', { name: created })}</${Notice}>` : null}
    <${Form} onSubmit=${submit} problem=${problem}>
      <${Field} label=${t('admin.orgs.name')} name="name" required value=${name} error=${errors.name}
        onInput=${(/** @type {Event} */ e) => {
          const v = /** @type {HTMLInputElement} */ (e.currentTarget).value;
          setName(v);
          if (!slugTouched) setSlug(suggest(v));
        }} />
      <${Field} label=${t('admin.orgs.slug')} name="slug" required value=${slug} error=${slugError}
        hint=${t('admin.orgs.slug_hint')}
        onInput=${(/** @type {Event} */ e) => { setSlugTouched(true); setSlug(/** @type {HTMLInputElement} */ (e.currentTarget).value); }} />
      <${Field} label=${t('admin.orgs.kind')} name="kind" type="select" options=${kindOptions()} value=${kind}
        error=${errors.kind}
        onChange=${(/** @type {Event} */ e) => setKind(/** @type {OrgKind} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value))} />
      <${Button} type="submit" disabled=${busy}>${t('admin.orgs.create')}</${Button}>
    </${Form}>
  `;
}

/** @param {{ org: OrgView, onSaved: () => void }} props */
function OrgSettings({ org, onSaved }) {
  const [name, setName] = useState(org.name);
  const [kind, setKind] = useState(/** @type {OrgKind} */ (org.kind));
  const [digest, setDigest] = useState(org.weekly_digest);
  const [problem, setProblem] = useState(/** @type {ApiProblem|null} */ (null));
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  /** @param {Event} [e] */
  const submit = async (e) => {
    if (e && e.preventDefault) e.preventDefault();
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      await api.patch(`/orgs/${org.id}`, { name, kind, weekly_digest: digest });
      setSaved(true);
      onSaved();
    } catch (err) {
      if (!(err instanceof ApiProblem)) throw err;
      setProblem(localProblem(err));
    } finally {
      setBusy(false);
    }
  };
  const errors = localErrors(problem);
  return html`
    ${saved ? html`<${Notice} kind="success">${t('admin.orgs.saved')}</${Notice}>` : null}
    <${Form} onSubmit=${submit} problem=${problem}>
      <${Field} label=${t('admin.orgs.name')} name="name" required value=${name} error=${errors.name}
        onInput=${(/** @type {Event} */ e) => setName(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
      <${Field} label=${t('admin.orgs.kind')} name="kind" type="select" options=${kindOptions()} value=${kind}
        onChange=${(/** @type {Event} */ e) => setKind(/** @type {OrgKind} */ (/** @type {HTMLSelectElement} */ (e.currentTarget).value))} />
      <div class="field">
        <label>
          <input type="checkbox" name="weekly_digest" checked=${digest}
            onChange=${(/** @type {Event} */ e) => setDigest(/** @type {HTMLInputElement} */ (e.currentTarget).checked)} />
          ${' '}${t('admin.orgs.weekly_digest')}
        </label>
      </div>
      <${Button} type="submit" disabled=${busy}>${t('admin.orgs.save')}</${Button}>
    </${Form}>
  `;
}
