//! The competencies report: a row per trainee of the organization with their mastery per area of
//! the framework and their readiness for each of their target markets (or, with `?market=XX`, for
//! that market), and every destination market they are ready for. Levels are computed from the
//! evidence of the organization's own and platform-wide courses only; a page is two queries of
//! the store (the trainees in user id order, then their evidence), and the readiness figures are
//! computed here from the levels. An instructor sees the trainees enrolled in a course they own or
//! co-teach, and a `course_id` filter counts only this organization's own or platform-wide courses
//! (for an instructor, only their own), so another organization's course finds nobody.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::csv_stream::{self, CsvPage, PAGE_ROWS};
use super::filters::{self, Report, ReportQuery, Scope};
use super::store;
use crate::auth::AuthUser;
use crate::catalog::framework;
use crate::db::sql_types::{Id, OrgId, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiResult, Problem};
use crate::learning::mastery::{area_summaries, market_readiness, AreaMastery, MarketReadiness};
use crate::pagination::{self, Page};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyRow {
    #[schema(value_type = String, format = Uuid)]
    pub user_id: UserId,
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

/// The page's rows with their levels (one more query for all of the page's evidence).
fn rows(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<Id>,
    limit: i64,
) -> ApiResult<Vec<CompetencyRow>> {
    let people = store::trainees(conn, scope, after, limit)?;
    let ids: Vec<UserId> = people.iter().map(|p| p.0).collect();
    let levels = store::org_levels(conn, scope.org, &ids)?;
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
        .then(|| page.last().map(|r| Id::from(r.user_id)))
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
    path: web::Path<OrgId>,
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
        rows(conn, &scope, after, limit + 1)
    })
    .await?;
    Ok(pagination::respond_keyed(&req, list, limit, |r| {
        pagination::encode_key(&[r.user_id.into()])
    }))
}
