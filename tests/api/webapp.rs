//! The web app served by the binary: its page at `/` and at the emailed links' paths, its files
//! under `/app/`, embedded at build time, with a policy that lets only this origin's scripts run.

use reqwest::header;

use crate::helpers::{spawn_app, spawn_app_with};

fn web_file(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("web")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("web/{name}: {e}"))
}

#[tokio::test]
async fn the_app_page_is_served_at_the_root_and_at_every_emailed_link() {
    let app = spawn_app().await;
    let index = web_file("index.html");
    for path in [
        "/",
        "/verify-email?token=abc",
        "/reset-password?token=abc",
        "/invitations/accept?token=abc",
    ] {
        let reply = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 200, "{path}");
        let headers = reply.headers().clone();
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-eval"), "{csp}");
        // The token in an emailed link must not leak to any page the app links to.
        assert_eq!(headers[header::REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(
            reply.bytes().await.unwrap().as_ref(),
            index.as_slice(),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_app_files_are_the_embedded_copies_and_a_browser_revalidates_them() {
    let app = spawn_app().await;
    let url = format!("{}/app/main.js", app.address);
    let reply = app.client.get(&url).send().await.unwrap();
    assert_eq!(reply.status(), 200);
    let content_type = reply.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.contains("javascript"), "{content_type}");
    assert_eq!(reply.headers()[header::CACHE_CONTROL], "no-cache");
    let etag = reply.headers()[header::ETAG].clone();
    assert_eq!(
        reply.bytes().await.unwrap().as_ref(),
        web_file("main.js").as_slice()
    );

    let again = app
        .client
        .get(&url)
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()[header::ETAG], etag);
    assert!(again.bytes().await.unwrap().is_empty());

    let css = app
        .client
        .get(format!("{}/app/styles.css", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
}

#[tokio::test]
async fn nothing_outside_the_app_files_is_served() {
    let app = spawn_app().await;
    for path in [
        "/app/",
        "/app/no-such-file.js",
        "/app/%2e%2e/Cargo.toml",
        "/app/..%2fCargo.toml",
        "/app/package.json",
        "/app/build.sh",
        "/app/README.md",
        "/app/.gitignore",
        "/app/node_modules/preact/package.json",
    ] {
        let reply = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 404, "{path}");
        assert_eq!(
            reply.headers()[header::CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
    }
    // The API keeps its own 404 and 405 under /api/v1.
    let api = app
        .client
        .get(format!("{}/api/v1/no-such-route", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
}

#[tokio::test]
async fn a_web_folder_serves_its_files_on_every_request_for_working_on_the_app() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>one</title>",
    )
    .unwrap();
    let folder = dir.path().to_path_buf();
    let app = spawn_app_with(move |settings| settings.web_dir = Some(folder)).await;
    let page = |app: &crate::helpers::TestApp| app.client.get(format!("{}/", app.address)).send();
    assert!(page(&app)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("one"));
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>two</title>",
    )
    .unwrap();
    assert!(page(&app)
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .contains("two"));
}
