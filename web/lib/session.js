// Who is signed in. `session.user` is the GET /me body (with memberships) or null.
// The refresh token is kept in localStorage, the access token in memory and sessionStorage
// (see tokens.js); api.js refreshes the pair and reports an expired session here.
import { api, ApiProblem } from './api.js';
import { accessToken, refreshToken, storeTokens, clearTokens, dropAccessToken, onSessionExpired, REFRESH_KEY } from './tokens.js';

/** @typedef {import('../types/api').components['schemas']['MeView']} Me */
/** @typedef {import('../types/api').components['schemas']['MembershipView']} Membership */
/** @typedef {import('../types/api').components['schemas']['TokenResponse']} TokenResponse */
/** @typedef {'platform_admin' | 'org_admin' | 'instructor' | 'student'} RoleName */

/** @type {Set<(user: Me | null) => void>} */
const changeListeners = new Set();
/** @type {Set<() => void>} */
const expiredListeners = new Set();

/** @param {Me | null} user */
function setUser(user) {
  session.user = user;
  for (const fn of [...changeListeners]) fn(user);
}

// Counts the sign-outs (here, in another tab, or by expiry). A GET /me sent before one must not
// sign the user back in when its answer arrives after it: the access token it carried is still
// valid on the server for a few minutes, so the answer is a 200.
let signOuts = 0;

/** Signs the user out of this tab's state (the tokens are already gone). */
function forgetUser() {
  signOuts += 1;
  setUser(null);
}

/**
 * Loads GET /me and makes it the session's user, unless a sign-out happened while it was on
 * its way; then the session stays signed out and the answer is null.
 * @returns {Promise<Me | null>}
 */
async function loadMe() {
  const before = signOuts;
  const me = /** @type {Me} */ (await api.get('/me'));
  if (signOuts !== before) return null;
  setUser(me);
  return me;
}

onSessionExpired(() => {
  const wasSignedIn = session.user !== null || restoring;
  forgetUser();
  if (wasSignedIn) for (const fn of [...expiredListeners]) fn();
});

let restoring = false;

// Another tab signed out (the shared refresh token is gone): this one is signed out too. Another
// tab signed in: this one picks the session up.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key !== REFRESH_KEY && e.key !== null) return;
    if (!refreshToken() && session.user) {
      dropAccessToken();
      forgetUser();
    } else if (refreshToken() && !session.user && session.ready) {
      session.restore().catch(() => {});
    }
  });
}

export const session = {
  /** The signed-in user (GET /me), or null. @type {Me | null} */
  user: /** @type {Me | null} */ (null),

  /** True once restore() has run (the app knows whether someone is signed in). */
  ready: false,

  /**
   * At start: when this browser holds tokens, loads the user (refreshing the pair if the access
   * token is gone or stale). Resolves to the user or null; never throws for an expired session.
   * @returns {Promise<Me | null>}
   */
  async restore() {
    if (!accessToken() && !refreshToken()) {
      session.ready = true;
      return null;
    }
    restoring = true;
    try {
      return await loadMe();
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 401) {
        clearTokens();
        return null;
      }
      throw e;
    } finally {
      restoring = false;
      session.ready = true;
    }
  },

  /**
   * Signs in; throws ApiProblem (401 `invalid_credentials`, 429 with retryAfter, offline).
   * @param {string} email @param {string} password @returns {Promise<Me>}
   */
  async signIn(email, password) {
    const pair = /** @type {TokenResponse} */ (await api.post('/auth/login', { email, password }));
    storeTokens(pair);
    const me = /** @type {Me} */ (await api.get('/me'));
    setUser(me);
    return me;
  },

  /** Signs out: revokes the refresh token's session on the server (best effort) and forgets it here. */
  async signOut() {
    const token = refreshToken();
    clearTokens();
    forgetUser();
    if (token) {
      try {
        await api.post('/auth/logout', { refresh_token: token });
      } catch {
        // Offline: the token is forgotten here and expires on the server.
      }
    }
  },

  /**
   * Reloads the user from GET /me (after a profile change, accepting an invitation); null when
   * the user signed out meanwhile.
   * @returns {Promise<Me | null>}
   */
  reload() {
    return loadMe();
  },

  /** Replaces the user with a fresh GET /me or PATCH /me body. @param {Me} me */
  update(me) {
    setUser(me);
  },

  /** @param {(user: Me | null) => void} fn @returns {() => void} unsubscribe */
  onChange(fn) {
    changeListeners.add(fn);
    return () => changeListeners.delete(fn);
  },

  /**
   * Runs when the session ended by itself (the refresh token expired or was revoked), not on
   * signOut(). The app shows sign-in with a notice and returns to the route afterwards.
   * @param {() => void} fn @returns {() => void} unsubscribe
   */
  onExpired(fn) {
    expiredListeners.add(fn);
    return () => expiredListeners.delete(fn);
  },

  /**
   * Whether the user holds the role in some organization. A platform admin holds every role;
   * every signed-in user may act as a student (anyone can enroll in the published catalog).
   * @param {RoleName | string} role
   */
  hasRole(role) {
    const user = session.user;
    if (!user) return false;
    if (user.is_platform_admin) return true;
    if (role === 'student') return true;
    return user.memberships.some((m) => m.role === role);
  },

  /** Whether the user is the platform's administrator. */
  isPlatformAdmin() {
    return Boolean(session.user && session.user.is_platform_admin);
  },

  /**
   * The user's memberships (organization id, name, slug, kind and role), optionally only those
   * with one of the given roles.
   * @param {...(RoleName | string)} roles @returns {Membership[]}
   */
  orgs(...roles) {
    const user = session.user;
    if (!user) return [];
    return roles.length ? user.memberships.filter((m) => roles.includes(m.role)) : user.memberships;
  },
};
