// Create an account; the server mails a link to verify the address.
import { html, useState } from '../lib/html.js';
import { t, language } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { href } from '../lib/router.js';
import { Page, Form, Field, Button, Notice, problemMessage } from '../lib/ui.js';

/** @typedef {import('../types/api').components['schemas']['RegisterRequest']} RegisterRequest */

/** @param {{ query: Record<string, string> }} props */
export function Register({ query }) {
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(/** @type {string | null} */ (null));
  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const data = new FormData(/** @type {HTMLFormElement} */ (e.currentTarget));
    /** @type {RegisterRequest} */
    const body = {
      display_name: String(data.get('display_name') || '').trim(),
      email: String(data.get('email') || '').trim(),
      password: String(data.get('password') || ''),
      locale: language(),
    };
    setBusy(true);
    setProblem(null);
    try {
      await api.post('/auth/register', body);
      setDone(body.email);
    } catch (err) {
      setProblem(err);
    } finally {
      setBusy(false);
    }
  };
  if (done) {
    return html`<${Page} title=${t('auth.register.done_title')} class="narrow-page">
      <${Notice} kind="success">
        <p>${t('auth.register.done', { email: done })}</p>
      <//>
      <p>${t('auth.register.done_hint')}</p>
      <p><a class="btn btn-primary" href=${href(`/sign-in?email=${encodeURIComponent(done)}`)}>${t('auth.register.go_sign_in')}</a></p>
    <//>`;
  }
  const taken = problem instanceof ApiProblem && problem.status === 409 ? problemMessage(problem) : undefined;
  return html`<${Page} title=${t('auth.register.title')} class="narrow-page">
    <p class="muted">${t('auth.register.intro')}</p>
    <${Form} onSubmit=${submit} problem=${problem} aria-label=${t('auth.register.title')}>
      <${Field} label=${t('auth.field.display_name')} name="display_name" autocomplete="name" required maxLength="100" />
      <${Field} label=${t('auth.field.email')} name="email" type="email" autocomplete="email" required error=${taken} />
      <${Field} label=${t('auth.field.password')} name="password" type="password" autocomplete="new-password" required
        hint=${t('auth.field.password_hint')} />
      <div class="actions">
        <${Button} type="submit" busy=${busy}>${t('auth.register.submit')}<//>
      </div>
    <//>
    <p class="muted">${t('auth.register.have_account')} <a href=${href('/sign-in')}>${t('auth.register.sign_in')}</a></p>
  <//>`;
}
