//! Access-token verification: pinned algorithm, signature, time and audience claims, key rotation.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use caravan::config::Secret;
use caravan::security::tokens::TokenKeys;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::json;

use crate::helpers::*;

fn kid_of(secret: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..16]
        .to_owned()
}

fn forge(secret: &str, claims: serde_json::Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid_of(secret));
    encode(
        &header,
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn claims(sub: &str, aud: &str, exp_offset: i64) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "iss": "caravan", "aud": aud, "iat": now, "nbf": now, "exp": now + exp_offset, "typ": "access"})
}

#[tokio::test]
async fn tokens_that_are_unsigned_forged_expired_or_for_another_audience_are_401() {
    let app = spawn_app().await;
    let (good, user_id) = app.user("tok@example.com").await;
    assert_eq!(app.get("/me", Some(&good)).await.status, 200);

    // alg: none, with a valid-looking payload.
    let header = URL_SAFE_NO_PAD
        .encode(json!({"alg": "none", "typ": "JWT", "kid": kid_of(JWT_SECRET)}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims(&user_id, "caravan-api", 600).to_string());
    let none = format!("{header}.{payload}.");
    let wrong_key = forge(
        "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        claims(&user_id, "caravan-api", 600),
    );
    let mut wrong_key_right_kid = Header::new(Algorithm::HS256);
    wrong_key_right_kid.kid = Some(kid_of(JWT_SECRET));
    let impostor = encode(
        &wrong_key_right_kid,
        &claims(&user_id, "caravan-api", 600),
        &EncodingKey::from_secret(b"another-secret-0123456789-abcdefghijklmnopqrstuvwxyz"),
    )
    .unwrap();
    let expired = forge(JWT_SECRET, claims(&user_id, "caravan-api", -3600));
    let audience = forge(JWT_SECRET, claims(&user_id, "someone-else", 600));
    let mut tampered = good.clone();
    tampered.insert(good.len() - 3, 'x');
    let refresh = app.login("tok@example.com", PASSWORD).await.body["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut refresh_typ = claims(&user_id, "caravan-api", 600);
    refresh_typ["typ"] = json!("refresh");
    let wrong_typ = forge(JWT_SECRET, refresh_typ);

    for (name, token) in [
        ("alg none", none.as_str()),
        ("unknown key", wrong_key.as_str()),
        ("wrong signature", impostor.as_str()),
        ("expired", expired.as_str()),
        ("wrong audience", audience.as_str()),
        ("tampered", tampered.as_str()),
        ("refresh token as access token", refresh.as_str()),
        ("non-access typ", wrong_typ.as_str()),
        ("garbage", "abc"),
    ] {
        let r = app.get("/me", Some(token)).await;
        assert_eq!(r.status, 401, "{name} must be rejected");
        r.assert_problem(401, "invalid_token");
    }
    app.get("/me", None)
        .await
        .assert_problem(401, "invalid_token");
}

#[test]
fn during_a_key_rotation_tokens_of_the_previous_key_still_verify_and_new_ones_use_the_new_kid() {
    let dir = tempfile::tempdir().unwrap();
    let old = "old-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
    let new = "new-secret-9876543210-zyxwvutsrqponmlkjihgfedcba";
    let mut before = test_settings(dir.path(), "sqlite://unused.db".into());
    before.jwt_secret = Secret(old.into());
    let old_keys = TokenKeys::from_settings(&before);
    let user = caravan::db::sql_types::UserId::new();
    let old_token = old_keys.issue(user).unwrap();

    let mut during = before.clone();
    during.jwt_secret = Secret(new.into());
    during.jwt_previous_secrets = vec![Secret(old.into())];
    let rotating = TokenKeys::from_settings(&during);
    assert_eq!(rotating.verify(&old_token).unwrap().sub, user);
    let new_token = rotating.issue(user).unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(&new_token)
            .unwrap()
            .kid
            .unwrap(),
        kid_of(new)
    );

    let mut after = during.clone();
    after.jwt_previous_secrets.clear();
    let retired = TokenKeys::from_settings(&after);
    assert!(
        retired.verify(&old_token).is_err(),
        "a retired key no longer verifies"
    );
    assert!(retired.verify(&new_token).is_ok());
}

#[test]
fn production_refuses_weak_secrets() {
    assert!(caravan::config::check_secret_strength("short").is_err());
    assert!(caravan::config::check_secret_strength(&"a".repeat(64)).is_err());
    assert!(caravan::config::check_secret_strength(JWT_SECRET).is_ok());
}
