//! The Ed25519 key that signs certificates: built from `CARAVAN_CERTIFICATE_KEY` (a 32-byte seed),
//! it signs credentials as compact JWS (`alg: EdDSA`), verifies them, and publishes its public half
//! as a JWKS so that anyone can check a certificate offline.

use jsonwebtoken::jwk::{Jwk, JwkSet, ThumbprintHash};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The PKCS#8 v1 prefix of an Ed25519 private key (RFC 8410): the seed follows it.
const PKCS8_ED25519_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Signs and verifies certificate credentials. Cheap to share: wrap it in an `Arc`.
pub struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    kid: String,
    jwk: Jwk,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer").field("kid", &self.kid).finish()
    }
}

/// Why a presented credential is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// Not three base64url segments with a JSON header: not a JWS at all.
    Malformed,
    /// A JWS, but not signed by this key or altered since.
    BadSignature,
}

impl Signer {
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<Signer> {
        let seed = crate::config::check_certificate_key(&settings.certificate_key.0)?;
        Signer::from_seed(&seed)
    }

    /// Builds the key pair from a 32-byte Ed25519 seed.
    pub fn from_seed(seed: &[u8; 32]) -> anyhow::Result<Signer> {
        let mut der = PKCS8_ED25519_PREFIX.to_vec();
        der.extend_from_slice(seed);
        let encoding = EncodingKey::from_ed_der(&der);
        let mut jwk = Jwk::from_encoding_key(&encoding, Algorithm::EdDSA)
            .map_err(|e| anyhow::anyhow!("invalid certificate key: {e}"))?;
        let thumbprint = jwk
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|e| anyhow::anyhow!("cannot fingerprint the certificate key: {e}"))?;
        let kid: String = thumbprint.chars().take(16).collect();
        jwk.common.key_id = Some(kid.clone());
        let decoding = DecodingKey::from_jwk(&jwk)
            .map_err(|e| anyhow::anyhow!("invalid certificate public key: {e}"))?;
        let signer = Signer {
            encoding,
            decoding,
            kid,
            jwk,
        };
        // Fail at start-up, not at the first certificate, if the key does not round-trip.
        let probe = signer.sign(&serde_json::json!({"probe": true}))?;
        signer.verify::<serde_json::Value>(&probe).map_err(|e| {
            anyhow::anyhow!("the certificate key does not verify its own signature: {e:?}")
        })?;
        Ok(signer)
    }

    /// The key id (a prefix of the RFC 7638 thumbprint of the public key).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK Set (`kty: OKP`, `crv: Ed25519`).
    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.jwk.clone()],
        }
    }

    /// Signs `claims` as a compact JWS with `alg: EdDSA` and this key's `kid`.
    pub fn sign<T: Serialize>(&self, claims: &T) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("cannot sign a certificate: {e}"))
    }

    /// Checks the signature of a compact JWS and returns its claims. Time claims are not enforced:
    /// a certificate does not expire; revocation is checked against the database.
    pub fn verify<T: DeserializeOwned>(&self, jws: &str) -> Result<T, Rejected> {
        if !is_compact_jws(jws) {
            return Err(Rejected::Malformed);
        }
        // From here on it has the shape of a JWS: any failure means it was altered or forged.
        let header = jsonwebtoken::decode_header(jws).map_err(|_| Rejected::BadSignature)?;
        if header.alg != Algorithm::EdDSA {
            return Err(Rejected::BadSignature);
        }
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(jws, &self.decoding, &validation)
            .map(|data| data.claims)
            .map_err(|_| Rejected::BadSignature)
    }
}

/// Three non-empty base64url segments separated by dots.
fn is_compact_jws(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_rejects_changes() {
        let signer = Signer::from_seed(&[7u8; 32]).unwrap();
        let jws = signer.sign(&serde_json::json!({"sub": "a"})).unwrap();
        let claims: serde_json::Value = signer.verify(&jws).unwrap();
        assert_eq!(claims["sub"], "a");

        let mut altered = jws.clone().into_bytes();
        let mid = jws.find('.').unwrap() + 3;
        altered[mid] = if altered[mid] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(signer.verify::<serde_json::Value>(&altered).is_err());
        assert_eq!(
            signer.verify::<serde_json::Value>("not a jws").unwrap_err(),
            Rejected::Malformed
        );
        assert_eq!(
            signer.verify::<serde_json::Value>("a.b.c").unwrap_err(),
            Rejected::BadSignature
        );

        let other = Signer::from_seed(&[8u8; 32]).unwrap();
        assert_eq!(
            other.verify::<serde_json::Value>(&jws).unwrap_err(),
            Rejected::BadSignature
        );
        assert_ne!(signer.kid(), other.kid());
        let jwks = serde_json::to_value(signer.jwks()).unwrap();
        assert_eq!(jwks["keys"][0]["kty"], "OKP");
        assert_eq!(jwks["keys"][0]["crv"], "Ed25519");
    }
}
