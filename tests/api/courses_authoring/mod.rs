//! Course authoring through the HTTP stack: building a course (modules, lessons, a quiz and its
//! questions), drafts over published versions, who may edit, publish, archive and delete, and bad
//! input that must leave the stored course exactly as it was.

mod archiving;
mod bad_input;
mod building;
mod drafts;
mod modules_and_questions;
mod permissions;
mod staff_changes;
