//! Cohorts and who is in them. A cohort's name is unique in its organization (409
//! `cohort_name_taken`); the handlers find a cohort's organization first (`access.rs`), so these
//! queries take the cohort by id.

use std::collections::HashMap;

use diesel::prelude::*;

use super::OrgsError;
use crate::db::sql_types::{CohortId, OrgId, Timestamp, UserId};
use crate::db::DbConn;
use crate::orgs::dto::{CohortMemberView, CohortView};
use crate::pagination::PageRequest;
use crate::schema::{cohort_members, cohorts, users};

type CohortColumns = (CohortId, OrgId, String, String, Timestamp);

fn cohort_columns() -> (
    cohorts::id,
    cohorts::org_id,
    cohorts::name,
    cohorts::description,
    cohorts::created_at,
) {
    (
        cohorts::id,
        cohorts::org_id,
        cohorts::name,
        cohorts::description,
        cohorts::created_at,
    )
}

fn view_of(
    (id, org_id, name, description, created_at): CohortColumns,
    member_count: i64,
) -> CohortView {
    CohortView {
        id,
        org_id,
        name,
        description,
        member_count,
        created_at,
    }
}

fn name_taken(e: diesel::result::Error) -> OrgsError {
    OrgsError::unless_unique(e, OrgsError::CohortNameTaken)
}

/// The cohort `cohort_id` with its member count.
pub fn view(conn: &mut DbConn, cohort_id: CohortId) -> QueryResult<CohortView> {
    let row: CohortColumns = cohorts::table
        .find(cohort_id)
        .select(cohort_columns())
        .first(conn)?;
    let member_count = cohort_members::table
        .filter(cohort_members::cohort_id.eq(cohort_id))
        .count()
        .get_result(conn)?;
    Ok(view_of(row, member_count))
}

/// A page of the cohorts of `org_id`, in two queries whatever the page size: the rows, then every
/// member count at once.
pub fn page(conn: &mut DbConn, org_id: OrgId, page: PageRequest) -> QueryResult<Vec<CohortView>> {
    let mut q = cohorts::table
        .filter(cohorts::org_id.eq(org_id))
        .select(cohort_columns())
        .order(cohorts::id)
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = page.after {
        q = q.filter(cohorts::id.gt(after));
    }
    let rows: Vec<CohortColumns> = q.load(conn)?;
    let ids: Vec<CohortId> = rows.iter().map(|r| r.0).collect();
    let counts: HashMap<CohortId, i64> = cohort_members::table
        .filter(cohort_members::cohort_id.eq_any(&ids))
        .group_by(cohort_members::cohort_id)
        .select((cohort_members::cohort_id, diesel::dsl::count_star()))
        .load::<(CohortId, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let count = counts.get(&row.0).copied().unwrap_or(0);
            view_of(row, count)
        })
        .collect())
}

fn insert(
    conn: &mut DbConn,
    org_id: OrgId,
    name: &str,
    description: &str,
) -> QueryResult<CohortId> {
    let id = CohortId::new();
    let now = Timestamp::now();
    diesel::insert_into(cohorts::table)
        .values((
            cohorts::id.eq(id),
            cohorts::org_id.eq(org_id),
            cohorts::name.eq(name),
            cohorts::description.eq(description),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Creates a cohort in `org_id`; returns its id.
pub fn create(
    conn: &mut DbConn,
    org_id: OrgId,
    name: &str,
    description: &str,
) -> Result<CohortId, OrgsError> {
    insert(conn, org_id, name, description).map_err(name_taken)
}

/// The id of the cohort of `org_id` named `name`, created (with no description) when there is
/// none; `true` when it was created.
pub fn find_or_create(
    conn: &mut DbConn,
    org_id: OrgId,
    name: &str,
) -> QueryResult<(CohortId, bool)> {
    let existing: Option<CohortId> = cohorts::table
        .filter(cohorts::org_id.eq(org_id))
        .filter(cohorts::name.eq(name))
        .select(cohorts::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Ok((id, false)),
        None => Ok((insert(conn, org_id, name, "")?, true)),
    }
}

/// Changes the given fields of `cohort_id` and stamps it updated.
pub fn update(
    conn: &mut DbConn,
    cohort_id: CohortId,
    name: Option<String>,
    description: Option<String>,
) -> Result<(), OrgsError> {
    let target = cohorts::table.find(cohort_id);
    if let Some(name) = name {
        diesel::update(target)
            .set(cohorts::name.eq(name))
            .execute(conn)
            .map_err(name_taken)?;
    }
    if let Some(description) = description {
        diesel::update(target)
            .set(cohorts::description.eq(description))
            .execute(conn)?;
    }
    diesel::update(target)
        .set(cohorts::updated_at.eq(Timestamp::now()))
        .execute(conn)?;
    Ok(())
}

/// Deletes `cohort_id`; its members stay members of the organization.
pub fn delete(conn: &mut DbConn, cohort_id: CohortId) -> QueryResult<()> {
    diesel::delete(cohort_members::table.filter(cohort_members::cohort_id.eq(cohort_id)))
        .execute(conn)?;
    diesel::delete(cohorts::table.find(cohort_id)).execute(conn)?;
    Ok(())
}

/// The members of `cohort_id`, by display name.
pub fn members(conn: &mut DbConn, cohort_id: CohortId) -> QueryResult<Vec<CohortMemberView>> {
    let rows: Vec<(UserId, String, String, Timestamp)> = cohort_members::table
        .inner_join(users::table)
        .filter(cohort_members::cohort_id.eq(cohort_id))
        .order(users::display_name)
        .select((
            users::id,
            users::email,
            users::display_name,
            cohort_members::added_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(user_id, email, display_name, added_at)| CohortMemberView {
                user_id,
                email,
                display_name,
                added_at,
            },
        )
        .collect())
}

/// Puts `user_ids` in `cohort_id`; those already in it stay as they were.
pub fn add_members(conn: &mut DbConn, cohort_id: CohortId, user_ids: &[UserId]) -> QueryResult<()> {
    let present: Vec<UserId> = cohort_members::table
        .filter(cohort_members::cohort_id.eq(cohort_id))
        .filter(cohort_members::user_id.eq_any(user_ids))
        .select(cohort_members::user_id)
        .load(conn)?;
    let now = Timestamp::now();
    for id in user_ids.iter().filter(|id| !present.contains(id)) {
        diesel::insert_into(cohort_members::table)
            .values((
                cohort_members::cohort_id.eq(cohort_id),
                cohort_members::user_id.eq(*id),
                cohort_members::added_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes `user_id` out of `cohort_id`; `false` when they were not in it.
pub fn remove_member(conn: &mut DbConn, cohort_id: CohortId, user_id: UserId) -> QueryResult<bool> {
    let removed = diesel::delete(
        cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort_id))
            .filter(cohort_members::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}
