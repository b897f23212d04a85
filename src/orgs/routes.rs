//! Organization endpoints: create (platform admins), list, read, update; accepting an invitation
//! by its emailed link, which creates the account when the address has none.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::dto::*;
use super::{access, store};
use crate::auth::dto::{AcceptInvitationRequest, MeView};
use crate::auth::queries::{find_user_by_email, insert_user, NewAccount};
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::OrgId;
use crate::domain::{parse_name, Checker, Password, Role, Slug};
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{self, PageParams};
use crate::security::tokens::token_hash;
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_create_org, create_org)
        .add(__path_list_orgs, list_orgs)
        .add(__path_get_org, get_org)
        .add(__path_update_org, update_org)
        .add(__path_accept_invitation, accept_invitation);
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "organizations", request_body = CreateOrgRequest, security(("bearer" = [])),
    responses((status = 201, body = OrgView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_org(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateOrgRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut c = Checker::new();
    let name = c.check("name", parse_name(&body.name, 200));
    let slug = c.check("slug", Slug::parse(&body.slug));
    c.finish()?;
    let (Some(name), Some(slug)) = (name, slug) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "checker passed without values"
        )));
    };
    let org = db::transaction(&state.pool, move |conn| {
        if !access::is_platform_admin(conn, user.id)? {
            return Err(ApiError::Forbidden);
        }
        let id = store::orgs::create(conn, &name, &slug, body.kind)?;
        Ok(store::orgs::view_for(conn, user.id, id)?)
    })
    .await?;
    tracing::info!(org_id = %org.id, "organization created");
    Ok(HttpResponse::Created().json(org))
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "organizations", params(PageParams), security(("bearer" = [])),
    responses((status = 200, description = "The caller's organizations (all of them for platform admins)", body = inline(pagination::Page<OrgView>))))]
pub async fn list_orgs(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let page = page.parse()?;
    let rows = db::run(&state.pool, move |conn| {
        let all = access::is_platform_admin(conn, user.id)?;
        Ok(store::orgs::page_for(conn, user.id, all, page)?)
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |o| o.id.into()))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}", tag = "organizations", security(("bearer" = [])),
    params(("org_id" = String, Path)), responses((status = 200, body = OrgView), (status = 404, body = Problem)))]
pub async fn get_org(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let org = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::Student)?;
        Ok(store::orgs::view_for(conn, user.id, org_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(org))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}", tag = "organizations", request_body = UpdateOrgRequest, security(("bearer" = [])),
    params(("org_id" = String, Path)), responses((status = 200, body = OrgView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_org(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<OrgId>,
    body: web::Json<UpdateOrgRequest>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let body = body.into_inner();
    let name = body
        .name
        .as_deref()
        .map(|n| parse_name(n, 200))
        .transpose()
        .map_err(|m| ApiError::invalid("name", m))?;
    let org = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        store::orgs::update(conn, org_id, name, body.kind, body.weekly_digest)?;
        Ok(store::orgs::view_for(conn, user.id, org_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(org))
}

#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "organizations", request_body = AcceptInvitationRequest,
    responses((status = 200, body = MeView, description = "Joined; a new account is created when the email had none"),
        (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn accept_invitation(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<AcceptInvitationRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let hash = token_hash(&body.token);
    let invalid = || {
        ApiError::bad_request(
            "invalid_token",
            "The invitation link is invalid, expired or was already used.",
        )
    };
    // Look the invitation up first so a new account's password can be hashed outside the transaction.
    let (invitation_id, email, has_account) = db::run(&state.pool, move |conn| {
        let (id, email) = store::invitations::by_link(conn, &hash)?.ok_or_else(invalid)?;
        let has_account = find_user_by_email(conn, &email)?.is_some();
        Ok((id, email, has_account))
    })
    .await?;
    let new_account = if has_account {
        None
    } else {
        let mut c = Checker::new();
        let name = c.check(
            "display_name",
            parse_name(body.display_name.as_deref().unwrap_or(""), 100),
        );
        let password = c.check(
            "password",
            body.password
                .as_deref()
                .ok_or_else(|| "is required to create your account".to_owned())
                .and_then(|p| {
                    Password::parse(p, &[&email, body.display_name.as_deref().unwrap_or("")])
                }),
        );
        c.finish()?;
        let ip_key = format!("hash-ip:{}", crate::auth::routes::client_ip(&req, &state));
        let settings = state.settings.clone();
        db::run(&state.pool, move |conn| {
            crate::auth::throttle::count_attempt(
                conn,
                &ip_key,
                settings.login_limit_per_ip,
                settings.login_window,
            )
        })
        .await?;
        match (name, password) {
            (Some(name), Some(password)) => {
                Some((name, state.hasher.hash(password.expose().to_owned()).await?))
            }
            _ => {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "checker passed without values"
                )))
            }
        }
    };
    let me = db::transaction(&state.pool, move |conn| {
        // Spending the invitation is conditional, so two parallel accepts cannot both succeed.
        let invitation =
            store::invitations::spend(conn, invitation_id, &email)?.ok_or_else(invalid)?;
        let user_id = match find_user_by_email(conn, &email)? {
            Some(u) => {
                // The link arrived at this address, which proves it.
                store::invitations::prove_email(conn, u.id)?;
                u.id
            }
            None => {
                let (name, password_hash) = new_account.ok_or_else(invalid)?;
                insert_user(
                    conn,
                    NewAccount {
                        email: &email,
                        password_hash: &password_hash,
                        display_name: &name,
                        locale: "en",
                        verified: true,
                        platform_admin: false,
                    },
                )?
                .id
            }
        };
        store::members::join(
            conn,
            invitation.org_id,
            user_id,
            invitation.role,
            invitation.cohort_id,
        )?;
        crate::auth::routes::me_view(conn, user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}
