//! The progress report: a row per trainee x course for an organization's students (members with
//! the student role), over the organization's own and platform-wide courses; an instructor sees
//! only the courses they own or co-teach. Withdrawn enrollments stay in (status `withdrawn`).
//! Another organization's internal courses are left out even when one of this organization's
//! trainees is enrolled in one: that progress belongs to the other organization's reports.
//! The figures are the ones progress keeps current on the enrollment, so the report is one
//! indexed query per page in (trainee, course) order (`store::progress_rows`); this file serves
//! the pages as JSON or streams them as CSV.

use actix_web::{web, HttpRequest, HttpResponse};

use super::csv_stream::{self, opt, CsvPage, PAGE_ROWS};
use super::filters::{self, Report, ReportQuery, Scope};
use super::store::{self, ProgressKey, ProgressRow};
use crate::auth::AuthUser;
use crate::db::sql_types::OrgId;
use crate::db::{self, DbConn};
use crate::error::{ApiResult, Problem};
use crate::pagination::{self, Page};
use crate::state::AppState;

const COLUMNS: [&str; 18] = [
    "enrollment_id",
    "user_id",
    "email",
    "display_name",
    "course_id",
    "course_slug",
    "course_title",
    "course_language",
    "status",
    "percent",
    "score",
    "lessons_done",
    "lessons_total",
    "quizzes_passed",
    "quizzes_total",
    "enrolled_at",
    "last_activity_at",
    "completed_at",
];

fn record(r: ProgressRow) -> Vec<String> {
    vec![
        r.enrollment_id.to_string(),
        r.user_id.to_string(),
        r.email,
        r.display_name,
        r.course_id.to_string(),
        r.course_slug,
        r.course_title,
        r.course_language,
        r.status,
        r.percent.to_string(),
        opt(r.score),
        r.lessons_done.to_string(),
        r.lessons_total.to_string(),
        r.quizzes_passed.to_string(),
        r.quizzes_total.to_string(),
        r.enrolled_at.to_rfc3339(),
        opt(r.last_activity_at.map(|t| t.to_rfc3339())),
        opt(r.completed_at.map(|t| t.to_rfc3339())),
    ]
}

fn key_of(r: &ProgressRow) -> ProgressKey {
    (r.user_id.into(), r.course_id.into())
}

/// One CSV page of the report.
pub fn csv_page(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<ProgressKey>,
) -> ApiResult<CsvPage<ProgressKey>> {
    let page = store::progress_rows(conn, scope, after, PAGE_ROWS)?;
    let next = (page.len() as i64 == PAGE_ROWS)
        .then(|| page.last().map(key_of))
        .flatten();
    Ok((page.into_iter().map(record).collect(), next))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/reports/progress", tag = "reports", security(("bearer" = [])),
    params(("org_id" = String, Path), ReportQuery),
    responses((status = 200, description = "JSON page; with `Accept: text/csv` or `format=csv`, the whole report streamed as text/csv", content((Page<ProgressRow> = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn progress_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let org = path.into_inner();
    let filters = filters::parse(&req, &query, Report::Progress)?;
    let scope = db::run(&state.pool, move |conn| {
        filters::authorize(conn, user.id, org, filters)
    })
    .await?;
    if scope.filters.csv {
        let header = COLUMNS.iter().map(|c| c.to_string()).collect();
        return Ok(csv_stream::respond(
            state.pool.clone(),
            "progress.csv",
            header,
            move |conn, after| csv_page(conn, &scope, after),
        ));
    }
    let limit = scope.filters.limit;
    let after = match scope.filters.after[..] {
        [user, course] => Some((user, course)),
        _ => None,
    };
    let list = db::run(&state.pool, move |conn| {
        Ok(store::progress_rows(conn, &scope, after, limit + 1)?)
    })
    .await?;
    Ok(pagination::respond_keyed(&req, list, limit, |r| {
        let (user, course) = key_of(r);
        pagination::encode_key(&[user, course])
    }))
}
