// Shared components (Preact + htm) and helpers. Every text they show goes through t().
import { html, createContext, useContext, useEffect, useRef, useState, useId, useCallback } from './html.js';
import { ApiProblem } from './api.js';
import { t, language, hasMessage } from './i18n.js';

/** @typedef {import('./html.js').ComponentChildren} Children */

/**
 * What a failed call means for the user, in their language: offline, a 429 with its wait, a
 * known problem code (`common.problem.<code>`), else the server's own detail.
 * @param {unknown} problem @returns {string}
 */
export function problemMessage(problem) {
  if (problem instanceof ApiProblem) {
    if (problem.offline) return t('common.error.offline');
    if (problem.status === 429) {
      return problem.retryAfter != null
        ? t('common.error.rate_limited_wait', { wait: formatWait(problem.retryAfter) })
        : t('common.error.rate_limited');
    }
    const key = `common.problem.${problem.code}`;
    if (hasMessage(key)) return t(key);
    if (problem.status >= 500) return t('common.error.server');
    return problem.detail || problem.title || t('common.error.unknown');
  }
  if (problem instanceof Error) return problem.message || t('common.error.unknown');
  return t('common.error.unknown');
}

/** A wait in words: '45 s', '3 min', '1 h 5 min' (localized). @param {number} seconds */
export function formatWait(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t('common.time.seconds', { n: s });
  const m = Math.ceil(s / 60);
  if (m < 60) return t('common.time.minutes', { n: m });
  return t('common.time.hours_minutes', { h: Math.floor(m / 60), m: m % 60 });
}

/** @type {Array<[RegExp, string]>} */
const SERVER_MESSAGES = [
  [/^must have at least (\d+) characters$/, 'common.server.min_chars'],
  [/^must have at most (\d+) characters$/, 'common.server.max_chars'],
  [/^is longer than (\d+) characters$/, 'common.server.max_chars'],
  [/^is not a valid email address$/, 'common.server.invalid_email'],
  [/^must not be your name or email address$/, 'common.server.own_words'],
  [/^is too common or too easy to guess/, 'common.server.weak_password'],
  [/^must not be empty$/, 'common.server.empty'],
  [/^is required/, 'common.server.required'],
  [/^must not contain control characters/, 'common.server.control_chars'],
];

/**
 * A field message from the server ("must have at least 8 characters") in the interface
 * language when it is a known one, else as the server wrote it, capitalized.
 * @param {string} message
 */
export function localizeFieldMessage(message) {
  for (const [pattern, key] of SERVER_MESSAGES) {
    const m = pattern.exec(message);
    if (m) return t(key, { n: m[1] });
  }
  return message ? message[0].toUpperCase() + message.slice(1) : message;
}

/** @type {import('../vendor/preact.mjs').Context<Record<string, string>>} */
const FieldErrors = createContext(/** @type {Record<string, string>} */ ({}));

/**
 * A labelled input with its error: `<label for>` + the control + the error text, linked with
 * aria-describedby. `type: 'textarea'` or `'select'` (with `options: [{ value, label }]`),
 * `'checkbox'` (label after the box); any other input type otherwise. Inside a Form, the error
 * comes from the form's problem by `name` unless `error` is given. `hint` adds help text.
 * @param {{ label: Children, name: string, error?: string | null, hint?: Children, type?: string,
 *   options?: Array<{ value: string, label: string, disabled?: boolean }>, id?: string,
 *   class?: string, [prop: string]: any }} props
 */
export function Field(props) {
  const { label, name, error, hint, type = 'text', options, id, class: cls, ...rest } = props;
  const auto = useId();
  const fromForm = useContext(FieldErrors);
  const message = error !== undefined ? error : fromForm[name];
  const inputId = id || `f-${name}-${auto}`;
  const errorId = `${inputId}-error`;
  const hintId = `${inputId}-hint`;
  const describedBy = [hint ? hintId : '', message ? errorId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id: inputId,
    name,
    'aria-invalid': message ? 'true' : undefined,
    'aria-describedby': describedBy,
    ...rest,
  };
  let control;
  if (type === 'textarea') {
    control = html`<textarea ...${common}></textarea>`;
  } else if (type === 'select') {
    control = html`<select ...${common}>
      ${(options || []).map(
        (o) => html`<option value=${o.value} disabled=${o.disabled}>${o.label}</option>`,
      )}
    </select>`;
  } else if (type === 'checkbox' || type === 'radio') {
    return html`<div class=${`field field-check ${cls || ''}`}>
      <input type=${type} ...${common} />
      <label for=${inputId}>${label}</label>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
      ${message && html`<p class="field-error" id=${errorId}>${message}</p>`}
    </div>`;
  } else {
    control = html`<input type=${type} ...${common} />`;
  }
  return html`<div class=${`field ${message ? 'has-error' : ''} ${cls || ''}`}>
    <label for=${inputId}>${label}</label>
    ${control}
    ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    ${message && html`<p class="field-error" id=${errorId}>${message}</p>`}
  </div>`;
}

/**
 * A form whose problem (an ApiProblem or any error) shows as a summary at the top, with the
 * problem's field errors beside the Fields of the same `name`. Submitting calls onSubmit(event)
 * (the default is prevented).
 * @param {{ onSubmit: (e: SubmitEvent) => any, problem?: unknown, children?: Children,
 *   class?: string, 'aria-label'?: string, [prop: string]: any }} props
 */
export function Form({ onSubmit, problem, children, class: cls, ...rest }) {
  /** @type {Record<string, string>} */
  const errors = {};
  if (problem instanceof ApiProblem) {
    for (const [name, message] of Object.entries(problem.fieldErrors())) errors[name] = localizeFieldMessage(message);
  }
  const hasFields = Object.keys(errors).length > 0;
  const summaryRef = useRef(/** @type {HTMLDivElement | null} */ (null));
  useEffect(() => {
    if (problem && summaryRef.current) summaryRef.current.focus();
  }, [problem]);
  /** @param {SubmitEvent} e */
  const submit = (e) => {
    e.preventDefault();
    onSubmit(e);
  };
  return html`<form class=${`form ${cls || ''}`} onSubmit=${submit} noValidate ...${rest}>
    ${problem
      ? html`<div class="notice notice-error" role="alert" tabindex="-1" ref=${summaryRef}>
          ${!(hasFields && problem instanceof ApiProblem && problem.code === 'validation_failed') &&
          html`<p>${problemMessage(problem)}</p>`}
          ${hasFields && html`<p>${t('common.form.fix_fields')}</p>`}
        </div>`
      : null}
    <${FieldErrors.Provider} value=${errors}>${children}<//>
  </form>`;
}

/**
 * A real button. `kind`: 'primary' (default), 'secondary', 'danger', 'link'. `busy` disables it
 * and says so.
 * @param {{ kind?: 'primary' | 'secondary' | 'danger' | 'link', busy?: boolean, type?: string,
 *   children?: Children, class?: string, [prop: string]: any }} props
 */
export function Button({ kind = 'primary', busy = false, type = 'button', children, class: cls, disabled, ...rest }) {
  return html`<button
    ...${rest}
    type=${type}
    class=${`btn btn-${kind} ${cls || ''}`}
    disabled=${Boolean(busy || disabled)}
    aria-busy=${busy ? 'true' : undefined}
  >
    ${children}
  </button>`;
}

/**
 * A message box. Errors are announced (role=alert), the others politely (role=status).
 * @param {{ kind?: 'info' | 'error' | 'success' | 'warning', children?: Children, class?: string }} props
 */
export function Notice({ kind = 'info', children, class: cls }) {
  return html`<div class=${`notice notice-${kind} ${cls || ''}`} role=${kind === 'error' ? 'alert' : 'status'}>
    ${children}
  </div>`;
}

/** @param {{ label?: string }} props */
export function Loading({ label } = {}) {
  return html`<p class="loading" role="status" aria-live="polite">
    <span class="spinner" aria-hidden="true"></span>${label || t('common.loading')}
  </p>`;
}

/**
 * A failed load: what went wrong (offline, 429 with its wait, the server's detail) and a retry
 * button when `onRetry` is given.
 * @param {{ problem: unknown, onRetry?: () => void }} props
 */
export function ErrorView({ problem, onRetry }) {
  const status = problem instanceof ApiProblem ? problem.status : 0;
  const title =
    problem instanceof ApiProblem && problem.offline
      ? t('common.error.offline_title')
      : status === 404
        ? t('common.error.not_found_title')
        : status === 403
          ? t('common.error.forbidden_title')
          : status === 429
            ? t('common.error.rate_limited_title')
            : t('common.error.title');
  return html`<div class="notice notice-error error-view" role="alert">
    <p><strong>${title}</strong></p>
    <p>${problemMessage(problem)}</p>
    ${onRetry && html`<p><${Button} kind="secondary" onClick=${onRetry}>${t('common.retry')}<//></p>`}
  </div>`;
}

/**
 * A horizontal bar chart: an SVG (role=img, named by the title and the values) beside its labels
 * and values, and the same numbers as a table under "Show as a table". A bar's `max` defaults to
 * the largest value (100 with `percent`).
 * @param {{ data: Array<{ label: string, value: number, max?: number }>, title: string,
 *   percent?: boolean, valueLabel?: string, format?: (v: number) => string }} props
 */
export function BarChart({ data, title, percent = false, valueLabel, format }) {
  const id = useId();
  const show = format || ((/** @type {number} */ v) => (percent ? `${formatNumber(v, { maximumFractionDigits: 0 })}%` : formatNumber(v)));
  const top = Math.max(percent ? 100 : 0, ...data.map((d) => d.max ?? d.value), 1);
  const rowH = 28;
  const height = data.length * rowH;
  const summary = data.slice(0, 30).map((d) => `${d.label}: ${show(d.value)}`).join('; ');
  return html`<figure class="chart" aria-labelledby=${`${id}-t`}>
    <figcaption id=${`${id}-t`}>${title}</figcaption>
    ${data.length === 0
      ? html`<p class="muted">${t('common.chart.empty')}</p>`
      : html`<div class="chart-body" style=${`grid-template-rows: repeat(${data.length}, ${rowH}px)`}>
            ${data.map(
              (d, i) => html`<span class="chart-label" aria-hidden="true" style=${`grid-row:${i + 1}`} title=${d.label}>${d.label}</span>`,
            )}
            <svg
              role="img"
              aria-label=${`${title}. ${summary}`}
              viewBox=${`0 0 100 ${height}`}
              preserveAspectRatio="none"
              class="chart-svg"
              style=${`grid-row: 1 / span ${data.length}; height:${height}px`}
            >
              ${data.map((d, i) => {
                const max = d.max ?? top;
                const w = max > 0 ? Math.max(0, Math.min(1, d.value / max)) * 100 : 0;
                return html`<rect x="0" y=${i * rowH + 6} width="100" height=${rowH - 12} class="chart-track" />
                  <rect x="0" y=${i * rowH + 6} width=${w} height=${rowH - 12} class="chart-bar" />`;
              })}
            </svg>
            ${data.map(
              (d, i) => html`<span class="chart-value" aria-hidden="true" style=${`grid-row:${i + 1}`}>${show(d.value)}</span>`,
            )}
          </div>
          <details class="chart-details">
            <summary>${t('common.chart.show_table')}</summary>
            <table class="table">
              <caption class="sr-only">${title}</caption>
              <thead><tr><th scope="col">${t('common.chart.item')}</th><th scope="col">${valueLabel || t('common.chart.value')}</th></tr></thead>
              <tbody>
                ${data.map((d) => html`<tr><th scope="row">${d.label}</th><td>${show(d.value)}</td></tr>`)}
              </tbody>
            </table>
          </details>`}
  </figure>`;
}

/**
 * A modal confirmation (the native <dialog>, so focus stays inside and Escape cancels).
 * Render it with `open` true to show it.
 * @param {{ open: boolean, title: string, message?: Children, confirmLabel?: string,
 *   cancelLabel?: string, danger?: boolean, busy?: boolean, onConfirm: () => any, onCancel: () => any,
 *   children?: Children }} props
 */
export function ConfirmDialog({ open, title, message, confirmLabel, cancelLabel, danger, busy, onConfirm, onCancel, children }) {
  const ref = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      if (typeof d.showModal === 'function') d.showModal();
      else d.setAttribute('open', '');
    } else if (!open && d.open) {
      d.close();
    }
  }, [open]);
  /** @param {Event} e */
  const cancel = (e) => {
    e.preventDefault();
    onCancel();
  };
  return html`<dialog ref=${ref} class="dialog" aria-labelledby=${`${id}-t`} onCancel=${cancel}>
    ${open &&
    html`<h2 id=${`${id}-t`}>${title}</h2>
      ${message && html`<div class="dialog-body">${message}</div>`}
      ${children}
      <div class="actions">
        <${Button} kind=${danger ? 'danger' : 'primary'} busy=${busy} onClick=${onConfirm}>${confirmLabel || t('common.confirm')}<//>
        <${Button} kind="secondary" onClick=${onCancel}>${cancelLabel || t('common.cancel')}<//>
      </div>`}
  </dialog>`;
}

/**
 * A screen: its title as the page's <h1> and the document title. The heading takes focus when
 * the screen opens, so keyboard and screen-reader users start there.
 * @param {{ title: string, children?: Children, actions?: Children, class?: string }} props
 */
export function Page({ title, children, actions, class: cls }) {
  const ref = useRef(/** @type {HTMLHeadingElement | null} */ (null));
  useEffect(() => {
    document.title = `${title} · Caravan`;
  }, [title]);
  useEffect(() => {
    const h = ref.current;
    if (h && !(document.activeElement && document.activeElement.closest('main form, dialog'))) {
      h.focus({ preventScroll: true });
    }
  }, []);
  return html`<section class=${`page ${cls || ''}`}>
    <div class="page-head">
      <h1 tabindex="-1" ref=${ref}>${title}</h1>
      ${actions && html`<div class="page-actions">${actions}</div>`}
    </div>
    ${children}
  </section>`;
}

/**
 * Runs an async loader and tracks it: `{ data, error, loading, reload }`. Runs again when a value
 * in `deps` changes; a stale answer (deps changed meanwhile) is dropped. `reload()` keeps showing
 * the old data while loading.
 * @template T
 * @param {() => Promise<T>} fn @param {any[]} [deps]
 * @returns {{ data: T | undefined, error: unknown, loading: boolean, reload: () => Promise<void>, setData: (v: T) => void }}
 */
export function useAsync(fn, deps = []) {
  const [state, setState] = useState(
    /** @type {{ data: T | undefined, error: unknown, loading: boolean }} */ ({ data: undefined, error: null, loading: true }),
  );
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    try {
      const data = await fnRef.current();
      if (mine === seq.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, []);
  useEffect(() => {
    setState({ data: undefined, error: null, loading: true });
    run();
    return () => {
      seq.current++;
    };
  }, deps);
  const setData = useCallback((/** @type {T} */ data) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload: run, setData };
}

/**
 * A date (RFC 3339 string, Date or epoch ms) in the interface language. `withTime` adds hours and
 * minutes. Empty for a missing value.
 * @param {string | number | Date | null | undefined} value
 * @param {boolean | Intl.DateTimeFormatOptions} [withTime]
 */
export function formatDate(value, withTime = false) {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  /** @type {Intl.DateTimeFormatOptions} */
  const options =
    typeof withTime === 'object' ? withTime : withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(language(), options).format(d);
}

/**
 * A duration in seconds. 'clock' (default): '4:05' or '1:02:03' (a countdown); 'words':
 * '5 min', '1 h 5 min' in the interface language.
 * @param {number | null | undefined} seconds @param {'clock' | 'words'} [style]
 */
export function formatDuration(seconds, style = 'clock') {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.floor(seconds));
  if (style === 'words') return formatWait(s);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** A number in the interface language. @param {number} n @param {Intl.NumberFormatOptions} [options] */
export function formatNumber(n, options) {
  return new Intl.NumberFormat(language(), options || { maximumFractionDigits: 1 }).format(n);
}

/** A ratio 0..1 (or a percent when `isPercent`) as a percent in the interface language. @param {number} v @param {boolean} [isPercent] */
export function formatPercent(v, isPercent = false) {
  return new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(isPercent ? v / 100 : v);
}

/**
 * Offers a Blob (from api.download) to the user as a file.
 * @param {Blob} blob @param {string} filename
 */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A value of a form by name, as a string (for onSubmit handlers). @param {Event} e @param {string} name */
export function formValue(e, name) {
  const form = /** @type {HTMLFormElement} */ (e.currentTarget || e.target);
  const v = new FormData(form).get(name);
  return typeof v === 'string' ? v : '';
}
