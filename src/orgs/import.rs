//! CSV import of members (`email,display_name,role,cohort`). Every row is checked first and the
//! report lists each row's outcome; one bad row rejects the whole file with nothing written.

use std::collections::{BTreeMap, HashSet};

use actix_web::{http::header, web, HttpRequest, HttpResponse};

use super::dto::{ImportReport, ImportRow};
use super::{access, store};
use crate::auth::AuthUser;
use crate::db::sql_types::{CohortId, OrgId, UserId};
use crate::db::{self, DbConn};
use crate::domain::{parse_name, Email, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// Rows in one file at most; larger rosters are split by the client.
const MAX_ROWS: usize = 5000;

pub(crate) struct Row {
    line: usize,
    email: Email,
    role: Role,
    cohort: Option<String>,
}

pub(crate) fn parse_csv(body: &[u8]) -> Result<Vec<Row>, Vec<ImportRow>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body);
    let headers = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>(),
        Err(e) => return Err(vec![file_error(1, format!("cannot read the header: {e}"))]),
    };
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(email_col), Some(role_col)) = (col("email"), col("role")) else {
        return Err(vec![file_error(
            1,
            "the header must name the columns email,display_name,role,cohort".into(),
        )]);
    };
    let name_col = col("display_name");
    let cohort_col = col("cohort");
    let mut rows = Vec::new();
    let mut report = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_at(body, p.byte()));
                let message = if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    "the file is not UTF-8 text: save it as \"CSV UTF-8\"".to_owned()
                } else {
                    format!("malformed CSV: {e}")
                };
                report.push(file_error(line, message));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_at(body, p.byte()));
        let raw_email = record.get(email_col).unwrap_or("").to_owned();
        let mut errors = Vec::new();
        let email = Email::parse(&raw_email)
            .map_err(|m| errors.push(format!("email {m}")))
            .ok();
        let role = Role::parse(record.get(role_col).unwrap_or(""))
            .map_err(|m| errors.push(m))
            .ok();
        if let Some(Err(m)) = name_col
            .map(|c| record.get(c).unwrap_or(""))
            .filter(|n| !n.is_empty())
            .map(|n| parse_name(n, 100))
        {
            errors.push(format!("display_name {m}"));
        }
        let cohort = cohort_col
            .and_then(|c| record.get(c))
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if let Some(Err(m)) = cohort.as_deref().map(|c| parse_name(c, 100)) {
            errors.push(format!("cohort {m}"));
        }
        if let Some(e) = &email {
            if !seen.insert(e.as_str().to_owned()) {
                errors.push("this email appears on an earlier line".into());
            }
        }
        if errors.is_empty() {
            if let (Some(email), Some(role)) = (email, role) {
                rows.push(Row {
                    line,
                    email,
                    role,
                    cohort,
                });
            }
        } else {
            report.push(ImportRow {
                line,
                email: raw_email,
                status: "error".into(),
                error: Some(errors.join("; ")),
            });
        }
        if rows.len() + report.len() > MAX_ROWS {
            return Err(vec![file_error(
                line,
                format!("a file may hold at most {MAX_ROWS} rows"),
            )]);
        }
    }
    if rows.is_empty() && report.is_empty() {
        return Err(vec![file_error(1, "the file has no rows".into())]);
    }
    if report.is_empty() {
        Ok(rows)
    } else {
        Err(report)
    }
}

/// The line (from 1) of the record that starts at byte `offset` of the file. With CRLF line ends,
/// as spreadsheet programs write them, the csv crate ends a record at the CR and starts the next
/// at the LF, so both its line count and the offset fall one line short; the line ends before
/// the record's first character are skipped.
fn line_at(body: &[u8], offset: u64) -> usize {
    let mut start = usize::try_from(offset).map_or(body.len(), |o| o.min(body.len()));
    while body.get(start).is_some_and(|b| matches!(b, b'\r' | b'\n')) {
        start += 1;
    }
    body[..start].iter().filter(|&&b| b == b'\n').count() + 1
}

fn file_error(line: usize, message: String) -> ImportRow {
    ImportRow {
        line,
        email: String::new(),
        status: "error".into(),
        error: Some(message),
    }
}

fn apply(
    conn: &mut DbConn,
    base: &str,
    org_id: OrgId,
    caller: UserId,
    rows: Vec<Row>,
) -> ApiResult<ImportReport> {
    let mut report = ImportReport {
        rows: Vec::with_capacity(rows.len()),
        invited: 0,
        updated: 0,
        unchanged: 0,
        cohorts_created: Vec::new(),
    };
    let mut cohort_ids: BTreeMap<String, CohortId> = BTreeMap::new();
    for row in rows {
        let cohort = match &row.cohort {
            Some(name) => match cohort_ids.get(name) {
                Some(id) => Some(*id),
                None => {
                    let (id, created) = store::cohorts::find_or_create(conn, org_id, name)?;
                    if created {
                        report.cohorts_created.push(name.clone());
                    }
                    cohort_ids.insert(name.clone(), id);
                    Some(id)
                }
            },
            None => None,
        };
        // Someone who is not a member yet is invited, registered or not: joining takes their
        // consent, and the report must not tell which addresses have an account.
        let status = match store::members::by_email(conn, org_id, &row.email)? {
            None => {
                store::invitations::create(
                    conn, base, org_id, &row.email, row.role, cohort, caller,
                )?;
                report.invited += 1;
                "invited"
            }
            Some(member) => {
                let status = if member.role == row.role {
                    report.unchanged += 1;
                    "unchanged"
                } else {
                    store::members::set_role(conn, org_id, member.user_id, row.role)?;
                    report.updated += 1;
                    "updated"
                };
                store::members::join(conn, org_id, member.user_id, row.role, cohort)?;
                status
            }
        };
        report.rows.push(ImportRow {
            line: row.line,
            email: row.email.into_string(),
            status: status.into(),
            error: None,
        });
    }
    if store::members::admin_count(conn, org_id)? == 0 && !access::is_platform_admin(conn, caller)?
    {
        return Err(ApiError::conflict(
            "last_org_admin",
            "The import would leave the organization without an org admin.",
        ));
    }
    Ok(report)
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/members/import", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path)),
    request_body(content = String, content_type = "text/csv", description = "Header `email,display_name,role,cohort`, one member per line"),
    responses((status = 200, body = ImportReport, description = "Every row applied"),
        (status = 422, body = Problem, description = "Nothing applied; `report` lists each row's error"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 415, body = Problem)))]
pub async fn import_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let is_csv = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(ApiError::UnsupportedMediaType);
    }
    // Check the caller before reading the file, so a stranger learns nothing from row errors.
    db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)
    })
    .await?;
    // Parsing and checking every row of a file is CPU work: the blocking pool does it, not the
    // async worker that serves other requests.
    let parsed = web::block(move || parse_csv(&body))
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("member import parsing failed: {e}")))?;
    let rows = parsed.map_err(|errors| ApiError::Unprocessable {
        code: "import_rejected",
        detail: format!("{} row(s) have errors; nothing was imported.", errors.len()),
        report: serde_json::to_value(&errors).ok(),
    })?;
    let base = state.settings.public_url.clone();
    let report = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        apply(conn, &base, org_id, user.id, rows)
    })
    .await?;
    tracing::info!(%org_id, invited = report.invited, updated = report.updated, "members imported");
    Ok(HttpResponse::Ok().json(report))
}
