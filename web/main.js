// The app's shell: header with navigation, language switch and the signed-in user; the current
// route's screen below. Routes come from each area's routes.js.
import { html, render, useState, useEffect, useErrorBoundary } from './lib/html.js';
import {
  registerRoutes,
  allRoutes,
  useRoute,
  navigate,
  href,
  currentLocation,
  adoptLinkPath,
  withQuery,
} from './lib/router.js';
import { session } from './lib/session.js';
import { t, language, setLanguage, onLanguageChange, LANGUAGES } from './lib/i18n.js';
import { api } from './lib/api.js';
import { Loading, ErrorView, Page, Button } from './lib/ui.js';
import { routes as studentRoutes } from './student/routes.js';
import { routes as authorRoutes } from './author/routes.js';
import { routes as adminRoutes } from './admin/routes.js';
import { ResendVerification } from './auth/resend-verification.js';
import { routes as authRoutes } from './auth/routes.js';

/** @typedef {import('./lib/router.js').Route & { area?: string, guestOnly?: boolean }} AppRoute */

/** @param {string} area @param {import('./lib/router.js').Route[]} list */
const tagged = (area, list) => list.map((r) => ({ ...r, area }));
registerRoutes([
  ...tagged('student', studentRoutes),
  ...tagged('author', authorRoutes),
  ...tagged('admin', adminRoutes),
  ...tagged('auth', authRoutes),
]);

/** Whether the current user may open a route. @param {AppRoute} r */
function allowed(r) {
  if ((r.auth || r.roles) && !session.user) return false;
  if (r.roles && r.roles.length && !r.roles.some((role) => session.hasRole(role))) return false;
  return true;
}

/** The navigation entries the current user may open. */
function navEntries() {
  return /** @type {AppRoute[]} */ (allRoutes()).filter((r) => r.nav && allowed(r) && !r.path.includes(':'));
}

/** Where `/` leads: the first screen of the user's main area, else the first open entry, else sign-in. */
function homePath() {
  const entries = navEntries();
  if (session.user && !session.isPlatformAdmin()) {
    for (const [role, area] of [['org_admin', 'admin'], ['instructor', 'author']]) {
      if (session.orgs(role).length) {
        const first = entries.find((r) => r.area === area);
        if (first) return first.path;
      }
    }
  }
  const first = entries.find((r) => r.area !== 'auth') || entries[0];
  if (first) return first.path;
  return session.user ? '/profile' : '/sign-in';
}

/** A redirect done after render (replacing the history entry). @param {{ to: string }} props */
function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return html`<${Loading} />`;
}

function NotFound() {
  return html`<${Page} title=${t('common.not_found.title')}>
    <p>${t('common.not_found.body')}</p>
    <p><a href=${href('/')}>${t('common.not_found.home')}</a></p>
  <//>`;
}

function Forbidden() {
  return html`<${Page} title=${t('common.forbidden.title')}>
    <p>${t('common.forbidden.body')}</p>
    <p><a href=${href('/')}>${t('common.not_found.home')}</a></p>
  <//>`;
}

function LanguageSwitch() {
  const current = language();
  /** @param {'en' | 'zh-CN'} code */
  const choose = (code) => {
    setLanguage(code);
    if (session.user && session.user.locale !== code) {
      // Remembered with the account too (emails and the next device); failures do not matter here.
      api.patch('/me', { locale: code }).then((me) => me && session.update(me)).catch(() => {});
    }
  };
  return html`<div class="lang-switch" role="group" aria-label=${t('common.language')}>
    ${LANGUAGES.map(
      (l) => html`<button
        type="button"
        class="lang-btn"
        lang=${l.code}
        aria-pressed=${current === l.code ? 'true' : 'false'}
        onClick=${() => choose(l.code)}
      >
        ${l.name}
      </button>`,
    )}
  </div>`;
}

/** @param {{ path: string }} props */
function Header({ path }) {
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  const user = session.user;
  const entries = navEntries().filter((r) => r.area !== 'auth');
  const signOut = async () => {
    // First the route, then the user: the protected screen never renders without its user.
    navigate('/sign-in?signed_out=1');
    await session.signOut();
  };
  return html`<header class="topbar">
    <div class="topbar-row">
      <a class="brand" href=${href('/')}>Caravan</a>
      <button
        type="button"
        class="nav-toggle"
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls="site-nav"
        onClick=${() => setOpen(!open)}
      >
        ${t('common.nav.menu')}
      </button>
    </div>
    <div id="site-nav" class=${`topbar-menu ${open ? 'open' : ''}`}>
      <nav aria-label=${t('common.nav.label')}>
        <ul class="nav-list">
          ${entries.map((r) => {
            const current = path === r.path || path.startsWith(`${r.path}/`);
            return html`<li>
              <a href=${href(r.path)} aria-current=${current ? 'page' : undefined}>${t(/** @type {string} */ (r.nav))}</a>
            </li>`;
          })}
        </ul>
      </nav>
      <div class="userbox">
        <${LanguageSwitch} />
        ${user
          ? html`<a class="user-link" href=${href('/profile')} aria-current=${path === '/profile' ? 'page' : undefined}
                title=${t('common.nav.profile')}>${user.display_name}</a>
              <${Button} kind="secondary" onClick=${signOut}>${t('common.nav.sign_out')}<//>`
          : html`<a href=${href('/sign-in')}>${t('common.nav.sign_in')}</a>
              <a href=${href('/register')}>${t('common.nav.register')}</a>`}
      </div>
    </div>
  </header>`;
}

/** The screen of the current route, after the checks of sign-in and role. */
function Screen() {
  const route = useRoute();
  const [error, resetError] = useErrorBoundary();
  useEffect(() => {
    if (error) resetError();
  }, [route.path]);
  if (error) {
    console.error(error);
    return html`<${ErrorView} problem=${error} onRetry=${resetError} />`;
  }
  const r = /** @type {AppRoute | null} */ (route.route);
  if (route.path === '/' && !r) return html`<${Redirect} to=${homePath()} />`;
  if (!r) return html`<${NotFound} />`;
  if ((r.auth || r.roles) && !session.user) {
    return html`<${Redirect} to=${withQuery('/sign-in', { next: currentLocation() })} />`;
  }
  if (r.guestOnly && session.user) {
    return html`<${Redirect} to=${route.query.next || homePath()} />`;
  }
  if (!allowed(r)) return html`<${Forbidden} />`;
  const View = r.view;
  return html`<${View} key=${route.path} params=${route.params} query=${route.query} path=${route.path} />`;
}

function App() {
  const route = useRoute();
  const [, setTick] = useState(0);
  const [ready, setReady] = useState(session.ready);
  const [bootError, setBootError] = useState(/** @type {unknown} */ (null));
  useEffect(() => {
    const rerender = () => setTick((n) => n + 1);
    const offs = [
      session.onChange(rerender),
      onLanguageChange(rerender),
      session.onExpired(() => {
        const here = currentLocation();
        if (!here.startsWith('/sign-in')) {
          navigate(withQuery('/sign-in', { expired: 1, next: here }), { replace: true });
        }
      }),
    ];
    const boot = () => {
      setBootError(null);
      session
        .restore()
        .then(() => setReady(true))
        .catch((e) => setBootError(e));
    };
    if (!session.ready) boot();
    return () => offs.forEach((off) => off());
  }, []);
  const focusMain = (/** @type {Event} */ e) => {
    e.preventDefault();
    const main = document.getElementById('main');
    if (main) main.focus();
  };
  return html`<a class="skip-link" href="#main" onClick=${focusMain}>${t('common.skip_to_content')}</a>
    <${Header} path=${route.path} />
    ${session.user && !session.user.email_verified &&
    html`<div class="banner"><p>${t('common.verify_banner', { email: session.user.email })}</p>
      <${ResendVerification} email=${session.user.email} /></div>`}
    <main id="main" tabindex="-1">
      ${bootError
        ? html`<${ErrorView} problem=${bootError} onRetry=${() => location.reload()} />`
        : ready
          ? html`<${Screen} />`
          : html`<${Loading} />`}
    </main>
    <footer class="footer">
      <p>${t('common.footer')}</p>
    </footer>`;
}

adoptLinkPath();
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
