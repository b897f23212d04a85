//! Verification: the status of a stored certificate (its signature checked with the public key and
//! its claims compared with the row) and of a credential someone presents.

use serde::Serialize;
use utoipa::ToSchema;

use super::credential::{self, Claims};
use super::store::{self, CertificateRow};
use super::{Rejected, Signer};
use crate::db::sql_types::CertificateId;
use crate::db::DbConn;
use crate::error::ApiResult;

/// The verdict on a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = CertificateStatus)]
pub enum Status {
    /// Signed by this server, unaltered, on record and not revoked.
    Valid,
    /// Genuine, but revoked by its organization.
    Revoked,
    /// The signature does not verify or the content does not match the record.
    Tampered,
    /// Signed by this server, but no such certificate is on record (e.g. its course was deleted).
    Unknown,
}

/// Whether the stored credential of `row` is intact: signed by `signer` and about this row.
pub fn stored_status(signer: &Signer, row: &CertificateRow) -> Status {
    match signer.verify::<Claims>(&row.credential) {
        Ok(claims) if credential::matches_row(&claims, row.key()) => {
            if row.revoked_at.is_some() {
                Status::Revoked
            } else {
                Status::Valid
            }
        }
        _ => Status::Tampered,
    }
}

/// The status of a presented credential and, when it names a certificate on record, that row.
/// Err(Rejected::Malformed) when the text is not a JWS at all.
pub fn presented_status(
    conn: &mut DbConn,
    signer: &Signer,
    jws: &str,
) -> ApiResult<Result<(Status, Option<CertificateRow>), Rejected>> {
    let claims = match signer.verify::<Claims>(jws.trim()) {
        Ok(claims) => claims,
        Err(Rejected::Malformed) => return Ok(Err(Rejected::Malformed)),
        Err(Rejected::BadSignature) => return Ok(Ok((Status::Tampered, None))),
    };
    let Ok(id) = claims.jti.parse::<CertificateId>() else {
        return Ok(Ok((Status::Tampered, None)));
    };
    let Some(row) = store::find(conn, id)? else {
        return Ok(Ok((Status::Unknown, None)));
    };
    if !credential::matches_row(&claims, row.key()) {
        return Ok(Ok((Status::Tampered, None)));
    }
    // The signature proves the content; the record decides revocation.
    let status = if row.revoked_at.is_some() {
        Status::Revoked
    } else {
        Status::Valid
    };
    Ok(Ok((status, Some(row))))
}
