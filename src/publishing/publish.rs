//! `POST /courses/{course_id}/publish`: the draft becomes the version trainees see.

use actix_web::{web, HttpResponse};

use crate::auth::AuthUser;
use crate::courses::dto::CourseView;
use crate::courses::{access, store, views};
use crate::db::sql_types::CourseId;
use crate::db::status::CourseStatus;
use crate::db::{self};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

/// Publishes the draft: it becomes the version students see. A draft is published when nothing
/// blocks it (the list of `GET /courses/{course_id}/problems`):
///
/// - every module has at least one lesson or a quiz;
/// - every lesson ends with a `## Sources` section listing at least one source;
/// - every quiz has at least one question;
/// - an edition matches its original (see Editions).
///
/// Otherwise the answer is 422 `publish_blocked` with that list as `report`, and nothing is
/// published.
#[utoipa::path(post, path = "/api/v1/courses/{course_id}/publish", tag = "authoring", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 200, body = CourseView, description = "The draft is now the published version"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "`publish_blocked`: `report` lists what blocks publishing")))]
pub async fn publish_course(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let ctx = state.progress_ctx();
    let view = db::transaction(&state.pool, move |conn| {
        let course = access::owned(conn, user.id, course_id)?;
        if !store::publish_draft(conn, &course)? {
            if course.status == CourseStatus::Archived && course.published_version_id.is_some() {
                store::set_status(conn, course.id, CourseStatus::Published)?;
            } else {
                return Err(ApiError::conflict(
                    "nothing_to_publish",
                    "The course has no draft changes to publish.",
                ));
            }
        }
        // Enrolled trainees' figures follow the new set of lessons and quizzes.
        crate::learning::progress::course_republished(conn, &ctx, course_id)?;
        let course = store::find_course(conn, course_id)?;
        let version = course.published_version_id.ok_or(ApiError::NotFound)?;
        views::course_view(conn, course, version)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
