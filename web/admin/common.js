// Helpers shared by the admin screens: the organization being administered, paged lists, file
// saving and the labels of roles and statuses.

import { html, useState, useEffect, useCallback } from '../lib/html.js';
import { api, ApiProblem } from '../lib/api.js';
import { session } from '../lib/session.js';
import { t, language } from '../lib/i18n.js';
import { Loading, ErrorView, Notice, problemMessage } from '../lib/ui.js';

/** @typedef {import('../types/api').components['schemas']['OrgView']} OrgView */

export const ROLES = /** @type {const} */ (['student', 'instructor', 'org_admin']);
export const ORG_KINDS = /** @type {const} */ (['vocational_college', 'platform_academy', 'enterprise']);

const ORG_KEY = 'caravan.admin.org';

/** @param {string} role */
export function roleLabel(role) {
  switch (role) {
    case 'student': return t('admin.role.student');
    case 'instructor': return t('admin.role.instructor');
    case 'org_admin': return t('admin.role.org_admin');
    default: return role;
  }
}

/** @param {string} kind */
export function kindLabel(kind) {
  switch (kind) {
    case 'vocational_college': return t('admin.kind.vocational_college');
    case 'platform_academy': return t('admin.kind.platform_academy');
    case 'enterprise': return t('admin.kind.enterprise');
    default: return kind;
  }
}

/** The role options of a select. */
export function roleOptions() {
  return ROLES.map((r) => ({ value: r, label: roleLabel(r) }));
}

/** Whether the signed-in user is a platform admin. */
export function isPlatformAdmin() {
  const user = /** @type {any} */ (session.user);
  return Boolean(user && user.is_platform_admin);
}

/**
 * Every page of a cursor-paged list (up to `cap` items).
 * @template T
 * @param {string} path
 * @param {Record<string, string|number|undefined>} [query]
 * @param {number} [cap]
 * @returns {Promise<T[]>}
 */
export async function fetchAll(path, query = {}, cap = 2000) {
  /** @type {T[]} */
  const items = [];
  /** @type {string|null|undefined} */
  let cursor;
  do {
    /** @type {{ items: T[], next_cursor?: string|null }} */
    const page = await api.get(path, { ...query, limit: 200, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < cap);
  return items;
}

// The organization being administered, shared by every admin screen and remembered.
/** @type {Set<() => void>} */
const orgListeners = new Set();

/** @returns {string|null} */
function storedOrg() {
  try {
    return localStorage.getItem(ORG_KEY);
  } catch {
    return null;
  }
}

/** @param {string} id */
export function chooseOrg(id) {
  try {
    localStorage.setItem(ORG_KEY, id);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  memoryOrg = id;
  orgListeners.forEach((fn) => fn());
}

/** @type {string|null} */
let memoryOrg = null;

/**
 * The organizations the user may administer (all of them for a platform admin) and the chosen one.
 * @returns {{ orgs: OrgView[], org: OrgView|null, loading: boolean, error: any, reload: () => void, choose: (id: string) => void }}
 */
export function useAdminOrg() {
  const [state, setState] = useState(/** @type {{ orgs: OrgView[], loading: boolean, error: any }} */ ({ orgs: [], loading: true, error: null }));
  const [chosen, setChosen] = useState(() => memoryOrg || storedOrg());
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const fn = () => setChosen(memoryOrg || storedOrg());
    orgListeners.add(fn);
    return () => { orgListeners.delete(fn); };
  }, []);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    fetchAll('/orgs')
      .then((all) => {
        const orgs = /** @type {OrgView[]} */ (all).filter((o) => isPlatformAdmin() || o.my_role === 'org_admin');
        if (live) setState({ orgs, loading: false, error: null });
      })
      .catch((error) => { if (live) setState({ orgs: [], loading: false, error }); });
    return () => { live = false; };
  }, [tick]);
  const org = state.orgs.find((o) => o.id === chosen) || (state.orgs.length > 0 ? state.orgs[0] : null);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { orgs: state.orgs, org, loading: state.loading, error: state.error, reload, choose: chooseOrg };
}

/**
 * The organization bar at the top of every admin screen: which organization, and a switch when
 * the user administers several. Renders `children(org)` once an organization is known.
 * @param {{ children: (org: OrgView) => any }} props
 */
export function WithOrg({ children }) {
  const { orgs, org, loading, error, choose } = useAdminOrg();
  if (loading) return html`<${Loading} />`;
  if (error) return html`<${ErrorView} problem=${error} />`;
  if (!org) {
    return html`<${Notice} kind="info">
      ${t('admin.org.none')} ${isPlatformAdmin() ? html`<a href="#/admin/orgs">${t('admin.org.create_first')}</a>` : null}
    </${Notice}>`;
  }
  return html`
    <div class="row admin-org-bar" style="margin-bottom:1rem">
      ${orgs.length > 1
        ? html`<label for="admin-org-select">${t('admin.org.current')}</label>
          <select id="admin-org-select" class="input" style="width:auto" value=${org.id}
            onChange=${(/** @type {Event} */ e) => choose(/** @type {HTMLSelectElement} */ (e.currentTarget).value)}>
            ${orgs.map((o) => html`<option value=${o.id} selected=${o.id === org.id}>${o.name}</option>`)}
          </select>`
        : html`<span>${t('admin.org.label')} <strong>${org.name}</strong></span>`}
      ${isPlatformAdmin() ? html`<a href="#/admin/orgs">${t('admin.org.manage')}</a>` : null}
    </div>
    ${children(org)}
  `;
}

/**
 * A cursor-paged list with "load more".
 * @template T
 * @param {(cursor: string|null) => Promise<{ items: T[], next_cursor?: string|null }>} fetchPage
 * @param {any[]} deps
 */
export function usePaged(fetchPage, deps) {
  const [items, setItems] = useState(/** @type {T[]} */ ([]));
  const [next, setNext] = useState(/** @type {string|null} */ (null));
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(/** @type {any} */ (null));
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    fetchPage(null)
      .then((page) => {
        if (!live) return;
        setItems(page.items);
        setNext(page.next_cursor || null);
        setLoading(false);
      })
      .catch((e) => { if (live) { setError(e); setLoading(false); } });
    return () => { live = false; };
  }, [...deps, tick]);
  const loadMore = async () => {
    if (!next) return;
    setLoading(true);
    try {
      const page = await fetchPage(next);
      setItems((old) => [...old, ...page.items]);
      setNext(page.next_cursor || null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };
  const reload = () => setTick((n) => n + 1);
  return { items, setItems, hasMore: Boolean(next), loadMore, loading, error, reload };
}

export { saveBlob } from '../lib/ui.js';

/** Today as YYYY-MM-DD (for file names). */
export function today() {
  return new Date().toISOString().slice(0, 10);
}

/** A share 0..1 as a percentage in the interface language. @param {number|null|undefined} share */
export function percent(share) {
  if (share === null || share === undefined || Number.isNaN(share)) return '–';
  return new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A country's name in the interface language. @param {string} code */
export function countryName(code) {
  try {
    const names = new Intl.DisplayNames([language()], { type: 'region' });
    return names.of(code) || code;
  } catch {
    return code;
  }
}

/** Horizontally scrolling wrapper for wide tables on phones. @param {{ children: any, label?: string }} props */
export function TableWrap({ children }) {
  return html`<div class="table-wrap">${children}</div>`;
}

/** The admin screens' sub-navigation. @param {{ current: string }} props */
export function AdminTabs({ current }) {
  const tabs = [
    ['/admin/members', t('admin.nav.members')],
    ['/admin/cohorts', t('admin.nav.cohorts')],
    ['/admin/reports/progress', t('admin.reports.progress.title')],
    ['/admin/reports/competencies', t('admin.reports.competencies.title')],
  ];
  return html`<nav aria-label=${t('admin.tabs.label')} class="tabs">
    ${tabs.map(([path, label]) => html`<a href=${'#' + path} aria-current=${current === path ? 'page' : null}>${label}</a>`)}
  </nav>`;
}

/** The server's validation messages this area meets, in the interface language. */
const SERVER_MESSAGES = /** @type {Array<[RegExp, (m: RegExpExecArray) => string]>} */ ([
  [/^is not a valid email address$/, () => t('admin.server.email_invalid')],
  [/^is longer than (\d+) characters$/, (m) => t('admin.server.max_chars', { max: m[1] })],
  [/^must have at most (\d+) characters$/, (m) => t('admin.server.max_chars', { max: m[1] })],
  [/^must not be empty$/, () => t('admin.server.empty')],
  [/^must not contain control characters/, () => t('admin.server.control_chars')],
  [/^must be 1-80 lowercase letters, digits and single hyphens$/, () => t('admin.server.slug')],
  [/^unknown role "(.*)"; expected/, (m) => t('admin.server.unknown_role', { role: m[1] })],
  [/^this email appears on an earlier line$/, () => t('admin.server.duplicate_email')],
  [/^the header must name the columns/, () => t('admin.server.header')],
  [/^the file has no rows$/, () => t('admin.server.no_rows')],
  [/^a file may hold at most (\d+) rows$/, (m) => t('admin.server.max_rows', { max: m[1] })],
]);

/** @param {string} column */
function columnName(column) {
  switch (column) {
    case 'email': return t('admin.import.email');
    case 'display_name': return t('admin.members.name');
    case 'cohort': return t('admin.reports.cohort');
    default: return column;
  }
}

/**
 * A validation message from the server in the interface language when it is one this area knows
 * (several are joined by "; ", a CSV row's may start with its column); else as the server wrote it.
 * @param {string|null|undefined} message
 */
export function localMessage(message) {
  if (!message) return message || '';
  return message.split('; ').map((part) => {
    const prefixed = /^(email|display_name|cohort) (.*)$/.exec(part);
    const text = prefixed ? prefixed[2] : part;
    for (const [re, fn] of SERVER_MESSAGES) {
      const m = re.exec(text);
      if (m) return prefixed ? t('admin.server.column', { column: columnName(prefixed[1]), message: fn(m) }) : fn(m);
    }
    return part;
  }).join(t('admin.server.separator'));
}

/**
 * A problem's field errors, each in the interface language where known.
 * @param {any} problem @returns {Record<string, string>}
 */
export function localErrors(problem) {
  if (!problem || typeof problem.fieldErrors !== 'function') return {};
  /** @type {Record<string, string>} */
  const out = {};
  for (const [field, message] of Object.entries(/** @type {Record<string, string>} */ (problem.fieldErrors()))) {
    out[field] = localMessage(message);
  }
  return out;
}

/**
 * A copy of a problem whose summary is in the interface language when this area knows its code
 * (the shared forms show `detail` for codes they do not know).
 * @param {any} problem @returns {any}
 */
export function localProblem(problem) {
  if (!(problem instanceof ApiProblem)) return problem;
  /** @type {string|null} */
  let detail = null;
  switch (problem.code) {
    case 'slug_taken': detail = t('admin.orgs.slug_taken'); break;
    case 'cohort_name_taken': detail = t('admin.cohorts.name_taken'); break;
    case 'already_member': detail = t('admin.invite.already_member'); break;
    case 'last_org_admin': detail = t('admin.members.last_admin'); break;
    default: return problem;
  }
  return new ApiProblem({
    status: problem.status, code: problem.code, title: problem.title, detail,
    problem: problem.problem, retryAfter: problem.retryAfter, offline: problem.offline,
  });
}

/** A problem's message for a notice, in the interface language. @param {any} e */
export function problemText(e) {
  const local = localProblem(e);
  return local instanceof ApiProblem && local !== e ? local.detail : problemMessage(e);
}
