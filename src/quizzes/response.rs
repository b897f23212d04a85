//! A student's response to one question as the API carries it (the `response` of
//! `PUT /attempts/{id}/answers` and `POST /attempts/{id}/submit`), and the checks it passes before
//! it is stored or graded.
//!
//! The JSON shapes overlap (`{"value":…}` answers true/false, numeric and calculated questions,
//! `{"text":…}` short text and essays), so a response is never guessed from its JSON:
//! [`parse_response`] reads it as the one shape of the question's kind (`wire.rs`), refusing
//! unknown fields, and then checks it against that very question:
//!
//! - ids must be the question's own options, items or left/right ids, each used once;
//! - arrays (and the `pairs` object) may not have more entries than the question has
//!   options/items/left items. This is checked on the raw JSON before anything is copied, so a
//!   100,000-element array costs nothing;
//! - texts are at most [`SHORT_TEXT_MAX_CHARS`] (short text) or [`ESSAY_MAX_CHARS`] (essay)
//!   characters;
//! - numbers may also come as strings (`"12.5"`, as HTML inputs give them) and must be finite, so
//!   `"NaN"`, `"inf"` or `"1e999"` are refused.
//!
//! Shorter responses are fine: fewer choices, a partial `order`, only some `pairs` (an autosave
//! of unfinished work); they simply earn less. Two left items may name the same right item. JSON
//! objects cannot repeat a key once parsed (`serde_json` keeps the last), so `pairs` has no
//! duplicate check.
//!
//! A refusal is a [`ResponseError`]: a stable [`code`](ResponseError::code), the
//! [`field`](ResponseError::field) it concerns (`choices.2`, `pairs.l1`) and a message a frontend
//! can show as is.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::wire::{
    BoolWire, ChoiceWire, ChoicesWire, NumberInput, NumberWire, OrderWire, PairsWire, TextWire,
};
use crate::courses::format::{Choice, QuestionKind};

/// Longest `short_text` response, in characters.
pub const SHORT_TEXT_MAX_CHARS: usize = 10_000;
/// Longest `essay` response, in characters.
pub const ESSAY_MAX_CHARS: usize = 100_000;
/// How much of an offending id or string a message quotes.
const QUOTE_MAX_CHARS: usize = 40;
/// How much of a JSON reader's message a `wrong_shape` message keeps.
const DETAIL_MAX_CHARS: usize = 200;

/// A checked response. It serialises back to exactly the API shape (untagged), but it is only
/// ever read through [`parse_response`], which knows the question's kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Response {
    SingleChoice { choice: String },
    MultipleChoice { choices: Vec<String> },
    TrueFalse { value: bool },
    ShortText { text: String },
    Numeric { value: f64 },
    Ordering { order: Vec<String> },
    Matching { pairs: BTreeMap<String, String> },
    Calculated { value: f64 },
    Essay { text: String },
}

/// Why a response was refused. `Display` is the message for the student.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// Not the JSON shape of the question's kind: not an object, a missing or unknown field, a
    /// value of the wrong type, a string that is not a number.
    #[error("{message}")]
    WrongShape { field: String, message: String },
    /// An id that is not one of this question's options, items or matching ids.
    #[error("\"{id}\" is not one of this question's {noun}s ({known})")]
    UnknownOption {
        field: String,
        id: String,
        noun: &'static str,
        known: String,
    },
    /// The same id given twice.
    #[error("\"{id}\" is given more than once")]
    DuplicateOption { field: String, id: String },
    /// A text over its limit.
    #[error("the answer is {found} characters long; at most {max} are allowed")]
    TooLong {
        field: String,
        found: usize,
        max: usize,
    },
    /// More entries than the question has options, items or left items.
    #[error("{found} entries given, but this question has only {max} {noun}s")]
    TooMany {
        field: String,
        found: usize,
        max: usize,
        noun: &'static str,
    },
    /// A number that is NaN or infinite.
    #[error("the answer must be a finite number, found \"{found}\"")]
    NotFinite { field: String, found: String },
}

impl ResponseError {
    /// Stable snake_case code for the API's problem+json `code`.
    pub fn code(&self) -> &'static str {
        match self {
            ResponseError::WrongShape { .. } => "wrong_shape",
            ResponseError::UnknownOption { .. } => "unknown_option",
            ResponseError::DuplicateOption { .. } => "duplicate_option",
            ResponseError::TooLong { .. } => "too_long",
            ResponseError::TooMany { .. } => "too_many",
            ResponseError::NotFinite { .. } => "not_finite",
        }
    }

    /// The part of the response it concerns: `choice`, `choices.2`, `order`, `pairs.l1`, `text`,
    /// `value`, or the empty string for the response as a whole.
    pub fn field(&self) -> &str {
        match self {
            ResponseError::WrongShape { field, .. }
            | ResponseError::UnknownOption { field, .. }
            | ResponseError::DuplicateOption { field, .. }
            | ResponseError::TooLong { field, .. }
            | ResponseError::TooMany { field, .. }
            | ResponseError::NotFinite { field, .. } => field,
        }
    }
}

/// Reads `json` as a response to a question of `kind` and checks it against that question.
pub fn parse_response(kind: &QuestionKind, json: &Value) -> Result<Response, ResponseError> {
    match kind {
        QuestionKind::SingleChoice { options, .. } => {
            let wire: ChoiceWire = read(json, "single_choice", r#"{"choice":"option-id"}"#)?;
            known(&wire.choice, options, "choice", "option")?;
            Ok(Response::SingleChoice {
                choice: wire.choice,
            })
        }
        QuestionKind::MultipleChoice { options, .. } => {
            let shape = r#"{"choices":["option-id", ...]}"#;
            not_too_many(json, "choices", options.len(), "option")?;
            let wire: ChoicesWire = read(json, "multiple_choice", shape)?;
            distinct_known(&wire.choices, options, "choices", "option")?;
            Ok(Response::MultipleChoice {
                choices: wire.choices,
            })
        }
        QuestionKind::TrueFalse { .. } => {
            let wire: BoolWire = read(json, "true_false", r#"{"value":true}"#)?;
            Ok(Response::TrueFalse { value: wire.value })
        }
        QuestionKind::ShortText { .. } => {
            let wire: TextWire = read(json, "short_text", r#"{"text":"..."}"#)?;
            not_too_long(&wire.text, SHORT_TEXT_MAX_CHARS)?;
            Ok(Response::ShortText { text: wire.text })
        }
        QuestionKind::Numeric { .. } => {
            let wire: NumberWire = read(json, "numeric", r#"{"value":12.5}"#)?;
            Ok(Response::Numeric {
                value: wire.value.finite()?,
            })
        }
        QuestionKind::Ordering { items } => {
            let shape = r#"{"order":["item-id", ...]}"#;
            not_too_many(json, "order", items.len(), "item")?;
            let wire: OrderWire = read(json, "ordering", shape)?;
            distinct_known(&wire.order, items, "order", "item")?;
            Ok(Response::Ordering { order: wire.order })
        }
        QuestionKind::Matching { left, right, .. } => {
            let shape = r#"{"pairs":{"left-id":"right-id", ...}}"#;
            not_too_many(json, "pairs", left.len(), "left item")?;
            let wire: PairsWire = read(json, "matching", shape)?;
            for (l, r) in &wire.pairs {
                let field = format!("pairs.{}", quote(l));
                known(l, left, &field, "left item")?;
                known(r, right, &field, "right item")?;
            }
            Ok(Response::Matching { pairs: wire.pairs })
        }
        QuestionKind::Calculated { .. } => {
            let wire: NumberWire = read(json, "calculated", r#"{"value":151.2}"#)?;
            Ok(Response::Calculated {
                value: wire.value.finite()?,
            })
        }
        QuestionKind::Essay { .. } => {
            let wire: TextWire = read(json, "essay", r#"{"text":"..."}"#)?;
            not_too_long(&wire.text, ESSAY_MAX_CHARS)?;
            Ok(Response::Essay { text: wire.text })
        }
    }
}

impl NumberInput {
    fn finite(self) -> Result<f64, ResponseError> {
        let (value, shown) = match self {
            NumberInput::Number(v) => (v, v.to_string()),
            NumberInput::Text(text) => match text.trim().parse::<f64>() {
                Ok(v) => (v, text),
                Err(_) => {
                    return Err(ResponseError::WrongShape {
                        field: "value".to_owned(),
                        message: format!(
                            "the answer must be a number such as 12.5, found \"{}\"",
                            quote(&text)
                        ),
                    })
                }
            },
        };
        if value.is_finite() {
            Ok(value)
        } else {
            Err(ResponseError::NotFinite {
                field: "value".to_owned(),
                found: quote(&shown),
            })
        }
    }
}

// --- the checks ---

/// Deserialises `json` as the wire shape `T` of `kind`, whose example is `shape`.
fn read<'v, T: Deserialize<'v>>(
    json: &'v Value,
    kind: &str,
    shape: &str,
) -> Result<T, ResponseError> {
    let wrong = |detail: String| ResponseError::WrongShape {
        field: String::new(),
        message: format!("a {kind} answer is {shape}: {detail}"),
    };
    if !json.is_object() {
        return Err(wrong(format!("found {}", describe(json))));
    }
    T::deserialize(json).map_err(|e| wrong(truncate(&e.to_string(), DETAIL_MAX_CHARS)))
}

/// Refuses an array (or object) under `field` with more than `max` entries, before reading it.
/// Anything but an array (an object for `pairs`) is left for the shape check to refuse.
fn not_too_many(
    json: &Value,
    field: &str,
    max: usize,
    noun: &'static str,
) -> Result<(), ResponseError> {
    let found = match (json.get(field), field == "pairs") {
        (Some(Value::Array(items)), false) => items.len(),
        (Some(Value::Object(entries)), true) => entries.len(),
        _ => return Ok(()),
    };
    if found > max {
        return Err(ResponseError::TooMany {
            field: field.to_owned(),
            found,
            max,
            noun,
        });
    }
    Ok(())
}

fn known(id: &str, list: &[Choice], field: &str, noun: &'static str) -> Result<(), ResponseError> {
    if list.iter().any(|c| c.id == id) {
        return Ok(());
    }
    let ids = list.iter().map(|c| c.id.as_str()).collect::<Vec<_>>();
    Err(ResponseError::UnknownOption {
        field: field.to_owned(),
        id: quote(id),
        noun,
        known: ids.join(", "),
    })
}

fn distinct_known(
    ids: &[String],
    list: &[Choice],
    field: &str,
    noun: &'static str,
) -> Result<(), ResponseError> {
    let mut seen = HashSet::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let here = format!("{field}.{i}");
        known(id, list, &here, noun)?;
        if !seen.insert(id.as_str()) {
            return Err(ResponseError::DuplicateOption {
                field: here,
                id: quote(id),
            });
        }
    }
    Ok(())
}

fn not_too_long(text: &str, max: usize) -> Result<(), ResponseError> {
    crate::domain::no_control_chars(text).map_err(|message| ResponseError::WrongShape {
        field: "text".to_owned(),
        message: format!("the answer {message}"),
    })?;
    // A char is at least one byte, so a text of at most `max` bytes is within the limit.
    if text.len() <= max {
        return Ok(());
    }
    let found = text.chars().count();
    if found > max {
        return Err(ResponseError::TooLong {
            field: "text".to_owned(),
            found,
            max,
        });
    }
    Ok(())
}

/// What a JSON value is, for a message.
fn describe(json: &Value) -> &'static str {
    match json {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `text` cut to [`QUOTE_MAX_CHARS`] characters, for echoing in a message.
fn quote(text: &str) -> String {
    truncate(text, QUOTE_MAX_CHARS)
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}
