//! Submit integrity: a submit cannot be taken back, so a body that is not a valid submission is
//! refused before the attempt is touched; only a submit with no body at all hands in what was
//! autosaved.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::small_course;

/// A student with an open attempt of a two-question true/false quiz, one answer autosaved.
/// Returns (token, attempt id, the autosaved question id).
async fn open_attempt_with_a_saved_answer(app: &TestApp) -> (String, String, String) {
    let root = app.platform_admin().await;
    let (course_id, _, quiz_id) =
        small_course(app, &root, "submit-body", &[], "immediately", 0.5).await;
    let (token, _) = app.user("careful@example.com").await;
    app.post(
        &format!("/courses/{course_id}/enroll"),
        Some(&token),
        json!({}),
    )
    .await
    .assert_status(201);
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let id = attempt.body["id"].as_str().unwrap().to_owned();
    let question = attempt.body["questions"][0]["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let saved = app
        .request(
            Method::PUT,
            &format!("/attempts/{id}/answers"),
            Some(&token),
            Some(json!({"answers": [{"question_id": question, "response": {"value": true}}]})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    (token, id, question)
}

fn saved_answers(attempt: &Value) -> Value {
    let answers = attempt["answers"].clone();
    assert_eq!(answers.as_object().map(|a| a.len()), Some(1), "{attempt}");
    answers
}

#[tokio::test]
async fn a_bad_submit_body_is_refused_and_the_attempt_stays_open_and_unchanged() {
    let app = spawn_app().await;
    let (token, attempt, _) = open_attempt_with_a_saved_answer(&app).await;
    let before = app.get(&format!("/attempts/{attempt}"), Some(&token)).await;
    assert_eq!(before.body["status"], "open");
    let path = format!("/attempts/{attempt}/submit");
    for (content_type, body) in [
        ("text/plain", "submit please"),
        ("application/json", "{\"answers\": ["),
        ("application/json", "{\"answerz\": []}"),
        ("application/json", "{\"answers\": \"all of them\"}"),
        ("application/json", "{\"answers\": [{\"question_id\": 7}]}"),
        ("application/json", "null"),
    ] {
        let r = app.post_raw(&path, Some(&token), content_type, body).await;
        r.assert_problem(422, "invalid_body");
        let after = app.get(&format!("/attempts/{attempt}"), Some(&token)).await;
        assert_eq!(after.body["status"], "open", "after {body}");
        assert_eq!(
            saved_answers(&after.body),
            saved_answers(&before.body),
            "autosave untouched after {body}"
        );
    }
}

#[tokio::test]
async fn a_submit_with_no_body_hands_in_what_was_autosaved() {
    let app = spawn_app().await;
    let (token, attempt, _) = open_attempt_with_a_saved_answer(&app).await;
    let r = app
        .request(
            Method::POST,
            &format!("/attempts/{attempt}/submit"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "graded");
    // One of the two questions was answered (true is right for one and wrong for the other),
    // so the score is 0 or 1 of 2, never the full marks.
    let score = r.body["result"]["score"].as_f64().unwrap();
    assert!(score <= 1.0, "{}", r.body);
}
