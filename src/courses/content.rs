//! Authoring a course's modules, lessons, quizzes and questions. Ids are derived from the course
//! id and slugs (see `store::item_id`), so each id is found through the `course_items` index and
//! then in the working files. Every change is re-validated as a whole course before it is stored
//! as the draft, so the API can never store what `caravan courses validate` would reject.

use actix_web::{web, HttpResponse};
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::access;
use super::authoring::edit_files;
use super::catalog::{version_for, VersionQuery};
use super::dto::ModuleView;
use super::format::{render_course, CourseFile, Lesson, LessonFile, Module, ModuleFile};
use super::store::{self, item_id, lesson_path, module_path, question_path, quiz_path, Files};
use super::views::module_view;
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::db::sql_types::Id;
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::schema::course_items;
use crate::startup::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/courses/{course_id}/modules", web::get().to(list_modules))
        .route(
            "/courses/{course_id}/modules",
            web::post().to(create_module),
        )
        .route("/modules/{module_id}", web::get().to(get_module))
        .route("/modules/{module_id}", web::patch().to(update_module))
        .route("/modules/{module_id}", web::delete().to(delete_module))
        .route(
            "/modules/{module_id}/lessons",
            web::post().to(create_lesson),
        )
        .route("/lessons/{lesson_id}", web::patch().to(update_lesson))
        .route("/lessons/{lesson_id}", web::delete().to(delete_lesson))
        .route("/modules/{module_id}/quizzes", web::post().to(create_quiz))
        .route("/quizzes/{quiz_id}", web::get().to(get_quiz))
        .route("/quizzes/{quiz_id}", web::patch().to(update_quiz))
        .route("/quizzes/{quiz_id}", web::delete().to(delete_quiz))
        .route(
            "/quizzes/{quiz_id}/questions",
            web::get().to(list_questions),
        )
        .route(
            "/quizzes/{quiz_id}/questions",
            web::post().to(create_question),
        )
        .route("/questions/{question_id}", web::patch().to(update_question))
        .route(
            "/questions/{question_id}",
            web::delete().to(delete_question),
        );
}

/// The course and index path of an item id of `kind`.
fn locate(conn: &mut DbConn, id: Id, kind: &str) -> ApiResult<(Id, String)> {
    Ok(course_items::table
        .find(id)
        .filter(course_items::kind.eq(kind))
        .select((course_items::course_id, course_items::path))
        .first(conn)?)
}

/// The folder (`NN-slug`) of module `slug` in `files`, as the files name it.
fn module_folder(files: &Files, slug: &str) -> Option<String> {
    files
        .keys()
        .filter_map(|k| k.split_once('/').map(|(folder, _)| folder))
        .find_map(|folder| {
            let (number, rest) = folder.split_once('-')?;
            (number.chars().all(|c| c.is_ascii_digit()) && rest == slug).then(|| folder.to_owned())
        })
}

fn module_of<'a>(file: &'a CourseFile, slug: &str) -> ApiResult<&'a ModuleFile> {
    file.modules
        .iter()
        .find(|m| m.module.slug == slug)
        .ok_or(ApiError::NotFound)
}

/// Renders one module alone and returns its files keyed by the module's folder in `files`.
fn render_module(course: &CourseFile, module: ModuleFile, folder: &str) -> Files {
    let rendered = render_course(&CourseFile {
        course: course.course.clone(),
        modules: vec![module.clone()],
    });
    let rendered_folder = format!("{:02}-{}", module.position, module.module.slug);
    rendered
        .into_iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(&format!("{rendered_folder}/"))
                .map(|rest| (format!("{folder}/{rest}"), v))
        })
        .collect()
}

// ---------- modules ----------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleRequest {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModuleRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}/modules", tag = "authoring",
    params(("course_id" = String, Path), VersionQuery), responses((status = 200, body = Vec<ModuleView>), (status = 404, body = Problem)))]
pub async fn list_modules(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    path: web::Path<Id>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let caller = user.0.map(|u| u.id);
    let modules = db::run(&state.pool, move |conn| {
        let course = access::viewable(conn, caller, course_id)?;
        let version = version_for(conn, caller, &course, want_draft)?;
        let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
        Ok(file
            .modules
            .iter()
            .map(|m| module_view(course_id, m))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(modules))
}

fn working_module(conn: &mut DbConn, course_id: Id, module_id: Id) -> ApiResult<ModuleView> {
    let course = store::find_course(conn, course_id)?;
    let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
    let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
    file.modules
        .iter()
        .map(|m| module_view(course_id, m))
        .find(|m| m.id == module_id)
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(post, path = "/api/v1/courses/{course_id}/modules", tag = "authoring", request_body = ModuleRequest, security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 201, body = ModuleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<ModuleRequest>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let b = body.into_inner();
    let view = db::transaction(&state.pool, move |conn| {
        let slug = b.slug.clone();
        edit_files(conn, user.id, course_id, |files, file| {
            if module_folder(files, &b.slug).is_some() {
                return Err(ApiError::conflict(
                    "slug_taken",
                    "The course already has a module with this slug.",
                ));
            }
            let position = file.modules.iter().map(|m| m.position).max().unwrap_or(0) + 1;
            let module = ModuleFile {
                position,
                module: Module {
                    slug: b.slug.clone(),
                    title: b.title,
                    summary: b.summary,
                },
                lessons: Vec::new(),
                quiz: None,
            };
            let folder = format!("{position:02}-{}", b.slug);
            files.extend(render_module(file, module, &folder));
            Ok(())
        })?;
        working_module(conn, course_id, item_id(course_id, &module_path(&slug)))
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

#[utoipa::path(get, path = "/api/v1/modules/{module_id}", tag = "authoring", params(("module_id" = String, Path), VersionQuery),
    responses((status = 200, body = ModuleView), (status = 404, body = Problem)))]
pub async fn get_module(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    path: web::Path<Id>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let caller = user.0.map(|u| u.id);
    let view = db::run(&state.pool, move |conn| {
        let (course_id, _) = locate(conn, module_id, "module")?;
        let course = access::viewable(conn, caller, course_id)?;
        let version = version_for(conn, caller, &course, want_draft)?;
        let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
        file.modules
            .iter()
            .map(|m| module_view(course_id, m))
            .find(|m| m.id == module_id)
            .ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edits the module `module_id` in the draft: `f` gets the files and the module's folder.
fn edit_module<R>(
    conn: &mut DbConn,
    user: Id,
    module_id: Id,
    f: impl FnOnce(&mut Files, &CourseFile, &ModuleFile, &str) -> ApiResult<R>,
) -> ApiResult<(Id, R)> {
    let (course_id, path) = locate(conn, module_id, "module")?;
    let slug = path.strip_prefix("module/").unwrap_or_default().to_owned();
    let result = edit_files(conn, user, course_id, |files, file| {
        let module = module_of(file, &slug)?.clone();
        let folder = module_folder(files, &slug).ok_or(ApiError::NotFound)?;
        f(files, file, &module, &folder)
    })?;
    Ok((course_id, result))
}

#[utoipa::path(patch, path = "/api/v1/modules/{module_id}", tag = "authoring", request_body = UpdateModuleRequest, security(("bearer" = [])),
    params(("module_id" = String, Path)),
    responses((status = 200, body = ModuleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<UpdateModuleRequest>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let b = body.into_inner();
    let view = db::transaction(&state.pool, move |conn| {
        let (course_id, ()) =
            edit_module(conn, user.id, module_id, |files, file, module, folder| {
                let mut module = module.clone();
                if let Some(title) = b.title {
                    module.module.title = title;
                }
                if let Some(summary) = b.summary {
                    module.module.summary = Some(summary);
                }
                let key = format!("{folder}/module.toml");
                if let Some(text) = render_module(file, module, folder).remove(&key) {
                    files.insert(key, text);
                }
                Ok(())
            })?;
        working_module(conn, course_id, module_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(delete, path = "/api/v1/modules/{module_id}", tag = "authoring", security(("bearer" = [])),
    params(("module_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_module(conn, user.id, module_id, |files, _, _, folder| {
            files.retain(|k, _| !k.starts_with(&format!("{folder}/")));
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---------- lessons ----------

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

fn lesson_created(course_id: Id, module: &str, lesson: &str) -> Value {
    serde_json::json!({
        "id": item_id(course_id, &lesson_path(module, lesson)),
        "module_id": item_id(course_id, &module_path(module)),
        "course_id": course_id,
        "slug": lesson,
    })
}

#[utoipa::path(post, path = "/api/v1/modules/{module_id}/lessons", tag = "authoring", request_body = LessonRequest, security(("bearer" = [])),
    params(("module_id" = String, Path)),
    responses((status = 201, description = "The new lesson's id; GET /lessons/{id}?version=draft reads it"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
    Ok(HttpResponse::Created().json(created))
}

/// Edits lesson `lesson_id`: `f` gets the files, the course, its module and the lesson's file key.
fn edit_lesson<R>(
    conn: &mut DbConn,
    user: Id,
    lesson_id: Id,
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
    path: web::Path<Id>,
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
    path: web::Path<Id>,
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

// ---------- quizzes and questions (quiz.toml edited as a TOML table) ----------

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
    request_body(content = Object, description = "The fields of quiz.toml (see courses/README.md) with a `questions` array of at least one question"),
    responses((status = 201, description = "The new quiz's id"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    body: web::Json<serde_json::Map<String, Value>>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let table = match toml_of(Value::Object(body.into_inner()))? {
        toml::Value::Table(t) => t,
        _ => return Err(ApiError::invalid("body", "must be an object")),
    };
    let created = db::transaction(&state.pool, move |conn| {
        let (course_id, slug) = edit_module(conn, user.id, module_id, |files, _, module, folder| {
            if module.quiz.is_some() {
                return Err(ApiError::conflict("quiz_exists", "A module has one quiz; edit it instead."));
            }
            write_table(files, format!("{folder}/quiz.toml"), &table)?;
            Ok(module.module.slug.clone())
        })?;
        Ok(serde_json::json!({"id": item_id(course_id, &quiz_path(&slug)), "module_id": module_id, "course_id": course_id}))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edits the quiz `quiz_id`'s table in the draft.
fn edit_quiz<R>(
    conn: &mut DbConn,
    user: Id,
    quiz_id: Id,
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
    user: Id,
    quiz_id: Id,
    want_draft: bool,
) -> ApiResult<(Id, String, toml::Table)> {
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
    responses((status = 200, description = "The quiz settings (authors)"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
    params(("quiz_id" = String, Path)), request_body(content = Object, description = "Quiz settings to change (not questions)"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_quiz(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
                table.insert(k, toml_of(v)?);
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
    path: web::Path<Id>,
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
    responses((status = 200, description = "Questions with their answer keys (authors only)"), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_questions(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
    request_body(content = Object, description = "One question as in quiz.toml: id, kind, prompt, points, competencies, feedback and the kind's fields"),
    responses((status = 201, description = "The new question's id"), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_question(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
            if list.iter().any(|q| q.get("id").and_then(|v| v.as_str()) == Some(key.as_str())) {
                return Err(ApiError::conflict("question_exists", "The quiz already has a question with this id."));
            }
            list.push(question);
            write_table(files, file_key, &table)
        })?;
        Ok(serde_json::json!({"question_id": item_id(course_id, &question_path(&slug, &key)), "quiz_id": quiz_id}))
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edits question `question_id` in its quiz table: `f` gets the quiz's question list and index.
fn edit_question(
    conn: &mut DbConn,
    user: Id,
    question_id: Id,
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
    request_body(content = Object, description = "Fields to set on the question (its id cannot change); null removes an optional field"),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_question(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
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
    path: web::Path<Id>,
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
