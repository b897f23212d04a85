//! Password hashing with argon2id (the argon2 crate's defaults: m=19456 KiB, t=2, p=1).
//!
//! Hashing is deliberately slow, so it never runs on an async worker: each hash runs on the
//! blocking pool, and a semaphore sized to the CPU count bounds how many run at once. Extra login
//! requests wait for a permit instead of spawning hundreds of threads that each hold 19 MiB, and the
//! async workers stay free to answer health checks and reads during a login storm.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::error::ApiError;

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// A real hash of a random password: verified against for unknown emails so that the response
    /// time does not reveal whether an account exists.
    dummy_hash: Arc<String>,
}

impl PasswordHasher {
    pub fn new() -> anyhow::Result<Self> {
        let cpus = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let dummy_hash = hash_blocking(&crate::auth::tokens::random_token())?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(cpus)),
            dummy_hash: Arc::new(dummy_hash),
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.on_blocking_pool(move || hash_blocking(&password).map_err(ApiError::Internal))
            .await
    }

    /// Verifies `password` against `stored`, or against the dummy hash when there is no account,
    /// so both paths cost one argon2 verification.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, ApiError> {
        let (hash, exists) = match stored {
            Some(h) => (h, true),
            None => ((*self.dummy_hash).clone(), false),
        };
        let matches = self
            .on_blocking_pool(move || Ok(verify_blocking(&password, &hash)))
            .await?;
        Ok(matches && exists)
    }

    async fn on_blocking_pool<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hasher closed: {e}")))?;
        actix_web::web::block(f)
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing task failed: {e}")))?
    }
}

/// Hashes with a fresh salt; the PHC string records the parameters used.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2 hashing failed: {e}"))
}

/// Verifies against a PHC string; a malformed stored hash never matches.
pub fn verify_blocking(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}
