//! What a request no route took gets: 405 with an `Allow` header when its path is one of the
//! documented API paths (the OpenAPI document lists every route with its methods), 404 otherwise.
//! Each route guards its resource by method, so actix alone cannot tell the two cases apart.

use std::sync::OnceLock;

use actix_web::dev::ResourceDef;
use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Each documented path with the methods it answers.
fn documented_paths() -> &'static [(ResourceDef, Vec<&'static str>)] {
    static PATHS: OnceLock<Vec<(ResourceDef, Vec<&'static str>)>> = OnceLock::new();
    PATHS.get_or_init(|| {
        crate::openapi::document()
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(name, present)| present.then_some(name))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect()
    })
}

/// The default service: 405 for a known path asked with another method, else 404. A literal
/// path may also fit a templated one (`/courses/import` and `/courses/{course_id}`), so the
/// methods of every documented path it fits are allowed.
pub async fn unmatched(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let mut allowed: Vec<&str> = documented_paths()
        .iter()
        .filter(|(def, _)| def.is_match(path))
        .flat_map(|(_, methods)| methods.iter().copied())
        .collect();
    allowed.sort_unstable();
    allowed.dedup();
    if allowed.is_empty() {
        return Err(ApiError::NotFound);
    }
    Err(ApiError::MethodNotAllowed {
        allow: allowed.join(", "),
    })
}
