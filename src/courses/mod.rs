//! Courses, the content: the course-file format (`format`: manifests, lessons, quizzes, read from
//! disk or uploaded files, checked with a line-accurate report, written back; pure, no database or
//! HTTP), stored versions and the catalog (`store`), who may see and edit a course (`access`), the
//! catalog and lesson endpoints (`catalog`), authoring of drafts (`authoring`, `content`) and the
//! views they answer with. Publishing and import/export, which also move trainees' progress, are
//! in `publishing`.

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
