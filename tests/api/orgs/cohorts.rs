//! Cohorts: managed by org admins and read by instructors.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn cohorts_are_managed_by_org_admins_and_read_by_instructors() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "cohort-college").await;
    let (teacher, _) = app.user("teacher@example.com").await;
    let (_, student_id) = app.user("trainee@example.com").await;
    app.add_member(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "teacher@example.com", "role": "instructor"}),
    )
    .await;
    app.add_member(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "trainee@example.com", "role": "student"}),
    )
    .await;

    let c = app
        .post(
            &format!("/orgs/{org_id}/cohorts"),
            Some(&admin),
            json!({"name": "EU sellers 2026", "description": "Autumn intake"}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let cohort = c.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&admin),
        json!({"name": "EU sellers 2026"}),
    )
    .await
    .assert_problem(409, "cohort_name_taken");
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&teacher),
        json!({"name": "Mine"}),
    )
    .await
    .assert_problem(403, "forbidden");

    let added = app
        .post(
            &format!("/cohorts/{cohort}/members"),
            Some(&admin),
            json!({"user_ids": [student_id, student_id]}),
        )
        .await;
    assert_eq!(added.body["member_count"], 1);
    // The list counts each cohort's own members, an empty cohort included.
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&admin),
        json!({"name": "Still empty"}),
    )
    .await
    .assert_status(201);
    let listed = app
        .get(&format!("/orgs/{org_id}/cohorts"), Some(&admin))
        .await;
    let counts: std::collections::BTreeMap<String, i64> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["member_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts["EU sellers 2026"], 1, "{}", listed.body);
    assert_eq!(counts["Still empty"], 0, "{}", listed.body);
    let read = app
        .get(&format!("/cohorts/{cohort}/members"), Some(&teacher))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body[0]["email"], "trainee@example.com");
    let renamed = app
        .patch(
            &format!("/cohorts/{cohort}"),
            Some(&admin),
            json!({"name": "EU sellers 2026 (A)"}),
        )
        .await;
    assert_eq!(renamed.body["name"], "EU sellers 2026 (A)");
    assert_eq!(
        app.delete(
            &format!("/cohorts/{cohort}/members/{student_id}"),
            Some(&admin)
        )
        .await
        .status,
        204
    );
    app.delete(
        &format!("/cohorts/{cohort}/members/{student_id}"),
        Some(&admin),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.delete(&format!("/cohorts/{cohort}"), Some(&admin))
            .await
            .status,
        204
    );
    app.get(&format!("/cohorts/{cohort}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
}
