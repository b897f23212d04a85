// The interface's languages are complete: every message exists in English and Chinese (same
// keys, same {placeholders}, non-empty), every key carries its area's prefix, and every t('...')
// literal in web/**/*.js has a message. Plain node, no browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.mjs';

const web = join(repoRoot, 'web');
const LANGS = ['en', 'zh-CN'];

async function load(lang) {
  const dir = join(web, 'i18n', lang);
  /** @type {Record<string, Record<string, string>>} */
  const areas = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js')).sort()) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    areas[file.replace(/\.js$/, '')] = mod.default;
  }
  return areas;
}

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('both languages have the same areas and keys, with the same placeholders', async () => {
  const [en, zh] = await Promise.all(LANGS.map(load));
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort(), 'the same area files in en and zh-CN');
  const problems = [];
  for (const area of Object.keys(en)) {
    const a = en[area] || {};
    const b = zh[area] || {};
    for (const key of Object.keys(a)) if (!(key in b)) problems.push(`zh-CN/${area}.js lacks ${key}`);
    for (const key of Object.keys(b)) if (!(key in a)) problems.push(`en/${area}.js lacks ${key}`);
    for (const [lang, messages] of [['en', a], ['zh-CN', b]]) {
      for (const [key, value] of Object.entries(messages)) {
        if (typeof value !== 'string' || value.trim() === '') problems.push(`${lang}/${area}.js: ${key} is empty`);
        if (!key.startsWith(`${area}.`)) problems.push(`${lang}/${area}.js: ${key} does not start with "${area}."`);
      }
    }
    for (const key of Object.keys(a)) {
      if (key in b && typeof a[key] === 'string' && typeof b[key] === 'string') {
        const pa = placeholders(a[key]).join(',');
        const pb = placeholders(b[key]).join(',');
        if (pa !== pb) problems.push(`${key}: placeholders differ (en {${pa}}, zh-CN {${pb}})`);
      }
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});

function sources(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'vendor' || name === 'i18n' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.js')) out.push(path);
  }
  return out;
}

test("every t('...') literal in web/**/*.js has a message", async () => {
  const en = Object.assign({}, ...Object.values(await load('en')));
  const missing = [];
  let count = 0;
  for (const file of sources(web)) {
    // Comments do not count (their examples are not calls); newlines are kept for line numbers.
    const text = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
      .replace(/^\s*\/\/.*$/gm, '');
    const literal = /(?<![\w$.])t\(\s*(?:'([^'\\\n]+)'|"([^"\\\n]+)"|`([^`\\$\n]+)`)/g;
    for (const m of text.matchAll(literal)) {
      const key = m[1] ?? m[2] ?? m[3];
      count += 1;
      if (!(key in en)) {
        const line = text.slice(0, m.index).split('\n').length;
        missing.push(`${relative(repoRoot, file)}:${line}: ${key}`);
      }
    }
  }
  assert.ok(count > 0, 'found t() calls');
  assert.deepEqual(missing, [], `keys without a message:\n${missing.join('\n')}`);
});

test('no key is defined in two area files', async () => {
  const en = await load('en');
  const seen = new Map();
  const dupes = [];
  for (const [area, messages] of Object.entries(en)) {
    for (const key of Object.keys(messages)) {
      if (seen.has(key)) dupes.push(`${key} in ${seen.get(key)} and ${area}`);
      seen.set(key, area);
    }
  }
  assert.deepEqual(dupes, []);
});
