//! What a student sees of keys and results: results appear only as the quiz's review policy
//! allows, and no student-facing response carries an answer key while author routes stay closed.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{school, student, School};
use crate::support::attempts::{
    answers, assert_close, enroll, expire, get_attempt, published_course, question_ids, save,
    started, stored, submit,
};
use crate::support::leaks::{assert_attempt_hides_keys, assert_no_keys};
use crate::support::quizzes::{essay, every_kind, numeric, quiz, single_choice};

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
