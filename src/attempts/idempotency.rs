//! `Idempotency-Key` for unsafe POSTs that create or grade: the same key with the same body replays
//! the first response; the same key with another body is a 422. The record is written in the same
//! transaction as the action, so a replay only ever sees a committed outcome.

use actix_web::HttpRequest;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::sql_types::{Timestamp, UserId};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::schema::idempotency_keys;

/// The key sent with the request, if any (at most 200 characters).
pub fn key_of(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    match req.headers().get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let key = v.to_str().map_err(|_| {
                ApiError::bad_request("invalid_idempotency_key", "Idempotency-Key must be text")
            })?;
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::bad_request(
                    "invalid_idempotency_key",
                    "Idempotency-Key must have 1 to 200 characters",
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// A fingerprint of what was asked: route and body.
pub fn fingerprint(route: &str, body: &serde_json::Value) -> String {
    let digest = Sha256::digest(format!("{route}\n{body}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored response for `key`, or 422 when the key was used for a different request.
pub fn replay(
    conn: &mut DbConn,
    user: UserId,
    key: &str,
    hash: &str,
) -> Result<Option<(u16, String)>, ApiError> {
    let row: Option<(String, i32, String)> = idempotency_keys::table
        .find((user, key))
        .select((
            idempotency_keys::request_hash,
            idempotency_keys::status,
            idempotency_keys::body,
        ))
        .first(conn)
        .optional()?;
    match row {
        None => Ok(None),
        Some((stored, status, body)) if stored == hash => Ok(Some((status as u16, body))),
        Some(_) => Err(ApiError::Unprocessable {
            code: "idempotency_key_reused",
            detail: "This Idempotency-Key was used with a different request.".into(),
            report: None,
        }),
    }
}

pub fn record(
    conn: &mut DbConn,
    user: UserId,
    key: &str,
    hash: &str,
    status: u16,
    body: &str,
) -> QueryResult<usize> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::user_id.eq(user),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(hash),
            idempotency_keys::status.eq(status as i32),
            idempotency_keys::body.eq(body),
            idempotency_keys::created_at.eq(Timestamp::now()),
        ))
        .execute(conn)
}
