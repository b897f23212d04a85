//! Authoring a course's modules, lessons, quizzes and questions. Ids are derived from the course
//! id and slugs (see `store::item_id`), so each id is found through the `course_items` index and
//! then in the working files. Every change is re-validated as a whole course before it is stored
//! as the draft, so the API can never store what `caravan courses validate` would reject.

use actix_web::web;
use diesel::prelude::*;

use super::format::{render_course, CourseFile, ModuleFile};
use super::store::Files;
use crate::db::sql_types::Id;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::course_items;

mod lessons;
mod modules;
mod quizzes;

pub use lessons::*;
pub use modules::*;
pub use quizzes::*;

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
pub fn locate(conn: &mut DbConn, id: Id, kind: &str) -> ApiResult<(Id, String)> {
    Ok(course_items::table
        .find(id)
        .filter(course_items::kind.eq(kind))
        .select((course_items::course_id, course_items::path))
        .first(conn)?)
}

/// The folder (`NN-slug`) of module `slug` in `files`, as the files name it.
pub(crate) fn module_folder(files: &Files, slug: &str) -> Option<String> {
    files
        .keys()
        .filter_map(|k| k.split_once('/').map(|(folder, _)| folder))
        .find_map(|folder| {
            let (number, rest) = folder.split_once('-')?;
            (number.chars().all(|c| c.is_ascii_digit()) && rest == slug).then(|| folder.to_owned())
        })
}

pub(crate) fn module_of<'a>(file: &'a CourseFile, slug: &str) -> ApiResult<&'a ModuleFile> {
    file.modules
        .iter()
        .find(|m| m.module.slug == slug)
        .ok_or(ApiError::NotFound)
}

/// Renders one module alone and returns its files keyed by the module's folder in `files`.
pub(crate) fn render_module(course: &CourseFile, module: ModuleFile, folder: &str) -> Files {
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
