//! Courses built through the authoring API for tests whose subject is something else: small
//! published courses with a true/false quiz, an essay course for hand grading, publishing, and a
//! trainee who enrolls and reads every lesson or answers a quiz.

use serde_json::{json, Value};

use crate::helpers::*;

/// The competency the Incoterms fixtures of the authoring and attempt tests assess.
pub const COMPETENCY: &str = "trade.incoterms";

/// The `id` of a created resource.
pub fn id_of(reply: &Reply) -> String {
    reply.body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", reply.body))
        .to_owned()
}

/// Publishes the course's draft; the reply is returned for tests that read the published version.
pub async fn publish(app: &TestApp, token: &str, course: &str) -> Reply {
    let published = app
        .post(
            &format!("/courses/{course}/publish"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    published
}

/// A published course `slug` with one module of two lessons and a quiz of two true/false
/// questions (one point each, passing at `passing`), both assessing `law.product_safety`.
pub async fn small_course(
    app: &TestApp,
    root: &str,
    slug: &str,
    prerequisites: &[&str],
    review: &str,
    passing: f64,
) -> (String, Vec<String>, String) {
    let body = json!({"slug": slug, "title": format!("Course {slug}"), "summary": "Safety basics.",
                      "language": "en", "level": "beginner", "estimated_hours": 1,
                      "competencies": ["law.product_safety"], "markets": ["DE"],
                      "prerequisites": prerequisites});
    course_with_quiz(app, root, body, review, passing).await
}

/// The course of [`small_course`] created with `body` (e.g. in an organization) by `root`.
pub async fn course_with_quiz(
    app: &TestApp,
    root: &str,
    body: Value,
    review: &str,
    passing: f64,
) -> (String, Vec<String>, String) {
    let course = app.post("/courses", Some(root), body).await;
    assert_eq!(course.status, 201, "{}", course.body);
    let course_id = course.body["id"].as_str().unwrap().to_owned();
    let module = app
        .post(
            &format!("/courses/{course_id}/modules"),
            Some(root),
            json!({"slug": "basics", "title": "Basics"}),
        )
        .await;
    let module_id = module.body["id"].as_str().unwrap().to_owned();
    let mut lessons = Vec::new();
    for name in ["scope", "duties"] {
        let lesson = app
            .post(
                &format!("/modules/{module_id}/lessons"),
                Some(root),
                json!({"slug": name, "title": name, "minutes": 5, "competencies": ["law.product_safety"],
                       "body": "# Scope\n\nThe GPSR applies from 13 December 2024.\n\n## Sources\n\n- Regulation (EU) 2023/988.\n"}),
            )
            .await;
        assert_eq!(lesson.status, 201, "{}", lesson.body);
        lessons.push(lesson.body["id"].as_str().unwrap().to_owned());
    }
    let quiz = app
        .post(
            &format!("/modules/{module_id}/quizzes"),
            Some(root),
            json!({"slug": "check", "title": "Check", "passing_score": passing, "attempt_limit": 0,
                   "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
                   "grading_method": "highest", "review": review, "draw": 0,
                   "questions": [
                     {"id": "applies", "kind": "true_false", "prompt": "The GPSR applies to products sold online.",
                      "points": 1, "competencies": ["law.product_safety"], "answer": true},
                     {"id": "date", "kind": "true_false", "prompt": "The GPSR applies from 2030.",
                      "points": 1, "competencies": ["law.product_safety"], "answer": false}
                   ]}),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    let published = app
        .post(
            &format!("/courses/{course_id}/publish"),
            Some(root),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    (
        course_id,
        lessons,
        quiz.body["id"].as_str().unwrap().to_owned(),
    )
}

/// Starts an attempt and submits it answering both questions `true`, `false` when `right`, else
/// the opposite. Returns the submit reply.
pub async fn answer_quiz(app: &TestApp, token: &str, quiz_id: &str, right: bool) -> Reply {
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let id = attempt.body["id"].as_str().unwrap();
    let answers: Vec<Value> = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let truthy = q["prompt"].as_str().unwrap().contains("online");
            json!({"question_id": q["question_id"], "response": {"value": truthy == right}})
        })
        .collect();
    app.post(
        &format!("/attempts/{id}/submit"),
        Some(token),
        json!({ "answers": answers }),
    )
    .await
}

/// Enrolls the trainee in `course_id` and completes every one of `lessons`.
pub async fn enroll_and_read_everything(
    app: &TestApp,
    token: &str,
    course_id: &str,
    lessons: &[String],
) {
    let enrolled = app
        .post(
            &format!("/courses/{course_id}/enroll"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    for lesson in lessons {
        app.post(
            &format!("/lessons/{lesson}/complete"),
            Some(token),
            json!({}),
        )
        .await
        .assert_status(200);
    }
}

/// A published platform-wide course with one quiz of an essay and a true/false question; returns
/// (course id, quiz id).
pub async fn essay_course(app: &TestApp, root: &str) -> (String, String) {
    let course = app
        .post(
            "/courses",
            Some(root),
            json!({"slug": "essay-course", "title": "Writing to buyers", "summary": "Short replies.",
                   "language": "en", "level": "beginner", "estimated_hours": 1,
                   "competencies": ["ecommerce.customer_service"]}),
        )
        .await;
    assert_eq!(course.status, 201, "{}", course.body);
    let course_id = course.body["id"].as_str().unwrap().to_owned();
    let module = app
        .post(
            &format!("/courses/{course_id}/modules"),
            Some(root),
            json!({"slug": "replies", "title": "Replies"}),
        )
        .await;
    let module_id = module.body["id"].as_str().unwrap().to_owned();
    let lesson = app
        .post(
            &format!("/modules/{module_id}/lessons"),
            Some(root),
            json!({"slug": "tone", "title": "Tone", "minutes": 5, "competencies": ["ecommerce.customer_service"],
                   "body": "# Tone\n\nAnswer within 24 hours.\n\n## Sources\n\n- Caravan course team, 2026.\n"}),
        )
        .await;
    assert_eq!(lesson.status, 201, "{}", lesson.body);
    let quiz = app
        .post(
            &format!("/modules/{module_id}/quizzes"),
            Some(root),
            json!({"slug": "replies-quiz", "title": "Check", "passing_score": 0.5, "attempt_limit": 2,
                   "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
                   "grading_method": "highest", "review": "immediately", "draw": 0,
                   "questions": [
                     {"id": "apology", "kind": "essay", "prompt": "Write a short apology for a late parcel.",
                      "points": 4, "competencies": ["ecommerce.customer_service"], "rubric": "Apology, reason, new date."},
                     {"id": "fast", "kind": "true_false", "prompt": "Fast replies help account health.",
                      "points": 1, "competencies": ["ecommerce.customer_service"], "answer": true}
                   ]}),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    let published = app
        .post(
            &format!("/courses/{course_id}/publish"),
            Some(root),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    (course_id, quiz.body["id"].as_str().unwrap().to_owned())
}
