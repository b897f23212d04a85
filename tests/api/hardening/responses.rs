//! What responses carry: a trainee's name is plain text in every CSV report, unknown paths share
//! one metrics label (and metrics can move to an internal address), and responses carry nosniff,
//! private ones no-store and the docs page a content security policy.

use serde_json::json;

use crate::helpers::*;
use crate::support::courses::{answer_quiz, enroll_and_read_everything, small_course};

#[tokio::test]
async fn a_trainee_named_like_a_formula_is_plain_text_in_every_csv_report() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let evil = "=HYPERLINK(\"http://attacker.example/\",\"open\")";
    let registered = app
        .post(
            "/auth/register",
            None,
            json!({"email": "formula@example.com", "password": PASSWORD, "display_name": evil}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    app.add_member(
        &format!("/orgs/{a}/members"),
        Some(&admin_a),
        json!({"email": "formula@example.com", "role": "student"}),
    )
    .await
    .assert_status(201);
    let login = app.login("formula@example.com", PASSWORD).await;
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "csv-course", &[], "immediately", 0.5).await;
    enroll_and_read_everything(&app, &token, &course_id, &lessons).await;
    answer_quiz(&app, &token, &quiz_id, true)
        .await
        .assert_status(200);

    for report in ["progress", "competencies"] {
        let r = app
            .client
            .get(app.url(&format!("/orgs/{a}/reports/{report}?format=csv")))
            .bearer_auth(&admin_a)
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 200, "{report}");
        let text = r.text().await.expect("body");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let mut seen = false;
        for record in reader.records() {
            let record = record.expect("valid CSV");
            for cell in record.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{report}: live formula cell {cell:?}"
                );
                if cell.contains("HYPERLINK") {
                    assert_eq!(cell, format!("'{evil}"), "{report}");
                    seen = true;
                }
            }
        }
        assert!(seen, "{report} lists the trainee: {text}");
    }
}

#[tokio::test]
async fn unknown_paths_share_one_metrics_label_and_metrics_can_move_to_an_internal_address() {
    let app = spawn_app().await;
    for i in 0..50 {
        let r = app
            .client
            .get(format!("{}/probe-{i}/x{i}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 404);
    }
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(!text.contains("probe-"), "raw paths became series: {text}");
    assert!(text.contains("endpoint=\"unmatched\""), "{text}");

    let internal = spawn_app_with(|s| s.metrics_bind = Some("127.0.0.1:0".into())).await;
    let metrics_at = internal.metrics_address.clone().expect("metrics listener");
    let public = internal
        .client
        .get(format!("{}/metrics", internal.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(public.status().as_u16(), 404, "not on the public listener");
    internal.get("/healthz", None).await;
    let private = internal
        .client
        .get(format!("{metrics_at}/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(private.status().as_u16(), 200);
    let text = private.text().await.expect("text");
    assert!(text.contains("caravan_http_requests_total"), "{text}");
}

#[tokio::test]
async fn responses_carry_nosniff_private_ones_no_store_and_the_docs_page_a_csp() {
    let app = spawn_app().await;
    let (token, _) = app.user("headers@example.com").await;
    let me = app.get("/me", Some(&token)).await;
    assert_eq!(me.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(me.header("cache-control"), Some("no-store"));
    let login = app.login("headers@example.com", PASSWORD).await;
    assert_eq!(login.header("cache-control"), Some("no-store"));
    let catalog = app.get("/courses", None).await;
    assert_eq!(catalog.header("x-content-type-options"), Some("nosniff"));
    let missing = app.get("/no-such-thing", None).await;
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    let docs = app
        .client
        .get(format!("{}/docs", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(docs.status().as_u16(), 200);
    let csp = docs
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(
        docs.headers()
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("DENY")
    );
}
