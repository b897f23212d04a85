//! Request and response bodies of the catalog, course and authoring endpoints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::sql_types::{CourseId, ItemId, OrgId, Timestamp, UserId};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CatalogQuery {
    /// A competency code from GET /competencies.
    pub competency: Option<String>,
    /// An ISO 3166-1 alpha-2 market.
    pub market: Option<String>,
    /// A BCP 47 tag; `es` also matches `es-MX`.
    pub language: Option<String>,
    /// beginner | intermediate | advanced
    pub level: Option<String>,
    /// Words that must all occur in the title, summary or slug (case-insensitive).
    pub q: Option<String>,
    /// published (default) | draft | archived; drafts and archived courses list only the caller's own.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseSummary {
    #[schema(value_type = String, format = Uuid)]
    pub id: CourseId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub language: String,
    pub level: String,
    pub estimated_hours: f64,
    pub competencies: Vec<String>,
    pub markets: Vec<String>,
    pub status: String,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<OrgId>,
    /// The course every edition of it shares (the original's id): prerequisites, certificates
    /// and progress treat its editions as one course.
    #[schema(value_type = String, format = Uuid)]
    pub course_key: CourseId,
    /// Teaching languages the course is offered in (in the catalog; this entry is one of them).
    pub languages: Vec<String>,
    /// Every edition of the course the reader may see (in the catalog).
    pub editions: Vec<EditionRef>,
}

/// One edition of a course: the same course in one teaching language.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EditionRef {
    #[schema(value_type = String, format = Uuid)]
    pub id: CourseId,
    pub language: String,
    /// The original the other editions translate.
    pub original: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonOutline {
    #[schema(value_type = String, format = Uuid)]
    pub id: ItemId,
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub competencies: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuizOutline {
    #[schema(value_type = String, format = Uuid)]
    pub id: ItemId,
    pub slug: String,
    pub title: String,
    pub question_count: usize,
    pub passing_score: f64,
    pub time_limit_minutes: u32,
    pub attempt_limit: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub position: u32,
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
    pub lessons: Vec<LessonOutline>,
    pub quiz: Option<QuizOutline>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    #[serde(flatten)]
    pub summary: CourseSummary,
    pub prerequisites: Vec<String>,
    /// all_passed | min_score
    pub completion: String,
    pub min_score: Option<f64>,
    #[schema(value_type = Option<String>, format = Uuid)]
    pub owner_id: Option<UserId>,
    #[schema(value_type = Vec<String>)]
    pub co_instructor_ids: Vec<UserId>,
    /// The version shown: the published one, or the draft for authors asking `?version=draft`.
    pub version: i32,
    pub has_draft: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<Timestamp>,
    pub modules: Vec<ModuleView>,
}

/// A course in the course-file format: relative path -> file text.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseFiles {
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// Files relative to the course folder (`course.toml`, `01-basics/module.toml` ...).
    pub files: BTreeMap<String, String>,
    /// Organization that owns a new course; platform admins may leave it out for a platform-wide course.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<OrgId>,
    /// Publish at once instead of storing a draft.
    #[serde(default)]
    pub publish: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResponse {
    /// created | updated | unchanged
    pub status: String,
    pub course: CourseView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonView {
    #[schema(value_type = String, format = Uuid)]
    pub id: ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    #[schema(value_type = String, format = Uuid)]
    pub module_id: ItemId,
    pub position: u32,
    pub slug: String,
    pub title: String,
    pub minutes: u32,
    pub competencies: Vec<String>,
    /// CommonMark, ending with its Sources, as the author wrote it: for editors, never to be
    /// inserted into a page as HTML.
    pub body: String,
    /// `body` rendered and sanitized (no scripts, event handlers, styles or `javascript:` links):
    /// the field a frontend inserts into a page.
    pub html: String,
}
