//! The leak detector of the attempt tests: no answer key, explanation or grading field, and no
//! text only a key holds, in what a student is shown before the review policy allows.

use std::collections::BTreeSet;

use serde_json::Value;

/// Keys that belong to answer keys, their explanations or grading: never in a student's view
/// before the review policy allows.
const KEY_FIELDS: &[&str] = &[
    "answer",
    "answers",
    "accepted",
    "formula",
    "rubric",
    "tolerance",
    "tolerance_kind",
    "feedback",
    "variables",
    "correct_answer",
    "score",
];

/// Texts that appear only in answer keys, feedback and rubrics of `quizzes::every_kind`.
const SECRETS: &[&str] = &[
    "FEEDBACK-SENTINEL",
    "RUBRIC-SENTINEL",
    "Delivered at Place Unloaded",
    "w * n",
];

fn key_fields(value: &Value, path: &str, found: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{path}.{k}");
                if KEY_FIELDS.contains(&k.as_str()) {
                    found.push(here.clone());
                }
                key_fields(v, &here, found);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                key_fields(v, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// Fails on any answer-key field anywhere in `body`, and on any text only a key holds.
#[track_caller]
pub fn assert_no_keys(what: &str, body: &Value) {
    let mut found = Vec::new();
    key_fields(body, "$", &mut found);
    assert!(found.is_empty(), "{what} shows {found:?}: {body}");
    let text = body.to_string();
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret:?}: {body}");
    }
}

/// An attempt as its student sees it without results: `result` is null, and apart from the
/// student's own saved `answers` (a map by question id) nothing of a key appears.
#[track_caller]
pub fn assert_attempt_hides_keys(what: &str, attempt: &Value) {
    assert!(
        attempt["result"].is_null(),
        "{what} shows a result: {attempt}"
    );
    let mut rest = attempt.clone();
    let saved = rest
        .as_object_mut()
        .unwrap_or_else(|| panic!("{what} is not an object: {attempt}"))
        .remove("answers")
        .unwrap_or_else(|| panic!("{what} has no saved answers: {attempt}"));
    let shown_ids: BTreeSet<&str> = attempt["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| q["question_id"].as_str().expect("question id"))
        .collect();
    for key in saved
        .as_object()
        .unwrap_or_else(|| panic!("{what}: saved answers are not a map: {saved}"))
        .keys()
    {
        assert!(
            shown_ids.contains(key.as_str()),
            "{what}: saved answer for {key}, not a question of the attempt"
        );
    }
    assert_no_keys(what, &rest);
}
