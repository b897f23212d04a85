//! How a `[[questions]]` table is read before its kind is known to fit its fields: [`RawQuestion`]
//! has every kind-specific field optional, and [`RawAnswer`] takes `answer` in any of the types
//! the kinds use. `question.rs` turns them into the typed model.

use std::collections::BTreeMap;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use super::model::{Choice, KindTag, ToleranceKind, Variable};

fn default_points() -> f64 {
    1.0
}

/// A `[[questions]]` table as written, before its kind is known to fit its fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawQuestion {
    pub id: String,
    pub kind: KindTag,
    pub prompt: String,
    #[serde(default = "default_points")]
    pub points: f64,
    pub competencies: Vec<String>,
    pub feedback: Option<String>,
    pub options: Option<Vec<Choice>>,
    pub answer: Option<RawAnswer>,
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

/// `answer` has a different type per kind: an option id, a boolean, a number or a table of pairs.
/// A hand-written visitor (instead of `#[serde(untagged)]`) keeps toml's span on type errors.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RawAnswer {
    Text(String),
    Bool(bool),
    Number(f64),
    Pairs(BTreeMap<String, String>),
}

impl RawAnswer {
    /// How the value reads in a message ("found a boolean").
    pub fn describe(&self) -> &'static str {
        match self {
            RawAnswer::Text(_) => "a string",
            RawAnswer::Bool(_) => "a boolean",
            RawAnswer::Number(_) => "a number",
            RawAnswer::Pairs(_) => "a table",
        }
    }
}

impl<'de> Deserialize<'de> for RawAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;

        impl<'de> Visitor<'de> for AnswerVisitor {
            type Value = RawAnswer;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an option id, true or false, a number, or a table of pairs")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Bool(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawAnswer, E> {
                // Answers are compared as floating point; TOML integers are far inside the range
                // where this conversion is exact enough for a quiz answer.
                Ok(RawAnswer::Number(v as f64))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Number(v as f64))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Number(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Text(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<RawAnswer, E> {
                Ok(RawAnswer::Text(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawAnswer, A::Error> {
                let mut pairs = BTreeMap::new();
                while let Some((left, right)) = map.next_entry::<String, String>()? {
                    pairs.insert(left, right);
                }
                Ok(RawAnswer::Pairs(pairs))
            }
        }

        deserializer.deserialize_any(AnswerVisitor)
    }
}
