//! Operations: health, readiness, metrics, the OpenAPI document, the docs page, errors for unknown
//! routes, request ids, CORS, and the command line.

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn health_readiness_metrics_and_docs_answer() {
    let app = spawn_app().await;
    let h = app.get("/healthz", None).await;
    assert_eq!((h.status, h.body["status"].as_str()), (200, Some("ok")));
    assert!(
        h.header("x-request-id").is_some(),
        "every response carries a request id"
    );
    let r = app.get("/readyz", None).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("ready")));
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("caravan_http_requests_total"), "{metrics}");
    let docs = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(
        docs.text().await.unwrap().contains("Caravan API"),
        "the docs page renders the spec"
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_of_the_contract() {
    let app = spawn_app().await;
    let doc = app.get("/api/openapi.json", None).await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/auth/register", "post"),
        ("/api/v1/auth/login", "post"),
        ("/api/v1/auth/refresh", "post"),
        ("/api/v1/auth/logout", "post"),
        ("/api/v1/auth/verify-email", "post"),
        ("/api/v1/auth/password-reset", "post"),
        ("/api/v1/auth/password-reset/confirm", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/me", "patch"),
        ("/api/v1/me/password", "post"),
        ("/api/v1/me/invitations", "get"),
        ("/api/v1/me/invitations/{invitation_id}/accept", "post"),
        ("/api/v1/me/invitations/{invitation_id}/decline", "post"),
        ("/api/v1/me/memberships/{org_id}", "delete"),
        ("/api/v1/orgs", "post"),
        ("/api/v1/orgs", "get"),
        ("/api/v1/orgs/{org_id}", "get"),
        ("/api/v1/orgs/{org_id}", "patch"),
        ("/api/v1/orgs/{org_id}/members", "get"),
        ("/api/v1/orgs/{org_id}/members", "post"),
        ("/api/v1/orgs/{org_id}/members/import", "post"),
        ("/api/v1/orgs/{org_id}/members/{user_id}", "patch"),
        ("/api/v1/orgs/{org_id}/members/{user_id}", "delete"),
        ("/api/v1/orgs/{org_id}/cohorts", "get"),
        ("/api/v1/orgs/{org_id}/cohorts", "post"),
        ("/api/v1/cohorts/{cohort_id}", "get"),
        ("/api/v1/cohorts/{cohort_id}", "patch"),
        ("/api/v1/cohorts/{cohort_id}", "delete"),
        ("/api/v1/cohorts/{cohort_id}/members", "post"),
        ("/api/v1/cohorts/{cohort_id}/members/{user_id}", "delete"),
        ("/api/v1/competencies", "get"),
        ("/api/v1/markets", "get"),
        ("/api/v1/markets/{country}", "get"),
        ("/api/v1/courses", "get"),
        ("/api/v1/courses", "post"),
        ("/api/v1/courses/{course_id}", "get"),
        ("/api/v1/courses/{course_id}", "patch"),
        ("/api/v1/courses/{course_id}", "delete"),
        ("/api/v1/courses/{course_id}/publish", "post"),
        ("/api/v1/courses/{course_id}/archive", "post"),
        ("/api/v1/courses/{course_id}/problems", "get"),
        ("/api/v1/courses/{course_id}/export", "get"),
        ("/api/v1/courses/import", "post"),
        ("/api/v1/courses/{course_id}/modules", "get"),
        ("/api/v1/courses/{course_id}/modules", "post"),
        ("/api/v1/modules/{module_id}", "get"),
        ("/api/v1/modules/{module_id}", "patch"),
        ("/api/v1/modules/{module_id}", "delete"),
        ("/api/v1/modules/{module_id}/lessons", "post"),
        ("/api/v1/lessons/{lesson_id}", "get"),
        ("/api/v1/lessons/{lesson_id}", "patch"),
        ("/api/v1/lessons/{lesson_id}", "delete"),
        ("/api/v1/modules/{module_id}/quizzes", "post"),
        ("/api/v1/quizzes/{quiz_id}", "get"),
        ("/api/v1/quizzes/{quiz_id}", "patch"),
        ("/api/v1/quizzes/{quiz_id}", "delete"),
        ("/api/v1/quizzes/{quiz_id}/questions", "get"),
        ("/api/v1/quizzes/{quiz_id}/questions", "post"),
        ("/api/v1/questions/{question_id}", "patch"),
        ("/api/v1/questions/{question_id}", "delete"),
        ("/api/v1/courses/{course_id}/enroll", "post"),
        ("/api/v1/me/enrollments", "get"),
        ("/api/v1/quizzes/{quiz_id}/attempts", "post"),
        ("/api/v1/attempts/{attempt_id}", "get"),
        ("/api/v1/attempts/{attempt_id}/answers", "put"),
        ("/api/v1/attempts/{attempt_id}/submit", "post"),
        ("/api/v1/quizzes/{quiz_id}/grading-queue", "get"),
        ("/api/v1/attempts/{attempt_id}/grades", "post"),
        ("/api/v1/orgs/{org_id}/reports/quizzes/{quiz_id}", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        let op = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is documented"))[method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} has responses"
        );
    }
    assert!(doc.body["components"]["schemas"]["Problem"].is_object());
    // Every operation that takes a token documents the 401 a generated client must handle.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                let documented = op["responses"]["401"]["content"]
                    .as_object()
                    .is_some_and(|c| {
                        c.values()
                            .any(|m| m["schema"]["$ref"] == "#/components/schemas/Problem")
                    });
                assert!(documented, "{method} {path} documents its 401");
            }
        }
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problem_json() {
    let app = spawn_app().await;
    app.get("/api/v1/nowhere", None)
        .await
        .assert_problem(404, "not_found");
    let r = app
        .request(reqwest::Method::PUT, "/auth/login", None, Some(json!({})))
        .await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("POST"));
    // A templated path: the methods its route answers, whatever the id.
    let r = app
        .request(
            reqwest::Method::PUT,
            "/courses/0193a1b2-0000-7000-8000-000000000000",
            None,
            Some(json!({})),
        )
        .await;
    r.assert_problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("DELETE, GET, PATCH"));
    // A path no route has stays not found, whatever the method.
    app.request(reqwest::Method::DELETE, "/nowhere/else", None, None)
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn cors_allows_the_configured_frontend_origin_only() {
    let app = spawn_app().await;
    let allowed = app
        .client
        .request(reqwest::Method::OPTIONS, app.url("/auth/login"))
        .header("origin", "https://app.caravan.test")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(
        allowed
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "https://app.caravan.test"
    );
    let other = app
        .client
        .get(app.url("/healthz"))
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn the_catalog_framework_lists_five_areas_and_twenty_markets() {
    let app = spawn_app().await;
    let c = app.get("/competencies", None).await;
    let areas: Vec<&str> = c.body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        areas,
        ["manufacturing", "ecommerce", "trade", "language", "law"]
    );
    let m = app.get("/markets", None).await;
    assert!(m.body["items"].as_array().unwrap().len() >= 20);
    let de = app.get("/markets/de", None).await;
    assert_eq!(de.body["languages"], json!(["de"]));
    assert!(de.body["required"]
        .as_array()
        .unwrap()
        .contains(&json!("law.product_safety")));
    app.get("/markets/XX", None)
        .await
        .assert_problem(404, "not_found");
}

fn caravan(database_url: &str, dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caravan"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn");
    cmd
}

#[tokio::test]
async fn admin_create_bootstraps_a_platform_admin_who_can_create_organizations() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = caravan(&app.database_url, dir.path())
        .args(["admin", "create", "--email", "ops@caravan.test"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("platform admin created"));
    let login = app.login("ops@caravan.test", PASSWORD).await;
    assert_eq!(login.body["user"]["is_platform_admin"], true);
    assert_eq!(login.body["user"]["email_verified"], true);
    let token = login.body["access_token"].as_str().unwrap();
    let org = app
        .post(
            "/orgs",
            Some(token),
            json!({"name": "Academy", "slug": "academy", "kind": "platform_academy"}),
        )
        .await;
    assert_eq!(org.status, 201);
}

#[tokio::test]
async fn production_mode_refuses_to_start_without_a_strong_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let missing = caravan(&url, dir.path())
        .env("CARAVAN_ENV", "production")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("CARAVAN_JWT_SECRET must be set"));
    let weak = caravan(&url, dir.path())
        .env("CARAVAN_ENV", "production")
        .env("CARAVAN_JWT_SECRET", "secret")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too weak"));
    let strong = caravan(&url, dir.path())
        .env("CARAVAN_ENV", "production")
        .env("CARAVAN_JWT_SECRET", JWT_SECRET)
        .env("CARAVAN_CERTIFICATE_KEY", CERTIFICATE_KEY)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        strong.status.success(),
        "{}",
        String::from_utf8_lossy(&strong.stderr)
    );
}

#[tokio::test]
async fn sigterm_drains_and_stops_the_server_cleanly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let mut child = caravan(&url, dir.path())
        .env("CARAVAN_BIND", "127.0.0.1:0")
        .env("CARAVAN_COURSES_DIR", dir.path().join("none"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("server logs its port").unwrap();
        if line.contains("caravan listening") {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap();
            break v["port"].as_u64().unwrap();
        }
    };
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exits 0 after SIGTERM: {status:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("caravan stopped")),
        "{rest:?}"
    );
}
