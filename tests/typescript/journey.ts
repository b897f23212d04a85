// The contract proved from outside: a client generated from /api/openapi.json drives the three
// journeys. An instructor authors a course whose quiz has a question of every kind, a college
// admin invites a trainee, the trainee takes the quiz, and the college reads its progress report.
// `tsc` type-checks every body and field below against the generated types; `.ci/contract` then
// runs the compiled script against a real server.
//
// node dist/journey.js <base url> <platform admin email> <password> <mail folder>

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api.js";

type Schemas = components["schemas"];
type QuestionBody = Schemas["QuestionBody"];
type ResponseBody = Schemas["ResponseBody"];

const [base, adminEmail, adminPassword, mailDir] = process.argv.slice(2);
if (!base || !adminEmail || !adminPassword || !mailDir) {
  throw new Error("usage: journey.js <base url> <admin email> <password> <mail folder>");
}

const api = createClient<paths>({ baseUrl: base });

/** The data of a reply, or an error naming the operation and the problem the server gave. */
function ok<T>(what: string, reply: { data?: T; error?: unknown; response: Response }): T {
  if (reply.data === undefined) {
    throw new Error(`${what}: ${reply.response.status} ${JSON.stringify(reply.error)}`);
  }
  return reply.data;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function login(email: string, password: string): Promise<string> {
  const reply = await api.POST("/api/v1/auth/login", { body: { email, password } });
  return ok(`login ${email}`, reply).access_token;
}

/** The `token=` of the newest email to `to`, as the emailed link carries it. */
async function tokenMailedTo(to: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const mails = readdirSync(mailDir)
      .map((name) => readFileSync(join(mailDir, name), "utf8"))
      .map((raw) => raw.replace(/=\r?\n/g, "").replace(/=3D/g, "="))
      .filter((text) => text.includes(`To: ${to}`) && text.includes("token="));
    const last = mails.at(-1);
    if (last) return /token=([A-Za-z0-9_-]+)/.exec(last)![1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no email with a token reached ${to}`);
}

const competency = "ecommerce.listing_optimisation";

/** One question of each of the nine kinds, with its answer key. */
const questions: QuestionBody[] = [
  {
    kind: "single_choice", id: "title-length", prompt: "Which title fits the marketplace limit?",
    competencies: [competency],
    options: [{ id: "a", text: "About 80 characters" }, { id: "b", text: "About 800 characters" }],
    answer: "a",
  },
  {
    kind: "multiple_choice", id: "bullet-content", prompt: "What belongs in the bullet points?",
    competencies: [competency],
    options: [
      { id: "a", text: "Material and size" },
      { id: "b", text: "Use and care" },
      { id: "c", text: "A competitor's brand" },
    ],
    answers: ["a", "b"],
  },
  {
    kind: "true_false", id: "keyword-stuffing", prompt: "Repeating a keyword ten times helps ranking.",
    competencies: [competency], answer: false, feedback: "Marketplaces demote stuffed titles.",
  },
  {
    kind: "short_text", id: "abbreviation", prompt: "What does SKU stand for?",
    competencies: [competency], accepted: ["stock keeping unit"], case_sensitive: false,
  },
  {
    kind: "numeric", id: "image-count", prompt: "How many images does a listing of 7 show if 2 are removed?",
    competencies: [competency], answer: 5, tolerance: 0, tolerance_kind: "absolute",
  },
  {
    kind: "ordering", id: "launch-steps", prompt: "Put the launch steps in order.",
    competencies: [competency],
    items: [
      { id: "research", text: "Research keywords" },
      { id: "write", text: "Write the listing" },
      { id: "publish", text: "Publish" },
    ],
  },
  {
    kind: "matching", id: "field-purpose", prompt: "Match each field with its purpose.",
    competencies: [competency],
    left: [{ id: "title", text: "Title" }, { id: "backend", text: "Search terms" }],
    right: [{ id: "shown", text: "Shown to buyers" }, { id: "hidden", text: "Hidden from buyers" }],
    answer: { title: "shown", backend: "hidden" },
  },
  {
    kind: "calculated", id: "margin", prompt: "A product sells for {price} and costs {cost}. What is the margin?",
    competencies: [competency], formula: "price - cost",
    variables: [
      { name: "price", min: 20, max: 30, decimals: 0 },
      { name: "cost", min: 5, max: 10, decimals: 0 },
    ],
    tolerance: 0.01, tolerance_kind: "absolute",
  },
  {
    kind: "essay", id: "improve-listing", prompt: "Rewrite a weak title and say why yours is better.",
    competencies: [competency], rubric: "Names the product, its key attribute and stays within the limit.",
    points: 2,
  },
];

async function main(): Promise<void> {
  const root = await login(adminEmail, adminPassword);
  const auth = { headers: bearer(root) };

  // The instructor builds the course step by step; every step is a saved draft.
  const course = ok("create course", await api.POST("/api/v1/courses", {
    ...auth,
    body: {
      slug: "listing-basics", title: "Listing basics", summary: "Titles, bullets and images.",
      language: "en", level: "beginner", estimated_hours: 1, competencies: [competency],
    },
  }));
  const module = ok("create module", await api.POST("/api/v1/courses/{course_id}/modules", {
    ...auth, params: { path: { course_id: course.id } }, body: { slug: "titles", title: "Titles" },
  }));
  ok("create lesson", await api.POST("/api/v1/modules/{module_id}/lessons", {
    ...auth,
    params: { path: { module_id: module.id } },
    body: {
      slug: "title-rules", title: "Title rules", minutes: 10, competencies: [competency],
      body: "# Title rules\n\nLead with the product and its key attribute.\n\n## Sources\n\n- A marketplace style guide.\n",
    },
  }));
  const quiz = ok("create quiz", await api.POST("/api/v1/modules/{module_id}/quizzes", {
    ...auth,
    params: { path: { module_id: module.id } },
    body: {
      slug: "check", title: "Check", passing_score: 0.5, attempt_limit: 0, time_limit_minutes: 0,
      shuffle_questions: false, shuffle_options: false, grading_method: "highest",
      review: "immediately", draw: 0,
    },
  }));
  for (const question of questions) {
    const created = ok(`add ${question.id}`, await api.POST("/api/v1/quizzes/{quiz_id}/questions", {
      ...auth, params: { path: { quiz_id: quiz.id } }, body: question,
    }));
    check(created.quiz_id === quiz.id, "a created question names its quiz");
  }
  const problems = ok("problems", await api.GET("/api/v1/courses/{course_id}/problems", {
    ...auth, params: { path: { course_id: course.id } },
  }));
  check(problems.publishable, `publishable: ${JSON.stringify(problems.problems)}`);
  ok("publish", await api.POST("/api/v1/courses/{course_id}/publish", {
    ...auth, params: { path: { course_id: course.id } },
  }));

  // The college invites a trainee, who accepts from the emailed link.
  const org = ok("create org", await api.POST("/api/v1/orgs", {
    ...auth, body: { name: "Harbour Vocational College", slug: "harbour", kind: "vocational_college" },
  }));
  const traineeEmail = "trainee@harbour.test";
  const invited = ok("invite", await api.POST("/api/v1/orgs/{org_id}/members", {
    ...auth, params: { path: { org_id: org.id } }, body: { email: traineeEmail, role: "student" },
  }));
  check(invited.status === "invited", "joining takes the trainee's consent");
  const password = "a long trainee passphrase";
  ok("accept", await api.POST("/api/v1/invitations/accept", {
    body: { token: await tokenMailedTo(traineeEmail), password, display_name: "Mei Trainee" },
  }));
  const trainee = { headers: bearer(await login(traineeEmail, password)) };

  // The trainee enrolls and takes the quiz: one response of each shape.
  ok("enroll", await api.POST("/api/v1/courses/{course_id}/enroll", {
    ...trainee, params: { path: { course_id: course.id } },
  }));
  const attempt = ok("start", await api.POST("/api/v1/quizzes/{quiz_id}/attempts", {
    ...trainee, params: { path: { quiz_id: quiz.id } },
  }));
  const answers: Schemas["AnswerInput"][] = attempt.questions.map((q) => {
    const responses: Record<Schemas["KindTag"], ResponseBody> = {
      single_choice: { choice: "a" },
      multiple_choice: { choices: ["a", "b"] },
      true_false: { value: false },
      short_text: { text: "Stock Keeping Unit" },
      numeric: { value: 5 },
      ordering: { order: ["research", "write", "publish"] },
      matching: { pairs: { title: "shown", backend: "hidden" } },
      calculated: { value: "15" },
      essay: { text: "Cotton T-shirt, crew neck, size M: names the product and its fit." },
    };
    return { question_id: q.question_id, response: responses[q.kind] };
  });
  ok("autosave", await api.PUT("/api/v1/attempts/{attempt_id}/answers", {
    ...trainee, params: { path: { attempt_id: attempt.id } }, body: { answers },
  }));
  const submitted = ok("submit", await api.POST("/api/v1/attempts/{attempt_id}/submit", {
    ...trainee, params: { path: { attempt_id: attempt.id } }, body: {},
  }));
  check(submitted.status === "needs_grading", `the essay waits for a grader: ${submitted.status}`);
  const graded = submitted.result?.questions.filter((q) => q.correct === "correct").length ?? 0;
  check(graded >= 7, `the seven keyed answers are right (${graded})`);

  // The instructor grades the essay; the trainee's progress and the college's report follow.
  const essay = attempt.questions.find((q) => q.kind === "essay")!;
  const final = ok("grade", await api.POST("/api/v1/attempts/{attempt_id}/grades", {
    ...auth,
    params: { path: { attempt_id: attempt.id } },
    body: { question_id: essay.question_id, score: 2, comment: "Clear and within the limit." },
  }));
  check(final.status === "graded", `graded: ${final.status}`);
  const progress = ok("my progress", await api.GET("/api/v1/me/courses/{course_id}/progress", {
    ...trainee, params: { path: { course_id: course.id } },
  }));
  check(progress.quizzes_passed === 1, `the quiz counts as passed: ${JSON.stringify(progress)}`);
  const report = ok("progress report", await api.GET("/api/v1/orgs/{org_id}/reports/progress", {
    ...auth, params: { path: { org_id: org.id } },
  }));
  check(typeof report !== "string", "a JSON page unless CSV is asked for");
  const rows = typeof report === "string" ? [] : report.items;
  const row = rows.find((r) => r.email === traineeEmail);
  check(row !== undefined && row.quizzes_passed === 1, `the report shows the trainee: ${JSON.stringify(report)}`);
  console.log(`journey done: ${questions.length} kinds authored, taken, graded and reported`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
