//! The authoring bodies as the OpenAPI document describes them: a quiz's settings, the nine
//! question kinds (a `oneOf` told apart by `kind`, each with its own fields and answer key), the
//! partial bodies of PATCH, and the views an author reads back.
//!
//! The handlers keep reading these bodies as the TOML tables of `quiz.toml` and check them with
//! the course-format checker, which reports a problem with its field and line; these types are
//! the contract a generated client is built from. A unit test reads every question of the seed
//! catalog through [`QuestionBody`], so the contract and the format cannot part ways unnoticed.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::courses::format::{Choice, DrawRule, GradingMethod, KindTag, QuizSettings, Review};
use crate::courses::format::{ToleranceKind, Variable};

/// Declares one struct per question kind (with its `kind` value and its schema's address for the
/// discriminator's mapping) with the fields every kind has, the kind's own fields,
/// and the `oneOf` of them all.
macro_rules! question_kinds {
    ($(
        $(#[$doc:meta])*
        $variant:ident($name:ident, $tag:ident = $tag_value:tt, $schema_ref:tt) {
            $( $(#[$field_doc:meta])* $field:ident : $ty:ty ),* $(,)?
        }
    )*) => {
        $(
            #[doc = concat!("The `kind` of a ", $tag_value, " question.")]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
            pub enum $tag {
                #[serde(rename = $tag_value)]
                $tag,
            }

            $(#[$doc])*
            #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
            #[serde(deny_unknown_fields)]
            pub struct $name {
                pub kind: $tag,
                /// Unique within the quiz: lowercase letters, digits and hyphens.
                pub id: String,
                /// Markdown shown to the student.
                pub prompt: String,
                /// Points the question is worth; 1 when absent.
                #[serde(default)]
                pub points: Option<f64>,
                /// Competency codes the question assesses (GET /api/v1/competencies).
                pub competencies: Vec<String>,
                /// Shown to the student with the result, when the quiz's review policy allows.
                #[serde(default)]
                pub feedback: Option<String>,
                $( $(#[$field_doc])* pub $field: $ty, )*
            }
        )*

        /// One question of a quiz, as in a `[[questions]]` table of quiz.toml: the fields every
        /// kind has and the fields of its `kind`, with its answer key.
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        #[serde(untagged)]
        #[schema(discriminator(property_name = "kind", mapping($( ($tag_value = $schema_ref) ),*)))]
        pub enum QuestionBody {
            $( $variant($name), )*
        }
    };
}

question_kinds! {
    /// One option is right.
    SingleChoice(SingleChoiceQuestion, SingleChoiceKind = "single_choice", "#/components/schemas/SingleChoiceQuestion") {
        /// 2 to 10 options with ids unique in the question.
        options: Vec<Choice>,
        /// The id of the right option.
        answer: String,
    }
    /// One or more options are right; partial credit per option.
    MultipleChoice(MultipleChoiceQuestion, MultipleChoiceKind = "multiple_choice", "#/components/schemas/MultipleChoiceQuestion") {
        /// 2 to 10 options with ids unique in the question.
        options: Vec<Choice>,
        /// The ids of every right option.
        answers: Vec<String>,
    }
    /// A statement that is true or false.
    TrueFalse(TrueFalseQuestion, TrueFalseKind = "true_false", "#/components/schemas/TrueFalseQuestion") {
        answer: bool,
    }
    /// A short typed answer compared with the accepted ones.
    ShortText(ShortTextQuestion, ShortTextKind = "short_text", "#/components/schemas/ShortTextQuestion") {
        /// Every answer accepted as right.
        accepted: Vec<String>,
        /// Compare letter case too (default false).
        #[serde(default)]
        case_sensitive: Option<bool>,
        /// Ignore accents (default false).
        #[serde(default)]
        accent_insensitive: Option<bool>,
    }
    /// A number within a tolerance.
    Numeric(NumericQuestion, NumericKind = "numeric", "#/components/schemas/NumericQuestion") {
        answer: f64,
        tolerance: f64,
        tolerance_kind: ToleranceKind,
        /// Shown beside the input, e.g. "kg".
        #[serde(default)]
        unit: Option<String>,
    }
    /// Items to put in order; `items` are listed in the right order and shuffled for students.
    Ordering(OrderingQuestion, OrderingKind = "ordering", "#/components/schemas/OrderingQuestion") {
        items: Vec<Choice>,
    }
    /// Each left item matched to a right one.
    Matching(MatchingQuestion, MatchingKind = "matching", "#/components/schemas/MatchingQuestion") {
        left: Vec<Choice>,
        right: Vec<Choice>,
        /// Left id to right id.
        answer: BTreeMap<String, String>,
    }
    /// A formula over variables drawn per attempt; the answer is the formula's value.
    Calculated(CalculatedQuestion, CalculatedKind = "calculated", "#/components/schemas/CalculatedQuestion") {
        /// Arithmetic over the variables: + - * / ^, parentheses, and functions such as round.
        formula: String,
        variables: Vec<Variable>,
        tolerance: f64,
        tolerance_kind: ToleranceKind,
        #[serde(default)]
        unit: Option<String>,
    }
    /// A written answer graded by hand against the rubric.
    Essay(EssayQuestion, EssayKind = "essay", "#/components/schemas/EssayQuestion") {
        /// What graders look for (not shown to students).
        rubric: String,
    }
}

/// The answer key of a question in a PATCH: an option id (single choice), true or false, a number
/// (numeric), or left-to-right pairs (matching).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum AnswerKey {
    OptionId(String),
    Truth(bool),
    Number(f64),
    Pairs(BTreeMap<String, String>),
}

/// Fields to change on a question; a field set to null is removed (optional fields only). The
/// id cannot change. Whether the result fits its kind is checked as for a new question.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuestionPatch {
    pub kind: Option<KindTag>,
    pub prompt: Option<String>,
    pub points: Option<f64>,
    pub competencies: Option<Vec<String>>,
    pub feedback: Option<String>,
    pub options: Option<Vec<Choice>>,
    pub answer: Option<AnswerKey>,
    pub answers: Option<Vec<String>>,
    pub accepted: Option<Vec<String>>,
    pub case_sensitive: Option<bool>,
    pub accent_insensitive: Option<bool>,
    pub tolerance: Option<f64>,
    pub tolerance_kind: Option<ToleranceKind>,
    pub unit: Option<String>,
    pub items: Option<Vec<Choice>>,
    pub left: Option<Vec<Choice>>,
    pub right: Option<Vec<Choice>>,
    pub formula: Option<String>,
    pub variables: Option<Vec<Variable>>,
    pub rubric: Option<String>,
}

/// A new quiz: quiz.toml's settings and, optionally, its first questions. A draft may hold a
/// quiz without questions; publishing needs at least one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuizBody {
    #[serde(flatten)]
    pub settings: QuizSettings,
    #[serde(default)]
    pub questions: Option<Vec<QuestionBody>>,
}

/// A quiz as its authors read it: the settings of quiz.toml with the quiz's ids and how many
/// questions it has (GET /quizzes/{id}/questions lists them).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuizView {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub course_id: String,
    pub question_count: u32,
    #[serde(flatten)]
    pub settings: QuizSettings,
}

/// A question as its authors read it: its fields with its API id.
#[derive(Debug, Clone, Serialize)]
pub struct AuthoredQuestion {
    /// The id in /api/v1/questions/{question_id}.
    pub question_id: String,
    #[serde(flatten)]
    pub question: QuestionBody,
}

/// Written by hand: `question_id` beside the kinds' `oneOf`, which here carries no
/// discriminator. A discriminated `oneOf` inside `allOf` makes client generators (openapi-typescript)
/// read the whole schema as one more kind named `AuthoredQuestion`; each kind's own `kind` value
/// still tells them apart.
impl utoipa::PartialSchema for AuthoredQuestion {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema, SchemaFormat};
        use utoipa::openapi::{KnownFormat, RefOr, Type};
        let mut kinds = QuestionBody::schema();
        if let RefOr::T(Schema::OneOf(one_of)) = &mut kinds {
            one_of.discriminator = None;
        }
        let id = ObjectBuilder::new()
            .property(
                "question_id",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
                    .description(Some("The id in /api/v1/questions/{question_id}.")),
            )
            .required("question_id");
        AllOfBuilder::new()
            .item(id)
            .item(kinds)
            .description(Some(
                "A question as its authors read it: its fields with its API id.",
            ))
            .into()
    }
}

impl ToSchema for AuthoredQuestion {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        QuestionBody::schemas(schemas);
    }
}

/// The answer to POST /modules/{id}/quizzes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedQuiz {
    #[schema(value_type = String, format = Uuid)]
    pub id: crate::db::sql_types::ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub module_id: crate::db::sql_types::ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: crate::db::sql_types::CourseId,
}

/// The answer to POST /quizzes/{id}/questions: `id` like every create, and the same value as
/// `question_id` for clients written against the older field.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedQuestion {
    #[schema(value_type = String, format = Uuid)]
    pub id: crate::db::sql_types::ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub question_id: crate::db::sql_types::ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub quiz_id: crate::db::sql_types::ItemId,
}

/// Quiz settings to change (not questions, not the slug); absent fields keep their value.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizSettingsPatch {
    pub title: Option<String>,
    pub passing_score: Option<f64>,
    pub attempt_limit: Option<u32>,
    pub time_limit_minutes: Option<u32>,
    pub shuffle_questions: Option<bool>,
    pub shuffle_options: Option<bool>,
    pub grading_method: Option<GradingMethod>,
    pub review: Option<Review>,
    pub draw: Option<u32>,
    pub draw_from: Option<Vec<DrawRule>>,
    /// RFC 3339, UTC.
    pub opens_at: Option<String>,
    /// RFC 3339, UTC.
    pub closes_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every question of every seed course, as JSON, in the shape quiz.toml holds it.
    fn seed_questions() -> Vec<(String, serde_json::Value)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses");
        let mut found = Vec::new();
        for course in std::fs::read_dir(&root).unwrap() {
            let course = course.unwrap().path();
            if !course.is_dir() {
                continue;
            }
            for module in std::fs::read_dir(&course).unwrap() {
                let quiz = module.unwrap().path().join("quiz.toml");
                let Ok(text) = std::fs::read_to_string(&quiz) else {
                    continue;
                };
                let table: toml::Table = toml::from_str(&text).unwrap();
                let json = serde_json::to_value(&table).unwrap();
                for question in json["questions"].as_array().cloned().unwrap_or_default() {
                    found.push((quiz.display().to_string(), question));
                }
            }
        }
        found
    }

    /// TOML's `2` and the contract's `2.0` are the same number.
    fn as_floats(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::Number(n) => n.as_f64().map(Value::from).unwrap_or(Value::Number(n)),
            Value::Array(items) => Value::Array(items.into_iter().map(as_floats).collect()),
            Value::Object(map) => map.into_iter().map(|(k, v)| (k, as_floats(v))).collect(),
            other => other,
        }
    }

    #[test]
    fn every_seed_catalog_question_reads_as_the_documented_question_body() {
        let questions = seed_questions();
        assert!(questions.len() > 100, "the seed catalog has its quizzes");
        let mut kinds = std::collections::BTreeSet::new();
        for (file, question) in questions {
            let body: QuestionBody = serde_json::from_value(question.clone())
                .unwrap_or_else(|e| panic!("{file}: {} does not fit: {e}", question["id"]));
            // Reading and writing back loses nothing an author wrote.
            let mut written = serde_json::to_value(&body).unwrap();
            written.as_object_mut().unwrap().retain(|_, v| !v.is_null());
            assert_eq!(
                as_floats(written),
                as_floats(question.clone()),
                "{file}: {}",
                question["id"]
            );
            kinds.insert(question["kind"].as_str().unwrap().to_owned());
        }
        assert_eq!(kinds.len(), 9, "every kind is exercised: {kinds:?}");
    }

    #[test]
    fn a_question_of_an_unknown_kind_or_with_a_stray_field_does_not_fit() {
        let good = serde_json::json!({
            "kind": "true_false", "id": "t", "prompt": "p", "competencies": ["ecom.listing"],
            "answer": true,
        });
        assert!(serde_json::from_value::<QuestionBody>(good.clone()).is_ok());
        let mut unknown = good.clone();
        unknown["kind"] = "yes_no".into();
        assert!(serde_json::from_value::<QuestionBody>(unknown).is_err());
        let mut stray = good;
        stray["answerz"] = true.into();
        assert!(serde_json::from_value::<QuestionBody>(stray).is_err());
    }
}
