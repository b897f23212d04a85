//! The competencies report: a row per trainee of the organization with their mastery per area of
//! the framework and their readiness for each of their target markets (or, with `?market=XX`, for
//! that market), and every destination market they are ready for. Levels are computed from the
//! evidence of the organization's own and platform-wide courses only; a page is two queries (the
//! trainees in user id order, then their evidence). An instructor sees the trainees enrolled in a course they own or co-teach, and
//! a `course_id` filter counts only this organization's own or platform-wide courses (for an
//! instructor, only their own), so another organization's course finds nobody.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::csv_stream::{self, CsvPage, PAGE_ROWS};
use super::filters::{self, Report, ReportQuery, Scope};
use crate::auth::AuthUser;
use crate::catalog::framework;
use crate::db::sql_types::{Id, JsonValue, Timestamp};
use crate::db::{self, DbConn};
use crate::error::{ApiResult, Problem};
use crate::learning::mastery::{
    area_summaries, level_from_evidence, market_readiness, AreaMastery, CompetencyLevel,
    MarketReadiness,
};
use crate::pagination::{self, Page};
use crate::schema::{
    cohort_members, competency_evidence, competency_mastery, course_instructors, courses,
    enrollments, memberships, quiz_attempts, users,
};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyRow {
    #[schema(value_type = String, format = Uuid)]
    pub user_id: Id,
    pub email: String,
    pub display_name: String,
    pub target_markets: Vec<String>,
    /// Mastery per area of the framework, in the framework's order.
    pub areas: Vec<AreaMastery>,
    /// Readiness per target market (or for the `market` asked for).
    pub markets: Vec<MarketReadiness>,
    /// Every destination market the trainee is ready for (not only their targets), in the
    /// framework's order.
    pub ready_markets: Vec<String>,
}

type TraineeRow = (Id, String, String, JsonValue);

/// Up to `limit` trainees after the user id `after`, in user id order (driven by the
/// organization's memberships, unique on (org_id, user_id)).
fn trainees(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<Id>,
    limit: i64,
) -> QueryResult<Vec<TraineeRow>> {
    let f = &scope.filters;
    let mut q = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(scope.org))
        .filter(memberships::role.eq("student"))
        .select((
            memberships::user_id,
            users::email,
            users::display_name,
            users::target_markets,
        ))
        .order(memberships::user_id)
        .limit(limit)
        .into_boxed();
    if let Some(cohort) = f.cohort {
        let members = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort))
            .select(cohort_members::user_id);
        q = q.filter(memberships::user_id.eq_any(members));
    }
    // Enrolled in the course asked for and/or in one the instructor authors; only the
    // organization's own or platform-wide courses say anything here. (One statement shape per
    // case: a boxed subquery cannot run on the multi-backend connection.)
    macro_rules! enrolled {
        () => {
            enrollments::table
                .inner_join(courses::table)
                .filter(courses::org_id.eq(scope.org).or(courses::org_id.is_null()))
                .select(enrollments::user_id)
        };
    }
    macro_rules! authored_by {
        ($author:expr) => {
            courses::owner_id.eq($author).or(courses::id.eq_any(
                course_instructors::table
                    .filter(course_instructors::user_id.eq($author))
                    .select(course_instructors::course_id),
            ))
        };
    }
    match (f.course, scope.author) {
        (None, None) => {}
        (Some(course), None) => {
            let ids = enrolled!().filter(enrollments::course_id.eq(course));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
        (None, Some(author)) => {
            let ids = enrolled!().filter(authored_by!(author));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
        (Some(course), Some(author)) => {
            let ids = enrolled!()
                .filter(enrollments::course_id.eq(course))
                .filter(authored_by!(author));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
    }
    if f.from.is_some() || f.to.is_some() {
        // Open ends stand for "any time"; one statement shape for both bounds.
        let from = f
            .from
            .unwrap_or_else(|| Timestamp::from(DateTime::UNIX_EPOCH));
        let to = f.to.unwrap_or_else(end_of_time);
        let updated = competency_mastery::table
            .filter(competency_mastery::updated_at.ge(from))
            .filter(competency_mastery::updated_at.le(to))
            .select(competency_mastery::user_id);
        q = q.filter(memberships::user_id.eq_any(updated));
    }
    if let Some(after) = after {
        q = q.filter(memberships::user_id.gt(after));
    }
    q.load(conn)
}

/// Later than any stored timestamp (and, as SQLite text, sorting after every one).
fn end_of_time() -> Timestamp {
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or_default();
    Timestamp::from(Utc.from_utc_datetime(&last))
}

/// The levels of `users` counting only evidence from `org`'s own courses and platform-wide ones:
/// what a trainee showed in another organization's internal course is that organization's
/// business, not this report's. One query for the page's evidence, newest first per competency.
fn org_levels(
    conn: &mut DbConn,
    org: Id,
    users: &[Id],
) -> QueryResult<BTreeMap<Id, BTreeMap<String, CompetencyLevel>>> {
    let evidence: Vec<(Id, String, f64)> = competency_evidence::table
        .inner_join(quiz_attempts::table.on(quiz_attempts::id.eq(competency_evidence::attempt_id)))
        .inner_join(courses::table.on(courses::id.eq(quiz_attempts::course_id)))
        .filter(competency_evidence::user_id.eq_any(users))
        .filter(courses::org_id.eq(org).or(courses::org_id.is_null()))
        .order((
            competency_evidence::user_id,
            competency_evidence::competency,
            competency_evidence::observed_at.desc(),
            competency_evidence::attempt_id.desc(),
        ))
        .select((
            competency_evidence::user_id,
            competency_evidence::competency,
            competency_evidence::share,
        ))
        .load(conn)?;
    let mut shares: BTreeMap<Id, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for (user, code, share) in evidence {
        shares
            .entry(user)
            .or_default()
            .entry(code)
            .or_default()
            .push(share);
    }
    Ok(shares
        .into_iter()
        .map(|(user, codes)| {
            let levels = codes
                .into_iter()
                .filter_map(|(code, s)| level_from_evidence(&s).map(|l| (code, l)))
                .collect();
            (user, levels)
        })
        .collect())
}

/// The page's rows with their levels (one more query for all of the page's mastery rows).
fn rows(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<Id>,
    limit: i64,
) -> QueryResult<Vec<CompetencyRow>> {
    let people = trainees(conn, scope, after, limit)?;
    let ids: Vec<Id> = people.iter().map(|p| p.0).collect();
    let levels = org_levels(conn, scope.org, &ids)?;
    let empty = BTreeMap::new();
    people
        .into_iter()
        .map(|(user_id, email, display_name, targets)| {
            let mine = levels.get(&user_id).unwrap_or(&empty);
            let target_markets: Vec<String> = targets.decode("target markets")?;
            let ready_markets = framework()
                .markets
                .iter()
                .filter(|m| market_readiness(mine, &m.country).is_some_and(|r| r.ready))
                .map(|m| m.country.clone())
                .collect();
            let asked: Vec<&String> = match &scope.filters.market {
                Some(m) => vec![m],
                None => target_markets.iter().collect(),
            };
            Ok(CompetencyRow {
                user_id,
                email,
                display_name,
                areas: area_summaries(mine),
                markets: asked
                    .into_iter()
                    .filter_map(|c| market_readiness(mine, c))
                    .collect(),
                ready_markets,
                target_markets,
            })
        })
        .collect()
}

fn header(market: Option<&str>) -> Vec<String> {
    let mut h: Vec<String> = ["user_id", "email", "display_name"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    h.extend(framework().areas.iter().map(|a| a.code.clone()));
    h.push("target_markets".into());
    h.push("ready_markets".into());
    if let Some(m) = market {
        h.push(format!("readiness_{m}"));
        h.push(format!("ready_{m}"));
    }
    h
}

fn record(r: CompetencyRow, market: bool) -> Vec<String> {
    let mut v = vec![r.user_id.to_string(), r.email, r.display_name];
    v.extend(r.areas.iter().map(|a| format!("{:.4}", a.level)));
    v.push(r.target_markets.join(";"));
    v.push(r.ready_markets.join(";"));
    if market {
        let m = r.markets.first();
        v.push(m.map(|m| format!("{:.4}", m.readiness)).unwrap_or_default());
        v.push(m.map(|m| m.ready.to_string()).unwrap_or_default());
    }
    v
}

fn csv_page(conn: &mut DbConn, scope: &Scope, after: Option<Id>) -> ApiResult<CsvPage<Id>> {
    let page = rows(conn, scope, after, PAGE_ROWS)?;
    let next = (page.len() as i64 == PAGE_ROWS)
        .then(|| page.last().map(|r| r.user_id))
        .flatten();
    let market = scope.filters.market.is_some();
    Ok((page.into_iter().map(|r| record(r, market)).collect(), next))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/reports/competencies", tag = "reports", security(("bearer" = [])),
    params(("org_id" = String, Path), ReportQuery),
    responses((status = 200, description = "JSON page; with `Accept: text/csv` or `format=csv`, the whole report streamed as text/csv (a column per area, ready markets, and readiness for `market` when given)", content((Page<CompetencyRow> = "application/json"), (String = "text/csv"))),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn competencies_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    query: web::Query<ReportQuery>,
) -> ApiResult<HttpResponse> {
    let org = path.into_inner();
    let filters = filters::parse(&req, &query, Report::Competencies)?;
    let scope = db::run(&state.pool, move |conn| {
        filters::authorize(conn, user.id, org, filters)
    })
    .await?;
    if scope.filters.csv {
        let header = header(scope.filters.market.as_deref());
        return Ok(csv_stream::respond(
            state.pool.clone(),
            "competencies.csv",
            header,
            move |conn, after| csv_page(conn, &scope, after),
        ));
    }
    let limit = scope.filters.limit;
    let after = scope.filters.after.first().copied();
    let list = db::run(&state.pool, move |conn| {
        Ok(rows(conn, &scope, after, limit + 1)?)
    })
    .await?;
    Ok(pagination::respond_keyed(&req, list, limit, |r| {
        pagination::encode_key(&[r.user_id])
    }))
}
