// Accounts in a real browser: register, verify from the mailed link, sign in, stay signed in
// across a reload, the access token refreshed silently when it expires, sign out; an expired or
// revoked session; the server's 422 beside its field; a 429 with its wait; password reset;
// invitations for new and existing accounts; the Chinese interface.
import assert from 'node:assert/strict';
import {
  startServer,
  browserTest,
  linkMailedTo,
  mailsTo,
  apiAs,
  createVerifiedUser,
  sleep,
  GOOD_PASSWORD,
} from './harness.mjs';

const ACCESS_KEY = 'caravan.access_token';
const REFRESH_KEY = 'caravan.refresh_token';

/** @param {import('playwright-core').Page} page */
const tokens = (page) =>
  page.evaluate(([a, r]) => ({ access: sessionStorage.getItem(a), refresh: localStorage.getItem(r) }), [ACCESS_KEY, REFRESH_KEY]);

/** @param {import('playwright-core').Page} page */
const hashOf = (page) => decodeURIComponent(new URL(page.url()).hash);

/** @param {import('playwright-core').Page} page */
async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Waits until the server refuses an access token (its lifetime and the clock leeway passed). */
async function untilRefused(base, accessToken) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const res = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
    if (res.status === 401) return;
    assert.equal(res.status, 200);
    if (Date.now() > deadline) throw new Error('the access token was never refused');
    await sleep(1000);
  }
}

browserTest('register, verify, sign in, reload, silent refresh, sign out', { timeout: 240_000 }, async (t, b) => {
  const server = await startServer({ env: { CARAVAN_ACCESS_TOKEN_TTL_SECS: '1' } });
  t.after(() => server.stop());
  const { page } = b;
  const email = `ana-${Date.now()}@caravan.test`;
  const name = 'Ana Lima';

  await page.goto(`${server.base}/`);
  await page.getByRole('link', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await b.shot('register');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.getByText(`We sent a link to ${email}`).waitFor();
  await b.shot('registered');

  // The emailed link opens the app at /verify-email?token=...
  const link = await linkMailedTo(server.mailDir, email, '/verify-email');
  assert.ok(link.startsWith(`${server.base}/verify-email?token=`), link);
  await page.goto(link);
  await page.getByText('Your email address is verified.').waitFor();
  assert.match(hashOf(page), /^#\/verify-email\?token=/);
  await b.shot('verified');

  await page.getByRole('link', { name: 'Sign in' }).last().click();
  await page.getByText('Your email address is verified. You can sign in now.').waitFor();
  await b.shot('sign-in');
  await signIn(page, email, GOOD_PASSWORD);
  const me = page.getByRole('link', { name });
  await me.waitFor();
  await b.shot('signed-in');
  const first = await tokens(page);
  assert.ok(first.access && first.refresh, 'both tokens are stored');

  // A reload keeps the session.
  await page.reload();
  await me.waitFor();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();

  // The access token expires; the next call refreshes it without the user noticing.
  await untilRefused(server.base, first.access);
  await me.click();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  await page.getByText(email, { exact: false }).first().waitFor();
  assert.equal(await page.getByRole('heading', { name: 'Sign in' }).count(), 0);
  const second = await tokens(page);
  assert.ok(second.access && second.access !== first.access, 'a new access token');
  assert.ok(second.refresh && second.refresh !== first.refresh, 'the refresh token rotated');
  await b.shot('profile-after-silent-refresh');

  // Sign out: the tokens are gone here and the session is revoked on the server.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  assert.deepEqual(await tokens(page), { access: null, refresh: null });
  const reuse = await fetch(`${server.base}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: second.refresh }),
  });
  assert.equal(reuse.status, 401, 'the signed-out refresh token no longer works');
  await b.shot('signed-out');

  // A protected route now leads to sign-in, and back after signing in.
  await page.goto(`${server.base}/#/profile`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByText('Please sign in to open that page.').waitFor();
  assert.equal(hashOf(page), '#/sign-in?next=/profile');
  await b.shot('protected-route-needs-sign-in');
  await signIn(page, email, GOOD_PASSWORD);
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
});

browserTest('a revoked session whose access token expired asks to sign in again, then returns to the route', { timeout: 180_000 }, async (t, b) => {
  const server = await startServer({ env: { CARAVAN_ACCESS_TOKEN_TTL_SECS: '1' } });
  t.after(() => server.stop());
  const user = await createVerifiedUser(server, { displayName: 'Bo Chen' });
  const { page } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await signIn(page, user.email, user.password);
  await page.getByRole('link', { name: 'Bo Chen' }).click();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();

  // The session is revoked elsewhere (signed out on another device), and the access token
  // expires while the page stays open.
  const { access, refresh } = await tokens(page);
  const out = await fetch(`${server.base}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ refresh_token: refresh }),
  });
  assert.equal(out.status, 204);
  await untilRefused(server.base, access);

  // The next call is refused, the refresh too: sign-in, with the notice, remembering the route.
  await page.getByLabel('Your name').fill('Bo Chen Renamed');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Your session expired. Sign in again to continue where you were.').waitFor();
  assert.equal(hashOf(page), '#/sign-in?expired=1&next=/profile');
  assert.deepEqual(await tokens(page), { access: null, refresh: null });
  await b.shot('session-expired');

  await signIn(page, user.email, user.password);
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  assert.equal(hashOf(page), '#/profile');
  await b.shot('back-where-it-was');
});

browserTest("the server's 422 and 409 appear beside the field they name", async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const taken = await createVerifiedUser(server);
  const { page } = b;
  await page.goto(`${server.base}/#/register`);
  await page.getByLabel('Your name').fill('Carla Souza');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('Please correct the fields marked below.').waitFor();

  const password = page.getByLabel('Password');
  assert.equal(await password.getAttribute('aria-invalid'), 'true');
  const passwordError = page.locator(`#${await password.getAttribute('aria-describedby').then((ids) => ids.split(' ').pop())}`);
  assert.match(await passwordError.innerText(), /at least 8 characters/);
  const emailField = page.getByLabel('Email');
  assert.equal(await emailField.getAttribute('aria-invalid'), 'true');
  const emailErrorId = (await emailField.getAttribute('aria-describedby')).split(' ').pop();
  assert.ok((await page.locator(`#${emailErrorId}`).innerText()).length > 0);
  await b.shot('register-422');

  // A taken address: 409, shown beside the email.
  await emailField.fill(taken.email);
  await password.fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.field-error', { hasText: 'An account with this email already exists.' }).waitFor();
  assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
  await b.shot('register-409');
});

browserTest('too many sign-in attempts show the wait from Retry-After', async (t, b) => {
  const server = await startServer({ env: { CARAVAN_LOGIN_LIMIT_PER_ACCOUNT: '2' } });
  t.after(() => server.stop());
  const user = await createVerifiedUser(server);
  const { page } = b;
  await page.goto(`${server.base}/#/sign-in`);
  for (let i = 0; i < 2; i++) {
    await signIn(page, user.email, 'not the password at all');
    await page.getByRole('alert').filter({ hasText: 'The email or password is not correct.' }).waitFor();
  }
  await b.shot('wrong-password');
  await signIn(page, user.email, 'not the password at all');
  const alert = page.getByRole('alert').filter({ hasText: /Too many attempts\. Please wait \d+ (s|min|h)/ });
  await alert.waitFor();
  await b.shot('rate-limited');
  // The right password is refused too until the wait is over.
  await signIn(page, user.email, user.password);
  await alert.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
});

browserTest('a forgotten password is reset from the mailed link', async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const user = await createVerifiedUser(server);
  const { page } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(user.email);
  await b.shot('forgot');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByText(`If ${user.email} has an account`).waitFor();
  await b.shot('forgot-sent');

  const link = await linkMailedTo(server.mailDir, user.email, '/reset-password');
  await page.goto(link);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  const fresh = 'copper-meadow-58-quill';
  await page.getByLabel('New password', { exact: true }).fill(fresh);
  await page.getByLabel('Repeat the new password').fill(`${fresh}x`);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('The two passwords are not the same.').waitFor();
  await b.shot('reset-mismatch');
  await page.getByLabel('Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('Your password is changed').waitFor();
  await b.shot('reset-done');

  // The link works once.
  await page.goto(link);
  await page.getByLabel('New password', { exact: true }).fill(fresh);
  await page.getByLabel('Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await page.getByText('This link is invalid, expired or was already used.').waitFor();

  await page.goto(`${server.base}/#/sign-in?reset=1`);
  await signIn(page, user.email, fresh);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
});

browserTest('an invitation is accepted by a new and by an existing account', async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const admin = await apiAs(server.base, server.adminEmail, server.adminPassword);
  const org = await admin.post('/orgs', { name: 'Shenzhen Vocational College', slug: 'szvc', kind: 'vocational_college' });
  const { page } = b;

  // A new address: the page asks for a name and a password, creates the account and signs in.
  const newcomer = `dara-${Date.now()}@caravan.test`;
  await admin.post(`/orgs/${org.id}/members`, { email: newcomer, role: 'student' });
  await page.goto(await linkMailedTo(server.mailDir, newcomer, '/invitations/accept'));
  await page.getByRole('heading', { name: 'Join your organization' }).waitFor();
  await b.shot('invitation');
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await page.getByText('This address has no Caravan account yet.').waitFor();
  await page.getByLabel('Your name').fill('Dara Okafor');
  await page.getByLabel('Password').fill(GOOD_PASSWORD);
  await b.shot('invitation-new-account');
  await page.getByRole('button', { name: 'Create account and join' }).click();
  await page.getByRole('link', { name: 'Dara Okafor' }).click();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  await page.getByText('Shenzhen Vocational College').first().waitFor();
  await b.shot('invitation-joined-profile');
  await page.getByRole('button', { name: 'Sign out' }).click();

  // An existing account joins with the link alone.
  const existing = await createVerifiedUser(server, { displayName: 'Eli Park' });
  await admin.post(`/orgs/${org.id}/members`, { email: existing.email, role: 'instructor' });
  await page.goto(await linkMailedTo(server.mailDir, existing.email, '/invitations/accept'));
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await page.getByText('You joined the organization.').waitFor();
  await page.getByText('Shenzhen Vocational College').first().waitFor();
  await b.shot('invitation-existing-joined');
  await page.getByRole('link', { name: 'Sign in to continue' }).click();
  await signIn(page, existing.email, existing.password);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
});

browserTest('a Chinese browser gets the Chinese interface, and the switch is remembered', { locale: 'zh-CN' }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const { page } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.getByLabel('邮箱').waitFor();
  await page.getByLabel('密码').waitFor();
  await b.shot('sign-in-zh');
  await page.getByRole('main').getByRole('link', { name: '注册账号' }).click();
  await page.getByRole('heading', { name: '创建账号' }).waitFor();
  await page.getByRole('button', { name: '创建账号' }).click();
  await page.getByText('请更正下面标出的字段。').waitFor();
  await page.getByText('至少需要 8 个字符。').waitFor();
  await b.shot('register-zh');

  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.reload();
  await page.getByRole('heading', { name: 'Create your account' }).waitFor();
  await b.shot('switched-to-english');
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '创建账号' }).waitFor();
  assert.equal(await page.getByRole('button', { name: '中文' }).getAttribute('aria-pressed'), 'true');
});

browserTest('the account screens work on a phone', { viewport: { width: 360, height: 740 } }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const user = await createVerifiedUser(server, { displayName: 'Fay Ngata' });
  const { page } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at 360 px (${overflow} px too wide)`);
  await b.shot('phone-sign-in');
  await signIn(page, user.email, user.password);
  await page.waitForFunction(() => !location.hash.startsWith('#/sign-in'));
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await b.shot('phone-menu');
  await page.getByRole('link', { name: 'Fay Ngata' }).click();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow2 <= 0, `no horizontal scrolling on the profile (${overflow2} px too wide)`);
  await b.shot('phone-profile');
  // Keyboard: the sign-out button is reachable and works with Enter.
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('button', { name: 'Sign out' }).focus();
  await page.keyboard.press('Enter');
  await page.getByText('You are signed out.').waitFor();
});

browserTest('two tabs share the session: a new tab is signed in, signing out in one signs out both', async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const user = await createVerifiedUser(server, { displayName: 'Gil Tabs' });
  const { page, context } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await signIn(page, user.email, user.password);
  await page.getByRole('link', { name: 'Gil Tabs' }).waitFor();

  // A second tab starts without an access token; it trades the shared refresh token for its own.
  const other = await context.newPage();
  await other.goto(`${server.base}/#/profile`);
  await other.getByRole('heading', { name: 'Your profile' }).waitFor();
  // The first tab still works after the rotation (its next refresh uses the newest token).
  await page.getByRole('link', { name: 'Gil Tabs' }).click();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();

  await other.getByRole('button', { name: 'Sign out' }).click();
  await other.getByText('You are signed out.').waitFor();
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
  await b.shot('other-tab-signed-out');
  await other.close();
});

browserTest('the profile saves name and language, and the password changes without signing out', async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const user = await createVerifiedUser(server, { displayName: 'Hana Profile' });
  const { page } = b;
  await page.goto(`${server.base}/#/profile`);
  await signIn(page, user.email, user.password);
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();

  await page.getByLabel('Your name').fill('Hana P.');
  await page.getByLabel('Germany (DE)').check();
  await page.getByLabel('Preferred language').selectOption('zh-CN');
  await page.getByRole('button', { name: 'Save' }).click();
  // Saving the preference switches the interface.
  await page.getByRole('heading', { name: '个人资料' }).waitFor();
  await page.getByRole('link', { name: 'Hana P.' }).waitFor();
  await b.shot('profile-saved-zh');
  const me = await (await apiAs(server.base, user.email, user.password)).get('/me');
  assert.equal(me.display_name, 'Hana P.');
  assert.equal(me.locale, 'zh-CN');
  assert.deepEqual(me.target_markets, ['DE']);
  await page.getByRole('button', { name: 'English' }).click();

  // A wrong current password is named beside its field.
  const fresh = 'amber-glacier-41-violin';
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill(fresh);
  await page.getByLabel('Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.locator('.field-error', { hasText: 'The current password is not correct.' }).waitFor();
  assert.equal(await page.getByLabel('Current password').getAttribute('aria-invalid'), 'true');
  await b.shot('password-wrong-current');

  // The change ends every session on the server; this one goes on with a fresh sign-in.
  const before = await tokens(page);
  await page.getByLabel('Current password').fill(user.password);
  await page.getByLabel('New password', { exact: true }).fill(fresh);
  await page.getByLabel('Repeat the new password').fill(fresh);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Your password is changed.').waitFor();
  const after = await tokens(page);
  assert.notEqual(after.refresh, before.refresh);
  await page.reload();
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  await b.shot('password-changed');
});

browserTest('sign-in works from the keyboard and says so when the server cannot be reached', async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const user = await createVerifiedUser(server, { displayName: 'Ivo Keys' });
  const { page, context } = b;
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  // The connection drops: the form says so and keeps what was typed.
  await context.setOffline(true);
  await page.getByLabel('Email').focus();
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'password');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'The server could not be reached.' }).waitFor();
  assert.equal(await page.getByLabel('Email').inputValue(), user.email);
  await b.shot('offline');

  // Back online, Enter signs in.
  await context.setOffline(false);
  await page.getByLabel('Password', { exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: 'Ivo Keys' }).waitFor();
  await b.shot('signed-in-by-keyboard');
});

browserTest('a lost verification link is sent again from the banner and from a spent link', { timeout: 120_000 }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const { page } = b;
  const email = `late-${Date.now()}@caravan.test`;
  const name = 'Lea Late';
  const anonymous = await apiAs(server.base, null);
  await anonymous.post('/auth/register', { email, display_name: name, password: GOOD_PASSWORD });
  const first = await linkMailedTo(server.mailDir, email, '/verify-email');

  // Signed in but not verified: the banner offers a new link.
  await page.goto(`${server.base}/#/sign-in`);
  await signIn(page, email, GOOD_PASSWORD);
  await page.getByRole('link', { name }).waitFor();
  await page.getByText(`Your email address is not verified yet`).waitFor();
  await b.shot('unverified-banner');
  await page.getByRole('button', { name: 'Send the link again' }).first().click();
  await page.getByText(`If ${email} belongs to an account that is not verified yet, a new link is on its way.`).first().waitFor();
  await b.shot('link-sent-again');
  let second = first;
  for (let i = 0; i < 100 && second === first; i++) {
    second = await linkMailedTo(server.mailDir, email, '/verify-email');
    if (second === first) await sleep(100);
  }
  assert.notEqual(second, first, 'a new link was mailed');

  // Signed out, a spent link asks for the address to send a new one to.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
  await page.goto(second);
  await page.getByText('Your email address is verified.').waitFor();
  await page.goto(second);
  await page.getByRole('heading', { name: 'Need a new link?' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send the link again' }).click();
  await page.getByText(`If ${email} belongs to an account that is not verified yet, a new link is on its way.`).waitFor();
  await b.shot('spent-link-resend');
  // Verified already: the screen says the same, and the server sends nothing more.
  await sleep(1000);
  assert.equal(mailsTo(server.mailDir, email).length, 2, 'the registration link and one more');
});
