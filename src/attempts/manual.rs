//! The instructor side of attempts: the queue of essays waiting for a grade, and grades given by
//! hand. A hand grade changes a submitted attempt, so each one is written to
//! `attempt_grade_events` with its author, the old and new score and a comment.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::store::quiz_home;
use super::store::{self, questions_of};
use super::view::{attempt_view, AttemptView};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::db::sql_types::{AttemptId, ItemId, Timestamp, UserId};
use crate::db::status::AttemptStatus;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::learning::progress::Cause;
use crate::quizzes::{Correctness, QuizGrade};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_grading_queue, grading_queue)
        .add(__path_grade_by_hand, grade_by_hand);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    #[schema(value_type = String, format = Uuid)]
    pub attempt_id: AttemptId,
    #[schema(value_type = String, format = Uuid)]
    pub student_id: UserId,
    pub student_name: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<Timestamp>,
    /// Questions of the attempt still waiting for a grade, with the student's response.
    pub pending: Vec<PendingQuestion>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PendingQuestion {
    #[schema(value_type = String, format = Uuid)]
    pub question_id: ItemId,
    pub prompt: String,
    pub points: f64,
    #[schema(value_type = crate::quizzes::wire::ResponseBody)]
    pub response: serde_json::Value,
}

/// The course of a quiz, if the caller authors it.
fn authored_quiz(conn: &mut DbConn, user: UserId, quiz_id: ItemId) -> ApiResult<String> {
    let (course_id, slug) = quiz_home(conn, quiz_id)?;
    access::editable(conn, user, course_id)?;
    Ok(slug)
}

#[utoipa::path(get, path = "/api/v1/quizzes/{quiz_id}/grading-queue", tag = "learning", security(("bearer" = [])),
    params(("quiz_id" = String, Path)),
    responses((status = 200, body = Vec<QueueItem>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn grading_queue(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let queue = db::run(&state.pool, move |conn| {
        let slug = authored_quiz(conn, user.id, quiz_id)?;
        let rows = store::awaiting_grading(conn, quiz_id, 200)?;
        let mut items = Vec::with_capacity(rows.len());
        for (attempt, student_name) in rows {
            let (_, quiz) = store::source(conn, &attempt, &slug)?;
            let grade = attempt.grade()?;
            let saved = attempt.saved()?;
            let pending = questions_of(&quiz, &attempt.snapshots()?)
                .into_iter()
                .filter(|(q, _, _)| {
                    grade.as_ref().is_some_and(|g| {
                        g.per_question.iter().any(|p| {
                            p.question_id == q.id && p.grade.correct == Correctness::NeedsGrading
                        })
                    })
                })
                .map(|(q, _, snap)| PendingQuestion {
                    question_id: snap.question_id,
                    prompt: q.prompt.clone(),
                    points: q.points,
                    response: saved
                        .get(&snap.question_id.to_string())
                        .cloned()
                        .unwrap_or(serde_json::Value::Null),
                })
                .collect();
            items.push(QueueItem {
                attempt_id: attempt.id,
                student_id: attempt.user_id,
                student_name,
                submitted_at: attempt.submitted_at,
                pending,
            });
        }
        Ok(items)
    })
    .await?;
    Ok(HttpResponse::Ok().json(queue))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRequest {
    #[schema(value_type = String, format = Uuid)]
    pub question_id: ItemId,
    /// 0..=the question's points.
    pub score: f64,
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/v1/attempts/{attempt_id}/grades", tag = "learning", request_body = GradeRequest, security(("bearer" = [])),
    params(("attempt_id" = String, Path)),
    responses((status = 200, body = AttemptView, description = "The attempt with the new grade (audited)"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn grade_by_hand(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<AttemptId>,
    body: web::Json<GradeRequest>,
) -> ApiResult<HttpResponse> {
    let attempt_id = path.into_inner();
    let b = body.into_inner();
    if !b.score.is_finite() {
        return Err(ApiError::invalid("score", "must be a finite number"));
    }
    if b.comment.chars().count() > 5000 {
        return Err(ApiError::invalid(
            "comment",
            "must have at most 5000 characters",
        ));
    }
    let ctx = state.progress_ctx();
    let view = db::transaction(&state.pool, move |conn| {
        let attempt = store::readable_attempt(conn, user.id, attempt_id)?;
        let slug = authored_quiz(conn, user.id, attempt.quiz_id)?;
        if attempt.status == AttemptStatus::Open {
            return Err(ApiError::conflict(
                "attempt_open",
                "The attempt is still open.",
            ));
        }
        let (_, quiz) = store::source(conn, &attempt, &slug)?;
        let questions = questions_of(&quiz, &attempt.snapshots()?);
        let (question, _, _) = questions
            .iter()
            .find(|(_, _, s)| s.question_id == b.question_id)
            .ok_or_else(|| ApiError::invalid("question_id", "is not a question of this attempt"))?;
        if b.score < 0.0 || b.score > question.points {
            return Err(ApiError::invalid(
                "score",
                format!("must be between 0 and {}", question.points),
            ));
        }
        let mut grade: QuizGrade = attempt.grade()?.ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!("closed attempt without a result"))
        })?;
        let entry = grade
            .per_question
            .iter_mut()
            .find(|p| p.question_id == question.id)
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("question missing from the result"))
            })?;
        let old_score = entry.grade.score;
        entry.grade.score = b.score;
        entry.grade.correct = if b.score >= question.points {
            Correctness::Correct
        } else if b.score <= 0.0 {
            Correctness::Incorrect
        } else {
            Correctness::Partial
        };
        grade.retotal();
        super::graded::store_grade(conn, attempt.id, &grade)?;
        let event = store::GradeEvent {
            attempt_id: attempt.id,
            actor_id: user.id,
            question_key: &question.id,
            old_score,
            new_score: b.score,
            comment: &b.comment,
        };
        store::record_grade_event(conn, &event)?;
        super::graded::grade_changed(conn, &ctx, &attempt, &quiz, &grade, Cause::Grading)?;
        let attempt = store::readable_attempt(conn, user.id, attempt_id)?;
        Ok(attempt_view(&attempt, &quiz, true)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
