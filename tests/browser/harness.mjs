// Shared pieces of the browser tests: a real Caravan server on a fresh SQLite database, headless
// Chromium (Debian's /usr/bin/chromium) driven by playwright-core, the emails the server writes,
// and a small API client for setting data up.
//
//   import { test } from 'node:test';
//   import { startServer, launch, tokenMailedTo, apiAs } from './harness.mjs';
//   test('a journey', async (t) => {
//     const server = await startServer();          // stopped after the test
//     t.after(() => server.stop());
//     const b = await launch(t);                    // closed after the test; artifacts saved
//     await b.page.goto(`${server.base}/#/sign-in`);
//     await b.shot('sign-in');                      // artifacts/<test>/01-sign-in.png
//   });
//
// Every screenshot goes to tests/browser/artifacts/<test name>/NN-<name>.png. When the browser
// closes (after the test, passed or failed) the folder also gets page.html (the page as it was
// last), console.log (the browser console, page errors, failed requests and HTTP errors) and
// last.png; a test that fails through `browserTest` also gets error.txt.
//
// The binary is $CARAVAN_BIN (relative to the repository root, or absolute), else
// target/debug/caravan. CARAVAN_WEB_DIR is passed through when set (development: the app's
// files are read from disk); CI leaves it unset, so the files embedded in the binary are served.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as nodeTest } from 'node:test';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const artifactsRoot = join(here, 'artifacts');
export const binary = process.env.CARAVAN_BIN
  ? resolve(repoRoot, process.env.CARAVAN_BIN)
  : join(repoRoot, 'target', 'debug', 'caravan');
export const chromiumPath = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

export const ADMIN_EMAIL = 'root@caravan.test';
export const ADMIN_PASSWORD = 'a long platform admin passphrase';

/** A password the server accepts (long, not guessable, not the user's own words). */
export const GOOD_PASSWORD = 'violet-harbor-73-lantern';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `caravan serve` on a free port with a fresh SQLite database in a temporary folder and a
 * platform admin. `seedCatalog` imports the course catalog shipped in courses/ (slower start);
 * `env` adds or overrides settings (e.g. { CARAVAN_ACCESS_TOKEN_TTL_SECS: '1' }).
 * @param {{ seedCatalog?: boolean, env?: Record<string, string> }} [options]
 */
export async function startServer({ seedCatalog = false, env = {} } = {}) {
  if (!existsSync(binary)) throw new Error(`no caravan binary at ${binary} (build it, or set CARAVAN_BIN)`);
  const dir = mkdtempSync(join(tmpdir(), 'caravan-browser-'));
  const mailDir = join(dir, 'mail');
  mkdirSync(mailDir);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const fullEnv = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, 'caravan.db')}`,
    CARAVAN_MAIL_DIR: mailDir,
    CARAVAN_SECRET_FILE: join(dir, 'jwt-secret'),
    CARAVAN_CERTIFICATE_KEY_FILE: join(dir, 'certificate-key'),
    CARAVAN_BIND: `127.0.0.1:${port}`,
    CARAVAN_PUBLIC_URL: base,
    CARAVAN_MAIL_POLL_MS: '100',
    CARAVAN_IMPORT_COURSES_ON_EMPTY: seedCatalog ? 'true' : 'false',
    RUST_LOG: process.env.RUST_LOG || 'warn',
    ...env,
  };
  const created = spawnSync(binary, ['admin', 'create', '--email', ADMIN_EMAIL], {
    input: `${ADMIN_PASSWORD}\n`,
    env: fullEnv,
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (created.status !== 0) {
    throw new Error(`caravan admin create failed (${created.status}): ${created.stderr || created.stdout}`);
  }
  const log = createWriteStream(join(dir, 'server.log'));
  const child = spawn(binary, ['serve'], { env: fullEnv, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const deadline = Date.now() + (seedCatalog ? 120_000 : 30_000);
  for (;;) {
    if (exited) {
      throw new Error(`caravan serve exited (${JSON.stringify(exited)}); log: ${readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000)}`);
    }
    try {
      const res = await fetch(`${base}/readyz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('caravan serve did not become ready');
    }
    await sleep(100);
  }
  let stopped = false;
  return {
    base,
    dir,
    mailDir,
    adminEmail: ADMIN_EMAIL,
    adminPassword: ADMIN_PASSWORD,
    /** The server's output so far. */
    log: () => readFileSync(join(dir, 'server.log'), 'utf8'),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      log.end();
      if (!process.env.KEEP_SERVER_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The emails in the folder addressed to `to`, oldest first, decoded from quoted-printable. */
export function mailsTo(mailDir, to) {
  return readdirSync(mailDir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => {
      const path = join(mailDir, name);
      return { path, mtime: statSync(path).mtimeMs, name };
    })
    .sort((a, b) => a.mtime - b.mtime || a.name.localeCompare(b.name))
    .map(({ path }) => decodeQuotedPrintable(readFileSync(path, 'utf8')))
    .filter((text) => new RegExp(`^To:.*${escapeRegExp(to)}`, 'mi').test(text));
}

function decodeQuotedPrintable(raw) {
  return raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The link of the newest email to `to` whose link path contains `path` (e.g. '/verify-email',
 * '/reset-password', '/invitations/accept'); waits up to 15 s for it.
 * @param {string} mailDir @param {string} to @param {string} [path]
 */
export async function linkMailedTo(mailDir, to, path = '') {
  const deadline = Date.now() + 15_000;
  for (;;) {
    for (const text of mailsTo(mailDir, to).reverse()) {
      const links = [...text.matchAll(/https?:\/\/[^\s"'<>]+token=[A-Za-z0-9_-]+/g)].map((m) => m[0]);
      const link = links.find((l) => l.includes(path));
      if (link) return link;
    }
    if (Date.now() > deadline) throw new Error(`no email with a${path ? ` ${path}` : ''} link reached ${to}`);
    await sleep(100);
  }
}

/** The `token=` of the newest such email (see linkMailedTo). */
export async function tokenMailedTo(mailDir, to, path = '') {
  const link = await linkMailedTo(mailDir, to, path);
  return /** @type {RegExpExecArray} */ (/token=([A-Za-z0-9_-]+)/.exec(link))[1];
}

/** A failed API call made by apiAs. */
export class ApiError extends Error {
  constructor(method, path, status, body) {
    super(`${method} ${path}: ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

/**
 * A client for setting data up through the API, signed in as `email` (or anonymous when email
 * is null). Methods take paths under /api/v1 and return parsed JSON (null for 204); non-2xx
 * throws ApiError. `raw(method, path, init)` returns the Response.
 * @param {string} base @param {string | null} email @param {string} [password]
 */
export async function apiAs(base, email, password) {
  let token = null;
  let refreshToken = null;
  let user = null;
  const call = async (method, path, body, headers = {}) => {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      if (typeof body === 'string') {
        init.body = body;
      } else {
        init.body = JSON.stringify(body);
        init.headers['Content-Type'] = 'application/json';
      }
    }
    const res = await fetch(`${base}/api/v1${path}`, init);
    const text = await res.text();
    let parsed = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON
    }
    if (!res.ok) throw new ApiError(method, path, res.status, parsed);
    return parsed;
  };
  if (email) {
    const pair = await call('POST', '/auth/login', { email, password });
    token = pair.access_token;
    refreshToken = pair.refresh_token;
    user = pair.user;
  }
  return {
    get token() {
      return token;
    },
    get refreshToken() {
      return refreshToken;
    },
    user,
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
    put: (path, body) => call('PUT', path, body),
    patch: (path, body) => call('PATCH', path, body),
    del: (path) => call('DELETE', path),
    /** POSTs a text body (CSV) with its content type. */
    upload: (path, text, contentType = 'text/csv') => call('POST', path, text, { 'Content-Type': contentType }),
    raw: (method, path, init = {}) =>
      fetch(`${base}/api/v1${path}`, {
        method,
        ...init,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(init.headers || {}) },
      }),
  };
}

/**
 * Registers an account through the API and verifies its email from the mailed link; returns
 * { email, password, displayName }.
 * @param {{ base: string, mailDir: string }} server
 * @param {{ email?: string, password?: string, displayName?: string, locale?: string }} [who]
 */
export async function createVerifiedUser(server, who = {}) {
  const email = who.email || `user-${Date.now()}-${Math.floor(Math.random() * 1e6)}@caravan.test`;
  const password = who.password || GOOD_PASSWORD;
  const displayName = who.displayName || 'Test User';
  const anon = await apiAs(server.base, null);
  await anon.post('/auth/register', { email, password, display_name: displayName, ...(who.locale ? { locale: who.locale } : {}) });
  const token = await tokenMailedTo(server.mailDir, email, '/verify-email');
  await anon.post('/auth/verify-email', { token });
  return { email, password, displayName };
}

/** A folder name from a test name. */
function slug(name) {
  return String(name)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'test';
}

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Launches headless Chromium with a fresh profile and opens a page. `t` is the node:test context
 * (its name names the artifacts folder, and the browser closes after the test) or a name.
 * Options: `locale` (default 'en-US'; 'zh-CN' for a Chinese browser), `viewport`
 * (default 1280x900; { width: 360, height: 740 } for a phone), `base` (for goto()).
 * @param {import('node:test').TestContext | string} t
 * @param {{ locale?: string, viewport?: { width: number, height: number }, base?: string }} [options]
 */
export async function launch(t, { locale = 'en-US', viewport = { width: 1280, height: 900 }, base } = {}) {
  const name = typeof t === 'string' ? t : t.name;
  const dir = join(artifactsRoot, slug(name));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Playwright starts Chromium with a fresh temporary --user-data-dir of its own (and removes it).
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(30_000);
  const consoleLines = [];
  const stamp = () => new Date().toISOString().slice(11, 23);
  page.on('console', (m) => consoleLines.push(`${stamp()} console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`${stamp()} pageerror: ${e.stack || e.message}`));
  page.on('requestfailed', (r) => consoleLines.push(`${stamp()} requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText || ''}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleLines.push(`${stamp()} http ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  let n = 0;
  let closed = false;
  const wrapper = {
    page,
    context,
    browser,
    dir,
    /** Lines the browser logged so far. */
    console: consoleLines,
    /** Opens a route of the app: goto('/sign-in') -> <base>/#/sign-in. */
    async goto(route, baseUrl = base) {
      if (!baseUrl) throw new Error('goto needs a base url (launch(t, { base }))');
      await page.goto(`${baseUrl}/#${route.startsWith('/') ? route : `/${route}`}`);
    },
    /** Saves a screenshot of the whole page as NN-<name>.png. */
    async shot(label) {
      n += 1;
      const file = join(dir, `${String(n).padStart(2, '0')}-${slug(label)}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    /** Writes page.html, console.log and last.png (done by close()). */
    async saveState(error) {
      try {
        writeFileSync(join(dir, 'page.html'), await page.content());
      } catch (e) {
        writeFileSync(join(dir, 'page.html'), `<!-- could not read the page: ${e} -->`);
      }
      writeFileSync(join(dir, 'console.log'), `${consoleLines.join('\n')}\n`);
      try {
        await page.screenshot({ path: join(dir, 'last.png'), fullPage: true });
      } catch {
        // the page is gone
      }
      if (error) writeFileSync(join(dir, 'error.txt'), `${error.stack || error}\n`);
    },
    async close(error) {
      if (closed) return;
      closed = true;
      await wrapper.saveState(error);
      await browser.close().catch(() => {});
    },
  };
  if (typeof t !== 'string' && typeof t.after === 'function') t.after(() => wrapper.close());
  return wrapper;
}

/**
 * A test with a browser: `browserTest(name, async (t, b) => { ... })` (options as for launch,
 * plus node:test's `timeout`). On failure error.txt is saved beside page.html and console.log.
 */
export function browserTest(name, optionsOrFn, maybeFn) {
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
  const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  const { timeout = 180_000, ...launchOptions } = options;
  return nodeTest(name, { timeout }, async (t) => {
    const b = await launch(t, launchOptions);
    try {
      await fn(t, b);
    } catch (e) {
      await b.close(e);
      throw e;
    }
  });
}
