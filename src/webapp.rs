//! The reference web app (`web/`), served by the binary beside the API: `/` and the paths that
//! emailed links open (`/verify-email`, `/reset-password`, `/invitations/accept`) answer the app's
//! page, `/app/<file>` its modules and styles. The files are embedded at build time, so a user
//! installs nothing more; `CARAVAN_WEB_DIR` serves them from a folder instead, read on every
//! request, for working on the app without rebuilding.
//!
//! The app is not part of the API: its routes are not in the OpenAPI document.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

/// The app's files as the browser loads them; the tooling beside them stays out of the binary.
#[derive(RustEmbed)]
#[folder = "web/"]
#[exclude = "node_modules/*"]
#[exclude = "types/*"]
#[exclude = "*.md"]
#[exclude = "*.sh"]
#[exclude = "package.json"]
#[exclude = "package-lock.json"]
#[exclude = "tsconfig.json"]
#[exclude = ".*"]
struct Embedded;

/// The paths that answer the app's page: its root and the emailed links.
pub const PAGE_PATHS: [&str; 4] = [
    "/",
    "/verify-email",
    "/reset-password",
    "/invitations/accept",
];

/// The prefix under which the app's files are served.
pub const ASSET_PREFIX: &str = "/app/";

/// Where the files come from.
#[derive(Clone)]
struct Source {
    /// `CARAVAN_WEB_DIR`, when set; else the embedded copy.
    dir: Option<PathBuf>,
}

/// Registers the app's page and files.
pub fn routes(cfg: &mut web::ServiceConfig, dir: Option<PathBuf>) {
    cfg.app_data(web::Data::new(Source { dir }))
        .service(web::resource(PAGE_PATHS).route(web::get().to(page)))
        .service(web::resource("/app/{file:.*}").route(web::get().to(asset)));
}

async fn page(req: HttpRequest, source: web::Data<Source>) -> HttpResponse {
    respond(&req, &source, "index.html").await
}

async fn asset(
    req: HttpRequest,
    source: web::Data<Source>,
    file: web::Path<String>,
) -> HttpResponse {
    respond(&req, &source, &file).await
}

/// A file of the app, or 404. Files are small and few; the folder is read on the blocking pool.
async fn respond(req: &HttpRequest, source: &Source, name: &str) -> HttpResponse {
    if !is_plain_relative(name) {
        return not_found();
    }
    let found = match &source.dir {
        None => Embedded::get(name).map(|file| (file.data, hex(&file.metadata.sha256_hash()))),
        Some(dir) => {
            let path = dir.join(name);
            match web::block(move || std::fs::read(path)).await {
                Ok(Ok(bytes)) => {
                    use sha2::Digest as _;
                    let hash = hex(&sha2::Sha256::digest(&bytes).into());
                    Some((Cow::Owned(bytes), hash))
                }
                _ => None,
            }
        }
    };
    let Some((data, hash)) = found else {
        return not_found();
    };
    let etag = format!("\"{}\"", &hash[..32]);
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    let mime = mime_guess::from_path(name).first_or_octet_stream();
    response
        .insert_header((header::ETAG, etag))
        // The files have no hash in their names, so a browser asks again each time and gets a
        // 304 while the ETag holds: a new release is picked up at the next load.
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    if fresh {
        return response.finish();
    }
    response.content_type(mime.as_ref()).body(data.into_owned())
}

/// A path inside the app's folder: no `..`, no root, no hidden files.
fn is_plain_relative(name: &str) -> bool {
    !name.is_empty()
        && Path::new(name).components().all(|c| match c {
            Component::Normal(part) => !part.to_string_lossy().starts_with('.'),
            _ => false,
        })
}

fn hex(bytes: &[u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn not_found() -> HttpResponse {
    use actix_web::ResponseError as _;
    crate::error::ApiError::NotFound.error_response()
}

#[cfg(test)]
mod tests {
    use super::is_plain_relative;

    #[test]
    fn only_plain_relative_paths_name_a_file() {
        assert!(is_plain_relative("main.js"));
        assert!(is_plain_relative("student/quiz.js"));
        for bad in [
            "",
            "../Cargo.toml",
            "/etc/passwd",
            "a/../../x",
            ".env",
            "lib/.hidden",
            "./x",
        ] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
