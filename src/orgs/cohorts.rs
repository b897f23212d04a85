//! Cohorts: groups of an organization's members who study together. Org admins manage them;
//! instructors may read them.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use super::access;
use super::dto::*;
use crate::auth::AuthUser;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn};
use crate::domain::{parse_name, Role};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::pagination::{self, PageParams};
use crate::schema::{cohort_members, cohorts, memberships, users};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_cohorts, list_cohorts)
        .add(__path_create_cohort, create_cohort)
        .add(__path_get_cohort, get_cohort)
        .add(__path_update_cohort, update_cohort)
        .add(__path_delete_cohort, delete_cohort)
        .add(__path_list_cohort_members, list_cohort_members)
        .add(__path_add_cohort_members, add_cohort_members)
        .add(__path_remove_cohort_member, remove_cohort_member);
}

const DESCRIPTION_MAX: usize = 2000;

type CohortColumns = (Id, Id, String, String, Timestamp);

fn cohort_columns() -> (
    cohorts::id,
    cohorts::org_id,
    cohorts::name,
    cohorts::description,
    cohorts::created_at,
) {
    (
        cohorts::id,
        cohorts::org_id,
        cohorts::name,
        cohorts::description,
        cohorts::created_at,
    )
}

fn view_of(
    (id, org_id, name, description, created_at): CohortColumns,
    member_count: i64,
) -> CohortView {
    CohortView {
        id,
        org_id,
        name,
        description,
        member_count,
        created_at,
    }
}

fn cohort_view(conn: &mut DbConn, cohort_id: Id) -> QueryResult<CohortView> {
    let row: CohortColumns = cohorts::table
        .find(cohort_id)
        .select(cohort_columns())
        .first(conn)?;
    let member_count = cohort_members::table
        .filter(cohort_members::cohort_id.eq(cohort_id))
        .count()
        .get_result(conn)?;
    Ok(view_of(row, member_count))
}

/// The views of a page of cohorts in two queries, whatever the page size: the rows, then every
/// member count at once.
fn cohort_views(conn: &mut DbConn, rows: Vec<CohortColumns>) -> QueryResult<Vec<CohortView>> {
    let ids: Vec<Id> = rows.iter().map(|r| r.0).collect();
    let counts: std::collections::HashMap<Id, i64> = cohort_members::table
        .filter(cohort_members::cohort_id.eq_any(&ids))
        .group_by(cohort_members::cohort_id)
        .select((cohort_members::cohort_id, diesel::dsl::count_star()))
        .load::<(Id, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let count = counts.get(&row.0).copied().unwrap_or(0);
            view_of(row, count)
        })
        .collect())
}

fn name_taken(e: diesel::result::Error) -> ApiError {
    match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "cohort_name_taken",
            "A cohort with this name already exists.",
        ),
        other => other,
    }
}

fn parse_description(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        Some(d) if d.chars().count() > DESCRIPTION_MAX => Err(ApiError::invalid(
            "description",
            format!("must have at most {DESCRIPTION_MAX} characters"),
        )),
        Some(d) => {
            crate::domain::no_control_chars(d).map_err(|m| ApiError::invalid("description", m))?;
            Ok(Some(d.trim().to_owned()))
        }
        None => Ok(None),
    }
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/cohorts", tag = "cohorts", security(("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses((status = 200, body = inline(pagination::Page<CohortView>)), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_cohorts(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let page = page.parse()?;
    let rows = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::Instructor)?;
        let mut q = cohorts::table
            .filter(cohorts::org_id.eq(org_id))
            .select(cohort_columns())
            .order(cohorts::id)
            .limit(page.limit + 1)
            .into_boxed();
        if let Some(after) = page.after {
            q = q.filter(cohorts::id.gt(after));
        }
        let rows: Vec<CohortColumns> = q.load(conn)?;
        Ok::<_, ApiError>(cohort_views(conn, rows)?)
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |c| c.id))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/cohorts", tag = "cohorts", request_body = CohortRequest, security(("bearer" = [])),
    params(("org_id" = String, Path)),
    responses((status = 201, body = CohortView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn create_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<CohortRequest>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let body = body.into_inner();
    let name = parse_name(&body.name, 100).map_err(|m| ApiError::invalid("name", m))?;
    let description = parse_description(body.description.as_deref())?.unwrap_or_default();
    let cohort = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let id = Id::new();
        let now = Timestamp::now();
        diesel::insert_into(cohorts::table)
            .values((
                cohorts::id.eq(id),
                cohorts::org_id.eq(org_id),
                cohorts::name.eq(&name),
                cohorts::description.eq(&description),
                cohorts::created_at.eq(now),
                cohorts::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(name_taken)?;
        Ok(cohort_view(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(cohort))
}

#[utoipa::path(get, path = "/api/v1/cohorts/{cohort_id}", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path)), responses((status = 200, body = CohortView), (status = 404, body = Problem)))]
pub async fn get_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let cohort = db::run(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::Instructor)?;
        Ok(cohort_view(conn, cohort_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(cohort))
}

#[utoipa::path(patch, path = "/api/v1/cohorts/{cohort_id}", tag = "cohorts", request_body = UpdateCohortRequest, security(("bearer" = [])),
    params(("cohort_id" = String, Path)),
    responses((status = 200, body = CohortView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn update_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<UpdateCohortRequest>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let body = body.into_inner();
    let name = body
        .name
        .as_deref()
        .map(|n| parse_name(n, 100))
        .transpose()
        .map_err(|m| ApiError::invalid("name", m))?;
    let description = parse_description(body.description.as_deref())?;
    let cohort = db::transaction(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        let target = cohorts::table.find(cohort_id);
        if let Some(name) = name {
            diesel::update(target)
                .set(cohorts::name.eq(name))
                .execute(conn)
                .map_err(name_taken)?;
        }
        if let Some(description) = description {
            diesel::update(target)
                .set(cohorts::description.eq(description))
                .execute(conn)?;
        }
        diesel::update(target)
            .set(cohorts::updated_at.eq(Timestamp::now()))
            .execute(conn)?;
        Ok(cohort_view(conn, cohort_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(cohort))
}

#[utoipa::path(delete, path = "/api/v1/cohorts/{cohort_id}", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        diesel::delete(cohort_members::table.filter(cohort_members::cohort_id.eq(cohort_id)))
            .execute(conn)?;
        diesel::delete(cohorts::table.find(cohort_id)).execute(conn)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/cohorts/{cohort_id}/members", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path)),
    responses((status = 200, body = Vec<CohortMemberView>), (status = 404, body = Problem)))]
pub async fn list_cohort_members(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let members = db::run(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::Instructor)?;
        let rows: Vec<(Id, String, String, Timestamp)> = cohort_members::table
            .inner_join(users::table)
            .filter(cohort_members::cohort_id.eq(cohort_id))
            .order(users::display_name)
            .select((
                users::id,
                users::email,
                users::display_name,
                cohort_members::added_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(user_id, email, display_name, added_at)| CohortMemberView {
                    user_id,
                    email,
                    display_name,
                    added_at,
                },
            )
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(members))
}

#[utoipa::path(post, path = "/api/v1/cohorts/{cohort_id}/members", tag = "cohorts", request_body = CohortMembersRequest, security(("bearer" = [])),
    params(("cohort_id" = String, Path)),
    responses((status = 200, body = CohortView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_cohort_members(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<CohortMembersRequest>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let mut user_ids = body.into_inner().user_ids;
    user_ids.sort();
    user_ids.dedup();
    if user_ids.is_empty() || user_ids.len() > 1000 {
        return Err(ApiError::invalid("user_ids", "must list 1 to 1000 users"));
    }
    let cohort = db::transaction(&state.pool, move |conn| {
        let org_id = access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        // Only members of the cohort's own organization can join it; anyone else is reported as
        // not a member, which says nothing about whether the account exists.
        let members: Vec<Id> = memberships::table
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::user_id.eq_any(&user_ids))
            .select(memberships::user_id)
            .load(conn)?;
        let strangers: Vec<FieldError> = user_ids
            .iter()
            .enumerate()
            .filter(|(_, id)| !members.contains(id))
            .map(|(i, id)| {
                FieldError::new(
                    format!("user_ids[{i}]"),
                    format!("{id} is not a member of this organization"),
                )
            })
            .collect();
        if !strangers.is_empty() {
            return Err(ApiError::Validation(strangers));
        }
        let present: Vec<Id> = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort_id))
            .select(cohort_members::user_id)
            .load(conn)?;
        let now = Timestamp::now();
        for id in user_ids.iter().filter(|id| !present.contains(id)) {
            diesel::insert_into(cohort_members::table)
                .values((
                    cohort_members::cohort_id.eq(cohort_id),
                    cohort_members::user_id.eq(*id),
                    cohort_members::added_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(cohort_view(conn, cohort_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(cohort))
}

#[utoipa::path(delete, path = "/api/v1/cohorts/{cohort_id}/members/{user_id}", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn remove_cohort_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Id, Id)>,
) -> ApiResult<HttpResponse> {
    let (cohort_id, member_id) = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        let removed = diesel::delete(
            cohort_members::table
                .filter(cohort_members::cohort_id.eq(cohort_id))
                .filter(cohort_members::user_id.eq(member_id)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(ApiError::NotFound);
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
