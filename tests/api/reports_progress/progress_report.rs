//! The progress report: exactly the organization's own trainees with their figures, filtered by
//! cohort, course and dates, an instructor limited to their courses; another organization's ids
//! find nothing and bad filters are refused.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::*;
use crate::support::reports::{items, json_keys, world};

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

fn encode_cursor(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
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
