//! The scoring scheme of every kind, with the numbers the `grading` module doc promises.

use serde_json::json;

use super::tests_fixture::*;
use super::{grade, grade_missing, Correctness, Draw, Response};
use crate::courses::format::ToleranceKind;

#[test]
fn single_choice_and_true_false_are_all_or_nothing() {
    let q = single_choice();
    let right = grade_json(&q, json!({"choice": "b"}));
    assert_eq!(
        (right.score, right.max, right.correct),
        (1.0, 1.0, Correctness::Correct)
    );
    let wrong = grade_json(&q, json!({"choice": "a"}));
    assert_eq!((wrong.score, wrong.correct), (0.0, Correctness::Incorrect));

    assert_eq!(score(&true_false(true), json!({"value": true})), 1.0);
    assert_eq!(score(&true_false(true), json!({"value": false})), 0.0);
    assert_eq!(score(&true_false(false), json!({"value": false})), 1.0);
}

#[test]
fn a_missing_response_scores_zero() {
    for q in [single_choice(), matching(), essay(), landed_cost()] {
        let g = grade_missing(&q);
        assert_eq!(
            (g.score, g.max, g.correct),
            (0.0, q.points, Correctness::Incorrect)
        );
    }
}

#[test]
fn multiple_choice_partial_credit_as_documented() {
    // 2 correct (a, b) of 5: +1/2 per correct pick, -1/3 per wrong pick; 6 points.
    let q = multiple_choice(&["a", "b", "c", "d", "e"], &["a", "b"], 6.0);
    let s = |picks: &[&str]| score(&q, json!({ "choices": picks }));
    assert_eq!(s(&["a", "b"]), 6.0);
    assert_eq!(s(&["b", "a"]), 6.0);
    assert_eq!(s(&["a"]), 3.0);
    assert_close(s(&["a", "b", "c"]), 4.0); // 1 - 1/3 = 2/3
    assert_close(s(&["a", "c"]), 1.0); // 1/2 - 1/3 = 1/6
    assert_eq!(s(&["a", "c", "d"]), 0.0); // 1/2 - 2/3 < 0, floored
    assert_eq!(s(&["c"]), 0.0);
    assert_eq!(s(&[]), 0.0);
    let partial = grade_json(&q, json!({"choices": ["a", "c"]}));
    assert_eq!(partial.correct, Correctness::Partial);
    let full = grade_json(&q, json!({"choices": ["a", "b"]}));
    assert_eq!(full.correct, Correctness::Correct);
}

#[test]
fn multiple_choice_select_all_is_worth_nothing() {
    // Whatever the split, picking everything gains 1 and loses 1.
    let splits: [(&[&str], &[&str]); 4] = [
        (&["a", "b", "c", "d"], &["a"]),
        (&["a", "b", "c", "d"], &["a", "b"]),
        (&["a", "b", "c", "d"], &["a", "b", "c"]),
        (
            &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
            &["c", "f", "j"],
        ),
    ];
    for (options, answers) in splits {
        let q = multiple_choice(options, answers, 1.0);
        let g = grade_json(&q, json!({ "choices": options }));
        assert_eq!(
            (g.score, g.correct),
            (0.0, Correctness::Incorrect),
            "{answers:?}"
        );
    }
    // Every option correct: picking all is the right answer.
    let q = multiple_choice(&["a", "b"], &["a", "b"], 1.0);
    assert_eq!(score(&q, json!({"choices": ["a", "b"]})), 1.0);
    assert_eq!(score(&q, json!({"choices": ["b"]})), 0.5);
}

#[test]
fn multiple_choice_wrong_picks_cost_one_over_the_wrong_options() {
    // 1 correct of 4: a wrong pick costs 1/3.
    let q = multiple_choice(&["a", "b", "c", "d"], &["a"], 3.0);
    assert_close(score(&q, json!({"choices": ["a", "b"]})), 2.0);
    assert_close(score(&q, json!({"choices": ["a", "b", "c"]})), 1.0);
    assert_eq!(score(&q, json!({"choices": ["a", "b", "c", "d"]})), 0.0);
}

#[test]
fn short_text_in_several_languages() {
    let es = short_text(&["Está bien"], false, true);
    assert_eq!(score(&es, json!({"text": "esta bien"})), 1.0);
    assert_eq!(score(&es, json!({"text": "  ESTA   bien "})), 1.0);
    let es_strict = short_text(&["Está bien"], false, false);
    assert_eq!(score(&es_strict, json!({"text": "esta bien"})), 0.0);
    assert_eq!(score(&es_strict, json!({"text": "está BIEN"})), 1.0);

    let pt = short_text(&["não"], false, true);
    assert_eq!(score(&pt, json!({"text": "nao"})), 1.0);
    assert_eq!(score(&pt, json!({"text": "NÃO"})), 1.0);

    let de = short_text(&["Grüße"], false, true);
    assert_eq!(score(&de, json!({"text": "grusse"})), 0.0);
    assert_eq!(score(&de, json!({"text": "Gruße"})), 1.0);

    let ru = short_text(&["ёлка"], false, true);
    assert_eq!(score(&ru, json!({"text": "Елка"})), 1.0);
    let ru_strict = short_text(&["ёлка"], false, false);
    assert_eq!(score(&ru_strict, json!({"text": "елка"})), 0.0);

    let ar = short_text(&["مَرْحَبًا"], false, true);
    assert_eq!(score(&ar, json!({"text": "مرحبا"})), 1.0);
    assert_eq!(score(&ar, json!({"text": "مرحـــبا"})), 1.0);
}

#[test]
fn short_text_case_sensitivity_and_several_accepted_answers() {
    let q = short_text(&["EORI", "EORI number"], true, false);
    assert_eq!(score(&q, json!({"text": " EORI  number"})), 1.0);
    assert_eq!(score(&q, json!({"text": "eori"})), 0.0);
    let q = short_text(&["EORI", "EORI number"], false, false);
    assert_eq!(score(&q, json!({"text": "eori"})), 1.0);
    assert_eq!(score(&q, json!({"text": ""})), 0.0);
    // Precomposed and decomposed forms are the same text.
    let q = short_text(&["caf\u{e9}"], true, false);
    assert_eq!(score(&q, json!({"text": "cafe\u{301}"})), 1.0);
}

#[test]
fn numeric_absolute_tolerance() {
    let q = numeric(12.5, 0.01, ToleranceKind::Absolute);
    assert_eq!(score(&q, json!({"value": 12.5})), 1.0);
    assert_eq!(score(&q, json!({"value": 12.51})), 1.0); // on the boundary
    assert_eq!(score(&q, json!({"value": 12.49})), 1.0);
    assert_eq!(score(&q, json!({"value": 12.52})), 0.0);
    assert_eq!(score(&q, json!({"value": "12.505"})), 1.0);
    assert_eq!(score(&q, json!({"value": -12.5})), 0.0);
}

#[test]
fn numeric_relative_tolerance() {
    // 1 % of 200 = 2.
    let q = numeric(200.0, 0.01, ToleranceKind::Relative);
    assert_eq!(score(&q, json!({"value": 202})), 1.0);
    assert_eq!(score(&q, json!({"value": 198})), 1.0);
    assert_eq!(score(&q, json!({"value": 202.1})), 0.0);
    let negative = numeric(-50.0, 0.1, ToleranceKind::Relative);
    assert_eq!(score(&negative, json!({"value": -54.9})), 1.0);
    assert_eq!(score(&negative, json!({"value": -45.5})), 1.0);
    assert_eq!(score(&negative, json!({"value": 50})), 0.0);
}

#[test]
fn numeric_zero_tolerance_is_exact_up_to_noise() {
    let q = numeric(0.3, 0.0, ToleranceKind::Absolute);
    assert_eq!(score(&q, json!({"value": 0.1 + 0.2})), 1.0); // 0.30000000000000004
    assert_eq!(score(&q, json!({"value": 0.3001})), 0.0);
    let big = numeric(1_000_000.0, 0.0, ToleranceKind::Relative);
    assert_eq!(score(&big, json!({"value": 1_000_000.000_5})), 1.0); // within 1e-9 relative
    assert_eq!(score(&big, json!({"value": 1_000_000.01})), 0.0);
    let zero = numeric(0.0, 0.0, ToleranceKind::Relative);
    assert_eq!(score(&zero, json!({"value": 0})), 1.0);
    assert_eq!(score(&zero, json!({"value": 0.000001})), 0.0);
}

#[test]
fn ordering_partial_credit_counts_neighbouring_pairs() {
    // a-b, b-c, c-d, d-e: four pairs, 4 points, one per pair.
    let q = ordering(&["a", "b", "c", "d", "e"], 4.0);
    let s = |order: &[&str]| score(&q, json!({ "order": order }));
    assert_eq!(s(&["a", "b", "c", "d", "e"]), 4.0);
    assert_eq!(s(&["e", "a", "b", "c", "d"]), 3.0); // d-e broken
    assert_eq!(s(&["b", "a", "c", "d", "e"]), 3.0); // a-b broken
    assert_eq!(s(&["a", "c", "b", "d", "e"]), 3.0); // b-c broken (c above b)
    assert_eq!(s(&["c", "d", "e", "a", "b"]), 3.0); // b-c broken
    assert_eq!(s(&["b", "d", "a", "e", "c"]), 2.0); // b-c and d-e kept
    assert_eq!(s(&["e", "d", "c", "b", "a"]), 0.0);
    assert_eq!(s(&["a", "b", "d"]), 1.0); // only a-b; c and e left out
    assert_eq!(s(&[]), 0.0);
    let g = grade_json(&q, json!({"order": ["b", "a", "c", "d", "e"]}));
    assert_eq!(g.correct, Correctness::Partial);
    let g = grade_json(&q, json!({"order": ["a", "b", "c", "d", "e"]}));
    assert_eq!(g.correct, Correctness::Correct);
}

#[test]
fn matching_partial_credit_per_left_item() {
    let q = matching(); // l1-r1, l2-r2, l3-r3, l4-r3; 4 points
    let s = |pairs: serde_json::Value| score(&q, json!({ "pairs": pairs }));
    assert_eq!(
        s(json!({"l1": "r1", "l2": "r2", "l3": "r3", "l4": "r3"})),
        4.0
    );
    assert_eq!(
        s(json!({"l1": "r1", "l2": "r2", "l3": "r3", "l4": "r5"})),
        3.0
    );
    assert_eq!(s(json!({"l1": "r2", "l2": "r1"})), 0.0);
    assert_eq!(s(json!({"l3": "r3"})), 1.0); // the others left unpaired
    assert_eq!(s(json!({})), 0.0);
    let g = grade_json(&q, json!({"pairs": {"l1": "r1", "l2": "r5"}}));
    assert_eq!(
        (g.score, g.max, g.correct),
        (1.0, 4.0, Correctness::Partial)
    );
}

#[test]
fn essays_wait_for_an_instructor() {
    let g = grade_json(
        &essay(),
        json!({"text": "The responsible person under Article 4 ..."}),
    );
    assert_eq!(
        (g.score, g.max, g.correct),
        (0.0, 5.0, Correctness::NeedsGrading)
    );
}

#[test]
fn a_response_of_another_kind_scores_zero() {
    let wrong_kind = Response::TrueFalse { value: true };
    let g = grade(&single_choice(), &wrong_kind, &Draw::default());
    assert_eq!((g.score, g.correct), (0.0, Correctness::Incorrect));
    let g = grade(
        &essay(),
        &Response::ShortText { text: "x".into() },
        &Draw::default(),
    );
    assert_eq!(g.correct, Correctness::Incorrect);
}

#[test]
fn hand_built_responses_cannot_score_above_the_points() {
    // parse_response would refuse these; grade stays within 0..=points anyway.
    let q = multiple_choice(&["a", "b", "c"], &["a"], 2.0);
    let dup = Response::MultipleChoice {
        choices: vec!["a".into(), "a".into(), "zz".into()],
    };
    // "a" counts once; "zz" is one wrong pick costing 1/2: (1 - 1/2) x 2 points.
    assert_close(grade(&q, &dup, &Draw::default()).score, 1.0);
    let dup = Response::MultipleChoice {
        choices: vec!["a".into(), "a".into()],
    };
    assert_eq!(grade(&q, &dup, &Draw::default()).score, 2.0);
    let q = numeric(1.0, 0.0, ToleranceKind::Absolute);
    let nan = Response::Numeric { value: f64::NAN };
    assert_eq!(grade(&q, &nan, &Draw::default()).score, 0.0);
}
