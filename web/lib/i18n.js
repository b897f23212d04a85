// The interface's two languages. t('area.name', { param }) looks a message up in the current
// language (falling back to English, then to the key itself); messages live in
// web/i18n/<language>/<area>.js, each `export default { 'area.name': '...', ... }`.
import enCommon from '../i18n/en/common.js';
import enAuth from '../i18n/en/auth.js';
import enStudent from '../i18n/en/student.js';
import enAuthor from '../i18n/en/author.js';
import enAdmin from '../i18n/en/admin.js';
import zhCommon from '../i18n/zh-CN/common.js';
import zhAuth from '../i18n/zh-CN/auth.js';
import zhStudent from '../i18n/zh-CN/student.js';
import zhAuthor from '../i18n/zh-CN/author.js';
import zhAdmin from '../i18n/zh-CN/admin.js';

/** @typedef {'en' | 'zh-CN'} Language */

/** @type {Record<Language, Record<string, string>>} */
const messages = {
  en: { ...enCommon, ...enAuth, ...enStudent, ...enAuthor, ...enAdmin },
  'zh-CN': { ...zhCommon, ...zhAuth, ...zhStudent, ...zhAuthor, ...zhAdmin },
};

/** The languages of the interface, each named in itself (for the language switch). */
export const LANGUAGES = /** @type {const} */ ([
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '中文' },
]);

const STORAGE_KEY = 'caravan.language';

/** @param {unknown} value @returns {Language | null} */
export function toLanguage(value) {
  if (typeof value !== 'string') return null;
  const v = value.toLowerCase();
  if (v.startsWith('zh')) return 'zh-CN';
  if (v.startsWith('en')) return 'en';
  return null;
}

/** The browser's preference among ours: the first of navigator.languages we speak, else English. */
export function browserLanguage() {
  /** @type {readonly string[]} */
  const wanted =
    typeof navigator === 'undefined'
      ? []
      : navigator.languages && navigator.languages.length
        ? navigator.languages
        : [navigator.language];
  for (const tag of wanted) {
    const lang = toLanguage(tag);
    if (lang) return lang;
  }
  return /** @type {Language} */ ('en');
}

function stored() {
  try {
    return toLanguage(localStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}

/** @type {Language} */
let current = stored() || browserLanguage();

/** @type {Set<(lang: Language) => void>} */
const listeners = new Set();

function applyToDocument() {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}
applyToDocument();

/** @returns {Language} */
export function language() {
  return current;
}

/**
 * Switches the interface language and remembers the choice in this browser.
 * @param {Language} lang
 */
export function setLanguage(lang) {
  const next = toLanguage(lang) || 'en';
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // not remembered; still switched
  }
  if (next === current) return;
  current = next;
  applyToDocument();
  for (const fn of [...listeners]) fn(current);
}

/** @param {(lang: Language) => void} fn @returns {() => void} unsubscribe */
export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** True when the key has a message (in the current language or in English). @param {string} key */
export function hasMessage(key) {
  return key in messages[current] || key in messages.en;
}

/**
 * The message for `key` in the current language, `{name}` placeholders filled from `params`.
 * @param {string} key @param {Record<string, string | number | null | undefined>} [params]
 * @returns {string}
 */
export function t(key, params) {
  const template = messages[current][key] ?? messages.en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in params && params[name] !== undefined && params[name] !== null ? String(params[name]) : whole,
  );
}

/** Messages of a language (for tests and tools). @param {Language} lang */
export function messagesOf(lang) {
  return messages[lang];
}
