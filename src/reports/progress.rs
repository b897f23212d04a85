//! The progress report: a row per trainee x course for an organization's students (members with
//! the student role), over the organization's own and platform-wide courses; an instructor sees
//! only the courses they own or co-teach. Withdrawn enrollments stay in (status `withdrawn`).
//! Another organization's internal courses are left out even when one of this organization's
//! trainees is enrolled in one: that progress belongs to the other organization's reports.
//! The figures are the ones progress keeps current on the enrollment, so the report is one
//! indexed query per page in (trainee, course) order, as JSON pages or streamed CSV.

use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::csv_stream::{self, opt, CsvPage, PAGE_ROWS};
use super::filters::{self, Report, ReportQuery, Scope};
use crate::auth::AuthUser;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn};
use crate::error::{ApiResult, Problem};
use crate::pagination::{self, Page};
use crate::schema::{cohort_members, course_instructors, courses, enrollments, memberships, users};
use crate::state::AppState;

#[derive(Debug, Queryable, Serialize, ToSchema)]
pub struct ProgressRow {
    #[schema(value_type = String, format = Uuid)]
    pub enrollment_id: Id,
    #[schema(value_type = String, format = Uuid)]
    pub user_id: Id,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: Id,
    pub course_slug: String,
    pub course_title: String,
    /// The teaching language of the edition the trainee took.
    pub course_language: String,
    /// active | completed | withdrawn
    pub status: String,
    /// 0..=100
    pub percent: f64,
    /// Mean quiz result 0..=1.
    pub score: Option<f64>,
    pub lessons_done: i32,
    pub lessons_total: i32,
    pub quizzes_passed: i32,
    pub quizzes_total: i32,
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_activity_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
}

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

/// The keyset key of a row: (user id, course id).
pub type Key = (Id, Id);

/// Up to `limit` rows after the key `after`, in (user id, course id) order. The query is driven by
/// the organization's memberships (unique on (org_id, user_id)) and each trainee's enrollments
/// (unique on (user_id, course_id)), so a page costs the same wherever it starts and whatever
/// other organizations hold.
pub fn rows(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<Key>,
    limit: i64,
) -> QueryResult<Vec<ProgressRow>> {
    let f = &scope.filters;
    let mut q = memberships::table
        .inner_join(enrollments::table.on(enrollments::user_id.eq(memberships::user_id)))
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .inner_join(courses::table.on(courses::id.eq(enrollments::course_id)))
        .filter(memberships::org_id.eq(scope.org))
        .filter(memberships::role.eq("student"))
        // The organization's own courses and platform-wide ones: never another organization's.
        .filter(courses::org_id.eq(scope.org).or(courses::org_id.is_null()))
        .select((
            enrollments::id,
            memberships::user_id,
            users::email,
            users::display_name,
            enrollments::course_id,
            courses::slug,
            courses::title,
            courses::language,
            enrollments::status,
            enrollments::percent,
            enrollments::score,
            enrollments::lessons_done,
            enrollments::lessons_total,
            enrollments::quizzes_passed,
            enrollments::quizzes_total,
            enrollments::enrolled_at,
            enrollments::last_activity_at,
            enrollments::completed_at,
        ))
        .order((memberships::user_id, enrollments::course_id))
        .limit(limit)
        .into_boxed();
    if let Some(cohort) = f.cohort {
        let members = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort))
            .select(cohort_members::user_id);
        q = q.filter(memberships::user_id.eq_any(members));
    }
    if let Some(course) = f.course {
        // A course's id finds its trainees in every edition of it; an edition's id, that one.
        q = q.filter(
            enrollments::course_id
                .eq(course)
                .or(courses::course_key.eq(course)),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(enrollments::last_activity_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(enrollments::last_activity_at.le(to));
    }
    if let Some(author) = scope.author {
        // Owner or co-instructor; within this organization's courses that is `is_author`.
        let taught = course_instructors::table
            .filter(course_instructors::user_id.eq(author))
            .select(course_instructors::course_id);
        q = q.filter(courses::owner_id.eq(author).or(courses::id.eq_any(taught)));
    }
    if let Some((user, course)) = after {
        // `user >= u` on both joined tables bounds both index ranges (PostgreSQL does not carry
        // the bound across the join by itself); the rest skips what the last page showed.
        q = q
            .filter(memberships::user_id.ge(user))
            .filter(enrollments::user_id.ge(user))
            .filter(
                memberships::user_id
                    .gt(user)
                    .or(enrollments::course_id.gt(course)),
            );
    }
    q.load(conn)
}

fn key_of(r: &ProgressRow) -> Key {
    (r.user_id, r.course_id)
}

/// One CSV page of the report.
pub fn csv_page(conn: &mut DbConn, scope: &Scope, after: Option<Key>) -> ApiResult<CsvPage<Key>> {
    let page = rows(conn, scope, after, PAGE_ROWS)?;
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
    path: web::Path<Id>,
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
        Ok(rows(conn, &scope, after, limit + 1)?)
    })
    .await?;
    Ok(pagination::respond_keyed(&req, list, limit, |r| {
        let (user, course) = key_of(r);
        pagination::encode_key(&[user, course])
    }))
}
