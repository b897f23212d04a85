//! The JSON shape of a response for each question kind, as serde reads it: one struct per
//! shape, every one with `deny_unknown_fields`, so `{"choice":"b","confidence":3}` is refused
//! rather than half-read. Which shape applies is decided by the question's kind in
//! `response.rs`, never guessed from the JSON. A number may come as a JSON number or as a string
//! holding one ([`NumberInput`]); whether it is a finite number is checked in `response.rs`.
//!
//! The same structs give the OpenAPI document its schemas: [`ResponseBody`] is the `oneOf` of
//! the shapes (each has its own required field, so exactly one fits), and [`CorrectAnswer`] is
//! what a result shows as the right answer.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChoiceResponse)]
pub(crate) struct ChoiceWire {
    pub(super) choice: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = ChoicesResponse)]
pub(crate) struct ChoicesWire {
    pub(super) choices: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TrueFalseResponse)]
pub(crate) struct BoolWire {
    pub(super) value: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = TextResponse)]
pub(crate) struct TextWire {
    pub(super) text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = NumberResponse)]
pub(crate) struct NumberWire {
    #[schema(value_type = NumberText)]
    pub(super) value: NumberInput,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = OrderResponse)]
pub(crate) struct OrderWire {
    pub(super) order: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PairsResponse)]
pub(crate) struct PairsWire {
    pub(super) pairs: BTreeMap<String, String>,
}

/// A JSON number, or a string holding one.
pub(super) enum NumberInput {
    Number(f64),
    Text(String),
}

impl<'de> Deserialize<'de> for NumberInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor;
        impl Visitor<'_> for NumberVisitor {
            type Value = NumberInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number such as 12.5")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NumberInput, E> {
                Ok(NumberInput::Number(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NumberInput, E> {
                Ok(NumberInput::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NumberInput, E> {
                Ok(NumberInput::Number(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NumberInput, E> {
                Ok(NumberInput::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(NumberVisitor)
    }
}

/// A number, or a string holding one (as HTML inputs give them), e.g. `12.5` or `"12.5"`.
/// Schema only: [`NumberInput`] reads it.
#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(untagged)]
pub(crate) enum NumberText {
    Number(f64),
    Text(String),
}

/// A student's response to one question, in the shape of the question's kind: `choice`
/// (single_choice), `choices` (multiple_choice), `value` (true_false: a boolean; numeric and
/// calculated: a number), `text` (short_text, essay), `order` (ordering, item ids first to
/// last), `pairs` (matching, left id to right id). A partial response (fewer choices, some pairs)
/// is fine and earns less.
///
/// Schema only: `response.rs` reads the shape the question's kind names, never a guess.
#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(untagged)]
pub(crate) enum ResponseBody {
    Choice(ChoiceWire),
    Choices(ChoicesWire),
    TrueFalse(BoolWire),
    Number(NumberWire),
    Text(TextWire),
    Order(OrderWire),
    Pairs(PairsWire),
}

/// The right answer a result shows, in the response shape of the question's kind; short text
/// lists every `accepted` answer, a calculated question's `value` is for the values drawn in this
/// attempt, and an essay has none (null).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum CorrectAnswer {
    Choice {
        choice: String,
    },
    Choices {
        choices: Vec<String>,
    },
    Value {
        value: Option<TruthOrNumber>,
    },
    Text {
        text: Option<String>,
        accepted: Vec<String>,
    },
    Order {
        order: Vec<String>,
    },
    Pairs {
        pairs: BTreeMap<String, String>,
    },
}

/// `true`/`false` for a true/false question, a number for numeric and calculated ones.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TruthOrNumber {
    Truth(bool),
    Number(f64),
}
