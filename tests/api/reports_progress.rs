//! The progress and competencies reports: exactly the organization's own trainees, filters by
//! cohort, course and dates, an instructor limited to their courses, keyset pages, and the same
//! rows streamed as CSV. Another organization's ids find nothing.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{answer_quiz, course_with_quiz, small_course};

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
        .add_member(
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
    root: String,
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
/// it, s0 one lesson), s2 outside the cohort in an instructor's course and withdrawn from A's
/// own course. College B: one student in the platform-wide course and a course of B's own.
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
    let withdrawn = app
        .delete(&format!("/courses/{a_course}/enroll"), Some(s2))
        .await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.body);
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

fn row<'a>(rows: &'a [Value], email: &str, slug: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["email"] == email && r["course_slug"] == slug)
        .unwrap_or_else(|| panic!("no row for {email} in {slug}: {rows:?}"))
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

/// Every item of a report, following `next_cursor` (and checking the Link header) at `limit`.
async fn walk(app: &TestApp, path: &str, token: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut seen = Vec::new();
    let mut cursors = BTreeSet::new();
    let mut next = format!("{path}{sep}limit={limit}");
    loop {
        let page = app.get(&next, Some(token)).await;
        let rows = items(&page);
        assert!(rows.len() <= limit);
        seen.extend(rows);
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(
                    cursors.insert(cursor.to_owned()),
                    "the cursor {cursor} came back"
                );
                let link = page.header("link").unwrap();
                assert!(
                    link.contains("rel=\"next\"") && link.contains(cursor),
                    "{link}"
                );
                next = format!("{path}{sep}limit={limit}&cursor={cursor}");
            }
            None => {
                assert!(page.header("link").is_none());
                return seen;
            }
        }
    }
}

/// (user id, course id, status, percent) of JSON rows, and of CSV records under `header`.
fn json_keys(rows: &[Value]) -> Vec<(String, String, String, f64)> {
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

fn csv_keys(records: &[Vec<String>]) -> Vec<(String, String, String, f64)> {
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let (user, course, status, percent) = (
        col("user_id"),
        col("course_id"),
        col("status"),
        col("percent"),
    );
    records[1..]
        .iter()
        .map(|r| {
            (
                r[user].clone(),
                r[course].clone(),
                r[status].clone(),
                r[percent].parse().unwrap(),
            )
        })
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
    // Ordered by trainee, then course.
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r["user_id"].to_string(), r["course_id"].to_string()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);

    let s1 = row(&rows, "s1@a.example", "shared-safety");
    assert_eq!(s1["status"], "completed");
    assert_eq!(s1["percent"], 100.0);
    assert_eq!(s1["score"], 1.0);
    assert_eq!(s1["lessons_done"], 2);
    assert_eq!(s1["quizzes_passed"], 1);
    assert_eq!(s1["quizzes_total"], 1);
    assert!(s1["completed_at"].is_string());
    assert_eq!(s1["user_id"], w.students[1].1);
    assert_eq!(s1["course_id"], w.platform_course);
    assert_eq!(s1["course_title"], "Course shared-safety");
    let s0 = row(&rows, "s0@a.example", "shared-safety");
    assert_eq!(s0["status"], "active");
    assert_eq!(s0["percent"], 33.3);
    assert_eq!(s0["lessons_done"], 1);
    assert_eq!(s0["lessons_total"], 2);
    assert_eq!(s0["quizzes_passed"], 0);
    assert!(s0["score"].is_null());
    assert!(s0["last_activity_at"].is_string());
    assert!(s0["completed_at"].is_null());
    let withdrawn = row(&rows, "s2@a.example", "a-internal");
    assert_eq!(withdrawn["status"], "withdrawn");
    let untouched = row(&rows, "s2@a.example", "a-teacher");
    assert_eq!(untouched["status"], "active");
    assert_eq!(untouched["percent"], 0.0);
    assert!(untouched["last_activity_at"].is_null());

    // A platform admin sees what the college's admin sees.
    let by_root = items(&app.get(&path, Some(&w.root)).await);
    assert_eq!(json_keys(&by_root), json_keys(&rows));

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

    // An instructor sees only the course they teach, whatever the filter.
    let taught = items(&app.get(&path, Some(&w.instructor)).await);
    assert_eq!(pairs(&taught), set(&[("s2@a.example", "a-teacher")]));
    let not_theirs = items(
        &app.get(
            &format!("{path}?course_id={}", w.platform_course),
            Some(&w.instructor),
        )
        .await,
    );
    assert!(not_theirs.is_empty());
    let theirs = items(
        &app.get(
            &format!("{path}?course_id={}", w.instructor_course),
            Some(&w.instructor),
        )
        .await,
    );
    assert_eq!(pairs(&theirs), set(&[("s2@a.example", "a-teacher")]));
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
        // A user of neither college, and an organization that does not exist.
        let (stranger, _) = app.user(&format!("stranger-{report}@example.com")).await;
        app.get(&a_path, Some(&stranger))
            .await
            .assert_problem(404, "not_found");
        app.get(
            &format!("/orgs/{}/reports/{report}", uuid::Uuid::now_v7()),
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
        // B's trainee shares the platform-wide course with A's: A's report keeps to A's.
        let shared = items(
            &app.get(
                &format!("{a_path}?course_id={}", w.platform_course),
                Some(&w.admin_a),
            )
            .await,
        );
        let emails: BTreeSet<&str> = shared
            .iter()
            .map(|r| r["email"].as_str().unwrap())
            .collect();
        assert_eq!(emails, BTreeSet::from(["s0@a.example", "s1@a.example"]));
        // A student is refused the whole function.
        app.get(&a_path, Some(&w.students[0].0))
            .await
            .assert_problem(403, "forbidden");
        app.get(&a_path, None)
            .await
            .assert_problem(401, "invalid_token");
        let progress_cursor = encode_cursor(&format!("{}.{}", w.students[0].1, w.platform_course));
        for (query, code) in [
            ("from=2026-13-01".to_owned(), "invalid_query"),
            ("to=yesterday".to_owned(), "invalid_query"),
            ("from=2026-12-02&to=2026-12-01".to_owned(), "invalid_query"),
            ("trainee=1".to_owned(), "invalid_query"),
            ("cohort_id=42".to_owned(), "invalid_query"),
            ("course_id=course".to_owned(), "invalid_query"),
            ("format=xml".to_owned(), "invalid_query"),
            ("format=csv&from=yesterday".to_owned(), "invalid_query"),
            ("limit=0".to_owned(), "invalid_limit"),
            ("limit=201".to_owned(), "invalid_limit"),
            ("limit=-1".to_owned(), "invalid_limit"),
            ("cursor=%%%".to_owned(), "invalid_cursor"),
            (
                format!("cursor={}", encode_cursor("not-an-id")),
                "invalid_cursor",
            ),
        ] {
            app.get(&format!("{a_path}?{query}"), Some(&w.admin_a))
                .await
                .assert_problem(400, code);
        }
        // A cursor of the other report does not fit.
        let code = if report == "progress" {
            encode_cursor(&w.students[0].1)
        } else {
            progress_cursor.clone()
        };
        app.get(&format!("{a_path}?cursor={code}"), Some(&w.admin_a))
            .await
            .assert_problem(400, "invalid_cursor");
        // Refusals of a CSV request are problem+json too.
        let refused = app
            .client
            .get(app.url(&format!("{a_path}?format=csv")))
            .bearer_auth(&w.admin_b)
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap();
        Reply::from(refused).await.assert_problem(404, "not_found");
    }
    // Only the competencies report takes a market, and only a destination market.
    app.get(&format!("{path}?market=DE"), Some(&w.admin_a))
        .await
        .assert_problem(400, "invalid_query");
    app.get(
        &format!("/orgs/{}/reports/competencies?market=XX", w.a),
        Some(&w.admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");
}

fn encode_cursor(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

#[tokio::test]
async fn pages_walk_every_row_once_and_csv_streams_the_same_rows() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/progress", w.a);
    let all = items(&app.get(&path, Some(&w.admin_a)).await);
    assert_eq!(all.len(), 4);
    let walked = walk(app, &path, &w.admin_a, 1).await;
    assert_eq!(json_keys(&walked), json_keys(&all));
    let walked = walk(app, &path, &w.admin_a, 3).await;
    assert_eq!(json_keys(&walked), json_keys(&all));

    let (kind, records) = csv_by_accept(app, &path, &w.admin_a).await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    for column in [
        "user_id",
        "email",
        "display_name",
        "course_id",
        "course_slug",
        "course_title",
        "status",
        "percent",
        "score",
        "lessons_done",
        "lessons_total",
        "quizzes_passed",
        "quizzes_total",
        "enrolled_at",
        "last_activity_at",
        "completed_at",
    ] {
        assert!(records[0].contains(&column.to_owned()), "{column}");
    }
    assert_eq!(csv_keys(&records), json_keys(&all));
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let s1 = records
        .iter()
        .find(|r| r[col("email")] == "s1@a.example")
        .unwrap();
    assert_eq!(s1[col("status")], "completed");
    assert_eq!(s1[col("score")], "1");
    assert!(s1[col("completed_at")].ends_with('Z'));
    let s2 = records
        .iter()
        .find(|r| r[col("email")] == "s2@a.example")
        .unwrap();
    assert_eq!(s2[col("score")], "", "no score is an empty field");

    // ?format=csv, with the filters; limit and cursor do not cut a CSV export.
    let by_param = app
        .client
        .get(app.url(&format!(
            "{path}?format=csv&limit=1&cohort_id={}",
            w.cohort_a
        )))
        .bearer_auth(&w.admin_a)
        .send()
        .await
        .unwrap();
    assert_eq!(by_param.status().as_u16(), 200);
    assert_eq!(
        by_param.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(by_param.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename=\"progress.csv\""));
    let records = parse_csv(&by_param.text().await.unwrap());
    let cohort = items(
        &app.get(
            &format!("{path}?cohort_id={}", w.cohort_a),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(cohort.len(), 2);
    assert_eq!(csv_keys(&records), json_keys(&cohort));
    // format=json wins over the Accept header.
    let json_anyway = app
        .client
        .get(app.url(&format!("{path}?format=json")))
        .bearer_auth(&w.admin_a)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    let json_anyway = Reply::from(json_anyway).await;
    assert_eq!(json_keys(&items(&json_anyway)), json_keys(&all));

    // The competencies report pages by trainee the same way.
    let comp = format!("/orgs/{}/reports/competencies", w.a);
    let everyone = items(&app.get(&comp, Some(&w.admin_a)).await);
    assert_eq!(everyone.len(), 3);
    let walked = walk(app, &comp, &w.admin_a, 1).await;
    let ids =
        |rows: &[Value]| -> Vec<Value> { rows.iter().map(|r| r["user_id"].clone()).collect() };
    assert_eq!(ids(&walked), ids(&everyone));
    let (_, records) = csv_by_accept(app, &comp, &w.admin_a).await;
    let csv_ids: Vec<Value> = records[1..].iter().map(|r| json!(r[0])).collect();
    assert_eq!(csv_ids, ids(&everyone));
}

/// A course of `org` whose one question assesses every competency Germany requires, so that
/// answering it right makes a trainee ready for DE.
async fn germany_course(app: &TestApp, admin: &str, org: &str) -> (String, String) {
    let de = app.get("/markets/DE", None).await;
    assert_eq!(de.status, 200, "{}", de.body);
    let required = de.body["required"].clone();
    let body = json!({"slug": "a-germany", "title": "Selling to Germany", "summary": "Internal.",
                      "language": "en", "level": "beginner", "estimated_hours": 1,
                      "competencies": required, "org_id": org});
    let course = post_ok(app, "/courses", admin, body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let module = post_ok(
        app,
        &format!("/courses/{course}/modules"),
        admin,
        json!({"slug": "de", "title": "Germany"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let quiz = post_ok(
        app,
        &format!("/modules/{module}/quizzes"),
        admin,
        json!({"slug": "check", "title": "Check", "passing_score": 0.5, "attempt_limit": 0,
        "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
        "grading_method": "highest", "review": "immediately", "draw": 0,
        "questions": [
          {"id": "ready", "kind": "true_false", "points": 1, "competencies": required,
           "prompt": "Products sold online to German consumers fall under the GPSR.",
           "answer": true}
        ]}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    post_ok(app, &format!("/courses/{course}/publish"), admin, json!({})).await;
    (course, quiz)
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
    let areas: Vec<&str> = s1["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["area"].as_str().unwrap())
        .collect();
    assert_eq!(
        areas,
        ["manufacturing", "ecommerce", "trade", "language", "law"]
    );
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
    assert!(germany["readiness"].as_f64().unwrap() > 0.0);
    assert!(!germany["missing"]
        .as_array()
        .unwrap()
        .contains(&json!("law.product_safety")));
    assert_eq!(s1["ready_markets"], json!([]));
    let s0 = rows.iter().find(|r| r["email"] == "s0@a.example").unwrap();
    assert_eq!(s0["markets"], json!([]));
    assert!(s0["areas"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["level"] == 0.0 && a["mastered"] == 0));

    // Everyone's readiness for one market, and the cohort filter.
    let for_poland = items(
        &app.get(
            &format!("{path}?market=PL&cohort_id={}", w.cohort_a),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(for_poland.len(), 2);
    assert!(
        for_poland
            .iter()
            .all(|r| r["markets"].as_array().unwrap().len() == 1
                && r["markets"][0]["country"] == "PL")
    );
    // Dates count mastery updates: only s1 has any, today.
    let today = chrono::Utc::now().date_naive();
    let updated = items(
        &app.get(&format!("{path}?from={today}"), Some(&w.admin_a))
            .await,
    );
    assert_eq!(updated.len(), 1);
    assert_eq!(updated[0]["email"], "s1@a.example");
    let long_ago = items(
        &app.get(&format!("{path}?to=2020-01-01"), Some(&w.admin_a))
            .await,
    );
    assert!(long_ago.is_empty());
    // Trainees enrolled in a course (withdrawn ones too).
    let in_course = items(
        &app.get(
            &format!("{path}?course_id={}", w.a_course),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(in_course.len(), 1);
    assert_eq!(in_course[0]["email"], "s2@a.example");

    // The instructor sees the trainees of their course only.
    let taught = items(&app.get(&path, Some(&w.instructor)).await);
    assert_eq!(taught.len(), 1);
    assert_eq!(taught[0]["email"], "s2@a.example");
    let not_theirs = items(
        &app.get(
            &format!("{path}?course_id={}", w.a_course),
            Some(&w.instructor),
        )
        .await,
    );
    assert!(not_theirs.is_empty(), "{not_theirs:?}");

    // s1 masters everything Germany requires through one right answer: ready for DE.
    let (course, quiz) = germany_course(app, &w.admin_a, &w.a).await;
    let s1_token = &w.students[1].0;
    post_ok(
        app,
        &format!("/courses/{course}/enroll"),
        s1_token,
        json!({}),
    )
    .await;
    assert_eq!(answer_quiz(app, s1_token, &quiz, true).await.status, 200);
    let rows = items(&app.get(&path, Some(&w.admin_a)).await);
    let s1 = rows.iter().find(|r| r["email"] == "s1@a.example").unwrap();
    assert_eq!(s1["markets"][0]["country"], "DE");
    assert_eq!(s1["markets"][0]["ready"], true);
    assert_eq!(s1["markets"][0]["missing"], json!([]));
    assert_eq!(s1["markets"][1]["ready"], false, "France needs French");
    let ready: Vec<&str> = s1["ready_markets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(ready.contains(&"DE") && !ready.contains(&"FR"), "{ready:?}");

    // CSV: a column per area and the ready markets; readiness columns only for ?market=.
    let (kind, plain) = csv_by_accept(app, &path, &w.admin_a).await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    assert_eq!(&plain[0][..3], ["user_id", "email", "display_name"]);
    for area in ["manufacturing", "ecommerce", "trade", "language", "law"] {
        assert!(plain[0].contains(&area.to_owned()), "{area}");
    }
    assert!(!plain[0].iter().any(|c| c.starts_with("readiness_")));
    assert_eq!(plain.len(), 4);
    assert!(plain[1..].iter().all(|r| r.len() == plain[0].len()));
    let (_, records) = csv_by_accept(app, &format!("{path}?market=de"), &w.admin_a).await;
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    assert_eq!(records.len(), 4);
    let s1_csv = records.iter().find(|r| r[1] == "s1@a.example").unwrap();
    assert_eq!(s1_csv[col("target_markets")], "DE;FR");
    assert!(s1_csv[col("ready_markets")].split(';').any(|m| m == "DE"));
    assert_eq!(s1_csv[col("readiness_DE")].parse::<f64>().unwrap(), 1.0);
    assert_eq!(s1_csv[col("ready_DE")], "true");
    let law_level: f64 = s1_csv[col("law")].parse().unwrap();
    let law = s1["areas"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["area"] == "law")
        .unwrap();
    assert!((law_level - law["level"].as_f64().unwrap()).abs() < 1e-4);
    let s0_csv = records.iter().find(|r| r[1] == "s0@a.example").unwrap();
    assert_eq!(s0_csv[col("ready_markets")], "");
    assert_eq!(s0_csv[col("ready_DE")], "false");
}

/// More rows than one CSV page (1000): the export streams every row once, in the order of the
/// JSON pages. The trainees and enrollments are written straight into the database: the point
/// here is the paging, not how the figures came about.
#[tokio::test]
async fn a_csv_export_longer_than_a_page_streams_every_row_once() {
    use caravan::db::sql_types::{Id, Timestamp};
    use caravan::schema::{enrollments, memberships, users};
    use diesel::prelude::*;

    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, admin) = app.org_with_admin(&root, "big-college").await;
    let mut courses = Vec::new();
    for slug in ["big-one", "big-two", "big-three"] {
        let (course, ..) = small_course(&app, &root, slug, &[], "immediately", 0.5).await;
        courses.push(course.parse::<uuid::Uuid>().unwrap());
    }
    // Three courses each: page boundaries (1000 for CSV, 199 for JSON) fall between two
    // courses of one trainee, where the keyset compares the course.
    const TRAINEES: usize = 350;
    let org_id: uuid::Uuid = org.parse().unwrap();
    app.db(move |c| {
        c.transaction::<_, diesel::result::Error, _>(|c| {
            let now = Timestamp::now();
            for i in 0..TRAINEES {
                let user = Id::new();
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(user),
                        users::email.eq(format!("t{i:04}@big.example")),
                        users::password_hash.eq("not a hash"),
                        users::display_name.eq(format!("Trainee, \"{i}\"")),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .execute(c)?;
                diesel::insert_into(memberships::table)
                    .values((
                        memberships::id.eq(Id::new()),
                        memberships::org_id.eq(Id(org_id)),
                        memberships::user_id.eq(user),
                        memberships::role.eq("student"),
                        memberships::created_at.eq(now),
                    ))
                    .execute(c)?;
                for course in &courses {
                    diesel::insert_into(enrollments::table)
                        .values((
                            enrollments::id.eq(Id::new()),
                            enrollments::user_id.eq(user),
                            enrollments::course_id.eq(Id(*course)),
                            enrollments::status.eq("active"),
                            enrollments::source.eq("cohort"),
                            enrollments::enrolled_at.eq(now),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
        .unwrap()
    })
    .await;

    let path = format!("/orgs/{org}/reports/progress");
    let walked = walk(&app, &path, &admin, 199).await;
    assert_eq!(walked.len(), TRAINEES * 3);
    let res = app
        .client
        .get(app.url(&format!("{path}?format=csv")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let records = parse_csv(&res.text().await.unwrap());
    assert_eq!(records.len(), TRAINEES * 3 + 1);
    assert_eq!(csv_keys(&records), json_keys(&walked));
    let name = records[0].iter().position(|c| c == "display_name").unwrap();
    let first = records
        .iter()
        .find(|r| r[2] == "t0000@big.example")
        .unwrap();
    assert_eq!(first[name], "Trainee, \"0\"", "quoted per RFC 4180");
    let distinct: BTreeSet<(String, String)> = records[1..]
        .iter()
        .map(|r| (r[1].clone(), r[4].clone()))
        .collect();
    assert_eq!(distinct.len(), TRAINEES * 3);
}
