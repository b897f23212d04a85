//! Isolation between organizations: an org admin of one college finds nothing of another.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn an_org_admin_of_college_a_finds_nothing_of_college_b() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "college-b").await;
    let (_, b_student) = app.user("b-student@example.com").await;
    app.add_member(
        &format!("/orgs/{b}/members"),
        Some(&admin_b),
        json!({"email": "b-student@example.com", "role": "student"}),
    )
    .await;
    let cohort_b = app
        .post(
            &format!("/orgs/{b}/cohorts"),
            Some(&admin_b),
            json!({"name": "B 2026"}),
        )
        .await;
    let cohort_b = cohort_b.body["id"].as_str().unwrap().to_owned();
    let cohort_a = app
        .post(
            &format!("/orgs/{a}/cohorts"),
            Some(&admin_a),
            json!({"name": "A 2026"}),
        )
        .await;
    let cohort_a = cohort_a.body["id"].as_str().unwrap().to_owned();

    for path in [
        format!("/orgs/{b}"),
        format!("/orgs/{b}/members"),
        format!("/orgs/{b}/cohorts"),
        format!("/cohorts/{cohort_b}"),
        format!("/cohorts/{cohort_b}/members"),
    ] {
        app.get(&path, Some(&admin_a))
            .await
            .assert_problem(404, "not_found");
    }
    app.patch(
        &format!("/orgs/{b}"),
        Some(&admin_a),
        json!({"name": "Taken"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &format!("/orgs/{b}/members/{b_student}"),
        Some(&admin_a),
        json!({"role": "org_admin"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(&format!("/orgs/{b}/members/{b_student}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
    app.delete(&format!("/cohorts/{cohort_b}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/orgs/{b}/members"),
        Some(&admin_a),
        json!({"email": "spy@example.com", "role": "org_admin"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_raw(
        &format!("/orgs/{b}/members/import"),
        Some(&admin_a),
        "text/csv",
        "email,display_name,role,cohort\nspy@example.com,Spy,org_admin,\n",
    )
    .await
    .assert_problem(404, "not_found");
    // B's trainee cannot be put into A's cohort: they are not A's member.
    app.post(
        &format!("/cohorts/{cohort_a}/members"),
        Some(&admin_a),
        json!({"user_ids": [b_student]}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let orgs = app.get("/orgs", Some(&admin_a)).await;
    let ids: Vec<&str> = orgs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str()]);
    assert_eq!(
        app.get(&format!("/orgs/{b}"), Some(&admin_b)).await.body["name"],
        "College college-b",
        "B is unchanged"
    );
    assert!(
        !app.emails().iter().any(|e| e.contains("spy@example.com")),
        "no invitation went to the spy"
    );
}
