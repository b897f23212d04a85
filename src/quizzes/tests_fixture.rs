//! Questions of every kind for the quiz-engine tests, and helpers to answer them from JSON.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{grade, parse_response, Draw, Grade, Response, ResponseError};
use crate::courses::format::{Choice, Question, QuestionKind, ToleranceKind, Variable};

pub fn choices(ids: &[&str]) -> Vec<Choice> {
    ids.iter()
        .map(|id| Choice {
            id: (*id).to_owned(),
            text: format!("Option {id}"),
        })
        .collect()
}

fn strings(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

pub fn question(id: &str, points: f64, kind: QuestionKind) -> Question {
    Question {
        id: id.to_owned(),
        prompt: format!("Question {id}?"),
        points,
        competencies: vec!["law.product_safety".to_owned()],
        feedback: None,
        kind,
    }
}

/// Options a, b, c, d; b is right. 1 point.
pub fn single_choice() -> Question {
    let kind = QuestionKind::SingleChoice {
        options: choices(&["a", "b", "c", "d"]),
        answer: "b".to_owned(),
    };
    question("single", 1.0, kind)
}

pub fn multiple_choice(options: &[&str], answers: &[&str], points: f64) -> Question {
    let kind = QuestionKind::MultipleChoice {
        options: choices(options),
        answers: strings(answers),
    };
    question("multiple", points, kind)
}

pub fn true_false(answer: bool) -> Question {
    question("true-false", 1.0, QuestionKind::TrueFalse { answer })
}

pub fn short_text(accepted: &[&str], case_sensitive: bool, accent_insensitive: bool) -> Question {
    let kind = QuestionKind::ShortText {
        accepted: strings(accepted),
        case_sensitive,
        accent_insensitive,
    };
    question("short", 1.0, kind)
}

pub fn numeric(answer: f64, tolerance: f64, tolerance_kind: ToleranceKind) -> Question {
    let kind = QuestionKind::Numeric {
        answer,
        tolerance,
        tolerance_kind,
        unit: Some("EUR".to_owned()),
    };
    question("numeric", 1.0, kind)
}

/// Items in the correct order.
pub fn ordering(items: &[&str], points: f64) -> Question {
    let kind = QuestionKind::Ordering {
        items: choices(items),
    };
    question("ordering", points, kind)
}

/// Four left items l1..l4 for five right items r1..r5 (r5 a distractor); l3 and l4 both pair
/// with r3. 4 points.
pub fn matching() -> Question {
    let answer = [("l1", "r1"), ("l2", "r2"), ("l3", "r3"), ("l4", "r3")]
        .iter()
        .map(|(l, r)| ((*l).to_owned(), (*r).to_owned()))
        .collect::<BTreeMap<_, _>>();
    let kind = QuestionKind::Matching {
        left: choices(&["l1", "l2", "l3", "l4"]),
        right: choices(&["r1", "r2", "r3", "r4", "r5"]),
        answer,
    };
    question("matching", 4.0, kind)
}

/// The landed cost of an import into the EU: goods and shipping make the customs value, duty is
/// charged on it, and 20 % import VAT on value plus duty. 2 points.
pub fn landed_cost() -> Question {
    let variable = |name: &str, min: f64, max: f64, decimals: u32| Variable {
        name: name.to_owned(),
        min,
        max,
        decimals,
    };
    let kind = QuestionKind::Calculated {
        formula: "round((goods + shipping) * (1 + duty) * 1.2, 2)".to_owned(),
        variables: vec![
            variable("goods", 100.0, 500.0, 0),
            variable("shipping", 10.0, 40.0, 0),
            variable("duty", 0.02, 0.12, 2),
        ],
        tolerance: 0.01,
        tolerance_kind: ToleranceKind::Absolute,
        unit: Some("EUR".to_owned()),
    };
    let mut q = question("landed-cost", 2.0, kind);
    q.prompt = "Goods worth {goods} EUR ship for {shipping} EUR. Duty is {duty} of the customs \
                value and import VAT 20 %. What is the landed cost in EUR?"
        .to_owned();
    q
}

pub fn essay() -> Question {
    let kind = QuestionKind::Essay {
        rubric: "Names the responsible person and the GPSR article.".to_owned(),
    };
    question("essay", 5.0, kind)
}

pub fn try_respond(question: &Question, json: Value) -> Result<Response, ResponseError> {
    parse_response(&question.kind, &json)
}

pub fn respond(question: &Question, json: Value) -> Response {
    try_respond(question, json).unwrap()
}

/// Grades the JSON response of a question that has no variables.
pub fn grade_json(question: &Question, json: Value) -> Grade {
    grade(question, &respond(question, json), &Draw::default())
}

pub fn score(question: &Question, json: Value) -> f64 {
    grade_json(question, json).score
}

/// `a` and `b` equal up to rounding noise.
#[track_caller]
pub fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}
