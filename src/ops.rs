//! Operations endpoints outside the versioned API: liveness, readiness, Prometheus metrics (served by
//! the metrics middleware), the OpenAPI document and a human-readable API page.

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};
use utoipa_redoc::{Redoc, Servable};

use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/api/openapi.json", web::get().to(openapi_json))
        .service(Redoc::with_url("/docs", crate::openapi::ApiDoc::openapi()));
}

#[derive(Serialize, ToSchema)]
pub struct Status {
    pub status: &'static str,
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Status, description = "The process is up")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Status { status: "ok" })
}

#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Status, description = "Database reachable and migrated"), (status = 503, body = Problem)))]
pub async fn readyz(state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    db::run(&state.pool, |conn| {
        if db::migrations_current(conn).map_err(|e| ApiError::Unavailable(e.to_string()))? {
            Ok(())
        } else {
            Err(ApiError::Unavailable("migrations pending".into()))
        }
    })
    .await?;
    Ok(HttpResponse::Ok().json(Status { status: "ready" }))
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::ApiDoc::openapi())
}
