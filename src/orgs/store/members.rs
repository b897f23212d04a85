//! Memberships: who belongs to an organization and with which role. Every query is keyed by the
//! organization, so another organization's member is not found.

use diesel::prelude::*;

use super::cohorts;
use super::OrgsError;
use crate::db::sql_types::{CohortId, Id, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::domain::{Email, Role};
use crate::orgs::dto::MemberView;
use crate::pagination::PageRequest;
use crate::schema::{cohort_members, cohorts as cohorts_table, memberships, users};

type MemberRow = (Id, UserId, String, Timestamp, String, String);

fn member_columns() -> (
    memberships::id,
    memberships::user_id,
    memberships::role,
    memberships::created_at,
    users::email,
    users::display_name,
) {
    (
        memberships::id,
        memberships::user_id,
        memberships::role,
        memberships::created_at,
        users::email,
        users::display_name,
    )
}

fn view_of(
    (membership_id, user_id, role, joined_at, email, display_name): MemberRow,
) -> MemberView {
    MemberView {
        user_id,
        email,
        display_name,
        role: Role::parse(&role).unwrap_or(Role::Student),
        joined_at,
        membership_id,
    }
}

/// The member `user_id` of `org_id`; not found when they are not a member.
pub fn get(conn: &mut DbConn, org_id: OrgId, user_id: UserId) -> QueryResult<MemberView> {
    let row: MemberRow = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq(user_id))
        .select(member_columns())
        .first(conn)?;
    Ok(view_of(row))
}

/// The member of `org_id` whose account has `email`, if there is one.
pub fn by_email(
    conn: &mut DbConn,
    org_id: OrgId,
    email: &Email,
) -> QueryResult<Option<MemberView>> {
    let row: Option<MemberRow> = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(org_id))
        .filter(users::email.eq(email.as_str()))
        .select(member_columns())
        .first(conn)
        .optional()?;
    Ok(row.map(view_of))
}

/// A page of the members of `org_id`, in membership order.
pub fn page(conn: &mut DbConn, org_id: OrgId, page: PageRequest) -> QueryResult<Vec<MemberView>> {
    let mut q = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(org_id))
        .select(member_columns())
        .order(memberships::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = page.after {
        q = q.filter(memberships::id.gt(after));
    }
    let rows: Vec<MemberRow> = q.load(conn)?;
    Ok(rows.into_iter().map(view_of).collect())
}

/// `user_id`'s role in `org_id`, if they are a member.
pub fn role(conn: &mut DbConn, org_id: OrgId, user_id: UserId) -> QueryResult<Option<Role>> {
    let role: Option<String> = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::role)
        .first(conn)
        .optional()?;
    Ok(role.and_then(|r| Role::parse(&r).ok()))
}

/// Sets the role of the member `user_id` of `org_id`.
pub fn set_role(conn: &mut DbConn, org_id: OrgId, user_id: UserId, role: Role) -> QueryResult<()> {
    diesel::update(
        memberships::table
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::user_id.eq(user_id)),
    )
    .set(memberships::role.eq(role.as_str()))
    .execute(conn)?;
    Ok(())
}

/// Which of `user_ids` are members of `org_id`.
pub fn among(conn: &mut DbConn, org_id: OrgId, user_ids: &[UserId]) -> QueryResult<Vec<UserId>> {
    memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::user_id.eq_any(user_ids))
        .select(memberships::user_id)
        .load(conn)
}

/// How many org admins `org_id` has.
pub fn admin_count(conn: &mut DbConn, org_id: OrgId) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
        .count()
        .get_result(conn)
}

/// Refuses a change that would leave the organization without an org admin: 409
/// `last_org_admin` when nobody but `user_id` is one.
pub fn ensure_other_admin(
    conn: &mut DbConn,
    org_id: OrgId,
    user_id: UserId,
) -> Result<(), OrgsError> {
    let others: i64 = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
        .filter(memberships::user_id.ne(user_id))
        .count()
        .get_result(conn)?;
    if others == 0 {
        return Err(OrgsError::LastOrgAdmin);
    }
    Ok(())
}

/// Adds `user_id` to an organization (and a cohort) as an accepted invitation says; an existing
/// membership keeps the higher of the two roles.
pub fn join(
    conn: &mut DbConn,
    org_id: OrgId,
    user_id: UserId,
    role: Role,
    cohort_id: Option<CohortId>,
) -> QueryResult<()> {
    match self::role(conn, org_id, user_id)? {
        None => {
            diesel::insert_into(memberships::table)
                .values((
                    memberships::id.eq(Id::new()),
                    memberships::org_id.eq(org_id),
                    memberships::user_id.eq(user_id),
                    memberships::role.eq(role.as_str()),
                    memberships::created_at.eq(Timestamp::now()),
                ))
                .execute(conn)?;
        }
        Some(current) if current < role => set_role(conn, org_id, user_id, role)?,
        Some(_) => {}
    }
    if let Some(cohort_id) = cohort_id {
        cohorts::add_members(conn, cohort_id, &[user_id])?;
    }
    Ok(())
}

/// Takes `user_id` out of the organization and its cohorts; their enrollments, attempts and
/// certificates stay theirs.
pub fn remove(conn: &mut DbConn, org_id: OrgId, user_id: UserId) -> QueryResult<()> {
    let org_cohorts = cohorts_table::table
        .filter(cohorts_table::org_id.eq(org_id))
        .select(cohorts_table::id);
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
