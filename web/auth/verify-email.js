// The emailed link /verify-email?token=...: spends the token and says how it went.
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { session } from '../lib/session.js';
import { href } from '../lib/router.js';
import { Page, Loading, Notice, useAsync, problemMessage } from '../lib/ui.js';
import { ResendVerification } from './resend-verification.js';

/** @param {{ query: Record<string, string> }} props */
export function VerifyEmail({ query }) {
  const token = query.token || '';
  const { loading, error } = useAsync(async () => {
    if (!token) throw new Error(t('auth.verify.no_token'));
    await api.post('/auth/verify-email', { token });
    if (session.user) await session.reload().catch(() => null);
    return true;
  }, [token]);
  return html`<${Page} title=${t('auth.verify.title')} class="narrow-page">
    ${loading
      ? html`<${Loading} label=${t('auth.verify.working')} />`
      : error
        ? html`<${Notice} kind="error"><p>${problemMessage(error)}</p><p>${t('auth.verify.failed_hint')}</p><//>
          <h2>${t('auth.resend.title')}</h2>
          <${ResendVerification} email=${session.user?.email} />`
        : html`<${Notice} kind="success">${t('auth.verify.done')}<//>
            <p>
              ${session.user
                ? html`<a class="btn btn-primary" href=${href('/')}>${t('auth.verify.continue')}</a>`
                : html`<a class="btn btn-primary" href=${href('/sign-in?verified=1')}>${t('auth.verify.sign_in')}</a>`}
            </p>`}
  <//>`;
}
