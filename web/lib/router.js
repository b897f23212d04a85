// Hash routes: `#/courses/0190...?tab=lessons`. Each area exports `routes` from
// web/<area>/routes.js; main.js registers them. The pages that emailed links open
// (/verify-email?token=..., /reset-password?token=..., /invitations/accept?token=...) are
// turned into the same hash routes when the app starts.
import { useEffect, useState } from './html.js';

/**
 * @typedef {{
 *   path: string,
 *   view: (props: any) => any,
 *   auth?: boolean,
 *   roles?: string[],
 *   title?: string,
 *   nav?: string,
 * }} Route
 * `path` has `:name` segments (`/courses/:id`); `auth` asks for a signed-in user, `roles` for one
 * of the roles (session.hasRole); `title` and `nav` are i18n keys (a `nav` entry appears in the
 * navigation for the users who may open it).
 */

/** @typedef {{ path: string, params: Record<string, string>, query: Record<string, string>, route: Route | null }} RouteState */

/** @type {Route[]} */
const routes = [];

/** @param {Route[]} list */
export function registerRoutes(list) {
  for (const r of list) routes.push(r);
  notify();
}

/** Every registered route, in order of registration. */
export function allRoutes() {
  return routes.slice();
}

/** The hash part as a path: '#/a/b?x=1' -> '/a/b?x=1'. */
function currentHash() {
  const raw = typeof location === 'undefined' ? '' : location.hash.replace(/^#/, '');
  return raw.startsWith('/') ? raw : `/${raw}`;
}

/** @param {string} pattern @param {string} path @returns {Record<string, string> | null} */
function matchPath(pattern, path) {
  const want = pattern.split('/').filter(Boolean);
  const got = path.split('/').filter(Boolean);
  if (want.length !== got.length) return null;
  /** @type {Record<string, string>} */
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      try {
        params[want[i].slice(1)] = decodeURIComponent(got[i]);
      } catch {
        return null;
      }
    } else if (want[i] !== got[i]) {
      return null;
    }
  }
  return params;
}

/**
 * Parses a path with its query and finds its route.
 * @param {string} full e.g. '/courses/1?tab=x' @returns {RouteState}
 */
export function resolve(full) {
  const q = full.indexOf('?');
  const path = (q < 0 ? full : full.slice(0, q)) || '/';
  /** @type {Record<string, string>} */
  const query = {};
  if (q >= 0) new URLSearchParams(full.slice(q + 1)).forEach((v, k) => (query[k] = v));
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (params) return { path, params, query, route };
  }
  return { path, params: {}, query, route: null };
}

/** The current route. @returns {RouteState} */
export function currentRoute() {
  return resolve(currentHash());
}

/** The current path with its query, as navigate() takes it. */
export function currentLocation() {
  return currentHash();
}

/**
 * Goes to a route. `replace` replaces the history entry instead of adding one.
 * @param {string} path e.g. '/courses/1' or '/sign-in?next=%2Fcatalog'
 * @param {{ replace?: boolean }} [options]
 */
export function navigate(path, options = {}) {
  const target = `#${path.startsWith('/') ? path : `/${path}`}`;
  // The History API changes the address at once (setting location.hash would only announce it
  // with a later hashchange), so a state change made right after navigate() renders together
  // with the new route.
  if (options.replace) history.replaceState(null, '', target);
  else if (location.hash !== target) history.pushState(null, '', target);
  notify();
}

/** The href of a route, for `<a href=${href('/courses/' + id)}>`. @param {string} path */
export function href(path) {
  return `#${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * A path with a query built from an object (empty values left out).
 * @param {string} path @param {Record<string, string | number | boolean | null | undefined>} query
 */
export function withQuery(path, query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** @type {Set<() => void>} */
const listeners = new Set();
function notify() {
  for (const fn of [...listeners]) fn();
}
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', notify);
  window.addEventListener('popstate', notify);
}

/** @param {() => void} fn @returns {() => void} */
export function onRouteChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** The current route; re-renders the component when it changes. @returns {RouteState} */
export function useRoute() {
  const [state, setState] = useState(currentRoute);
  useEffect(() => {
    const update = () => setState(currentRoute());
    const off = onRouteChange(update);
    update();
    return off;
  }, []);
  return state;
}

/**
 * An emailed link opens /verify-email?token=... (or /reset-password, /invitations/accept): the
 * page is the app's; its path becomes the hash route, and the address bar shows it as such.
 */
export function adoptLinkPath() {
  if (typeof location === 'undefined') return;
  const path = location.pathname;
  if (path === '/' || path === '' || location.hash) return;
  history.replaceState(null, '', `/#${path}${location.search}`);
}
