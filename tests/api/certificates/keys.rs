//! The certificate signing key: the served JWK Set verifies credentials offline, production
//! refuses to start without a valid key, and development generates one once and keeps it.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::certificates::*;

#[tokio::test]
async fn the_served_key_set_verifies_the_credential_offline() {
    let s = scene().await;
    let keys = s.app.get("/certificates/keys", None).await;
    assert_eq!(keys.status, 200, "{}", keys.body);
    let key = &keys.body["keys"][0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert!(key["d"].is_null(), "the private key is never served");

    let jws = s.certificate["credential"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(jws).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let jwks: jsonwebtoken::jwk::JwkSet = serde_json::from_value(keys.body.clone()).unwrap();
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let decoding = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::EdDSA);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    let claims = jsonwebtoken::decode::<Value>(jws, &decoding, &validation)
        .unwrap()
        .claims;
    assert_eq!(claims["jti"], s.certificate["id"]);
    let vc = &claims["vc"];
    assert_eq!(
        vc["type"],
        json!(["VerifiableCredential", "OpenBadgeCredential"])
    );
    assert_eq!(
        vc["id"],
        format!(
            "http://caravan.test/api/v1/certificates/{}",
            certificate_id(&s.certificate)
        )
    );
    assert_eq!(vc["issuer"]["name"], "College north");
    assert_eq!(vc["credentialSubject"]["name"], "ana");
    let achievement = &vc["credentialSubject"]["achievement"];
    assert_eq!(achievement["slug"], "gpsr-basics");
    assert_eq!(achievement["courseId"], s.certificate["course_id"]);
    assert_eq!(achievement["competencies"], json!(["law.product_safety"]));

    assert!(jsonwebtoken::decode::<Value>(&altered(jws), &decoding, &validation).is_err());
}

#[test]
fn production_refuses_to_start_without_a_valid_certificate_key() {
    let dir = tempfile::tempdir().unwrap();
    let run = |key: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_caravan"));
        cmd.current_dir(dir.path())
            .env_clear()
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("p.db").display()),
            )
            .env("CARAVAN_ENV", "production")
            .env("CARAVAN_JWT_SECRET", JWT_SECRET)
            .arg("migrate");
        if let Some(key) = key {
            cmd.env("CARAVAN_CERTIFICATE_KEY", key);
        }
        cmd.output().unwrap()
    };
    let missing = run(None);
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("CARAVAN_CERTIFICATE_KEY must be set")
    );
    let short = run(Some("c2hvcnQ="));
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("32 bytes"));
    let good = run(Some(CERTIFICATE_KEY));
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert!(
        !dir.path().join(".caravan-certificate-key").exists(),
        "production never writes a key file"
    );
}

#[test]
fn development_generates_a_certificate_key_once_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_caravan"))
            .current_dir(dir.path())
            .env_clear()
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("d.db").display()),
            )
            .env("CARAVAN_CERTIFICATE_KEY_FILE", dir.path().join("cert.key"))
            .env("CARAVAN_SECRET_FILE", dir.path().join("jwt.secret"))
            .arg("migrate")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(dir.path().join("cert.key")).unwrap()
    };
    let first = run();
    assert_eq!(first.trim().len(), 44, "base64 of 32 bytes");
    assert_eq!(run(), first);
}
