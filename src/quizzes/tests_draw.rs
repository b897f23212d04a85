//! Calculated questions (drawing, the prompt, grading against the formula) and whole attempts.

use std::collections::BTreeMap;

use serde_json::json;

use super::tests_fixture::*;
use super::{
    draw_variables, expected_answer, grade, grade_quiz, render_prompt, Correctness, Draw,
    ExpectedError, Response,
};
use crate::courses::format::{QuestionKind, Variable};

fn values(draw: &Draw) -> Vec<(&str, f64)> {
    draw.values.iter().map(|(k, v)| (k.as_str(), *v)).collect()
}

#[test]
fn the_same_seed_draws_the_same_values() {
    let q = landed_cost();
    let draw = draw_variables(&q, 42);
    assert_eq!(draw, draw_variables(&q, 42));
    // Pinned: an attempt drawn today must grade the same after a refactoring (within rand 0.8).
    assert_eq!(
        values(&draw),
        [("duty", 0.09), ("goods", 311.0), ("shipping", 26.0)]
    );
    assert_ne!(draw, draw_variables(&q, 43));
    // Over many seeds the values vary.
    let distinct_goods = (0..50)
        .map(|seed| draw_variables(&q, seed).values["goods"] as i64)
        .collect::<std::collections::BTreeSet<_>>();
    assert!(distinct_goods.len() > 30, "{distinct_goods:?}");
}

#[test]
fn values_stay_on_the_grid_within_the_range() {
    let q = landed_cost();
    let mut seen_min = false;
    let mut seen_max = false;
    for seed in 0..2000 {
        let draw = draw_variables(&q, seed);
        let goods = draw.values["goods"];
        let duty = draw.values["duty"];
        assert!(
            (100.0..=500.0).contains(&goods) && goods.fract() == 0.0,
            "{goods}"
        );
        assert!((0.02..=0.12).contains(&duty), "{duty}");
        assert_eq!(duty, (duty * 100.0).round() / 100.0, "{duty}");
        seen_min |= duty == 0.02;
        seen_max |= duty == 0.12;
    }
    // Both ends can be drawn (11 values, 2000 draws).
    assert!(seen_min && seen_max);
}

#[test]
fn odd_ranges_still_draw_sensible_values() {
    let variable = |min: f64, max: f64, decimals: u32| Variable {
        name: "x".into(),
        min,
        max,
        decimals,
    };
    let with = |v: Variable| {
        let mut q = landed_cost();
        if let QuestionKind::Calculated { variables, .. } = &mut q.kind {
            *variables = vec![v];
        }
        draw_variables(&q, 7).values["x"]
    };
    assert_eq!(with(variable(0.3, 0.3, 1)), 0.3); // 0.3 * 10 is 3.0000000000000004
    assert_eq!(with(variable(5.0, 5.0, 0)), 5.0);
    assert_eq!(with(variable(0.125, 0.125, 2)), 0.13); // no 2-decimal value inside
    let x = with(variable(100.4, 101.6, 0));
    assert!(x == 101.0, "{x}"); // the only whole number in range
    let x = with(variable(-2.0, 2.0, 0));
    assert!((-2.0..=2.0).contains(&x) && x.to_string() != "-0");
    assert!(with(variable(-1e300, 1e300, 6)).is_finite());
    let x = with(variable(-f64::MAX, f64::MAX, 6));
    assert!(x.is_finite(), "{x}");
    let x = with(variable(1e300, f64::MAX, 0));
    assert!((1e300..=f64::MAX).contains(&x), "{x}");
    // Not a calculated question: nothing to draw.
    assert_eq!(draw_variables(&single_choice(), 1), Draw::default());
}

#[test]
fn renders_the_prompt_with_the_drawn_values() {
    let q = landed_cost();
    let draw = draw_variables(&q, 42);
    assert_eq!(
        render_prompt(&q, &draw),
        "Goods worth 311 EUR ship for 26 EUR. Duty is 0.09 of the customs value and import VAT \
         20 %. What is the landed cost in EUR?"
    );
    let mut odd = q.clone();
    odd.prompt = "{{goods}} {nope} {duty}{ {goods".into();
    assert_eq!(render_prompt(&odd, &draw), "{311} {nope} 0.09{ {goods");
    let mut fixed = Draw::default();
    fixed.values.insert("duty".into(), 0.2);
    odd.prompt = "duty {duty}".into();
    assert_eq!(render_prompt(&odd, &fixed), "duty 0.20");
}

#[test]
fn grades_the_landed_cost_against_the_formula() {
    let q = landed_cost();
    let draw = draw_variables(&q, 42);
    // (311 + 26) * 1.09 * 1.2 = 440.796 -> 440.80
    let expected = expected_answer(&q, &draw).unwrap();
    assert_close(expected, 440.8);
    let g = |value: f64| grade(&q, &Response::Calculated { value }, &draw);
    assert_eq!(
        (g(440.8).score, g(440.8).correct),
        (2.0, Correctness::Correct)
    );
    assert_eq!(g(440.79).score, 2.0); // within 0.01
    assert_eq!(g(440.81).score, 2.0);
    assert_eq!(
        (g(440.82).score, g(440.82).correct),
        (0.0, Correctness::Incorrect)
    );
    assert_eq!(g(440.796 / 1.2).score, 0.0); // forgot the VAT
                                             // Through the JSON path too.
    let parsed = respond(&q, json!({"value": "440.80"}));
    assert_eq!(grade(&q, &parsed, &draw).score, 2.0);
    // Another seed expects another answer.
    let other = draw_variables(&q, 43);
    assert!(grade(&q, &Response::Calculated { value: 440.8 }, &other).score == 0.0);
}

#[test]
fn an_unevaluable_formula_needs_grading_instead_of_failing_the_student() {
    let q = landed_cost();
    let missing = Draw::default();
    assert_eq!(
        expected_answer(&q, &missing),
        Err(ExpectedError::Eval("no value for `goods`".into()))
    );
    let g = grade(&q, &Response::Calculated { value: 1.0 }, &missing);
    assert_eq!((g.score, g.correct), (0.0, Correctness::NeedsGrading));
    let mut broken = q.clone();
    if let QuestionKind::Calculated { formula, .. } = &mut broken.kind {
        *formula = "goods / (duty - duty)".into();
    }
    let draw = draw_variables(&broken, 1);
    assert!(matches!(
        expected_answer(&broken, &draw),
        Err(ExpectedError::NotFinite(_))
    ));
    assert_eq!(
        expected_answer(&single_choice(), &draw),
        Err(ExpectedError::NotCalculated)
    );
}

/// One question of each kind plus a second choice question, as in the benchmark.
#[test]
fn grades_a_whole_attempt() {
    let questions = vec![
        single_choice(),
        multiple_choice(&["a", "b", "c", "d", "e"], &["a", "b"], 6.0),
        true_false(true),
        short_text(&["não"], false, true),
        numeric(12.5, 0.01, crate::courses::format::ToleranceKind::Absolute),
        ordering(&["a", "b", "c", "d", "e"], 4.0),
        matching(),
        landed_cost(),
        essay(),
    ];
    let attempt: Vec<_> = questions
        .into_iter()
        .enumerate()
        .map(|(i, q)| {
            let draw = draw_variables(&q, 42 + i as u64);
            (q, draw)
        })
        .collect();
    let answers = [
        ("single", json!({"choice": "b"})),           // 1 of 1
        ("multiple", json!({"choices": ["a", "c"]})), // 1 of 6
        ("true-false", json!({"value": false})),      // 0 of 1
        ("short", json!({"text": "Nao"})),            // 1 of 1
        ("ordering", json!({"order": ["b", "a", "c", "d", "e"]})), // 3 of 4
        ("matching", json!({"pairs": {"l1": "r1"}})), // 1 of 4
        ("essay", json!({"text": "..."})),            // 0 of 5, pending
    ];
    let questions_by_id: BTreeMap<_, _> = attempt.iter().map(|(q, _)| (q.id.as_str(), q)).collect();
    let responses: BTreeMap<String, Response> = answers
        .into_iter()
        .map(|(id, body)| (id.to_owned(), respond(questions_by_id[id], body)))
        .chain([(
            "not-in-quiz".to_owned(),
            Response::TrueFalse { value: true },
        )])
        .collect();
    let result = grade_quiz(&attempt, &responses);
    assert_close(result.score, 7.0);
    assert_eq!(
        result.max,
        1.0 + 6.0 + 1.0 + 1.0 + 1.0 + 4.0 + 4.0 + 2.0 + 5.0
    );
    assert_close(result.share, 7.0 / 25.0);
    assert!(result.needs_grading);
    let verdicts: Vec<_> = result
        .per_question
        .iter()
        .map(|q| (q.question_id.as_str(), q.answered, q.grade.correct))
        .collect();
    use Correctness::*;
    assert_eq!(
        verdicts,
        [
            ("single", true, Correct),
            ("multiple", true, Partial),
            ("true-false", true, Incorrect),
            ("short", true, Correct),
            ("numeric", false, Incorrect),
            ("ordering", true, Partial),
            ("matching", true, Partial),
            ("landed-cost", false, Incorrect),
            ("essay", true, NeedsGrading),
        ]
    );
    // The per-question grade serialises flat, with the verdict in snake_case.
    let first = serde_json::to_value(&result.per_question[8]).unwrap();
    assert_eq!(
        first,
        json!({"question_id": "essay", "answered": true, "score": 0.0, "max": 5.0,
               "correct": "needs_grading"})
    );
    // Nothing answered, nothing pending.
    let empty = grade_quiz(&attempt, &BTreeMap::new());
    assert_eq!(
        (empty.score, empty.share, empty.needs_grading),
        (0.0, 0.0, false)
    );
    assert_eq!(grade_quiz(&[], &responses).share, 0.0);
}
