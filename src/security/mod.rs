//! The cryptography the areas share, below all of them: password hashing (argon2id on its own
//! threads), access tokens (HS256 JWT with key rotation) and opaque random tokens stored as
//! hashes, and the Ed25519 key that signs certificates. Knows nothing of HTTP or the database;
//! `state::AppState` holds one of each for the handlers.

pub mod password;
pub mod signer;
pub mod tokens;

pub use password::PasswordHasher;
pub use signer::{Rejected, Signer};
pub use tokens::TokenKeys;
