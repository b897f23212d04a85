//! Enrollment: a trainee joins a published course they can see; withdrawing keeps the row (and
//! with it the history of attempts) and enrolling again reactivates it.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::AuthUser;
use crate::courses::access;
use crate::db::sql_types::{Id, Timestamp};
use crate::db::status::CourseStatus;
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::{cohort_members, courses, enrollments, users};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_enroll, enroll)
        .add(__path_withdraw, withdraw)
        .add(__path_my_enrollments, my_enrollments)
        .add(__path_enroll_cohort, enroll_cohort);
}

/// Enrolls `user` (or reactivates a withdrawn enrollment) and queues the welcome email; returns
/// false when already enrolled.
fn enroll_one(
    conn: &mut DbConn,
    base: &str,
    user: Id,
    course: &crate::courses::store::CourseRow,
    source: &str,
) -> ApiResult<bool> {
    let now = Timestamp::now();
    let existing: Option<(Id, String)> = enrollments::table
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course.id))
        .select((enrollments::id, enrollments::status))
        .first(conn)
        .optional()?;
    match existing {
        Some((_, status)) if status != "withdrawn" => return Ok(false),
        Some((id, _)) => {
            diesel::update(enrollments::table.find(id))
                .set((
                    enrollments::status.eq("active"),
                    enrollments::enrolled_at.eq(now),
                    enrollments::withdrawn_at.eq(None::<Timestamp>),
                ))
                .execute(conn)?;
        }
        None => {
            // Totals from the start, so reports show "0 of 12 lessons" before any activity.
            let (lessons, quizzes) = match super::progress::published_file(conn, course.id)? {
                Some(file) => super::progress::items_of(course.id, &file),
                None => (Vec::new(), Vec::new()),
            };
            diesel::insert_into(enrollments::table)
                .values((
                    enrollments::id.eq(Id::new()),
                    enrollments::user_id.eq(user),
                    enrollments::course_id.eq(course.id),
                    enrollments::status.eq("active"),
                    enrollments::source.eq(source),
                    enrollments::enrolled_at.eq(now),
                    enrollments::lessons_total.eq(lessons.len() as i32),
                    enrollments::quizzes_total.eq(quizzes.len() as i32),
                ))
                .execute(conn)?;
        }
    }
    let (email, name): (String, String) = users::table
        .find(user)
        .select((users::email, users::display_name))
        .first(conn)?;
    crate::mail::enqueue(
        conn,
        &crate::mail::templates::enrolled(
            base,
            &email,
            &name,
            &course.title,
            &course.id.to_string(),
        ),
    )?;
    Ok(true)
}

/// The prerequisite courses (slug, title) of `course_id` that `user` has not completed.
pub fn missing_prerequisites(
    conn: &mut DbConn,
    user: Id,
    course_id: Id,
) -> ApiResult<Vec<(String, String)>> {
    let Some(file) = super::progress::published_file(conn, course_id)? else {
        return Ok(Vec::new());
    };
    let required = &file.course.prerequisites;
    if required.is_empty() {
        return Ok(Vec::new());
    }
    // A prerequisite names a course as the course's authors see it (their organization's own
    // course of that slug, else the platform-wide one); completing any edition of it (the same
    // course in another language) satisfies it.
    let org: Option<Id> = courses::table
        .find(course_id)
        .select(courses::org_id)
        .first(conn)?;
    let mut resolved: Vec<(String, Option<(Id, String)>)> = Vec::with_capacity(required.len());
    for slug in required {
        let course = crate::courses::store::resolve_slug(conn, org, slug)?;
        resolved.push((slug.clone(), course.map(|c| (c.course_key, c.title))));
    }
    let keys: Vec<Id> = resolved
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|(key, _)| *key))
        .collect();
    let completed_keys: Vec<Id> = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::status.eq("completed"))
        .filter(courses::course_key.eq_any(&keys))
        .select(courses::course_key)
        .load(conn)?;
    Ok(resolved
        .into_iter()
        .filter(|(_, c)| {
            !c.as_ref()
                .is_some_and(|(key, _)| completed_keys.contains(key))
        })
        .map(|(slug, c)| {
            let title = c.map_or_else(|| slug.clone(), |(_, title)| title);
            (slug, title)
        })
        .collect())
}

fn prerequisites_error(missing: &[(String, String)]) -> ApiError {
    ApiError::Unprocessable {
        code: "prerequisites_not_met",
        detail: format!(
            "Complete these courses first: {}.",
            missing
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        report: Some(serde_json::json!({
            "missing_prerequisites": missing
                .iter()
                .map(|(slug, title)| serde_json::json!({"slug": slug, "title": title}))
                .collect::<Vec<_>>()
        })),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnrollmentView {
    #[schema(value_type = String, format = Uuid)]
    pub id: Id,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: Id,
    pub course_title: String,
    /// active | withdrawn | completed
    pub status: String,
    /// self | cohort
    pub source: String,
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
}

fn load(conn: &mut DbConn, user: Id, course_id: Option<Id>) -> QueryResult<Vec<EnrollmentView>> {
    let mut q = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .select((
            enrollments::id,
            enrollments::course_id,
            courses::title,
            enrollments::status,
            enrollments::source,
            enrollments::enrolled_at,
        ))
        .order(enrollments::enrolled_at.desc())
        .into_boxed();
    if let Some(c) = course_id {
        q = q.filter(enrollments::course_id.eq(c));
    }
    let rows: Vec<(Id, Id, String, String, String, Timestamp)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, course_id, course_title, status, source, enrolled_at)| EnrollmentView {
                id,
                course_id,
                course_title,
                status,
                source,
                enrolled_at,
            },
        )
        .collect())
}

#[utoipa::path(post, path = "/api/v1/courses/{course_id}/enroll", tag = "learning", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 201, body = EnrollmentView), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "prerequisites_not_met: the report lists the courses to complete first")))]
pub async fn enroll(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let base = state.settings.public_url.clone();
    let view = db::transaction(&state.pool, move |conn| {
        let course = access::viewable(conn, Some(user.id), course_id)?;
        if course.status != CourseStatus::Published {
            return Err(ApiError::NotFound);
        }
        let missing = missing_prerequisites(conn, user.id, course.id)?;
        if !missing.is_empty() {
            return Err(prerequisites_error(&missing));
        }
        if !enroll_one(conn, &base, user.id, &course, "self")? {
            return Err(ApiError::conflict(
                "already_enrolled",
                "You are already enrolled in this course.",
            ));
        }
        load(conn, user.id, Some(course_id))?
            .pop()
            .ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(get, path = "/api/v1/me/enrollments", tag = "learning", security(("bearer" = [])),
    responses((status = 200, body = Vec<EnrollmentView>), (status = 401, body = Problem)))]
pub async fn my_enrollments(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let list = db::run(&state.pool, move |conn| {
        let mut list = load(conn, user.id, None)?;
        if !list.iter().any(|e| e.status == "completed") {
            return Ok(list);
        }
        // A completion that rests on a result the review policy still hides is not shown yet.
        let hidden = super::visibility::hidden_results(conn, user.id, None)?;
        for e in list.iter_mut().filter(|e| e.status == "completed") {
            let shown = super::visibility::student_figures(conn, user.id, e.course_id, &hidden)?;
            if shown.is_some_and(|f| !f.complete) {
                e.status = "active".into();
            }
        }
        Ok(list)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

#[utoipa::path(delete, path = "/api/v1/courses/{course_id}/enroll", tag = "learning", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 204, description = "Withdrawn; attempts and history are kept"), (status = 404, body = Problem)))]
pub async fn withdraw(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let n = diesel::update(
            enrollments::table
                .filter(enrollments::user_id.eq(user.id))
                .filter(enrollments::course_id.eq(course_id))
                .filter(enrollments::status.eq("active")),
        )
        .set((
            enrollments::status.eq("withdrawn"),
            enrollments::withdrawn_at.eq(Timestamp::now()),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(ApiError::NotFound);
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortEnrollmentRequest {
    #[schema(value_type = String, format = Uuid)]
    pub course_id: Id,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortEnrollmentReport {
    pub enrolled: usize,
    pub already_enrolled: usize,
    /// Members not enrolled because they have not completed the course's prerequisites.
    #[schema(value_type = Vec<String>)]
    pub missing_prerequisites: Vec<Id>,
}

#[utoipa::path(post, path = "/api/v1/cohorts/{cohort_id}/enrollments", tag = "learning", request_body = CohortEnrollmentRequest,
    security(("bearer" = [])), params(("cohort_id" = String, Path)),
    responses((status = 200, body = CohortEnrollmentReport, description = "Every member of the cohort is enrolled"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enroll_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<CohortEnrollmentRequest>,
) -> ApiResult<HttpResponse> {
    let cohort_id = path.into_inner();
    let course_id = body.into_inner().course_id;
    let base = state.settings.public_url.clone();
    let report = db::transaction(&state.pool, move |conn| {
        let org_id =
            crate::orgs::access::require_cohort_role(conn, user.id, cohort_id, Role::Instructor)?;
        let course = access::viewable(conn, Some(user.id), course_id)?;
        // Platform-wide courses or the organization's own; never another organization's course.
        if course.status != CourseStatus::Published || course.org_id.is_some_and(|o| o != org_id) {
            return Err(ApiError::NotFound);
        }
        let members: Vec<Id> = cohort_members::table
            .filter(cohort_members::cohort_id.eq(cohort_id))
            .select(cohort_members::user_id)
            .load(conn)?;
        let mut report = CohortEnrollmentReport {
            enrolled: 0,
            already_enrolled: 0,
            missing_prerequisites: Vec::new(),
        };
        for member in members {
            if !missing_prerequisites(conn, member, course.id)?.is_empty() {
                report.missing_prerequisites.push(member);
            } else if enroll_one(conn, &base, member, &course, "cohort")? {
                report.enrolled += 1;
            } else {
                report.already_enrolled += 1;
            }
        }
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
