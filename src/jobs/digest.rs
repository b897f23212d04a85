//! The weekly progress digest: once per ISO week, one email per org_admin of every organization
//! that turned `weekly_digest` on, with the organization's figures for the last 7 days and its most
//! recently active trainees. Only the organization's own and platform-wide courses count, so a
//! trainee's courses at another organization never show in this one's digest.

use chrono::Datelike;
use diesel::prelude::*;

use super::digest_email::{digest_message, OrgDigest, RecentTrainee};
use crate::db::sql_types::{Id, OrgId, Timestamp};
use crate::db::status::EnrollmentStatus;
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::ApiResult;
use crate::schema::{certificates, courses, enrollments, memberships, organizations, users};

/// The `job_runs.job` of the digest.
pub const JOB: &str = "weekly_digest";

/// (trainee, name, course title, percent, last activity, completed at) of one enrollment.
type ActivityRow = (
    Id,
    String,
    String,
    f64,
    Option<Timestamp>,
    Option<Timestamp>,
);

/// How many trainees the digest names.
const RECENT: usize = 5;

/// The ISO 8601 week of `at` (UTC), e.g. `2026-W49`; the week-numbering year may differ from the
/// calendar year around New Year.
pub fn iso_week(at: Timestamp) -> String {
    let week = at.0.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The start of the 7 days a digest sent at `now` covers.
pub fn window_start(now: Timestamp) -> Timestamp {
    now.plus(chrono::Duration::days(-7))
}

/// Queues the digests for the week of `now`; returns how many emails were queued. Call in the
/// transaction that claimed the week (see [`super::claim`]).
pub fn queue_weekly(conn: &mut DbConn, base: &str, now: Timestamp) -> ApiResult<usize> {
    let period = iso_week(now);
    let orgs: Vec<(OrgId, String)> = organizations::table
        .filter(organizations::weekly_digest.eq(true))
        .select((organizations::id, organizations::name))
        .order(organizations::id)
        .load(conn)?;
    let mut queued = 0;
    for (org_id, org_name) in orgs {
        let admins: Vec<(String, String)> = memberships::table
            .inner_join(users::table.on(users::id.eq(memberships::user_id)))
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
            .select((users::email, users::display_name))
            .order(users::email)
            .load(conn)?;
        if admins.is_empty() {
            continue;
        }
        let digest = gather(conn, org_id, org_name, now)?;
        for (email, name) in admins {
            crate::mail::enqueue(conn, &digest_message(base, &email, &name, &period, &digest))?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// One organization's figures for the 7 days before `now`.
pub fn gather(
    conn: &mut DbConn,
    org_id: OrgId,
    org_name: String,
    now: Timestamp,
) -> ApiResult<OrgDigest> {
    let since = window_start(now);
    let trainees = || {
        memberships::table
            .filter(memberships::org_id.eq(org_id))
            .filter(memberships::role.eq(Role::Student.as_str()))
            .select(memberships::user_id)
    };
    // The organization's trainees' enrollments in its own and platform-wide courses.
    let scoped = || {
        enrollments::table
            .inner_join(courses::table)
            .filter(enrollments::user_id.eq_any(trainees()))
            .filter(courses::org_id.eq(org_id).or(courses::org_id.is_null()))
            .filter(enrollments::status.ne(crate::word!(EnrollmentStatus::Withdrawn)))
    };
    let enrollment_count: i64 = scoped().count().get_result(conn)?;
    let active_trainees = scoped()
        .filter(enrollments::last_activity_at.ge(since))
        .select(enrollments::user_id)
        .distinct()
        .load::<Id>(conn)?
        .len() as i64;
    let completed_this_week: i64 = scoped()
        .filter(enrollments::completed_at.ge(since))
        .count()
        .get_result(conn)?;
    let certificates_this_week: i64 = certificates::table
        .inner_join(courses::table)
        .filter(certificates::user_id.eq_any(trainees()))
        .filter(courses::org_id.eq(org_id).or(courses::org_id.is_null()))
        .filter(certificates::issued_at.ge(since))
        .count()
        .get_result(conn)?;
    // The latest enrollments by activity; the first of each trainee is their latest. A bounded
    // read: enough rows to find 5 distinct trainees unless one has dozens of recent courses.
    let rows: Vec<ActivityRow> = scoped()
        .inner_join(users::table.on(users::id.eq(enrollments::user_id)))
        .filter(enrollments::last_activity_at.is_not_null())
        .select((
            enrollments::user_id,
            users::display_name,
            courses::title,
            enrollments::percent,
            enrollments::last_activity_at,
            enrollments::completed_at,
        ))
        .order((enrollments::last_activity_at.desc(), enrollments::id.desc()))
        .limit(200)
        .load(conn)?;
    Ok(OrgDigest {
        org_id: org_id.to_string(),
        org_name,
        active_trainees,
        enrollments: enrollment_count,
        completed_this_week,
        certificates_this_week,
        recent: most_recent(rows),
    })
}

/// The first row of each of the first [`RECENT`] distinct trainees of `rows` (newest first).
fn most_recent(rows: Vec<ActivityRow>) -> Vec<RecentTrainee> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (user, name, course_title, percent, last, completed) in rows {
        let Some(last_activity_at) = last else {
            continue;
        };
        if seen.contains(&user) {
            continue;
        }
        seen.push(user);
        out.push(RecentTrainee {
            name,
            course_title,
            percent,
            last_activity_at,
            completed: completed.is_some(),
        });
        if out.len() == RECENT {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp(s.parse().unwrap())
    }

    #[test]
    fn periods_are_iso_weeks_including_around_new_year() {
        assert_eq!(iso_week(at("2026-12-03T10:00:00Z")), "2026-W49");
        // Monday 00:00 starts a week; Sunday 23:59 still belongs to the previous one.
        assert_eq!(iso_week(at("2026-12-07T00:00:00Z")), "2026-W50");
        assert_eq!(iso_week(at("2026-12-06T23:59:59Z")), "2026-W49");
        // 1 January 2027 is a Friday: it belongs to the last week of 2026.
        assert_eq!(iso_week(at("2027-01-01T12:00:00Z")), "2026-W53");
        // 29 December 2025 is a Monday: week 1 of 2026.
        assert_eq!(iso_week(at("2025-12-29T08:00:00Z")), "2026-W01");
    }

    #[test]
    fn the_window_is_the_last_seven_days() {
        assert_eq!(
            window_start(at("2026-12-07T06:00:00Z")),
            at("2026-11-30T06:00:00Z")
        );
    }

    #[test]
    fn recent_trainees_are_distinct_and_at_most_five() {
        let ids: Vec<Id> = (0..7).map(|_| Id::new()).collect();
        let mut rows = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            for course in ["A", "B"] {
                rows.push((
                    *id,
                    format!("t{i}"),
                    course.to_owned(),
                    50.0,
                    Some(at("2026-12-01T00:00:00Z")),
                    None,
                ));
            }
        }
        let recent = most_recent(rows);
        assert_eq!(recent.len(), 5);
        assert_eq!(
            recent.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["t0", "t1", "t2", "t3", "t4"]
        );
        assert!(recent.iter().all(|r| r.course_title == "A"));
    }
}
