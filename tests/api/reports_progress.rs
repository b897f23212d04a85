//! The progress and competencies reports: exactly the organization's own trainees, filters by
//! cohort, course and dates, an instructor limited to their courses, keyset pages, and the same
//! rows streamed as CSV. Another organization's ids find nothing.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::progress::{answer_quiz, course_with_quiz, small_course};

/// Adds `email` to `org` with `role` and returns (token, user id).
async fn member(
    app: &TestApp,
    admin: &str,
    org: &str,
    email: &str,
    role: &str,
) -> (String, String) {
    let (token, id) = app.user(email).await;
    let added = app
        .post(
            &format!("/orgs/{org}/members"),
            Some(admin),
            json!({"email": email, "role": role}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    (token, id)
}

async fn post_ok(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    let r = app.post(path, Some(token), body).await;
    assert!(r.status < 300, "POST {path}: {} {}", r.status, r.body);
    r.body
}

struct World {
    app: TestApp,
    a: String,
    admin_a: String,
    b: String,
    admin_b: String,
    cohort_a: String,
    cohort_b: String,
    platform_course: String,
    a_course: String,
    b_course: String,
    instructor: String,
    instructor_course: String,
    students: Vec<(String, String)>,
}

/// College A: students s0 and s1 in a cohort enrolled in a platform-wide course (s1 completes
/// it, s0 one lesson), s2 outside the cohort in A's own course and an instructor's course.
/// College B: one student in the platform-wide course and a course of B's own.
async fn world() -> World {
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
    let (instructor, _) = member(&app, &admin_a, &a, "teacher@a.example", "instructor").await;
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
        students.push(member(&app, &admin_a, &a, &format!("s{i}@a.example"), "student").await);
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
    let (outsider, _) = member(&app, &admin_b, &b, "s@b.example", "student").await;
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

fn items(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"].as_array().unwrap().clone()
}

fn pairs(rows: &[Value]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["course_slug"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// GETs `path` asking for CSV with an Accept header; returns (content type, records).
async fn csv_by_accept(app: &TestApp, path: &str, token: &str) -> (String, Vec<Vec<String>>) {
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

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_progress_report_holds_exactly_the_colleges_trainees_with_their_figures() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/progress", w.a);
    let rows = items(&app.get(&path, Some(&w.admin_a)).await);
    assert_eq!(
        pairs(&rows),
        set(&[
            ("s0@a.example", "shared-safety"),
            ("s1@a.example", "shared-safety"),
            ("s2@a.example", "a-internal"),
            ("s2@a.example", "a-teacher"),
        ])
    );
    let s1 = rows.iter().find(|r| r["email"] == "s1@a.example").unwrap();
    assert_eq!(s1["status"], "completed");
    assert_eq!(s1["percent"], 100.0);
    assert_eq!(s1["score"], 1.0);
    assert!(s1["completed_at"].is_string());
    let s0 = rows.iter().find(|r| r["email"] == "s0@a.example").unwrap();
    assert_eq!(s0["status"], "active");
    assert_eq!(s0["percent"], 33.3);
    assert_eq!(s0["lessons_done"], 1);
    assert_eq!(s0["lessons_total"], 2);
    assert!(s0["last_activity_at"].is_string());
    let s2 = rows.iter().find(|r| r["email"] == "s2@a.example").unwrap();
    assert_eq!(s2["percent"], 0.0);
    assert!(s2["last_activity_at"].is_null());

    // College B sees its own trainee only, never A's course or trainees.
    let b_rows = items(
        &app.get(&format!("/orgs/{}/reports/progress", w.b), Some(&w.admin_b))
            .await,
    );
    assert_eq!(
        pairs(&b_rows),
        set(&[
            ("s@b.example", "shared-safety"),
            ("s@b.example", "b-internal")
        ])
    );

    // Filters.
    let cohort = items(
        &app.get(
            &format!("{path}?cohort_id={}", w.cohort_a),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(
        pairs(&cohort),
        set(&[
            ("s0@a.example", "shared-safety"),
            ("s1@a.example", "shared-safety")
        ])
    );
    let one_course = items(
        &app.get(
            &format!("{path}?course_id={}", w.a_course),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(pairs(&one_course), set(&[("s2@a.example", "a-internal")]));
    let today = chrono::Utc::now().date_naive();
    let active_today = items(
        &app.get(&format!("{path}?from={today}&to={today}"), Some(&w.admin_a))
            .await,
    );
    assert_eq!(
        pairs(&active_today),
        set(&[
            ("s0@a.example", "shared-safety"),
            ("s1@a.example", "shared-safety")
        ])
    );
    let long_ago = items(
        &app.get(&format!("{path}?to=2020-01-01"), Some(&w.admin_a))
            .await,
    );
    assert!(long_ago.is_empty());

    // An instructor sees only the course they teach.
    let taught = items(&app.get(&path, Some(&w.instructor)).await);
    assert_eq!(pairs(&taught), set(&[("s2@a.example", "a-teacher")]));
    let _ = &w.instructor_course;
}

#[tokio::test]
async fn another_colleges_ids_find_nothing_and_bad_filters_are_refused() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/progress", w.a);
    for report in ["progress", "competencies"] {
        let a_path = format!("/orgs/{}/reports/{report}", w.a);
        // B's admin asking for A's organization; A's path with B's cohort.
        app.get(&a_path, Some(&w.admin_b))
            .await
            .assert_problem(404, "not_found");
        app.get(
            &format!("{a_path}?cohort_id={}", w.cohort_b),
            Some(&w.admin_a),
        )
        .await
        .assert_problem(404, "not_found");
        // B's course as a filter in A's report: no rows.
        let rows = items(
            &app.get(
                &format!("{a_path}?course_id={}", w.b_course),
                Some(&w.admin_a),
            )
            .await,
        );
        assert!(rows.is_empty(), "{report}: {rows:?}");
        // A student is refused the whole function.
        app.get(&a_path, Some(&w.students[0].0))
            .await
            .assert_problem(403, "forbidden");
        app.get(&a_path, None)
            .await
            .assert_problem(401, "invalid_token");
        for (query, code) in [
            ("from=2026-13-01", "invalid_query"),
            ("to=yesterday", "invalid_query"),
            ("from=2026-12-02&to=2026-12-01", "invalid_query"),
            ("trainee=1", "invalid_query"),
            ("cohort_id=42", "invalid_query"),
            ("format=xml", "invalid_query"),
            ("limit=0", "invalid_limit"),
            ("limit=201", "invalid_limit"),
            ("limit=1000000000000", "invalid_limit"),
            ("cursor=%%%", "invalid_cursor"),
        ] {
            app.get(&format!("{a_path}?{query}"), Some(&w.admin_a))
                .await
                .assert_problem(400, code);
        }
    }
    app.get(&format!("{path}?market=DE"), Some(&w.admin_a))
        .await
        .assert_problem(400, "invalid_query");
    app.get(
        &format!("/orgs/{}/reports/competencies?market=XX", w.a),
        Some(&w.admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");
    let _ = (&w.platform_course, &w.instructor_course);
}

#[tokio::test]
async fn pages_walk_every_row_once_and_csv_streams_the_same_rows() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/progress", w.a);
    let all = items(&app.get(&path, Some(&w.admin_a)).await);
    let mut seen = Vec::new();
    let mut next = format!("{path}?limit=1");
    loop {
        let page = app.get(&next, Some(&w.admin_a)).await;
        let rows = items(&page);
        assert!(rows.len() <= 1);
        seen.extend(rows.iter().map(|r| r["enrollment_id"].clone()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(page.header("link").unwrap().contains("rel=\"next\""));
                next = format!("{path}?limit=1&cursor={cursor}");
            }
            None => break,
        }
    }
    let ids: Vec<Value> = all.iter().map(|r| r["enrollment_id"].clone()).collect();
    assert_eq!(seen, ids);

    let (kind, records) = csv_by_accept(app, &path, &w.admin_a).await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(records[0][0], "enrollment_id");
    assert_eq!(records[0][2], "email");
    let csv_ids: Vec<Value> = records[1..].iter().map(|r| json!(r[0])).collect();
    assert_eq!(csv_ids, ids);
    let s1 = records.iter().find(|r| r[2] == "s1@a.example").unwrap();
    assert_eq!(s1[7], "completed");
    assert_eq!(s1[8], "100");

    let by_param = app
        .client
        .get(app.url(&format!("{path}?format=csv&cohort_id={}", w.cohort_a)))
        .bearer_auth(&w.admin_a)
        .send()
        .await
        .unwrap();
    assert!(by_param.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("progress.csv"));
    let records = parse_csv(&by_param.text().await.unwrap());
    assert_eq!(records.len(), 3, "{records:?}");
    // Errors before the stream starts are still problem+json.
    let refused = app
        .client
        .get(app.url(&format!("{path}?format=csv")))
        .bearer_auth(&w.admin_b)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 404);
}

#[tokio::test]
async fn the_competencies_report_shows_area_mastery_and_market_readiness() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/competencies", w.a);
    let rows = items(&app.get(&path, Some(&w.admin_a)).await);
    let emails: BTreeSet<&str> = rows.iter().map(|r| r["email"].as_str().unwrap()).collect();
    assert_eq!(
        emails,
        BTreeSet::from(["s0@a.example", "s1@a.example", "s2@a.example"])
    );
    let s1 = rows.iter().find(|r| r["email"] == "s1@a.example").unwrap();
    let law = s1["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "law")
        .unwrap();
    // One perfect attempt on law.product_safety: mastered, one of the area's competencies.
    assert_eq!(law["mastered"], 1);
    assert!((law["level"].as_f64().unwrap() * law["total"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let markets: Vec<&str> = s1["markets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["country"].as_str().unwrap())
        .collect();
    assert_eq!(markets, ["DE", "FR"]);
    let germany = &s1["markets"][0];
    assert_eq!(germany["ready"], false);
    assert!(!germany["missing"]
        .as_array()
        .unwrap()
        .contains(&json!("law.product_safety")));
    let s0 = rows.iter().find(|r| r["email"] == "s0@a.example").unwrap();
    assert_eq!(s0["markets"], json!([]));

    // Everyone's readiness for one market, and the cohort filter.
    let for_poland = items(
        &app.get(
            &format!("{path}?market=PL&cohort_id={}", w.cohort_a),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(for_poland.len(), 2);
    assert!(for_poland
        .iter()
        .all(|r| r["markets"][0]["country"] == "PL"));

    // The instructor sees the trainees of their course only.
    let taught = items(&app.get(&path, Some(&w.instructor)).await);
    assert_eq!(taught.len(), 1);
    assert_eq!(taught[0]["email"], "s2@a.example");

    let (_, records) = csv_by_accept(app, &format!("{path}?market=DE"), &w.admin_a).await;
    assert_eq!(&records[0][..3], ["user_id", "email", "display_name"]);
    assert!(records[0].contains(&"law".to_owned()));
    assert_eq!(records[0].last().unwrap(), "ready_DE");
    assert_eq!(records.len(), 4);
    let s1_csv = records.iter().find(|r| r[1] == "s1@a.example").unwrap();
    let targets = records[0]
        .iter()
        .position(|c| c == "target_markets")
        .unwrap();
    assert_eq!(s1_csv[targets], "DE;FR");
    let _ = &w.platform_course;
}
