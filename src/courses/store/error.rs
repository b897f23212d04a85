//! What the course store refuses, besides a database error, and the one mapping of those
//! refusals to problem+json.

use diesel::result::{DatabaseErrorKind, Error as DbError};

use crate::courses::format::Diagnostic;
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum CoursesError {
    #[error("a course with this slug already exists in this organization")]
    SlugTaken,
    /// An edition that names no original, another edition, a taken language, or differs from its
    /// original: one problem, located in the course files.
    #[error("{file}: {message}")]
    InvalidEdition {
        file: String,
        field: Option<String>,
        message: String,
    },
    /// What keeps a draft from being published (the list of `GET /courses/{id}/problems`).
    #[error("{} problem(s) keep this course from being published", .0.len())]
    PublishBlocked(Vec<Diagnostic>),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl CoursesError {
    /// `SlugTaken` when `e` is a unique violation, else the database error.
    pub(super) fn slug_taken_or(e: DbError) -> CoursesError {
        match e {
            DbError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                CoursesError::SlugTaken
            }
            other => CoursesError::Db(other),
        }
    }
}

impl From<CoursesError> for ApiError {
    fn from(e: CoursesError) -> Self {
        match e {
            CoursesError::SlugTaken => ApiError::conflict(
                "slug_taken",
                "A course with this slug already exists in this organization.",
            ),
            CoursesError::InvalidEdition {
                file,
                field,
                message,
            } => ApiError::Unprocessable {
                code: "invalid_course",
                detail: format!("{file}: {message}"),
                report: Some(
                    serde_json::json!([{"file": file, "field": field, "message": message}]),
                ),
            },
            CoursesError::PublishBlocked(problems) => ApiError::Unprocessable {
                code: "publish_blocked",
                detail: format!(
                    "{} problem(s) keep this course from being published; nothing was published.",
                    problems.len()
                ),
                report: Some(super::problems_report(&problems)),
            },
            CoursesError::Db(e) => e.into(),
        }
    }
}
