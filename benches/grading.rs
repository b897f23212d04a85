//! Quiz grading throughput: a realistic 10-question attempt (one question of each of the nine
//! kinds plus a second single-choice question) graded over and over with the pure grading core,
//! no database and no HTTP.
//!
//! It prints, for `grade_quiz` on already-read responses and for the full submit path
//! (`parse_response` of each answer's JSON, then `grade_quiz`): gradings per second and
//! nanoseconds per question; then the nanoseconds of `grade` for each question alone. Nothing is
//! asserted about timings. Run with `cargo bench --bench grading`; `BENCH_SECONDS` (default 2)
//! sets the length of each measurement.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use caravan::courses::format::{Choice, Question, QuestionKind, ToleranceKind, Variable};
use caravan::quizzes::{draw_variables, grade, grade_quiz, parse_response, Draw, Response};
use serde_json::{json, Value};

fn options(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs
        .iter()
        .map(|(id, text)| Choice {
            id: (*id).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

fn question(id: &str, prompt: &str, points: f64, kind: QuestionKind) -> Question {
    Question {
        id: id.to_owned(),
        prompt: prompt.to_owned(),
        points,
        competencies: vec!["law.product_safety".to_owned()],
        feedback: None,
        kind,
    }
}

/// The attempt's questions with the student's answers as the API delivers them.
fn attempt() -> Vec<(Question, Value)> {
    let sc_options = options(&[
        ("a", "The Chinese factory"),
        ("b", "An economic operator established in the EU"),
        ("c", "The marketplace"),
        ("d", "Nobody"),
    ]);
    let variable = |name: &str, min: f64, max: f64, decimals: u32| Variable {
        name: name.to_owned(),
        min,
        max,
        decimals,
    };
    vec![
        (
            question(
                "responsible-person",
                "Who must be named on the product?",
                1.0,
                QuestionKind::SingleChoice {
                    options: sc_options.clone(),
                    answer: "b".into(),
                },
            ),
            json!({"choice": "b"}),
        ),
        (
            question(
                "recall-channel",
                "Who runs the Safety Gate?",
                1.0,
                QuestionKind::SingleChoice {
                    options: sc_options,
                    answer: "c".into(),
                },
            ),
            json!({"choice": "a"}),
        ),
        (
            question(
                "marks",
                "Which marks can a toy need?",
                2.0,
                QuestionKind::MultipleChoice {
                    options: options(&[
                        ("a", "CE"),
                        ("b", "UKCA"),
                        ("c", "FCC"),
                        ("d", "WEEE bin"),
                        ("e", "Energy label"),
                        ("f", "Triman"),
                    ]),
                    answers: vec!["a".into(), "d".into(), "f".into()],
                },
            ),
            json!({"choices": ["a", "d", "b"]}),
        ),
        (
            question(
                "gpsr-date",
                "The GPSR applies from 13 December 2024.",
                1.0,
                QuestionKind::TrueFalse { answer: true },
            ),
            json!({"value": true}),
        ),
        (
            question(
                "greeting",
                "Wie grüßt man höflich?",
                1.0,
                QuestionKind::ShortText {
                    accepted: vec!["Guten Tag".into(), "Grüß Gott".into(), "Está bien".into()],
                    case_sensitive: false,
                    accent_insensitive: true,
                },
            ),
            json!({"text": "  gruss   GOTT "}),
        ),
        (
            question(
                "vat",
                "Import VAT on 62.50 EUR at 20 %?",
                1.0,
                QuestionKind::Numeric {
                    answer: 12.5,
                    tolerance: 0.01,
                    tolerance_kind: ToleranceKind::Absolute,
                    unit: Some("EUR".into()),
                },
            ),
            json!({"value": "12.50"}),
        ),
        (
            question(
                "steps",
                "Put the steps of a recall in order.",
                2.0,
                QuestionKind::Ordering {
                    items: options(&[
                        ("detect", "Detect"),
                        ("assess", "Assess the risk"),
                        ("notify", "Notify the authority"),
                        ("stop", "Stop sales"),
                        ("inform", "Inform buyers"),
                        ("remedy", "Offer a remedy"),
                    ]),
                },
            ),
            json!({"order": ["detect", "notify", "assess", "stop", "inform", "remedy"]}),
        ),
        (
            question(
                "authorities",
                "Match the country and its authority.",
                2.0,
                QuestionKind::Matching {
                    left: options(&[
                        ("de", "Germany"),
                        ("fr", "France"),
                        ("es", "Spain"),
                        ("it", "Italy"),
                    ]),
                    right: options(&[
                        ("baua", "BAuA"),
                        ("dgccrf", "DGCCRF"),
                        ("aesan", "AESAN"),
                        ("mimit", "MIMIT"),
                        ("acm", "ACM"),
                    ]),
                    answer: [
                        ("de", "baua"),
                        ("fr", "dgccrf"),
                        ("es", "aesan"),
                        ("it", "mimit"),
                    ]
                    .iter()
                    .map(|(l, r)| ((*l).to_owned(), (*r).to_owned()))
                    .collect(),
                },
            ),
            json!({"pairs": {"de": "baua", "fr": "dgccrf", "es": "acm"}}),
        ),
        (
            question(
                "landed-cost",
                "Goods {goods} EUR, shipping {shipping} EUR, duty {duty}, VAT 20 %. Landed cost?",
                2.0,
                QuestionKind::Calculated {
                    formula: "round((goods + shipping) * (1 + duty) * 1.2, 2)".into(),
                    variables: vec![
                        variable("goods", 100.0, 500.0, 0),
                        variable("shipping", 10.0, 40.0, 0),
                        variable("duty", 0.02, 0.12, 2),
                    ],
                    tolerance: 0.01,
                    tolerance_kind: ToleranceKind::Absolute,
                    unit: Some("EUR".into()),
                },
            ),
            json!({"value": 440.8}),
        ),
        (
            question(
                "explain",
                "Explain the duties of the responsible person.",
                4.0,
                QuestionKind::Essay {
                    rubric: "Names Article 4 and the tasks.".into(),
                },
            ),
            json!({"text": "The responsible person keeps the technical documentation ... ".repeat(20)}),
        ),
    ]
}

/// Runs `work` repeatedly for `period` after a short warm-up; the number of calls per second.
fn rate(period: Duration, mut work: impl FnMut()) -> f64 {
    let warm = Instant::now();
    while warm.elapsed() < period / 10 {
        work();
    }
    let started = Instant::now();
    let mut calls = 0u64;
    loop {
        for _ in 0..100 {
            work();
        }
        calls += 100;
        let elapsed = started.elapsed();
        if elapsed >= period {
            return calls as f64 / elapsed.as_secs_f64();
        }
    }
}

fn main() {
    let seconds = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0)
        .unwrap_or(2.0);
    let period = Duration::from_secs_f64(seconds);
    let attempt = attempt();
    let n = attempt.len();
    let graded: Vec<(Question, Draw)> = attempt
        .iter()
        .map(|(q, _)| (q.clone(), draw_variables(q, 42)))
        .collect();
    let responses: BTreeMap<String, Response> = attempt
        .iter()
        .map(|(q, body)| match parse_response(&q.kind, body) {
            Ok(r) => (q.id.clone(), r),
            Err(e) => panic!("bench answer to {} refused: {e}", q.id),
        })
        .collect();
    let result = grade_quiz(&graded, &responses);
    println!(
        "grading bench: {n} questions, score {:.3} of {} (share {:.3}, needs grading: {})",
        result.score, result.max, result.share, result.needs_grading
    );

    let per_second = rate(period, || {
        black_box(grade_quiz(black_box(&graded), black_box(&responses)));
    });
    println!(
        "grade_quiz:                {:>10.0} gradings/s  {:>8.0} ns/question",
        per_second,
        1e9 / per_second / n as f64
    );

    let per_second = rate(period, || {
        let responses: BTreeMap<String, Response> = attempt
            .iter()
            .filter_map(|(q, body)| Some((q.id.clone(), parse_response(&q.kind, body).ok()?)))
            .collect();
        black_box(grade_quiz(black_box(&graded), &responses));
    });
    println!(
        "parse_response+grade_quiz: {:>10.0} gradings/s  {:>8.0} ns/question",
        per_second,
        1e9 / per_second / n as f64
    );

    println!("grade per question:");
    for (question, draw) in &graded {
        let Some(response) = responses.get(&question.id) else {
            continue;
        };
        let per_second = rate(period / 5, || {
            black_box(grade(black_box(question), black_box(response), draw));
        });
        println!(
            "  {:<16} {:<20} {:>8.0} ns",
            question.kind.tag().as_str(),
            question.id,
            1e9 / per_second
        );
    }
}
