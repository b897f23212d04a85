//! Authoring quizzes and their questions. quiz.toml is edited as a TOML table, so a question
//! travels as the same fields the file holds, and the whole course is re-validated after.

use actix_web::{web, HttpResponse};
use serde_json::Value;

use super::modules::edit_module;
use super::wire::{
    AuthoredQuestion, CreatedQuestion, CreatedQuiz, QuestionBody, QuestionPatch, QuizBody,
    QuizSettingsPatch, QuizView,
};
use super::{locate, module_folder};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::authoring::edit_files;
use crate::courses::catalog::{version_for, VersionQuery};
use crate::courses::store::{self, item_id, question_path, quiz_path, Files};
use crate::db::sql_types::{CourseId, ItemId, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

fn toml_of(json: Value) -> ApiResult<toml::Value> {
    toml::Value::try_from(json).map_err(|e| ApiError::Unprocessable {
        code: "invalid_body",
        detail: format!("cannot be written as TOML: {e}"),
        report: None,
    })
}

fn json_of(value: &toml::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// The quiz.toml of module `slug`, parsed as a table, with its key.
fn quiz_table(files: &Files, slug: &str) -> ApiResult<(String, toml::Table)> {
    let folder = module_folder(files, slug).ok_or(ApiError::NotFound)?;
    let key = format!("{folder}/quiz.toml");
    let text = files.get(&key).ok_or(ApiError::NotFound)?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored quiz.toml does not parse: {e}")))?;
    Ok((key, table))
}

fn write_table(files: &mut Files, key: String, table: &toml::Table) -> ApiResult<()> {
    let text = toml::to_string(table)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("quiz.toml did not render: {e}")))?;
    files.insert(key, text);
    Ok(())
}

fn module_slug_of(path: &str, prefix: &str) -> String {
    path.strip_prefix(prefix).unwrap_or_default().to_owned()
}

#[utoipa::path(post, path = "/api/v1/modules/{module_id}/quizzes", tag = "authoring", security(("bearer" = [])),
    params(("module_id" = String, Path)),
    request_body(content = QuizBody, description = "The settings of quiz.toml (see courses/README.md), optionally with its first questions. A draft may hold a quiz with no questions; publishing needs at least one."),
    responses((status = 201, body = CreatedQuiz, description = "The new quiz's `id`; `Location` names it"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<serde_json::Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let table = match toml_of(Value::Object(body.into_inner()))? {
        toml::Value::Table(t) => t,
        _ => return Err(ApiError::invalid("body", "must be an object")),
    };
    let created = db::transaction(&state.pool, move |conn| {
        let (course_id, slug) =
            edit_module(conn, user.id, module_id, |files, _, module, folder| {
                if module.quiz.is_some() {
                    return Err(ApiError::conflict(
                        "quiz_exists",
                        "A module has one quiz; edit it instead.",
                    ));
                }
                write_table(files, format!("{folder}/quiz.toml"), &table)?;
                Ok(module.module.slug.clone())
            })?;
        Ok(CreatedQuiz {
            id: item_id(course_id, &quiz_path(&slug)),
            module_id,
            course_id,
        })
    })
    .await?;
    Ok(crate::created::created("quizzes", &created))
}

/// Edits the quiz `quiz_id`'s table in the draft.
fn edit_quiz<R>(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
    f: impl FnOnce(&mut Files, String, toml::Table) -> ApiResult<R>,
) -> ApiResult<R> {
    let (course_id, path) = locate(conn, quiz_id, "quiz")?;
    let slug = module_slug_of(&path, "quiz/");
    edit_files(conn, user, course_id, |files, _| {
        let (key, table) = quiz_table(files, &slug)?;
        f(files, key, table)
    })
}

/// The quiz's table from the version the caller reads; authors only, since it holds the keys.
fn read_quiz(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
    want_draft: bool,
) -> ApiResult<(CourseId, String, toml::Table)> {
    let (course_id, path) = locate(conn, quiz_id, "quiz")?;
    let course = access::editable(conn, user, course_id)?;
    let version = version_for(conn, Some(user), &course, want_draft)?;
    let files = store::version_files(conn, version)?.1;
    let slug = module_slug_of(&path, "quiz/");
    let (_, table) = quiz_table(&files, &slug)?;
    Ok((course_id, slug, table))
}

#[utoipa::path(get, path = "/api/v1/quizzes/{quiz_id}", tag = "authoring", security(("bearer" = [])),
    params(("quiz_id" = String, Path), VersionQuery),
    responses((status = 200, body = QuizView, description = "The quiz settings (authors)"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let view = db::run(&state.pool, move |conn| {
        let (course_id, _, mut table) = read_quiz(conn, user.id, quiz_id, want_draft)?;
        let count = table
            .remove("questions")
            .and_then(|q| q.as_array().map(Vec::len))
            .unwrap_or(0);
        let mut json = json_of(&toml::Value::Table(table));
        if let Some(o) = json.as_object_mut() {
            o.insert("id".into(), serde_json::json!(quiz_id));
            o.insert("course_id".into(), serde_json::json!(course_id));
            o.insert("question_count".into(), count.into());
        }
        Ok(json)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(patch, path = "/api/v1/quizzes/{quiz_id}", tag = "authoring", security(("bearer" = [])),
    params(("quiz_id" = String, Path)), request_body(content = QuizSettingsPatch, description = "Quiz settings to change (not questions, not the slug); null removes an optional setting such as opens_at, closes_at or draw_from"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<serde_json::Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let changes = body.into_inner();
    if changes.contains_key("questions") || changes.contains_key("slug") {
        return Err(ApiError::invalid(
            "questions",
            "questions and the quiz slug change through their own endpoints",
        ));
    }
    db::transaction(&state.pool, move |conn| {
        edit_quiz(conn, user.id, quiz_id, |files, key, mut table| {
            for (k, v) in changes {
                if v.is_null() {
                    table.remove(&k);
                } else {
                    table.insert(k, toml_of(v)?);
                }
            }
            write_table(files, key, &table)
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/quizzes/{quiz_id}", tag = "authoring", security(("bearer" = [])),
    params(("quiz_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_quiz(conn, user.id, quiz_id, |files, key, _| {
            files.remove(&key);
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/quizzes/{quiz_id}/questions", tag = "authoring", security(("bearer" = [])),
    params(("quiz_id" = String, Path), VersionQuery),
    responses((status = 200, body = Vec<AuthoredQuestion>, description = "Questions with their answer keys (authors only)"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_questions(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let questions = db::run(&state.pool, move |conn| {
        let (course_id, slug, table) = read_quiz(conn, user.id, quiz_id, want_draft)?;
        let list = table
            .get("questions")
            .and_then(|q| q.as_array())
            .cloned()
            .unwrap_or_default();
        Ok(list
            .iter()
            .map(|q| {
                let mut json = json_of(q);
                let key = q.get("id").and_then(|v| v.as_str()).unwrap_or_default();
                if let Some(o) = json.as_object_mut() {
                    o.insert(
                        "question_id".into(),
                        serde_json::json!(item_id(course_id, &question_path(&slug, key))),
                    );
                }
                json
            })
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(questions))
}

#[utoipa::path(post, path = "/api/v1/quizzes/{quiz_id}/questions", tag = "authoring", security(("bearer" = [])),
    params(("quiz_id" = String, Path)),
    request_body(content = QuestionBody, description = "One question as in quiz.toml: id, kind, prompt, points, competencies, feedback and the kind's fields. It must fit its kind (fields, answer key naming existing options, a formula over declared variables) to be saved; 422 lists what does not."),
    responses((status = 201, body = CreatedQuestion, description = "The new question's `id` (also as `question_id`); `Location` names it"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_question(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<serde_json::Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let quiz_id = path.into_inner();
    let question = toml_of(Value::Object(body.into_inner()))?;
    let key = question
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let created = db::transaction(&state.pool, move |conn| {
        let (course_id, path) = locate(conn, quiz_id, "quiz")?;
        let slug = module_slug_of(&path, "quiz/");
        edit_quiz(conn, user.id, quiz_id, |files, file_key, mut table| {
            let list = table
                .entry("questions")
                .or_insert_with(|| toml::Value::Array(Vec::new()))
                .as_array_mut()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("questions is not an array")))?;
            if list
                .iter()
                .any(|q| q.get("id").and_then(|v| v.as_str()) == Some(key.as_str()))
            {
                return Err(ApiError::conflict(
                    "question_exists",
                    "The quiz already has a question with this id.",
                ));
            }
            list.push(question);
            write_table(files, file_key, &table)
        })?;
        // `id` like every create; `question_id` kept for clients written against it.
        let id = item_id(course_id, &question_path(&slug, &key));
        Ok(CreatedQuestion {
            id,
            question_id: id,
            quiz_id,
        })
    })
    .await?;
    Ok(crate::created::created("questions", &created))
}

/// Edits question `question_id` in its quiz table: `f` gets the quiz's question list and index.
fn edit_question(
    conn: &mut DbConn,
    user: UserId,
    question_id: ItemId,
    f: impl FnOnce(&mut Vec<toml::Value>, usize) -> ApiResult<()>,
) -> ApiResult<()> {
    let (course_id, path) = locate(conn, question_id, "question")?;
    let (slug, key) = path
        .strip_prefix("question/")
        .and_then(|p| p.split_once('/'))
        .map(|(m, q)| (m.to_owned(), q.to_owned()))
        .ok_or(ApiError::NotFound)?;
    edit_files(conn, user, course_id, |files, _| {
        let (file_key, mut table) = quiz_table(files, &slug)?;
        let list = table
            .get_mut("questions")
            .and_then(|q| q.as_array_mut())
            .ok_or(ApiError::NotFound)?;
        let index = list
            .iter()
            .position(|q| q.get("id").and_then(|v| v.as_str()) == Some(key.as_str()))
            .ok_or(ApiError::NotFound)?;
        f(list, index)?;
        write_table(files, file_key, &table)
    })
}

#[utoipa::path(patch, path = "/api/v1/questions/{question_id}", tag = "authoring", security(("bearer" = [])),
    params(("question_id" = String, Path)),
    request_body(content = QuestionPatch, description = "Fields to set on the question (its id cannot change); null removes an optional field"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_question(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<serde_json::Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let question_id = path.into_inner();
    let changes = body.into_inner();
    if changes.contains_key("id") {
        return Err(ApiError::invalid(
            "id",
            "a question's id cannot change; add a new question instead",
        ));
    }
    db::transaction(&state.pool, move |conn| {
        edit_question(conn, user.id, question_id, |list, index| {
            let question = list[index]
                .as_table_mut()
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("question is not a table")))?;
            for (k, v) in changes {
                if v.is_null() {
                    question.remove(&k);
                } else {
                    question.insert(k, toml_of(v)?);
                }
            }
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/questions/{question_id}", tag = "authoring", security(("bearer" = [])),
    params(("question_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn delete_question(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let question_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_question(conn, user.id, question_id, |list, index| {
            list.remove(index);
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
