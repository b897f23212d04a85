// The emailed link /invitations/accept?token=...: joins the organization. An address that has
// an account joins with the link alone; one without an account chooses a name and a password
// here (the server says which by asking for them), and is then signed in.
import { html, useState } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api, ApiProblem } from '../lib/api.js';
import { session } from '../lib/session.js';
import { href, navigate } from '../lib/router.js';
import { Page, Form, Field, Button, Notice } from '../lib/ui.js';

/** @typedef {import('../types/api').components['schemas']['MeView']} Me */
/** @typedef {import('../types/api').components['schemas']['AcceptInvitationRequest']} AcceptInvitationRequest */

/** @param {{ query: Record<string, string> }} props */
export function AcceptInvitation({ query }) {
  const token = query.token || '';
  const [problem, setProblem] = useState(/** @type {unknown} */ (null));
  const [busy, setBusy] = useState(false);
  const [newAccount, setNewAccount] = useState(false);
  const [joined, setJoined] = useState(/** @type {Me | null} */ (null));

  /** @param {SubmitEvent} e */
  const submit = async (e) => {
    const data = new FormData(/** @type {HTMLFormElement} */ (e.currentTarget));
    /** @type {AcceptInvitationRequest} */
    const body = { token };
    const password = String(data.get('password') || '');
    if (newAccount) {
      body.display_name = String(data.get('display_name') || '').trim();
      body.password = password;
    }
    setBusy(true);
    setProblem(null);
    try {
      const me = /** @type {Me} */ (await api.post('/invitations/accept', body));
      if (newAccount) {
        // The account exists now: sign it in with the password just chosen.
        try {
          await session.signIn(me.email, password);
          navigate('/', { replace: true });
          return;
        } catch {
          // Signing in can wait; the account and the membership exist.
        }
      } else if (session.user && session.user.id === me.id) {
        session.update(me);
      }
      setJoined(me);
    } catch (err) {
      const fields = err instanceof ApiProblem ? err.fieldErrors() : {};
      if (!newAccount && err instanceof ApiProblem && err.status === 422 && ('password' in fields || 'display_name' in fields)) {
        // No account uses the invited address yet: ask for a name and a password.
        setNewAccount(true);
      } else {
        setProblem(err);
      }
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return html`<${Page} title=${t('auth.invitation.title')} class="narrow-page">
      <${Notice} kind="error">${t('auth.invitation.no_token')}<//>
    <//>`;
  }
  if (joined) {
    const signedInHere = session.user && session.user.id === joined.id;
    return html`<${Page} title=${t('auth.invitation.joined_title')} class="narrow-page">
      <${Notice} kind="success">${t('auth.invitation.joined')}<//>
      ${joined.memberships.length > 0 &&
      html`<ul class="list">
        ${joined.memberships.map(
          (m) => html`<li><strong>${m.org_name}</strong> · ${t(`common.role.${m.role}`)}</li>`,
        )}
      </ul>`}
      <p>
        ${signedInHere
          ? html`<a class="btn btn-primary" href=${href('/')}>${t('auth.invitation.continue')}</a>`
          : html`<a class="btn btn-primary" href=${href(`/sign-in?email=${encodeURIComponent(joined.email)}`)}>${t('auth.invitation.sign_in')}</a>`}
      </p>
    <//>`;
  }
  return html`<${Page} title=${t('auth.invitation.title')} class="narrow-page">
    <p>${t('auth.invitation.intro')}</p>
    ${session.user && html`<p class="muted">${t('auth.invitation.signed_in_as', { email: session.user.email })}</p>`}
    <${Form} onSubmit=${submit} problem=${problem} aria-label=${t('auth.invitation.title')}>
      ${newAccount &&
      html`<${Notice} kind="info">${t('auth.invitation.new_account')}<//>
        <${Field} label=${t('auth.field.display_name')} name="display_name" autocomplete="name" required maxLength="100" />
        <${Field} label=${t('auth.field.password')} name="password" type="password" autocomplete="new-password" required
          hint=${t('auth.field.password_hint')} />`}
      <div class="actions">
        <${Button} type="submit" busy=${busy}>
          ${newAccount ? t('auth.invitation.create_and_join') : t('auth.invitation.accept')}
        <//>
      </div>
    <//>
  <//>`;
}
