//! The world the progress and competencies reports are read from: two colleges with cohorts,
//! trainees and courses of their own and a platform-wide course, and readers of report pages and
//! their CSV form.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::member;
use crate::support::courses::{answer_quiz, course_with_quiz, small_course};

/// POSTs `body` and returns the reply body, failing on anything but a success.
pub async fn post_ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = app.post(path, Some(token), body).await;
    assert!(r.status < 300, "POST {path}: {} {}", r.status, r.body);
    r.body
}

/// Everything [`world`] sets up, by the name the report tests use for it.
pub struct World {
    pub app: TestApp,
    pub a: String,
    pub admin_a: String,
    pub b: String,
    pub admin_b: String,
    pub root: String,
    pub cohort_a: String,
    pub cohort_b: String,
    pub platform_course: String,
    pub a_course: String,
    pub b_course: String,
    pub instructor: String,
    pub instructor_course: String,
    pub students: Vec<(String, String)>,
}

/// College A: students s0 and s1 in a cohort enrolled in a platform-wide course (s1 completes
/// it, s0 one lesson), s2 outside the cohort in an instructor's course and withdrawn from A's
/// own course. College B: one student in the platform-wide course and a course of B's own.
pub async fn world() -> World {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "report-college-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "report-college-b").await;
    let (platform_course, lessons, quiz) =
        small_course(&app, &root, "shared-safety", &[], "immediately", 0.5).await;
    let in_org = |org: &str, slug: &str| {
        json!({"slug": slug, "title": format!("Course {slug}"), "summary": "Internal.",
               "language": "en", "level": "beginner", "estimated_hours": 1,
               "competencies": ["law.product_safety"], "org_id": org})
    };
    let (a_course, ..) =
        course_with_quiz(&app, &admin_a, in_org(&a, "a-internal"), "immediately", 0.5).await;
    let (b_course, ..) =
        course_with_quiz(&app, &admin_b, in_org(&b, "b-internal"), "immediately", 0.5).await;
    let (instructor, _) = member(&app, &a, &admin_a, "teacher@a.example", "instructor").await;
    let (instructor_course, ..) = course_with_quiz(
        &app,
        &instructor,
        in_org(&a, "a-teacher"),
        "immediately",
        0.5,
    )
    .await;

    let cohort_a = post_ok(
        &app,
        &format!("/orgs/{a}/cohorts"),
        &admin_a,
        json!({"name": "Spring"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cohort_b = post_ok(
        &app,
        &format!("/orgs/{b}/cohorts"),
        &admin_b,
        json!({"name": "Autumn"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut students = Vec::new();
    for i in 0..3 {
        students.push(member(&app, &a, &admin_a, &format!("s{i}@a.example"), "student").await);
    }
    let ids: Vec<&String> = students[..2].iter().map(|(_, id)| id).collect();
    post_ok(
        &app,
        &format!("/cohorts/{cohort_a}/members"),
        &admin_a,
        json!({"user_ids": ids}),
    )
    .await;
    let enrolled = post_ok(
        &app,
        &format!("/cohorts/{cohort_a}/enrollments"),
        &admin_a,
        json!({"course_id": platform_course}),
    )
    .await;
    assert_eq!(enrolled["enrolled"], 2);
    let (s0, s1, s2) = (&students[0].0, &students[1].0, &students[2].0);
    post_ok(
        &app,
        &format!("/lessons/{}/complete", lessons[0]),
        s0,
        json!({}),
    )
    .await;
    app.patch("/me", Some(s1), json!({"target_markets": ["DE", "FR"]}))
        .await;
    for lesson in &lessons {
        post_ok(&app, &format!("/lessons/{lesson}/complete"), s1, json!({})).await;
    }
    assert_eq!(answer_quiz(&app, s1, &quiz, true).await.status, 200);
    for course in [&a_course, &instructor_course] {
        post_ok(&app, &format!("/courses/{course}/enroll"), s2, json!({})).await;
    }
    let withdrawn = app
        .delete(&format!("/courses/{a_course}/enroll"), Some(s2))
        .await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.body);
    let (outsider, _) = member(&app, &b, &admin_b, "s@b.example", "student").await;
    for course in [&platform_course, &b_course] {
        post_ok(
            &app,
            &format!("/courses/{course}/enroll"),
            &outsider,
            json!({}),
        )
        .await;
    }
    assert_eq!(answer_quiz(&app, &outsider, &quiz, true).await.status, 200);
    World {
        app,
        a,
        admin_a,
        b,
        admin_b,
        root,
        cohort_a,
        cohort_b,
        platform_course,
        a_course,
        b_course,
        instructor,
        instructor_course,
        students,
    }
}

/// The items of a report page that must have been served.
pub fn items(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

/// GETs `path` asking for CSV with an Accept header; returns (content type, records).
pub async fn csv_by_accept(app: &TestApp, path: &str, token: &str) -> (String, Vec<Vec<String>>) {
    let res = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .header("Accept", "text/csv")
        .send()
        .await
        .expect("sent");
    assert_eq!(res.status().as_u16(), 200);
    let kind = res.headers()["content-type"].to_str().unwrap().to_owned();
    (kind, parse_csv(&res.text().await.unwrap()))
}

pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// (user id, course id, status, percent) of JSON rows.
pub fn json_keys(rows: &[Value]) -> Vec<(String, String, String, f64)> {
    rows.iter()
        .map(|r| {
            (
                r["user_id"].as_str().unwrap().to_owned(),
                r["course_id"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
                r["percent"].as_f64().unwrap(),
            )
        })
        .collect()
}
