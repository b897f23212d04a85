//! The invitee's side of joining an organization: the invitations addressed to the caller's
//! verified email, accepting or declining one, and leaving an organization.
//!
//! Consent is the rule: an org admin can only invite (see `members.rs`); the account holder
//! decides. An unverified address sees nothing here, because an account that merely claims an
//! address must not pick up the invitations meant for its real owner (the emailed link, accepted
//! at POST /invitations/accept, proves the address by itself).

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::MeInvitation;
use super::store;
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::{InvitationId, OrgId};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_my_invitations, my_invitations)
        .add(__path_accept_my_invitation, accept_my_invitation)
        .add(__path_decline_my_invitation, decline_my_invitation)
        .add(__path_leave_org, leave_org);
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
        let email = store::invitations::verified_email(conn, user.id)?;
        Ok(store::invitations::addressed_to(conn, &email)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(MyInvitations { items }))
}

#[utoipa::path(post, path = "/api/v1/me/invitations/{invitation_id}/accept", tag = "me", security(("bearer" = [])),
    params(("invitation_id" = String, Path)),
    responses((status = 200, body = crate::auth::dto::MeView, description = "Joined the organization (and the invitation's cohort)"),
        (status = 401, body = Problem), (status = 403, body = Problem, description = "`email_not_verified`"),
        (status = 404, body = Problem, description = "No pending invitation of this id for the caller")))]
pub async fn accept_my_invitation(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<InvitationId>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let me = db::transaction(&state.pool, move |conn| {
        let email = store::invitations::verified_email(conn, user.id)?;
        let invitation = store::invitations::spend(conn, id, &email)?.ok_or(ApiError::NotFound)?;
        store::members::join(
            conn,
            invitation.org_id,
            user.id,
            invitation.role,
            invitation.cohort_id,
        )?;
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
    path: web::Path<InvitationId>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let email = store::invitations::verified_email(conn, user.id)?;
        if !store::invitations::decline(conn, id, &email)? {
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
    path: web::Path<OrgId>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let role = store::members::role(conn, org_id, user.id)?.ok_or(ApiError::NotFound)?;
        if role == Role::OrgAdmin {
            store::members::ensure_other_admin(conn, org_id, user.id)?;
        }
        Ok(store::members::remove(conn, org_id, user.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
