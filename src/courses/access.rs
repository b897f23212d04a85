//! Who may see and edit a course, decided in queries keyed by the caller. A course the caller may
//! not see is `NotFound`; one they may see but not edit is `Forbidden`.

use diesel::prelude::*;

use super::store::{find_course, CourseRow};
use crate::db::sql_types::{CourseId, UserId};
use crate::db::status::CourseStatus;
use crate::db::status::EnrollmentStatus;
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::ApiError;
use crate::orgs::access::{is_platform_admin, Viewer};
use crate::schema::{course_instructors, enrollments};

/// Owner or co-instructor who is still an instructor or org admin of the course's organization;
/// platform admins edit the platform-wide catalog (courses without owner) and every other course.
/// Leaving the organization, or becoming a student there, ends authoring rights at once.
pub fn is_author(conn: &mut DbConn, user: UserId, course: &CourseRow) -> QueryResult<bool> {
    let viewer = Viewer::load(conn, user)?;
    Ok(authors(&viewer, course, &co_instructors(conn, course.id)?))
}

/// The co-instructors of `course_id`.
pub fn co_instructors(conn: &mut DbConn, course_id: CourseId) -> QueryResult<Vec<UserId>> {
    course_instructors::table
        .filter(course_instructors::course_id.eq(course_id))
        .select(course_instructors::user_id)
        .load(conn)
}

/// [`is_author`], decided from what was read: the viewer and the course's co-instructors.
pub fn authors(viewer: &Viewer, course: &CourseRow, co_instructors: &[UserId]) -> bool {
    if viewer.admin {
        return true;
    }
    let named = course.owner_id == Some(viewer.id) || co_instructors.contains(&viewer.id);
    named
        && match course.org_id {
            Some(org) => viewer.role_in(org).is_some_and(|r| r >= Role::Instructor),
            None => true,
        }
}

/// Published courses are seen by everyone (an organization's own courses by its members only);
/// drafts and archived courses by their authors and the organization's staff.
pub fn can_view(conn: &mut DbConn, user: Option<UserId>, course: &CourseRow) -> QueryResult<bool> {
    if open_to_all(course) {
        // Who the viewer is changes nothing (see `sees`): no need to read it.
        return Ok(true);
    }
    let viewer = user.map(|u| Viewer::load(conn, u)).transpose()?;
    let co = match &viewer {
        Some(_) => co_instructors(conn, course.id)?,
        None => Vec::new(),
    };
    Ok(sees(viewer.as_ref(), course, &co))
}

/// [`can_view`], decided from what was read: the viewer (None: anonymous) and the course's
/// co-instructors.
pub fn sees(viewer: Option<&Viewer>, course: &CourseRow, co_instructors: &[UserId]) -> bool {
    let Some(viewer) = viewer else {
        return open_to_all(course);
    };
    if authors(viewer, course, co_instructors) {
        return true;
    }
    let role = course.org_id.and_then(|org| viewer.role_in(org));
    match course.status {
        CourseStatus::Published => course.org_id.is_none() || role.is_some(),
        _ => role.is_some_and(|r| r >= Role::Instructor),
    }
}

/// A published course of no organization: anyone may see it, signed in or not.
fn open_to_all(course: &CourseRow) -> bool {
    course.status == CourseStatus::Published && course.org_id.is_none()
}

/// The course, if the caller may see it.
pub fn viewable(
    conn: &mut DbConn,
    user: Option<UserId>,
    course_id: CourseId,
) -> Result<CourseRow, ApiError> {
    let course = find_course(conn, course_id)?;
    if can_view(conn, user, &course)? {
        Ok(course)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The course, if the caller may edit it.
pub fn editable(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
) -> Result<CourseRow, ApiError> {
    let course = viewable(conn, Some(user), course_id)?;
    if is_author(conn, user, &course)? {
        Ok(course)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// The course, if the caller owns it (publishing, archiving and deleting are the owner's).
pub fn owned(conn: &mut DbConn, user: UserId, course_id: CourseId) -> Result<CourseRow, ApiError> {
    let course = editable(conn, user, course_id)?;
    if course.owner_id == Some(user) || is_platform_admin(conn, user)? {
        Ok(course)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Whether `user` is actively enrolled in `course_id`.
pub fn is_enrolled(conn: &mut DbConn, user: UserId, course_id: CourseId) -> QueryResult<bool> {
    let n: i64 = enrollments::table
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::status.eq_any(EnrollmentStatus::ENROLLED))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}
