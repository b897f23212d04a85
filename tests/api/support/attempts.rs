//! Taking quizzes through the API: a practice course of a school with one quiz, enrollment,
//! starting, autosaving and submitting attempts (with an optional `Idempotency-Key`), reading
//! results, and the stored attempt row behind them.

use std::collections::BTreeMap;

use caravan::db::sql_types::{Id, JsonValue, Timestamp};
use caravan::schema::quiz_attempts;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::School;
use crate::support::courses::{id_of, publish, COMPETENCY};

fn practice_course_body(slug: &str, org_id: &str) -> Value {
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

fn practice_lesson_body() -> Value {
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

/// The ids of a practice course built by [`draft_course`].
pub struct PracticeCourse {
    pub course: String,
    pub module: String,
    pub lesson: String,
    pub quiz: String,
}

/// A draft course of the school with one module, one lesson and `quiz_body`.
pub async fn draft_course(
    app: &TestApp,
    school: &School,
    slug: &str,
    quiz_body: Value,
) -> PracticeCourse {
    let token = school.instructor.as_str();
    let created = app
        .post(
            "/courses",
            Some(token),
            practice_course_body(slug, &school.org),
        )
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
            practice_lesson_body(),
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
    PracticeCourse {
        course,
        module,
        lesson,
        quiz: id_of(&quiz),
    }
}

/// A published course of the school whose only quiz is `quiz_body`.
pub async fn published_course(
    app: &TestApp,
    school: &School,
    slug: &str,
    quiz_body: Value,
) -> PracticeCourse {
    let built = draft_course(app, school, slug, quiz_body).await;
    publish(app, &school.instructor, &built.course).await;
    built
}

pub async fn enroll(app: &TestApp, token: &str, course: &str) -> Reply {
    let enrolled = app
        .post(&format!("/courses/{course}/enroll"), Some(token), json!({}))
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    enrolled
}

/// The published question ids of a quiz by their quiz.toml id, as its author reads them.
pub async fn question_ids(app: &TestApp, author: &str, quiz: &str) -> BTreeMap<String, String> {
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
async fn send_with_key(
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

pub async fn start(app: &TestApp, token: &str, quiz: &str, key: Option<&str>) -> Reply {
    send_with_key(
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
pub async fn started(app: &TestApp, token: &str, quiz: &str) -> Value {
    let reply = start(app, token, quiz, None).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    reply.body
}

pub async fn get_attempt(app: &TestApp, token: &str, attempt: &str) -> Reply {
    app.get(&format!("/attempts/{attempt}"), Some(token)).await
}

pub async fn save(app: &TestApp, token: &str, attempt: &str, answers: Value) -> Reply {
    app.request(
        Method::PUT,
        &format!("/attempts/{attempt}/answers"),
        Some(token),
        Some(json!({ "answers": answers })),
    )
    .await
}

pub async fn submit(
    app: &TestApp,
    token: &str,
    attempt: &str,
    body: Value,
    key: Option<&str>,
) -> Reply {
    send_with_key(
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
pub fn answers(ids: &BTreeMap<String, String>, responses: &[(&str, Value)]) -> Value {
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
pub fn saved_map(ids: &BTreeMap<String, String>, responses: &[(&str, Value)]) -> Value {
    Value::Object(
        responses
            .iter()
            .map(|(key, response)| (ids[*key].clone(), response.clone()))
            .collect(),
    )
}

/// The attempt's question by question id.
pub fn shown<'a>(attempt: &'a Value, question_id: &str) -> &'a Value {
    attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["question_id"] == question_id)
        .unwrap_or_else(|| panic!("question {question_id} not in {attempt}"))
}

/// The per-question results of a revealed result, by question id: (score, max, verdict).
pub fn results(attempt: &Value) -> BTreeMap<String, (f64, f64, String)> {
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
pub fn assert_close(found: f64, expected: f64, what: &str) {
    assert!(
        (found - expected).abs() < 1e-9,
        "{what}: expected {expected}, found {found}"
    );
}

pub struct StoredAttempt {
    pub number: i32,
    pub status: String,
    pub answers: Value,
    pub score: Option<f64>,
    pub max: Option<f64>,
    pub version: Id,
    pub deadline: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
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

pub async fn stored(app: &TestApp, attempt: &str) -> StoredAttempt {
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
pub async fn expire(app: &TestApp, attempt: &str, minutes: i64) {
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

pub fn time_of(value: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap_or_else(|| panic!("{value}")))
        .unwrap_or_else(|e| panic!("{value} is not RFC 3339: {e}"))
        .with_timezone(&chrono::Utc)
}

/// The numbers in a rendered prompt, in order.
pub fn numbers_in(prompt: &str) -> Vec<f64> {
    prompt
        .split_whitespace()
        .map(|w| w.trim_end_matches(['.', ',', '?']))
        .filter_map(|w| w.parse::<f64>().ok())
        .collect()
}
