//! Regrading after an answer-key fix. Publishing never changes a graded attempt by itself; when an
//! author fixes a key, they ask for a regrade, which grades every closed attempt of the quiz again
//! with the questions of the current published version (matched by question id), keeps grades
//! given by hand, and records each changed question in `attempt_grade_events`.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::snapshot::quiz_of;
use super::store::quiz_home;
use super::store::{closed_attempts, record_grade_event, AttemptRow, GradeEvent};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::store::{parse_stored, version_files};
use crate::db::sql_types::{ItemId, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::learning::progress::Cause;
use crate::quizzes::{grade, grade_missing, parse_response, Draw};
use crate::state::AppState;
use crate::state::Ctx;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_regrade_quiz, regrade_quiz);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegradeReport {
    pub attempts_checked: usize,
    pub attempts_changed: usize,
    pub questions_changed: usize,
}

/// Regrades one attempt against `quiz`; returns how many questions changed.
fn regrade_attempt(
    conn: &mut DbConn,
    ctx: &Ctx,
    actor: UserId,
    attempt: &AttemptRow,
    quiz: &crate::courses::format::Quiz,
) -> ApiResult<usize> {
    let Some(mut result) = attempt.grade()? else {
        return Ok(0);
    };
    let saved = attempt.saved()?;
    let mut changed = 0;
    for snap in attempt.snapshots()? {
        let Some(question) = quiz.questions.iter().find(|q| q.id == snap.key) else {
            continue;
        };
        let Some(entry) = result
            .per_question
            .iter_mut()
            .find(|p| p.question_id == snap.key)
        else {
            continue;
        };
        // Essays are graded by hand; a regrade keeps that grade.
        if matches!(
            question.kind,
            crate::courses::format::QuestionKind::Essay { .. }
        ) {
            continue;
        }
        let draw: Draw = snap.draw.clone();
        let fresh = match saved
            .get(&snap.question_id.to_string())
            .map(|raw| parse_response(&question.kind, raw))
        {
            Some(Ok(response)) => grade(question, &response, &draw),
            _ => grade_missing(question),
        };
        if (fresh.score - entry.grade.score).abs() > 1e-9 || fresh.correct != entry.grade.correct {
            let event = GradeEvent {
                attempt_id: attempt.id,
                actor_id: actor,
                question_key: &snap.key,
                old_score: entry.grade.score,
                new_score: fresh.score,
                comment: "regrade after an answer-key change",
            };
            record_grade_event(conn, &event)?;
            entry.grade = fresh;
            changed += 1;
        }
    }
    if changed > 0 {
        result.retotal();
        super::graded::store_grade(conn, attempt.id, &result)?;
        // The student's quiz result, mastery and course completion follow the new grade.
        super::graded::grade_changed(conn, ctx, attempt, quiz, &result, Cause::Grading)?;
    }
    Ok(changed)
}

#[utoipa::path(post, path = "/api/v1/quizzes/{quiz_id}/regrade", tag = "learning", security(("bearer" = [])),
    params(("quiz_id" = String, Path)),
    responses((status = 200, body = RegradeReport), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn regrade_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let ctx = state.progress_ctx();
    let report = db::transaction(&state.pool, move |conn| {
        let (course_id, slug) = quiz_home(conn, quiz_id)?;
        let course = access::owned(conn, user.id, course_id)?;
        let version = course.published_version_id.ok_or(ApiError::NotFound)?;
        let file = parse_stored(&version_files(conn, version)?.1)?;
        let quiz = quiz_of(&file, &slug).cloned().ok_or(ApiError::NotFound)?;
        let attempts = closed_attempts(conn, quiz_id)?;
        let mut report = RegradeReport {
            attempts_checked: attempts.len(),
            attempts_changed: 0,
            questions_changed: 0,
        };
        for attempt in &attempts {
            let n = regrade_attempt(conn, &ctx, user.id, attempt, &quiz)?;
            if n > 0 {
                report.attempts_changed += 1;
                report.questions_changed += n;
            }
        }
        Ok(report)
    })
    .await?;
    tracing::info!(%quiz_id, changed = report.attempts_changed, "quiz regraded");
    Ok(HttpResponse::Ok().json(report))
}
