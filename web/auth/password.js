// A forgotten password: ask for a link (/forgot-password), then choose a new password from the
// emailed link (/reset-password?token=...). The reset ends every session of the account.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { session } from '../lib/session.js';
import { href } from '../lib/router.js';
import { Page, Form, Field, Button, Notice } from '../lib/ui.js';

/** @param {{ query: Record<string, string> }} props */
export function ForgotPassword({ query }) {
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(/** @type {string | null} */ (null));
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const email = String(new FormData(/** @type {HTMLFormElement} */ (e.currentTarget)).get('email') || '').trim();
    setBusy(true);
    setProblem(null);
    try {
      await api.post('/auth/password-reset', { email });
      setSent(email);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Page} title=${t('auth.forgot.title')} class="narrow-page">
    ${sent
      ? html`<${Notice} kind="success">${t('auth.forgot.sent', { email: sent })}<//>
          <p><a href=${href('/sign-in')}>${t('auth.forgot.back')}</a></p>`
      : html`<p class="muted">${t('auth.forgot.intro')}</p>
          <${Form} onSubmit=${submit} problem=${problem} aria-label=${t('auth.forgot.title')}>
            <${Field} label=${t('auth.field.email')} name="email" type="email" autocomplete="email" required defaultValue=${query.email || undefined} />
            <div class="actions">
              <${Button} type="submit" busy=${busy}>${t('auth.forgot.submit')}<//>
              <a href=${href('/sign-in')}>${t('auth.forgot.back')}</a>
            </div>
          <//>`}
  <//>`;
}

/** @param {{ query: Record<string, string> }} props */
export function ResetPassword({ query }) {
  const token = query.token || '';
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const data = new FormData(/** @type {HTMLFormElement} */ (e.currentTarget));
    const password = String(data.get('new_password') || '');
    if (password !== String(data.get('confirm') || '')) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setProblem(null);
    try {
      await api.post('/auth/password-reset/confirm', { token, new_password: password });
      // Every session of the account has ended, this browser's too.
      if (session.user) await session.signOut();
      setDone(true);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (!token) {
    return html`<${Page} title=${t('auth.reset.title')} class="narrow-page">
      <${Notice} kind="error">${t('auth.reset.no_token')}<//>
      <p><a href=${href('/forgot-password')}>${t('auth.reset.ask_again')}</a></p>
    <//>`;
  }
  return html`<${Page} title=${t('auth.reset.title')} class="narrow-page">
    ${done
      ? html`<${Notice} kind="success">${t('auth.reset.done')}<//>
          <p><a class="btn btn-primary" href=${href('/sign-in?reset=1')}>${t('auth.reset.sign_in')}</a></p>`
      : html`<${Form} onSubmit=${submit} problem=${problem} aria-label=${t('auth.reset.title')}>
            <${Field} label=${t('auth.field.new_password')} name="new_password" type="password" autocomplete="new-password" required
              hint=${t('auth.field.password_hint')} />
            <${Field} label=${t('auth.field.confirm_password')} name="confirm" type="password" autocomplete="new-password" required
              error=${mismatch ? t('auth.field.passwords_differ') : undefined} />
            <div class="actions">
              <${Button} type="submit" busy=${busy}>${t('auth.reset.submit')}<//>
            </div>
          <//>
          <p class="muted"><a href=${href('/forgot-password')}>${t('auth.reset.ask_again')}</a></p>`}
  <//>`;
}
