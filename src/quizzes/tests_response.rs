//! Reading responses: the shape of every kind, and every refusal with its code, field and message.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::tests_fixture::*;
use super::{parse_response, Response, ResponseError, ESSAY_MAX_CHARS, SHORT_TEXT_MAX_CHARS};
use crate::courses::format::ToleranceKind;

/// `(code, field, message)` of the refusal.
fn refusal(question: &crate::courses::format::Question, json: Value) -> (String, String, String) {
    let error = try_respond(question, json).unwrap_err();
    (
        error.code().to_owned(),
        error.field().to_owned(),
        error.to_string(),
    )
}

fn r(code: &str, field: &str, message: &str) -> (String, String, String) {
    (code.to_owned(), field.to_owned(), message.to_owned())
}

#[test]
fn reads_the_shape_of_every_kind() {
    assert_eq!(
        respond(&single_choice(), json!({"choice": "b"})),
        Response::SingleChoice { choice: "b".into() }
    );
    let mc = multiple_choice(&["a", "b", "c"], &["a"], 1.0);
    assert_eq!(
        respond(&mc, json!({"choices": ["c", "a"]})),
        Response::MultipleChoice {
            choices: vec!["c".into(), "a".into()]
        }
    );
    assert_eq!(
        respond(&true_false(true), json!({"value": false})),
        Response::TrueFalse { value: false }
    );
    assert_eq!(
        respond(
            &short_text(&["x"], false, false),
            json!({"text": " Hallo "})
        ),
        Response::ShortText {
            text: " Hallo ".into()
        }
    );
    let num = numeric(12.5, 0.0, ToleranceKind::Absolute);
    assert_eq!(
        respond(&num, json!({"value": 12})),
        Response::Numeric { value: 12.0 }
    );
    assert_eq!(
        respond(&num, json!({"value": " -12.5 "})),
        Response::Numeric { value: -12.5 }
    );
    assert_eq!(
        respond(&ordering(&["a", "b", "c"], 1.0), json!({"order": ["b"]})),
        Response::Ordering {
            order: vec!["b".into()]
        }
    );
    let pairs = BTreeMap::from([("l1".to_owned(), "r3".to_owned())]);
    assert_eq!(
        respond(&matching(), json!({"pairs": {"l1": "r3"}})),
        Response::Matching { pairs }
    );
    assert_eq!(
        respond(&landed_cost(), json!({"value": "151.2"})),
        Response::Calculated { value: 151.2 }
    );
    assert_eq!(
        respond(&essay(), json!({"text": ""})),
        Response::Essay { text: "".into() }
    );
    // Serialising gives the API shape back.
    let back = serde_json::to_value(respond(&matching(), json!({"pairs": {"l2": "r2"}})));
    assert_eq!(back.unwrap(), json!({"pairs": {"l2": "r2"}}));
}

#[test]
fn overlapping_shapes_are_read_by_the_question_kind() {
    // {"value": true} is a true/false answer, not a number; {"value": 3} is not a boolean.
    assert_eq!(
        refusal(&numeric(1.0, 0.0, ToleranceKind::Absolute), json!({"value": true})),
        r(
            "wrong_shape",
            "",
            "a numeric answer is {\"value\":12.5}: invalid type: boolean `true`, expected a number such as 12.5"
        )
    );
    assert_eq!(
        refusal(&true_false(true), json!({"value": 3})),
        r(
            "wrong_shape",
            "",
            "a true_false answer is {\"value\":true}: invalid type: integer `3`, expected a boolean"
        )
    );
    // A multiple-choice shape for a single-choice question.
    assert_eq!(
        refusal(&single_choice(), json!({"choices": ["b"]})),
        r(
            "wrong_shape",
            "",
            "a single_choice answer is {\"choice\":\"option-id\"}: unknown field `choices`, expected `choice`"
        )
    );
}

#[test]
fn wrong_shapes() {
    let sc = single_choice();
    assert_eq!(
        refusal(&sc, json!("b")),
        r(
            "wrong_shape",
            "",
            "a single_choice answer is {\"choice\":\"option-id\"}: found a string"
        )
    );
    assert_eq!(
        refusal(&sc, Value::Null).2,
        "a single_choice answer is {\"choice\":\"option-id\"}: found null"
    );
    assert_eq!(
        refusal(&sc, json!({})).2,
        "a single_choice answer is {\"choice\":\"option-id\"}: missing field `choice`"
    );
    assert_eq!(
        refusal(&sc, json!({"choice": "b", "confidence": 3})).2,
        "a single_choice answer is {\"choice\":\"option-id\"}: unknown field `confidence`, expected `choice`"
    );
    let mc = multiple_choice(&["a", "b", "c"], &["a"], 1.0);
    assert_eq!(
        refusal(&mc, json!({"choices": "a"})).2,
        "a multiple_choice answer is {\"choices\":[\"option-id\", ...]}: invalid type: string \"a\", expected a sequence"
    );
    assert_eq!(
        refusal(&matching(), json!({"pairs": [["l1", "r1"]]})).2,
        "a matching answer is {\"pairs\":{\"left-id\":\"right-id\", ...}}: invalid type: sequence, expected a map"
    );
    assert_eq!(
        refusal(
            &numeric(1.0, 0.0, ToleranceKind::Absolute),
            json!({"value": "12,5"})
        ),
        r(
            "wrong_shape",
            "value",
            "the answer must be a number such as 12.5, found \"12,5\""
        )
    );
    // A long echo is cut.
    let long = "x".repeat(1000);
    let message = refusal(&landed_cost(), json!({ "value": long })).2;
    assert_eq!(
        message,
        format!(
            "the answer must be a number such as 12.5, found \"{}…\"",
            "x".repeat(40)
        )
    );
}

#[test]
fn unknown_options_are_those_of_another_question() {
    assert_eq!(
        refusal(&single_choice(), json!({"choice": "e"})),
        r(
            "unknown_option",
            "choice",
            "\"e\" is not one of this question's options (a, b, c, d)"
        )
    );
    let mc = multiple_choice(&["a", "b", "c"], &["a"], 1.0);
    assert_eq!(
        refusal(&mc, json!({"choices": ["a", "d"]})),
        r(
            "unknown_option",
            "choices.1",
            "\"d\" is not one of this question's options (a, b, c)"
        )
    );
    assert_eq!(
        refusal(&ordering(&["x", "y"], 1.0), json!({"order": ["y", "b"]})).0,
        "unknown_option"
    );
    assert_eq!(
        refusal(&matching(), json!({"pairs": {"l9": "r1"}})),
        r(
            "unknown_option",
            "pairs.l9",
            "\"l9\" is not one of this question's left items (l1, l2, l3, l4)"
        )
    );
    assert_eq!(
        refusal(&matching(), json!({"pairs": {"l1": "l2"}})),
        r(
            "unknown_option",
            "pairs.l1",
            "\"l2\" is not one of this question's right items (r1, r2, r3, r4, r5)"
        )
    );
}

#[test]
fn duplicate_ids() {
    let mc = multiple_choice(&["a", "b", "c"], &["a"], 1.0);
    assert_eq!(
        refusal(&mc, json!({"choices": ["a", "b", "a"]})),
        r(
            "duplicate_option",
            "choices.2",
            "\"a\" is given more than once"
        )
    );
    assert_eq!(
        refusal(
            &ordering(&["x", "y", "z"], 1.0),
            json!({"order": ["x", "x"]})
        ),
        r(
            "duplicate_option",
            "order.1",
            "\"x\" is given more than once"
        )
    );
    // Two left items may share a right item.
    assert!(try_respond(&matching(), json!({"pairs": {"l1": "r3", "l2": "r3"}})).is_ok());
}

#[test]
fn over_long_texts() {
    let st = short_text(&["x"], false, false);
    assert!(try_respond(&st, json!({ "text": "é".repeat(SHORT_TEXT_MAX_CHARS) })).is_ok());
    assert_eq!(
        refusal(&st, json!({ "text": "a".repeat(SHORT_TEXT_MAX_CHARS + 1) })),
        r(
            "too_long",
            "text",
            "the answer is 10001 characters long; at most 10000 are allowed"
        )
    );
    assert!(try_respond(&essay(), json!({ "text": "a".repeat(ESSAY_MAX_CHARS) })).is_ok());
    assert_eq!(
        refusal(&essay(), json!({ "text": "ж".repeat(ESSAY_MAX_CHARS + 1) })).0,
        "too_long"
    );
}

#[test]
fn over_long_arrays() {
    let mc = multiple_choice(&["a", "b", "c"], &["a"], 1.0);
    assert_eq!(
        refusal(&mc, json!({"choices": ["a", "b", "c", "a"]})),
        r(
            "too_many",
            "choices",
            "4 entries given, but this question has only 3 options"
        )
    );
    assert_eq!(
        refusal(
            &ordering(&["x", "y"], 1.0),
            json!({"order": ["x", "y", "x"]})
        )
        .2,
        "3 entries given, but this question has only 2 items"
    );
    let five = json!({"pairs": {"l1": "r1", "l2": "r2", "l3": "r3", "l4": "r3", "l5": "r1"}});
    assert_eq!(
        refusal(&matching(), five).2,
        "5 entries given, but this question has only 4 left items"
    );
}

#[test]
fn rejects_100k_element_arrays_quickly() {
    let many: Vec<Value> = (0..100_000).map(|i| json!(format!("o{i}"))).collect();
    let pairs: serde_json::Map<String, Value> = (0..100_000)
        .map(|i| (format!("l{i}"), json!("r1")))
        .collect();
    let cases = [
        (
            multiple_choice(&["a", "b", "c"], &["a"], 1.0),
            json!({ "choices": many }),
        ),
        (ordering(&["x", "y", "z"], 1.0), json!({ "order": many })),
        (matching(), json!({ "pairs": pairs })),
    ];
    for (question, body) in cases {
        // Only the refusal is timed, not building or dropping the JSON: it looks at the length
        // alone, before copying anything.
        let started = Instant::now();
        let error = parse_response(&question.kind, &body).unwrap_err();
        let took = started.elapsed();
        assert!(matches!(
            error,
            ResponseError::TooMany { found: 100_000, .. }
        ));
        assert!(took < Duration::from_millis(50), "took {took:?}");
    }
}

#[test]
fn numbers_must_be_finite() {
    let num = numeric(1.0, 0.0, ToleranceKind::Absolute);
    for text in ["NaN", "nan", "inf", "-infinity", "1e999"] {
        let (code, field, message) = refusal(&num, json!({ "value": text }));
        assert_eq!((code.as_str(), field.as_str()), ("not_finite", "value"));
        assert_eq!(
            message,
            format!("the answer must be a finite number, found \"{text}\"")
        );
    }
    assert_eq!(
        refusal(&landed_cost(), json!({"value": "-inf"})).0,
        "not_finite"
    );
    // JSON itself cannot carry them: 1e999 is refused by the JSON reader before any of this.
    assert!(serde_json::from_str::<Value>(r#"{"value": 1e999}"#).is_err());
}

#[test]
fn every_code_is_snake_case_and_distinct() {
    let codes = [
        refusal(&single_choice(), json!([])).0,
        refusal(&single_choice(), json!({"choice": "z"})).0,
        refusal(&ordering(&["x", "y"], 1.0), json!({"order": ["x", "x"]})).0,
        refusal(&essay(), json!({ "text": "a".repeat(ESSAY_MAX_CHARS + 1) })).0,
        refusal(&ordering(&["x"], 1.0), json!({"order": ["x", "x"]})).0,
        refusal(
            &numeric(1.0, 0.0, ToleranceKind::Absolute),
            json!({"value": "NaN"}),
        )
        .0,
    ];
    assert_eq!(
        codes,
        [
            "wrong_shape",
            "unknown_option",
            "duplicate_option",
            "too_long",
            "too_many",
            "not_finite"
        ]
    );
}
