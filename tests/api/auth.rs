//! Registration, login, sessions, email verification, password reset and change, the profile.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn registering_creates_an_unverified_account_and_a_verification_link_verifies_it_once() {
    let app = spawn_app().await;
    let r = app.register("ana@example.com", "Ana").await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["email"], "ana@example.com");
    assert_eq!(r.body["email_verified"], false);
    assert!(r.body.get("password_hash").is_none());

    let email = app
        .wait_for_email("ana@example.com", "Confirm my email")
        .await;
    assert!(
        email.contains("Content-Type: text/html"),
        "has an HTML part"
    );
    assert!(email.contains("http://caravan.test/verify-email?token="));
    let token = token_in(&email);

    let v = app
        .post("/auth/verify-email", None, json!({"token": token}))
        .await;
    assert_eq!(v.status, 204);
    let again = app
        .post("/auth/verify-email", None, json!({"token": token}))
        .await;
    again.assert_problem(400, "invalid_token");

    let (access, _) = (
        app.login("ana@example.com", PASSWORD).await.body["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
        (),
    );
    let me = app.get("/me", Some(&access)).await;
    assert_eq!(me.body["email_verified"], true);
}

#[tokio::test]
async fn registering_an_email_twice_is_a_conflict_and_keeps_one_account() {
    let app = spawn_app().await;
    assert_eq!(app.register("dup@example.com", "One").await.status, 201);
    app.register("DUP@example.com", "Two")
        .await
        .assert_problem(409, "email_taken");
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn bad_registration_input_is_rejected_as_problem_json_and_stores_nothing() {
    let app = spawn_app().await;
    // Mass assignment: privileged fields are unknown fields.
    for field in [
        json!({"is_platform_admin": true}),
        json!({"role": "org_admin"}),
        json!({"email_verified": true}),
    ] {
        let mut body = json!({"email": "m@example.com", "password": PASSWORD, "display_name": "M"});
        body.as_object_mut()
            .unwrap()
            .extend(field.as_object().unwrap().clone());
        app.post("/auth/register", None, body)
            .await
            .assert_problem(422, "invalid_body");
    }
    // Malformed JSON and wrong types.
    app.post_raw("/auth/register", None, "application/json", "{\"email\": ")
        .await
        .assert_problem(400, "malformed_json");
    app.post(
        "/auth/register",
        None,
        json!({"email": 12, "password": PASSWORD, "display_name": "M"}),
    )
    .await
    .assert_problem(422, "invalid_body");
    app.post_raw("/auth/register", None, "text/plain", "hello")
        .await
        .assert_problem(415, "unsupported_media_type");
    // Invalid values: every field error is reported at once.
    let r = app
        .post(
            "/auth/register",
            None,
            json!({"email": "not-an-email", "password": "short", "display_name": " "}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
    // Common passwords are refused.
    let r = app
        .post(
            "/auth/register",
            None,
            json!({"email": "c@example.com", "password": "password123", "display_name": "C"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    // A one-megabyte password inside a body under the limit is a validation error, not a 500.
    let huge = "a".repeat(1_000_000);
    let r = app
        .post(
            "/auth/register",
            None,
            json!({"email": "h@example.com", "password": huge, "display_name": "H"}),
        )
        .await;
    r.assert_problem(422, "validation_failed");
    assert_eq!(app.count("users").await, 0);
    assert_eq!(app.count("outbox").await, 0);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let app = spawn_app().await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = app
        .post(
            "/auth/login",
            None,
            json!({"email": "a@example.com", "password": big}),
        )
        .await;
    r.assert_problem(413, "payload_too_large");
}

#[tokio::test]
async fn login_answers_unknown_email_and_wrong_password_identically() {
    let app = spawn_app().await;
    app.user("known@example.com").await;
    let wrong = app
        .login("known@example.com", "not-the-password-at-all")
        .await;
    let unknown = app
        .login("nobody@example.com", "not-the-password-at-all")
        .await;
    wrong.assert_problem(401, "invalid_credentials");
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    let megabyte = app.login("known@example.com", &"p".repeat(900_000)).await;
    megabyte.assert_problem(401, "invalid_credentials");
}

#[tokio::test]
async fn login_returns_a_bearer_pair_and_the_access_token_opens_me() {
    let app = spawn_app().await;
    app.register("pat@example.com", "Pat").await;
    let l = app.login("  PAT@example.com ", PASSWORD).await;
    assert_eq!(l.status, 200, "{}", l.body);
    assert_eq!(l.body["token_type"], "Bearer");
    assert_eq!(l.body["expires_in"], 900);
    assert!(l.body["refresh_token"].as_str().unwrap().len() >= 43);
    let me = app.get("/me", l.body["access_token"].as_str()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["display_name"], "Pat");
    assert_eq!(me.body["memberships"], json!([]));
}

#[tokio::test]
async fn refresh_rotates_the_token_and_reusing_a_spent_one_revokes_the_family() {
    let app = spawn_app().await;
    app.register("r@example.com", "R").await;
    let first = app.login("r@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let second = app
        .post("/auth/refresh", None, json!({"refresh_token": first}))
        .await;
    assert_eq!(second.status, 200, "{}", second.body);
    let second = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);

    // A thief replays the first token: the whole family dies, including the legitimate second one.
    app.post("/auth/refresh", None, json!({"refresh_token": first}))
        .await
        .assert_problem(401, "refresh_token_reused");
    app.post("/auth/refresh", None, json!({"refresh_token": second}))
        .await
        .assert_problem(401, "invalid_refresh_token");

    // Another login starts a new, independent family.
    let other = app.login("r@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.post("/auth/refresh", None, json!({"refresh_token": other}))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn parallel_refreshes_with_one_token_yield_exactly_one_new_pair() {
    let app = spawn_app().await;
    app.register("race@example.com", "Race").await;
    let token = app.login("race@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let replies = futures::future::join_all((0..10).map(|_| {
        app.post(
            "/auth/refresh",
            None,
            json!({"refresh_token": token.clone()}),
        )
    }))
    .await;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        ok,
        1,
        "statuses: {:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(replies.iter().all(|r| r.status == 200 || r.status == 401));
}

#[tokio::test]
async fn logout_revokes_the_session() {
    let app = spawn_app().await;
    app.register("out@example.com", "Out").await;
    let token = app.login("out@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post("/auth/logout", None, json!({"refresh_token": token}))
        .await;
    assert_eq!(r.status, 204);
    app.post("/auth/refresh", None, json!({"refresh_token": token}))
        .await
        .assert_problem(401, "invalid_refresh_token");
}

#[tokio::test]
async fn password_reset_accepts_any_email_mails_only_accounts_and_signs_out_everywhere() {
    let app = spawn_app().await;
    app.register("reset@example.com", "Reset").await;
    let old_refresh = app.login("reset@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let unknown = app
        .post(
            "/auth/password-reset",
            None,
            json!({"email": "ghost@example.com"}),
        )
        .await;
    let known = app
        .post(
            "/auth/password-reset",
            None,
            json!({"email": "reset@example.com"}),
        )
        .await;
    assert_eq!((unknown.status, known.status), (202, 202));
    let email = app
        .wait_for_email("reset@example.com", "Choose a new password")
        .await;
    assert!(!app.emails().iter().any(|m| m.contains("ghost@example.com")));
    let token = token_in(&email);

    let weak = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "123"}),
        )
        .await;
    weak.assert_problem(422, "validation_failed");
    let new_password = "amber-canyon-meridian-77";
    let ok = app
        .post(
            "/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": new_password}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    app.post(
        "/auth/password-reset/confirm",
        None,
        json!({"token": token, "new_password": new_password}),
    )
    .await
    .assert_problem(400, "invalid_token");
    app.post("/auth/refresh", None, json!({"refresh_token": old_refresh}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.login("reset@example.com", PASSWORD)
        .await
        .assert_problem(401, "invalid_credentials");
    assert_eq!(
        app.login("reset@example.com", new_password).await.status,
        200
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_revokes_sessions() {
    let app = spawn_app().await;
    let (access, _) = app.user("chg@example.com").await;
    let refresh = app.login("chg@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = app
        .post("/me/password", Some(&access), json!({"current_password": "nope-nope-nope", "new_password": "amber-canyon-meridian-77"}))
        .await;
    wrong.assert_problem(400, "wrong_password");
    let ok = app
        .post(
            "/me/password",
            Some(&access),
            json!({"current_password": PASSWORD, "new_password": "amber-canyon-meridian-77"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.body);
    app.post("/auth/refresh", None, json!({"refresh_token": refresh}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    assert_eq!(
        app.login("chg@example.com", "amber-canyon-meridian-77")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_profile_accepts_known_markets_and_language_tags_only() {
    let app = spawn_app().await;
    let (access, _) = app.user("prof@example.com").await;
    let ok = app
        .patch("/me", Some(&access), json!({"display_name": "Lin Wei", "locale": "zh-hans-cn", "target_markets": ["de", "BR"], "languages": ["pt-br", "es"]}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["display_name"], "Lin Wei");
    assert_eq!(ok.body["locale"], "zh-Hans-CN");
    assert_eq!(ok.body["target_markets"], json!(["DE", "BR"]));
    assert_eq!(ok.body["languages"], json!(["pt-BR", "es"]));

    let bad = app
        .patch(
            "/me",
            Some(&access),
            json!({"target_markets": ["XX"], "languages": ["not a tag"]}),
        )
        .await;
    bad.assert_problem(422, "validation_failed");
    app.patch("/me", Some(&access), json!({"is_platform_admin": true}))
        .await
        .assert_problem(422, "invalid_body");
    let me = app.get("/me", Some(&access)).await;
    assert_eq!(
        me.body["target_markets"],
        json!(["DE", "BR"]),
        "a rejected update changes nothing"
    );
    assert_eq!(me.body["is_platform_admin"], false);
}

#[tokio::test]
async fn parallel_login_guesses_cannot_exceed_the_per_account_limit() {
    let app = spawn_app_with(|s| s.login_limit_per_account = 5).await;
    app.register("target@example.com", "Target").await;
    let replies = futures::future::join_all(
        (0..20).map(|_| app.login("target@example.com", "wrong-guess-123456")),
    )
    .await;
    let unauthorized = replies.iter().filter(|r| r.status == 401).count();
    let limited: Vec<_> = replies.iter().filter(|r| r.status == 429).collect();
    assert_eq!(
        unauthorized, 5,
        "exactly the limit reaches the password check"
    );
    assert_eq!(limited.len(), 15);
    for r in limited {
        r.assert_problem(429, "rate_limited");
        assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
    }
    // Even the right password waits for the window: the account is throttled, not the guess.
    app.login("target@example.com", PASSWORD)
        .await
        .assert_problem(429, "rate_limited");
}

#[tokio::test]
async fn the_per_ip_limit_holds_across_accounts() {
    let app = spawn_app_with(|s| s.login_limit_per_ip = 3).await;
    for i in 0..3 {
        app.login(&format!("spray{i}@example.com"), "wrong-guess-123456")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    app.login("spray9@example.com", "wrong-guess-123456")
        .await
        .assert_problem(429, "rate_limited");
}

/// A successful login clears the failures before it. A success that follows no failure leaves its
/// own attempt counted until the next success, so the owner never has fewer than limit - 1 tries
/// left, and logging in many times in a row never runs into the limit.
#[tokio::test]
async fn a_successful_login_clears_the_failures_before_it() {
    let app = spawn_app_with(|s| s.login_limit_per_account = 3).await;
    app.register("owner@example.com", "Owner").await;
    let wrong = || app.login("owner@example.com", "wrong-guess-123456");
    for _ in 0..2 {
        wrong().await.assert_problem(401, "invalid_credentials");
    }
    assert_eq!(app.login("owner@example.com", PASSWORD).await.status, 200);
    // Cleared: three attempts again, the third a success.
    for _ in 0..2 {
        wrong().await.assert_problem(401, "invalid_credentials");
    }
    assert_eq!(app.login("owner@example.com", PASSWORD).await.status, 200);
    // Many successes in a row stay under the limit; the last one follows a reset, so its own
    // attempt stays counted.
    for _ in 0..5 {
        assert_eq!(app.login("owner@example.com", PASSWORD).await.status, 200);
    }
    // After a success with no failure before it: two wrong guesses, then the window is full.
    wrong().await.assert_problem(401, "invalid_credentials");
    wrong().await.assert_problem(401, "invalid_credentials");
    wrong().await.assert_problem(429, "rate_limited");
}
