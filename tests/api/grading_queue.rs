//! Manual grading: essays wait in the instructor's queue, a hand grade completes the attempt, and
//! every hand grade is recorded with its author.

use serde_json::json;

use crate::helpers::*;
use crate::support::courses::essay_course;

#[tokio::test]
async fn an_essay_waits_in_the_queue_until_an_author_grades_it_and_each_grade_is_audited() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, quiz_id) = essay_course(&app, &root).await;
    let (student, _) = app.user("writer@example.com").await;
    assert_eq!(
        app.post(
            &format!("/courses/{course_id}/enroll"),
            Some(&student),
            json!({})
        )
        .await
        .status,
        201
    );
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&student),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let attempt_id = attempt.body["id"].as_str().unwrap().to_owned();
    let questions = attempt.body["questions"].as_array().unwrap().clone();
    let essay = questions.iter().find(|q| q["kind"] == "essay").unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let tf = questions
        .iter()
        .find(|q| q["kind"] == "true_false")
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let submitted = app
        .post(
            &format!("/attempts/{attempt_id}/submit"),
            Some(&student),
            json!({"answers": [
                {"question_id": essay, "response": {"text": "Sorry for the delay: the carrier lost a day; it arrives Friday."}},
                {"question_id": tf, "response": {"value": true}}
            ]}),
        )
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.body["status"], "needs_grading");
    assert_eq!(submitted.body["result"]["needs_grading"], true);
    assert_eq!(submitted.body["result"]["score"], 1.0);

    // Only authors see the queue and grade.
    app.get(&format!("/quizzes/{quiz_id}/grading-queue"), Some(&student))
        .await
        .assert_problem(403, "forbidden");
    app.post(
        &format!("/attempts/{attempt_id}/grades"),
        Some(&student),
        json!({"question_id": essay, "score": 4}),
    )
    .await
    .assert_problem(403, "forbidden");
    let queue = app
        .get(&format!("/quizzes/{quiz_id}/grading-queue"), Some(&root))
        .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(queue.body[0]["attempt_id"], attempt_id.as_str());
    assert_eq!(queue.body[0]["pending"][0]["question_id"], essay.as_str());
    assert!(queue.body[0]["pending"][0]["response"]["text"]
        .as_str()
        .unwrap()
        .contains("Friday"));

    app.post(
        &format!("/attempts/{attempt_id}/grades"),
        Some(&root),
        json!({"question_id": essay, "score": 5}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let graded = app
        .post(
            &format!("/attempts/{attempt_id}/grades"),
            Some(&root),
            json!({"question_id": essay, "score": 3, "comment": "No new date."}),
        )
        .await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_eq!(graded.body["status"], "graded");
    assert_eq!(graded.body["result"]["score"], 4.0);
    assert_eq!(app.count("attempt_grade_events").await, 1);
    let queue = app
        .get(&format!("/quizzes/{quiz_id}/grading-queue"), Some(&root))
        .await;
    assert_eq!(queue.body, json!([]));

    let seen = app
        .get(&format!("/attempts/{attempt_id}"), Some(&student))
        .await;
    assert_eq!(seen.body["status"], "graded");
    assert_eq!(seen.body["result"]["score"], 4.0);
    assert_eq!(seen.body["result"]["passed"], true);
}

#[tokio::test]
async fn a_regrade_after_an_answer_key_fix_rescores_past_attempts_and_records_each_change() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, quiz_id) = essay_course(&app, &root).await;
    let (student, _) = app.user("learner@example.com").await;
    app.post(
        &format!("/courses/{course_id}/enroll"),
        Some(&student),
        json!({}),
    )
    .await;
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&student),
            json!({}),
        )
        .await;
    let attempt_id = attempt.body["id"].as_str().unwrap().to_owned();
    let tf = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "true_false")
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let submitted = app
        .post(
            &format!("/attempts/{attempt_id}/submit"),
            Some(&student),
            json!({"answers": [{"question_id": tf, "response": {"value": false}}]}),
        )
        .await;
    assert_eq!(submitted.body["result"]["score"], 0.0);

    // Publishing a new key alone changes no past attempt.
    let fixed = app
        .patch(
            &format!("/questions/{tf}"),
            Some(&root),
            json!({"answer": false}),
        )
        .await;
    assert_eq!(fixed.status, 204, "{}", fixed.body);
    app.post(
        &format!("/courses/{course_id}/publish"),
        Some(&root),
        json!({}),
    )
    .await;
    let before = app
        .get(&format!("/attempts/{attempt_id}"), Some(&student))
        .await;
    assert_eq!(before.body["result"]["score"], 0.0);

    app.post(
        &format!("/quizzes/{quiz_id}/regrade"),
        Some(&student),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    let report = app
        .post(
            &format!("/quizzes/{quiz_id}/regrade"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(
        report.body,
        json!({"attempts_checked": 1, "attempts_changed": 1, "questions_changed": 1})
    );
    let after = app
        .get(&format!("/attempts/{attempt_id}"), Some(&student))
        .await;
    assert_eq!(after.body["result"]["score"], 1.0);
    assert_eq!(app.count("attempt_grade_events").await, 1);
    let again = app
        .post(
            &format!("/quizzes/{quiz_id}/regrade"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(
        again.body["attempts_changed"], 0,
        "a second regrade changes nothing"
    );
}
