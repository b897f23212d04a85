//! The query every organization report takes (`cohort_id`, `course_id`, `from`, `to`, `limit`,
//! `cursor`, `format`, `market`), parsed into a [`Scope`] once the caller's role is known.
//! Unknown parameters, malformed ids and dates, `from` after `to` and out-of-range limits are
//! 400s; a cohort of another organization is not found. A report's cursor is the keyset key of
//! the last row of the previous page (one id or several), made by `pagination::encode_key`.

use actix_web::http::header;
use actix_web::HttpRequest;
use chrono::{NaiveDate, TimeZone, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::store;
use crate::db::sql_types::{CohortId, CourseId, Id, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::{ApiError, ApiResult};
use crate::orgs::access::require_role;
use crate::pagination::{decode_key, parse_page};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// Only members of this cohort (of the same organization).
    pub cohort_id: Option<String>,
    /// Only this course (progress) or trainees enrolled in it (competencies).
    pub course_id: Option<String>,
    /// First day counted (YYYY-MM-DD, UTC): last activity (progress), mastery update (competencies).
    pub from: Option<String>,
    /// Last day counted (YYYY-MM-DD, UTC).
    pub to: Option<String>,
    /// Page size, 1 to 200 (default 50); JSON only.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; JSON only.
    pub cursor: Option<String>,
    /// json (default) or csv; `Accept: text/csv` asks for CSV too.
    pub format: Option<String>,
    /// Competencies report: readiness for this market (ISO 3166-1 alpha-2) for every trainee.
    pub market: Option<String>,
}

/// The reports sharing these filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Keyed by (user id, course id).
    Progress,
    /// Keyed by user id; takes `market`.
    Competencies,
}

impl Report {
    fn key_len(self) -> usize {
        match self {
            Report::Progress => 2,
            Report::Competencies => 1,
        }
    }
}

/// The filters of a request, before its authorization.
#[derive(Debug, Clone)]
pub struct Filters {
    pub cohort: Option<CohortId>,
    pub course: Option<CourseId>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    /// JSON page size.
    pub limit: i64,
    /// The key of the last row of the previous JSON page (as many ids as the report's key has),
    /// empty for the first page.
    pub after: Vec<Id>,
    pub csv: bool,
    pub market: Option<String>,
}

/// What one caller may see of one organization, with the request's filters.
#[derive(Debug, Clone)]
pub struct Scope {
    pub org: OrgId,
    /// Set for instructors: only courses they own or co-teach (and their trainees).
    pub author: Option<UserId>,
    pub filters: Filters,
}

pub fn parse_day(field: &str, raw: Option<&str>, end: bool) -> ApiResult<Option<Timestamp>> {
    let Some(raw) = raw else { return Ok(None) };
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ApiError::bad_request(
            "invalid_query",
            format!("{field} must be a date like 2026-11-25"),
        )
    })?;
    let time = if end {
        day.and_hms_micro_opt(23, 59, 59, 999_999)
    } else {
        day.and_hms_opt(0, 0, 0)
    };
    Ok(time.map(|t| Timestamp::from(Utc.from_utc_datetime(&t))))
}

pub fn parse_id(field: &str, raw: Option<&str>) -> ApiResult<Option<Id>> {
    raw.map(|r| {
        r.parse::<Id>()
            .map_err(|_| ApiError::bad_request("invalid_query", format!("{field} is not an id")))
    })
    .transpose()
}

/// Whether the caller asked for CSV: `format=csv`, or no `format` and an `Accept` naming
/// text/csv. Any other `format` than json or csv is a 400.
pub fn wants_csv(req: &HttpRequest, format: Option<&str>) -> ApiResult<bool> {
    match format {
        None => Ok(req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))),
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(ApiError::bad_request(
            "invalid_query",
            format!("format must be json or csv, not {other:?}"),
        )),
    }
}

/// Parses the query of `report`.
pub fn parse(req: &HttpRequest, q: &ReportQuery, report: Report) -> ApiResult<Filters> {
    let (from, to) = (
        parse_day("from", q.from.as_deref(), false)?,
        parse_day("to", q.to.as_deref(), true)?,
    );
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(ApiError::bad_request("invalid_query", "from is after to"));
        }
    }
    let csv = wants_csv(req, q.format.as_deref())?;
    let market = match (&q.market, report) {
        (None, _) => None,
        (Some(_), Report::Progress) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "market is not a filter of this report",
            ))
        }
        (Some(m), Report::Competencies) => {
            let country = m.to_ascii_uppercase();
            if crate::catalog::framework().market(&country).is_none() {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("{m:?} is not a destination market"),
                ));
            }
            Some(country)
        }
    };
    // The limit's bounds and error code are the ones of every list.
    let limit = parse_page(q.limit, None)?.limit;
    let after = match q.cursor.as_deref() {
        None | Some("") => Vec::new(),
        Some(c) => decode_key(c, report.key_len())?,
    };
    Ok(Filters {
        cohort: parse_id("cohort_id", q.cohort_id.as_deref())?.map(CohortId),
        course: parse_id("course_id", q.course_id.as_deref())?.map(CourseId),
        from,
        to,
        limit,
        after,
        csv,
        market,
    })
}

/// Authorizes the caller for `org` (instructor or above; a student is refused, a stranger does
/// not find the organization) and checks the cohort filter belongs to it.
pub fn authorize(
    conn: &mut DbConn,
    caller: UserId,
    org: OrgId,
    filters: Filters,
) -> ApiResult<Scope> {
    let role = require_role(conn, caller, org, Role::Instructor)?;
    require_cohort_of(conn, org, filters.cohort)?;
    Ok(Scope {
        org,
        author: (role < Role::OrgAdmin).then_some(caller),
        filters,
    })
}

/// A cohort filter must name one of `org`'s cohorts: another organization's cohort id is not
/// found.
pub fn require_cohort_of(conn: &mut DbConn, org: OrgId, cohort: Option<CohortId>) -> ApiResult<()> {
    match cohort {
        Some(cohort) if !store::cohort_in_org(conn, org, cohort)? => Err(ApiError::NotFound),
        _ => Ok(()),
    }
}
