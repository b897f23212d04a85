//! Queries on `certificates`: a certificate with its course, a trainee's certificates, and
//! revocation with the authorization inside the query (a certificate the caller may not revoke is
//! simply not found).

use diesel::prelude::*;

use super::credential::RowKey;
use crate::db::sql_types::{CertificateId, CourseId, Id, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::domain::Role;
use crate::schema::{certificates, courses, memberships, users};

/// A certificate row joined with its course and holder.
#[derive(Debug, Clone, Queryable)]
pub struct CertificateRow {
    pub id: CertificateId,
    pub user_id: UserId,
    pub course_id: CourseId,
    pub org_id: Option<OrgId>,
    pub issued_at: Timestamp,
    pub credential: String,
    pub revoked_at: Option<Timestamp>,
    pub revocation_reason: Option<String>,
    pub course_slug: String,
    pub course_title: String,
    pub holder_name: String,
}

impl CertificateRow {
    pub fn key(&self) -> RowKey {
        RowKey {
            id: self.id,
            user_id: self.user_id,
            course_id: self.course_id,
            issued_at: self.issued_at,
        }
    }
}

type Columns = (
    certificates::id,
    certificates::user_id,
    certificates::course_id,
    certificates::org_id,
    certificates::issued_at,
    certificates::credential,
    certificates::revoked_at,
    certificates::revocation_reason,
    courses::slug,
    courses::title,
    users::display_name,
);

const COLUMNS: Columns = (
    certificates::id,
    certificates::user_id,
    certificates::course_id,
    certificates::org_id,
    certificates::issued_at,
    certificates::credential,
    certificates::revoked_at,
    certificates::revocation_reason,
    courses::slug,
    courses::title,
    users::display_name,
);

pub fn find(conn: &mut DbConn, id: CertificateId) -> QueryResult<Option<CertificateRow>> {
    certificates::table
        .inner_join(courses::table)
        .inner_join(users::table.on(users::id.eq(certificates::user_id)))
        .filter(certificates::id.eq(id))
        .select(COLUMNS)
        .first(conn)
        .optional()
}

/// The certificates `user_id` holds, newest first.
pub fn of_user(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<CertificateRow>> {
    certificates::table
        .inner_join(courses::table)
        .inner_join(users::table.on(users::id.eq(certificates::user_id)))
        .filter(certificates::user_id.eq(user_id))
        .select(COLUMNS)
        .order(certificates::issued_at.desc())
        .load(conn)
}

/// Whether `caller` may revoke certificate `id`: a platform admin, or an org_admin of the
/// organization whose course issued it (a platform-wide course's certificates are the platform
/// admins' alone). Returns None when the certificate does not exist or the caller may not see it;
/// otherwise whether it is already revoked.
pub fn revocable(
    conn: &mut DbConn,
    caller: UserId,
    id: CertificateId,
) -> QueryResult<Option<bool>> {
    let found = if crate::orgs::access::is_platform_admin(conn, caller)? {
        certificates::table
            .find(id)
            .select(certificates::revoked_at)
            .first::<Option<Timestamp>>(conn)
            .optional()?
    } else {
        let admin_orgs: Vec<Id> = memberships::table
            .filter(memberships::user_id.eq(caller))
            .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
            .select(memberships::org_id)
            .load(conn)?;
        if admin_orgs.is_empty() {
            return Ok(None);
        }
        // Only the organization's own certificates: a platform-wide course's certificate, or
        // one another organization issued, is not this organization's to revoke.
        certificates::table
            .find(id)
            .filter(certificates::org_id.eq_any(admin_orgs))
            .select(certificates::revoked_at)
            .first::<Option<Timestamp>>(conn)
            .optional()?
    };
    Ok(found.map(|revoked_at| revoked_at.is_some()))
}

/// Marks certificate `id` revoked unless it already is; returns whether this call revoked it.
pub fn revoke(conn: &mut DbConn, id: CertificateId, by: UserId, reason: &str) -> QueryResult<bool> {
    let n = diesel::update(
        certificates::table
            .filter(certificates::id.eq(id))
            .filter(certificates::revoked_at.is_null()),
    )
    .set((
        certificates::revoked_at.eq(Timestamp::now()),
        certificates::revoked_by.eq(by),
        certificates::revocation_reason.eq(reason),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
