//! Streaming a report as CSV without holding it in memory: a blocking task walks the report's
//! keyset pages on one pooled connection and sends each page's CSV through a bounded channel into
//! the response body, so at most a few pages are in memory whatever the report's size, and a
//! slow client slows the query instead of filling memory. A database error mid-stream aborts
//! the response (the client sees a truncated transfer, never a silently short report). Every cell
//! any CSV of the server carries passes [`neutralize_formula`].

use actix_web::web::Bytes;
use actix_web::{HttpResponse, HttpResponseBuilder};
use tokio::sync::mpsc;

use crate::db::{DbConn, Pool};
use crate::error::{ApiError, ApiResult};

/// Rows per query while streaming.
pub const PAGE_ROWS: i64 = 1000;
/// Pages buffered between the query and the client.
const BUFFERED_PAGES: usize = 4;

/// One page of a report: the records and the key to continue after (None: the last page).
pub type CsvPage<K> = (Vec<Vec<String>>, Option<K>);

/// Streams `header` and then every page `next_page(conn, after)` returns, as CSV, where `after`
/// is the key the previous page ended with (None for the first page).
pub fn respond<K, F>(
    pool: Pool,
    filename: &str,
    header: Vec<String>,
    mut next_page: F,
) -> HttpResponse
where
    K: Send + 'static,
    F: FnMut(&mut DbConn, Option<K>) -> ApiResult<CsvPage<K>> + Send + 'static,
{
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(BUFFERED_PAGES);
    tokio::task::spawn_blocking(move || {
        let fail = |e: String| {
            tracing::error!(error = %e, "CSV report aborted");
            let _ = tx.blocking_send(Err(std::io::Error::other(e)));
        };
        let mut conn = match pool.get() {
            Ok(c) => c,
            Err(e) => return fail(e.to_string()),
        };
        let mut chunk = match records_to_csv(std::iter::once(header)) {
            Ok(c) => c,
            Err(e) => return fail(e.to_string()),
        };
        let mut after = None;
        loop {
            let (records, next) = match next_page(&mut conn, after.take()) {
                Ok(page) => page,
                Err(e) => {
                    conn.settle(Some(&e));
                    return fail(e.to_string());
                }
            };
            match records_to_csv(records.into_iter()) {
                Ok(body) => chunk.extend_from_slice(&body),
                Err(e) => return fail(e.to_string()),
            }
            if tx.blocking_send(Ok(Bytes::from(chunk))).is_err() {
                return; // the client went away
            }
            chunk = Vec::new();
            match next {
                Some(key) => after = Some(key),
                None => return conn.settle(None),
            }
        }
    });
    let body = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
    csv_response(filename).streaming(body)
}

/// A report small enough to build whole (a row per question of one quiz, say) as one CSV body.
pub fn respond_whole(
    filename: &str,
    header: Vec<String>,
    records: impl Iterator<Item = Vec<String>>,
) -> ApiResult<HttpResponse> {
    let body = records_to_csv(std::iter::once(header).chain(records))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(csv_response(filename).body(body))
}

/// A 200 of CSV offered as a download named `filename`.
fn csv_response(filename: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ));
    builder
}

fn records_to_csv(records: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in records {
        writer.write_record(r.iter().map(|cell| neutralize_formula(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// A cell a spreadsheet would run as a formula (OWASP "CSV injection": one starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading apostrophe, so it is shown as the text it
/// is. Numbers (a negative score, say) are left alone: a spreadsheet reads them as numbers anyway.
pub fn neutralize_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// `Some(x)` as text, `None` as an empty field.
pub fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::neutralize_formula;

    #[test]
    fn formula_cells_become_text_and_numbers_stay_numbers() {
        for risky in [
            "=HYPERLINK(\"http://x\",\"y\")",
            "+cmd",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralize_formula(risky), format!("'{risky}"));
        }
        for safe in ["Ana", "-0.5", "+3", "a=b", ""] {
            assert_eq!(neutralize_formula(safe), safe);
        }
    }
}
