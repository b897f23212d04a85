//! Organization endpoints: create (platform admins), list, read, update; accepting an invitation.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use super::access;
use super::dto::*;
use crate::auth::dto::{AcceptInvitationRequest, MeView};
use crate::auth::queries::{find_user_by_email, insert_user, NewAccount};
use crate::auth::AuthUser;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn};
use crate::domain::{parse_name, Checker, Password, Role, Slug};
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{self, PageParams};
use crate::schema::{cohort_members, invitations, memberships, organizations, users};
use crate::security::tokens::token_hash;
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_create_org, create_org)
        .add(__path_list_orgs, list_orgs)
        .add(__path_get_org, get_org)
        .add(__path_update_org, update_org)
        .add(__path_accept_invitation, accept_invitation);
}

type OrgRow = (Id, String, String, String, Timestamp, bool);

fn org_columns() -> (
    organizations::id,
    organizations::name,
    organizations::slug,
    organizations::kind,
    organizations::created_at,
    organizations::weekly_digest,
) {
    (
        organizations::id,
        organizations::name,
        organizations::slug,
        organizations::kind,
        organizations::created_at,
        organizations::weekly_digest,
    )
}

fn view(
    (id, name, slug, kind, created_at, weekly_digest): OrgRow,
    my_role: Option<Role>,
) -> OrgView {
    OrgView {
        id,
        name,
        slug,
        kind,
        weekly_digest,
        my_role,
        created_at,
    }
}

fn load_org(conn: &mut DbConn, caller: Id, org_id: Id) -> ApiResult<OrgView> {
    let row: OrgRow = organizations::table
        .find(org_id)
        .select(org_columns())
        .first(conn)?;
    let my_role: Option<String> = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq(caller))
        .select(memberships::role)
        .first(conn)
        .optional()?;
    Ok(view(row, my_role.and_then(|r| Role::parse(&r).ok())))
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
        let id = Id::new();
        let now = Timestamp::now();
        diesel::insert_into(organizations::table)
            .values((
                organizations::id.eq(id),
                organizations::name.eq(&name),
                organizations::slug.eq(slug.as_str()),
                organizations::kind.eq(body.kind.as_str()),
                organizations::created_at.eq(now),
                organizations::updated_at.eq(now),
            ))
            .execute(conn)
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict { .. } => ApiError::conflict(
                    "slug_taken",
                    "An organization with this slug already exists.",
                ),
                other => other,
            })?;
        load_org(conn, user.id, id)
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
        let mut q = organizations::table
            .left_join(
                memberships::table.on(memberships::org_id
                    .eq(organizations::id)
                    .and(memberships::user_id.eq(user.id))),
            )
            .select((org_columns(), memberships::role.nullable()))
            .order(organizations::id)
            .limit(page.limit + 1)
            .into_boxed();
        if !all {
            q = q.filter(memberships::user_id.is_not_null());
        }
        if let Some(after) = page.after {
            q = q.filter(organizations::id.gt(after));
        }
        let rows: Vec<(OrgRow, Option<String>)> = q.load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(row, role)| view(row, role.and_then(|r| Role::parse(&r).ok())))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |o| o.id))
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}", tag = "organizations", security(("bearer" = [])),
    params(("org_id" = String, Path)), responses((status = 200, body = OrgView), (status = 404, body = Problem)))]
pub async fn get_org(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let org = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::Student)?;
        load_org(conn, user.id, org_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(org))
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}", tag = "organizations", request_body = UpdateOrgRequest, security(("bearer" = [])),
    params(("org_id" = String, Path)), responses((status = 200, body = OrgView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn update_org(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
        let target = organizations::table.find(org_id);
        if let Some(name) = name {
            diesel::update(target)
                .set(organizations::name.eq(name))
                .execute(conn)?;
        }
        if let Some(kind) = body.kind {
            diesel::update(target)
                .set(organizations::kind.eq(kind.as_str()))
                .execute(conn)?;
        }
        if let Some(on) = body.weekly_digest {
            diesel::update(target)
                .set(organizations::weekly_digest.eq(on))
                .execute(conn)?;
        }
        diesel::update(target)
            .set(organizations::updated_at.eq(Timestamp::now()))
            .execute(conn)?;
        load_org(conn, user.id, org_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(org))
}

/// Adds `user_id` to an organization (and a cohort) as the invitation says; an existing membership
/// keeps the higher of the two roles.
pub(crate) fn join(
    conn: &mut DbConn,
    org_id: Id,
    user_id: Id,
    role: Role,
    cohort_id: Option<Id>,
) -> QueryResult<()> {
    let existing: Option<String> = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::role)
        .first(conn)
        .optional()?;
    let now = Timestamp::now();
    match existing.and_then(|r| Role::parse(&r).ok()) {
        None => {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::id.eq(Id::new()),
                    memberships::org_id.eq(org_id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(role.as_str()),
                    memberships::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        Some(current) if current < role => {
            diesel::update(
                memberships::table
                    .filter(memberships::org_id.eq(org_id))
                    .filter(memberships::user_id.eq(user_id)),
            )
            .set(memberships::role.eq(role.as_str()))
            .execute(conn)?;
        }
        Some(_) => {}
    }
    if let Some(cohort_id) = cohort_id {
        let present: i64 = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort_id))
            .filter(cohort_members::user_id.eq(user_id))
            .count()
            .get_result(conn)?;
        if present == 0 {
            diesel::insert_into(cohort_members::table)
                .values((
                    cohort_members::cohort_id.eq(cohort_id),
                    cohort_members::user_id.eq(user_id),
                    cohort_members::added_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
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
    let lookup_hash = hash.clone();
    let (email, has_account) = db::run(&state.pool, move |conn| {
        let email: Option<String> = invitations::table
            .filter(invitations::token_hash.eq(&lookup_hash))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::expires_at.gt(Timestamp::now()))
            .select(invitations::email)
            .first(conn)
            .optional()?;
        let email = email.ok_or_else(invalid)?;
        let has_account = find_user_by_email(conn, &email)?.is_some();
        Ok((email, has_account))
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
        let now = Timestamp::now();
        // Spending the invitation is conditional, so two parallel accepts cannot both succeed.
        let spent = diesel::update(
            invitations::table
                .filter(invitations::token_hash.eq(&hash))
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::expires_at.gt(now)),
        )
        .set(invitations::accepted_at.eq(now))
        .execute(conn)?;
        if spent != 1 {
            return Err(invalid());
        }
        let (org_id, role, cohort_id): (Id, String, Option<Id>) = invitations::table
            .filter(invitations::token_hash.eq(&hash))
            .select((
                invitations::org_id,
                invitations::role,
                invitations::cohort_id,
            ))
            .first(conn)?;
        let user_id = match find_user_by_email(conn, &email)? {
            Some(u) => {
                // The link arrived at this address, which proves it.
                diesel::update(
                    users::table
                        .find(u.id)
                        .filter(users::email_verified_at.is_null()),
                )
                .set(users::email_verified_at.eq(now))
                .execute(conn)?;
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
        join(
            conn,
            org_id,
            user_id,
            Role::parse(&role).map_err(|m| ApiError::Internal(anyhow::anyhow!(m)))?,
            cohort_id,
        )?;
        crate::auth::routes::me_view(conn, user_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}
