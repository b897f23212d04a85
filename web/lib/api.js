// The API client: every call to /api/v1 goes through here. It sends the access token, refreshes
// it once on a 401 (concurrent 401s share one refresh; tabs take turns through a Web Lock, so a
// refresh token is never spent twice) and retries; when the refresh is refused the session is over:
// the tokens are cleared and the session-expired listeners run (session.onExpired).
import {
  accessToken,
  refreshToken,
  storeTokens,
  sessionExpired,
} from './tokens.js';

export const API_BASE = '/api/v1';

/** @typedef {import('../types/api').components['schemas']['Problem']} ProblemBody */

/** A failed call: the server's problem+json, or a network failure (`offline`). */
export class ApiProblem extends Error {
  /**
   * @param {{ status: number, code: string, title: string, detail?: string,
   *   problem?: Record<string, any> | null, retryAfter?: number | null, offline?: boolean }} init
   */
  constructor(init) {
    super(init.detail || init.title);
    this.name = 'ApiProblem';
    /** HTTP status; 0 when the request never got an answer. */
    this.status = init.status;
    /** The problem's stable snake_case `code` (`offline` for a network failure). */
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail || '';
    /** The whole problem body, as the server sent it (null when there was none). @type {Record<string, any> | null} */
    this.problem = init.problem || null;
    /** Seconds to wait, from Retry-After; null when the answer had none. */
    this.retryAfter = init.retryAfter ?? null;
    /** True when fetch itself failed: no connection, the server down. */
    this.offline = Boolean(init.offline);
  }

  /**
   * Field name -> message, from the problem's `errors` (`[{ field, message }]`). Nested names
   * are kept as the server writes them (`questions[0].prompt`); the top-level name is also set
   * when it is free, so a form field named `questions` finds it too.
   * @returns {Record<string, string>}
   */
  fieldErrors() {
    /** @type {Record<string, string>} */
    const out = {};
    const body = this.problem;
    if (!body) return out;
    const errors = Array.isArray(body.errors) ? body.errors : [];
    for (const e of errors) {
      if (!e || typeof e.field !== 'string') continue;
      const message = typeof e.message === 'string' ? e.message : String(e.message ?? '');
      out[e.field] = out[e.field] ? `${out[e.field]}; ${message}` : message;
      const top = e.field.split(/[.[]/)[0];
      if (top && top !== e.field && !(top in out)) out[top] = message;
    }
    if (body.field && typeof body.field === 'string' && !(body.field in out)) {
      out[body.field] = body.detail || body.title || '';
    }
    return out;
  }

  /** @param {unknown} cause */
  static offline(cause) {
    const p = new ApiProblem({
      status: 0,
      code: 'offline',
      title: 'No connection',
      detail: 'The server could not be reached.',
      offline: true,
    });
    p.cause = cause;
    return p;
  }
}

/**
 * Seconds from a Retry-After header (delta-seconds or an HTTP date).
 * @param {string | null} value
 */
function parseRetryAfter(value) {
  if (!value) return null;
  const n = Number(value);
  if (Number.isFinite(n)) return Math.max(0, Math.ceil(n));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** @param {Response} res @returns {Promise<ApiProblem>} */
async function problemFrom(res) {
  /** @type {Record<string, any> | null} */
  let body = null;
  try {
    const text = await res.text();
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (body && typeof body !== 'object') body = null;
  return new ApiProblem({
    status: res.status,
    code: (body && typeof body.code === 'string' && body.code) || `http_${res.status}`,
    title: (body && body.title) || res.statusText || `HTTP ${res.status}`,
    detail: (body && body.detail) || '',
    problem: body,
    retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
  });
}

/** @typedef {Record<string, string | number | boolean | null | undefined | Array<string | number>>} Query */

/** @param {string} path @param {Query} [query] */
export function apiUrl(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const qs = params.toString();
  return `${API_BASE}${path.startsWith('/') ? path : `/${path}`}${qs ? `?${qs}` : ''}`;
}

/** @type {Promise<boolean> | null} */
let refreshing = null;

/**
 * Trades the refresh token for a new pair. True when the session goes on, false when it is over;
 * throws an ApiProblem when the server could not say (offline, 429, 503).
 * @param {string | null} staleAccess the access token the refused request carried
 */
function refreshOnce(staleAccess) {
  if (!refreshing) {
    refreshing = withLock(() => refreshNow(staleAccess)).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

/** @template T @param {() => Promise<T>} fn @returns {Promise<T>} */
function withLock(fn) {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (locks && typeof locks.request === 'function') {
    return /** @type {Promise<T>} */ (locks.request('caravan.refresh', fn));
  }
  return fn();
}

/** @param {string | null} staleAccess @returns {Promise<boolean>} */
async function refreshNow(staleAccess) {
  const current = accessToken();
  if (current && current !== staleAccess) return true; // refreshed meanwhile
  for (let attempt = 0; attempt < 2; attempt++) {
    const token = refreshToken();
    if (!token) return false;
    /** @type {Response} */
    let res;
    try {
      res = await fetch(apiUrl('/auth/refresh'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refresh_token: token }),
        credentials: 'same-origin',
      });
    } catch (e) {
      throw ApiProblem.offline(e);
    }
    if (res.ok) {
      storeTokens(await res.json());
      return true;
    }
    if (res.status === 401 || res.status === 400 || res.status === 422) {
      // Another tab may have rotated the pair while this one waited: try the newer token once.
      if (refreshToken() && refreshToken() !== token) continue;
      return false;
    }
    throw await problemFrom(res);
  }
  return false;
}

/** @param {string} path */
function isAuthPath(path) {
  return path.startsWith('/auth/') || path.startsWith('/invitations/accept');
}

/**
 * @typedef {{ headers?: Record<string, string>, signal?: AbortSignal }} CallOptions
 */

/**
 * One request with the session's handling of 401. Resolves to the Response when it is 2xx.
 * @param {string} method @param {string} path
 * @param {{ query?: Query, body?: any, rawBody?: boolean, contentType?: string, accept?: string } & CallOptions} [init]
 * @returns {Promise<Response>}
 */
async function send(method, path, init = {}, retried = false) {
  const token = accessToken();
  /** @type {Record<string, string>} */
  const headers = { Accept: init.accept || 'application/json', ...(init.headers || {}) };
  if (token && !headers.Authorization) headers.Authorization = `Bearer ${token}`;
  /** @type {BodyInit | undefined} */
  let body;
  const b = init.body;
  if (b === undefined || b === null) {
    body = undefined;
  } else if (init.rawBody) {
    body = b;
    if (init.contentType) headers['Content-Type'] = init.contentType;
  } else if (typeof FormData !== 'undefined' && b instanceof FormData) {
    body = b;
  } else if (typeof Blob !== 'undefined' && b instanceof Blob) {
    body = b;
    headers['Content-Type'] = init.contentType || b.type || 'application/octet-stream';
  } else if (typeof b === 'string' && init.contentType) {
    body = b;
    headers['Content-Type'] = init.contentType;
  } else {
    body = JSON.stringify(b);
    headers['Content-Type'] = 'application/json';
  }
  /** @type {Response} */
  let res;
  try {
    res = await fetch(apiUrl(path, init.query), {
      method,
      headers,
      body,
      signal: init.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw ApiProblem.offline(e);
  }
  if (res.status === 401 && !isAuthPath(path) && !retried) {
    const problem = await problemFrom(res);
    if (!refreshToken()) {
      if (token) sessionExpired();
      throw problem;
    }
    if (await refreshOnce(token)) return send(method, path, init, true);
    sessionExpired();
    throw problem;
  }
  if (!res.ok) throw await problemFrom(res);
  return res;
}

/** @param {Response} res */
async function parse(res) {
  if (res.status === 204 || res.status === 205) return null;
  const text = await res.text();
  if (!text) return null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) return JSON.parse(text);
  return text;
}

export const api = {
  /** @param {string} path @param {Query} [query] @param {CallOptions} [options] @returns {Promise<any>} */
  async get(path, query, options) {
    return parse(await send('GET', path, { ...options, query }));
  },
  /** @param {string} path @param {any} [body] @param {CallOptions} [options] @returns {Promise<any>} */
  async post(path, body, options) {
    return parse(await send('POST', path, { ...options, body }));
  },
  /** @param {string} path @param {any} [body] @param {CallOptions} [options] @returns {Promise<any>} */
  async put(path, body, options) {
    return parse(await send('PUT', path, { ...options, body }));
  },
  /** @param {string} path @param {any} [body] @param {CallOptions} [options] @returns {Promise<any>} */
  async patch(path, body, options) {
    return parse(await send('PATCH', path, { ...options, body }));
  },
  /** @param {string} path @param {CallOptions} [options] @returns {Promise<any>} */
  async del(path, options) {
    return parse(await send('DELETE', path, { ...options }));
  },
  /**
   * POSTs a file or form: a FormData goes as multipart; a File/Blob (or a string) goes as the
   * body with `contentType` (else the blob's own type).
   * @param {string} path @param {File | Blob | FormData | string} file @param {string} [contentType]
   * @param {CallOptions} [options] @returns {Promise<any>}
   */
  async upload(path, file, contentType, options) {
    const body = typeof file === 'string' ? new Blob([file], { type: contentType || 'text/plain' }) : file;
    return parse(await send('POST', path, { ...options, body, contentType }));
  },
  /**
   * GETs a file (a CSV report, a certificate) as a Blob.
   * @param {string} path @param {Query} [query] @param {string} [accept] @param {CallOptions} [options]
   * @returns {Promise<Blob>}
   */
  async download(path, query, accept, options) {
    const res = await send('GET', path, { ...options, query, accept: accept || '*/*' });
    return res.blob();
  },
  /**
   * The Response itself, for what the helpers above do not cover (reading headers). Same token
   * handling; throws ApiProblem on non-2xx or a network failure like the others.
   * `init.body` is sent as given (set `Content-Type` in `init.headers` yourself).
   * @param {string} method @param {string} path @param {RequestInit & { query?: Query }} [init]
   * @returns {Promise<Response>}
   */
  async raw(method, path, init = {}) {
    const { query, headers, body, signal } = init;
    /** @type {Record<string, string>} */
    const h = {};
    new Headers(headers || {}).forEach((v, k) => {
      h[k === 'content-type' ? 'Content-Type' : k === 'accept' ? 'Accept' : k] = v;
    });
    const contentType = h['Content-Type'];
    return send(method, path, {
      query,
      headers: h,
      signal: signal || undefined,
      body: body ?? undefined,
      rawBody: true,
      contentType,
      accept: h.Accept,
    });
  },
};
