// Sign in. Shows why the user is here (the session expired, they signed out, the email was
// verified) and returns to the route they came from (`?next=`).
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { session } from '../lib/session.js';
import { navigate, href, withQuery } from '../lib/router.js';
import { Page, Form, Field, Button, Notice } from '../lib/ui.js';

/** A `next` that stays inside the app (a route path), else '/'. @param {string | undefined} next */
export function safeNext(next) {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/';
}

/** @param {{ query: Record<string, string> }} props */
export function SignIn({ query }) {
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const next = safeNext(query.next);
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const form = /** @type {HTMLFormElement} */ (e.currentTarget);
    const data = new FormData(form);
    setBusy(true);
    setProblem(null);
    try {
      await session.signIn(String(data.get('email') || '').trim(), String(data.get('password') || ''));
      navigate(next, { replace: true });
    } catch (err) {
      setProblem(err);
      setBusy(false);
    }
  };
  return html`<${Page} title=${t('auth.sign_in.title')} class="narrow-page">
    ${query.expired && html`<${Notice} kind="warning">${t('auth.sign_in.expired')}<//>`}
    ${query.signed_out && html`<${Notice} kind="success">${t('auth.sign_in.signed_out')}<//>`}
    ${query.verified && html`<${Notice} kind="success">${t('auth.sign_in.verified')}<//>`}
    ${query.reset && html`<${Notice} kind="success">${t('auth.sign_in.reset_done')}<//>`}
    ${query.next && !query.expired && html`<${Notice} kind="info">${t('auth.sign_in.needed')}<//>`}
    <${Form} onSubmit=${submit} problem=${problem} aria-label=${t('auth.sign_in.title')}>
      <${Field} label=${t('auth.field.email')} name="email" type="email" autocomplete="username" required
        defaultValue=${query.email || undefined} />
      <${Field} label=${t('auth.field.password')} name="password" type="password" autocomplete="current-password" required />
      <div class="actions">
        <${Button} type="submit" busy=${busy}>${t('auth.sign_in.submit')}<//>
        <a href=${href('/forgot-password')}>${t('auth.sign_in.forgot')}</a>
      </div>
    <//>
    <p class="muted">${t('auth.sign_in.no_account')} <a href=${href(withQuery('/register', { next: query.next }))}>${t('auth.sign_in.register')}</a></p>
  <//>`;
}
