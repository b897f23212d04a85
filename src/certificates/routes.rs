//! The certificate endpoints: a trainee's own certificates, public verification (by id and of a
//! presented credential), the public signing keys as a JWKS, and revocation by the organization.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credential::certificate_url;
use super::store::{self, CertificateRow};
use super::verify::{self, Status};
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::{CertificateId, CourseId, OrgId, Timestamp};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_my_certificates, my_certificates)
        .add(__path_certificate_keys, certificate_keys)
        .add(__path_verify_credential, verify_credential)
        .add(__path_get_certificate, get_certificate)
        .add(__path_revoke_certificate, revoke_certificate);
}

/// A certificate as its holder and verifiers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateView {
    #[schema(value_type = String, format = Uuid)]
    pub id: CertificateId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub course_slug: String,
    pub course_title: String,
    /// The issuing organization; null for a platform-wide course (issued by Caravan).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<OrgId>,
    pub holder_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub issued_at: Timestamp,
    pub revoked: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub revoked_at: Option<Timestamp>,
    pub revocation_reason: Option<String>,
    /// The public page that verifies this certificate.
    pub verify_url: String,
    /// The signed credential: a compact JWS (EdDSA) whose payload is an Open Badges 3.0
    /// `OpenBadgeCredential`.
    pub credential: String,
}

fn view(base: &str, row: CertificateRow) -> CertificateView {
    CertificateView {
        verify_url: certificate_url(base, row.id),
        id: row.id,
        course_id: row.course_id,
        course_slug: row.course_slug,
        course_title: row.course_title,
        org_id: row.org_id,
        holder_name: row.holder_name,
        issued_at: row.issued_at,
        revoked: row.revoked_at.is_some(),
        revoked_at: row.revoked_at,
        revocation_reason: row.revocation_reason,
        credential: row.credential,
    }
}

/// The verdict on a certificate, followed by the certificate's fields when it is on record
/// (only `status` when a presented credential names none).
#[derive(Debug, Serialize, ToSchema)]
pub struct VerificationView {
    pub status: Status,
    #[serde(flatten)]
    pub certificate: Option<CertificateView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// A compact JWS as served in `credential`.
    pub credential: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Why the certificate is withdrawn (1 to 500 characters); shown to verifiers.
    pub reason: String,
}

#[utoipa::path(get, path = "/api/v1/me/certificates", tag = "learning", security(("bearer" = [])),
    responses((status = 200, body = Vec<CertificateView>, description = "The caller's certificates, newest first"),
        (status = 401, body = Problem)))]
pub async fn my_certificates(
    state: web::Data<AppState>,
    user: AuthUser,
) -> ApiResult<HttpResponse> {
    let base = state.settings.public_url.clone();
    let rows = db::run(&state.pool, move |conn| Ok(store::of_user(conn, user.id)?)).await?;
    let list: Vec<CertificateView> = rows.into_iter().map(|r| view(&base, r)).collect();
    Ok(HttpResponse::Ok().json(list))
}

#[utoipa::path(get, path = "/api/v1/certificates/{certificate_id}", tag = "certificates",
    params(("certificate_id" = String, Path)),
    responses((status = 200, body = VerificationView,
            description = "status: valid, revoked, or tampered when the stored credential's signature or claims do not match the record"),
        (status = 404, body = Problem)))]
pub async fn get_certificate(
    state: web::Data<AppState>,
    path: web::Path<CertificateId>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let row = db::run(&state.pool, move |conn| {
        store::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    let status = verify::stored_status(&state.signer, &row);
    Ok(HttpResponse::Ok().json(VerificationView {
        status,
        certificate: Some(view(&state.settings.public_url, row)),
    }))
}

#[utoipa::path(post, path = "/api/v1/certificates/verify", tag = "certificates", request_body = VerifyRequest,
    responses((status = 200, body = VerificationView,
            description = "valid: signed by this server, unaltered, on record and not revoked; revoked; tampered: bad signature or altered; unknown: genuine but not on record"),
        (status = 422, body = Problem, description = "invalid_credential: the text is not a compact JWS at all")))]
pub async fn verify_credential(
    state: web::Data<AppState>,
    body: web::Json<VerifyRequest>,
) -> ApiResult<HttpResponse> {
    let jws = body.into_inner().credential;
    let signer = state.signer.clone();
    let verdict = db::run(&state.pool, move |conn| {
        verify::presented_status(conn, &signer, &jws)
    })
    .await?;
    match verdict {
        Err(_) => Err(ApiError::Unprocessable {
            code: "invalid_credential",
            detail:
                "The credential is not a compact JWS (three base64url parts separated by dots)."
                    .into(),
            report: None,
        }),
        Ok((status, row)) => Ok(HttpResponse::Ok().json(VerificationView {
            status,
            certificate: row.map(|r| view(&state.settings.public_url, r)),
        })),
    }
}

/// A JWK Set (RFC 7517) of the certificate signing keys, as `certificate_keys` serves it.
#[derive(ToSchema)]
#[allow(dead_code)] // Describes the JSON jsonwebtoken writes; never built by hand.
pub struct KeySet {
    keys: Vec<PublicKey>,
}

/// One Ed25519 public key (RFC 8037): `kty` "OKP", `crv` "Ed25519", `x` the key in base64url.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct PublicKey {
    kty: String,
    crv: String,
    x: String,
    /// The `kid` a certificate's JWS header names.
    kid: Option<String>,
    alg: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/certificates/keys", tag = "certificates",
    responses((status = 200, description = "The public keys that sign certificates, as a JWK Set (kty OKP, crv Ed25519)",
        body = KeySet)))]
pub async fn certificate_keys(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "public, max-age=3600"))
        .json(state.signer.jwks()))
}

#[utoipa::path(post, path = "/api/v1/certificates/{certificate_id}/revoke", tag = "certificates",
    request_body = RevokeRequest, security(("bearer" = [])), params(("certificate_id" = String, Path)),
    responses((status = 200, body = CertificateView, description = "Revoked"),
        (status = 404, body = Problem, description = "No such certificate, or not one of the caller's organizations"),
        (status = 409, body = Problem, description = "already_revoked"),
        (status = 422, body = Problem)))]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CertificateId>,
    body: web::Json<RevokeRequest>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let reason = body.into_inner().reason.trim().to_owned();
    let chars = reason.chars().count();
    if chars == 0 || chars > 500 {
        return Err(ApiError::Validation(vec![FieldError::new(
            "reason",
            "must have 1 to 500 characters",
        )]));
    }
    crate::domain::no_control_chars(&reason)
        .map_err(|m| ApiError::Validation(vec![FieldError::new("reason", m)]))?;
    let row = db::transaction(&state.pool, move |conn| {
        match store::revocable(conn, user.id, id)? {
            None => return Err(ApiError::NotFound),
            Some(true) => return Err(already_revoked()),
            Some(false) => {}
        }
        if !store::revoke(conn, id, user.id, &reason)? {
            return Err(already_revoked());
        }
        tracing::info!(certificate = %id, by = %user.id, "certificate revoked");
        store::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&state.settings.public_url, row)))
}

fn already_revoked() -> ApiError {
    ApiError::conflict("already_revoked", "This certificate is already revoked.")
}
