// The instructor's journey in a real browser: from an empty draft to a published course with a
// module, a lesson (Markdown with the server's preview) and a quiz with a question of each of the
// nine kinds; the problems that block publishing, fixed, then publishing; a 422 shown beside its
// field; grading an essay a student submitted; regrading; the quiz report with its chart and CSV;
// the screens in Chinese. Only what is not the subject is set up through the API (the college,
// the accounts, the student's attempt).

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, browserTest, tokenMailedTo, apiAs } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
const instructor = { email: 'ines.instructor@harbour.test', password: 'a long instructor passphrase', name: 'Ines Instructor' };
const student = { email: 'mei.trainee@harbour.test', password: 'a long trainee passphrase', name: 'Mei Trainee' };
/** Ids the journey learns on the way, for the tests after it. */
const ids = { course: '', quiz: '', org: '' };

/**
 * Waits until `fn` returns a truthy value (or throws after `ms`).
 * @template T @param {() => Promise<T>} fn @param {string} what @param {number} [ms]
 * @returns {Promise<T>}
 */
async function until(fn, what, ms = 10_000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Invites `who` into the org with `role` and accepts from the emailed link. */
async function member(admin, orgId, who, role) {
  await admin.post(`/orgs/${orgId}/members`, { email: who.email, role });
  const token = await tokenMailedTo(server.mailDir, who.email);
  const res = await fetch(`${server.base}/api/v1/invitations/accept`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token, password: who.password, display_name: who.name }),
  });
  assert.ok(res.ok, `accept invitation ${who.email}: ${res.status} ${await res.text()}`);
}

before(async () => {
  server = await startServer({ seedCatalog: false });
  const admin = await apiAs(server.base, server.adminEmail, server.adminPassword);
  const org = await admin.post('/orgs', { name: 'Harbour Vocational College', slug: 'harbour', kind: 'vocational_college' });
  ids.org = org.id;
  await member(admin, org.id, instructor, 'instructor');
  await member(admin, org.id, student, 'student');
});

after(async () => {
  await server?.stop();
});

/** Signs in through the sign-in screen. */
async function signIn(page, who) {
  await page.goto(`${server.base}/#/sign-in`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // An instructor's home is their courses.
  await page.waitForURL(/#\/author$/);
}

/** The route part of the page's address, e.g. `/author/courses/0190...`. */
function route(page) {
  return new URL(page.url()).hash.replace(/^#/, '');
}

/** Fills the new-question form with one question and adds it. */
async function addQuestion(page, n, fill) {
  const form = page.getByRole('region', { name: 'New question' });
  await fill(form);
  await form.getByRole('button', { name: 'Add question' }).click();
  await page.getByRole('heading', { name: `Questions (${n})` }).waitFor();
}

browserTest('an instructor builds a course from an empty draft and publishes it', async (t, { page, shot }) => {
  await signIn(page, instructor);
  await page.getByRole('link', { name: 'My courses' }).first().click();
  await page.getByRole('heading', { name: 'My courses', level: 1 }).waitFor();
  await page.getByText('You have no courses yet').waitFor();
  await shot('my-courses-empty');

  // An empty draft.
  await page.getByRole('link', { name: 'New course' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Listing basics');
  assert.equal(await page.getByLabel('Slug').inputValue(), 'listing-basics', 'the slug follows the title');
  await page.getByLabel('Summary', { exact: true }).fill('Titles, bullets and images.');
  await page.getByLabel('Level').selectOption('beginner');
  await page.getByLabel('Listing optimisation').check();
  await shot('new-course');
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.getByRole('heading', { name: 'Listing basics', level: 1 }).waitFor();
  ids.course = route(page).split('/').pop() ?? '';
  await page.getByText('No modules yet').waitFor();
  await shot('editor-empty-draft');

  // Course fields.
  await page.getByLabel('Summary', { exact: true }).fill('Titles, bullets and images that sell on EU marketplaces.');
  await page.getByLabel('Estimated hours').fill('2');
  await page.getByRole('group', { name: 'Target markets' }).getByText(/selected/).click();
  await page.getByLabel('Germany (DE)').check();
  await page.getByRole('button', { name: 'Save course details' }).click();
  await page.getByText('Saved as a draft.').waitFor();

  // A module.
  const newModule = page.getByRole('region', { name: 'Add a module' });
  await newModule.getByLabel('Module title').fill('Titles');
  await newModule.getByRole('button', { name: 'Add module' }).click();
  const module = page.getByRole('region', { name: '1. Titles' });
  await module.waitFor();
  await shot('editor-with-module');

  // A lesson, first without its sources; the preview is the server's rendering.
  await module.getByRole('link', { name: 'Add a lesson' }).click();
  await page.getByLabel('Lesson title').fill('Title rules');
  await page.getByLabel('Reading time (minutes)').fill('10');
  await page.getByLabel('Lesson text (Markdown)').fill(
    '# Title rules\n\nLead with the **product** and its key attribute.\n\n<script>window.pwned = true</script>\n',
  );
  await shot('new-lesson');
  await page.getByRole('button', { name: 'Save draft and preview' }).click();
  const preview = page.getByRole('region', { name: 'Preview' });
  await preview.getByRole('heading', { name: 'Title rules' }).waitFor();
  assert.equal(await preview.locator('strong').textContent(), 'product');
  assert.equal(await preview.locator('script').count(), 0, 'the sanitized HTML has no script');
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).pwned), undefined);
  await shot('lesson-preview');

  // A quiz with its settings.
  await page.getByRole('link', { name: 'Listing basics' }).click();
  await page.getByRole('region', { name: '1. Titles' }).getByRole('link', { name: 'Add a quiz' }).click();
  await page.getByLabel('Quiz title').fill('Check');
  await page.getByLabel('Passing score (%)').fill('50');
  await page.getByLabel('Attempts allowed').fill('0');
  await page.getByLabel('Shuffle the questions').uncheck();
  await page.getByLabel('Students see the answers').selectOption('immediately');
  await shot('new-quiz');
  await page.getByRole('button', { name: 'Create quiz' }).click();
  await page.getByRole('heading', { name: 'Quiz: Check', level: 1 }).waitFor();
  ids.quiz = route(page).split('/').pop() ?? '';

  // One question of each of the nine kinds, with its answer key.
  await addQuestion(page, 1, async (f) => {
    await f.getByLabel('Question type').selectOption('single_choice');
    await f.getByLabel('Question id').fill('title-length');
    await f.getByLabel('Question', { exact: true }).fill('Which title fits the marketplace limit?');
    await f.getByLabel('Option 1', { exact: true }).fill('About 80 characters');
    await f.getByLabel('Option 2', { exact: true }).fill('About 800 characters');
    await f.getByLabel('Option 1 is right').check();
  });
  await addQuestion(page, 2, async (f) => {
    await f.getByLabel('Question type').selectOption('multiple_choice');
    await f.getByLabel('Question id').fill('bullet-content');
    await f.getByLabel('Question', { exact: true }).fill('What belongs in the bullet points?');
    await f.getByRole('button', { name: 'Add option' }).click();
    await f.getByLabel('Option 1', { exact: true }).fill('Material and size');
    await f.getByLabel('Option 2', { exact: true }).fill('Use and care');
    await f.getByLabel('Option 3', { exact: true }).fill("A competitor's brand");
    await f.getByLabel('Option 1 is right').check();
    await f.getByLabel('Option 2 is right').check();
  });
  await addQuestion(page, 3, async (f) => {
    await f.getByLabel('Question type').selectOption('true_false');
    await f.getByLabel('Question id').fill('keyword-stuffing');
    await f.getByLabel('Question', { exact: true }).fill('Repeating a keyword ten times helps ranking.');
    await f.getByLabel('Right answer').selectOption('false');
    await f.getByLabel('Feedback (optional)').fill('Marketplaces demote stuffed titles.');
  });
  await addQuestion(page, 4, async (f) => {
    await f.getByLabel('Question type').selectOption('short_text');
    await f.getByLabel('Question id').fill('abbreviation');
    await f.getByLabel('Question', { exact: true }).fill('What does SKU stand for?');
    await f.getByLabel('Accepted answers').fill('stock keeping unit');
  });
  await addQuestion(page, 5, async (f) => {
    await f.getByLabel('Question type').selectOption('numeric');
    await f.getByLabel('Question id').fill('image-count');
    await f.getByLabel('Question', { exact: true }).fill('How many images does a listing of 7 show if 2 are removed?');
    await f.getByLabel('Right answer (number)').fill('5');
    await f.getByLabel('Tolerance', { exact: true }).fill('0');
  });
  await addQuestion(page, 6, async (f) => {
    await f.getByLabel('Question type').selectOption('ordering');
    await f.getByLabel('Question id').fill('launch-steps');
    await f.getByLabel('Question', { exact: true }).fill('Put the launch steps in order.');
    await f.getByRole('button', { name: 'Add item' }).click();
    await f.getByLabel('Item 1', { exact: true }).fill('Research keywords');
    await f.getByLabel('Item 2', { exact: true }).fill('Write the listing');
    await f.getByLabel('Item 3', { exact: true }).fill('Publish');
  });
  await addQuestion(page, 7, async (f) => {
    await f.getByLabel('Question type').selectOption('matching');
    await f.getByLabel('Question id').fill('field-purpose');
    await f.getByLabel('Question', { exact: true }).fill('Match each field with its purpose.');
    await f.getByLabel('Left 1', { exact: true }).fill('Title');
    await f.getByLabel('Matches 1', { exact: true }).fill('Shown to buyers');
    await f.getByLabel('Left 2', { exact: true }).fill('Search terms');
    await f.getByLabel('Matches 2', { exact: true }).fill('Hidden from buyers');
  });
  await addQuestion(page, 8, async (f) => {
    await f.getByLabel('Question type').selectOption('calculated');
    await f.getByLabel('Question id').fill('margin');
    await f.getByLabel('Question', { exact: true }).fill('A product sells for {price} and costs {cost}. What is the margin?');
    await f.getByLabel('Formula').fill('price - cost');
    await f.getByLabel('Variable 1 name').fill('price');
    await f.getByLabel('Variable 1 minimum').fill('20');
    await f.getByLabel('Variable 1 maximum').fill('30');
    await f.getByRole('button', { name: 'Add variable' }).click();
    await f.getByLabel('Variable 2 name').fill('cost');
    await f.getByLabel('Variable 2 minimum').fill('5');
    await f.getByLabel('Variable 2 maximum').fill('10');
    await f.getByLabel('Tolerance', { exact: true }).fill('0.01');
  });
  await addQuestion(page, 9, async (f) => {
    await f.getByLabel('Question type').selectOption('essay');
    await f.getByLabel('Question id').fill('improve-listing');
    await f.getByLabel('Question', { exact: true }).fill('Rewrite a weak title and say why yours is better.');
    await f.getByLabel('Points').fill('2');
    await f.getByLabel('Grading rubric').fill('Names the product, its key attribute and stays within the limit.');
  });
  const list = page.locator('ol.questions > li');
  assert.equal(await list.count(), 9);
  for (const kind of ['Single choice', 'Multiple choice', 'True or false', 'Short text', 'Numeric', 'Ordering', 'Matching', 'Calculated', 'Essay']) {
    await list.getByText(kind, { exact: true }).waitFor();
  }
  await shot('quiz-nine-kinds');

  // Editing a saved question: its prompt and one more option.
  await page.getByRole('button', { name: 'Edit question title-length' }).click();
  const editing = page.getByRole('region', { name: 'Edit question title-length' });
  await editing.getByLabel('Question', { exact: true }).fill('Which title length fits the marketplace limit?');
  await editing.getByRole('button', { name: 'Add option' }).click();
  await editing.getByLabel('Option 3', { exact: true }).fill('About 200 characters');
  await shot('question-edit');
  await editing.getByRole('button', { name: 'Save question' }).click();
  await page.getByText('Question saved.').waitFor();
  await page.getByText('Which title length fits the marketplace limit?').waitFor();

  // Every kind reads back into its form and saves unchanged, answer key included.
  for (const id of ['bullet-content', 'keyword-stuffing', 'abbreviation', 'image-count', 'launch-steps', 'field-purpose', 'margin', 'improve-listing']) {
    await page.getByRole('button', { name: `Edit question ${id}` }).click();
    const region = page.getByRole('region', { name: `Edit question ${id}` });
    await region.getByRole('button', { name: 'Save question' }).click();
    await region.waitFor({ state: 'detached' });
  }
  const keys = page.locator('ol.questions');
  for (const key of ['Material and size; Use and care', 'False', 'stock keeping unit', '5 ± 0',
    'Research keywords → Write the listing → Publish', 'Title → Shown to buyers; Search terms → Hidden from buyers', 'price - cost']) {
    await keys.getByText(`Answer key: ${key}`, { exact: true }).waitFor();
  }

  // What blocks publishing: the lesson has no sources; shown beside the lesson; publishing refuses.
  await page.getByRole('link', { name: 'Listing basics' }).click();
  const blocking = page.getByRole('list', { name: 'What blocks publishing' });
  await blocking.getByText(/Sources/).first().waitFor();
  await page.getByRole('list', { name: 'Problems in the lesson Title rules' }).getByText(/Sources/).first().waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText('Not published: fix the problems listed here first.').waitFor();
  await shot('publish-blocked');

  // Fix: the lesson gets its sources.
  await page.getByRole('link', { name: 'Title rules', exact: true }).click();
  const body = page.getByLabel('Lesson text (Markdown)');
  await body.fill(`${await body.inputValue()}\n## Sources\n\n- A marketplace style guide.\n`);
  await page.getByRole('button', { name: 'Save draft and preview' }).click();
  await page.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Sources' }).waitFor();
  await page.getByRole('link', { name: 'Listing basics' }).click();
  await page.getByText('Nothing blocks publishing.').waitFor();
  await shot('publish-ready');
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText('Published: the course is in the catalog.').waitFor();
  await shot('published');

  // The course is in the catalog.
  await page.goto(`${server.base}/#/catalog`);
  await page.getByText('Listing basics').first().waitFor();
  await shot('catalog');
  await page.goto(`${server.base}/#/author`);
  await page.getByRole('link', { name: 'Listing basics' }).waitFor();
  await page.getByText('Published', { exact: true }).first().waitFor();
  await shot('my-courses-published');
});

browserTest('a 422 (and a 409) from a save is shown beside the field it names', async (t, { page, shot }) => {
  assert.ok(ids.course && ids.quiz, 'the journey built a course');
  await signIn(page, instructor);
  // A prerequisite naming no course: the server's 422 names `prerequisites`.
  await page.goto(`${server.base}/#/author/courses/${ids.course}`);
  await page.getByLabel('Prerequisites').fill('no-such-course');
  await page.getByRole('button', { name: 'Save course details' }).click();
  const prerequisites = page.getByLabel('Prerequisites');
  await until(async () => (await prerequisites.getAttribute('aria-invalid')) === 'true', 'aria-invalid');
  const described = (await prerequisites.getAttribute('aria-describedby')) ?? '';
  const errorId = described.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, `the error is linked to the field: ${described}`);
  assert.match((await page.locator(`[id="${errorId}"]`).textContent()) ?? '', /no-such-course/);
  await shot('course-422-beside-prerequisites');

  // A formula over an undeclared variable: the 422 reports `questions.N.formula`, shown beside the formula.
  await page.goto(`${server.base}/#/author/quizzes/${ids.quiz}`);
  const form = page.getByRole('region', { name: 'New question' });
  await form.getByLabel('Question type').selectOption('calculated');
  await form.getByLabel('Question id').fill('duty');
  await form.getByLabel('Question', { exact: true }).fill('What is the duty on {value}?');
  await form.getByLabel('Formula').fill('value * rate');
  await form.getByLabel('Variable 1 name').fill('value');
  await form.getByLabel('Variable 1 minimum').fill('100');
  await form.getByLabel('Variable 1 maximum').fill('200');
  await form.getByRole('button', { name: 'Add question' }).click();
  const formula = form.getByLabel('Formula');
  await until(async () => (await formula.getAttribute('aria-invalid')) === 'true', 'the formula marked invalid');
  const formulaError = ((await formula.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
  assert.match((await page.locator(`[id="${formulaError}"]`).textContent()) ?? '', /rate/);
  await page.getByRole('heading', { name: 'Questions (9)' }).waitFor();
  await shot('question-422-beside-formula');

  // The formula fixed but the id taken: the 409 lands beside the id.
  await formula.fill('value * 2');
  await form.getByLabel('Question id').fill('margin');
  await form.getByRole('button', { name: 'Add question' }).click();
  const questionId = form.getByLabel('Question id');
  await until(async () => (await questionId.getAttribute('aria-invalid')) === 'true', 'the id marked invalid');
  assert.equal(await formula.getAttribute('aria-invalid'), null, 'the formula is fine now');
  const idError = ((await questionId.getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
  assert.match((await page.locator(`[id="${idError}"]`).textContent()) ?? '', /already has a question with this id/);
  await shot('question-409-beside-id');
});

browserTest('an instructor grades a submitted essay from the queue, corrects a key and regrades, and reads the quiz report', async (t, { page, shot }) => {
  assert.ok(ids.course && ids.quiz, 'the journey published a course');
  // The student's attempt, through the API.
  const trainee = await apiAs(server.base, student.email, student.password);
  await trainee.post(`/courses/${ids.course}/enroll`);
  const attempt = await trainee.post(`/quizzes/${ids.quiz}/attempts`);
  /** @type {Record<string, any>} */
  const responses = {
    single_choice: { choice: 'a' },
    multiple_choice: { choices: ['a', 'b'] },
    true_false: { value: false },
    short_text: { text: 'Stock Keeping Unit' },
    numeric: { value: 5 },
    ordering: { order: ['s1', 's2', 's3'] },
    matching: { pairs: { l1: 'r1', l2: 'r2' } },
    calculated: { value: '0' },
    essay: { text: 'Cotton T-shirt, crew neck, size M: it names the product and its fit.' },
  };
  const answers = attempt.questions.map((q) => ({ question_id: q.question_id, response: responses[q.kind] }));
  await trainee.put(`/attempts/${attempt.id}/answers`, { answers });
  const submitted = await trainee.post(`/attempts/${attempt.id}/submit`, {});
  assert.equal(submitted.status, 'needs_grading');

  await signIn(page, instructor);
  await page.goto(`${server.base}/#/author/quizzes/${ids.quiz}`);
  await page.getByRole('link', { name: 'Grading queue' }).click();
  const item = page.getByRole('article', { name: `Attempt of ${student.name}` });
  await item.getByText('Cotton T-shirt').waitFor();
  await shot('grading-queue');
  await item.getByLabel('Score (0 to 2)').fill('2');
  await item.getByLabel('Feedback to the student').fill('Clear and within the limit.');
  await item.getByRole('button', { name: 'Save grade' }).click();
  await page.getByText(`Grade saved for ${student.name}.`).waitFor();
  await page.getByText('Nothing waits for a grade.').waitFor();
  await shot('graded');
  const graded = await trainee.get(`/attempts/${attempt.id}`);
  assert.equal(graded.status, 'graded');

  // The answer key of the first question changes (b, not a), is published, and every attempt
  // is regraded against it: the student's answer a is now wrong.
  await page.getByRole('link', { name: 'Back to the quiz' }).click();
  await page.getByRole('button', { name: 'Edit question title-length' }).click();
  const editing = page.getByRole('region', { name: 'Edit question title-length' });
  await editing.getByLabel('Option 2 is right').check();
  await editing.getByRole('button', { name: 'Save question' }).click();
  await page.getByText('Answer key: About 800 characters', { exact: true }).waitFor();
  await page.getByRole('link', { name: 'Listing basics' }).click();
  await page.getByText('Unpublished changes').waitFor();
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  await page.getByText('Published: the course is in the catalog.').waitFor();
  await page.getByRole('link', { name: 'Grading queue' }).click();
  await page.getByRole('button', { name: 'Regrade all attempts' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await shot('regrade-confirm');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('1 attempt(s) checked, 1 changed (1 question grade(s)).').waitFor();
  await shot('regraded');
  const regraded = await trainee.get(`/attempts/${attempt.id}`);
  assert.ok(regraded.result.score < graded.result.score, `the attempt lost the point: ${graded.result.score} -> ${regraded.result.score}`);

  // The report: summary, the item chart, the CSV.
  await page.getByRole('link', { name: 'Back to the quiz' }).click();
  await page.getByRole('link', { name: 'Quiz report' }).click();
  await page.getByRole('heading', { name: 'Item statistics' }).waitFor();
  await page.getByRole('img', { name: /Facility per question/ }).waitFor();
  assert.ok((await page.locator('figure.chart rect.chart-bar').count()) >= 9, 'a bar per question');
  await shot('quiz-report');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  const path = await download.path();
  const csv = await readFile(path, 'utf8');
  assert.match(csv, /question_key/);
  assert.match(csv, /improve-listing/);
});

browserTest('the authoring screens speak Chinese', async (t, { page, shot }) => {
  await signIn(page, instructor);
  await page.goto(`${server.base}/#/author`);
  await page.getByRole('button', { name: '中文' }).click();
  await page.getByRole('heading', { name: '我的课程', level: 1 }).waitFor();
  await page.getByRole('link', { name: '新建课程' }).waitFor();
  await shot('my-courses-zh');
  await page.goto(`${server.base}/#/author/courses/${ids.course}`);
  await page.getByRole('heading', { name: '课程信息' }).waitFor();
  await page.getByRole('button', { name: '保存课程信息' }).waitFor();
  await shot('editor-zh');
  await page.getByRole('button', { name: 'English' }).click();
});

browserTest('the editor works on a phone: modules renamed and deleted, a quiz deleted, a never-published draft deleted', { viewport: { width: 360, height: 740 } }, async (t, { page, shot }) => {
  await signIn(page, instructor);
  await page.goto(`${server.base}/#/author/new`);
  await page.getByLabel('Title', { exact: true }).fill('Phone draft');
  await page.getByLabel('Summary', { exact: true }).fill('Built on a phone.');
  await page.getByLabel('Listing optimisation').check();
  await page.getByRole('button', { name: 'Create draft' }).click();
  await page.getByRole('heading', { name: 'Phone draft', level: 1 }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling at 360 px (${overflow} px too wide)`);
  await shot('editor-phone');

  // A module renamed, given a quiz, the quiz deleted, the module deleted.
  const newModule = page.getByRole('region', { name: 'Add a module' });
  await newModule.getByLabel('Module title').fill('Draft module');
  await newModule.getByRole('button', { name: 'Add module' }).click();
  const module = page.getByRole('region', { name: '1. Draft module' });
  await module.getByRole('button', { name: 'Edit module' }).click();
  await module.getByLabel('Module title').fill('Renamed module');
  await module.getByRole('button', { name: 'Save module' }).click();
  const renamed = page.getByRole('region', { name: '1. Renamed module' });
  await renamed.getByRole('link', { name: 'Add a quiz' }).click();
  await page.getByLabel('Quiz title').fill('Short check');
  await page.getByRole('button', { name: 'Create quiz' }).click();
  await page.getByRole('heading', { name: 'Quiz: Short check', level: 1 }).waitFor();
  await shot('quiz-phone');
  await page.getByRole('button', { name: 'Delete quiz' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'Phone draft', level: 1 }).waitFor();
  await renamed.getByRole('link', { name: 'Add a quiz' }).waitFor();
  await renamed.getByRole('button', { name: 'Delete module' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('No modules yet').waitFor();
  await page.getByRole('button', { name: 'Delete draft' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Delete the draft "Phone draft" for good?').waitFor();
  await shot('delete-draft-confirm');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await page.getByRole('heading', { name: 'My courses', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Listing basics' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Phone draft' }).count(), 0, 'the draft is gone');
  await shot('my-courses-phone');
});
