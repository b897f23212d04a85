//! Courses as files: the format of `courses/README.md` (manifests, lessons, quizzes), read from
//! disk or from uploaded files, checked with a line-accurate report, and written back. This layer
//! knows nothing of the database or HTTP; `caravan courses validate|import|export` and the import
//! and export endpoints build on it.

pub mod access;
pub mod authoring;
pub mod catalog;
pub mod content;
pub mod dto;
pub mod format;
pub mod lesson_html;
pub mod store;
pub mod views;

pub use format::{
    load_course, load_tree, parse_course_from_files, parse_tree_from_files, render_course,
    write_course, CourseFile, Diagnostic,
};
