//! Attempt endpoints: start, read, autosave and submit. Each runs in one transaction, but for the
//! common start, which reads once and writes only the new attempt (see `start_quickly`); races
//! (parallel starts against the attempt limit, parallel submits) are settled by the database: a
//! unique (quiz, student, number) index and updates conditional on `status = 'open'`.

use crate::api_routes::ApiRoutes;
use std::collections::BTreeMap;

use actix_web::{http::StatusCode, web, HttpRequest, HttpResponse};
use chrono::Duration;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::idempotency;
use super::snapshot::Snapshot;
use super::snapshot::{build, quiz_of};
use super::store::{self, own_attempt, questions_of, quiz_home, settle, AttemptRow};
use super::view::{attempt_view, view_of, AttemptView};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::format::Question;
use crate::courses::store::parsed_version;
use crate::courses::store::CourseRow;
use crate::db::sql_types::{AttemptId, CourseId, ItemId, Timestamp, UserId};
use crate::db::status::AttemptStatus;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, FieldError, Problem};
use crate::quizzes::parse_response;
use crate::quizzes::Draw;
use crate::state::AppState;
use crate::state::Ctx;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_start_attempt, start_attempt)
        .add(__path_get_attempt, get_attempt)
        .add(__path_save_answers, save_answers)
        .add(__path_submit_attempt, submit_attempt);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    #[schema(value_type = String, format = Uuid)]
    pub question_id: ItemId,
    /// The response in the shape of the question's kind, e.g. `{"choice":"b"}`.
    #[schema(value_type = crate::quizzes::wire::ResponseBody)]
    pub response: Value,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersRequest {
    pub answers: Vec<AnswerInput>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    #[serde(default)]
    pub answers: Option<Vec<AnswerInput>>,
}

/// The submit body: nothing at all submits what was autosaved; anything else must be a valid
/// `SubmitRequest`. A body that is not JSON, names an unknown field or has a wrong type is 422
/// before the attempt is touched, because a submit cannot be taken back.
fn parse_submit_body(raw: &[u8]) -> ApiResult<SubmitRequest> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Ok(SubmitRequest::default());
    }
    serde_json::from_slice(raw).map_err(|e| ApiError::Unprocessable {
        code: "invalid_body",
        detail: format!(
            "The submit body is not a valid submission ({e}); the attempt is still open."
        ),
        report: None,
    })
}

/// Responses in a request are many at most as the attempt has questions; each must be for one of
/// the attempt's questions and in its kind's shape.
fn merge_answers(
    attempt: &AttemptRow,
    questions: &[(Question, Draw, Snapshot)],
    input: Vec<AnswerInput>,
) -> ApiResult<BTreeMap<String, Value>> {
    if input.len() > questions.len() {
        return Err(ApiError::invalid(
            "answers",
            format!(
                "lists more answers than the attempt's {} questions",
                questions.len()
            ),
        ));
    }
    let mut saved = attempt.saved()?;
    let mut errors = Vec::new();
    for (i, a) in input.into_iter().enumerate() {
        match questions
            .iter()
            .find(|(_, _, s)| s.question_id == a.question_id)
        {
            None => errors.push(FieldError::new(
                format!("answers[{i}].question_id"),
                "is not a question of this attempt",
            )),
            Some((q, _, _)) => match parse_response(&q.kind, &a.response) {
                Ok(_) => {
                    saved.insert(a.question_id.to_string(), a.response);
                }
                Err(e) => errors.push(FieldError::new(
                    format!("answers[{i}].response.{}", e.field())
                        .trim_end_matches('.')
                        .to_owned(),
                    format!("{} ({})", e, e.code()),
                )),
            },
        }
    }
    if errors.is_empty() {
        Ok(saved)
    } else {
        Err(ApiError::Validation(errors))
    }
}

fn json_response(status: u16, body: String) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::OK))
        .content_type("application/json")
        .body(body)
}

#[utoipa::path(post, path = "/api/v1/quizzes/{quiz_id}/attempts", tag = "learning", security(("bearer" = [])),
    params(("quiz_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first response for the same key")),
    responses((status = 201, body = AttemptView, description = "The attempt with its questions and deadline; no answer keys"),
        (status = 403, body = Problem, description = "Not enrolled"), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "attempt_limit_reached or attempt_in_progress"), (status = 422, body = Problem)))]
pub async fn start_attempt(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let key = idempotency::key_of(&req)?;
    let hash = idempotency::fingerprint(&format!("start {quiz_id}"), &Value::Null);
    let seed: u64 = rand::random();
    let ctx = state.progress_ctx();
    let (status, body) = db::run(&state.pool, move |conn| {
        let (course_id, module_slug) = quiz_home(conn, quiz_id)?;
        if key.is_none() {
            if let Some(body) =
                start_quickly(conn, user.id, quiz_id, (course_id, &module_slug), seed)?
            {
                return Ok((201, body));
            }
        }
        db::in_transaction(conn, |conn| {
            let course = access::viewable(conn, Some(user.id), course_id)?;
            // Lock first, then look for a replay: a parallel request with the same key waits
            // here and then finds the committed record.
            if !store::lock_enrollment(conn, user.id, course_id)? {
                return Err(ApiError::Forbidden);
            }
            if let Some(k) = &key {
                if let Some(replayed) = idempotency::replay(conn, user.id, k, &hash)? {
                    return Ok(replayed);
                }
            }
            let newest = store::newest_attempt(conn, user.id, quiz_id)?;
            if let Some((id, _, AttemptStatus::Open)) = newest {
                let row = own_attempt(conn, user.id, id)?;
                let open = settle(conn, &ctx, row, &module_slug)?;
                if open.status == AttemptStatus::Open {
                    return Err(ApiError::conflict(
                        "attempt_in_progress",
                        format!("Attempt {id} is still open; continue or submit it first."),
                    ));
                }
            }
            let body = open_attempt(conn, user.id, quiz_id, &course, &module_slug, newest, seed)?;
            if let Some(k) = &key {
                idempotency::record(conn, user.id, k, &hash, 201, &body)?;
            }
            Ok((201, body))
        })
    })
    .await?;
    Ok(json_response(status, body))
}

/// The common start, in two statements and no transaction: an enrolled student who may see the
/// course and has no open attempt at the quiz. One read tells all that (see
/// [`store::start_state`]) and the insert of the new attempt is the only write. None leaves every
/// other case (not enrolled, not allowed to see the course, an open attempt that may have to be
/// closed first) to the full start, which nothing here has changed.
fn start_quickly(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
    (course_id, module_slug): (CourseId, &str),
    seed: u64,
) -> ApiResult<Option<String>> {
    let Some(state) = store::start_state(conn, user, quiz_id, course_id)? else {
        return Ok(None);
    };
    let open = matches!(state.newest, Some((_, _, AttemptStatus::Open)));
    if !state.enrollment.is_enrolled()
        || open
        || !access::can_view(conn, Some(user), &state.course)?
    {
        return Ok(None);
    }
    let body = open_attempt(
        conn,
        user,
        quiz_id,
        &state.course,
        module_slug,
        state.newest,
        seed,
    )?;
    Ok(Some(body))
}

/// Starts attempt number `newest + 1` of `quiz_id` for `user` once the quiz's window and attempt
/// limit allow it, and answers its view. The caller has checked that they may take the quiz and
/// that `newest` (id, number, status of their newest attempt) is not open.
fn open_attempt(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
    course: &CourseRow,
    module_slug: &str,
    newest: Option<(AttemptId, i32, AttemptStatus)>,
    seed: u64,
) -> ApiResult<String> {
    let version = course.published_version_id.ok_or(ApiError::NotFound)?;
    let file = parsed_version(conn, version)?;
    let quiz = quiz_of(&file, module_slug)
        .cloned()
        .ok_or(ApiError::NotFound)?;
    let taken = newest.map_or(0, |(_, number, _)| number.max(0) as usize);
    let now = Timestamp::now();
    let window = |t: &Option<String>| {
        t.as_deref()
            .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
            .map(|d| Timestamp::from(d.with_timezone(&chrono::Utc)))
    };
    let (opens, closes) = (
        window(&quiz.settings.opens_at),
        window(&quiz.settings.closes_at),
    );
    if opens.is_some_and(|o| now < o) {
        return Err(ApiError::conflict(
            "quiz_not_open",
            "The quiz is not open yet.",
        ));
    }
    if closes.is_some_and(|c| now >= c) {
        return Err(ApiError::conflict("quiz_closed", "The quiz has closed."));
    }
    let limit = quiz.settings.attempt_limit as usize;
    if limit > 0 && taken >= limit {
        return Err(ApiError::conflict(
            "attempt_limit_reached",
            format!("This quiz allows {limit} attempt(s)."),
        ));
    }
    let minutes = quiz.settings.time_limit_minutes;
    let by_time_limit = (minutes > 0).then(|| now.plus(Duration::minutes(minutes as i64)));
    // The deadline is the earlier of the time limit and the quiz closing.
    let deadline = match (by_time_limit, closes) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let snapshots = build(course.id, module_slug, &quiz, seed);
    let new = store::NewAttempt {
        id: AttemptId::new(),
        quiz_id,
        course_id: course.id,
        version_id: version,
        user_id: user,
        number: taken as i32 + 1,
        seed,
        snapshots: &snapshots,
        started_at: now,
        deadline,
    };
    let attempt = store::insert_attempt(conn, &new).map_err(|e| match ApiError::from(e) {
        // A parallel start took this attempt number first.
        ApiError::Conflict { .. } => ApiError::conflict(
            "attempt_in_progress",
            "Another attempt was started at the same time.",
        ),
        other => other,
    })?;
    Ok(
        serde_json::to_string(&attempt_view(&attempt, &quiz, false)?)
            .map_err(anyhow::Error::from)?,
    )
}

/// Loads the caller's attempt, closing it first when its deadline has passed.
fn current(
    conn: &mut DbConn,
    ctx: &Ctx,
    user: UserId,
    attempt_id: AttemptId,
) -> ApiResult<(AttemptRow, String)> {
    let attempt = store::lock_own_attempt(conn, user, attempt_id)?;
    let (_, module_slug) = quiz_home(conn, attempt.quiz_id)?;
    Ok((settle(conn, ctx, attempt, &module_slug)?, module_slug))
}

#[utoipa::path(get, path = "/api/v1/attempts/{attempt_id}", tag = "learning", security(("bearer" = [])),
    params(("attempt_id" = String, Path)), responses((status = 200, body = AttemptView), (status = 404, body = Problem)))]
pub async fn get_attempt(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<AttemptId>,
) -> ApiResult<HttpResponse> {
    let attempt_id = path.into_inner();
    let ctx = state.progress_ctx();
    let view = db::transaction(&state.pool, move |conn| {
        let attempt = store::readable_attempt(conn, user.id, attempt_id)?;
        let (_, slug) = quiz_home(conn, attempt.quiz_id)?;
        let attempt = settle(conn, &ctx, attempt, &slug)?;
        let (_, quiz) = store::source(conn, &attempt, &slug)?;
        Ok(attempt_view(&attempt, &quiz, attempt.user_id != user.id)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Why a closed attempt takes no more answers: its deadline (also when the deadline closed and
/// graded it, on this request or before), or the student's own submit.
fn closed_error(attempt: &AttemptRow) -> ApiError {
    if attempt.status == AttemptStatus::Open {
        ApiError::conflict("deadline_passed", "The attempt's deadline has passed.")
    } else if attempt.submitted_at.is_some_and(|at| attempt.expired(at)) {
        ApiError::conflict(
            "deadline_passed",
            "The attempt's deadline has passed; it was graded with the answers saved before it.",
        )
    } else {
        ApiError::conflict("attempt_closed", "The attempt was already submitted.")
    }
}

#[utoipa::path(put, path = "/api/v1/attempts/{attempt_id}/answers", tag = "learning", request_body = AnswersRequest, security(("bearer" = [])),
    params(("attempt_id" = String, Path)),
    responses((status = 200, body = AttemptView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn save_answers(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<AttemptId>,
    body: web::Json<AnswersRequest>,
) -> ApiResult<HttpResponse> {
    let attempt_id = path.into_inner();
    let input = body.into_inner().answers;
    let ctx = state.progress_ctx();
    let view = db::transaction(&state.pool, move |conn| {
        let (attempt, slug) = current(conn, &ctx, user.id, attempt_id)?;
        if attempt.status != AttemptStatus::Open {
            return Ok(Err(closed_error(&attempt)));
        }
        let (_, quiz) = store::source(conn, &attempt, &slug)?;
        let questions = questions_of(&quiz, &attempt.snapshots()?);
        let saved = merge_answers(&attempt, &questions, input)?;
        if !store::save_answers_if_open(conn, attempt.id, &saved)? {
            let now = own_attempt(conn, user.id, attempt_id)?;
            return Err(closed_error(&now));
        }
        let attempt = own_attempt(conn, user.id, attempt_id)?;
        Ok(Ok(attempt_view(&attempt, &quiz, false)?))
    })
    .await?;
    // A deadline that closed the attempt on this request still commits the closing.
    Ok(HttpResponse::Ok().json(view?))
}

#[utoipa::path(post, path = "/api/v1/attempts/{attempt_id}/submit", tag = "learning",
    request_body(content = Option<SubmitRequest>, description = "Optional. With no body at all, what was autosaved is submitted. A body must be a valid JSON SubmitRequest: one that is not JSON, has an unknown field or a wrong type is refused with 422 and the attempt stays open, unchanged."),
    security(("bearer" = [])),
    params(("attempt_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first response for the same key")),
    responses((status = 200, body = AttemptView, description = "Graded; the result appears as the review policy allows"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Already submitted"), (status = 422, body = Problem)))]
pub async fn submit_attempt(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<AttemptId>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let attempt_id = path.into_inner();
    let body = parse_submit_body(&body)?;
    // Only a submit with a key is remembered, so only its request is fingerprinted.
    let keyed = idempotency::key_of(&req)?.map(|key| {
        let answers = body.answers.as_ref().filter(|a| !a.is_empty()).map(|a| {
            a.iter()
                .map(|x| (x.question_id.to_string(), x.response.clone()))
                .collect::<Vec<_>>()
        });
        let asked = serde_json::to_value(answers).unwrap_or(Value::Null);
        let hash = idempotency::fingerprint(&format!("submit {attempt_id}"), &asked);
        (key, hash)
    });
    let ctx = state.progress_ctx();
    let outcome = db::transaction(&state.pool, move |conn| {
        // `current` locks the attempt; the replay check after it sees a parallel twin's record.
        let (attempt, slug) = current(conn, &ctx, user.id, attempt_id)?;
        if let Some((k, hash)) = &keyed {
            if let Some(replayed) = idempotency::replay(conn, user.id, k, hash)? {
                return Ok(Ok(replayed));
            }
        }
        if attempt.status != AttemptStatus::Open {
            return Ok(Err(closed_error(&attempt)));
        }
        // The quiz and the questions shown are read once and serve the answers' check, the
        // grade and the answer.
        let (_, quiz) = store::source(conn, &attempt, &slug)?;
        let questions = questions_of(&quiz, &attempt.snapshots()?);
        let saved = match body.answers {
            Some(input) => merge_answers(&attempt, &questions, input)?,
            None => attempt.saved()?,
        };
        let grade = store::grade(&questions, &saved);
        let Some(attempt) = store::close(conn, &ctx, &attempt, &quiz, &saved, &grade)? else {
            let now = own_attempt(conn, user.id, attempt_id)?;
            return Ok(Err(closed_error(&now)));
        };
        let view = view_of(&attempt, &quiz, false, &questions, Some(&grade), saved);
        let body = serde_json::to_string(&view).map_err(anyhow::Error::from)?;
        if let Some((k, hash)) = &keyed {
            idempotency::record(conn, user.id, k, hash, 200, &body)?;
        }
        Ok(Ok((200, body)))
    })
    .await?;
    let (status, body) = outcome?;
    Ok(json_response(status, body))
}
