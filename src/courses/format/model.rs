//! The typed model of a course tree: what `course.toml`, `module.toml`, a lesson's front matter and
//! body, and `quiz.toml` hold, with the `NN` positions of modules and lessons. It keeps every field
//! of the format so that an import loses nothing and an export writes the same files back.
//!
//! Manifests derive `Deserialize` with `deny_unknown_fields`, so a misspelt key is an error rather
//! than silently ignored. Questions are read through the flat `RawQuestion` of `raw.rs` and turned
//! into the typed [`Question`] by `question.rs`; that way a field that does not belong to the
//! question's kind gets its own message and line.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One course folder: `course.toml` and its modules in `NN` order.
#[derive(Debug, Clone, PartialEq)]
pub struct CourseFile {
    pub course: Course,
    pub modules: Vec<ModuleFile>,
}

/// `course.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// BCP 47 tag exactly as written (validated to be canonical, e.g. `pt-BR`).
    pub language: String,
    pub level: Level,
    pub estimated_hours: f64,
    pub competencies: Vec<String>,
    pub markets: Vec<String>,
    pub prerequisites: Vec<String>,
    pub completion: Completion,
    /// Present exactly when `completion` is `min_score`.
    pub min_score: Option<f64>,
    /// The slug of the course this one is an edition of (the same course in another teaching
    /// language); see `editions.rs`.
    #[serde(default)]
    pub edition_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Beginner,
    Intermediate,
    Advanced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completion {
    /// Every lesson done and every quiz passed.
    AllPassed,
    /// Every lesson done and the mean quiz score at least `Course::min_score`.
    MinScore,
}

/// A module folder `NN-<slug>/`.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleFile {
    /// The `NN` of the folder name; modules are ordered by it.
    pub position: u32,
    pub module: Module,
    pub lessons: Vec<LessonFile>,
    /// `quiz.toml`, optional in the format.
    pub quiz: Option<Quiz>,
}

/// `module.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Module {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
}

/// A lesson file `NN-<slug>.md`.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonFile {
    /// The `NN` of the file name; lessons are ordered by it.
    pub position: u32,
    pub lesson: Lesson,
    /// The Markdown after the closing `+++` line, byte for byte.
    pub body: String,
}

/// A lesson's TOML front matter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub slug: String,
    pub title: String,
    /// Estimated reading time.
    pub minutes: u32,
    pub competencies: Vec<String>,
}

/// `quiz.toml`: the settings at the top of the file and the `[[questions]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    pub settings: QuizSettings,
    pub questions: Vec<Question>,
}

/// The top-level keys of `quiz.toml` (everything except `questions`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizSettings {
    pub slug: String,
    pub title: String,
    /// Share of points needed to pass, 0..=1.
    pub passing_score: f64,
    /// 0 = unlimited.
    pub attempt_limit: u32,
    /// 0 = no time limit.
    pub time_limit_minutes: u32,
    pub shuffle_questions: bool,
    pub shuffle_options: bool,
    pub grading_method: GradingMethod,
    pub review: Review,
    /// 0 = every question; N = N questions drawn at random per attempt.
    pub draw: u32,
    /// Draw from pools by competency instead of `draw`: this many questions tagged with each code.
    #[serde(default)]
    pub draw_from: Vec<DrawRule>,
    /// Availability window (RFC 3339, UTC): attempts start no earlier and end no later.
    #[serde(default)]
    pub opens_at: Option<String>,
    #[serde(default)]
    pub closes_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRule {
    pub competency: String,
    pub count: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GradingMethod {
    Highest,
    Latest,
    Average,
    First,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    Immediately,
    AfterDeadline,
    Never,
}

/// One `[[questions]]` entry: the fields every kind has, and the kind with its own fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub prompt: String,
    pub points: f64,
    pub competencies: Vec<String>,
    pub feedback: Option<String>,
    pub kind: QuestionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    SingleChoice {
        options: Vec<Choice>,
        answer: String,
    },
    MultipleChoice {
        options: Vec<Choice>,
        answers: Vec<String>,
    },
    TrueFalse {
        answer: bool,
    },
    ShortText {
        accepted: Vec<String>,
        case_sensitive: bool,
        accent_insensitive: bool,
    },
    Numeric {
        answer: f64,
        tolerance: f64,
        tolerance_kind: ToleranceKind,
        unit: Option<String>,
    },
    /// `items` are listed in the correct order.
    Ordering {
        items: Vec<Choice>,
    },
    Matching {
        left: Vec<Choice>,
        right: Vec<Choice>,
        /// Left id -> right id.
        answer: BTreeMap<String, String>,
    },
    Calculated {
        formula: String,
        variables: Vec<Variable>,
        tolerance: f64,
        tolerance_kind: ToleranceKind,
        unit: Option<String>,
    },
    Essay {
        rubric: String,
    },
}

impl QuestionKind {
    pub fn tag(&self) -> KindTag {
        match self {
            QuestionKind::SingleChoice { .. } => KindTag::SingleChoice,
            QuestionKind::MultipleChoice { .. } => KindTag::MultipleChoice,
            QuestionKind::TrueFalse { .. } => KindTag::TrueFalse,
            QuestionKind::ShortText { .. } => KindTag::ShortText,
            QuestionKind::Numeric { .. } => KindTag::Numeric,
            QuestionKind::Ordering { .. } => KindTag::Ordering,
            QuestionKind::Matching { .. } => KindTag::Matching,
            QuestionKind::Calculated { .. } => KindTag::Calculated,
            QuestionKind::Essay { .. } => KindTag::Essay,
        }
    }
}

/// The value of a question's `kind` key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KindTag {
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortText,
    Numeric,
    Ordering,
    Matching,
    Calculated,
    Essay,
}

/// An option, ordering item or matching side: `{ id = "a", text = "..." }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub text: String,
}

/// A variable of a calculated question, drawn per attempt between `min` and `max` and rounded to
/// `decimals` places.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Variable {
    pub name: String,
    pub min: f64,
    pub max: f64,
    pub decimals: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ToleranceKind {
    Absolute,
    Relative,
}

/// `as_str` for the enums: the value as written in the files (and stored by the importer).
macro_rules! names {
    ($ty:ident { $($variant:ident => $name:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name),*
                }
            }
        }
    };
}

names!(Level { Beginner => "beginner", Intermediate => "intermediate", Advanced => "advanced" });
names!(Completion { AllPassed => "all_passed", MinScore => "min_score" });
names!(GradingMethod { Highest => "highest", Latest => "latest", Average => "average", First => "first" });
names!(Review { Immediately => "immediately", AfterDeadline => "after_deadline", Never => "never" });
names!(ToleranceKind { Absolute => "absolute", Relative => "relative" });
names!(KindTag {
    SingleChoice => "single_choice",
    MultipleChoice => "multiple_choice",
    TrueFalse => "true_false",
    ShortText => "short_text",
    Numeric => "numeric",
    Ordering => "ordering",
    Matching => "matching",
    Calculated => "calculated",
    Essay => "essay",
});
