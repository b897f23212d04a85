//! Member management for org admins: list, invite by email, change role, remove, and CSV import
//! (see `import.rs`). Nobody becomes a member without accepting an invitation (see `invitations.rs`).

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;
use diesel::prelude::*;

use super::access;
use super::dto::*;
use crate::auth::AuthUser;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::{self, DbConn};
use crate::domain::{Email, Role};
use crate::error::{ApiError, ApiResult, Problem};
use crate::mail::{self, templates};
use crate::pagination::{self, PageParams};
use crate::schema::{cohort_members, cohorts, invitations, memberships, organizations, users};
use crate::security::tokens::{random_token, token_hash};
use crate::state::AppState;

pub const INVITATION_TTL_DAYS: i64 = 14;

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

pub(crate) fn member_view(conn: &mut DbConn, org_id: Id, user_id: Id) -> QueryResult<MemberView> {
    let (membership_id, role, joined_at, email, display_name): (
        Id,
        String,
        Timestamp,
        String,
        String,
    ) = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq(user_id))
        .select((
            memberships::id,
            memberships::role,
            memberships::created_at,
            users::email,
            users::display_name,
        ))
        .first(conn)?;
    Ok(MemberView {
        user_id,
        email,
        display_name,
        role: Role::parse(&role).unwrap_or(Role::Student),
        joined_at,
        membership_id,
    })
}

/// Creates an invitation and queues its email; returns the view.
pub(crate) fn invite(
    conn: &mut DbConn,
    base_url: &str,
    org_id: Id,
    email: &Email,
    role: Role,
    cohort_id: Option<Id>,
    invited_by: Id,
) -> QueryResult<InvitationView> {
    let token = random_token();
    let now = Timestamp::now();
    let id = Id::new();
    let expires_at = now.plus(Duration::days(INVITATION_TTL_DAYS));
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(id),
            invitations::org_id.eq(org_id),
            invitations::email.eq(email.as_str()),
            invitations::role.eq(role.as_str()),
            invitations::cohort_id.eq(cohort_id),
            invitations::token_hash.eq(token_hash(&token)),
            invitations::invited_by.eq(invited_by),
            invitations::expires_at.eq(expires_at),
            invitations::created_at.eq(now),
        ))
        .execute(conn)?;
    let org_name: String = organizations::table
        .find(org_id)
        .select(organizations::name)
        .first(conn)?;
    mail::enqueue(
        conn,
        &templates::invitation(base_url, email.as_str(), &org_name, role.as_str(), &token),
    )?;
    Ok(InvitationView {
        id,
        email: email.as_str().to_owned(),
        role,
        expires_at,
    })
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/members", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), PageParams),
    responses((status = 200, body = inline(pagination::Page<MemberView>)), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_members(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let page = page.parse()?;
    let rows = db::run(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let mut q = memberships::table
            .inner_join(users::table)
            .filter(memberships::org_id.eq(org_id))
            .select((
                memberships::id,
                memberships::user_id,
                memberships::role,
                memberships::created_at,
                users::email,
                users::display_name,
            ))
            .order(memberships::id)
            .limit(page.limit + 1)
            .into_boxed();
        if let Some(after) = page.after {
            q = q.filter(memberships::id.gt(after));
        }
        let rows: Vec<(Id, Id, String, Timestamp, String, String)> = q.load(conn)?;
        Ok(rows
            .into_iter()
            .map(
                |(membership_id, user_id, role, joined_at, email, display_name)| MemberView {
                    user_id,
                    email,
                    display_name,
                    role: Role::parse(&role).unwrap_or(Role::Student),
                    joined_at,
                    membership_id,
                },
            )
            .collect::<Vec<_>>())
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
    path: web::Path<Id>,
    body: web::Json<AddMemberRequest>,
) -> ApiResult<HttpResponse> {
    let org_id = path.into_inner();
    let body = body.into_inner();
    let email = Email::parse(&body.email).map_err(|m| ApiError::invalid("email", m))?;
    let base = state.settings.public_url.clone();
    let outcome = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        if is_member_by_email(conn, org_id, &email)? {
            return Err(ApiError::conflict(
                "already_member",
                "This person is already a member; change their role instead.",
            ));
        }
        Ok(AddMemberResponse::Invited {
            invitation: invite(conn, &base, org_id, &email, body.role, None, user.id)?,
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(outcome))
}

/// Whether the account with `email` (if any) is already a member of `org_id`.
pub(crate) fn is_member_by_email(
    conn: &mut DbConn,
    org_id: Id,
    email: &Email,
) -> QueryResult<bool> {
    let n: i64 = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(org_id))
        .filter(users::email.eq(email.as_str()))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Refuses a change that would leave the organization without an org admin.
pub(crate) fn ensure_other_admin(conn: &mut DbConn, org_id: Id, user_id: Id) -> ApiResult<()> {
    let others: i64 = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
        .filter(memberships::user_id.ne(user_id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_org_admin",
            "An organization needs at least one org admin.",
        ));
    }
    Ok(())
}

#[utoipa::path(patch, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "members", request_body = UpdateMemberRequest, security(("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn update_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Id, Id)>,
    body: web::Json<UpdateMemberRequest>,
) -> ApiResult<HttpResponse> {
    let (org_id, member_id) = path.into_inner();
    let role = body.into_inner().role;
    let member = db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let current = member_view(conn, org_id, member_id)?;
        if current.role == Role::OrgAdmin && role != Role::OrgAdmin {
            ensure_other_admin(conn, org_id, member_id)?;
        }
        diesel::update(
            memberships::table
                .filter(memberships::org_id.eq(org_id))
                .filter(memberships::user_id.eq(member_id)),
        )
        .set(memberships::role.eq(role.as_str()))
        .execute(conn)?;
        Ok(member_view(conn, org_id, member_id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(member))
}

/// Takes `user_id` out of the organization and its cohorts; their enrollments, attempts and
/// certificates stay theirs.
pub(crate) fn drop_membership(conn: &mut DbConn, org_id: Id, user_id: Id) -> QueryResult<()> {
    let org_cohorts = cohorts::table
        .filter(cohorts::org_id.eq(org_id))
        .select(cohorts::id);
    diesel::delete(
        cohort_members::table
            .filter(cohort_members::user_id.eq(user_id))
            .filter(cohort_members::cohort_id.eq_any(org_cohorts)),
    )
    .execute(conn)?;
    diesel::delete(
        memberships::table
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(())
}

#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/members/{user_id}", tag = "members", security(("bearer" = [])),
    params(("org_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn remove_member(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Id, Id)>,
) -> ApiResult<HttpResponse> {
    let (org_id, member_id) = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        access::require_role(conn, user.id, org_id, Role::OrgAdmin)?;
        let current = member_view(conn, org_id, member_id)?;
        if current.role == Role::OrgAdmin {
            ensure_other_admin(conn, org_id, member_id)?;
        }
        drop_membership(conn, org_id, member_id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
