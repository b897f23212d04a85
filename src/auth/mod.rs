//! Identity: accounts, passwords (argon2id), access tokens (JWT) and refresh-token families,
//! single-use email tokens, login throttling, and the `AuthUser` extractor every protected route uses.

pub mod dto;
pub mod error;
pub mod extractor;
pub mod models;
pub mod queries;
pub mod routes;
pub mod throttle;

pub use extractor::{AuthUser, MaybeAuthUser};
pub use routes::routes;
