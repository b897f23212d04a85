// Where the session's tokens live: the refresh token in localStorage (it survives the browser
// closing and is shared by the tabs), the access token in memory and in sessionStorage (it
// survives a reload of this tab). Only api.js and session.js use this module.

export const REFRESH_KEY = 'caravan.refresh_token';
const ACCESS_KEY = 'caravan.access_token';

/** @type {string | null} */
let access = read(sessionStorage, ACCESS_KEY);

/** @param {Storage} store @param {string} key */
function read(store, key) {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

/** @param {Storage} store @param {string} key @param {string | null} value */
function write(store, key, value) {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // Storage refused (private mode, quota): the session lasts as long as the page.
  }
}

export function accessToken() {
  return access;
}

export function refreshToken() {
  return read(localStorage, REFRESH_KEY);
}

/** @param {{ access_token: string, refresh_token: string }} pair */
export function storeTokens(pair) {
  access = pair.access_token;
  write(sessionStorage, ACCESS_KEY, pair.access_token);
  write(localStorage, REFRESH_KEY, pair.refresh_token);
}

export function clearTokens() {
  access = null;
  write(sessionStorage, ACCESS_KEY, null);
  write(localStorage, REFRESH_KEY, null);
}

/** Forgets the access token only (another tab rotated the pair; ours is stale). */
export function dropAccessToken() {
  access = null;
  write(sessionStorage, ACCESS_KEY, null);
}

/** @type {Set<() => void>} */
const expiredListeners = new Set();

/** @param {() => void} fn @returns {() => void} unsubscribe */
export function onSessionExpired(fn) {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

export function sessionExpired() {
  clearTokens();
  for (const fn of [...expiredListeners]) fn();
}
