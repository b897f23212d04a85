//! What the identity store refuses, besides a database error, and the one mapping of those
//! refusals to problem+json.

use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("an account with this email already exists")]
    EmailTaken,
    /// A spent refresh token came back: its whole family has been revoked (and that must commit).
    #[error("refresh token reused")]
    RefreshReused,
    #[error("refresh token invalid, expired or revoked")]
    RefreshInvalid,
    /// A single-use link (verification, reset) that is unknown, expired, used or of another purpose.
    #[error("one-time link invalid, expired or used")]
    LinkInvalid,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::EmailTaken => {
                ApiError::conflict("email_taken", "An account with this email already exists.")
            }
            AuthError::RefreshReused => ApiError::unauthorized(
                "refresh_token_reused",
                "This refresh token was already used; every session it started has been signed out.",
            ),
            AuthError::RefreshInvalid => ApiError::unauthorized(
                "invalid_refresh_token",
                "The refresh token is invalid, expired or revoked.",
            ),
            AuthError::LinkInvalid => ApiError::bad_request(
                "invalid_token",
                "The link is invalid, expired or was already used.",
            ),
            AuthError::Db(e) => e.into(),
        }
    }
}
