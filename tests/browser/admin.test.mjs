// A college admin in a real browser: imports members from a CSV file (a bad row is refused with
// the per-row report, then the corrected file goes in), invites a member (a bad address is
// refused beside its field), creates a cohort, adds members and enrolls it in a course, reads the
// progress and competency reports and downloads the progress report as CSV; the admin screens in
// Chinese; a platform admin creates an organization and picks it.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, browserTest, apiAs, tokenMailedTo, linkMailedTo, GOOD_PASSWORD } from './harness.mjs';

const COMPETENCY = 'ecommerce.listing_optimisation';

/**
 * The world the admin works in, set up through the API: an organization with its org admin (who
 * accepted the emailed invitation) and a small published platform-wide course.
 * @param {{ base: string, mailDir: string, adminEmail: string, adminPassword: string }} server
 */
async function setUp(server) {
  const root = await apiAs(server.base, server.adminEmail, server.adminPassword);
  const org = await root.post('/orgs', { name: 'Harbour Vocational College', slug: 'harbour', kind: 'vocational_college' });
  const adminEmail = 'dean@harbour.test';
  await root.post(`/orgs/${org.id}/members`, { email: adminEmail, role: 'org_admin' });
  const token = await tokenMailedTo(server.mailDir, adminEmail, '/invitations/accept');
  const anon = await apiAs(server.base, null);
  await anon.post('/invitations/accept', { token, password: GOOD_PASSWORD, display_name: 'Dean Harbour' });

  const course = await root.post('/courses', {
    slug: 'listing-basics', title: 'Listing basics', summary: 'Titles, bullets and images.',
    language: 'en', level: 'beginner', estimated_hours: 1, competencies: [COMPETENCY],
  });
  const module = await root.post(`/courses/${course.id}/modules`, { slug: 'titles', title: 'Titles' });
  const lesson = await root.post(`/modules/${module.id}/lessons`, {
    slug: 'title-rules', title: 'Title rules', minutes: 10, competencies: [COMPETENCY],
    body: '# Title rules\n\nLead with the product and its key attribute.\n\n## Sources\n\n- A marketplace style guide.\n',
  });
  const quiz = await root.post(`/modules/${module.id}/quizzes`, {
    slug: 'check', title: 'Check', passing_score: 0.5, attempt_limit: 0, time_limit_minutes: 0,
    shuffle_questions: false, shuffle_options: false, grading_method: 'highest', review: 'immediately', draw: 0,
  });
  await root.post(`/quizzes/${quiz.id}/questions`, {
    kind: 'single_choice', id: 'title-length', prompt: 'Which title fits the marketplace limit?',
    competencies: [COMPETENCY],
    options: [{ id: 'a', text: 'About 80 characters' }, { id: 'b', text: 'About 800 characters' }],
    answer: 'a',
  });
  await root.post(`/courses/${course.id}/publish`);
  return { root, anon, org, adminEmail, course, lesson, quiz };
}

/** @param {import('playwright-core').Page} page */
async function signIn(page, base, email, password) {
  await page.goto(`${base}/#/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

// Saved the way Excel saves CSV on Windows: CRLF line ends.
const BAD_CSV = [
  'email,display_name,role,cohort',
  'mei.chen@harbour.test,Mei Chen,student,Spring 2027',
  'not-an-email,Broken Row,student,Spring 2027',
  'li.wang@harbour.test,Li Wang,student,Spring 2027',
  '',
].join('\r\n');

// The corrected file as Excel on Chinese Windows saves it: GBK, CRLF; Mei's name in Chinese
// (陈美 is B3 C2 C3 C0 in GBK).
const GOOD_CSV = Buffer.concat([
  Buffer.from('email,display_name,role,cohort\r\nmei.chen@harbour.test,'),
  Buffer.from([0xb3, 0xc2, 0xc3, 0xc0]),
  Buffer.from(',student,Spring 2027\r\nli.wang@harbour.test,Li Wang,student,Spring 2027\r\nomar.haddad@harbour.test,Omar Haddad,student,\r\n'),
]);

const TRAINEES = [
  { email: 'mei.chen@harbour.test', name: 'Mei Chen' },
  { email: 'li.wang@harbour.test', name: 'Li Wang' },
  { email: 'omar.haddad@harbour.test', name: 'Omar Haddad' },
];

browserTest('an org admin imports members, invites, builds a cohort, enrolls it and downloads the progress report', { timeout: 240_000 }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const { anon, org, adminEmail, course, lesson, quiz } = await setUp(server);
  const { page } = b;

  await signIn(page, server.base, adminEmail, GOOD_PASSWORD);
  await page.getByRole('link', { name: 'Members' }).first().click();
  await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  await page.getByText('Harbour Vocational College').first().waitFor();
  await page.getByRole('cell', { name: adminEmail }).waitFor();
  await b.shot('members');

  // The CSV import: one bad line refuses the whole file, and the report names the line and why.
  await page.getByRole('link', { name: 'Import members from a CSV file' }).click();
  await page.getByRole('heading', { name: 'Import members', level: 1 }).waitFor();
  await b.shot('import');
  await page.getByLabel('CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD_CSV) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const refused = page.getByRole('region', { name: 'Nothing was imported' });
  await refused.waitFor();
  await refused.getByText('1 line(s) have mistakes').waitFor();
  const badRow = refused.getByRole('row').filter({ hasText: 'not-an-email' });
  await badRow.getByRole('cell', { name: '3', exact: true }).waitFor();
  await badRow.getByText(/not a valid email address/).waitFor();
  await b.shot('import-refused-with-report');
  const membersNow = await (await apiAs(server.base, adminEmail, GOOD_PASSWORD)).get(`/orgs/${org.id}/members`);
  assert.equal(membersNow.items.length, 1, 'nothing was imported from the refused file');

  await page.getByLabel('CSV file').setInputFiles({ name: 'roster.csv', mimeType: 'text/csv', buffer: GOOD_CSV });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const report = page.getByRole('region', { name: 'Import report' });
  await report.waitFor();
  await report.getByText('Imported: 3 invited, 0 updated, 0 unchanged.').waitFor();
  await report.getByText('New cohorts: Spring 2027').waitFor();
  for (const [i, trainee] of TRAINEES.entries()) {
    const row = report.getByRole('row').filter({ hasText: trainee.email });
    await row.getByRole('cell', { name: 'Invited' }).waitFor();
    await row.getByRole('cell', { name: String(i + 2), exact: true }).waitFor();
  }
  await b.shot('import-applied');

  // The trainees accept their emailed invitations (their side, through the API).
  for (const trainee of TRAINEES) {
    const token = await tokenMailedTo(server.mailDir, trainee.email, '/invitations/accept');
    await anon.post('/invitations/accept', { token, password: GOOD_PASSWORD, display_name: trainee.name });
  }

  // Inviting: a bad address is refused beside the field; a good one is sent.
  await page.getByRole('link', { name: 'Members', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  await page.getByRole('cell', { name: 'omar.haddad@harbour.test' }).waitFor();
  const emailField = page.getByLabel('Email address');
  await emailField.fill('not-an-email');
  await page.getByLabel('Role', { exact: true }).selectOption('instructor');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('is not a valid email address').waitFor();
  assert.equal(await emailField.getAttribute('aria-invalid'), 'true');
  const describedBy = await emailField.getAttribute('aria-describedby');
  assert.ok(describedBy, 'the field names its error');
  assert.match(await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText(), /not a valid email address/);
  await b.shot('invite-422-beside-field');
  await emailField.fill('new.teacher@harbour.test');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await page.getByText('An invitation was sent to new.teacher@harbour.test').waitFor();
  assert.equal(await emailField.getAttribute('aria-invalid'), null);
  const teacherLink = await linkMailedTo(server.mailDir, 'new.teacher@harbour.test', '/invitations/accept');
  await b.shot('invite-sent');

  // Invited, not joined yet: the new invitation is listed (the trainees who accepted are not),
  // and withdrawing it stops its emailed link.
  const pending = page.getByRole('region', { name: 'Invited, not joined yet' });
  const teacherRow = pending.getByRole('row').filter({ hasText: 'new.teacher@harbour.test' });
  await teacherRow.getByRole('cell', { name: 'Instructor' }).waitFor();
  assert.equal(await pending.getByRole('row').filter({ hasText: 'mei.chen@harbour.test' }).count(), 0);
  await b.shot('pending-invitations');
  await teacherRow.getByRole('button', { name: 'Withdraw the invitation of new.teacher@harbour.test' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click();
  await page.getByText('The invitation of new.teacher@harbour.test was withdrawn.').waitFor();
  await pending.getByText('No invitations are waiting for an answer.').waitFor();
  await b.shot('invitation-withdrawn');
  const teacherToken = new URL(teacherLink).searchParams.get('token');
  const withdrawnAccept = await fetch(`${server.base}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: teacherToken, password: GOOD_PASSWORD, display_name: 'New Teacher' }),
  });
  assert.equal(withdrawnAccept.status, 400, 'the withdrawn link no longer works');

  // The CSV-made cohort holds the two trainees who accepted; a new cohort gets all three.
  await page.getByRole('link', { name: 'Cohorts' }).first().click();
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  await page.getByRole('row').filter({ hasText: 'Spring 2027' }).getByRole('cell', { name: '2', exact: true }).waitFor();
  await b.shot('cohorts');
  await page.getByLabel('Cohort name').fill('Evening class');
  await page.getByLabel('Description').fill('Tuesdays and Thursdays, 19:00');
  await page.getByRole('button', { name: 'Create cohort' }).click();
  await page.getByRole('heading', { name: 'Cohort: Evening class', level: 1 }).waitFor();
  await page.getByText('This cohort has no members yet.').waitFor();
  for (const trainee of TRAINEES) {
    await page.getByRole('checkbox', { name: `${trainee.name} (${trainee.email})` }).check();
  }
  await page.getByRole('button', { name: 'Add 3 selected' }).click();
  await page.getByText('3 member(s) added to the cohort.').waitFor();
  for (const trainee of TRAINEES) await page.getByRole('cell', { name: trainee.email }).waitFor();
  await b.shot('cohort-members');

  await page.getByLabel('Course', { exact: true }).selectOption({ label: 'Listing basics (en)' });
  await page.getByRole('button', { name: 'Enroll cohort' }).click();
  await page.getByText('Listing basics: 3 enrolled, 0 already enrolled.').waitFor();
  await b.shot('cohort-enrolled');

  // One trainee finishes the lesson and passes the quiz (their side), so the reports have
  // something to tell.
  const mei = await apiAs(server.base, TRAINEES[0].email, GOOD_PASSWORD);
  await mei.post(`/lessons/${lesson.id}/complete`);
  const attempt = await mei.post(`/quizzes/${quiz.id}/attempts`);
  const answers = attempt.questions.map((q) => ({ question_id: q.question_id, response: { choice: 'a' } }));
  const result = await mei.post(`/attempts/${attempt.id}/submit`, { answers });
  assert.equal(result.status, 'graded', JSON.stringify(result));

  // The progress report: filters, chart, table, and the CSV download.
  await page.getByRole('link', { name: 'Progress report' }).click();
  await page.getByRole('heading', { name: 'Progress report', level: 1 }).waitFor();
  await page.getByLabel('Cohort', { exact: true }).selectOption({ label: 'Spring 2027' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('2 row(s) shown').waitFor();
  await page.getByLabel('Cohort', { exact: true }).selectOption({ label: 'Evening class' });
  await page.getByLabel('Course', { exact: true }).selectOption({ label: 'Listing basics' });
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('3 row(s) shown').waitFor();
  await page.getByRole('img', { name: /Progress per trainee/ }).waitFor();
  const meiRow = page.getByRole('row').filter({ hasText: TRAINEES[0].email });
  await meiRow.getByRole('cell', { name: 'Completed' }).waitFor();
  assert.equal(await meiRow.getByRole('cell', { name: '100%' }).count(), 2, 'progress and quiz score');
  await b.shot('progress-report');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^progress-harbour-\d{4}-\d{2}-\d{2}\.csv$/);
  const file = await readFile(await download.path(), 'utf8');
  assert.ok(file.startsWith('\ufeff'), 'a byte-order mark for spreadsheet programs');
  const csv = file.slice(1);
  const lines = csv.trim().split(/\r?\n/);
  const header = lines[0].split(',');
  assert.ok(header.includes('email') && header.includes('course_slug') && header.includes('percent'), lines[0]);
  assert.equal(lines.length, 1 + TRAINEES.length, csv);
  for (const trainee of TRAINEES) assert.ok(csv.includes(trainee.email), `${trainee.email} in ${csv}`);
  const meiLine = lines.find((l) => l.includes(TRAINEES[0].email)) || '';
  const cells = meiLine.split(',');
  assert.equal(cells[header.indexOf('course_slug')], course.slug);
  assert.equal(Number(cells[header.indexOf('percent')]), 100);
  await page.getByText(/Saved as progress-harbour-/).waitFor();
  await b.shot('progress-report-downloaded');

  // The competency report, for one market.
  await page.getByRole('link', { name: 'Competency report' }).click();
  await page.getByRole('heading', { name: 'Competency report', level: 1 }).waitFor();
  await page.getByLabel('Market').selectOption('DE');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByRole('img', { name: /Average mastery per area/ }).waitFor();
  await page.getByRole('img', { name: /Readiness for Germany/ }).waitFor();
  const meiMastery = page.getByRole('row').filter({ hasText: TRAINEES[0].email });
  await meiMastery.getByText('1 of 5 mastered').first().waitFor();
  await b.shot('competency-report');
  const [competencies] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  assert.match(competencies.suggestedFilename(), /^competencies-harbour-\d{4}-\d{2}-\d{2}\.csv$/);
  const competencyCsv = (await readFile(await competencies.path(), 'utf8')).replace(/^\ufeff/, '');
  const competencyHeader = competencyCsv.split(/\r?\n/)[0].split(',');
  assert.ok(competencyHeader.includes('ecommerce') && competencyHeader.includes('email'), competencyHeader.join(','));
  for (const trainee of TRAINEES) assert.ok(competencyCsv.includes(trainee.email), `${trainee.email} in ${competencyCsv}`);

  // A date range that ends before it starts is refused beside the field, before asking the server.
  await page.getByLabel('Progress from').fill('2026-12-10');
  await page.getByLabel('Until').fill('2026-12-01');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByText('The last day must not be before the first day.').waitFor();
  assert.equal(await page.getByLabel('Until').getAttribute('aria-invalid'), 'true');
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // Roles and removal, where the API allows: not the last organization admin.
  await page.getByRole('link', { name: 'Members', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  await page.getByLabel('Role of Omar Haddad').selectOption('instructor');
  await page.getByRole('button', { name: 'Save the role of Omar Haddad' }).click();
  await page.getByText('Omar Haddad is now: Instructor.').waitFor();
  await page.getByLabel('Role of Dean Harbour').selectOption('student');
  await page.getByRole('button', { name: 'Save the role of Dean Harbour' }).click();
  await page.getByText('An organization needs at least one organization admin.').waitFor();
  await page.waitForFunction(() => {
    const select = /** @type {HTMLSelectElement|null} */ (document.querySelector('select[aria-label="Role of Dean Harbour"]'));
    return select && select.value === 'org_admin';
  });
  await b.shot('members-last-admin-kept');
  await page.getByRole('button', { name: 'Remove Li Wang' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove member?' });
  await dialog.getByText('Li Wang will leave Harbour Vocational College').waitFor();
  await b.shot('members-remove-confirm');
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  await page.getByText('Li Wang was removed.').waitFor();
  assert.equal(await page.getByRole('cell', { name: 'li.wang@harbour.test' }).count(), 0);
  const left = await (await apiAs(server.base, adminEmail, GOOD_PASSWORD)).get(`/orgs/${org.id}/members`);
  assert.deepEqual(left.items.map((m) => m.email).sort(), [adminEmail, 'mei.chen@harbour.test', 'omar.haddad@harbour.test']);
  assert.equal(left.items.find((m) => m.email === 'omar.haddad@harbour.test').role, 'instructor');
  await b.shot('members-after-changes');

  // A cohort loses a member, and another cohort is deleted (its members stay in the organization).
  await page.getByRole('link', { name: 'Cohorts', exact: true }).first().click();
  await page.getByRole('link', { name: 'Evening class' }).click();
  await page.getByRole('heading', { name: 'Cohort: Evening class', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Remove Omar Haddad from the cohort' }).click();
  await page.getByRole('dialog', { name: 'Remove from cohort?' }).getByRole('button', { name: 'Remove from cohort' }).click();
  await page.getByText('Omar Haddad left the cohort.').waitFor();
  await page.getByText('1 member(s)').first().waitFor(); // Li Wang left with the organization
  await page.getByRole('link', { name: '← All cohorts' }).click();
  await page.getByRole('link', { name: 'Spring 2027' }).click();
  await page.getByRole('heading', { name: 'Cohort: Spring 2027', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Delete cohort' }).click();
  await page.getByRole('dialog', { name: 'Delete cohort?' }).getByRole('button', { name: 'Delete cohort' }).click();
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Evening class' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Spring 2027' }).count(), 0);
  await b.shot('cohorts-after-changes');

  // The same screens on a phone.
  await page.setViewportSize({ width: 360, height: 740 });
  await b.shot('members-phone');
  await page.getByRole('link', { name: 'Progress report' }).click();
  await page.getByRole('heading', { name: 'Progress report', level: 1 }).waitFor();
  await page.getByRole('row').filter({ hasText: TRAINEES[0].email }).waitFor();
  await b.shot('progress-report-phone');
});

browserTest('the admin screens in Chinese', { timeout: 180_000, locale: 'zh-CN' }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const { adminEmail } = await setUp(server);
  const { page } = b;
  // The browser asks for Chinese: the interface follows.
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByRole('heading', { name: '登录', level: 1 }).waitFor();
  await page.getByLabel('邮箱').fill(adminEmail);
  await page.getByLabel('密码', { exact: true }).fill(GOOD_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('button', { name: '退出登录' }).or(page.getByRole('heading', { name: '成员管理' })).first().waitFor();
  await page.getByRole('link', { name: '成员' }).first().click();
  await page.getByRole('heading', { name: '成员管理', level: 1 }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  await page.getByRole('heading', { name: '邀请成员' }).waitFor();
  await page.getByLabel('邮箱地址').fill('not-an-email');
  await page.getByRole('button', { name: '发送邀请' }).click();
  await page.getByLabel('邮箱地址').and(page.locator('[aria-invalid="true"]')).waitFor();
  await page.getByText('不是有效的邮箱地址').waitFor();
  await page.getByRole('option', { name: '机构管理员' }).first().waitFor({ state: 'attached' });
  await b.shot('members-zh');
  await page.getByRole('link', { name: '学习进度报表' }).click();
  await page.getByRole('heading', { name: '学习进度报表', level: 1 }).waitFor();
  await page.getByRole('button', { name: '下载 CSV' }).waitFor();
  await page.getByLabel('班级').waitFor();
  await b.shot('progress-report-zh');
});

browserTest('a platform admin creates an organization and administers it', { timeout: 180_000 }, async (t, b) => {
  const server = await startServer();
  t.after(() => server.stop());
  const { page } = b;
  await signIn(page, server.base, server.adminEmail, server.adminPassword);
  await page.getByRole('link', { name: 'Organizations' }).first().click();
  await page.getByRole('heading', { name: 'Organizations', level: 1 }).waitFor();
  await b.shot('organizations');
  await page.getByLabel('Name', { exact: true }).first().fill('Silk Road Seller Academy');
  assert.equal(await page.getByLabel('Short name (slug)').inputValue(), 'silk-road-seller-academy');
  await page.getByLabel('Kind').first().selectOption('platform_academy');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByText('Silk Road Seller Academy was created.').waitFor();
  await page.getByRole('cell', { name: 'silk-road-seller-academy' }).waitFor();
  await b.shot('organization-created');

  // The same short name again: the conflict is shown beside the field.
  await page.getByLabel('Name', { exact: true }).first().fill('Silk Road Seller Academy');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.getByLabel('Short name (slug)').and(page.locator('[aria-invalid="true"]')).waitFor();
  await page.getByText('Another organization already uses this short name.').first().waitFor();
  await b.shot('organization-slug-taken');

  // Another organization exists (made through the API): the admin screens offer a choice.
  const root = await apiAs(server.base, server.adminEmail, server.adminPassword);
  await root.post('/orgs', { name: 'Harbour Vocational College', slug: 'harbour', kind: 'vocational_college' });

  await page.getByRole('button', { name: 'Administer Silk Road Seller Academy' }).click();
  await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
  await page.getByText('No members yet. Invite someone or import a list.').waitFor();
  const picker = page.getByLabel('Organization', { exact: true });
  assert.equal(await picker.locator('option:checked').innerText(), 'Silk Road Seller Academy');
  await b.shot('members-of-new-organization');

  await picker.selectOption({ label: 'Harbour Vocational College' });
  await page.getByText('No members yet. Invite someone or import a list.').waitFor();
  await page.getByRole('link', { name: 'Cohorts', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Organization', { exact: true }).locator('option:checked').innerText(), 'Harbour Vocational College');
  await page.reload();
  await page.getByRole('heading', { name: 'Cohorts', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Organization', { exact: true }).locator('option:checked').innerText(), 'Harbour Vocational College',
    'the choice is remembered');
  await b.shot('cohorts-of-chosen-organization');
});
