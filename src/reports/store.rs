//! The reports' queries. Every one is scoped to the organization in the path inside the query
//! (its student memberships, its own and platform-wide courses), so another organization's
//! trainees, courses and cohorts are simply not found.
//!
//! - [`cohort_in_org`]: the cohort filter of every report.
//! - [`progress_rows`]: a page of the progress report, keyset by (user id, course id).
//! - [`trainees`] and [`org_levels`]: a page of the competencies report, keyset by user id, and
//!   the page's levels.
//! - [`quiz_attempts_of`]: the attempts the quiz report counts.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::filters::Scope;
use crate::attempts::store::AttemptRow;
use crate::db::sql_types::{CohortId, CourseId, Id, ItemId, JsonValue, OrgId, Timestamp, UserId};
use crate::db::status::AttemptStatus;
use crate::db::DbConn;
use crate::learning::mastery::{level_from_evidence, CompetencyLevel};
use crate::schema::{
    cohort_members, cohorts, competency_evidence, competency_mastery, course_instructors, courses,
    enrollments, memberships, quiz_attempts, users,
};

/// Whether `cohort` is one of `org`'s cohorts.
pub fn cohort_in_org(conn: &mut DbConn, org: OrgId, cohort: CohortId) -> QueryResult<bool> {
    let in_org: i64 = cohorts::table
        .filter(cohorts::id.eq(cohort))
        .filter(cohorts::org_id.eq(org))
        .count()
        .get_result(conn)?;
    Ok(in_org > 0)
}

// A row of the progress report: one trainee's enrollment in one course, with the figures
// progress keeps current on the enrollment. (A plain comment: a doc comment would become the
// schema's description in the OpenAPI document.)
#[derive(Debug, Queryable, Serialize, ToSchema)]
pub struct ProgressRow {
    #[schema(value_type = String, format = Uuid)]
    pub enrollment_id: Id,
    #[schema(value_type = String, format = Uuid)]
    pub user_id: UserId,
    pub email: String,
    pub display_name: String,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub course_slug: String,
    pub course_title: String,
    /// The teaching language of the edition the trainee took.
    pub course_language: String,
    /// active | completed | withdrawn
    pub status: String,
    /// 0..=100
    pub percent: f64,
    /// Mean quiz result 0..=1.
    pub score: Option<f64>,
    pub lessons_done: i32,
    pub lessons_total: i32,
    pub quizzes_passed: i32,
    pub quizzes_total: i32,
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_activity_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
}

/// The keyset key of a progress row: (user id, course id).
pub type ProgressKey = (Id, Id);

/// Up to `limit` progress rows after the key `after`, in (user id, course id) order. The query is
/// driven by the organization's memberships (unique on (org_id, user_id)) and each trainee's
/// enrollments (unique on (user_id, course_id)), so a page costs the same wherever it starts and
/// whatever other organizations hold.
pub fn progress_rows(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<ProgressKey>,
    limit: i64,
) -> QueryResult<Vec<ProgressRow>> {
    let f = &scope.filters;
    let mut q = memberships::table
        .inner_join(enrollments::table.on(enrollments::user_id.eq(memberships::user_id)))
        .inner_join(users::table.on(users::id.eq(memberships::user_id)))
        .inner_join(courses::table.on(courses::id.eq(enrollments::course_id)))
        .filter(memberships::org_id.eq(scope.org))
        .filter(memberships::role.eq("student"))
        // The organization's own courses and platform-wide ones: never another organization's.
        .filter(courses::org_id.eq(scope.org).or(courses::org_id.is_null()))
        .select((
            enrollments::id,
            memberships::user_id,
            users::email,
            users::display_name,
            enrollments::course_id,
            courses::slug,
            courses::title,
            courses::language,
            enrollments::status,
            enrollments::percent,
            enrollments::score,
            enrollments::lessons_done,
            enrollments::lessons_total,
            enrollments::quizzes_passed,
            enrollments::quizzes_total,
            enrollments::enrolled_at,
            enrollments::last_activity_at,
            enrollments::completed_at,
        ))
        .order((memberships::user_id, enrollments::course_id))
        .limit(limit)
        .into_boxed();
    if let Some(cohort) = f.cohort {
        let members = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort))
            .select(cohort_members::user_id);
        q = q.filter(memberships::user_id.eq_any(members));
    }
    if let Some(course) = f.course {
        // A course's id finds its trainees in every edition of it; an edition's id, that one.
        q = q.filter(
            enrollments::course_id
                .eq(course)
                .or(courses::course_key.eq(course)),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(enrollments::last_activity_at.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(enrollments::last_activity_at.le(to));
    }
    if let Some(author) = scope.author {
        // Owner or co-instructor; within this organization's courses that is `is_author`.
        let taught = course_instructors::table
            .filter(course_instructors::user_id.eq(author))
            .select(course_instructors::course_id);
        q = q.filter(courses::owner_id.eq(author).or(courses::id.eq_any(taught)));
    }
    if let Some((user, course)) = after {
        // `user >= u` on both joined tables bounds both index ranges (PostgreSQL does not carry
        // the bound across the join by itself); the rest skips what the last page showed.
        q = q
            .filter(memberships::user_id.ge(user))
            .filter(enrollments::user_id.ge(user))
            .filter(
                memberships::user_id
                    .gt(user)
                    .or(enrollments::course_id.gt(course)),
            );
    }
    q.load(conn)
}

/// A trainee of the competencies report: user id, email, display name, target markets (JSON).
pub type TraineeRow = (UserId, String, String, JsonValue);

/// Up to `limit` trainees of the competencies report after the user id `after`, in user id order
/// (driven by the organization's memberships, unique on (org_id, user_id)).
pub fn trainees(
    conn: &mut DbConn,
    scope: &Scope,
    after: Option<Id>,
    limit: i64,
) -> QueryResult<Vec<TraineeRow>> {
    let f = &scope.filters;
    let mut q = memberships::table
        .inner_join(users::table)
        .filter(memberships::org_id.eq(scope.org))
        .filter(memberships::role.eq("student"))
        .select((
            memberships::user_id,
            users::email,
            users::display_name,
            users::target_markets,
        ))
        .order(memberships::user_id)
        .limit(limit)
        .into_boxed();
    if let Some(cohort) = f.cohort {
        let members = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort))
            .select(cohort_members::user_id);
        q = q.filter(memberships::user_id.eq_any(members));
    }
    // Enrolled in the course asked for and/or in one the instructor authors; only the
    // organization's own or platform-wide courses say anything here. (One statement shape per
    // case: a boxed subquery cannot run on the multi-backend connection.)
    macro_rules! enrolled {
        () => {
            enrollments::table
                .inner_join(courses::table)
                .filter(courses::org_id.eq(scope.org).or(courses::org_id.is_null()))
                .select(enrollments::user_id)
        };
    }
    macro_rules! authored_by {
        ($author:expr) => {
            courses::owner_id.eq($author).or(courses::id.eq_any(
                course_instructors::table
                    .filter(course_instructors::user_id.eq($author))
                    .select(course_instructors::course_id),
            ))
        };
    }
    match (f.course, scope.author) {
        (None, None) => {}
        (Some(course), None) => {
            let ids = enrolled!().filter(enrollments::course_id.eq(course));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
        (None, Some(author)) => {
            let ids = enrolled!().filter(authored_by!(author));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
        (Some(course), Some(author)) => {
            let ids = enrolled!()
                .filter(enrollments::course_id.eq(course))
                .filter(authored_by!(author));
            q = q.filter(memberships::user_id.eq_any(ids));
        }
    }
    if f.from.is_some() || f.to.is_some() {
        // Open ends stand for "any time"; one statement shape for both bounds.
        let from = f
            .from
            .unwrap_or_else(|| Timestamp::from(DateTime::UNIX_EPOCH));
        let to = f.to.unwrap_or_else(end_of_time);
        let updated = competency_mastery::table
            .filter(competency_mastery::updated_at.ge(from))
            .filter(competency_mastery::updated_at.le(to))
            .select(competency_mastery::user_id);
        q = q.filter(memberships::user_id.eq_any(updated));
    }
    if let Some(after) = after {
        q = q.filter(memberships::user_id.gt(after));
    }
    q.load(conn)
}

/// Later than any stored timestamp (and, as SQLite text, sorting after every one).
fn end_of_time() -> Timestamp {
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .unwrap_or_default();
    Timestamp::from(Utc.from_utc_datetime(&last))
}

/// The levels of `users` counting only evidence from `org`'s own courses and platform-wide ones:
/// what a trainee showed in another organization's internal course is that organization's
/// business, not this report's. One query for the page's evidence, newest first per competency.
pub fn org_levels(
    conn: &mut DbConn,
    org: OrgId,
    users: &[UserId],
) -> QueryResult<BTreeMap<UserId, BTreeMap<String, CompetencyLevel>>> {
    let evidence: Vec<(UserId, String, f64)> = competency_evidence::table
        .inner_join(quiz_attempts::table.on(quiz_attempts::id.eq(competency_evidence::attempt_id)))
        .inner_join(courses::table.on(courses::id.eq(quiz_attempts::course_id)))
        .filter(competency_evidence::user_id.eq_any(users))
        .filter(courses::org_id.eq(org).or(courses::org_id.is_null()))
        .order((
            competency_evidence::user_id,
            competency_evidence::competency,
            competency_evidence::observed_at.desc(),
            competency_evidence::attempt_id.desc(),
        ))
        .select((
            competency_evidence::user_id,
            competency_evidence::competency,
            competency_evidence::share,
        ))
        .load(conn)?;
    let mut shares: BTreeMap<UserId, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for (user, code, share) in evidence {
        shares
            .entry(user)
            .or_default()
            .entry(code)
            .or_default()
            .push(share);
    }
    Ok(shares
        .into_iter()
        .map(|(user, codes)| {
            let levels = codes
                .into_iter()
                .filter_map(|(code, s)| level_from_evidence(&s).map(|l| (code, l)))
                .collect();
            (user, levels)
        })
        .collect())
}

/// The closed attempts on `quiz_id` of `org_id`'s members, narrowed to the members of `cohort`
/// (checked to be the organization's by the caller) and to a submission time range.
pub fn quiz_attempts_of(
    conn: &mut DbConn,
    org_id: OrgId,
    quiz_id: ItemId,
    cohort: Option<CohortId>,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
) -> QueryResult<Vec<AttemptRow>> {
    let members = memberships::table
        .filter(memberships::org_id.eq(org_id))
        .select(memberships::user_id);
    let mut q = quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
        .filter(quiz_attempts::user_id.eq_any(members))
        .select(AttemptRow::as_select())
        .into_boxed();
    if let Some(cohort) = cohort {
        let ids = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort))
            .select(cohort_members::user_id);
        q = q.filter(quiz_attempts::user_id.eq_any(ids));
    }
    if let Some(from) = from {
        q = q.filter(quiz_attempts::submitted_at.ge(from));
    }
    if let Some(to) = to {
        q = q.filter(quiz_attempts::submitted_at.le(to));
    }
    q.load(conn)
}
