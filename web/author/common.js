// Shared pieces of the authoring screens: who may author where, the competency framework and
// markets (loaded once), pickers for them, and mapping the server's problems to form fields.

import { html, useState, useId } from '../lib/html.js';
import { ConfirmDialog } from '../lib/ui.js';
import { api } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { session } from '../lib/session.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['Area']} Area */
/** @typedef {Schemas['Market']} Market */

/** @type {Promise<{ areas: Area[], markets: Market[] }> | null} */
let framework = null;

/** The competency framework and the destination markets, fetched once per page load. */
export function loadFramework() {
  if (!framework) {
    framework = Promise.all([api.get('/competencies'), api.get('/markets')])
      .then(([c, m]) => ({ areas: c?.areas ?? [], markets: m?.items ?? [] }))
      .catch((e) => {
        framework = null;
        throw e;
      });
  }
  return framework;
}

/** Whether the signed-in user is a platform admin. */
export function isPlatformAdmin() {
  return session.isPlatformAdmin();
}

/**
 * Organizations where the signed-in user may author courses (instructor or org admin).
 * @returns {{ org_id: string, org_name: string, role: string }[]}
 */
export function authorOrgs() {
  return session.orgs('instructor', 'org_admin');
}

/** Whether the signed-in user may author anything. */
export function mayAuthor() {
  return isPlatformAdmin() || authorOrgs().length > 0;
}

/** The signed-in user's id. @returns {string | null} */
export function myId() {
  return session.user?.id ?? null;
}

/**
 * A confirmation asked in a dialog: `ask(title, message?)` resolves to true or false; render
 * `dialog` somewhere in the screen.
 * @returns {{ dialog: any, ask: (title: string, message?: string, danger?: boolean) => Promise<boolean> }}
 */
export function useConfirm() {
  const [state, setState] = useState(
    /** @type {{ title: string, message?: string, danger?: boolean, resolve: (v: boolean) => void } | null} */ (null),
  );
  const close = (/** @type {boolean} */ v) => {
    state?.resolve(v);
    setState(null);
  };
  const dialog = html`<${ConfirmDialog} open=${Boolean(state)} title=${state?.title ?? ''} message=${state?.message}
    danger=${state?.danger} onConfirm=${() => close(true)} onCancel=${() => close(false)} />`;
  /** @param {string} title @param {string} [message] @param {boolean} [danger] */
  const ask = (title, message, danger = true) =>
    new Promise((resolve) => setState({ title, message, danger, resolve }));
  return { dialog, ask };
}

/**
 * Lowercase ASCII slug from a title (`Listing basics` -> `listing-basics`); may be empty for
 * titles without Latin letters or digits.
 * @param {string} text
 */
export function slugify(text) {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

/**
 * Field errors of a problem, by field name. Also files a nested key (`questions.3.answer`,
 * `options.1.text`) under its short forms (`answer`, `options`) so a form can show it beside the
 * field it names.
 * A course-file report (422 `invalid_course`) may also list problems of other files; `file`, when
 * given, keeps those of the file the form edits.
 * @param {any} problem an ApiProblem or null
 * @param {(file: string) => boolean} [file]
 * @returns {Record<string, string>}
 */
export function fieldErrorsOf(problem, file) {
  /** @type {Record<string, string>} */
  const out = {};
  if (!problem) return out;
  /** @type {Record<string, string>} */
  let base = {};
  try {
    base = typeof problem.fieldErrors === 'function' ? problem.fieldErrors() ?? {} : {};
  } catch {
    base = {};
  }
  const body = problem.problem ?? {};
  /** @type {any[]} */
  const extra = [
    ...(Array.isArray(body.errors) ? body.errors : []),
    ...(Array.isArray(body.report) ? body.report : []).filter(
      (/** @type {any} */ e) => !file || typeof e?.file !== 'string' || file(e.file),
    ),
  ];
  for (const e of extra) {
    if (e && typeof e.field === 'string' && typeof e.message === 'string' && !(e.field in base)) {
      base[e.field] = e.message;
    }
  }
  /** @param {string} k @param {string} v */
  const add = (k, v) => {
    if (k && !(k in out)) out[k] = v;
  };
  // Conflicts that name no field but concern one.
  const conflictField = { slug_taken: 'slug', question_exists: 'id', quiz_exists: 'slug' }[String(problem.code)];
  if (conflictField && !(conflictField in base)) base[conflictField] = problem.detail || problem.title || '';
  for (const [k, v] of Object.entries(base)) add(k, v);
  for (const [k, v] of Object.entries(base)) {
    const inQuestion = k.replace(/^questions\.\d+\./, '');
    add(inQuestion, v);
    add(inQuestion.split('.')[0], v);
    add(k.split('.')[0], v);
  }
  return out;
}

/**
 * The problem with its nested field names mapped (see fieldErrorsOf), for ui.js Form.
 * @param {any} problem
 * @param {(file: string) => boolean} [file] see fieldErrorsOf
 */
export function mappedProblem(problem, file) {
  if (!problem) return problem;
  const mapped = Object.create(problem);
  const errors = fieldErrorsOf(problem, file);
  mapped.fieldErrors = () => errors;
  return mapped;
}

/**
 * A checkbox with its label.
 * @param {{ label: string, checked: boolean, onChange: (v: boolean) => void, name?: string, disabled?: boolean }} props
 */
export function Check({ label, checked, onChange, name, disabled }) {
  const id = `check-${useId()}`;
  return html`<div class="field field-check" style="margin-bottom: 0.5rem; flex-wrap: nowrap; align-items: flex-start">
    <input id=${id} type="checkbox" name=${name} checked=${checked} disabled=${disabled}
      onChange=${(/** @type {any} */ e) => onChange(e.currentTarget.checked)} />
    <label for=${id} style="flex: 1">${label}</label>
  </div>`;
}

/**
 * The error text of a group of inputs (a fieldset), announced to screen readers.
 * @param {{ id: string, error?: string }} props
 */
export function GroupError({ id, error }) {
  if (!error) return null;
  return html`<p class="field-error error" id=${id} role="alert">${error}</p>`;
}

/**
 * Checkboxes for competency codes, grouped by area.
 * @param {{ areas: Area[], value: string[], onChange: (v: string[]) => void, name?: string,
 *   legend?: string, error?: string, open?: boolean }} props
 */
export function CompetencyPicker({ areas, value, onChange, name = 'competencies', legend, error, open }) {
  const id = `${name}-error`;
  /** @param {string} code @param {boolean} on */
  const toggle = (code, on) =>
    onChange(on ? [...value.filter((c) => c !== code), code] : value.filter((c) => c !== code));
  const chosen = value.length;
  // Open at first when nothing is chosen yet; afterwards the reader opens and closes it.
  const [initiallyOpen] = useState(open ?? chosen === 0);
  return html`<fieldset class="fieldset picker" aria-describedby=${error ? id : undefined} data-field=${name}>
    <legend>${legend ?? t('author.field.competencies')}</legend>
    <details open=${initiallyOpen}>
      <summary>${t('author.picker.chosen', { n: chosen })}</summary>
      ${areas.map(
        (area) => html`<div class="picker-group" key=${area.code}>
          <p class="picker-area" style="font-weight: 600; margin: 0.75rem 0 0.25rem">${area.name}</p>
          ${area.competencies.map(
            (c) => html`<${Check} key=${c.code} label=${c.name} checked=${value.includes(c.code)}
              onChange=${(/** @type {boolean} */ on) => toggle(c.code, on)} />`,
          )}
        </div>`,
      )}
    </details>
    <${GroupError} id=${id} error=${error} />
  </fieldset>`;
}

/**
 * Checkboxes for destination markets (ISO country codes).
 * @param {{ markets: Market[], value: string[], onChange: (v: string[]) => void, error?: string }} props
 */
export function MarketPicker({ markets, value, onChange, error }) {
  /** @param {string} code @param {boolean} on */
  const toggle = (code, on) =>
    onChange(on ? [...value.filter((c) => c !== code), code] : value.filter((c) => c !== code));
  return html`<fieldset class="fieldset picker" aria-describedby=${error ? 'markets-error' : undefined} data-field="markets">
    <legend>${t('author.field.markets')}</legend>
    <details open=${false}>
      <summary>${t('author.picker.chosen', { n: value.length })}</summary>
      <div class="picker-group">
        ${markets.map(
          (m) => html`<${Check} key=${m.country} label=${`${m.name} (${m.country})`}
            checked=${value.includes(m.country)} onChange=${(/** @type {boolean} */ on) => toggle(m.country, on)} />`,
        )}
      </div>
    </details>
    <${GroupError} id="markets-error" error=${error} />
  </fieldset>`;
}

/**
 * Comma- or line-separated text as a list (empty entries dropped).
 * @param {string} text
 */
export function splitList(text) {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * A course folder path (`01-basics/02-intro.md`) as what it concerns.
 * @param {string} file
 * @returns {{ kind: 'course' | 'module' | 'lesson' | 'quiz' | 'other', module?: string, lesson?: string }}
 */
export function fileTarget(file) {
  if (file === 'course.toml' || file === '' || file === '.') return { kind: 'course' };
  const parts = file.split('/');
  const strip = (/** @type {string} */ s) => s.replace(/^\d+-/, '');
  const module = strip(parts[0] ?? '');
  if (parts.length === 1) return { kind: 'module', module };
  const name = parts[1] ?? '';
  if (name === 'quiz.toml') return { kind: 'quiz', module };
  if (name === 'module.toml') return { kind: 'module', module };
  if (name.endsWith('.md')) return { kind: 'lesson', module, lesson: strip(name.slice(0, -3)) };
  return { kind: 'other', module };
}

/**
 * A list of publish problems; `linkFor` may name where each is fixed.
 * @param {{ problems: Schemas['PublishProblem'][], label?: string,
 *   linkFor?: (p: Schemas['PublishProblem']) => { href: string, label: string } | null }} props
 */
export function ProblemList({ problems, label, linkFor }) {
  if (!problems.length) return null;
  return html`<ul class="problems" aria-label=${label ?? t('author.problems.title')}>
    ${problems.map(
      (p, i) => html`<li key=${i} class="problem field-error">
        ${p.field ? html`<code>${p.field}</code>${': '}` : null}${p.message}
        ${linkFor && linkFor(p) ? html` <a href=${linkFor(p)?.href}>${linkFor(p)?.label}</a>` : null}
        ${p.line ? html` <small>${t('author.problems.where', { file: p.file, line: p.line })}</small>` : null}
      </li>`,
    )}
  </ul>`;
}
