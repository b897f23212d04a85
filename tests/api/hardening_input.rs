//! Findings of the security review about input and credentials: file keys of an uploaded course,
//! reset links that outlive a password change, hashing before checking, and passwords made of
//! the user's own name.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use crate::helpers::*;

/// Every file of the seed course `slug`, keyed by its path inside the course folder.
fn seed_course(slug: &str) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("course folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let key = path
                    .strip_prefix(root)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(key, std::fs::read_to_string(&path).expect("utf-8"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("courses")
        .join(slug);
    let mut files = BTreeMap::new();
    walk(&root, &root, &mut files);
    files
}

#[tokio::test]
async fn an_uploaded_course_with_a_path_escaping_or_hidden_file_key_is_refused_whole() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let good = seed_course("incoterms-2020-for-sellers");
    for bad_key in [
        "../escape.md",
        "01-x/../../etc.md",
        "notes\\windows.md",
        ".hidden.md",
        "01-basics/.git/config",
        "/absolute.md",
        "a//b.md",
    ] {
        let mut files = good.clone();
        files.insert(bad_key.to_owned(), "text".to_owned());
        let r = app
            .post("/courses/import", Some(&root), json!({ "files": files }))
            .await;
        assert_eq!(r.status, 422, "{bad_key}: {}", r.body);
        assert!(
            r.body.to_string().contains("file name"),
            "{bad_key}: {}",
            r.body
        );
    }
    assert_eq!(app.count("courses").await, 0, "nothing was imported");
    let ok = app
        .post("/courses/import", Some(&root), json!({ "files": good }))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
}

async fn reset_tokens(app: &TestApp, email: &str, count: usize) -> Vec<String> {
    for _ in 0..count {
        app.post("/auth/password-reset", None, json!({ "email": email }))
            .await
            .assert_status(202);
    }
    for _ in 0..200 {
        let links: Vec<String> = app
            .emails()
            .into_iter()
            .filter(|m| m.contains(&format!("To: {email}")) && m.contains("Choose a new password"))
            .map(|m| token_in(&m))
            .collect();
        if links.len() >= count {
            return links;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{count} reset emails to {email} did not arrive");
}

#[tokio::test]
async fn an_older_reset_link_dies_when_a_newer_one_is_used_or_the_password_changes() {
    let app = spawn_app().await;
    app.register("twice@example.com", "Twice").await;
    let links = reset_tokens(&app, "twice@example.com", 2).await;
    let used = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({"token": links[1], "new_password": "amber-canyon-meridian-77"}),
        )
        .await;
    assert_eq!(used.status, 204, "{}", used.body);
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({"token": links[0], "new_password": "copper-lagoon-festival-18"}),
    )
    .await
    .assert_problem(400, "invalid_token");
    assert_eq!(
        app.login("twice@example.com", "amber-canyon-meridian-77")
            .await
            .status,
        200
    );

    app.register("changer@example.com", "Changer").await;
    let links = reset_tokens(&app, "changer@example.com", 1).await;
    let token = app.login("changer@example.com", PASSWORD).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        "/me/password",
        Some(&token),
        json!({"current_password": PASSWORD, "new_password": "granite-orchard-velvet-31"}),
    )
    .await
    .assert_status(204);
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({"token": links[0], "new_password": "copper-lagoon-festival-18"}),
    )
    .await
    .assert_problem(400, "invalid_token");
}

#[tokio::test]
async fn a_reset_with_a_bad_link_is_refused_before_the_new_password_is_even_looked_at() {
    let app = spawn_app().await;
    // A weak new password would be 422 if it were checked (and hashed) first.
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({"token": "not-a-real-token", "new_password": "123"}),
    )
    .await
    .assert_problem(400, "invalid_token");
}

#[tokio::test]
async fn the_users_own_name_or_email_is_not_a_password() {
    let app = spawn_app().await;
    for (name, password) in [
        ("Ana Lima Souza", "AnaLimaSouza"),
        ("Ana Lima Souza", "analimasouza1"),
        ("Wang Xiaoming", "wangxiaoming"),
    ] {
        app.post(
            "/auth/register",
            None,
            json!({"email": "self@example.com", "password": password, "display_name": name}),
        )
        .await
        .assert_problem(422, "validation_failed");
    }
    app.post(
        "/auth/register",
        None,
        json!({"email": "self@example.com", "password": "self@example.com", "display_name": "Self"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn registration_is_rate_limited_per_address_like_login() {
    let app = spawn_app_with(|s| s.login_limit_per_ip = 3).await;
    for i in 0..3 {
        app.register(&format!("burst{i}@example.com"), "Burst")
            .await
            .assert_status(201);
    }
    let over = app.register("burst9@example.com", "Burst").await;
    over.assert_problem(429, "rate_limited");
    assert!(over.header("retry-after").is_some());
    assert_eq!(app.count("users").await, 3);
}

#[tokio::test]
async fn a_nul_byte_is_refused_at_the_edge_on_both_backends() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    app.get("/courses?q=%00", None)
        .await
        .assert_problem(400, "invalid_query");
    let (org, admin) = app.org_with_admin(&root, "nul-college").await;
    app.post(
        &format!("/orgs/{org}/cohorts"),
        Some(&admin),
        json!({"name": "Spring", "description": "before\u{0}after"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let course = app
        .post(
            "/courses",
            Some(&root),
            json!({"slug": "nul-course", "title": "NUL", "summary": "bad\u{0}summary",
                   "language": "en", "level": "beginner", "estimated_hours": 1,
                   "competencies": ["law.product_safety"]}),
        )
        .await;
    assert_eq!(course.status, 422, "{}", course.body);
    assert_eq!(app.count("cohorts").await, 0);
    assert_eq!(app.count("courses").await, 0);
}

#[tokio::test]
async fn a_lesson_is_served_as_sanitized_html_beside_its_markdown() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let course = app
        .post(
            "/courses",
            Some(&root),
            json!({"slug": "html-course", "title": "HTML", "summary": "Rendering.",
                   "language": "en", "level": "beginner", "estimated_hours": 1,
                   "competencies": ["law.product_safety"]}),
        )
        .await;
    let course_id = course.body["id"].as_str().unwrap().to_owned();
    let module = app
        .post(
            &format!("/courses/{course_id}/modules"),
            Some(&root),
            json!({"slug": "basics", "title": "Basics"}),
        )
        .await;
    let module_id = module.body["id"].as_str().unwrap().to_owned();
    let body =
        "# Safety\n\n**Check** the [rules](https://eur-lex.europa.eu/eli/reg/2023/988/oj).\n\n\
                <script>fetch('/steal')</script>\n\n[click](javascript:alert(1))\n\n\
                <img src=x onerror=alert(1)>\n\n## Sources\n\n- Regulation (EU) 2023/988.\n";
    let lesson = app
        .post(
            &format!("/modules/{module_id}/lessons"),
            Some(&root),
            json!({"slug": "safety", "title": "Safety", "minutes": 5,
                   "competencies": ["law.product_safety"], "body": body}),
        )
        .await;
    assert_eq!(lesson.status, 201, "{}", lesson.body);
    let id = lesson.body["id"].as_str().unwrap().to_owned();
    let read = app
        .get(&format!("/lessons/{id}?version=draft"), Some(&root))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["body"], body, "the Markdown as written");
    let html = read.body["html"].as_str().expect("html");
    assert!(html.contains("<strong>Check</strong>"), "{html}");
    assert!(
        html.contains("https://eur-lex.europa.eu/eli/reg/2023/988/oj"),
        "{html}"
    );
    for active in ["<script", "javascript:", "onerror", "/steal"] {
        assert!(!html.contains(active), "{active} in {html}");
    }
}

/// Finding 6: accepting an invitation as a new account hashes a password, so it counts against
/// the same per-address limit as registering; past it the answer is 429 before any hashing, no
/// account is made and nobody joins.
#[tokio::test]
async fn accepting_an_invitation_as_a_new_account_shares_the_hashing_limit() {
    let app = spawn_app_with(|s| s.login_limit_per_ip = 3).await;
    let root = app.platform_admin().await;
    let (org, admin) = app.org_with_admin(&root, "harbour").await;
    let invited = app
        .post(
            &format!("/orgs/{org}/members"),
            Some(&admin),
            json!({"email": "newcomer@harbour.test", "role": "student"}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let token = token_in(&app.wait_for_email("newcomer@harbour.test", "token=").await);
    // The admin's registration counted once; two more use up the address's limit.
    for i in 0..2 {
        app.register(&format!("burst{i}@example.com"), "Burst")
            .await
            .assert_status(201);
    }
    let (users, memberships) = (app.count("users").await, app.count("memberships").await);
    let accept = json!({"token": token, "password": "a long newcomer passphrase",
                        "display_name": "Newcomer"});
    let over = app.post("/invitations/accept", None, accept).await;
    over.assert_problem(429, "rate_limited");
    assert!(over.header("retry-after").is_some());
    assert_eq!(app.count("users").await, users, "no account was made");
    assert_eq!(app.count("memberships").await, memberships, "nobody joined");
}
