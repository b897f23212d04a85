//! `AuthUser`: the extractor that turns a valid `Authorization: Bearer` access token into the
//! caller's id. Missing, malformed, expired or wrongly signed tokens are all 401 `invalid_token`.

use std::future::{ready, Ready};

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpRequest};

use crate::db::sql_types::UserId;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    pub id: UserId,
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    let missing = || {
        ApiError::unauthorized(
            "invalid_token",
            "The access token is missing, invalid or expired.",
        )
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("application state missing")))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(missing)?
        .trim();
    let claims = state.keys.verify(token)?;
    Ok(AuthUser { id: claims.sub })
}

/// The caller when a token is sent, `None` for anonymous requests. A token that is sent but
/// invalid is still a 401: a client with an expired session should learn so, not silently see
/// the public view.
#[derive(Debug, Clone, Copy)]
pub struct MaybeAuthUser(pub Option<AuthUser>);

impl FromRequest for MaybeAuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if req.headers().get(header::AUTHORIZATION).is_none() {
            return ready(Ok(MaybeAuthUser(None)));
        }
        ready(authenticate(req).map(|u| MaybeAuthUser(Some(u))))
    }
}
