//! Exporting courses over HTTP: a seed course and an imported one come back byte for byte.

use serde_json::json;

use crate::helpers::*;
use crate::support::catalog::{
    course_id, exported, read_files, renamed_course, seed_dir, seeded_app, INCOTERMS,
};

#[tokio::test]
async fn exporting_a_seed_course_gives_back_the_files_on_disk_byte_for_byte() {
    let app = seeded_app().await;
    let root = app.platform_admin().await;
    let id = course_id(&app, INCOTERMS).await;

    let export = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&export), read_files(&seed_dir().join(INCOTERMS)));

    // Anyone may read the platform catalog; only its authors export the answer keys.
    let (someone, _) = app.user("someone@example.com").await;
    assert_eq!(
        app.get(&format!("/courses/{id}"), Some(&someone))
            .await
            .status,
        200
    );
    app.get(&format!("/courses/{id}/export"), Some(&someone))
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/courses/{id}/export"), None)
        .await
        .assert_problem(401, "invalid_token");
    app.get(
        &format!("/courses/{}/export", uuid::Uuid::now_v7()),
        Some(&root),
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_course_imported_over_http_exports_exactly_the_files_sent() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let files = renamed_course("incoterms-round-trip");
    let created = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": files, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();
    let export = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&export), files);
    // And importing the export is a no-op.
    let again = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": exported(&export), "publish": true}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "unchanged");
}
