//! Member management for org admins: list, invite by email, change role, remove, and CSV import
//! (see `import.rs`). Nobody becomes a member without accepting an invitation (see `invitations.rs`).

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::*;
use super::{access, store};
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::{OrgId, UserId};
use crate::domain::{Email, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{self, PageParams};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_members, list_members)
        .add(__path_add_member, add_member)
        .add(
            super::import::__path_import_members,
            super::import::import_members,
        )
        .add(__path_update_member, update_member)
        .add(__path_remove_member, remove_member);
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/members", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses((status = 200, body = inline(pagination::Page<MemberView>)), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let page = page.parse()?;
    let rows = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        Ok(store::members::page(conn, org_id, page)?)
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |m| m.membership_id))
}

#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/members", tag = "members", request_body = AddMemberRequest, security(("bearer" = [])),
    params(("org_id" = String, Path)),
    responses((status = 201, body = AddMemberResponse, description = "Invited: the address receives a link, and a signed-in account holder also finds the invitation at GET /me/invitations. Nobody joins without accepting, and the answer is the same whether or not the address has an account."),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem, description = "`already_member`: this person is already a member; change their role instead"), (status = 422, body = Problem)))]
pub async fn add_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    body: web::Json<AddMemberRequest>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let body = body.into_inner();
    let email = Email::parse(&body.email).map_err(|m| ApiError::invalid("email", m))?;
    let base = state.settings.public_url.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        if store::members::by_email(conn, org_id, &email)?.is_some() {
            return Err(ApiError::conflict(
                "already_member",
                "This person is already a member; change their role instead.",
            ));
        }
        Ok(AddMemberResponse::Invited {
            invitation: store::invitations::create(
                conn, &base, org_id, &email, body.role, None, user.id,
            )?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(outcome))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "members", request_body = UpdateMemberRequest, security(("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn update_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(OrgId, UserId)>,
    body: web::Json<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let (org_id, member_id) = path.into_inner();
    let role = body.into_inner().role;
    let member = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let current = store::members::get(conn, org_id, member_id)?;
        if current.role == Role::OrgAdmin && role != Role::OrgAdmin {
            store::members::ensure_other_admin(conn, org_id, member_id)?;
        }
        store::members::set_role(conn, org_id, member_id, role)?;
        Ok(store::members::get(conn, org_id, member_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(member))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(OrgId, UserId)>,
) -> ApiResult<HttpResponse> {
    let (org_id, member_id) = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let current = store::members::get(conn, org_id, member_id)?;
        if current.role == Role::OrgAdmin {
            store::members::ensure_other_admin(conn, org_id, member_id)?;
        }
        Ok(store::members::remove(conn, org_id, member_id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
