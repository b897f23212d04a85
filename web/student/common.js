// Small helpers the student screens share: names of languages, countries, levels and areas in the
// interface language, percentages, a confirmation dialog and links.
import { html } from '../lib/html.js';
import { t, language } from '../lib/i18n.js';

/** @typedef {import('../types/api').components['schemas']} Schemas */

/**
 * The name of a BCP 47 language tag in the interface language (`zh-CN` -> "Chinese (China)").
 * @param {string} tag
 */
export function languageName(tag) {
  try {
    return new Intl.DisplayNames([language()], { type: 'language' }).of(tag) || tag;
  } catch {
    return tag;
  }
}

/**
 * The name of an ISO 3166-1 country code in the interface language.
 * @param {string} code
 * @param {string} [fallback]
 */
export function countryName(code, fallback) {
  try {
    return new Intl.DisplayNames([language()], { type: 'region' }).of(code) || fallback || code;
  } catch {
    return fallback || code;
  }
}

const LEVELS = ['beginner', 'intermediate', 'advanced'];
/** @param {string} level */
export function levelName(level) {
  return LEVELS.includes(level) ? t(`student.level.${level}`) : level;
}
export { LEVELS };

const AREAS = ['manufacturing', 'ecommerce', 'trade', 'language', 'law'];
/**
 * An area of the competency framework by its code, in the interface language when it is one of
 * the five; else the name the API gives.
 * @param {string} code
 * @param {string} [fallback]
 */
export function areaName(code, fallback) {
  return AREAS.includes(code) ? t(`student.area.${code}`) : fallback || code;
}

/**
 * 0..1 as a whole percentage in the interface language.
 * @param {number | null | undefined} share
 */
export function percent(share) {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/**
 * Items as a list in the interface language ("A, B, C"; "A、B、C").
 * @param {string[]} items
 */
export function listOf(items) {
  try {
    return new Intl.ListFormat(language(), { type: 'conjunction', style: 'narrow' }).format(items);
  } catch {
    return items.join(', ');
  }
}

/** @param {number} n */
export function number(n) {
  return new Intl.NumberFormat(language(), { maximumFractionDigits: 2 }).format(n);
}

/**
 * A date and time in the interface language.
 * @param {string | null | undefined} iso
 */
export function dateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** @param {string | null | undefined} iso */
export function dateOnly(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(language(), { dateStyle: 'long' }).format(new Date(iso));
}

/**
 * The public page of a certificate in this app (no sign-in needed).
 * @param {string} id
 */
export function verifyPageUrl(id) {
  return `${location.origin}/#/verify/${encodeURIComponent(id)}`;
}

/**
 * A horizontal progress bar with its figure in text.
 * @param {{ value: number, label: string }} props value 0..100
 */
export function ProgressBar({ value, label }) {
  const v = Math.max(0, Math.min(100, Math.round(value)));
  return html`<span style="display: flex; align-items: center; gap: .5rem; max-width: 24rem; min-width: 8rem">
    <span class="progress" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${v}
      style="flex: 1 1 auto; display: block"><span style=${`width: ${v}%`}></span></span>
    <span>${percent(v / 100)}</span>
  </span>`;
}

/**
 * Unsubscribes whatever a subscription call returned, if it returned a function.
 * @param {unknown} off
 */
export function unsubscribe(off) {
  if (typeof off === 'function') off();
}
