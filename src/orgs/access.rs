//! Who may do what inside an organization. Every check is a query keyed by the caller: a caller
//! with no membership gets `NotFound`, so another organization's data is indistinguishable from
//! data that does not exist; a member without the needed role gets `Forbidden`.

use diesel::prelude::*;

use crate::db::sql_types::{CohortId, OrgId, UserId};
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::ApiError;
use crate::schema::{cohorts, users};

pub fn is_platform_admin(conn: &mut DbConn, user_id: UserId) -> QueryResult<bool> {
    Ok(users::table
        .find(user_id)
        .select(users::is_platform_admin)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// A signed-in caller as access decisions made in memory need them: whether they are the platform
/// admin, and their role in each organization they belong to. Read in one query (by
/// [`Viewer::load`], or with other facts by the catalog's reader).
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub id: UserId,
    pub admin: bool,
    /// (organization, role), in organization order.
    pub roles: Vec<(OrgId, Role)>,
}

impl Viewer {
    /// `user` as a viewer; a user who no longer exists is one without rights.
    pub fn load(conn: &mut DbConn, user: UserId) -> QueryResult<Viewer> {
        let rows: Vec<(bool, Option<OrgId>, Option<String>)> = users::table
            .left_join(crate::schema::memberships::table)
            .filter(users::id.eq(user))
            .select((
                users::is_platform_admin,
                crate::schema::memberships::org_id.nullable(),
                crate::schema::memberships::role.nullable(),
            ))
            .order(crate::schema::memberships::org_id)
            .load(conn)?;
        Ok(Viewer::of(
            user,
            rows.first().is_some_and(|(admin, ..)| *admin),
            rows.into_iter().map(|(_, org, role)| (org, role)),
        ))
    }

    /// The viewer from their memberships as stored (organization, role text); an unknown role
    /// gives no rights there.
    pub fn of(
        id: UserId,
        admin: bool,
        memberships: impl IntoIterator<Item = (Option<OrgId>, Option<String>)>,
    ) -> Viewer {
        let roles = memberships
            .into_iter()
            .filter_map(|(org, role)| Some((org?, Role::parse(&role?).ok()?)))
            .collect();
        Viewer { id, admin, roles }
    }

    /// Their role in `org`.
    pub fn role_in(&self, org: OrgId) -> Option<Role> {
        self.roles.iter().find(|(o, _)| *o == org).map(|(_, r)| *r)
    }
}

/// The caller's role in `org_id`; platform admins act as org admins everywhere.
pub fn role_in(conn: &mut DbConn, user_id: UserId, org_id: OrgId) -> QueryResult<Option<Role>> {
    if is_platform_admin(conn, user_id)? {
        // Still 404 for an organization that does not exist.
        let exists: i64 = crate::schema::organizations::table
            .find(org_id)
            .count()
            .get_result(conn)?;
        return Ok((exists > 0).then_some(Role::OrgAdmin));
    }
    super::store::members::role(conn, org_id, user_id)
}

/// Requires at least `min` in `org_id`.
pub fn require_role(
    conn: &mut DbConn,
    user_id: UserId,
    org_id: OrgId,
    min: Role,
) -> Result<Role, ApiError> {
    match role_in(conn, user_id, org_id)? {
        None => Err(ApiError::NotFound),
        Some(role) if role < min => Err(ApiError::Forbidden),
        Some(role) => Ok(role),
    }
}

/// The organization of a cohort, if the caller holds at least `min` there.
pub fn require_cohort_role(
    conn: &mut DbConn,
    user_id: UserId,
    cohort_id: CohortId,
    min: Role,
) -> Result<OrgId, ApiError> {
    let org_id: OrgId = cohorts::table
        .find(cohort_id)
        .select(cohorts::org_id)
        .first(conn)?;
    require_role(conn, user_id, org_id, min)?;
    Ok(org_id)
}
