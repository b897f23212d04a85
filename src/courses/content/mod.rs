//! Authoring a course's modules, lessons, quizzes and questions. Ids are derived from the course
//! id and slugs (see `store::item_id`), so each id is found through the `course_items` index and
//! then in the working files. Every change is re-parsed as a whole course before it is stored as
//! the draft: what makes no well-formed draft is refused, and what only blocks publishing is saved
//! (see "Drafts and publishing" in courses/README.md).

use crate::api_routes::ApiRoutes;
use diesel::prelude::*;

use super::format::{render_course, CourseFile, ModuleFile};
use super::store::Files;
use crate::db::sql_types::{CourseId, ItemId};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::schema::course_items;

mod lessons;
mod modules;
mod quizzes;
pub mod wire;

pub use lessons::*;
pub use modules::*;
pub use quizzes::*;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_modules, list_modules)
        .add(__path_create_module, create_module)
        .add(__path_get_module, get_module)
        .add(__path_update_module, update_module)
        .add(__path_delete_module, delete_module)
        .add(__path_create_lesson, create_lesson)
        .add(__path_update_lesson, update_lesson)
        .add(__path_delete_lesson, delete_lesson)
        .add(__path_create_quiz, create_quiz)
        .add(__path_get_quiz, get_quiz)
        .add(__path_update_quiz, update_quiz)
        .add(__path_delete_quiz, delete_quiz)
        .add(__path_list_questions, list_questions)
        .add(__path_create_question, create_question)
        .add(__path_update_question, update_question)
        .add(__path_delete_question, delete_question);
}

/// The course and index path of an item id of `kind`.
pub fn locate(conn: &mut DbConn, id: ItemId, kind: &str) -> QueryResult<(CourseId, String)> {
    course_items::table
        .find(id)
        .filter(course_items::kind.eq(kind))
        .select((course_items::course_id, course_items::path))
        .first(conn)
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
