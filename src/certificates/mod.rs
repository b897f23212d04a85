//! Course certificates: issued when an enrollment is completed, signed as Open Badges 3.0 /
//! W3C Verifiable Credentials (compact JWS, Ed25519), verifiable by anyone with the public key,
//! and revocable by the course organization's admins. This file owns the public API the rest of
//! the crate calls ([`Signer`], [`issue`]); see `issue.rs`, `verify.rs`, `routes.rs`.

pub(crate) mod credential;
mod issue;
pub mod routes;
mod store;
mod verify;

use crate::db::sql_types::{CertificateId, CourseId, Timestamp, UserId};
use crate::db::DbConn;
use crate::error::ApiResult;

pub use crate::security::{Rejected, Signer};
pub use routes::routes;

/// Issues the certificate of `user_id` for `course_id` if none exists yet (a revoked one is not
/// re-issued), signs it, stores it and queues the "certificate issued" email through the outbox
/// in the caller's transaction. Returns the new certificate's id, or None when one existed.
pub fn issue(
    conn: &mut DbConn,
    signer: &Signer,
    public_url: &str,
    user_id: UserId,
    course_id: CourseId,
    completed_at: Timestamp,
) -> ApiResult<Option<CertificateId>> {
    issue::issue(conn, signer, public_url, user_id, course_id, completed_at)
}
