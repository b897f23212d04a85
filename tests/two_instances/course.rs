//! The course the two-instance tests take: platform-wide, one lesson and a one-question quiz
//! that completes it, authored and published through the API.

use serde_json::{json, Value};

use crate::cluster::Instance;
use crate::helpers::Api;

/// Ids of the published course's parts.
pub struct Course {
    pub id: String,
    pub lesson: String,
    pub quiz: String,
}

/// The competency the quiz is evidence of.
pub const COMPETENCY: &str = "law.product_safety";
/// The quiz's only question, and the answer that passes it.
pub const STATEMENT: &str = "The GPSR applies to products sold online.";

/// Authors and publishes the course as the platform admin `root`.
pub async fn publish(on: &Instance, root: &str, slug: &str) -> Course {
    let create = |path: String, body: Value| async move {
        let created = on.post(&path, Some(root), body).await;
        created.assert_status(201);
        created.body["id"].as_str().expect("id").to_owned()
    };
    let id = create(
        "/courses".into(),
        json!({"slug": slug, "title": "Product safety in one lesson", "summary": "The GPSR.",
               "language": "en", "level": "beginner", "estimated_hours": 1,
               "competencies": [COMPETENCY], "markets": ["DE"]}),
    )
    .await;
    let module = create(
        format!("/courses/{id}/modules"),
        json!({"slug": "gpsr", "title": "GPSR"}),
    )
    .await;
    let lesson = create(
        format!("/modules/{module}/lessons"),
        json!({"slug": "scope", "title": "Scope", "minutes": 5, "competencies": [COMPETENCY],
               "body": "# Scope\n\nThe GPSR applies from 13 December 2024.\n\n## Sources\n\n- Regulation (EU) 2023/988.\n"}),
    )
    .await;
    let quiz = create(
        format!("/modules/{module}/quizzes"),
        json!({"slug": "check", "title": "Check", "passing_score": 1.0, "attempt_limit": 0,
               "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
               "grading_method": "highest", "review": "immediately", "draw": 0,
               "questions": [{"id": "online", "kind": "true_false", "prompt": STATEMENT,
                              "points": 1, "competencies": [COMPETENCY], "answer": true}]}),
    )
    .await;
    on.post(&format!("/courses/{id}/publish"), Some(root), json!({}))
        .await
        .assert_status(200);
    Course { id, lesson, quiz }
}
