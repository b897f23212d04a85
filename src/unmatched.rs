//! What a request no route took gets: 405 with an `Allow` header when its path is one of the
//! documented API paths (the OpenAPI document lists every route with its methods), 404 otherwise.
//! Each route guards its resource by method, so actix alone cannot tell the two cases apart.
//! `startup` registers the [`KnownPaths`] of the OpenAPI document as app data.

use actix_web::dev::ResourceDef;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

/// Each documented path with the methods it answers.
pub struct KnownPaths(Vec<(ResourceDef, Vec<&'static str>)>);

impl KnownPaths {
    pub fn of(document: &utoipa::openapi::OpenApi) -> Self {
        let paths = document
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
            .collect();
        KnownPaths(paths)
    }
}

/// The default service: 405 for a known path asked with another method, else 404. A literal
/// path may also fit a templated one (`/courses/import` and `/courses/{course_id}`), so the
/// methods of every documented path it fits are allowed.
pub async fn unmatched(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    let known = req.app_data::<web::Data<KnownPaths>>();
    let mut allowed: Vec<&str> = known
        .map(|k| k.0.as_slice())
        .unwrap_or_default()
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
