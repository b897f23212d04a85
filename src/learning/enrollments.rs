//! The enrollment endpoints: a trainee joins a published course they can see once its
//! prerequisites are completed, an instructor enrolls a cohort; withdrawing keeps the row (and
//! with it the history of attempts) and enrolling again reactivates it (see `store::enroll`).

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{self, EnrollmentRow};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::db::sql_types::{CohortId, CourseId, Id, Timestamp, UserId};
use crate::db::status::CourseStatus;
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_enroll, enroll)
        .add(__path_withdraw, withdraw)
        .add(__path_my_enrollments, my_enrollments)
        .add(__path_enroll_cohort, enroll_cohort);
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
    pub course_id: CourseId,
    pub course_title: String,
    /// active | withdrawn | completed
    pub status: String,
    /// self | cohort
    pub source: String,
    #[schema(value_type = String, format = DateTime)]
    pub enrolled_at: Timestamp,
}

fn view(row: EnrollmentRow) -> EnrollmentView {
    EnrollmentView {
        id: row.id,
        course_id: row.course_id,
        course_title: row.course_title,
        status: row.status,
        source: row.source,
        enrolled_at: row.enrolled_at,
    }
}

/// `user`'s enrollments (in `course_id` only, when given), newest first.
fn load(
    conn: &mut DbConn,
    user: UserId,
    course_id: Option<CourseId>,
) -> ApiResult<Vec<EnrollmentView>> {
    let rows = store::enrollments_of(conn, user, course_id)?;
    Ok(rows.into_iter().map(view).collect())
}

#[utoipa::path(post, path = "/api/v1/courses/{course_id}/enroll", tag = "learning", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 201, body = EnrollmentView), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "prerequisites_not_met: the report lists the courses to complete first")))]
pub async fn enroll(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let base = state.settings.public_url.clone();
    let view = db::transaction(&state.pool, move |conn| {
        let course = access::viewable(conn, Some(user.id), course_id)?;
        if course.status != CourseStatus::Published {
            return Err(ApiError::NotFound);
        }
        let missing = store::missing_prerequisites(conn, user.id, course.id)?;
        if !missing.is_empty() {
            return Err(prerequisites_error(&missing));
        }
        if !store::enroll(conn, &base, user.id, &course, "self")? {
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
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        if store::withdraw(conn, user.id, course_id)? == 0 {
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
    pub course_id: CourseId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CohortEnrollmentReport {
    pub enrolled: usize,
    pub already_enrolled: usize,
    /// Members not enrolled because they have not completed the course's prerequisites.
    #[schema(value_type = Vec<String>)]
    pub missing_prerequisites: Vec<UserId>,
}

#[utoipa::path(post, path = "/api/v1/cohorts/{cohort_id}/enrollments", tag = "learning", request_body = CohortEnrollmentRequest,
    security(("bearer" = [])), params(("cohort_id" = String, Path)),
    responses((status = 200, body = CohortEnrollmentReport, description = "Every member of the cohort is enrolled"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn enroll_cohort(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CohortId>,
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
        let members = store::cohort_member_ids(conn, cohort_id)?;
        let mut report = CohortEnrollmentReport {
            enrolled: 0,
            already_enrolled: 0,
            missing_prerequisites: Vec::new(),
        };
        for member in members {
            if !store::missing_prerequisites(conn, member, course.id)?.is_empty() {
                report.missing_prerequisites.push(member);
            } else if store::enroll(conn, &base, member, &course, "cohort")? {
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
