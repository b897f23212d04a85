//! Quiz bodies for the attempt tests: a quiz with quiet default settings, and questions of every
//! kind whose keys, feedback and rubrics carry sentinel texts that the leak checks look for.

use serde_json::{json, Value};

use crate::support::courses::COMPETENCY;

/// A quiz with `questions` and the settings in `overrides` over quiet defaults (no limits, review
/// immediately, everything shuffled).
pub fn quiz(overrides: Value, questions: Vec<Value>) -> Value {
    let mut body = json!({
        "slug": "practice-quiz",
        "title": "Check: practice",
        "passing_score": 0.5,
        "attempt_limit": 0,
        "time_limit_minutes": 0,
        "shuffle_questions": true,
        "shuffle_options": true,
        "grading_method": "highest",
        "review": "immediately",
        "draw": 0,
    });
    for (k, v) in overrides.as_object().expect("overrides are an object") {
        body[k] = v.clone();
    }
    body["questions"] = Value::Array(questions);
    body
}

pub fn options(ids: &[&str]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"id": id, "text": format!("Option {id}")}))
            .collect(),
    )
}

pub fn single_choice(id: &str, ids: &[&str], answer: &str) -> Value {
    json!({
        "id": id,
        "kind": "single_choice",
        "prompt": format!("Question {id}: pick one."),
        "points": 1,
        "competencies": [COMPETENCY],
        "feedback": "FEEDBACK-SENTINEL: the C rules pass risk at shipment.",
        "options": options(ids),
        "answer": answer,
    })
}

pub fn numeric(
    id: &str,
    answer: f64,
    tolerance: f64,
    kind: &str,
    points: u32,
    unit: &str,
) -> Value {
    json!({
        "id": id,
        "kind": "numeric",
        "prompt": format!("Question {id}: give the number."),
        "points": points,
        "competencies": [COMPETENCY],
        "answer": answer,
        "tolerance": tolerance,
        "tolerance_kind": kind,
        "unit": unit,
    })
}

pub fn short_text(id: &str, accepted: &[&str], accent_insensitive: bool) -> Value {
    json!({
        "id": id,
        "kind": "short_text",
        "prompt": format!("Question {id}: how do you say \"that's fine\" in Spanish?"),
        "points": 1,
        "competencies": [COMPETENCY],
        "accepted": accepted,
        "case_sensitive": false,
        "accent_insensitive": accent_insensitive,
    })
}

/// One question of every kind (an essay too), worth 29 points without the essay.
pub fn every_kind() -> Vec<Value> {
    vec![
        single_choice("risk-point", &["rail", "gate"], "rail"),
        json!({
            "id": "sea-rules",
            "kind": "multiple_choice",
            "prompt": "Which rules are for sea and inland waterway transport only?",
            "points": 6,
            "competencies": [COMPETENCY],
            "feedback": "FEEDBACK-SENTINEL: FAS, FOB, CFR and CIF.",
            "options": options(&["fob", "fca", "cif", "dap", "exw"]),
            "answers": ["fob", "cif"],
        }),
        json!({
            "id": "insured",
            "kind": "multiple_choice",
            "prompt": "Under which rules must the seller insure the goods?",
            "points": 6,
            "competencies": [COMPETENCY],
            "options": options(&["cip", "cif", "cpt", "cfr", "fca"]),
            "answers": ["cip", "cif"],
        }),
        json!({
            "id": "steps",
            "kind": "ordering",
            "prompt": "Put the steps of an export shipment in order.",
            "points": 4,
            "competencies": [COMPETENCY],
            "items": [
                {"id": "s1", "text": "Pro-forma invoice"},
                {"id": "s2", "text": "Deposit received"},
                {"id": "s3", "text": "Production"},
                {"id": "s4", "text": "Pre-shipment inspection"},
                {"id": "s5", "text": "Loading on board"},
            ],
        }),
        json!({
            "id": "codes",
            "kind": "matching",
            "prompt": "Match each rule with where the seller delivers.",
            "points": 3,
            "competencies": [COMPETENCY],
            "left": [
                {"id": "l-exw", "text": "EXW"},
                {"id": "l-fca", "text": "FCA"},
                {"id": "l-ddp", "text": "DDP"},
            ],
            "right": [
                {"id": "r-exw", "text": "The seller's premises"},
                {"id": "r-fca", "text": "To the buyer's carrier"},
                {"id": "r-ddp", "text": "Cleared for import at destination"},
            ],
            "answer": {"l-exw": "r-exw", "l-fca": "r-fca", "l-ddp": "r-ddp"},
        }),
        short_text("greeting", &["Está bien"], true),
        short_text("greeting-strict", &["Está bien"], false),
        short_text(
            "greeting-case",
            &["Está bien", "Delivered at Place Unloaded"],
            false,
        ),
        numeric("insurance", 110.0, 0.5, "absolute", 2, "%"),
        numeric("freight", 200.0, 0.01, "relative", 1, "EUR"),
        json!({
            "id": "weight",
            "kind": "calculated",
            "prompt": "A carton weighs {w} kg. How much do {n} such cartons weigh, in kg?",
            "points": 2,
            "competencies": [COMPETENCY],
            "formula": "w * n",
            "variables": [
                {"name": "w", "min": 1.5, "max": 9.5, "decimals": 1},
                {"name": "n", "min": 2, "max": 12, "decimals": 0},
            ],
            "tolerance": 0.01,
            "tolerance_kind": "absolute",
            "unit": "kg",
        }),
        json!({
            "id": "tf",
            "kind": "true_false",
            "prompt": "Under FOB the seller books the main carriage.",
            "points": 1,
            "competencies": [COMPETENCY],
            "feedback": "FEEDBACK-SENTINEL: the buyer books it.",
            "answer": true,
        }),
    ]
}

pub fn essay() -> Value {
    json!({
        "id": "letter",
        "kind": "essay",
        "prompt": "Write to a buyer who asks for DDP terms.",
        "points": 5,
        "competencies": [COMPETENCY],
        "rubric": "RUBRIC-SENTINEL: names import VAT and duties.",
    })
}
