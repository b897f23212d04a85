//! Organizations themselves: only platform admins create them, slugs are unique, and lists come
//! in cursor pages with limits checked.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn only_platform_admins_create_organizations_and_slugs_are_unique() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (someone, _) = app.user("someone@example.com").await;
    let body = json!({"name": "Yiwu Industrial and Commercial College", "slug": "yiwu-icc", "kind": "vocational_college"});
    app.post("/orgs", Some(&someone), body.clone())
        .await
        .assert_problem(403, "forbidden");
    let created = app.post("/orgs", Some(&root), body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["kind"], "vocational_college");
    app.post("/orgs", Some(&root), body)
        .await
        .assert_problem(409, "slug_taken");
    app.post(
        "/orgs",
        Some(&root),
        json!({"name": "X", "slug": "Bad Slug", "kind": "vocational_college"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        "/orgs",
        Some(&root),
        json!({"name": "X", "slug": "x", "kind": "university"}),
    )
    .await
    .assert_problem(422, "invalid_body");
    assert_eq!(app.count("organizations").await, 1);
}

#[tokio::test]
async fn lists_page_with_cursors_and_reject_out_of_range_limits() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    for i in 0..5 {
        app.post(
            "/orgs",
            Some(&root),
            json!({"name": format!("Org {i}"), "slug": format!("org-{i}"), "kind": "enterprise"}),
        )
        .await;
    }
    let first = app.get("/orgs?limit=2", Some(&root)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    assert!(first.header("link").unwrap().contains("rel=\"next\""));
    let second = app
        .get(&format!("/orgs?limit=2&cursor={cursor}"), Some(&root))
        .await;
    let third = app
        .get(
            &format!(
                "/orgs?limit=2&cursor={}",
                second.body["next_cursor"].as_str().unwrap()
            ),
            Some(&root),
        )
        .await;
    assert_eq!(third.body["items"].as_array().unwrap().len(), 1);
    assert!(third.body["next_cursor"].is_null());
    let mut names: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned())
        })
        .collect();
    names.dedup();
    assert_eq!(names, ["Org 0", "Org 1", "Org 2", "Org 3", "Org 4"]);

    for q in ["limit=0", "limit=201", "limit=-1"] {
        app.get(&format!("/orgs?{q}"), Some(&root))
            .await
            .assert_problem(400, "invalid_limit");
    }
    app.get("/orgs?limit=abc", Some(&root))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/orgs?cursor=%%%", Some(&root))
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/orgs?colour=red", Some(&root))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/orgs/not-a-uuid", Some(&root))
        .await
        .assert_problem(404, "not_found");
}
