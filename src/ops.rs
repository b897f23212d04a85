//! Operations endpoints outside the versioned API: liveness and readiness. (Prometheus metrics are
//! served by the metrics middleware, the OpenAPI document and its page by `openapi`.)

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api_routes::ApiRoutes;
use crate::db;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_healthz, healthz).add(__path_readyz, readyz);
}

#[derive(Serialize, ToSchema)]
#[schema(as = HealthStatus)]
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
