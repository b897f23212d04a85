//! How the certificate tests earn certificates: a small course built through the authoring API,
//! trainees joined to a college, and a course completed the way a trainee completes it.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{answer_quiz, course_with_quiz};

/// A published course `slug` of `org_id` (None: platform-wide) with one module of two lessons and
/// a quiz of two true/false questions (see `courses::course_with_quiz`). Returns (course id, lesson ids, quiz id).
pub async fn course(
    app: &TestApp,
    root: &str,
    slug: &str,
    org_id: Option<&str>,
) -> (String, Vec<String>, String) {
    let mut body = json!({"slug": slug, "title": format!("Course <{slug}>"), "summary": "Safety basics.",
        "language": "en", "level": "beginner", "estimated_hours": 1,
        "competencies": ["law.product_safety"], "markets": ["DE"]});
    if let Some(org) = org_id {
        body["org_id"] = json!(org);
    }
    course_with_quiz(app, root, body, "immediately", 1.0).await
}

/// Adds the user `email` to `org_id` as a student.
pub async fn join(app: &TestApp, root: &str, org_id: &str, email: &str) {
    let added = app
        .add_member(
            &format!("/orgs/{org_id}/members"),
            Some(root),
            json!({"email": email, "role": "student"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
}

/// Earns the certificate of a course the way a trainee does: enroll, complete every lesson and
/// pass the quiz. Returns the certificate as listed in /me/certificates.
pub async fn earn(app: &TestApp, token: &str, built: &(String, Vec<String>, String)) -> Value {
    let (course_id, lessons, quiz_id) = built;
    let enrolled = app
        .post(
            &format!("/courses/{course_id}/enroll"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    for lesson in lessons {
        let done = app
            .post(
                &format!("/lessons/{lesson}/complete"),
                Some(token),
                json!({}),
            )
            .await;
        assert_eq!(done.status, 200, "{}", done.body);
    }
    let submitted = answer_quiz(app, token, quiz_id, true).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);

    let mine = app.get("/me/certificates", Some(token)).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    mine.body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["course_id"] == course_id.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("no certificate for {course_id}: {}", mine.body))
}

/// A college with its admin, a trainee of that college, and the certificate of one of its courses.
pub struct Scene {
    pub app: TestApp,
    pub root: String,
    pub college: String,
    pub college_admin: String,
    pub trainee: String,
    pub certificate: Value,
}

pub async fn scene() -> Scene {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (college, college_admin) = app.org_with_admin(&root, "north").await;
    let (trainee, _) = app.user("ana@example.com").await;
    join(&app, &root, &college, "ana@example.com").await;
    let built = course(&app, &root, "gpsr-basics", Some(&college)).await;
    let certificate = earn(&app, &trainee, &built).await;
    Scene {
        app,
        root,
        college,
        college_admin,
        trainee,
        certificate,
    }
}

pub fn certificate_id(certificate: &Value) -> String {
    certificate["id"].as_str().unwrap().to_owned()
}

/// `jws` with one character of its payload changed.
pub fn altered(jws: &str) -> String {
    let mut bytes = jws.as_bytes().to_vec();
    let at = jws.find('.').unwrap() + 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}
