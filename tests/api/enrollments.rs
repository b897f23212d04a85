//! Enrollment: a cohort enrolled at once by its organization, withdrawal that keeps history, and
//! the enrollment email.

use serde_json::json;

use crate::helpers::*;
use crate::support::courses::essay_course;

#[tokio::test]
async fn an_org_admin_enrolls_a_whole_cohort_and_a_trainee_can_withdraw_and_return() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, quiz_id) = essay_course(&app, &root).await;
    let (a, admin_a) = app.org_with_admin(&root, "cohort-a").await;
    let (_, admin_b) = app.org_with_admin(&root, "cohort-b").await;
    let cohort = app
        .post(
            &format!("/orgs/{a}/cohorts"),
            Some(&admin_a),
            json!({"name": "Spring"}),
        )
        .await;
    let cohort = cohort.body["id"].as_str().unwrap().to_owned();
    let mut tokens = Vec::new();
    for i in 0..2 {
        let email = format!("trainee{i}@example.com");
        let (token, id) = app.user(&email).await;
        app.add_member(
            &format!("/orgs/{a}/members"),
            Some(&admin_a),
            json!({"email": email, "role": "student"}),
        )
        .await;
        app.post(
            &format!("/cohorts/{cohort}/members"),
            Some(&admin_a),
            json!({"user_ids": [id]}),
        )
        .await;
        tokens.push(token);
    }

    app.post(
        &format!("/cohorts/{cohort}/enrollments"),
        Some(&admin_b),
        json!({"course_id": course_id}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post(
        &format!("/cohorts/{cohort}/enrollments"),
        Some(&tokens[0]),
        json!({"course_id": course_id}),
    )
    .await
    .assert_problem(403, "forbidden");
    let r = app
        .post(
            &format!("/cohorts/{cohort}/enrollments"),
            Some(&admin_a),
            json!({"course_id": course_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"enrolled": 2, "already_enrolled": 0, "missing_prerequisites": []})
    );
    let again = app
        .post(
            &format!("/cohorts/{cohort}/enrollments"),
            Some(&admin_a),
            json!({"course_id": course_id}),
        )
        .await;
    assert_eq!(
        again.body,
        json!({"enrolled": 0, "already_enrolled": 2, "missing_prerequisites": []})
    );
    let mine = app.get("/me/enrollments", Some(&tokens[0])).await;
    assert_eq!(mine.body[0]["source"], "cohort");
    assert_eq!(mine.body[0]["status"], "active");
    app.wait_for_email("trainee1@example.com", "You are now enrolled")
        .await;

    // Withdrawing keeps the row; the quiz is closed to a withdrawn trainee until they return.
    assert_eq!(
        app.delete(&format!("/courses/{course_id}/enroll"), Some(&tokens[0]))
            .await
            .status,
        204
    );
    app.delete(&format!("/courses/{course_id}/enroll"), Some(&tokens[0]))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get("/me/enrollments", Some(&tokens[0])).await.body[0]["status"],
        "withdrawn"
    );
    app.post(
        &format!("/quizzes/{quiz_id}/attempts"),
        Some(&tokens[0]),
        json!({}),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(
        app.post(
            &format!("/courses/{course_id}/enroll"),
            Some(&tokens[0]),
            json!({})
        )
        .await
        .status,
        201
    );
    assert_eq!(
        app.post(
            &format!("/quizzes/{quiz_id}/attempts"),
            Some(&tokens[0]),
            json!({})
        )
        .await
        .status,
        201
    );
    assert_eq!(app.count("enrollments").await, 2);
}
