//! Enrollment and quiz attempts through the HTTP stack: taking a quiz without ever seeing its keys,
//! autosave, grading with the documented scoring schemes, review policies, parallel starts and
//! submits, idempotency keys, bad input that stores nothing, deadlines and published versions.

use std::collections::{BTreeMap, BTreeSet};

use caravan::db::sql_types::{Id, JsonValue, Timestamp};
use caravan::schema::quiz_attempts;
use diesel::prelude::*;
use futures::future::join_all;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const COMPETENCY: &str = "trade.incoterms";

/// Keys that belong to answer keys, their explanations or grading: never in a student's view
/// before the review policy allows.
const KEY_FIELDS: &[&str] = &[
    "answer",
    "answers",
    "accepted",
    "formula",
    "rubric",
    "tolerance",
    "tolerance_kind",
    "feedback",
    "variables",
    "correct_answer",
    "score",
];

/// Texts that appear only in answer keys, feedback and rubrics of [`every_kind`].
const SECRETS: &[&str] = &[
    "FEEDBACK-SENTINEL",
    "RUBRIC-SENTINEL",
    "Delivered at Place Unloaded",
    "w * n",
];

// ---------- request bodies ----------

fn course_body(slug: &str, org_id: &str) -> Value {
    json!({
        "slug": slug,
        "title": format!("Incoterms practice: {slug}"),
        "summary": "Where risk and cost pass from seller to buyer under the eleven rules.",
        "language": "en",
        "level": "beginner",
        "estimated_hours": 2,
        "competencies": [COMPETENCY],
        "markets": ["DE"],
        "org_id": org_id,
    })
}

fn lesson_body() -> Value {
    json!({
        "slug": "risk-and-cost",
        "title": "Where risk and cost pass",
        "minutes": 10,
        "competencies": [COMPETENCY],
        "body": "# Where risk and cost pass\n\nUnder CFR and CIF the seller pays carriage to the \
                 destination port, but risk passes on board at the port of shipment.\n\n\
                 ## Sources\n\n- ICC, Incoterms 2020, ICC publication No. 723E.\n",
    })
}

/// A quiz with `questions` and the settings in `overrides` over quiet defaults (no limits, review
/// immediately, everything shuffled).
fn quiz(overrides: Value, questions: Vec<Value>) -> Value {
    let mut body = json!({
        "slug": "practice-quiz",
        "title": "Check: practice",
        "passing_score": 0.5,
        "attempt_limit": 0,
        "time_limit_minutes": 0,
        "shuffle_questions": true,
        "shuffle_options": true,
        "grading_method": "highest",
        "review": "immediately",
        "draw": 0,
    });
    for (k, v) in overrides.as_object().expect("overrides are an object") {
        body[k] = v.clone();
    }
    body["questions"] = Value::Array(questions);
    body
}

fn options(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "text": format!("Option {id}")}))
            .collect(),
    )
}

fn single_choice(id: &str, ids: &[&str], answer: &str) -> Value {
    json!({
        "id": id,
        "kind": "single_choice",
        "prompt": format!("Question {id}: pick one."),
        "points": 1,
        "competencies": [COMPETENCY],
        "feedback": "FEEDBACK-SENTINEL: the C rules pass risk at shipment.",
        "options": options(ids),
        "answer": answer,
    })
}

fn numeric(id: &str, answer: f64, tolerance: f64, kind: &str, points: u32, unit: &str) -> Value {
    json!({
        "id": id,
        "kind": "numeric",
        "prompt": format!("Question {id}: give the number."),
        "points": points,
        "competencies": [COMPETENCY],
        "answer": answer,
        "tolerance": tolerance,
        "tolerance_kind": kind,
        "unit": unit,
    })
}

fn short_text(id: &str, accepted: &[&str], accent_insensitive: bool) -> Value {
    json!({
        "id": id,
        "kind": "short_text",
        "prompt": format!("Question {id}: how do you say \"that's fine\" in Spanish?"),
        "points": 1,
        "competencies": [COMPETENCY],
        "accepted": accepted,
        "case_sensitive": false,
        "accent_insensitive": accent_insensitive,
    })
}

/// One question of every kind (an essay too), worth 29 points without the essay.
fn every_kind() -> Vec<Value> {
    vec![
        single_choice("risk-point", &["rail", "gate"], "rail"),
        json!({
            "id": "sea-rules",
            "kind": "multiple_choice",
            "prompt": "Which rules are for sea and inland waterway transport only?",
            "points": 6,
            "competencies": [COMPETENCY],
            "feedback": "FEEDBACK-SENTINEL: FAS, FOB, CFR and CIF.",
            "options": options(&["fob", "fca", "cif", "dap", "exw"]),
            "answers": ["fob", "cif"],
        }),
        json!({
            "id": "insured",
            "kind": "multiple_choice",
            "prompt": "Under which rules must the seller insure the goods?",
            "points": 6,
            "competencies": [COMPETENCY],
            "options": options(&["cip", "cif", "cpt", "cfr", "fca"]),
            "answers": ["cip", "cif"],
        }),
        json!({
            "id": "steps",
            "kind": "ordering",
            "prompt": "Put the steps of an export shipment in order.",
            "points": 4,
            "competencies": [COMPETENCY],
            "items": [
                {"id": "s1", "text": "Pro-forma invoice"},
                {"id": "s2", "text": "Deposit received"},
                {"id": "s3", "text": "Production"},
                {"id": "s4", "text": "Pre-shipment inspection"},
                {"id": "s5", "text": "Loading on board"},
            ],
        }),
        json!({
            "id": "codes",
            "kind": "matching",
            "prompt": "Match each rule with where the seller delivers.",
            "points": 3,
            "competencies": [COMPETENCY],
            "left": [
                {"id": "l-exw", "text": "EXW"},
                {"id": "l-fca", "text": "FCA"},
                {"id": "l-ddp", "text": "DDP"},
            ],
            "right": [
                {"id": "r-exw", "text": "The seller's premises"},
                {"id": "r-fca", "text": "To the buyer's carrier"},
                {"id": "r-ddp", "text": "Cleared for import at destination"},
            ],
            "answer": {"l-exw": "r-exw", "l-fca": "r-fca", "l-ddp": "r-ddp"},
        }),
        short_text("greeting", &["Está bien"], true),
        short_text("greeting-strict", &["Está bien"], false),
        short_text(
            "greeting-case",
            &["Está bien", "Delivered at Place Unloaded"],
            false,
        ),
        numeric("insurance", 110.0, 0.5, "absolute", 2, "%"),
        numeric("freight", 200.0, 0.01, "relative", 1, "EUR"),
        json!({
            "id": "weight",
            "kind": "calculated",
            "prompt": "A carton weighs {w} kg. How much do {n} such cartons weigh, in kg?",
            "points": 2,
            "competencies": [COMPETENCY],
            "formula": "w * n",
            "variables": [
                {"name": "w", "min": 1.5, "max": 9.5, "decimals": 1},
                {"name": "n", "min": 2, "max": 12, "decimals": 0},
            ],
            "tolerance": 0.01,
            "tolerance_kind": "absolute",
            "unit": "kg",
        }),
        json!({
            "id": "tf",
            "kind": "true_false",
            "prompt": "Under FOB the seller books the main carriage.",
            "points": 1,
            "competencies": [COMPETENCY],
            "feedback": "FEEDBACK-SENTINEL: the buyer books it.",
            "answer": true,
        }),
    ]
}

fn essay() -> Value {
    json!({
        "id": "letter",
        "kind": "essay",
        "prompt": "Write to a buyer who asks for DDP terms.",
        "points": 5,
        "competencies": [COMPETENCY],
        "rubric": "RUBRIC-SENTINEL: names import VAT and duties.",
    })
}

// ---------- fixtures ----------

/// An organization with an instructor who authors and students who learn.
struct School {
    root: String,
    org: String,
    admin: String,
    instructor: String,
}

async fn school(app: &TestApp, slug: &str) -> School {
    let root = app.platform_admin().await;
    let (org, admin) = app.org_with_admin(&root, slug).await;
    let mut school = School {
        root,
        org,
        admin,
        instructor: String::new(),
    };
    school.instructor = member(app, &school, &format!("teacher@{slug}.test"), "instructor")
        .await
        .0;
    school
}

/// Registers `email` and adds them to the school's organization with `role`.
async fn member(app: &TestApp, school: &School, email: &str, role: &str) -> (String, String) {
    let (token, id) = app.user(email).await;
    let added = app
        .add_member(
            &format!("/orgs/{}/members", school.org),
            Some(&school.admin),
            json!({"email": email, "role": role}),
        )
        .await;
    assert_eq!(added.status, 201, "add {email}: {}", added.body);
    (token, id)
}

async fn student(app: &TestApp, school: &School, email: &str) -> String {
    member(app, school, email, "student").await.0
}

fn id_of(reply: &Reply) -> String {
    reply.body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", reply.body))
        .to_owned()
}

struct Built {
    course: String,
    module: String,
    lesson: String,
    quiz: String,
}

/// A draft course of the school with one module, one lesson and `quiz_body`.
async fn draft_course(app: &TestApp, school: &School, slug: &str, quiz_body: Value) -> Built {
    let token = school.instructor.as_str();
    let created = app
        .post("/courses", Some(token), course_body(slug, &school.org))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let course = id_of(&created);
    let module = app
        .post(
            &format!("/courses/{course}/modules"),
            Some(token),
            json!({"slug": "basics", "title": "The basics"}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    let module = id_of(&module);
    let lesson = app
        .post(
            &format!("/modules/{module}/lessons"),
            Some(token),
            lesson_body(),
        )
        .await;
    assert_eq!(lesson.status, 201, "{}", lesson.body);
    let lesson = id_of(&lesson);
    let quiz = app
        .post(
            &format!("/modules/{module}/quizzes"),
            Some(token),
            quiz_body,
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    Built {
        course,
        module,
        lesson,
        quiz: id_of(&quiz),
    }
}

async fn publish(app: &TestApp, token: &str, course: &str) {
    let published = app
        .post(
            &format!("/courses/{course}/publish"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
}

/// A published course of the school whose only quiz is `quiz_body`.
async fn published_course(app: &TestApp, school: &School, slug: &str, quiz_body: Value) -> Built {
    let built = draft_course(app, school, slug, quiz_body).await;
    publish(app, &school.instructor, &built.course).await;
    built
}

async fn enroll(app: &TestApp, token: &str, course: &str) -> Reply {
    let enrolled = app
        .post(&format!("/courses/{course}/enroll"), Some(token), json!({}))
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    enrolled
}

/// The published question ids of a quiz by their quiz.toml id, as its author reads them.
async fn question_ids(app: &TestApp, author: &str, quiz: &str) -> BTreeMap<String, String> {
    let list = app
        .get(&format!("/quizzes/{quiz}/questions"), Some(author))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body
        .as_array()
        .expect("a list of questions")
        .iter()
        .map(|q| {
            (
                q["id"].as_str().expect("key").to_owned(),
                q["question_id"].as_str().expect("question id").to_owned(),
            )
        })
        .collect()
}

/// Sends a request with an optional `Idempotency-Key`.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> Reply {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    Reply::from(req.send().await.expect("request sent")).await
}

async fn start(app: &TestApp, token: &str, quiz: &str, key: Option<&str>) -> Reply {
    send(
        app,
        Method::POST,
        &format!("/quizzes/{quiz}/attempts"),
        token,
        Some(json!({})),
        key,
    )
    .await
}

/// Starts an attempt that must succeed; returns its view.
async fn started(app: &TestApp, token: &str, quiz: &str) -> Value {
    let reply = start(app, token, quiz, None).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

async fn get_attempt(app: &TestApp, token: &str, attempt: &str) -> Reply {
    app.get(&format!("/attempts/{attempt}"), Some(token)).await
}

async fn save(app: &TestApp, token: &str, attempt: &str, answers: Value) -> Reply {
    app.request(
        Method::PUT,
        &format!("/attempts/{attempt}/answers"),
        Some(token),
        Some(json!({ "answers": answers })),
    )
    .await
}

async fn submit(
    app: &TestApp,
    token: &str,
    attempt: &str,
    body: Value,
    key: Option<&str>,
) -> Reply {
    send(
        app,
        Method::POST,
        &format!("/attempts/{attempt}/submit"),
        token,
        Some(body),
        key,
    )
    .await
}

/// `[{question_id, response}]` for responses keyed by quiz.toml id.
fn answers(ids: &BTreeMap<String, String>, responses: &[(&str, Value)]) -> Value {
    Value::Array(
        responses
            .iter()
            .map(|(key, response)| {
                json!({
                    "question_id": ids.get(*key).unwrap_or_else(|| panic!("no question {key}")),
                    "response": response,
                })
            })
            .collect(),
    )
}

/// The saved-answers map an attempt view shows for `responses`.
fn saved_map(ids: &BTreeMap<String, String>, responses: &[(&str, Value)]) -> Value {
    Value::Object(
        responses
            .iter()
            .map(|(key, response)| (ids[*key].clone(), response.clone()))
            .collect(),
    )
}

/// The attempt's question by question id.
fn shown<'a>(attempt: &'a Value, question_id: &str) -> &'a Value {
    attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["question_id"] == question_id)
        .unwrap_or_else(|| panic!("question {question_id} not in {attempt}"))
}

/// The per-question results of a revealed result, by question id: (score, max, verdict).
fn results(attempt: &Value) -> BTreeMap<String, (f64, f64, String)> {
    attempt["result"]["questions"]
        .as_array()
        .unwrap_or_else(|| panic!("no result questions in {attempt}"))
        .iter()
        .map(|q| {
            (
                q["question_id"].as_str().expect("question id").to_owned(),
                (
                    q["score"].as_f64().expect("score"),
                    q["max"].as_f64().expect("max"),
                    q["correct"].as_str().expect("verdict").to_owned(),
                ),
            )
        })
        .collect()
}

#[track_caller]
fn assert_close(found: f64, expected: f64, what: &str) {
    assert!(
        (found - expected).abs() < 1e-9,
        "{what}: expected {expected}, found {found}"
    );
}

// ---------- the leak detector ----------

fn key_fields(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}.{k}");
                if KEY_FIELDS.contains(&k.as_str()) {
                    found.push(here.clone());
                }
                key_fields(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                key_fields(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// Fails on any answer-key field anywhere in `body`, and on any text only a key holds.
#[track_caller]
fn assert_no_keys(what: &str, body: &Value) {
    let mut found = Vec::new();
    key_fields(body, "$", &mut found);
    assert!(found.is_empty(), "{what} shows {found:?}: {body}");
    let text = body.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret:?}: {body}");
    }
}

/// An attempt as its student sees it without results: `result` is null, and apart from the
/// student's own saved `answers` (a map by question id) nothing of a key appears.
#[track_caller]
fn assert_attempt_hides_keys(what: &str, attempt: &Value) {
    assert!(
        attempt["result"].is_null(),
        "{what} shows a result: {attempt}"
    );
    let mut rest = attempt.clone();
    let saved = rest
        .as_object_mut()
        .unwrap_or_else(|| panic!("{what} is not an object: {attempt}"))
        .remove("answers")
        .unwrap_or_else(|| panic!("{what} has no saved answers: {attempt}"));
    let shown_ids: BTreeSet<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("question id"))
        .collect();
    for key in saved
        .as_object()
        .unwrap_or_else(|| panic!("{what}: saved answers are not a map: {saved}"))
        .keys()
    {
        assert!(
            shown_ids.contains(key.as_str()),
            "{what}: saved answer for {key}, not a question of the attempt"
        );
    }
    assert_no_keys(what, &rest);
}

// ---------- the database ----------

struct StoredAttempt {
    number: i32,
    status: String,
    answers: Value,
    score: Option<f64>,
    max: Option<f64>,
    version: Id,
    deadline: Option<Timestamp>,
    submitted_at: Option<Timestamp>,
}

type AttemptColumns = (
    i32,
    String,
    JsonValue,
    Option<f64>,
    Option<f64>,
    Id,
    Option<Timestamp>,
    Option<Timestamp>,
);

async fn stored(app: &TestApp, attempt: &str) -> StoredAttempt {
    let id: Id = attempt.parse().expect("attempt id");
    let (number, status, answers, score, max, version, deadline, submitted_at) = app
        .db(move |c| {
            quiz_attempts::table
                .find(id)
                .select((
                    quiz_attempts::number,
                    quiz_attempts::status,
                    quiz_attempts::answers,
                    quiz_attempts::score,
                    quiz_attempts::max_score,
                    quiz_attempts::version_id,
                    quiz_attempts::deadline,
                    quiz_attempts::submitted_at,
                ))
                .first::<AttemptColumns>(c)
                .expect("the attempt row")
        })
        .await;
    StoredAttempt {
        number,
        status,
        answers: answers.0,
        score,
        max,
        version,
        deadline,
        submitted_at,
    }
}

/// Moves the attempt's deadline `minutes` into the past, as if that much time had gone by.
async fn expire(app: &TestApp, attempt: &str, minutes: i64) {
    let id: Id = attempt.parse().expect("attempt id");
    let past = Timestamp::from(chrono::Utc::now() - chrono::Duration::minutes(minutes));
    let n = app
        .db(move |c| {
            diesel::update(quiz_attempts::table.find(id))
                .set(quiz_attempts::deadline.eq(Some(past)))
                .execute(c)
                .expect("deadline moved")
        })
        .await;
    assert_eq!(n, 1);
}

fn time_of(value: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("{value}")))
        .unwrap_or_else(|e| panic!("{value} is not RFC 3339: {e}"))
        .with_timezone(&chrono::Utc)
}

/// The numbers in a rendered prompt, in order.
fn numbers_in(prompt: &str) -> Vec<f64> {
    prompt
        .split_whitespace()
        .map(|w| w.trim_end_matches(['.', ',', '?']))
        .filter_map(|w| w.parse::<f64>().ok())
        .collect()
}

// ---------- 1. taking a quiz ----------

#[tokio::test]
async fn a_student_enrolls_takes_a_quiz_without_seeing_any_key_and_is_graded_exactly() {
    let app = spawn_app().await;
    let school = school(&app, "take-college").await;
    let student = student(&app, &school, "student@take.test").await;
    let built = published_course(
        &app,
        &school,
        "take-quiz",
        quiz(json!({"time_limit_minutes": 20}), every_kind()),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;

    let enrolled = enroll(&app, &student, &built.course).await;
    assert_eq!(enrolled.body["course_id"], built.course.as_str());
    assert_eq!(enrolled.body["status"], "active");
    assert_eq!(enrolled.body["source"], "self");
    assert_no_keys("enroll", &enrolled.body);
    app.post(
        &format!("/courses/{}/enroll", built.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(409, "already_enrolled");
    assert_eq!(app.count("enrollments").await, 1);
    let mine = app.get("/me/enrollments", Some(&student)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body.as_array().map(Vec::len), Some(1), "{}", mine.body);
    assert_eq!(mine.body[0]["course_id"], built.course.as_str());

    // The attempt: every question with its kind's fields, and nothing of a key.
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("attempt id").to_owned();
    assert_attempt_hides_keys("the new attempt", &attempt);
    assert_eq!(attempt["status"], "open");
    assert_eq!(attempt["number"], 1);
    assert_eq!(attempt["quiz_id"], built.quiz.as_str());
    assert_eq!(attempt["course_id"], built.course.as_str());
    assert_eq!(attempt["answers"], json!({}));
    let deadline = time_of(&attempt["deadline"]) - time_of(&attempt["started_at"]);
    assert_eq!(deadline.num_seconds(), 20 * 60, "{attempt}");
    let shown_ids: BTreeSet<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("id"))
        .collect();
    let all_ids: BTreeSet<&str> = ids.values().map(String::as_str).collect();
    assert_eq!(shown_ids, all_ids, "every question is shown once");

    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap_or_else(|| panic!("not a list: {v}"))
            .iter()
            .map(|c| {
                assert!(c["text"].is_string(), "{c}");
                c["id"].as_str().expect("id").to_owned()
            })
            .collect()
    };
    let strings =
        |list: &[&str]| -> BTreeSet<String> { list.iter().map(|s| (*s).to_owned()).collect() };
    let choice_fields = ["options", "items", "left", "right"];
    let expect_only = |key: &str, present: &[&str]| {
        let q = shown(&attempt, &ids[key]);
        for field in choice_fields {
            assert_eq!(
                q.get(field).is_some(),
                present.contains(&field),
                "{key}.{field}: {q}"
            );
        }
        q.clone()
    };
    let q = expect_only("risk-point", &["options"]);
    assert_eq!(q["kind"], "single_choice");
    assert_eq!(set(&q["options"]), strings(&["rail", "gate"]));
    let q = expect_only("sea-rules", &["options"]);
    assert_eq!(q["kind"], "multiple_choice");
    assert_eq!(q["points"], 6.0);
    assert_eq!(
        set(&q["options"]),
        strings(&["fob", "fca", "cif", "dap", "exw"])
    );
    let q = expect_only("steps", &["items"]);
    assert_eq!(q["kind"], "ordering");
    assert_eq!(set(&q["items"]), strings(&["s1", "s2", "s3", "s4", "s5"]));
    let q = expect_only("codes", &["left", "right"]);
    assert_eq!(q["kind"], "matching");
    assert_eq!(set(&q["left"]), strings(&["l-exw", "l-fca", "l-ddp"]));
    assert_eq!(set(&q["right"]), strings(&["r-exw", "r-fca", "r-ddp"]));
    for key in ["greeting", "greeting-strict", "greeting-case", "tf"] {
        let q = expect_only(key, &[]);
        assert!(q.get("unit").is_none(), "{q}");
    }
    let q = expect_only("insurance", &[]);
    assert_eq!((&q["kind"], &q["unit"]), (&json!("numeric"), &json!("%")));
    let q = expect_only("weight", &[]);
    assert_eq!(q["kind"], "calculated");
    assert_eq!(q["unit"], "kg");
    let prompt = q["prompt"].as_str().expect("prompt");
    assert!(
        !prompt.contains('{') && !prompt.contains('}'),
        "the calculated prompt shows its placeholders: {prompt}"
    );
    let drawn = numbers_in(prompt);
    assert_eq!(drawn.len(), 2, "two drawn values in {prompt:?}");
    let (w, n) = (drawn[0], drawn[1]);
    assert!(
        (1.5..=9.5).contains(&w) && (2.0..=12.0).contains(&n),
        "{prompt}"
    );
    assert_eq!(n.fract(), 0.0, "n has no decimals: {prompt}");

    // Autosave in two rounds; a later save replaces an earlier response to the same question.
    let first: Vec<(&str, Value)> = vec![
        ("risk-point", json!({"choice": "gate"})),
        ("sea-rules", json!({"choices": ["fob", "cif", "dap"]})),
        ("insured", json!({"choices": ["cip", "fca"]})),
        ("steps", json!({"order": ["s5", "s1", "s2", "s3", "s4"]})),
        (
            "codes",
            json!({"pairs": {"l-exw": "r-exw", "l-fca": "r-ddp"}}),
        ),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &first)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_attempt_hides_keys("the saved attempt", &saved.body);
    assert_eq!(saved.body["answers"], saved_map(&ids, &first));
    let second: Vec<(&str, Value)> = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("greeting", json!({"text": "  esta   BIEN "})),
        ("greeting-strict", json!({"text": "Esta bien"})),
        ("greeting-case", json!({"text": "ESTÁ BIEN"})),
        ("insurance", json!({"value": 110.4})),
        ("freight", json!({"value": "203"})),
        (
            "weight",
            json!({"value": ((w * n) * 1000.0).round() / 1000.0}),
        ),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &second)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let mut all: Vec<(&str, Value)> = first[1..].to_vec();
    all.extend(second.iter().cloned());
    assert_eq!(saved.body["answers"], saved_map(&ids, &all));
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_attempt_hides_keys("GET of the open attempt", &read.body);
    assert_eq!(read.body["answers"], saved_map(&ids, &all));
    assert_eq!(
        read.body["questions"], attempt["questions"],
        "same questions"
    );
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "open");
    assert_eq!(row.answers, saved_map(&ids, &all));
    assert_eq!(row.score, None);

    // The last answer comes with the submit.
    let last = vec![("tf", json!({"value": false}))];
    let submitted = submit(
        &app,
        &student,
        &attempt_id,
        json!({"answers": answers(&ids, &last)}),
        None,
    )
    .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let body = &submitted.body;
    assert_eq!(body["status"], "graded");
    assert!(body["submitted_at"].is_string(), "{body}");
    all.extend(last);
    assert_eq!(body["answers"], saved_map(&ids, &all));
    let expected: Vec<(&str, f64, f64, &str)> = vec![
        ("risk-point", 1.0, 1.0, "correct"),
        // 2 of 5 correct: both right and one wrong = 1 - 1/3.
        ("sea-rules", 4.0, 6.0, "partial"),
        // One right and one wrong = 1/2 - 1/3 = 1/6.
        ("insured", 1.0, 6.0, "partial"),
        // The last item moved to the top keeps 3 of 4 neighbouring pairs.
        ("steps", 3.0, 4.0, "partial"),
        // One of three pairs right, one unpaired.
        ("codes", 1.0, 3.0, "partial"),
        ("greeting", 1.0, 1.0, "correct"),
        ("greeting-strict", 0.0, 1.0, "incorrect"),
        ("greeting-case", 1.0, 1.0, "correct"),
        ("insurance", 2.0, 2.0, "correct"),
        ("freight", 0.0, 1.0, "incorrect"),
        ("weight", 2.0, 2.0, "correct"),
        ("tf", 0.0, 1.0, "incorrect"),
    ];
    let graded = results(body);
    assert_eq!(graded.len(), expected.len(), "{body}");
    for (key, score, max, verdict) in &expected {
        let (s, m, v) = graded
            .get(&ids[*key])
            .unwrap_or_else(|| panic!("no result for {key}: {body}"));
        assert_close(*s, *score, &format!("score of {key}"));
        assert_close(*m, *max, &format!("max of {key}"));
        assert_eq!(v, verdict, "verdict on {key}");
    }
    let result = &body["result"];
    assert_close(result["score"].as_f64().expect("score"), 16.0, "quiz score");
    assert_close(result["max"].as_f64().expect("max"), 29.0, "quiz max");
    assert_close(
        result["share"].as_f64().expect("share"),
        16.0 / 29.0,
        "share",
    );
    assert_eq!(result["passed"], true);
    assert_eq!(result["needs_grading"], false);
    let correct_of = |key: &str| {
        result["questions"]
            .as_array()
            .expect("questions")
            .iter()
            .find(|q| q["question_id"] == ids[key].as_str())
            .expect("question result")
            .clone()
    };
    assert_eq!(
        correct_of("risk-point")["correct_answer"],
        json!({"choice": "rail"})
    );
    assert!(correct_of("risk-point")["feedback"]
        .as_str()
        .is_some_and(|f| f.contains("FEEDBACK-SENTINEL")));
    assert_eq!(
        correct_of("steps")["correct_answer"],
        json!({"order": ["s1", "s2", "s3", "s4", "s5"]})
    );
    assert_close(
        correct_of("weight")["correct_answer"]["value"]
            .as_f64()
            .expect("calculated key"),
        w * n,
        "calculated key",
    );

    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "graded");
    assert_close(row.score.expect("stored score"), 16.0, "stored score");
    assert_close(row.max.expect("stored max"), 29.0, "stored max");
    assert_eq!(row.answers, saved_map(&ids, &all));
    assert!(row.submitted_at.is_some());

    let again = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body, submitted.body, "GET shows what submit returned");
    assert_eq!(app.count("quiz_attempts").await, 1);
}

// ---------- 2. review policies ----------

/// A published quiz with `review` (and a time limit when `minutes` > 0), a student enrolled in it,
/// and that student's submitted attempt with one right and one wrong answer.
async fn submitted_under(
    app: &TestApp,
    school: &School,
    student: &str,
    review: &str,
    minutes: u32,
) -> (Reply, String) {
    let slug = format!("review-{}", review.replace('_', "-"));
    let questions = vec![
        single_choice("risk-point", &["rail", "gate"], "rail"),
        numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
    ];
    let built = published_course(
        app,
        school,
        &slug,
        quiz(
            json!({"review": review, "time_limit_minutes": minutes}),
            questions,
        ),
    )
    .await;
    let ids = question_ids(app, &school.instructor, &built.quiz).await;
    enroll(app, student, &built.course).await;
    let attempt = started(app, student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    assert_attempt_hides_keys(&format!("{review}: start"), &attempt);
    let responses = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("insurance", json!({"value": 100})),
    ];
    let saved = save(app, student, &attempt_id, answers(&ids, &responses)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_attempt_hides_keys(&format!("{review}: autosave"), &saved.body);
    let submitted = submit(app, student, &attempt_id, json!({}), None).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "graded");
    let row = stored(app, &attempt_id).await;
    assert_eq!(row.status, "graded");
    assert_close(row.score.expect("stored score"), 1.0, "stored score");
    (submitted, attempt_id)
}

#[tokio::test]
async fn results_appear_only_as_the_review_policy_allows() {
    let app = spawn_app().await;
    let school = school(&app, "review-college").await;
    let student = student(&app, &school, "student@review.test").await;

    // never: graded and stored, but no score, verdict, key or feedback on any endpoint.
    let (submitted, attempt) = submitted_under(&app, &school, &student, "never", 0).await;
    assert_attempt_hides_keys("never: submit", &submitted.body);
    let read = get_attempt(&app, &student, &attempt).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_attempt_hides_keys("never: GET", &read.body);
    assert_eq!(read.body["status"], "graded");

    // immediately: the result with scores, verdicts, keys and feedback.
    let (submitted, attempt) = submitted_under(&app, &school, &student, "immediately", 0).await;
    let result = &submitted.body["result"];
    assert_close(result["score"].as_f64().expect("score"), 1.0, "score");
    assert_close(result["max"].as_f64().expect("max"), 2.0, "max");
    assert_eq!(result["passed"], true);
    let verdicts: BTreeSet<&str> = result["questions"]
        .as_array()
        .expect("question results")
        .iter()
        .map(|q| {
            assert!(q.get("correct_answer").is_some(), "{q}");
            q["correct"].as_str().expect("verdict")
        })
        .collect();
    assert_eq!(verdicts, BTreeSet::from(["correct", "incorrect"]));
    assert!(submitted.body.to_string().contains("FEEDBACK-SENTINEL"));
    let read = get_attempt(&app, &student, &attempt).await;
    assert_eq!(read.body, submitted.body);

    // after_deadline: nothing before the deadline, everything once it has passed.
    let (submitted, attempt) = submitted_under(&app, &school, &student, "after_deadline", 30).await;
    assert!(submitted.body["deadline"].is_string(), "{}", submitted.body);
    assert_attempt_hides_keys("after_deadline: submit", &submitted.body);
    let read = get_attempt(&app, &student, &attempt).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_attempt_hides_keys("after_deadline: GET before the deadline", &read.body);
    expire(&app, &attempt, 1).await;
    let read = get_attempt(&app, &student, &attempt).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_close(
        read.body["result"]["score"]
            .as_f64()
            .unwrap_or_else(|| panic!("no result after the deadline: {}", read.body)),
        1.0,
        "score after the deadline",
    );
    assert_eq!(stored(&app, &attempt).await.status, "graded");
}

// ---------- 3. nothing leaks ----------

#[tokio::test]
async fn no_student_facing_response_carries_an_answer_key_and_author_routes_stay_closed() {
    let app = spawn_app().await;
    let school = school(&app, "leak-college").await;
    let student = student(&app, &school, "student@leak.test").await;
    let mut questions = every_kind();
    questions.push(essay());
    let built = published_course(
        &app,
        &school,
        "leak-quiz",
        quiz(
            json!({"review": "never", "time_limit_minutes": 15}),
            questions,
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;

    let enrolled = enroll(&app, &student, &built.course).await;
    assert_no_keys("POST /enroll", &enrolled.body);
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    assert_attempt_hides_keys("POST /attempts", &attempt);
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_attempt_hides_keys("GET /attempts/{id}", &read.body);
    let responses = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("greeting-case", json!({"text": "Delivered"})),
        (
            "letter",
            json!({"text": "Dear buyer, DDP includes import duties."}),
        ),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &responses)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_attempt_hides_keys("PUT /answers", &saved.body);
    let submitted = submit(&app, &student, &attempt_id, json!({}), None).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "needs_grading");
    assert_attempt_hides_keys("POST /submit", &submitted.body);
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_attempt_hides_keys("GET /attempts/{id} after submit", &read.body);

    let course = &built.course;
    for path in [
        format!("/courses/{course}"),
        format!("/courses/{course}?version=draft"),
        format!("/courses/{course}/modules"),
        format!("/modules/{}", built.module),
        "/me/enrollments".to_owned(),
        "/courses".to_owned(),
        "/me/progress".to_owned(),
        format!("/me/courses/{course}/progress"),
    ] {
        let reply = app.get(&path, Some(&student)).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        assert_no_keys(&format!("GET {path}"), &reply.body);
    }
    // Progress names the quiz as submitted, with no score: the review policy is "never".
    let progress = app
        .get(&format!("/me/courses/{course}/progress"), Some(&student))
        .await;
    let quiz_progress = &progress.body["modules"][0]["quiz"];
    assert_eq!(quiz_progress["status"], "submitted", "{}", progress.body);
    assert!(quiz_progress["share"].is_null() && quiz_progress["passed"].is_null());
    assert!(progress.body["score"].is_null(), "{}", progress.body);

    for path in [
        format!("/quizzes/{}/questions", built.quiz),
        format!("/quizzes/{}/questions?version=draft", built.quiz),
        format!("/quizzes/{}", built.quiz),
        format!("/courses/{course}/export"),
        format!("/courses/{course}/export?version=draft"),
    ] {
        let reply = app.get(&path, Some(&student)).await;
        assert!(
            [403, 404].contains(&reply.status),
            "GET {path} for a student: {} {}",
            reply.status,
            reply.body
        );
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        assert_no_keys(&format!("GET {path}"), &reply.body);
    }
}

/// API.md: GET /lessons/{id} is for enrolled students and authors.
#[tokio::test]
async fn an_enrolled_student_reads_the_lessons_of_the_course_and_others_do_not() {
    let app = spawn_app().await;
    let school = school(&app, "lesson-college").await;
    let enrolled = student(&app, &school, "student@lesson.test").await;
    let bystander = student(&app, &school, "bystander@lesson.test").await;
    let built = published_course(
        &app,
        &school,
        "lesson-quiz",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    enroll(&app, &enrolled, &built.course).await;
    let path = format!("/lessons/{}", built.lesson);

    let lesson = app.get(&path, Some(&enrolled)).await;
    assert_eq!(
        lesson.status, 200,
        "an enrolled student reads a lesson: {}",
        lesson.body
    );
    assert_eq!(lesson.body["title"], "Where risk and cost pass");
    assert_no_keys("GET /lessons/{id}", &lesson.body);
    let refused = app.get(&path, Some(&bystander)).await;
    assert!(
        [403, 404].contains(&refused.status),
        "a student who is not enrolled: {} {}",
        refused.status,
        refused.body
    );
}

// ---------- 4. parallel requests ----------

#[tokio::test]
async fn twenty_parallel_starts_under_an_attempt_limit_of_one_make_exactly_one_attempt() {
    let app = spawn_app().await;
    let school = school(&app, "race-college").await;
    let student = student(&app, &school, "student@race.test").await;
    let built = published_course(
        &app,
        &school,
        "race-starts",
        quiz(
            json!({"attempt_limit": 1}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    enroll(&app, &student, &built.course).await;

    let replies = join_all((0..20).map(|_| start(&app, &student, &built.quiz, None))).await;
    let created: Vec<&Reply> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(
        created.len(),
        1,
        "statuses: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(reply.status, 409, "{}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let code = reply.body["code"].as_str().unwrap_or_default();
        assert!(
            ["attempt_in_progress", "attempt_limit_reached"].contains(&code),
            "{}",
            reply.body
        );
    }
    assert_eq!(app.count("quiz_attempts").await, 1);
    let row = stored(&app, &id_of(created[0])).await;
    assert_eq!((row.number, row.status.as_str()), (1, "open"));
}

#[tokio::test]
async fn twenty_parallel_submits_of_one_attempt_grade_it_exactly_once() {
    let app = spawn_app().await;
    let school = school(&app, "submit-race").await;
    let student = student(&app, &school, "student@submit-race.test").await;
    let built = published_course(
        &app,
        &school,
        "race-submits",
        quiz(
            json!({}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();

    // Every submit carries its own answers, so the stored grade tells which one won.
    let bodies: Vec<Value> = (0..20)
        .map(|i| {
            let choice = if i % 2 == 0 { "rail" } else { "gate" };
            json!({"answers": answers(&ids, &[
                ("risk-point", json!({"choice": choice})),
                ("insurance", json!({"value": 100 + i})),
            ])})
        })
        .collect();
    let replies = join_all(
        bodies
            .iter()
            .map(|b| submit(&app, &student, &attempt_id, b.clone(), None)),
    )
    .await;
    let graded: Vec<&Reply> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(
        graded.len(),
        1,
        "statuses: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let winner = &graded[0].body;
    assert_eq!(winner["status"], "graded");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "graded");
    assert_eq!(
        row.answers, winner["answers"],
        "the winner's answers are kept"
    );
    assert_close(
        row.score.expect("stored score"),
        winner["result"]["score"].as_f64().expect("score"),
        "stored score",
    );
    let expected = if winner["answers"][&ids["risk-point"]] == json!({"choice": "rail"}) {
        1.0
    } else {
        0.0
    };
    let insurance = winner["answers"][&ids["insurance"]]["value"]
        .as_f64()
        .expect("insurance answer");
    let expected = expected + if insurance == 110.0 { 1.0 } else { 0.0 };
    assert_close(
        row.score.expect("stored score"),
        expected,
        "the one grading",
    );
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(&read.body, winner);
    assert_eq!(app.count("quiz_attempts").await, 1);
    // The others are told the attempt was already submitted (it has no deadline at all).
    for reply in replies.iter().filter(|r| r.status != 200) {
        reply.assert_problem(409, "attempt_closed");
    }
}

#[tokio::test]
async fn twenty_parallel_submits_sharing_an_idempotency_key_all_replay_the_one_grading() {
    let app = spawn_app().await;
    let school = school(&app, "key-race").await;
    let student = student(&app, &school, "student@key-race.test").await;
    let built = published_course(
        &app,
        &school,
        "race-keyed",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    let body = json!({"answers": answers(&ids, &[("risk-point", json!({"choice": "rail"}))])});

    let replies = join_all((0..20).map(|_| {
        submit(
            &app,
            &student,
            &attempt_id,
            body.clone(),
            Some("submit-once"),
        )
    }))
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        replies.iter().all(|r| r.status == 200),
        "a retry with the same key replays the grading: {statuses:?}; e.g. {}",
        replies
            .iter()
            .find(|r| r.status != 200)
            .map(|r| r.body.to_string())
            .unwrap_or_default()
    );
    for reply in &replies {
        assert_eq!(reply.body, replies[0].body, "identical replays");
    }
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "graded");
    assert_close(row.score.expect("stored score"), 1.0, "stored score");
    assert_eq!(
        replies[0].body["submitted_at"],
        json!(row.submitted_at.expect("submitted")),
        "graded once"
    );
}

#[tokio::test]
async fn twenty_parallel_starts_sharing_an_idempotency_key_all_replay_the_one_attempt() {
    let app = spawn_app().await;
    let school = school(&app, "start-key-race").await;
    let student = student(&app, &school, "student@start-key-race.test").await;
    let built = published_course(
        &app,
        &school,
        "race-start-keyed",
        quiz(
            json!({"attempt_limit": 1}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    enroll(&app, &student, &built.course).await;

    let replies =
        join_all((0..20).map(|_| start(&app, &student, &built.quiz, Some("start-once")))).await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert!(
        replies.iter().all(|r| r.status == 201),
        "a retry with the same key replays the start: {statuses:?}; e.g. {}",
        replies
            .iter()
            .find(|r| r.status != 201)
            .map(|r| r.body.to_string())
            .unwrap_or_default()
    );
    for reply in &replies {
        assert_eq!(reply.body, replies[0].body, "identical replays");
    }
    assert_eq!(app.count("quiz_attempts").await, 1);
}

#[tokio::test]
async fn parallel_autosaves_of_different_questions_are_all_kept() {
    let app = spawn_app().await;
    let school = school(&app, "save-race").await;
    let student = student(&app, &school, "student@save-race.test").await;
    let keys: Vec<String> = (1..=10).map(|i| format!("q{i}")).collect();
    let built = published_course(
        &app,
        &school,
        "race-saves",
        quiz(
            json!({}),
            keys.iter()
                .map(|k| single_choice(k, &["rail", "gate"], "rail"))
                .collect(),
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();

    // A frontend autosaves each question as it is answered; the saves overlap.
    let replies = join_all(keys.iter().map(|k| {
        save(
            &app,
            &student,
            &attempt_id,
            answers(&ids, &[(k.as_str(), json!({"choice": "rail"}))]),
        )
    }))
    .await;
    for reply in &replies {
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let all: Vec<(&str, Value)> = keys
        .iter()
        .map(|k| (k.as_str(), json!({"choice": "rail"})))
        .collect();
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        row.answers.as_object().map(|m| m.len()),
        Some(10),
        "every autosave is kept: {}",
        row.answers
    );
    assert_eq!(row.answers, saved_map(&ids, &all));
    let graded = submit(&app, &student, &attempt_id, json!({}), None).await;
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        10.0,
        "every saved answer counts",
    );
}

#[tokio::test]
async fn a_quiz_that_draws_questions_shows_and_grades_only_the_drawn_ones() {
    let app = spawn_app().await;
    let school = school(&app, "draw-college").await;
    let student = student(&app, &school, "student@draw.test").await;
    let keys = ["q1", "q2", "q3", "q4", "q5"];
    let built = published_course(
        &app,
        &school,
        "draw-quiz",
        quiz(
            json!({"draw": 2, "shuffle_questions": false, "shuffle_options": false}),
            keys.iter()
                .map(|k| single_choice(k, &["rail", "gate", "quay"], "rail"))
                .collect(),
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    assert_attempt_hides_keys("a drawn attempt", &attempt);
    let drawn: Vec<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("id"))
        .collect();
    assert_eq!(drawn.len(), 2, "{attempt}");
    // Without shuffling, the drawn questions keep the authored order, and so do the options.
    let authored: Vec<&str> = keys
        .iter()
        .map(|k| ids[*k].as_str())
        .filter(|id| drawn.contains(id))
        .collect();
    assert_eq!(drawn, authored);
    for q in attempt["questions"].as_array().expect("questions") {
        let order: Vec<&str> = q["options"]
            .as_array()
            .expect("options")
            .iter()
            .map(|o| o["id"].as_str().expect("id"))
            .collect();
        assert_eq!(order, ["rail", "gate", "quay"]);
    }

    // A question of the quiz that was not drawn is not a question of this attempt.
    let left_out = keys
        .iter()
        .find(|k| !drawn.contains(&ids[**k].as_str()))
        .expect("a question left out");
    let reply = save(
        &app,
        &student,
        &attempt_id,
        answers(&ids, &[(*left_out, json!({"choice": "rail"}))]),
    )
    .await;
    reply.assert_problem(422, "validation_failed");
    assert_eq!(reply.body["errors"][0]["field"], "answers[0].question_id");
    assert_eq!(stored(&app, &attempt_id).await.answers, json!({}));

    let both: Vec<Value> = drawn
        .iter()
        .map(|id| json!({"question_id": id, "response": {"choice": "rail"}}))
        .collect();
    let graded = submit(&app, &student, &attempt_id, json!({"answers": both}), None).await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "score",
    );
    assert_close(
        graded.body["result"]["max"].as_f64().expect("max"),
        2.0,
        "only drawn questions count",
    );
    assert_eq!(results(&graded.body).len(), 2);
}

// ---------- 5. idempotency keys ----------

#[tokio::test]
async fn an_idempotency_key_replays_the_first_start_and_submit_and_refuses_another_request() {
    let app = spawn_app().await;
    let school = school(&app, "idem-college").await;
    let student = student(&app, &school, "student@idem.test").await;
    let built = published_course(
        &app,
        &school,
        "idem-quiz",
        quiz(
            json!({"attempt_limit": 3}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;

    let first = start(&app, &student, &built.quiz, Some("start-1")).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = start(&app, &student, &built.quiz, Some("start-1")).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(id_of(&again), id_of(&first));
    assert_eq!(again.body, first.body);
    assert_eq!(app.count("quiz_attempts").await, 1);
    let attempt = id_of(&first);

    let body = json!({"answers": answers(&ids, &[("risk-point", json!({"choice": "rail"}))])});
    let graded = submit(&app, &student, &attempt, body.clone(), Some("submit-1")).await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_eq!(graded.body["status"], "graded");
    let replay = submit(&app, &student, &attempt, body.clone(), Some("submit-1")).await;
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.body, graded.body);
    assert_eq!(replay.header("content-type"), graded.header("content-type"));
    let row = stored(&app, &attempt).await;
    assert_close(row.score.expect("score"), 1.0, "stored score");

    // The same key for another request: another body, or another route.
    let other = json!({"answers": answers(&ids, &[("risk-point", json!({"choice": "gate"}))])});
    submit(&app, &student, &attempt, other, Some("submit-1"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    submit(&app, &student, &attempt, json!({}), Some("submit-1"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    start(&app, &student, &built.quiz, Some("submit-1"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    submit(&app, &student, &attempt, body.clone(), Some("start-1"))
        .await
        .assert_problem(422, "idempotency_key_reused");
    assert_eq!(app.count("quiz_attempts").await, 1);
    let after = stored(&app, &attempt).await;
    assert_eq!(after.answers, row.answers);
    assert_eq!(after.score, row.score);
    assert_eq!(after.submitted_at, row.submitted_at);

    // Without a key the second submit is refused; a new key starts a new attempt.
    submit(&app, &student, &attempt, body, None)
        .await
        .assert_problem(409, "attempt_closed");
    let second = start(&app, &student, &built.quiz, Some("start-2")).await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_ne!(id_of(&second), attempt);
    assert_eq!(second.body["number"], 2);
    assert_eq!(app.count("quiz_attempts").await, 2);
}

// ---------- 6. bad input ----------

#[tokio::test]
async fn bad_answers_foreign_attempts_and_refused_starts_store_nothing() {
    let app = spawn_app().await;
    let school = school(&app, "bad-college").await;
    let other = student(&app, &school, "other@bad.test").await;
    let student = student(&app, &school, "student@bad.test").await;
    let built = published_course(
        &app,
        &school,
        "bad-quiz",
        quiz(
            json!({"attempt_limit": 2}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                json!({
                    "id": "sea-rules",
                    "kind": "multiple_choice",
                    "prompt": "Which rules are for sea transport only?",
                    "points": 2,
                    "competencies": [COMPETENCY],
                    "options": options(&["fob", "fca", "cif", "dap"]),
                    "answers": ["fob", "cif"],
                }),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    enroll(&app, &other, &built.course).await;
    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    let good = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("sea-rules", json!({"choices": ["fob"]})),
        ("insurance", json!({"value": 110})),
    ];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &good)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let before = stored(&app, &attempt_id).await;
    assert_eq!(before.answers, saved_map(&ids, &good));

    let sea = ids["sea-rules"].clone();
    let risk = ids["risk-point"].clone();
    let insurance = ids["insurance"].clone();
    let huge: Vec<&str> = vec!["fob"; 100_000];
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "a multiple_choice answer of the wrong shape",
            json!([{"question_id": sea, "response": {"choices": "a"}}]),
            "answers[0].response",
        ),
        (
            "a response with an unknown field",
            json!([{"question_id": risk, "response": {"choice": "rail", "score": 1}}]),
            "answers[0].response",
        ),
        (
            "an unknown question id",
            json!([{"question_id": uuid::Uuid::now_v7().to_string(), "response": {"choice": "rail"}}]),
            "answers[0].question_id",
        ),
        (
            "an option id of another question",
            json!([{"question_id": risk, "response": {"choice": "fob"}}]),
            "answers[0].response.choice",
        ),
        (
            "a 100,000-element array",
            json!([{"question_id": sea, "response": {"choices": huge}}]),
            "answers[0].response.choices",
        ),
        (
            "NaN as a string number",
            json!([{"question_id": insurance, "response": {"value": "NaN"}}]),
            "answers[0].response.value",
        ),
        (
            "inf as a string number",
            json!([{"question_id": insurance, "response": {"value": "inf"}}]),
            "answers[0].response.value",
        ),
        (
            "a good answer next to a bad one",
            json!([
                {"question_id": risk, "response": {"choice": "gate"}},
                {"question_id": sea, "response": {"choices": ["fob", "fob"]}},
            ]),
            "answers[1].response.choices.1",
        ),
    ];
    for (what, list, field) in &cases {
        let reply = save(&app, &student, &attempt_id, list.clone()).await;
        reply.assert_problem(422, "validation_failed");
        let errors = reply.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{what}: no errors in {}", reply.body));
        assert!(
            errors.iter().any(|e| e["field"] == *field),
            "{what}: no error for {field} in {}",
            reply.body
        );
        assert!(
            reply.body.to_string().len() < 10_000,
            "{what}: the error echoes the input"
        );
        assert_eq!(
            stored(&app, &attempt_id).await.answers,
            before.answers,
            "{what}: answers changed"
        );
        // The same answers in a submit grade nothing.
        let refused = submit(
            &app,
            &student,
            &attempt_id,
            json!({ "answers": list }),
            None,
        )
        .await;
        refused.assert_problem(422, "validation_failed");
        let row = stored(&app, &attempt_id).await;
        assert_eq!(
            (row.status.as_str(), &row.answers),
            ("open", &before.answers),
            "{what}: submit stored something"
        );
    }
    // A number literal JSON cannot carry, and a body that is not the request's shape.
    let raw =
        format!(r#"{{"answers":[{{"question_id":"{insurance}","response":{{"value":NaN}}}}]}}"#);
    let reply = Reply::from(
        app.client
            .put(app.url(&format!("/attempts/{attempt_id}/answers")))
            .bearer_auth(&student)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert!(
        [400, 422].contains(&reply.status),
        "NaN literal: {} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    // 100,000 answers are more than the body limit allows: refused before anything is read.
    let many: Vec<Value> = (0..100_000)
        .map(|_| json!({"question_id": risk, "response": {"choice": "gate"}}))
        .collect();
    let reply = save(&app, &student, &attempt_id, Value::Array(many)).await;
    assert!(
        [413, 422].contains(&reply.status),
        "100,000 answers: {} {}",
        reply.status,
        reply.body
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/problem+json")
    );
    for body in [
        json!({"answers": {"choice": "rail"}}),
        json!({"answers": [], "status": "graded"}),
    ] {
        let reply = app
            .request(
                Method::PUT,
                &format!("/attempts/{attempt_id}/answers"),
                Some(&student),
                Some(body.clone()),
            )
            .await;
        assert!(
            [400, 422].contains(&reply.status),
            "{body}: {} {}",
            reply.status,
            reply.body
        );
    }
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        (row.status.as_str(), &row.answers),
        ("open", &before.answers)
    );

    // Another student's attempt does not exist for them.
    get_attempt(&app, &other, &attempt_id)
        .await
        .assert_problem(404, "not_found");
    save(
        &app,
        &other,
        &attempt_id,
        answers(&ids, &[("risk-point", json!({"choice": "gate"}))]),
    )
    .await
    .assert_problem(404, "not_found");
    submit(&app, &other, &attempt_id, json!({}), None)
        .await
        .assert_problem(404, "not_found");
    submit(&app, &other, &attempt_id, json!({}), Some("theirs"))
        .await
        .assert_problem(404, "not_found");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        (row.status.as_str(), &row.answers),
        ("open", &before.answers)
    );

    // One attempt at a time, and no more than the limit.
    start(&app, &student, &built.quiz, None)
        .await
        .assert_problem(409, "attempt_in_progress");
    assert_eq!(app.count("quiz_attempts").await, 1);
    let graded = submit(&app, &student, &attempt_id, json!({}), None).await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    let closed = stored(&app, &attempt_id).await;

    // Saving or submitting again after the submit.
    save(
        &app,
        &student,
        &attempt_id,
        answers(&ids, &[("risk-point", json!({"choice": "gate"}))]),
    )
    .await
    .assert_problem(409, "attempt_closed");
    submit(&app, &student, &attempt_id, json!({}), None)
        .await
        .assert_problem(409, "attempt_closed");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.answers, closed.answers);
    assert_eq!(row.score, closed.score);
    assert_eq!(row.submitted_at, closed.submitted_at);

    let second = started(&app, &student, &built.quiz).await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(second["number"], 2);
    let done = submit(&app, &student, &second_id, json!({}), None).await;
    assert_eq!(done.status, 200, "{}", done.body);
    start(&app, &student, &built.quiz, None)
        .await
        .assert_problem(409, "attempt_limit_reached");
    start(&app, &student, &built.quiz, Some("after-the-limit"))
        .await
        .assert_problem(409, "attempt_limit_reached");
    assert_eq!(app.count("quiz_attempts").await, 2);

    // Not enrolled: 403. A course the student cannot see: 404, enrolled or not.
    let unenrolled = published_course(
        &app,
        &school,
        "bad-unenrolled",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    start(&app, &student, &unenrolled.quiz, None)
        .await
        .assert_problem(403, "forbidden");
    let draft = draft_course(
        &app,
        &school,
        "bad-draft",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    app.post(
        &format!("/courses/{}/enroll", draft.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    start(&app, &student, &draft.quiz, None)
        .await
        .assert_problem(404, "not_found");
    let (elsewhere, elsewhere_admin) = app.org_with_admin(&school.root, "bad-elsewhere").await;
    let foreign_school = School {
        root: school.root.clone(),
        org: elsewhere,
        admin: elsewhere_admin,
        instructor: String::new(),
    };
    let (foreign_teacher, _) = member(
        &app,
        &foreign_school,
        "teacher@bad-elsewhere.test",
        "instructor",
    )
    .await;
    let foreign_school = School {
        instructor: foreign_teacher,
        ..foreign_school
    };
    let foreign = published_course(
        &app,
        &foreign_school,
        "bad-foreign",
        quiz(
            json!({}),
            vec![single_choice("risk-point", &["rail", "gate"], "rail")],
        ),
    )
    .await;
    app.post(
        &format!("/courses/{}/enroll", foreign.course),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    start(&app, &student, &foreign.quiz, None)
        .await
        .assert_problem(404, "not_found");
    start(
        &app,
        &student,
        &uuid::Uuid::now_v7().to_string(),
        Some("nowhere"),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(app.count("quiz_attempts").await, 2);
    assert_eq!(app.count("enrollments").await, 2);
}

// ---------- 7. deadlines ----------

#[tokio::test]
async fn an_attempt_past_its_deadline_is_closed_and_graded_with_its_saved_answers() {
    let app = spawn_app().await;
    let school = school(&app, "deadline-college").await;
    let student = student(&app, &school, "student@deadline.test").await;
    let built = published_course(
        &app,
        &school,
        "deadline-quiz",
        quiz(
            json!({"time_limit_minutes": 1, "attempt_limit": 3}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;

    let attempt = started(&app, &student, &built.quiz).await;
    let attempt_id = attempt["id"].as_str().expect("id").to_owned();
    let limit = time_of(&attempt["deadline"]) - time_of(&attempt["started_at"]);
    assert_eq!(limit.num_seconds(), 60, "{attempt}");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(
        row.deadline.map(|d| json!(d)),
        Some(attempt["deadline"].clone())
    );
    let in_time = vec![("risk-point", json!({"choice": "rail"}))];
    let saved = save(&app, &student, &attempt_id, answers(&ids, &in_time)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);

    expire(&app, &attempt_id, 2).await;
    let late = save(
        &app,
        &student,
        &attempt_id,
        answers(&ids, &[("insurance", json!({"value": 110}))]),
    )
    .await;
    // The deadline closed it, not the student: the problem says so.
    late.assert_problem(409, "deadline_passed");
    let row = stored(&app, &attempt_id).await;
    assert_eq!(row.status, "graded", "the late save closed the attempt");
    assert_eq!(
        row.answers,
        saved_map(&ids, &in_time),
        "the late answer is not kept"
    );
    assert_close(row.score.expect("stored score"), 1.0, "saved answers count");
    let read = get_attempt(&app, &student, &attempt_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["status"], "graded");
    assert_eq!(read.body["answers"], saved_map(&ids, &in_time));
    assert_close(
        read.body["result"]["score"].as_f64().expect("score"),
        1.0,
        "score",
    );
    submit(&app, &student, &attempt_id, json!({}), None)
        .await
        .assert_problem(409, "deadline_passed");

    // An expired attempt nobody touched does not block the next start; it is graded first.
    let second = started(&app, &student, &built.quiz).await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(second["number"], 2);
    let both = vec![
        ("risk-point", json!({"choice": "gate"})),
        ("insurance", json!({"value": 110})),
    ];
    let saved = save(&app, &student, &second_id, answers(&ids, &both)).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    expire(&app, &second_id, 2).await;
    let third = started(&app, &student, &built.quiz).await;
    assert_eq!(third["number"], 3);
    let row = stored(&app, &second_id).await;
    assert_eq!(row.status, "graded");
    assert_eq!(row.answers, saved_map(&ids, &both));
    assert_close(row.score.expect("stored score"), 1.0, "second attempt");
    assert_eq!(app.count("quiz_attempts").await, 3);
}

// ---------- 8. versions ----------

#[tokio::test]
async fn a_graded_attempt_keeps_its_score_when_the_author_changes_the_key_and_republishes() {
    let app = spawn_app().await;
    let school = school(&app, "version-college").await;
    let student = student(&app, &school, "student@version.test").await;
    let built = published_course(
        &app,
        &school,
        "version-quiz",
        quiz(
            json!({"attempt_limit": 3, "shuffle_questions": false}),
            vec![
                single_choice("risk-point", &["rail", "gate"], "rail"),
                numeric("insurance", 110.0, 0.0, "absolute", 1, "%"),
            ],
        ),
    )
    .await;
    let ids = question_ids(&app, &school.instructor, &built.quiz).await;
    enroll(&app, &student, &built.course).await;
    let responses = vec![
        ("risk-point", json!({"choice": "rail"})),
        ("insurance", json!({"value": 110})),
    ];

    let first = started(&app, &student, &built.quiz).await;
    let first_id = first["id"].as_str().expect("id").to_owned();
    let old_prompt = shown(&first, &ids["risk-point"])["prompt"].clone();
    let graded = submit(
        &app,
        &student,
        &first_id,
        json!({"answers": answers(&ids, &responses)}),
        None,
    )
    .await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "first",
    );
    let before = stored(&app, &first_id).await;

    let edited = app
        .patch(
            &format!("/questions/{}", ids["risk-point"]),
            Some(&school.instructor),
            json!({"answer": "gate", "prompt": "Revised: pick one."}),
        )
        .await;
    assert_eq!(edited.status, 204, "{}", edited.body);
    // An unpublished draft changes nothing for the student.
    let read = get_attempt(&app, &student, &first_id).await;
    assert_eq!(read.body, graded.body);
    publish(&app, &school.instructor, &built.course).await;
    assert_eq!(
        question_ids(&app, &school.instructor, &built.quiz).await,
        ids,
        "question ids are stable across versions"
    );

    let read = get_attempt(&app, &student, &first_id).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(
        read.body, graded.body,
        "the old attempt shows its own version"
    );
    assert_eq!(shown(&read.body, &ids["risk-point"])["prompt"], old_prompt);
    let after = stored(&app, &first_id).await;
    assert_eq!(after.score, before.score);
    assert_eq!(after.version, before.version);
    assert_eq!(after.answers, before.answers);

    // A new attempt is put and graded by the new version.
    let second = started(&app, &student, &built.quiz).await;
    let second_id = second["id"].as_str().expect("id").to_owned();
    assert_eq!(
        shown(&second, &ids["risk-point"])["prompt"],
        "Revised: pick one."
    );
    let regraded = submit(
        &app,
        &student,
        &second_id,
        json!({"answers": answers(&ids, &responses)}),
        None,
    )
    .await;
    assert_eq!(regraded.status, 200, "{}", regraded.body);
    let per_question = results(&regraded.body);
    assert_eq!(per_question[&ids["risk-point"]].2, "incorrect");
    assert_eq!(per_question[&ids["insurance"]].2, "correct");
    assert_close(
        regraded.body["result"]["score"].as_f64().expect("score"),
        1.0,
        "second",
    );
    let row = stored(&app, &second_id).await;
    assert_ne!(row.version, before.version, "started from the new version");
    assert_close(row.score.expect("score"), 1.0, "stored second score");

    let third = started(&app, &student, &built.quiz).await;
    let third_id = third["id"].as_str().expect("id").to_owned();
    let right_now = vec![
        ("risk-point", json!({"choice": "gate"})),
        ("insurance", json!({"value": 110})),
    ];
    let graded = submit(
        &app,
        &student,
        &third_id,
        json!({"answers": answers(&ids, &right_now)}),
        None,
    )
    .await;
    assert_close(
        graded.body["result"]["score"].as_f64().expect("score"),
        2.0,
        "third",
    );
    assert_close(
        stored(&app, &first_id).await.score.expect("score"),
        2.0,
        "the first attempt still",
    );
}
