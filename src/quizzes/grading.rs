//! Grading one response to one question: the scoring schemes instructors are told about.
//!
//! Every question is worth its `points`; a response earns `points × share`, where the share is
//! between 0 and 1 and is decided by the question's kind:
//!
//! - **single_choice, true_false**: all or nothing.
//! - **multiple_choice**: with `C` correct and `W` wrong options, every correct option picked
//!   adds `1/C` and every wrong option picked takes away `1/W`; the total is never below 0.
//!   Picking everything, or nothing, is worth exactly 0 whatever the split, and so is picking at
//!   random on average: each option picked with the same chance gains as much as it loses. Example
//!   with 2 correct of 5 (`C = 2`, `W = 3`): both correct = 1; one correct = 1/2; both correct
//!   and one wrong = 2/3; one correct and one wrong = 1/6; one correct and two wrong = 0 (−1/6,
//!   floored); all five = 0. (The alternative, a wrong pick costing `1/C`, punishes one slip
//!   among many wrong options as hard as a missed answer, and makes picking everything pay as soon
//!   as fewer than half the options are wrong.)
//! - **short_text**: the answer is correct when it equals one of the accepted answers after both
//!   are normalised: trimmed, Unicode NFC, inner whitespace collapsed to one space, Arabic tatweel
//!   ignored; lower-cased unless `case_sensitive`; with `accent_insensitive`, accents and other
//!   combining marks removed (é = e, ñ = n, ü = u, ё = е, Arabic harakat), while ß, ø, ł stay
//!   letters of their own (details in `text.rs`). All or nothing.
//! - **numeric**: correct when `|answer − key| <= tolerance` (`tolerance_kind = "absolute"`) or
//!   `<= tolerance × |key|` (`"relative"`, so 0.01 is 1 %). A tolerance of 0 means exact, up to
//!   floating-point noise of 1e-9 × |key| (1e-9 when |key| < 1); that same noise margin is added
//!   to every tolerance so an answer exactly on the boundary counts. All or nothing.
//! - **ordering**: each pair of neighbours in the correct order (1st–2nd, 2nd–3rd, …, `n − 1`
//!   pairs) earns `1/(n − 1)` when the student put the first of the two anywhere above the
//!   second. The full correct order earns everything and only it does; moving one item from the
//!   end to the top of five loses one pair of four (3/4); a reversed list earns 0. An item left
//!   out loses the pairs it belongs to.
//! - **matching**: the share of left items paired with their right item; a left item left
//!   unpaired counts as wrong.
//! - **calculated**: the variables drawn for the attempt are put into the formula and the
//!   student's value is compared with the result exactly as for numeric, with the question's own
//!   tolerance. All or nothing.
//! - **essay**: `needs_grading` with a score of 0 until an instructor grades it.
//!
//! The share decides the verdict: 1 is `correct`, 0 `incorrect`, anything between `partial`.
//! A question that was not answered scores 0 and is `incorrect` (an unanswered essay too: there
//! is nothing to grade). A response of another kind than the question (impossible through
//! [`parse_response`](super::response::parse_response)) scores 0. A calculated question whose
//! formula cannot be evaluated for the draw (impossible for a checked course file) is
//! `needs_grading` rather than held against the student.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::draw::{expected_answer, Draw};
use super::response::Response;
use super::text;
use crate::courses::format::{Choice, Question, QuestionKind, ToleranceKind};

/// Floating-point noise allowed around a numeric answer, relative to the key (absolute below 1).
const NOISE: f64 = 1e-9;

/// The verdict on one response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Correctness {
    Correct,
    Partial,
    Incorrect,
    /// Waiting for an instructor (essays).
    NeedsGrading,
}

impl Correctness {
    pub fn as_str(self) -> &'static str {
        match self {
            Correctness::Correct => "correct",
            Correctness::Partial => "partial",
            Correctness::Incorrect => "incorrect",
            Correctness::NeedsGrading => "needs_grading",
        }
    }
}

/// The grade of one response: `0 <= score <= max`, `max` being the question's points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub score: f64,
    pub max: f64,
    pub correct: Correctness,
}

impl Grade {
    /// `max × share`, with the verdict the share gives.
    fn from_share(max: f64, share: f64) -> Grade {
        let share = if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let correct = if share >= 1.0 {
            Correctness::Correct
        } else if share <= 0.0 {
            Correctness::Incorrect
        } else {
            Correctness::Partial
        };
        Grade {
            score: (max * share).clamp(0.0, max),
            max,
            correct,
        }
    }

    fn needs_grading(max: f64) -> Grade {
        Grade {
            score: 0.0,
            max,
            correct: Correctness::NeedsGrading,
        }
    }

    /// `score / max`, 0 for a question worth nothing.
    pub fn share(&self) -> f64 {
        if self.max > 0.0 {
            (self.score / self.max).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// The question's points; anything but a positive finite number (refused by the course-file
/// checks) counts as 0.
fn points(question: &Question) -> f64 {
    if question.points.is_finite() && question.points > 0.0 {
        question.points
    } else {
        0.0
    }
}

/// The grade of a question that was not answered: 0, `incorrect`.
pub fn grade_missing(question: &Question) -> Grade {
    Grade::from_share(points(question), 0.0)
}

/// Grades `response` to `question`, `draw` holding the attempt's variables of a calculated
/// question (ignored by other kinds). See the module doc for the schemes.
pub fn grade(question: &Question, response: &Response, draw: &Draw) -> Grade {
    let max = points(question);
    let share = match (&question.kind, response) {
        (QuestionKind::SingleChoice { answer, .. }, Response::SingleChoice { choice }) => {
            all_or_nothing(choice == answer)
        }
        (
            QuestionKind::MultipleChoice { options, answers },
            Response::MultipleChoice { choices },
        ) => multiple_choice_share(options, answers, choices),
        (QuestionKind::TrueFalse { answer }, Response::TrueFalse { value }) => {
            all_or_nothing(value == answer)
        }
        (
            QuestionKind::ShortText {
                accepted,
                case_sensitive,
                accent_insensitive,
            },
            Response::ShortText { text },
        ) => all_or_nothing(text::matches_any(
            text,
            accepted,
            *case_sensitive,
            *accent_insensitive,
        )),
        (
            QuestionKind::Numeric {
                answer,
                tolerance,
                tolerance_kind,
                ..
            },
            Response::Numeric { value },
        ) => all_or_nothing(within_tolerance(
            *value,
            *answer,
            *tolerance,
            *tolerance_kind,
        )),
        (QuestionKind::Ordering { items }, Response::Ordering { order }) => {
            ordering_share(items, order)
        }
        (QuestionKind::Matching { answer, .. }, Response::Matching { pairs }) => {
            let right = answer
                .iter()
                .filter(|(l, r)| pairs.get(*l) == Some(*r))
                .count();
            ratio(right, answer.len())
        }
        (
            QuestionKind::Calculated {
                tolerance,
                tolerance_kind,
                ..
            },
            Response::Calculated { value },
        ) => match expected_answer(question, draw) {
            Ok(expected) => all_or_nothing(within_tolerance(
                *value,
                expected,
                *tolerance,
                *tolerance_kind,
            )),
            Err(_) => return Grade::needs_grading(max),
        },
        (QuestionKind::Essay { .. }, Response::Essay { .. }) => return Grade::needs_grading(max),
        _ => 0.0,
    };
    Grade::from_share(max, share)
}

fn all_or_nothing(correct: bool) -> f64 {
    if correct {
        1.0
    } else {
        0.0
    }
}

/// `part / whole`, 0 when there is no whole.
fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// `+1/C` per correct pick, `−1/W` per wrong pick, floored at 0. Computed over the common
/// denominator `C × W` so that a perfect answer is exactly 1. A pick that is not an option at all
/// (only possible for a response built by hand) counts as wrong.
fn multiple_choice_share(options: &[Choice], answers: &[String], choices: &[String]) -> f64 {
    let correct: BTreeSet<&str> = answers.iter().map(String::as_str).collect();
    let wrong_options = options
        .iter()
        .filter(|o| !correct.contains(o.id.as_str()))
        .count();
    let picks: BTreeSet<&str> = choices.iter().map(String::as_str).collect();
    let right_picks = picks.iter().filter(|p| correct.contains(*p)).count();
    let wrong_picks = picks.len() - right_picks;
    let c = correct.len();
    if c == 0 {
        return 0.0;
    }
    // With every option correct no real pick is wrong; the max keeps the division defined.
    let w = wrong_options.max(1);
    let gained = right_picks * w;
    let lost = wrong_picks * c;
    ratio(gained.saturating_sub(lost), c * w)
}

/// Share of the `n − 1` neighbouring pairs of the correct order that the student kept in order.
fn ordering_share(items: &[Choice], order: &[String]) -> f64 {
    let position = |id: &str| order.iter().position(|o| o == id);
    if items.len() < 2 {
        let first = items.first().map(|i| i.id.as_str());
        return all_or_nothing(first.is_some() && order.first().map(String::as_str) == first);
    }
    let kept = items
        .windows(2)
        .filter(|pair| match pair {
            [first, second] => match (position(&first.id), position(&second.id)) {
                (Some(a), Some(b)) => a < b,
                _ => false,
            },
            _ => false,
        })
        .count();
    ratio(kept, items.len() - 1)
}

/// Whether `value` is within the tolerance of `key` (see the module doc).
pub fn within_tolerance(value: f64, key: f64, tolerance: f64, kind: ToleranceKind) -> bool {
    if !(value.is_finite() && key.is_finite()) {
        return false;
    }
    let tolerance = if tolerance.is_finite() && tolerance > 0.0 {
        tolerance
    } else {
        0.0
    };
    let allowed = match kind {
        ToleranceKind::Absolute => tolerance,
        ToleranceKind::Relative => tolerance * key.abs(),
    };
    (value - key).abs() <= allowed + NOISE * key.abs().max(1.0)
}
