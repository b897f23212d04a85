//! Invitations: sending one (with its email in the outbox), finding one by its emailed link, the
//! ones addressed to an account, the ones an organization has not seen answered, and answering or
//! withdrawing one. Spending is a conditional update on `accepted_at IS NULL`, so of two parallel
//! answers exactly one counts.

use chrono::Duration;
use diesel::prelude::*;

use super::OrgsError;
use crate::db::sql_types::{CohortId, Id, InvitationId, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::domain::{Email, Role};
use crate::mail::{self, templates};
use crate::orgs::dto::{InvitationView, MeInvitation};
use crate::pagination::PageRequest;
use crate::schema::{cohorts, invitations, organizations, users};
use crate::security::tokens::{random_token, token_hash};

pub const INVITATION_TTL_DAYS: i64 = 14;

/// Creates an invitation and queues its email; returns the view.
pub fn create(
    conn: &mut DbConn,
    base_url: &str,
    org_id: OrgId,
    email: &Email,
    role: Role,
    cohort_id: Option<CohortId>,
    invited_by: UserId,
) -> QueryResult<InvitationView> {
    let token = random_token();
    let now = Timestamp::now();
    let id = InvitationId::new();
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

/// A stored role that is none of the roles is corrupt data, a read error.
fn corrupt_role(message: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("stored invitation role: {message}").into())
}

/// What a spent invitation grants: a role in an organization, and a place in one of its cohorts.
pub struct Spent {
    pub org_id: OrgId,
    pub role: Role,
    pub cohort_id: Option<CohortId>,
}

/// The id and address of the pending, unexpired invitation whose emailed link is `token_hash`.
pub fn by_link(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<(InvitationId, String)>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::expires_at.gt(Timestamp::now()))
        .select((invitations::id, invitations::email))
        .first(conn)
        .optional()
}

/// Spends the pending, unexpired invitation `id` addressed to `email`; `None` when there is none
/// (or a parallel answer spent it first).
pub fn spend(conn: &mut DbConn, id: InvitationId, email: &str) -> QueryResult<Option<Spent>> {
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
        return Ok(None);
    }
    let (org_id, role, cohort_id): (OrgId, String, Option<CohortId>) = invitations::table
        .find(id)
        .select((
            invitations::org_id,
            invitations::role,
            invitations::cohort_id,
        ))
        .first(conn)?;
    Ok(Some(Spent {
        org_id,
        role: Role::parse(&role).map_err(corrupt_role)?,
        cohort_id,
    }))
}

/// Marks the email of `user_id` verified, if it is not yet: an invitation link arrived at it.
pub fn prove_email(conn: &mut DbConn, user_id: UserId) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(user_id)
            .filter(users::email_verified_at.is_null()),
    )
    .set(users::email_verified_at.eq(Timestamp::now()))
    .execute(conn)?;
    Ok(())
}

/// The email of `user_id` if it is verified; otherwise 403 `email_not_verified`.
pub fn verified_email(conn: &mut DbConn, user_id: UserId) -> Result<String, OrgsError> {
    let (email, verified): (String, Option<Timestamp>) = users::table
        .find(user_id)
        .select((users::email, users::email_verified_at))
        .first(conn)?;
    if verified.is_none() {
        return Err(OrgsError::EmailNotVerified);
    }
    Ok(email)
}

/// The pending, unexpired invitations addressed to `email`, newest first (at most 100).
pub fn addressed_to(conn: &mut DbConn, email: &str) -> QueryResult<Vec<MeInvitation>> {
    let rows: Vec<(InvitationId, OrgId, String, String, Timestamp, Timestamp)> = invitations::table
        .inner_join(organizations::table)
        .filter(invitations::email.eq(email))
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
        .collect()
}

/// Deletes the pending invitation `id` addressed to `email`; `false` when there is none.
pub fn decline(conn: &mut DbConn, id: InvitationId, email: &str) -> QueryResult<bool> {
    let gone = diesel::delete(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::email.eq(email))
            .filter(invitations::accepted_at.is_null()),
    )
    .execute(conn)?;
    Ok(gone > 0)
}

/// A pending invitation of an organization: id, email, role as stored, the cohort's name,
/// created and expiry time.
pub type PendingRow = (Id, String, String, Option<String>, Timestamp, Timestamp);

/// A page of the invitations of `org_id` not yet accepted, expired ones included, oldest first.
pub fn pending(
    conn: &mut DbConn,
    org_id: OrgId,
    page: PageRequest,
) -> QueryResult<Vec<PendingRow>> {
    let mut q = invitations::table
        .left_join(cohorts::table)
        .filter(invitations::org_id.eq(org_id))
        .filter(invitations::accepted_at.is_null())
        .select((
            invitations::id,
            invitations::email,
            invitations::role,
            cohorts::name.nullable(),
            invitations::created_at,
            invitations::expires_at,
        ))
        .order(invitations::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = page.after {
        q = q.filter(invitations::id.gt(after));
    }
    q.load(conn)
}

/// Deletes the pending invitation `id` of `org_id`; `false` when there is none.
pub fn withdraw(conn: &mut DbConn, org_id: OrgId, id: InvitationId) -> QueryResult<bool> {
    let gone = diesel::delete(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::org_id.eq(org_id))
            .filter(invitations::accepted_at.is_null()),
    )
    .execute(conn)?;
    Ok(gone > 0)
}
