//! A lost or expired verification link can be sent again: only to an account not yet confirmed,
//! a few times per address, and the answer never tells whether the address has an account.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;

/// The emails to `to` that carry a verification link.
fn verification_emails(app: &TestApp, to: &str) -> Vec<String> {
    app.emails()
        .into_iter()
        .filter(|m| m.contains(&format!("To: {to}")) && m.contains("Confirm my email"))
        .collect()
}

async fn resend(app: &TestApp, email: &str) -> Reply {
    app.post("/auth/verify-email/resend", None, json!({ "email": email }))
        .await
}

#[tokio::test]
async fn a_new_link_is_mailed_and_confirms_the_address() {
    let app = spawn_app().await;
    assert_eq!(app.register("late@example.com", "Late").await.status, 201);
    app.wait_for_email("late@example.com", "Confirm my email")
        .await;
    assert_eq!(resend(&app, "late@example.com").await.status, 202);
    for _ in 0..100 {
        if verification_emails(&app, "late@example.com").len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mails = verification_emails(&app, "late@example.com");
    assert_eq!(mails.len(), 2, "a second link was mailed");
    let token = token_in(&mails[1]);
    assert_ne!(token, token_in(&mails[0]), "a fresh link");
    let v = app
        .post("/auth/verify-email", None, json!({ "token": token }))
        .await;
    assert_eq!(v.status, 204, "{}", v.body);
    let login = app.login("late@example.com", PASSWORD).await;
    let access = login.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.get("/me", Some(access)).await.body["email_verified"],
        true
    );

    // Confirmed now: asking again is answered the same, and nothing is sent.
    let outbox = app.count("outbox").await;
    assert_eq!(resend(&app, "late@example.com").await.status, 202);
    assert_eq!(app.count("outbox").await, outbox);
}

#[tokio::test]
async fn an_unknown_address_is_answered_alike_and_an_inbox_cannot_be_flooded() {
    let app = spawn_app().await;
    let outbox = app.count("outbox").await;
    let unknown = resend(&app, "nobody@example.com").await;
    assert_eq!(unknown.status, 202);
    assert_eq!(
        unknown.body,
        serde_json::Value::Null,
        "no body to tell apart"
    );
    assert_eq!(app.count("outbox").await, outbox);
    // Malformed input is answered alike too.
    assert_eq!(resend(&app, "not an address").await.status, 202);

    assert_eq!(app.register("flood@example.com", "Flood").await.status, 201);
    let after_register = app.count("outbox").await;
    for _ in 0..8 {
        assert_eq!(resend(&app, "flood@example.com").await.status, 202);
    }
    assert_eq!(
        app.count("outbox").await,
        after_register + 5,
        "five links per address and window at most"
    );
    // Unknown fields are refused like everywhere else.
    let r = app
        .post(
            "/auth/verify-email/resend",
            None,
            json!({"email": "flood@example.com", "admin": true}),
        )
        .await;
    r.assert_problem(422, "invalid_body");
}
