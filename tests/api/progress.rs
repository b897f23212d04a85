//! Progress as a trainee sees it: lessons completed, quiz results by grading method, module and
//! course completion by the course's rule, competency mastery and market readiness, kept current
//! through hand grading and regrades, and prerequisites enforced on enrollment.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{answer_quiz, course_with_quiz, small_course};

async fn enroll(app: &TestApp, token: &str, course_id: &str) -> Reply {
    app.post(
        &format!("/courses/{course_id}/enroll"),
        Some(token),
        json!({}),
    )
    .await
}

async fn complete(app: &TestApp, token: &str, lesson_id: &str) -> Reply {
    app.post(
        &format!("/lessons/{lesson_id}/complete"),
        Some(token),
        json!({}),
    )
    .await
}

fn course_entry<'a>(progress: &'a Value, course_id: &str) -> &'a Value {
    progress["courses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["course_id"] == course_id)
        .unwrap()
}

#[tokio::test]
async fn lessons_and_a_passed_quiz_complete_the_course_and_show_in_progress_and_mastery() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "gpsr-basics", &[], "immediately", 1.0).await;
    let (token, _) = app.user("trainee@example.com").await;
    app.patch("/me", Some(&token), json!({"target_markets": ["DE"]}))
        .await;

    // Not enrolled: completing a lesson is refused and nothing is stored.
    app.post(
        &format!("/lessons/{}/complete", lessons[0]),
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.get(&format!("/me/courses/{course_id}/progress"), Some(&token))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("lesson_completions").await, 0);
    let enrolled = app
        .post(
            &format!("/courses/{course_id}/enroll"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201);

    let first = app
        .post(
            &format!("/lessons/{}/complete", lessons[0]),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["course"]["lessons_done"], 1);
    assert_eq!(first.body["course"]["lessons_total"], 2);
    // Two lessons and one quiz: one of three items done.
    assert_eq!(first.body["course"]["percent"], 33.3);
    // Completing again keeps the first time and counts once.
    let again = app
        .post(
            &format!("/lessons/{}/complete", lessons[0]),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(again.body["completed_at"], first.body["completed_at"]);
    assert_eq!(again.body["course"]["lessons_done"], 1);

    // A failed attempt counts as a result but not as passed (passing score 100%).
    let failed = answer_quiz(&app, &token, &quiz_id, false).await;
    assert_eq!(failed.status, 200, "{}", failed.body);
    let detail = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&token))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let quiz = &detail.body["modules"][0]["quiz"];
    assert_eq!(quiz["status"], "graded");
    assert_eq!(quiz["share"], 0.0);
    assert_eq!(quiz["passed"], false);
    assert_eq!(detail.body["modules"][0]["completed"], false);
    assert_eq!(detail.body["status"], "active");

    app.post(
        &format!("/lessons/{}/complete", lessons[1]),
        Some(&token),
        json!({}),
    )
    .await;
    let passed = answer_quiz(&app, &token, &quiz_id, true).await;
    assert_eq!(passed.status, 200, "{}", passed.body);

    let progress = app.get("/me/progress", Some(&token)).await;
    assert_eq!(progress.status, 200, "{}", progress.body);
    let course = course_entry(&progress.body, &course_id);
    assert_eq!(course["status"], "completed");
    assert_eq!(course["percent"], 100.0);
    // Highest of 0 and 1.
    assert_eq!(course["score"], 1.0);
    assert_eq!(course["quizzes_passed"], 1);
    assert!(course["completed_at"].is_string());
    assert!(course["last_activity_at"].is_string());
    // Completion issued the certificate, once, whatever happens after.
    assert_eq!(app.count("certificates").await, 1);
    // Two attempts of evidence, newest 1.0 and before it 0.0: the decaying average is 1/1.7.
    let safety = progress.body["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "law.product_safety")
        .unwrap();
    assert!((safety["level"].as_f64().unwrap() - 1.0 / 1.7).abs() < 1e-9);
    assert_eq!(safety["mastered"], false);
    assert_eq!(safety["evidence"], 2);
    let germany = &progress.body["markets"][0];
    assert_eq!(germany["country"], "DE");
    assert_eq!(germany["ready"], false);
    assert!(germany["missing"]
        .as_array()
        .unwrap()
        .contains(&json!("law.product_safety")));
    let law = progress.body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "law")
        .unwrap();
    assert!(law["level"].as_f64().unwrap() > 0.0);
    assert_eq!(law["mastered"], 0);

    // A third perfect attempt lifts the level past the threshold.
    answer_quiz(&app, &token, &quiz_id, true).await;
    let progress = app.get("/me/progress", Some(&token)).await;
    let safety = progress.body["competencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "law.product_safety")
        .unwrap();
    assert!((safety["level"].as_f64().unwrap() - 1.7 / 2.19).abs() < 1e-9);
    assert_eq!(safety["mastered"], false);
    answer_quiz(&app, &token, &quiz_id, true).await;
    let progress = app.get("/me/progress", Some(&token)).await;
    assert_eq!(app.count("certificates").await, 1);
    let germany = &progress.body["markets"][0];
    assert!(!germany["missing"]
        .as_array()
        .unwrap()
        .contains(&json!("law.product_safety")));
}

#[tokio::test]
async fn a_regrade_that_changes_the_key_recomputes_the_result_and_the_completion() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "regrade-progress", &[], "immediately", 1.0).await;
    let (token, _) = app.user("regraded@example.com").await;
    enroll(&app, &token, &course_id).await;
    for lesson in &lessons {
        complete(&app, &token, lesson).await;
    }
    // The trainee answers both questions `true`: one right, one wrong under the current key.
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&token),
            json!({}),
        )
        .await;
    let id = attempt.body["id"].as_str().unwrap();
    let answers: Vec<Value> = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| json!({"question_id": q["question_id"], "response": {"value": true}}))
        .collect();
    app.post(
        &format!("/attempts/{id}/submit"),
        Some(&token),
        json!({"answers": answers}),
    )
    .await;
    let before = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&token))
        .await;
    assert_eq!(before.body["status"], "active");
    assert_eq!(before.body["modules"][0]["quiz"]["share"], 0.5);

    // The author fixes the key of the second question, publishes and regrades.
    let questions = app
        .get(&format!("/quizzes/{quiz_id}/questions"), Some(&root))
        .await;
    let date_id = questions
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "date")
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fixed = app
        .patch(
            &format!("/questions/{date_id}"),
            Some(&root),
            json!({"answer": true}),
        )
        .await;
    assert_eq!(fixed.status, 204, "{}", fixed.body);
    let published = app
        .post(
            &format!("/courses/{course_id}/publish"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let regrade = app
        .post(
            &format!("/quizzes/{quiz_id}/regrade"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(regrade.status, 200, "{}", regrade.body);
    assert_eq!(regrade.body["attempts_changed"], 1);

    let after = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&token))
        .await;
    assert_eq!(after.body["modules"][0]["quiz"]["share"], 1.0);
    assert_eq!(after.body["modules"][0]["quiz"]["passed"], true);
    assert_eq!(after.body["status"], "completed");
    assert_eq!(after.body["percent"], 100.0);
}

#[tokio::test]
async fn a_hidden_result_stays_hidden_in_progress() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, _, quiz_id) = small_course(&app, &root, "never-shown", &[], "never", 0.5).await;
    let (token, _) = app.user("blind@example.com").await;
    enroll(&app, &token, &course_id).await;
    let submitted = answer_quiz(&app, &token, &quiz_id, true).await;
    assert_eq!(submitted.status, 200);
    assert!(submitted.body["result"].is_null());
    let detail = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&token))
        .await;
    let quiz = &detail.body["modules"][0]["quiz"];
    assert_eq!(quiz["status"], "submitted");
    assert!(quiz["share"].is_null() && quiz["passed"].is_null());
    assert!(detail.body["score"].is_null());
    let all = app.get("/me/progress", Some(&token)).await;
    assert!(course_entry(&all.body, &course_id)["score"].is_null());
}

#[tokio::test]
async fn a_course_with_prerequisites_opens_once_they_are_completed() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (first, lessons, quiz_id) =
        small_course(&app, &root, "first-steps", &[], "immediately", 0.5).await;
    let (second, _, _) = small_course(
        &app,
        &root,
        "next-steps",
        &["first-steps"],
        "immediately",
        0.5,
    )
    .await;
    let (token, _) = app.user("eager@example.com").await;
    let refused = app
        .post(
            &format!("/courses/{second}/enroll"),
            Some(&token),
            json!({}),
        )
        .await;
    refused.assert_problem(422, "prerequisites_not_met");
    assert_eq!(
        refused.body["report"]["missing_prerequisites"][0]["slug"],
        "first-steps"
    );
    assert_eq!(app.count("enrollments").await, 0);

    app.post(&format!("/courses/{first}/enroll"), Some(&token), json!({}))
        .await;
    for lesson in &lessons {
        complete(&app, &token, lesson).await;
    }
    // Enrolled but not completed yet: still refused.
    app.post(
        &format!("/courses/{second}/enroll"),
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(422, "prerequisites_not_met");
    answer_quiz(&app, &token, &quiz_id, true).await;
    let enrolled = app
        .post(
            &format!("/courses/{second}/enroll"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
}

#[tokio::test]
async fn lessons_of_other_courses_or_unknown_ids_are_not_found() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, _, _) = small_course(&app, &root, "scoped", &[], "immediately", 0.5).await;
    let (token, _) = app.user("scoped@example.com").await;
    enroll(&app, &token, &course_id).await;
    app.post(
        "/lessons/0190a0a0-0000-7000-8000-000000000000/complete",
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/lessons/{course_id}/complete"),
        Some(&token),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post("/lessons/not-a-uuid/complete", Some(&token), json!({}))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("lesson_completions").await, 0);
}

#[tokio::test]
async fn a_newly_published_lesson_lowers_the_percent_but_keeps_a_completion() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "growing", &[], "immediately", 0.5).await;
    let (done, _) = app.user("done@example.com").await;
    let (halfway, _) = app.user("halfway@example.com").await;
    for token in [&done, &halfway] {
        enroll(&app, token, &course_id).await;
        complete(&app, token, &lessons[0]).await;
    }
    complete(&app, &done, &lessons[1]).await;
    answer_quiz(&app, &done, &quiz_id, true).await;
    let before = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&halfway))
        .await;
    assert_eq!(before.body["percent"], 33.3);
    let activity = before.body["last_activity_at"].clone();

    let modules = app
        .get(&format!("/courses/{course_id}/modules"), Some(&root))
        .await;
    let module_id = modules.body[0]["id"].as_str().unwrap().to_owned();
    let added = app
        .post(
            &format!("/modules/{module_id}/lessons"),
            Some(&root),
            json!({"slug": "recalls", "title": "Recalls", "minutes": 5, "competencies": ["law.product_safety"],
                   "body": "# Recalls\n\nReport through the Safety Business Gateway.\n\n## Sources\n\n- Regulation (EU) 2023/988.\n"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    // A draft lesson counts for nobody until it is published.
    let draft_only = complete(&app, &halfway, added.body["id"].as_str().unwrap()).await;
    draft_only.assert_problem(404, "not_found");
    let published = app
        .post(
            &format!("/courses/{course_id}/publish"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);

    let after = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&halfway))
        .await;
    assert_eq!(after.body["lessons_total"], 3);
    assert_eq!(after.body["percent"], 25.0);
    // Publishing is not the trainee's activity.
    assert_eq!(after.body["last_activity_at"], activity);
    let finished = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(&done))
        .await;
    assert_eq!(finished.body["status"], "completed");
    assert_eq!(finished.body["percent"], 75.0);
}

#[tokio::test]
async fn another_colleges_course_and_progress_are_not_found() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "college-b").await;
    let body = json!({"slug": "a-only", "title": "College A only", "summary": "Internal.",
                      "language": "en", "level": "beginner", "estimated_hours": 1,
                      "competencies": ["law.product_safety"], "org_id": a});
    let (course_id, lessons, quiz_id) =
        course_with_quiz(&app, &admin_a, body, "immediately", 0.5).await;
    let (student_b, _) = app.user("student@b.example.com").await;
    app.add_member(
        &format!("/orgs/{b}/members"),
        Some(&admin_b),
        json!({"email": "student@b.example.com", "role": "student"}),
    )
    .await;
    enroll(&app, &student_b, &course_id)
        .await
        .assert_problem(404, "not_found");
    complete(&app, &student_b, &lessons[0])
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/quizzes/{quiz_id}/attempts"),
        Some(&student_b),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(
        &format!("/me/courses/{course_id}/progress"),
        Some(&student_b),
    )
    .await
    .assert_problem(404, "not_found");
    let mine = app.get("/me/progress", Some(&student_b)).await;
    assert_eq!(mine.body["courses"], json!([]));
    assert_eq!(app.count("lesson_completions").await, 0);
    assert_eq!(app.count("enrollments").await, 0);
}

/// A student who left a quiz half done finds the attempt to resume in their course progress, and
/// the quiz's status and attempt count come from the attempts however many there are.
#[tokio::test]
async fn course_progress_names_the_attempt_to_resume() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, _, quiz_id) =
        small_course(&app, &root, "resume-me", &[], "immediately", 1.0).await;
    let (token, _) = app.user("resumer@example.com").await;
    let path = format!("/me/courses/{course_id}/progress");
    let enroll = format!("/courses/{course_id}/enroll");
    assert_eq!(app.post(&enroll, Some(&token), json!({})).await.status, 201);
    answer_quiz(&app, &token, &quiz_id, false).await;
    let started = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&token),
            json!({}),
        )
        .await;
    assert_eq!(started.status, 201, "{}", started.body);
    let quiz = app.get(&path, Some(&token)).await.body["modules"][0]["quiz"].clone();
    assert_eq!(quiz["status"], "in_progress", "{quiz}");
    assert_eq!(quiz["attempts"], 2);
    assert_eq!(quiz["open_attempt_id"], started.body["id"]);

    let id = started.body["id"].as_str().unwrap();
    let submitted = app
        .post(&format!("/attempts/{id}/submit"), Some(&token), json!({}))
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    let quiz = app.get(&path, Some(&token)).await.body["modules"][0]["quiz"].clone();
    assert_eq!(quiz["status"], "graded", "{quiz}");
    assert_eq!(quiz["attempts"], 2);
    assert!(quiz.get("open_attempt_id").is_none(), "{quiz}");
}
