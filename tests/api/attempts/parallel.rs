//! Parallel requests on one quiz or attempt: an attempt limit holds under concurrent starts, a
//! concurrently submitted attempt is graded once, and concurrent autosaves all keep their answer.

use futures::future::join_all;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{
    answers, assert_close, enroll, get_attempt, published_course, question_ids, save, saved_map,
    start, started, stored, submit,
};
use crate::support::courses::id_of;
use crate::support::quizzes::{numeric, quiz, single_choice};

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
