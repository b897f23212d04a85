//! Deadlines: an attempt past its time limit is closed and graded with the answers it had saved.

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student};
use crate::support::attempts::{
    answers, assert_close, enroll, expire, get_attempt, published_course, question_ids, save,
    saved_map, started, stored, submit, time_of,
};
use crate::support::quizzes::{numeric, quiz, single_choice};

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
