//! Idempotency keys on starting and submitting: a repeated request replays the first answer, also
//! when the repeats arrive in parallel, and the same key on another request is refused.

use futures::future::join_all;
use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{
    answers, assert_close, enroll, published_course, question_ids, start, started, stored, submit,
};
use crate::support::courses::id_of;
use crate::support::quizzes::{numeric, quiz, single_choice};

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
