// "Send the link again": a new verification email, for a lost or expired link. The server
// answers alike whether or not the address has an account, so the screen says only that a link
// is on its way if the address needs one.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { Button, Field, Notice, problemMessage } from '../lib/ui.js';

/**
 * A button that mails a new link to `email`; without `email`, a field asks for the address.
 * @param {{ email?: string }} props
 */
export function ResendVerification({ email }) {
  const [address, setAddress] = useState(email || '');
  const [state, setState] = useState(/** @type {'idle' | 'busy' | 'sent'} */ ('idle'));
  const [error, setError] = useState(/** @type {unknown} */ (null));

  /** @param {Event} event */
  async function send(event) {
    event.preventDefault();
    setState('busy');
    setError(null);
    try {
      await api.post('/auth/verify-email/resend', { email: address.trim() });
      setState('sent');
    } catch (e) {
      setError(e);
      setState('idle');
    }
  }

  if (state === 'sent') {
    return html`<${Notice} kind="success">${t('auth.resend.sent', { email: address.trim() })}<//>`;
  }
  return html`<form class="resend-verification" onSubmit=${send} noValidate>
    ${!email &&
    html`<${Field}
      label=${t('auth.field.email')}
      name="email"
      type="email"
      autocomplete="email"
      required
      value=${address}
      onInput=${(/** @type {Event} */ e) => setAddress(/** @type {HTMLInputElement} */ (e.target).value)}
    />`}
    <${Button} type="submit" kind="secondary" busy=${state === 'busy'}>${t('auth.resend.button')}<//>
    ${error !== null && html`<${Notice} kind="error">${problemMessage(error)}<//>`}
  </form>`;
}
