//! Organization reports: only the organization's own trainees count, and another organization's
//! ids find nothing.

use serde_json::json;

use crate::helpers::*;
use crate::support::courses::essay_course;

/// Enrolls `token`, takes the quiz answering the true/false question `value`, and submits.
async fn take(
    app: &TestApp,
    token: &str,
    course_id: &str,
    quiz_id: &str,
    value: bool,
) -> (String, String) {
    app.post(
        &format!("/courses/{course_id}/enroll"),
        Some(token),
        json!({}),
    )
    .await;
    let attempt = app
        .post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let id = attempt.body["id"].as_str().unwrap();
    let tf = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "true_false")
        .unwrap()["question_id"]
        .clone();
    let r = app
        .post(
            &format!("/attempts/{id}/submit"),
            Some(token),
            json!({"answers": [{"question_id": tf, "response": {"value": value}}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let essay = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["kind"] == "essay")
        .unwrap()["question_id"]
        .as_str()
        .unwrap()
        .to_owned();
    (id.to_owned(), essay)
}

#[tokio::test]
async fn the_quiz_report_counts_only_the_organizations_own_trainees() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, quiz_id) = essay_course(&app, &root).await;
    let (a, admin_a) = app.org_with_admin(&root, "report-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "report-b").await;
    let cohort = app
        .post(
            &format!("/orgs/{a}/cohorts"),
            Some(&admin_a),
            json!({"name": "Group 1"}),
        )
        .await;
    let cohort = cohort.body["id"].as_str().unwrap().to_owned();
    let mut first = None;
    for (i, right) in [true, true, false].into_iter().enumerate() {
        let email = format!("a{i}@example.com");
        let (token, id) = app.user(&email).await;
        app.add_member(
            &format!("/orgs/{a}/members"),
            Some(&admin_a),
            json!({"email": email, "role": "student"}),
        )
        .await;
        if i == 0 {
            app.post(
                &format!("/cohorts/{cohort}/members"),
                Some(&admin_a),
                json!({"user_ids": [id]}),
            )
            .await;
        }
        let taken = take(&app, &token, &course_id, &quiz_id, right).await;
        if i == 0 {
            first = Some(taken);
        }
    }
    let (outsider, _) = app.user("b0@example.com").await;
    app.add_member(
        &format!("/orgs/{b}/members"),
        Some(&admin_b),
        json!({"email": "b0@example.com", "role": "student"}),
    )
    .await;
    let _ = take(&app, &outsider, &course_id, &quiz_id, true).await;

    let report = app
        .get(
            &format!("/orgs/{a}/reports/quizzes/{quiz_id}"),
            Some(&admin_a),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["attempts"], 3);
    assert_eq!(report.body["students"], 3);
    let tf = report.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "fast")
        .unwrap()
        .clone();
    assert!(
        (tf["facility"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9,
        "{tf}"
    );
    let by_cohort = app
        .get(
            &format!("/orgs/{a}/reports/quizzes/{quiz_id}?cohort_id={cohort}"),
            Some(&admin_a),
        )
        .await;
    assert_eq!(by_cohort.body["attempts"], 1);
    let b_report = app
        .get(
            &format!("/orgs/{b}/reports/quizzes/{quiz_id}"),
            Some(&admin_b),
        )
        .await;
    assert_eq!(b_report.body["attempts"], 1, "B sees its own trainee only");

    // The same statistics as CSV, a row per question, by `format=csv` or by Accept.
    for (query, accept) in [("?format=csv", "application/json"), ("", "text/csv")] {
        let res = app
            .client
            .get(app.url(&format!("/orgs/{a}/reports/quizzes/{quiz_id}{query}")))
            .bearer_auth(&admin_a)
            .header("Accept", accept)
            .send()
            .await
            .expect("sent");
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            "text/csv; charset=utf-8"
        );
        let text = res.text().await.unwrap();
        let records: Vec<csv::StringRecord> = csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("a CSV record"))
            .collect();
        assert_eq!(
            records.len(),
            report.body["questions"].as_array().unwrap().len(),
            "{text}"
        );
        let fast = records.iter().find(|r| &r[0] == "fast").expect("row");
        assert_eq!(&fast[1], "true_false");
        assert_eq!(&fast[2], "3");
        assert!((fast[3].parse::<f64>().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    }
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}?format=xml"),
        Some(&admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");

    // Isolation and bad filters.
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}"),
        Some(&admin_b),
    )
    .await
    .assert_problem(404, "not_found");
    let b_cohort = app
        .post(
            &format!("/orgs/{b}/cohorts"),
            Some(&admin_b),
            json!({"name": "B group"}),
        )
        .await;
    let b_cohort = b_cohort.body["id"].as_str().unwrap().to_owned();
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}?cohort_id={b_cohort}"),
        Some(&admin_a),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}?from=yesterday"),
        Some(&admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}?from=2026-12-01&to=2026-11-01"),
        Some(&admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}?colour=red"),
        Some(&admin_a),
    )
    .await
    .assert_problem(400, "invalid_query");
    let (student, _) = app.user("a9@example.com").await;
    app.add_member(
        &format!("/orgs/{a}/members"),
        Some(&admin_a),
        json!({"email": "a9@example.com", "role": "student"}),
    )
    .await;
    app.get(
        &format!("/orgs/{a}/reports/quizzes/{quiz_id}"),
        Some(&student),
    )
    .await
    .assert_problem(403, "forbidden");
    let past = app
        .get(
            &format!("/orgs/{a}/reports/quizzes/{quiz_id}?to=2020-01-01"),
            Some(&admin_a),
        )
        .await;
    assert_eq!(past.body["attempts"], 0);

    // Nobody passes before the essays are graded; a full essay grade lifts one student over the bar.
    assert_eq!(report.body["students_passed"], 0);
    let (attempt_id, essay) = first.unwrap();
    let graded = app
        .post(
            &format!("/attempts/{attempt_id}/grades"),
            Some(&root),
            json!({"question_id": essay, "score": 4, "comment": "Full marks."}),
        )
        .await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    let a_after = app
        .get(
            &format!("/orgs/{a}/reports/quizzes/{quiz_id}"),
            Some(&admin_a),
        )
        .await;
    let b_after = app
        .get(
            &format!("/orgs/{b}/reports/quizzes/{quiz_id}"),
            Some(&admin_b),
        )
        .await;
    let passed = a_after.body["students_passed"].as_u64().unwrap()
        + b_after.body["students_passed"].as_u64().unwrap();
    assert_eq!(passed, 1);
}
