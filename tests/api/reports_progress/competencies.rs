//! The competencies report: mastery by competency area and readiness for each market, as JSON
//! and as CSV.

use std::collections::BTreeSet;

use serde_json::json;

use crate::helpers::*;
use crate::support::courses::answer_quiz;
use crate::support::reports::{csv_by_accept, items, post_ok, world};

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
