//! Authoring lessons: create, edit and delete (reading is in the catalog).

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::modules::edit_module;
use super::{locate, module_folder, module_of, render_module};
use crate::auth::AuthUser;
use crate::courses::authoring::edit_files;
use crate::courses::format::{CourseFile, Lesson, LessonFile, ModuleFile};
use crate::courses::store::{item_id, lesson_path, module_path, Files};
use crate::db::sql_types::{CourseId, ItemId, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LessonRequest {
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub competencies: Vec<String>,
    /// CommonMark, ending with a `## Sources` list.
    pub body: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLessonRequest {
    pub title: Option<String>,
    pub minutes: Option<u32>,
    pub competencies: Option<Vec<String>>,
    pub body: Option<String>,
}

/// The answer to POST /modules/{id}/lessons.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedLesson {
    #[schema(value_type = String, format = Uuid)]
    pub id: ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub module_id: ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub slug: String,
}

fn lesson_created(course_id: CourseId, module: &str, lesson: &str) -> CreatedLesson {
    CreatedLesson {
        id: item_id(course_id, &lesson_path(module, lesson)),
        module_id: item_id(course_id, &module_path(module)),
        course_id,
        slug: lesson.to_owned(),
    }
}

#[utoipa::path(post, path = "/api/v1/modules/{module_id}/lessons", tag = "authoring", request_body = LessonRequest, security(("bearer" = [])),
    params(("module_id" = String, Path)),
    responses((status = 201, body = CreatedLesson, description = "The new lesson's id; GET /lessons/{id}?version=draft reads it"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<LessonRequest>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let b = body.into_inner();
    let created = db::transaction(&state.pool, move |conn| {
        let lesson_slug = b.slug.clone();
        let (course_id, module_slug) =
            edit_module(conn, user.id, module_id, |files, file, module, folder| {
                if module.lessons.iter().any(|l| l.lesson.slug == b.slug) {
                    return Err(ApiError::conflict(
                        "slug_taken",
                        "The module already has a lesson with this slug.",
                    ));
                }
                let position = module.lessons.iter().map(|l| l.position).max().unwrap_or(0) + 1;
                let mut module = module.clone();
                module.lessons = vec![LessonFile {
                    position,
                    lesson: Lesson {
                        slug: b.slug,
                        title: b.title,
                        minutes: b.minutes,
                        competencies: b.competencies,
                    },
                    body: b.body,
                }];
                module.quiz = None;
                let slug = module.module.slug.clone();
                for (k, v) in render_module(file, module, folder) {
                    if !k.ends_with("/module.toml") {
                        files.insert(k, v);
                    }
                }
                Ok(slug)
            })?;
        Ok(lesson_created(course_id, &module_slug, &lesson_slug))
    })
    .await?;
    Ok(crate::created::created("lessons", &created))
}

/// Edits lesson `lesson_id`: `f` gets the files, the course, its module and the lesson's file key.
fn edit_lesson<R>(
    conn: &mut DbConn,
    user: UserId,
    lesson_id: ItemId,
    f: impl FnOnce(&mut Files, &CourseFile, &ModuleFile, &LessonFile, &str, String) -> ApiResult<R>,
) -> ApiResult<R> {
    let (course_id, path) = locate(conn, lesson_id, "lesson")?;
    let (module_slug, lesson_slug) = path
        .strip_prefix("lesson/")
        .and_then(|p| p.split_once('/'))
        .map(|(m, l)| (m.to_owned(), l.to_owned()))
        .ok_or(ApiError::NotFound)?;
    edit_files(conn, user, course_id, |files, file| {
        let module = module_of(file, &module_slug)?;
        let lesson = module
            .lessons
            .iter()
            .find(|l| l.lesson.slug == lesson_slug)
            .ok_or(ApiError::NotFound)?;
        let folder = module_folder(files, &module_slug).ok_or(ApiError::NotFound)?;
        let key = files
            .keys()
            .find(|k| {
                k.strip_prefix(&format!("{folder}/"))
                    .and_then(|name| name.strip_suffix(".md"))
                    .and_then(|name| name.split_once('-'))
                    .is_some_and(|(n, s)| n.chars().all(|c| c.is_ascii_digit()) && s == lesson_slug)
            })
            .cloned()
            .ok_or(ApiError::NotFound)?;
        f(files, file, module, lesson, &folder, key)
    })
}

#[utoipa::path(patch, path = "/api/v1/lessons/{lesson_id}", tag = "authoring", request_body = UpdateLessonRequest, security(("bearer" = [])),
    params(("lesson_id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<UpdateLessonRequest>,
) -> ApiResult<HttpResponse> {
    let lesson_id = path.into_inner();
    let b = body.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_lesson(
            conn,
            user.id,
            lesson_id,
            |files, file, module, lesson, folder, key| {
                let mut lesson = lesson.clone();
                if let Some(title) = b.title {
                    lesson.lesson.title = title;
                }
                if let Some(minutes) = b.minutes {
                    lesson.lesson.minutes = minutes;
                }
                if let Some(competencies) = b.competencies {
                    lesson.lesson.competencies = competencies;
                }
                if let Some(body) = b.body {
                    lesson.body = body;
                }
                let mut module = module.clone();
                module.lessons = vec![lesson];
                module.quiz = None;
                let rendered = render_module(file, module, folder);
                let text = rendered
                    .into_iter()
                    .find(|(k, _)| k.ends_with(".md"))
                    .map(|(_, v)| v)
                    .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("lesson did not render")))?;
                files.insert(key, text);
                Ok(())
            },
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(delete, path = "/api/v1/lessons/{lesson_id}", tag = "authoring", security(("bearer" = [])),
    params(("lesson_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let lesson_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_lesson(conn, user.id, lesson_id, |files, _, _, _, _, key| {
            files.remove(&key);
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
