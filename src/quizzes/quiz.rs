//! Grading a whole attempt: every question of the attempt (with its draw) against the responses
//! given, into one [`QuizGrade`].
//!
//! The attempt's score is the sum of the question scores and its maximum the sum of their
//! points; `share` is their ratio (0 for a quiz worth nothing), the number compared with the
//! quiz's `passing_score`. While any question `needs_grading` (an answered essay), the score is
//! provisional: those questions count 0 until an instructor grades them. Responses to questions
//! that are not part of the attempt are ignored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::draw::Draw;
use super::grading::{grade, grade_missing, Correctness, Grade};
use super::response::Response;
use crate::courses::format::Question;
use crate::db::status::AttemptStatus;

/// The grade of one question of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionGrade {
    pub question_id: String,
    /// Whether a response was given.
    pub answered: bool,
    #[serde(flatten)]
    pub grade: Grade,
}

/// The grade of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizGrade {
    pub score: f64,
    pub max: f64,
    /// `score / max`, 0..=1.
    pub share: f64,
    /// In the order of the questions given.
    pub per_question: Vec<QuestionGrade>,
    /// Some question waits for an instructor; `score` is provisional.
    pub needs_grading: bool,
}

/// Grades every question of an attempt; `responses` are keyed by question id.
pub fn grade_quiz(
    questions: &[(Question, Draw)],
    responses: &BTreeMap<String, Response>,
) -> QuizGrade {
    let per_question: Vec<QuestionGrade> = questions
        .iter()
        .map(|(question, draw)| {
            let response = responses.get(&question.id);
            QuestionGrade {
                question_id: question.id.clone(),
                answered: response.is_some(),
                grade: match response {
                    Some(response) => grade(question, response, draw),
                    None => grade_missing(question),
                },
            }
        })
        .collect();
    QuizGrade::of(per_question)
}

impl QuizGrade {
    /// The attempt's totals from its question grades: the one place they are computed, at
    /// submit, on a hand grade and on a regrade.
    pub fn of(per_question: Vec<QuestionGrade>) -> QuizGrade {
        let score: f64 = per_question.iter().map(|q| q.grade.score).sum();
        let max: f64 = per_question.iter().map(|q| q.grade.max).sum();
        let share = if max > 0.0 {
            (score / max).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let needs_grading = per_question
            .iter()
            .any(|q| q.grade.correct == Correctness::NeedsGrading);
        QuizGrade {
            score,
            max,
            share,
            per_question,
            needs_grading,
        }
    }

    /// Recomputes the totals after question grades changed.
    pub fn retotal(&mut self) {
        *self = QuizGrade::of(std::mem::take(&mut self.per_question));
    }

    /// The status of an attempt closed with this grade.
    pub fn status(&self) -> AttemptStatus {
        if self.needs_grading {
            AttemptStatus::NeedsGrading
        } else {
            AttemptStatus::Graded
        }
    }
}
