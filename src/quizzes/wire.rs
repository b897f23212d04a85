//! The JSON shape of a response for each question kind, as serde reads it: one struct per
//! shape, every one with `deny_unknown_fields`, so `{"choice":"b","confidence":3}` is refused
//! rather than half-read. Which shape applies is decided by the question's kind in
//! `response.rs`, never guessed from the JSON. A number may come as a JSON number or as a string
//! holding one ([`NumberInput`]); whether it is a finite number is checked in `response.rs`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChoiceWire {
    pub(super) choice: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ChoicesWire {
    pub(super) choices: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BoolWire {
    pub(super) value: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TextWire {
    pub(super) text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NumberWire {
    pub(super) value: NumberInput,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OrderWire {
    pub(super) order: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PairsWire {
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
