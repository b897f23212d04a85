// The student's journey in a real browser, and the bad input that concerns it.
// Set up through the API (the platform admin creates an organization and invites an instructor
// and a trainee; the instructor publishes a course whose quiz has a question of every kind and a
// course that requires it), then in Chromium the trainee finds the course in the catalog, sees
// the prerequisite refused, enrolls, completes a lesson, takes the quiz answering all nine kinds,
// submits with confirmation, reads the result and the review, sees progress with mastery and
// readiness charts, and the certificate with its public verification page (valid, then revoked).
// Bad input: a lost connection during autosave (retried, the trainee told), a 429 on autosave
// (its wait shown), a 401 mid-quiz (the session revoked; the answers are kept and saved after
// signing in again), and an answer after the deadline (the server's problem shown).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, browserTest, tokenMailedTo } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
const competency = 'ecommerce.listing_optimisation';
const studentEmail = 'mei@harbour.test';
let studentPassword = 'a long trainee passphrase';
const instructorEmail = 'lin@harbour.test';
const instructorPassword = 'a long instructor passphrase';
/** @type {{ root: string, instructor: string, org: string, course: string, quiz: string, advanced: string }} */
const ids = /** @type {any} */ ({});

/** A JSON call to the API; throws with the problem on a non-2xx answer. */
async function call(token, method, path, body) {
  const res = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function login(email, password) {
  return (await call(null, 'POST', '/auth/login', { email, password })).access_token;
}

/** Invites `email` into the organization as `role` and accepts from the emailed link. */
async function invite(email, role, password, name) {
  await call(ids.root, 'POST', `/orgs/${ids.org}/members`, { email, role });
  const token = await tokenMailedTo(server.mailDir, email);
  await call(null, 'POST', '/invitations/accept', { token, password, display_name: name });
}

const questions = [
  {
    kind: 'single_choice', id: 'title-length', prompt: 'Which title fits the marketplace limit?',
    competencies: [competency],
    options: [{ id: 'a', text: 'About 80 characters' }, { id: 'b', text: 'About 800 characters' }],
    answer: 'a',
  },
  {
    kind: 'multiple_choice', id: 'bullet-content', prompt: 'What belongs in the bullet points?',
    competencies: [competency],
    options: [
      { id: 'a', text: 'Material and size' },
      { id: 'b', text: 'Use and care' },
      { id: 'c', text: "A competitor's brand" },
    ],
    answers: ['a', 'b'],
  },
  {
    kind: 'true_false', id: 'keyword-stuffing', prompt: 'Repeating a keyword ten times helps ranking.',
    competencies: [competency], answer: false, feedback: 'Marketplaces demote stuffed titles.',
  },
  {
    kind: 'short_text', id: 'abbreviation', prompt: 'What does SKU stand for?',
    competencies: [competency], accepted: ['stock keeping unit'], case_sensitive: false,
  },
  {
    kind: 'numeric', id: 'image-count', prompt: 'How many images does a listing of 7 show if 2 are removed?',
    competencies: [competency], answer: 5, tolerance: 0, tolerance_kind: 'absolute',
  },
  {
    kind: 'ordering', id: 'launch-steps', prompt: 'Put the launch steps in order.',
    competencies: [competency],
    items: [
      { id: 'research', text: 'Research keywords' },
      { id: 'write', text: 'Write the listing' },
      { id: 'publish', text: 'Publish' },
    ],
  },
  {
    kind: 'matching', id: 'field-purpose', prompt: 'Match each field with its purpose.',
    competencies: [competency],
    left: [{ id: 'title', text: 'Title field' }, { id: 'backend', text: 'Search terms' }],
    right: [{ id: 'shown', text: 'Shown to buyers' }, { id: 'hidden', text: 'Hidden from buyers' }],
    answer: { title: 'shown', backend: 'hidden' },
  },
  {
    kind: 'calculated', id: 'margin', prompt: 'A product sells for {price} and costs {cost}. What is the margin?',
    competencies: [competency], formula: 'price - cost',
    variables: [
      { name: 'price', min: 20, max: 30, decimals: 0 },
      { name: 'cost', min: 5, max: 10, decimals: 0 },
    ],
    tolerance: 0.01, tolerance_kind: 'absolute',
  },
  {
    kind: 'essay', id: 'improve-listing', prompt: 'Rewrite a weak title and say why yours is better.',
    competencies: [competency], rubric: 'Names the product, its key attribute and stays within the limit.',
    points: 2,
  },
];

/**
 * A published course of the organization with one module, one lesson and a quiz.
 * @returns {Promise<{ course: string, quiz: string, lesson: string }>}
 */
async function publishCourse(token, { slug, title, prerequisites = [], quiz = {}, qs = questions, markets = ['US'] }) {
  const course = await call(token, 'POST', '/courses', {
    slug, title, summary: `${title}: titles, bullets and images for marketplace listings.`,
    language: 'en', level: 'beginner', estimated_hours: 1, competencies: [competency], markets,
    prerequisites, org_id: ids.org,
  });
  const module = await call(token, 'POST', `/courses/${course.id}/modules`, { slug: 'titles', title: 'Titles' });
  const lesson = await call(token, 'POST', `/modules/${module.id}/lessons`, {
    slug: 'title-rules', title: 'Title rules', minutes: 10, competencies: [competency],
    body: '# Title rules\n\nLead with the **product** and its key attribute.\n\n<script>window.pwned = 1</script>\n\n## Sources\n\n- A marketplace style guide.\n',
  });
  const created = await call(token, 'POST', `/modules/${module.id}/quizzes`, {
    slug: 'check', title: `${title} check`, passing_score: 0.5, attempt_limit: 0, time_limit_minutes: 0,
    shuffle_questions: false, shuffle_options: false, grading_method: 'highest', review: 'immediately', draw: 0,
    ...quiz,
  });
  for (const q of qs) await call(token, 'POST', `/quizzes/${created.id}/questions`, q);
  const problems = await call(token, 'GET', `/courses/${course.id}/problems`);
  assert.ok(problems.publishable, JSON.stringify(problems));
  await call(token, 'POST', `/courses/${course.id}/publish`);
  return { course: course.id, quiz: created.id, lesson: lesson.id };
}

/** Signs in through the app's sign-in screen. */
async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The list item of the quiz question whose prompt contains `text`. */
function question(page, text) {
  return page.getByRole('listitem').filter({ hasText: text }).first();
}

/** Answers the nine questions of the listing quiz, each with its own input. */
async function answerAll(page) {
  await question(page, 'Which title fits').getByRole('radio', { name: 'About 80 characters' }).check();
  const bullets = question(page, 'What belongs in the bullet points?');
  await bullets.getByRole('checkbox', { name: 'Material and size' }).check();
  await bullets.getByRole('checkbox', { name: 'Use and care' }).check();
  await question(page, 'Repeating a keyword').getByRole('radio', { name: 'False' }).check();
  await question(page, 'What does SKU stand for?').getByLabel('Your answer').fill('Stock Keeping Unit');
  await question(page, 'How many images').getByLabel('Your answer (a number)').fill('5');
  // Ordering: the items come shuffled; move each into place with the arrow buttons.
  const steps = question(page, 'Put the launch steps in order.');
  const want = ['Research keywords', 'Write the listing', 'Publish'];
  for (let i = 0; i < want.length; i++) {
    for (let guard = 0; guard < 5; guard++) {
      const now = (await steps.getByRole('listitem').allTextContents()).map((s) => s.replace(/[↑↓]/g, '').trim());
      const at = now.indexOf(want[i]);
      if (at === i) break;
      await steps.getByRole('button', { name: `Move “${want[i]}” up` }).click();
    }
  }
  const answered = await steps.getByRole('button', { name: 'Answer with this order' }).count();
  if (answered) await steps.getByRole('button', { name: 'Answer with this order' }).click();
  const match = question(page, 'Match each field');
  await match.getByLabel('Title field').selectOption({ label: 'Shown to buyers' });
  await match.getByLabel('Search terms').selectOption({ label: 'Hidden from buyers' });
  const margin = question(page, 'A product sells for');
  const prompt = await margin.textContent();
  const m = /sells for ([\d.]+) and costs ([\d.]+)/.exec(prompt || '');
  assert.ok(m, `the calculated prompt shows its drawn values: ${prompt}`);
  await margin.getByLabel('Your answer (a number)').fill(String(Number(m[1]) - Number(m[2])));
  await question(page, 'Rewrite a weak title').getByLabel('Your essay').fill('Cotton T-shirt, crew neck, size M: names the product and its fit.');
}

before(async () => {
  server = await startServer({ seedCatalog: false, env: { CARAVAN_ACCESS_TOKEN_TTL_SECS: '6' } });
  ids.root = await login(server.adminEmail, server.adminPassword);
  ids.org = (await call(ids.root, 'POST', '/orgs', { name: 'Harbour Vocational College', slug: 'harbour', kind: 'vocational_college' })).id;
  await invite(instructorEmail, 'instructor', instructorPassword, 'Lin Instructor');
  await invite(studentEmail, 'student', studentPassword, 'Mei Trainee');
  ids.instructor = await login(instructorEmail, instructorPassword);
  const basics = await publishCourse(ids.instructor, { slug: 'listing-basics', title: 'Listing basics' });
  ids.course = basics.course;
  ids.quiz = basics.quiz;
  ids.advanced = (await publishCourse(ids.instructor, {
    slug: 'listing-advanced', title: 'Listing in depth', prerequisites: ['listing-basics'], qs: questions.slice(0, 1),
  })).course;
});

after(async () => {
  await server?.stop();
});

browserTest('a trainee finds a course, enrolls, learns, takes a quiz of all nine kinds and gets the certificate', async (t, b) => {
  const { page, shot } = b;
  {
    await page.goto(`${server.base}/#/sign-in`);
    await signIn(page, studentEmail, studentPassword);
    await page.goto(`${server.base}/#/catalog`);
    await page.getByRole('heading', { level: 1, name: 'Course catalog' }).waitFor();
    await page.getByRole('link', { name: 'Listing basics' }).waitFor();
    await shot('catalog');

    // Search and filters: words, level, teaching language, market.
    await page.getByLabel('Search courses').fill('depth');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: 'Listing in depth' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Listing basics' }).count(), 0);
    await page.getByLabel('Search courses').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Level').selectOption('beginner');
    await page.getByLabel('Teaching language').selectOption('en');
    await page.getByLabel('Target market').selectOption('US');
    await page.getByRole('link', { name: 'Listing basics' }).waitFor();
    await page.getByLabel('Teaching language').selectOption('ru');
    await page.getByText('No course matches these filters').waitFor();
    await shot('catalog-filtered-empty');
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // The advanced course names its prerequisite, and enrolling is refused with the problem.
    await page.getByRole('link', { name: 'Listing in depth' }).click();
    await page.getByRole('heading', { name: 'Prerequisites' }).waitFor();
    await page.getByRole('link', { name: 'Listing basics' }).waitFor();
    await page.getByRole('button', { name: 'Enroll in this course' }).click();
    await page.getByText('You cannot enroll yet').waitFor();
    await shot('prerequisite-missing');

    // Enroll in the basics.
    await page.getByRole('link', { name: 'Listing basics' }).click();
    await page.getByRole('heading', { level: 1, name: 'Listing basics' }).waitFor();
    await shot('course');
    await page.getByRole('button', { name: 'Enroll in this course' }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
    await shot('course-enrolled');

    // The lesson is the server's sanitized HTML: headings and bold, and no script.
    await page.getByRole('link', { name: 'Title rules' }).click();
    await page.getByRole('heading', { level: 2, name: 'Sources' }).waitFor();
    assert.equal(await page.locator('article strong').first().textContent(), 'product');
    assert.equal(await page.evaluate(() => /** @type {any} */ (window).pwned), undefined);
    assert.equal(await page.locator('article script').count(), 0);
    await page.getByRole('button', { name: 'Mark this lesson as complete' }).click();
    await page.getByText(/Lesson completed on/).waitFor();
    await shot('lesson-completed');

    // The quiz: all nine kinds, autosaved.
    await page.getByRole('link', { name: 'Listing basics' }).click();
    await page.getByText('Done', { exact: false }).first().waitFor();
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.getByRole('heading', { name: 'Question 1 of 9' }).waitFor();
    await shot('quiz');
    await answerAll(page);
    await page.getByText('All answers saved.').waitFor();
    await page.getByText('You have answered 9 of 9 questions.').waitFor();
    await shot('quiz-answered');
    // The same screen on a phone.
    await page.setViewportSize({ width: 360, height: 740 });
    await shot('quiz-phone');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scrolling at 360 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Submit, confirm, result and review.
    await page.getByRole('button', { name: 'Submit answers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Submit your answers?' });
    await dialog.waitFor();
    await shot('quiz-confirm');
    await dialog.getByRole('button', { name: 'Submit now' }).click();
    await page.getByRole('heading', { name: 'Your result' }).waitFor();
    await page.getByText(/wait for an instructor/).waitFor();
    await page.getByRole('heading', { name: 'Review' }).waitFor();
    // The policy shows the right answers and the feedback.
    await page.getByText('Marketplaces demote stuffed titles.').waitFor();
    assert.equal(await page.getByText(/^Correct \(/).count(), 8, 'the eight keyed answers are right');
    await shot('quiz-result');

    // The instructor grades the essay; the course is complete and the certificate issued.
    const attemptId = /#\/attempts\/([0-9a-f-]+)/.exec(page.url())?.[1];
    assert.ok(attemptId);
    const instructor = await login(instructorEmail, instructorPassword);
    const attempt = await call(instructor, 'GET', `/attempts/${attemptId}`);
    const essay = attempt.questions.find((q) => q.kind === 'essay');
    await call(instructor, 'POST', `/attempts/${attemptId}/grades`, { question_id: essay.question_id, score: 2, comment: 'Clear.' });

    // Progress: per course, mastery by area, readiness per market once one is chosen.
    await page.getByRole('link', { name: 'My progress' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'My progress' }).waitFor();
    await page.getByRole('figure', { name: /Mastery by competency area/ }).waitFor();
    await page.getByRole('checkbox', { name: 'United States' }).check();
    await page.getByRole('button', { name: 'Save target markets' }).click();
    await page.getByRole('figure', { name: /Readiness per target market/ }).waitFor();
    await shot('progress');

    // Certificates: listed with the public link; the public page verifies without signing in.
    await page.getByRole('link', { name: 'Certificates' }).first().click();
    await page.getByRole('heading', { name: 'Listing basics' }).waitFor();
    await shot('certificates');
    const link = await page.getByLabel('Link for employers').inputValue();
    assert.match(link, /\/#\/verify\/[0-9a-f-]+$/);
    const certId = link.split('/').pop();
    const visitor = await launch('student-certificate-verification-by-a-visitor');
    try {
      await visitor.page.goto(link);
      await visitor.page.getByText('Valid certificate').waitFor();
      await visitor.page.getByText('Mei Trainee').waitFor();
      await visitor.shot('verify-valid');
      await call(await login(server.adminEmail, server.adminPassword), 'POST', `/certificates/${certId}/revoke`, { reason: 'Issued in error.' });
      await visitor.page.reload();
      await visitor.page.getByText('Revoked certificate').waitFor();
      await visitor.page.getByText('Issued in error.').waitFor();
      await visitor.shot('verify-revoked');
    } finally {
      await visitor.close();
    }
  }
});

browserTest('the student screens speak Chinese', { locale: 'zh-CN' }, async (t, b) => {
  const { page, shot } = b;
  {
    await page.goto(`${server.base}/#/catalog`);
    await page.getByRole('heading', { level: 1, name: '课程目录' }).waitFor();
    await page.getByLabel('授课语言').waitFor();
    await shot('catalog-zh');
    await page.getByLabel('难度').selectOption('beginner');
    await page.getByText('目前还没有发布的课程').or(page.getByText('没有符合条件的课程')).first().waitFor();
    await page.goto(`${server.base}/#/verify/0190aaaa-0000-7000-8000-000000000000`);
    await page.getByText('未知证书').waitFor();
    await shot('verify-unknown-zh');
  }
});

browserTest('autosave: a lost connection is retried and the trainee told; a 429 shows its wait; a 401 mid-quiz keeps the answers; a 422 is shown beside its question', async (t, b) => {
  const { page, shot } = b;
  {
    await page.goto(`${server.base}/#/sign-in`);
    await signIn(page, studentEmail, studentPassword);
    // Enrolled already when the journey ran before; else through the API.
    await call(await login(studentEmail, studentPassword), 'POST', `/courses/${ids.course}/enroll`).catch(() => {});
    await page.goto(`${server.base}/#/courses/${ids.course}`);
    await page
      .getByRole('button', { name: /Take the quiz again|Start the quiz/ })
      .or(page.getByRole('link', { name: 'Continue the quiz' }))
      .click();
    await page.getByRole('heading', { name: 'Question 1 of 9' }).waitFor();
    const attemptId = /#\/attempts\/([0-9a-f-]+)/.exec(page.url())?.[1];
    // The course page links the open attempt (its progress names it): leaving and coming back
    // resumes the same attempt.
    await page.goto(`${server.base}/#/courses/${ids.course}`);
    await page.getByRole('link', { name: 'Continue the quiz' }).click();
    await page.getByRole('heading', { name: 'Question 1 of 9' }).waitFor();
    assert.equal(/#\/attempts\/([0-9a-f-]+)/.exec(page.url())?.[1], attemptId);
    const saved = async () => (await call(await login(studentEmail, studentPassword), 'GET', `/attempts/${attemptId}`)).answers;

    // Lost connection: the save request fails; the trainee is told and it is retried.
    await page.route('**/api/v1/attempts/*/answers', (route) => route.abort('internetdisconnected'));
    await question(page, 'Which title fits').getByRole('radio', { name: 'About 80 characters' }).check();
    await page.getByText(/Not saved yet: no connection to the server\. Retrying in/).waitFor();
    await shot('autosave-offline');
    await page.unroute('**/api/v1/attempts/*/answers');
    await page.getByText('All answers saved.').waitFor({ timeout: 20000 });
    const singleId = Object.keys(await saved());
    assert.equal(singleId.length, 1, 'the answer reached the server after the retry');

    // 429: the wait from Retry-After is shown, then the save goes through.
    let limited = false;
    await page.route('**/api/v1/attempts/*/answers', (route) => {
      if (limited) return route.continue();
      limited = true;
      return route.fulfill({
        status: 429,
        headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '2' },
        body: JSON.stringify({ type: 'about:blank', title: 'Too many requests', status: 429, detail: 'Slow down.', code: 'rate_limited' }),
      });
    });
    await question(page, 'What does SKU stand for?').getByLabel('Your answer').fill('Stock Keeping Unit');
    await page.getByText(/the server asks to wait\. Retrying in 2 s/).waitFor();
    await shot('autosave-429');
    await page.getByText('All answers saved.').waitFor({ timeout: 15000 });
    await page.unroute('**/api/v1/attempts/*/answers');

    // 401 mid-quiz: every session of the trainee is revoked (a password reset), the access
    // token runs out; the next save is refused and the session ends. The answer stays on the
    // device and is saved after signing in again.
    await call(null, 'POST', '/auth/password-reset', { email: studentEmail });
    const resetToken = await tokenMailedTo(server.mailDir, studentEmail, '/reset-password');
    const newPassword = 'a new long trainee passphrase';
    await call(null, 'POST', '/auth/password-reset/confirm', { token: resetToken, new_password: newPassword });
    studentPassword = newPassword;
    // The access token in the page stays valid until it expires (with 30 s of leeway beyond its
    // few seconds); the server's answer to an expired one is played here at once: 401, after
    // which the app's refresh, which is real, is refused because the session was revoked.
    await page.route('**/api/v1/attempts/*/answers', (route) =>
      route.fulfill({
        status: 401,
        headers: { 'Content-Type': 'application/problem+json' },
        body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'The access token is missing, invalid or expired.', code: 'invalid_token' }),
      }));
    await question(page, 'How many images').getByLabel('Your answer (a number)').fill('5');
    await page.getByLabel('Password', { exact: true }).waitFor({ timeout: 15000 });
    await page.unroute('**/api/v1/attempts/*/answers');
    await shot('session-expired');
    assert.equal(Object.keys(await saved()).length, 2, 'the server does not have the third answer yet');
    await signIn(page, studentEmail, studentPassword);
    await page.getByRole('heading', { name: 'Question 1 of 9' }).waitFor();
    assert.equal(await question(page, 'How many images').getByLabel('Your answer (a number)').inputValue(), '5');
    await page.getByText('All answers saved.').waitFor({ timeout: 15000 });
    await shot('session-restored');
    const answers = await saved();
    assert.equal(Object.keys(answers).length, 3, `the answer kept through the expired session is saved: ${JSON.stringify(answers)}`);

    // A response the server refuses (422) is shown beside its question; the others still save.
    const margin = question(page, 'A product sells for');
    await margin.getByLabel('Your answer (a number)').fill('twelve');
    await margin.getByRole('alert').filter({ hasText: /must be a number/ }).waitFor();
    await page.getByText(/Not accepted \(1\): correct the answers marked below/).waitFor();
    await question(page, 'Rewrite a weak title').getByLabel('Your essay').fill('A title that names the product.');
    await page.waitForTimeout(1500);
    await shot('answer-refused-422');
    assert.equal(Object.keys(await saved()).length, 4, 'the essay is saved while the refused number is not');
    await margin.getByLabel('Your answer (a number)').fill('12');
    await page.getByText('All answers saved.').waitFor();
    assert.equal(Object.keys(await saved()).length, 5);
  }
});

browserTest('a quiz whose policy shows no results: the trainee is told, and no score or key appears', async (t, b) => {
  const { page, shot } = b;
  const hidden = await publishCourse(await login(instructorEmail, instructorPassword), {
    slug: 'listing-quiet', title: 'Listing quietly', qs: questions.slice(0, 3), quiz: { review: 'never' },
  });
  await call(await login(studentEmail, studentPassword), 'POST', `/courses/${hidden.course}/enroll`);
  await page.goto(`${server.base}/#/sign-in`);
  await signIn(page, studentEmail, studentPassword);
  await page.goto(`${server.base}/#/courses/${hidden.course}`);
  await page.getByRole('button', { name: 'Start the quiz' }).click();
  await page.getByRole('heading', { name: 'Question 1 of 3' }).waitFor();
  await question(page, 'Which title fits').getByRole('radio', { name: 'About 800 characters' }).check();
  await page.getByRole('button', { name: 'Submit answers' }).click();
  await page.getByRole('dialog').getByText('1 of 3 questions').waitFor();
  await page.getByRole('dialog').getByRole('button', { name: 'Submit now' }).click();
  await page.getByRole('heading', { name: 'Answers submitted' }).waitFor();
  await page.getByText('The quiz does not show results now.').waitFor();
  assert.equal(await page.getByText('Correct answer').count(), 0);
  assert.equal(await page.getByText(/^Score:/).count(), 0);
  await shot('result-hidden');
});

test('an answer after the deadline shows the server problem', { timeout: 180_000 }, async (t) => {
  // A quiz that closes 35 s from now: its attempts' deadline is the closing time.
  const closes = new Date(Date.now() + 35000).toISOString().replace(/\.\d+Z$/, 'Z');
  const timed = await publishCourse(await login(instructorEmail, instructorPassword), {
    slug: 'listing-timed', title: 'Listing sprint', qs: questions.slice(0, 2), quiz: { closes_at: closes },
  });
  const b = await launch(t);
  const { page, shot } = b;
  {
    await page.goto(`${server.base}/#/sign-in`);
    await signIn(page, studentEmail, studentPassword);
    await page.goto(`${server.base}/#/courses/${timed.course}`);
    await page.getByRole('button', { name: 'Enroll in this course' }).click();
    await page.getByText('You are enrolled in this course.').waitFor();
    await page.getByRole('button', { name: 'Start the quiz' }).click();
    await page.getByRole('timer').waitFor();
    assert.match((await page.getByRole('timer').textContent()) || '', /Time left: 0:[0-3]\d/);
    await shot('timed-quiz');
    // The connection drops before the deadline and comes back after it (and the grace).
    await page.route('**/api/v1/attempts/**', (route) => route.abort('internetdisconnected'));
    await question(page, 'Which title fits').getByRole('radio', { name: 'About 80 characters' }).check();
    await page.getByText('Time is up').waitFor({ timeout: 40000 });
    const wait = Date.parse(closes) + 32000 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    await page.unroute('**/api/v1/attempts/**');
    const retry = page.getByRole('button', { name: 'Retry now' });
    if (await retry.count()) await retry.first().click();
    else {
      await page.getByRole('button', { name: 'Submit answers' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Submit now' }).click();
    }
    await page.getByText(/The deadline \(.*\) has passed/).waitFor({ timeout: 20000 });
    await shot('after-deadline');
  }
});
