//! The organization's side of invitations not yet answered: its org admins see who was invited
//! (by hand or by a CSV import) and has not joined, with the role and cohort waiting for them,
//! and can withdraw one sent to a wrong address. The invitee's side is `invitations.rs`.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::{access, store};
use crate::api_routes::ApiRoutes;
use crate::auth::AuthUser;
use crate::db;
use crate::db::sql_types::{Id, InvitationId, OrgId, Timestamp};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{self, PageParams};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_pending, list_pending)
        .add(__path_withdraw, withdraw);
}

/// An invitation nobody has accepted yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingInvitation {
    #[schema(value_type = String, format = Uuid)]
    pub id: Id,
    pub email: String,
    pub role: Role,
    /// The cohort the invitee joins on accepting, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub invited_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    /// The link has expired: invite the address again to send a new one.
    pub expired: bool,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invitations", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses((status = 200, body = inline(pagination::Page<PendingInvitation>), description = "The organization's invitations not yet accepted, oldest first, expired ones included and marked"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_pending(
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
        let rows = store::invitations::pending(conn, org_id, page)?;
        let now = Timestamp::now();
        rows.into_iter()
            .map(|(id, email, role, cohort, invited_at, expires_at)| {
                let role = Role::parse(&role).map_err(|e| {
                    tracing::error!(invitation = %id, role = %role, "stored invitation role: {e}");
                    ApiError::Internal(anyhow::anyhow!("invitation {id} has an unknown role"))
                })?;
                Ok(PendingInvitation {
                    id,
                    email,
                    role,
                    cohort,
                    invited_at,
                    expires_at,
                    expired: expires_at.0 <= now.0,
                })
            })
            .collect::<ApiResult<Vec<_>>>()
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |p| p.id))
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/invitations/{invitation_id}", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 204, description = "Withdrawn: the emailed link and the invitee's pending invitation no longer work"),
        (status = 403, body = Problem), (status = 404, body = Problem, description = "No such pending invitation in this organization (an accepted one is a membership: remove the member instead)")))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(OrgId, InvitationId)>,
) -> ApiResult<HttpResponse> {
    let (org_id, invitation_id) = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        if !store::invitations::withdraw(conn, org_id, invitation_id)? {
            return Err(ApiError::NotFound);
        }
        tracing::info!(org_id = %org_id, invitation = %invitation_id, "invitation withdrawn");
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
