//! The writes of a submit stay prepared on their connection: each is prepared once and executed
//! again on the next submit, never sent to be parsed and planned anew every time (on PostgreSQL
//! that planning was the largest avoidable cost of a submit). On PostgreSQL the four writes after
//! the close travel as one statement. Watched through diesel's events on the server's only pooled
//! connection, on both backends.

use std::sync::{Arc, Mutex};

use diesel::connection::InstrumentationEvent;
use diesel::Connection;
use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{enroll, published_course, started, submit};
use crate::support::quizzes::{quiz, single_choice};

/// The statements a graded submit writes with, by how their SQL starts.
const SUBMIT_WRITES: [&str; 5] = [
    "UPDATE quiz_attempts SET status",
    "INSERT INTO competency_evidence",
    "INSERT INTO competency_mastery",
    "INSERT INTO quiz_results",
    "UPDATE enrollments SET lessons_done",
];

/// What the connection did: statements prepared for reuse, and statements started.
#[derive(Default)]
struct Seen {
    prepared: Vec<String>,
    started: Vec<String>,
}

#[tokio::test]
async fn a_submit_reuses_the_writes_prepared_by_the_submit_before() {
    // One pooled connection: every request of the test runs on the one being watched.
    let app = spawn_app_with(|s| s.db_pool_size = 1).await;
    let school = school(&app, "prepared-college").await;
    let student = student(&app, &school, "student@prepared.test").await;
    let built = published_course(
        &app,
        &school,
        "prepared-quiz",
        quiz(
            json!({}),
            vec![single_choice("origin", &["rail", "sea"], "rail")],
        ),
    )
    .await;
    enroll(&app, &student, &built.course).await;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let sink = seen.clone();
    let watch = move |event: InstrumentationEvent<'_>| {
        // A failed assertion below poisons the lock; the events are still worth keeping.
        let mut seen = sink.lock().unwrap_or_else(|e| e.into_inner());
        // Identifiers unquoted, so the match does not depend on how a statement quotes them.
        match event {
            InstrumentationEvent::CacheQuery { sql, .. } => {
                seen.prepared.push(sql.replace('"', ""))
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                seen.started.push(query.to_string().replace('"', ""))
            }
            _ => {}
        }
    };
    app.db(move |c| c.set_instrumentation(watch)).await;

    for _ in 0..2 {
        let attempt = started(&app, &student, &built.quiz).await;
        let id = attempt["id"].as_str().expect("attempt id").to_owned();
        let reply = submit(&app, &student, &id, json!({}), None).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["status"], "graded", "{}", reply.body);
    }

    let seen = seen.lock().expect("events");
    // A write is found in a statement's text: on PostgreSQL most of them inside a batch.
    let holding = |list: &[String], write: &str| list.iter().filter(|s| s.contains(write)).count();
    for write in SUBMIT_WRITES {
        let started = holding(&seen.started, write);
        assert_eq!(
            started, 2,
            "{write}… runs once on each of the two submits (ran {started} times)"
        );
        let prepared = holding(&seen.prepared, write);
        assert_eq!(
            prepared, 1,
            "{write}… is prepared once and reused, not prepared again or sent unprepared"
        );
    }
    let after_close = &SUBMIT_WRITES[1..];
    let together = seen
        .started
        .iter()
        .filter(|s| after_close.iter().all(|w| s.contains(w)))
        .count();
    if app.database_url.starts_with("postgres") {
        assert_eq!(
            together, 2,
            "on PostgreSQL a submit's evidence, mastery, result and figures are one statement"
        );
    } else {
        assert_eq!(
            together, 0,
            "SQLite runs each write as a statement of its own"
        );
    }
}
