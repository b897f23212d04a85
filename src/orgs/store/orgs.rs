//! Organization rows: create (a taken slug is 409 `slug_taken`), read with the caller's role, the
//! caller's page of organizations, update.

use diesel::prelude::*;

use super::members;
use super::OrgsError;
use crate::db::sql_types::{OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::domain::{OrgKind, Role, Slug};
use crate::orgs::dto::OrgView;
use crate::pagination::PageRequest;
use crate::schema::{memberships, organizations};

type OrgRow = (OrgId, String, String, String, Timestamp, bool);

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

/// Creates an organization; returns its id.
pub fn create(
    conn: &mut DbConn,
    name: &str,
    slug: &Slug,
    kind: OrgKind,
) -> Result<OrgId, OrgsError> {
    let id = OrgId::new();
    let now = Timestamp::now();
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(id),
            organizations::name.eq(name),
            organizations::slug.eq(slug.as_str()),
            organizations::kind.eq(kind.as_str()),
            organizations::created_at.eq(now),
            organizations::updated_at.eq(now),
        ))
        .execute(conn)
        .map_err(|e| OrgsError::unless_unique(e, OrgsError::SlugTaken))?;
    Ok(id)
}

/// The organization `org_id` with `caller`'s role in it (none for a platform admin who is not a
/// member).
pub fn view_for(conn: &mut DbConn, caller: UserId, org_id: OrgId) -> QueryResult<OrgView> {
    let row: OrgRow = organizations::table
        .find(org_id)
        .select(org_columns())
        .first(conn)?;
    let my_role = members::role(conn, org_id, caller)?;
    Ok(view(row, my_role))
}

/// A page of the organizations `caller` is a member of, or of all of them (`all`, for platform
/// admins), each with the caller's role.
pub fn page_for(
    conn: &mut DbConn,
    caller: UserId,
    all: bool,
    page: PageRequest,
) -> QueryResult<Vec<OrgView>> {
    let mut q = organizations::table
        .left_join(
            memberships::table.on(memberships::org_id
                .eq(organizations::id)
                .and(memberships::user_id.eq(caller))),
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
        .collect())
}

/// Changes the given fields of `org_id` and stamps it updated.
pub fn update(
    conn: &mut DbConn,
    org_id: OrgId,
    name: Option<String>,
    kind: Option<OrgKind>,
    weekly_digest: Option<bool>,
) -> QueryResult<()> {
    let target = organizations::table.find(org_id);
    if let Some(name) = name {
        diesel::update(target)
            .set(organizations::name.eq(name))
            .execute(conn)?;
    }
    if let Some(kind) = kind {
        diesel::update(target)
            .set(organizations::kind.eq(kind.as_str()))
            .execute(conn)?;
    }
    if let Some(on) = weekly_digest {
        diesel::update(target)
            .set(organizations::weekly_digest.eq(on))
            .execute(conn)?;
    }
    diesel::update(target)
        .set(organizations::updated_at.eq(Timestamp::now()))
        .execute(conn)?;
    Ok(())
}
