//! The one error type handlers return, rendered as RFC 9457 `application/problem+json`.
//!
//! Policy: every failure a client can cause maps to a 4xx with a stable snake_case `code` the
//! frontend can switch on. diesel `NotFound` is 404 and a unique violation 409; an unreachable
//! database or an exhausted pool is 503 so a load balancer can retry elsewhere. Anything else is a
//! 500 whose body says nothing about internals while the full cause chain goes to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The problem+json body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Details for a client to show beside what they concern (see [`ProblemReport`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = report_schema)]
    pub report: Option<serde_json::Value>,
}

/// `report`: null or a `ProblemReport`, whose schema `openapi` declares (it names the areas'
/// types, which sit above this module).
fn report_schema() -> utoipa::openapi::Schema {
    use utoipa::openapi::schema::{OneOfBuilder, Type};
    use utoipa::openapi::{ObjectBuilder, Ref};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .item({
            let mut report = Ref::from_schema_name("ProblemReport");
            report.description =
                "Details for a client to show beside what they concern (see [`ProblemReport`])."
                    .into();
            report
        })
        .build()
        .into()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    #[error("forbidden")]
    Forbidden,
    /// Forbidden for a reason the caller can act on (e.g. `email_not_verified`).
    #[error("{detail}")]
    ForbiddenBecause { code: &'static str, detail: String },
    #[error("not found")]
    NotFound,
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("{detail}")]
    Unprocessable {
        code: &'static str,
        detail: String,
        report: Option<serde_json::Value>,
    },
    /// A known path asked with a method it does not answer; `allow` lists the ones it does.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable(String),
    /// Too much work queued (password hashing); retry after a moment.
    #[error("overloaded")]
    Overloaded { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            detail: detail.into(),
        }
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Unauthorized {
            code,
            detail: detail.into(),
        }
    }

    pub fn forbidden_because(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::ForbiddenBecause {
            code,
            detail: detail.into(),
        }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            detail: detail.into(),
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    fn parts(&self) -> (&'static str, String) {
        match self {
            ApiError::Validation(_) => (
                "validation_failed",
                "The request has invalid fields.".into(),
            ),
            ApiError::BadRequest { code, detail }
            | ApiError::Unauthorized { code, detail }
            | ApiError::Conflict { code, detail }
            | ApiError::ForbiddenBecause { code, detail }
            | ApiError::Unprocessable { code, detail, .. } => (code, detail.clone()),
            ApiError::Forbidden => ("forbidden", "You are not allowed to do this.".into()),
            ApiError::NotFound => ("not_found", "No such resource.".into()),
            ApiError::MethodNotAllowed { allow } => (
                "method_not_allowed",
                format!("This resource answers {allow}."),
            ),
            ApiError::PayloadTooLarge => (
                "payload_too_large",
                "The request body is larger than allowed.".into(),
            ),
            ApiError::UnsupportedMediaType => (
                "unsupported_media_type",
                "The request body has an unsupported content type.".into(),
            ),
            ApiError::TooManyRequests { .. } => {
                ("rate_limited", "Too many requests; retry later.".into())
            }
            ApiError::Overloaded { .. } => (
                "overloaded",
                "The server is busy; retry in a moment.".into(),
            ),
            ApiError::Unavailable(_) => (
                "service_unavailable",
                "The service is temporarily unavailable; retry shortly.".into(),
            ),
            ApiError::Internal(_) => ("internal_error", "An unexpected error occurred.".into()),
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        let (code, detail) = self.parts();
        Problem {
            type_: format!("https://caravan.dev/problems/{}", code.replace('_', "-")),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            errors: match self {
                ApiError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            report: match self {
                ApiError::Unprocessable { report, .. } => report.clone(),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::ForbiddenBecause { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Overloaded { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(e) => tracing::error!(error = ?e, "request failed"),
            ApiError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            _ => {}
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.content_type("application/problem+json");
        if let ApiError::TooManyRequests { retry_after_secs }
        | ApiError::Overloaded { retry_after_secs } = self
        {
            builder.insert_header((header::RETRY_AFTER, retry_after_secs.max(&1).to_string()));
        }
        if let ApiError::MethodNotAllowed { allow } = self {
            builder.insert_header((header::ALLOW, allow.as_str()));
        }
        if let ApiError::Unauthorized { .. } = self {
            builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        builder.json(self.problem())
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => ApiError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                // The constraint's text names tables and columns: log it, never send it.
                tracing::info!(constraint = info.message(), "unique violation");
                ApiError::conflict("already_exists", "A conflicting record exists.")
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                ApiError::Unavailable(info.message().to_owned())
            }
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if is_connection_failure(info.message()) =>
            {
                ApiError::Unavailable(info.message().to_owned())
            }
            // A safety net behind the edge checks: text PostgreSQL cannot store (a NUL byte) or
            // an invalid byte sequence is the client's input, not our failure.
            Error::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if is_invalid_text(info.message()) =>
            {
                ApiError::invalid("body", "contains characters that cannot be stored")
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

/// PostgreSQL's refusal of a NUL byte or an invalid UTF-8 sequence in text.
fn is_invalid_text(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("invalid byte sequence")
        || m.contains("cannot be converted to text")
        || m.contains("unsupported unicode escape sequence")
}

/// libpq reports a dropped server connection as an unknown database error; recognise it by text.
fn is_connection_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("server closed the connection")
        || m.contains("terminating connection")
        || m.contains("connection to server")
        || m.contains("no connection to the server")
        || m.contains("could not connect")
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Unavailable(e.to_string())
    }
}

/// Short alias for handler results.
pub type ApiResult<T> = Result<T, ApiError>;

/// Malformed JSON is 400, JSON of the wrong shape (unknown fields, wrong types) 422, an oversized
/// body 413 and a wrong content type 415, all as problem+json.
pub fn json_error(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    let api = match &err {
        actix_web::error::JsonPayloadError::Overflow { .. }
        | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError::PayloadTooLarge
        }
        actix_web::error::JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => {
            ApiError::PayloadTooLarge
        }
        actix_web::error::JsonPayloadError::ContentType => ApiError::UnsupportedMediaType,
        actix_web::error::JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::Unprocessable {
                code: "invalid_body",
                detail: e.to_string(),
                report: None,
            }
        }
        other => ApiError::bad_request(
            "malformed_json",
            format!("The body is not valid JSON: {other}"),
        ),
    };
    api.into()
}
