//! Keyset pagination shared by every list: `?limit=` (1..=200, default 50) and an opaque `?cursor=`.
//! Rows are ordered by their UUID v7 id, which is time-ordered on both backends, so pages stay
//! stable while rows are added.

use actix_web::{http::header, HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::sql_types::Id;
use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: i64,
    pub after: Option<Id>,
}

impl PageParams {
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        parse_page(self.limit, self.cursor.as_deref())
    }
}

pub fn parse_page(limit: Option<i64>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let after = match cursor {
        None | Some("") => None,
        Some(c) => decode_key(c, 1)?.first().copied(),
    };
    Ok(PageRequest { limit, after })
}

/// The cursor of a row keyed by one id.
pub fn encode_cursor(id: Id) -> String {
    encode_key(&[id])
}

/// The cursor of a row whose keyset key is several ids (a report's (trainee, course), say): the
/// ids joined by dots, base64url-encoded. For one id it is exactly [`encode_cursor`].
pub fn encode_key(ids: &[Id]) -> String {
    let text: Vec<String> = ids.iter().map(Id::to_string).collect();
    URL_SAFE_NO_PAD.encode(text.join("."))
}

/// The `len` ids of a cursor made by [`encode_key`]; anything else is 400 `invalid_cursor`.
pub fn decode_key(cursor: &str, len: usize) -> Result<Vec<Id>, ApiError> {
    let invalid = || ApiError::bad_request("invalid_cursor", "The cursor is not valid.");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| invalid())?;
    let ids = text
        .split('.')
        .map(|part| part.parse::<Id>().map_err(|_| invalid()))
        .collect::<Result<Vec<Id>, ApiError>>()?;
    if ids.len() != len {
        return Err(invalid());
    }
    Ok(ids)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Builds the response from up to `limit + 1` rows: the extra row only says another page exists.
pub fn respond<T: Serialize>(
    req: &HttpRequest,
    rows: Vec<T>,
    page: PageRequest,
    id_of: impl Fn(&T) -> Id,
) -> HttpResponse {
    respond_keyed(req, rows, page.limit, |r| encode_cursor(id_of(r)))
}

/// [`respond`] for lists whose keyset key is not a single id: `cursor_of` encodes the last row's.
pub fn respond_keyed<T: Serialize>(
    req: &HttpRequest,
    mut rows: Vec<T>,
    limit: i64,
    cursor_of: impl Fn(&T) -> String,
) -> HttpResponse {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more {
        rows.last().map(cursor_of)
    } else {
        None
    };
    let mut builder = HttpResponse::Ok();
    if let Some(cursor) = &next_cursor {
        let mut url = url::Url::parse("http://placeholder").expect("static url parses");
        url.set_path(req.path());
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in url::form_urlencoded::parse(req.query_string().as_bytes()) {
                if k != "cursor" {
                    q.append_pair(&k, &v);
                }
            }
            q.append_pair("cursor", cursor);
        }
        let link = format!(
            "<{}?{}>; rel=\"next\"",
            url.path(),
            url.query().unwrap_or("")
        );
        builder.insert_header((header::LINK, link));
    }
    builder.json(Page {
        items: rows,
        next_cursor,
    })
}
