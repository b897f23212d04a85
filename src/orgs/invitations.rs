//! The invitee's side of joining an organization: the invitations addressed to the caller's
//! verified email, accepting or declining one, and leaving an organization.
//!
//! Consent is the rule: an org admin can only invite (see `members.rs`); the account holder
//! decides. An unverified address sees nothing here, because an account that merely claims an
//! address must not pick up the invitations meant for its real owner (the emailed link, accepted
//! at POST /invitations/accept, proves the address by itself).

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::MeInvitation;
use crate::auth::AuthUser;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::{invitations, memberships, organizations, users};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_my_invitations, my_invitations)
        .add(__path_accept_my_invitation, accept_my_invitation)
        .add(__path_decline_my_invitation, decline_my_invitation)
        .add(__path_leave_org, leave_org);
}

/// The caller's email if it is verified; otherwise 403 `email_not_verified`.
fn verified_email(conn: &mut DbConn, user: Id) -> ApiResult<String> {
    let (email, verified): (String, Option<Timestamp>) = users::table
        .find(user)
        .select((users::email, users::email_verified_at))
        .first(conn)?;
    if verified.is_none() {
        return Err(ApiError::forbidden_because(
            "email_not_verified",
            "Verify your email address first: invitations are addressed to it.",
        ));
    }
    Ok(email)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyInvitations {
    pub items: Vec<MeInvitation>,
}

#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = MyInvitations, description = "Pending, unexpired invitations addressed to the caller's verified email, newest first"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "`email_not_verified`")))]
pub async fn my_invitations(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let items = db::run(&state.pool, move |conn| {
        let email = verified_email(conn, user.id)?;
        let rows: Vec<(Id, Id, String, String, Timestamp, Timestamp)> = invitations::table
            .inner_join(organizations::table)
            .filter(invitations::email.eq(&email))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::expires_at.gt(Timestamp::now()))
            .select((
                invitations::id,
                invitations::org_id,
                organizations::name,
                invitations::role,
                invitations::created_at,
                invitations::expires_at,
            ))
            .order(invitations::created_at.desc())
            .limit(100)
            .load(conn)?;
        rows.into_iter()
            .map(|(id, org_id, org_name, role, invited_at, expires_at)| {
                Ok(MeInvitation {
                    id,
                    org_id,
                    org_name,
                    role: Role::parse(&role).map_err(corrupt_role)?,
                    invited_at,
                    expires_at,
                })
            })
            .collect::<ApiResult<Vec<_>>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(MyInvitations { items }))
}

fn corrupt_role(message: String) -> ApiError {
    ApiError::Internal(anyhow::anyhow!("stored invitation role: {message}"))
}

/// Spends the pending invitation `id` addressed to `email` (conditionally, so two parallel
/// answers cannot both count); returns its (org, role, cohort), or 404.
fn spend(conn: &mut DbConn, id: Id, email: &str) -> ApiResult<(Id, Role, Option<Id>)> {
    let now = Timestamp::now();
    let spent = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::email.eq(email))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::expires_at.gt(now)),
    )
    .set(invitations::accepted_at.eq(now))
    .execute(conn)?;
    if spent != 1 {
        return Err(ApiError::NotFound);
    }
    let (org_id, role, cohort_id): (Id, String, Option<Id>) = invitations::table
        .find(id)
        .select((
            invitations::org_id,
            invitations::role,
            invitations::cohort_id,
        ))
        .first(conn)?;
    Ok((org_id, Role::parse(&role).map_err(corrupt_role)?, cohort_id))
}

#[utoipa::path(post, path = "/api/v1/me/invitations/{invitation_id}/accept", tag = "me", security(("bearer" = [])),
    params(("invitation_id" = String, Path)),
    responses((status = 200, body = crate::auth::dto::MeView, description = "Joined the organization (and the invitation's cohort)"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "`email_not_verified`"),
        (status = 404, body = Problem, description = "No pending invitation of this id for the caller")))]
pub async fn accept_my_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let me = db::transaction(&state.pool, move |conn| {
        let email = verified_email(conn, user.id)?;
        let (org_id, role, cohort_id) = spend(conn, id, &email)?;
        super::routes::join(conn, org_id, user.id, role, cohort_id)?;
        crate::auth::routes::me_view(conn, user.id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(me))
}

#[utoipa::path(post, path = "/api/v1/me/invitations/{invitation_id}/decline", tag = "me", security(("bearer" = [])),
    params(("invitation_id" = String, Path)),
    responses((status = 204, description = "Declined: the invitation and its emailed link no longer work"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "`email_not_verified`"),
        (status = 404, body = Problem)))]
pub async fn decline_my_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let email = verified_email(conn, user.id)?;
        let gone = diesel::delete(
            invitations::table
                .filter(invitations::id.eq(id))
                .filter(invitations::email.eq(&email))
                .filter(invitations::accepted_at.is_null()),
        )
        .execute(conn)?;
        if gone == 0 {
            return Err(ApiError::NotFound);
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/me/memberships/{org_id}", tag = "me", security(("bearer" = [])),
    params(("org_id" = String, Path)),
    responses((status = 204, description = "Left the organization and its cohorts; enrollments, attempts and certificates stay the trainee's own"),
        (status = 401, body = Problem), (status = 404, body = Problem, description = "Not a member"),
        (status = 409, body = Problem, description = "`last_org_admin`: hand the organization to another org admin first")))]
pub async fn leave_org(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let role: String = memberships::table
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::user_id.eq(user.id))
            .select(memberships::role)
            .first(conn)?;
        if role == Role::OrgAdmin.as_str() {
            super::members::ensure_other_admin(conn, org_id, user.id)?;
        }
        super::members::drop_membership(conn, org_id, user.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
