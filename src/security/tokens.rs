//! Access tokens (HS256 JWT with `kid` rotation) and opaque random tokens (refresh, email
//! verification, password reset, invitations), which are stored only as SHA-256 hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::db::sql_types::UserId;
use crate::error::ApiError;

/// 256 random bits, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of an opaque token: a leaked table cannot be replayed.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: UserId,
    pub iss: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    /// Token type: always "access"; refresh tokens are opaque and never JWTs.
    pub typ: String,
}

struct SigningKey {
    kid: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl SigningKey {
    fn from_secret(secret: &str) -> Self {
        // The kid names the key without revealing it: a prefix of the secret's hash.
        let kid = hex(&Sha256::digest(secret.as_bytes()))[..16].to_owned();
        Self {
            kid,
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }
}

/// Issues and verifies access tokens. The first key signs; every key verifies, so a rotation
/// deploys the new secret with the old one in `CARAVAN_JWT_PREVIOUS_SECRETS` until old tokens expire.
pub struct TokenKeys {
    keys: Vec<SigningKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl_secs: i64,
}

impl TokenKeys {
    pub fn from_settings(settings: &Settings) -> Self {
        let mut secrets = vec![settings.jwt_secret.0.as_str()];
        secrets.extend(settings.jwt_previous_secrets.iter().map(|s| s.0.as_str()));
        Self::new(
            &secrets,
            &settings.jwt_issuer,
            &settings.jwt_audience,
            settings.access_token_ttl.as_secs() as i64,
        )
    }

    /// Keys from `secrets` (the first signs, every one verifies) for tokens of `issuer` meant for
    /// `audience`, living `ttl_secs`.
    pub fn new(secrets: &[&str], issuer: &str, audience: &str, ttl_secs: i64) -> Self {
        let keys = secrets.iter().map(|s| SigningKey::from_secret(s)).collect();
        // The algorithm is pinned: a token claiming `none` or an asymmetric algorithm is rejected
        // before any key is tried.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 30;
        Self {
            keys,
            validation,
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            ttl_secs,
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    pub fn issue(&self, user_id: UserId) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: now + self.ttl_secs,
            nbf: now,
            iat: now,
            typ: "access".into(),
        };
        let signing = &self.keys[0];
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(signing.kid.clone());
        jsonwebtoken::encode(&header, &claims, &signing.encoding)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("cannot sign token: {e}")))
    }

    /// Verifies signature, algorithm, issuer, audience and time claims. Any failure is the same
    /// 401 to the client; the reason goes to the debug log.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let invalid = || {
            ApiError::unauthorized(
                "invalid_token",
                "The access token is missing, invalid or expired.",
            )
        };
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid())?;
        if header.alg != Algorithm::HS256 {
            return Err(invalid());
        }
        let key = match &header.kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| &k.kid == kid)
                .ok_or_else(invalid)?,
            None => return Err(invalid()),
        };
        let data = jsonwebtoken::decode::<Claims>(token, &key.decoding, &self.validation).map_err(
            |e| {
                tracing::debug!(error = %e, "access token rejected");
                invalid()
            },
        )?;
        if data.claims.typ != "access" {
            return Err(invalid());
        }
        Ok(data.claims)
    }
}
