//! The answer to a create: 201 with the new resource's `id` in the body and its address in
//! `Location`, the same for every create in the API.

use actix_web::http::header::LOCATION;
use actix_web::HttpResponse;
use serde::Serialize;

/// 201 with `body`, and `Location: /api/v1/{collection}/{id}` when the body has an `id`.
pub fn created<T: Serialize>(collection: &str, body: &T) -> HttpResponse {
    let json = serde_json::to_value(body).unwrap_or_default();
    let mut response = HttpResponse::Created();
    if let Some(id) = json.get("id").and_then(|v| v.as_str()) {
        response.insert_header((LOCATION, format!("/api/v1/{collection}/{id}")));
    }
    response.json(json)
}
