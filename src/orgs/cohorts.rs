//! Cohorts: groups of an organization's members who study together. Org admins manage them;
//! instructors may read them.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::*;
use super::{access, store};
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::{CohortId, OrgId, UserId};
use crate::domain::{parse_name, Role};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::pagination::{self, PageParams};
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
    path: web::Path<OrgId>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let page = page.parse()?;
    let rows = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::Instructor)?;
        Ok(store::cohorts::page(conn, org_id, page)?)
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |c| c.id.into()))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/cohorts", tag = "cohorts", request_body = CohortRequest, security(("bearer" = [])),
    params(("org_id" = String, Path)),
    responses((status = 201, body = CohortView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn create_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    body: web::Json<CohortRequest>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let body = body.into_inner();
    let name = parse_name(&body.name, 100).map_err(|m| ApiError::invalid("name", m))?;
    let description = parse_description(body.description.as_deref())?.unwrap_or_default();
    let cohort = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let id = store::cohorts::create(conn, org_id, &name, &description)?;
        Ok(store::cohorts::view(conn, id)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(cohort))
}

#[utoipa::path(get, path = "/api/v1/cohorts/{cohort_id}", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path)), responses((status = 200, body = CohortView), (status = 404, body = Problem)))]
pub async fn get_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CohortId>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let cohort = db::run(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::Instructor)?;
        Ok(store::cohorts::view(conn, cohort_id)?)
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
    path: web::Path<CohortId>,
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
        store::cohorts::update(conn, cohort_id, name, description)?;
        Ok(store::cohorts::view(conn, cohort_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(cohort))
}

#[utoipa::path(delete, path = "/api/v1/cohorts/{cohort_id}", tag = "cohorts", security(("bearer" = [])),
    params(("cohort_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CohortId>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        Ok(store::cohorts::delete(conn, cohort_id)?)
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
    path: web::Path<CohortId>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let members = db::run(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::Instructor)?;
        Ok(store::cohorts::members(conn, cohort_id)?)
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
    path: web::Path<CohortId>,
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
        let members = store::members::among(conn, org_id, &user_ids)?;
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
        store::cohorts::add_members(conn, cohort_id, &user_ids)?;
        Ok(store::cohorts::view(conn, cohort_id)?)
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
    path: web::Path<(CohortId, UserId)>,
) -> ApiResult<HttpResponse> {
    let (cohort_id, member_id) = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_cohort_role(conn, user.id, cohort_id, Role::OrgAdmin)?;
        if !store::cohorts::remove_member(conn, cohort_id, member_id)? {
            return Err(ApiError::NotFound);
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
