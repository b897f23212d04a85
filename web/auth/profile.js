// The signed-in user's profile: name, language preference, target markets and working
// languages (PATCH /me), organizations and pending invitations, and a new password.
import { html, useState } from '../lib/html.js';
import { t, setLanguage, toLanguage, language, LANGUAGES } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { session } from '../lib/session.js';
import { navigate } from '../lib/router.js';
import { ResendVerification } from './resend-verification.js';
import { Page, Form, Field, Button, Notice, Loading, ErrorView, useAsync, formatDate, problemMessage } from '../lib/ui.js';

/** @typedef {import('../types/api').components['schemas']['MeView']} Me */
/** @typedef {import('../types/api').components['schemas']['UpdateMeRequest']} UpdateMeRequest */
/** @typedef {import('../types/api').components['schemas']['Market']} Market */
/** @typedef {import('../types/api').components['schemas']['MeInvitation']} MeInvitation */

/** A country's name in the interface language. @param {string} code @param {string} fallback */
function countryName(code, fallback) {
  try {
    return new Intl.DisplayNames([language()], { type: 'region' }).of(code) || fallback;
  } catch {
    return fallback;
  }
}

export function Profile() {
  const me = useAsync(() => session.reload(), []);
  const user = session.user;
  if (!user) return html`<${Loading} />`;
  return html`<${Page} title=${t('auth.profile.title')}>
    ${me.error ? html`<${ErrorView} problem=${me.error} onRetry=${me.reload} />` : null}
    <div class="split">
      <div class="stack">
        <${Details} user=${user} />
        <${ChangePassword} user=${user} />
      </div>
      <div class="stack">
        <${Account} user=${user} />
        <${Invitations} user=${user} />
      </div>
    </div>
  <//>`;
}

/** @param {{ user: Me }} props */
function Account({ user }) {
  return html`<section class="card" aria-labelledby="profile-account">
    <h2 id="profile-account">${t('auth.profile.account')}</h2>
    <p>
      <span class="muted">${t('auth.field.email')}:</span> ${user.email}${' '}
      ${user.email_verified
        ? html`<span class="badge badge-ok">${t('auth.profile.verified')}</span>`
        : html`<span class="badge badge-warn">${t('auth.profile.not_verified')}</span>`}
    </p>
    ${!user.email_verified && html`<p class="small muted">${t('auth.profile.verify_hint')}</p>
      <${ResendVerification} email=${user.email} />`}
    <p class="small muted">${t('auth.profile.member_since', { date: formatDate(user.created_at) })}</p>
    <h3>${t('auth.profile.organizations')}</h3>
    ${user.is_platform_admin && html`<p><span class="badge badge-info">${t('common.role.platform_admin')}</span></p>`}
    ${user.memberships.length === 0
      ? html`<p class="muted">${t('auth.profile.no_organizations')}</p>`
      : html`<ul class="list">
          ${user.memberships.map(
            (m) => html`<li><strong>${m.org_name}</strong> <span class="badge">${t(`common.role.${m.role}`)}</span></li>`,
          )}
        </ul>`}
  </section>`;
}

/** @param {{ user: Me }} props */
function Details({ user }) {
  const markets = useAsync(async () => /** @type {{ items: Market[] }} */ (await api.get('/markets')).items, []);
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [locale, setLocale] = useState(user.locale);
  /** @type {Array<{ value: string, label: string }>} */
  const localeOptions = LANGUAGES.map((l) => ({ value: l.code, label: l.name }));
  if (!localeOptions.some((o) => o.value === user.locale)) localeOptions.push({ value: user.locale, label: user.locale });
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const data = new FormData(/** @type {HTMLFormElement} */ (e.currentTarget));
    /** @type {UpdateMeRequest} */
    const body = {
      display_name: String(data.get('display_name') || '').trim(),
      locale,
      target_markets: data.getAll('target_markets').map(String),
      languages: String(data.get('languages') || '')
        .split(/[\s,，、]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    };
    setBusy(true);
    setProblem(null);
    setSaved(false);
    try {
      const me = /** @type {Me} */ (await api.patch('/me', body));
      session.update(me);
      const lang = toLanguage(me.locale);
      if (lang) setLanguage(lang);
      setSaved(true);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card" aria-labelledby="profile-details">
    <h2 id="profile-details">${t('auth.profile.details')}</h2>
    ${saved && html`<${Notice} kind="success">${t('common.saved')}<//>`}
    <${Form} onSubmit=${submit} problem=${problem} aria-labelledby="profile-details">
      <${Field} label=${t('auth.field.display_name')} name="display_name" autocomplete="name" required maxLength="100"
        defaultValue=${user.display_name} />
      <${Field} label=${t('auth.profile.locale')} name="locale" type="select" options=${localeOptions} value=${locale}
        onChange=${(/** @type {Event} */ e) => setLocale(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}
        hint=${t('auth.profile.locale_hint')} />
      <fieldset class="fieldset">
        <legend>${t('auth.profile.target_markets')}</legend>
        <p class="hint">${t('auth.profile.target_markets_hint')}</p>
        ${markets.loading
          ? html`<${Loading} />`
          : markets.error
            ? html`<${ErrorView} problem=${markets.error} onRetry=${markets.reload} />`
            : html`<div class="checks">
                ${(markets.data || []).map(
                  (m) => html`<${Field} type="checkbox" label=${`${countryName(m.country, m.name)} (${m.country})`} name="target_markets"
                    value=${m.country} id=${`market-${m.country}`} defaultChecked=${user.target_markets.includes(m.country)} />`,
                )}
              </div>`}
        ${problem instanceof ApiProblem && problem.fieldErrors().target_markets &&
        html`<p class="field-error">${problem.fieldErrors().target_markets}</p>`}
      </fieldset>
      <${Field} label=${t('auth.profile.languages')} name="languages" defaultValue=${user.languages.join(', ')}
        hint=${t('auth.profile.languages_hint')} />
      <div class="actions">
        <${Button} type="submit" busy=${busy}>${t('common.save')}<//>
      </div>
    <//>
  </section>`;
}

/** @param {{ user: Me }} props */
function Invitations({ user }) {
  const list = useAsync(async () => {
    if (!user.email_verified) return [];
    const res = /** @type {{ items: MeInvitation[] }} */ (await api.get('/me/invitations'));
    return res.items;
  }, [user.email_verified]);
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(/** @type {string | null} */ (null));
  /** @param {MeInvitation} inv @param {'accept' | 'decline'} action */
  const act = async (inv, action) => {
    setBusy(`${inv.id}:${action}`);
    setProblem(null);
    try {
      const res = await api.post(`/me/invitations/${encodeURIComponent(inv.id)}/${action}`);
      if (action === 'accept' && res) session.update(/** @type {Me} */ (res));
      await list.reload();
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(null);
    }
  };
  const items = list.data || [];
  if (!list.loading && !list.error && items.length === 0) return null;
  return html`<section class="card" aria-labelledby="profile-invitations">
    <h2 id="profile-invitations">${t('auth.profile.invitations')}</h2>
    ${problem && html`<${Notice} kind="error">${problemMessage(problem)}<//>`}
    ${list.loading
      ? html`<${Loading} />`
      : list.error
        ? html`<${ErrorView} problem=${list.error} onRetry=${list.reload} />`
        : html`<ul class="list">
            ${items.map(
              (inv) => html`<li>
                <p><strong>${inv.org_name}</strong> · ${t(`common.role.${inv.role}`)}</p>
                <p class="small muted">${t('auth.profile.invitation_expires', { date: formatDate(inv.expires_at) })}</p>
                <div class="row">
                  <${Button} busy=${busy === `${inv.id}:accept`} onClick=${() => act(inv, 'accept')}
                    aria-label=${t('auth.profile.accept_named', { org: inv.org_name })}>${t('auth.profile.accept')}<//>
                  <${Button} kind="secondary" busy=${busy === `${inv.id}:decline`} onClick=${() => act(inv, 'decline')}
                    aria-label=${t('auth.profile.decline_named', { org: inv.org_name })}>${t('auth.profile.decline')}<//>
                </div>
              </li>`,
            )}
          </ul>`}
  </section>`;
}

/** @param {{ user: Me }} props */
function ChangePassword({ user }) {
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [mismatch, setMismatch] = useState(false);
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const data = new FormData(form);
    const next = String(data.get('new_password') || '');
    if (next !== String(data.get('confirm') || '')) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setProblem(null);
    setDone(false);
    try {
      await api.post('/me/password', { current_password: String(data.get('current_password') || ''), new_password: next });
      form.reset();
      // The change ends every session of the account, this one too: sign in again with the new
      // password so the user goes on where they are.
      await session.signIn(user.email, next);
      setDone(true);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 401 && !session.user) {
        navigate('/sign-in');
        return;
      }
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="card" aria-labelledby="profile-password">
    <h2 id="profile-password">${t('auth.profile.password')}</h2>
    ${done && html`<${Notice} kind="success">${t('auth.profile.password_changed')}<//>`}
    <${Form} onSubmit=${submit} problem=${problem} aria-labelledby="profile-password">
      <input type="text" name="username" autocomplete="username" value=${user.email} hidden />
      <${Field} label=${t('auth.field.current_password')} name="current_password" type="password" autocomplete="current-password" required
        error=${problem instanceof ApiProblem && problem.code === 'wrong_password' ? problemMessage(problem) : undefined} />
      <${Field} label=${t('auth.field.new_password')} name="new_password" type="password" autocomplete="new-password" required
        hint=${t('auth.field.password_hint')} />
      <${Field} label=${t('auth.field.confirm_password')} name="confirm" type="password" autocomplete="new-password" required
        error=${mismatch ? t('auth.field.passwords_differ') : undefined} />
      <div class="actions">
        <${Button} type="submit" busy=${busy}>${t('auth.profile.change_password')}<//>
      </div>
    <//>
  </section>`;
}
