//! The attempt as its student sees it, shaped by the quiz's review policy: score, correctness,
//! correct answers and feedback appear only once the attempt is closed and the policy allows.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::snapshot::{correct_answer, student_view, Snapshot, StudentQuestion};
use super::store::{questions_of, AttemptRow};
use crate::courses::format::{Question, Quiz, Review};
use diesel::QueryResult;

use crate::db::sql_types::{AttemptId, CourseId, ItemId, Timestamp};
use crate::db::status::AttemptStatus;
use crate::quizzes::wire::CorrectAnswer;
use crate::quizzes::{Correctness, Draw, QuizGrade};

#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptView {
    #[schema(value_type = String, format = Uuid)]
    pub id: AttemptId,
    #[schema(value_type = String, format = Uuid)]
    pub quiz_id: ItemId,
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub number: i32,
    /// open | graded | needs_grading
    pub status: String,
    #[schema(value_type = String, format = DateTime)]
    pub started_at: Timestamp,
    /// The server's deadline; answers after it (and a 30 s grace) are refused.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub deadline: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub submitted_at: Option<Timestamp>,
    pub questions: Vec<StudentQuestion>,
    /// Saved responses by question id (the API id of each question).
    #[schema(value_type = BTreeMap<String, crate::quizzes::wire::ResponseBody>)]
    pub answers: BTreeMap<String, Value>,
    /// Present once the review policy allows.
    pub result: Option<ResultView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultView {
    pub score: f64,
    pub max: f64,
    pub share: f64,
    pub passed: bool,
    /// Some essay waits for an instructor; the score is provisional.
    pub needs_grading: bool,
    pub questions: Vec<QuestionResult>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionResult {
    #[schema(value_type = String, format = Uuid)]
    pub question_id: ItemId,
    pub score: f64,
    pub max: f64,
    /// correct | partial | incorrect | needs_grading
    #[schema(value_type = String)]
    pub correct: Correctness,
    pub correct_answer: Option<CorrectAnswer>,
    pub feedback: Option<String>,
}

/// Whether the student may see results now.
pub fn reveals(review: Review, attempt: &AttemptRow, now: Timestamp) -> bool {
    if attempt.status == AttemptStatus::Open {
        return false;
    }
    match review {
        Review::Immediately => true,
        // Without a time limit there is no deadline to wait for beyond submission.
        Review::AfterDeadline => attempt.deadline.is_none_or(|d| now.0 > d.0),
        Review::Never => false,
    }
}

/// The attempt for its student (`staff` false: results as the review policy allows) or for course
/// staff (`staff` true: results as soon as the attempt is closed).
pub fn attempt_view(attempt: &AttemptRow, quiz: &Quiz, staff: bool) -> QueryResult<AttemptView> {
    let questions = questions_of(quiz, &attempt.snapshots()?);
    let grade = attempt.grade()?;
    Ok(view_of(
        attempt,
        quiz,
        staff,
        &questions,
        grade.as_ref(),
        attempt.saved()?,
    ))
}

/// [`attempt_view`] from what the caller has already read of the attempt: its questions as shown,
/// its grade and its saved answers (a submit has them all at hand).
pub fn view_of(
    attempt: &AttemptRow,
    quiz: &Quiz,
    staff: bool,
    questions: &[(Question, Draw, Snapshot)],
    grade: Option<&QuizGrade>,
    answers: BTreeMap<String, Value>,
) -> AttemptView {
    let result = match grade {
        Some(g)
            if (staff && attempt.status != AttemptStatus::Open)
                || reveals(quiz.settings.review, attempt, Timestamp::now()) =>
        {
            Some(ResultView {
                score: g.score,
                max: g.max,
                share: g.share,
                passed: !g.needs_grading && g.share + 1e-9 >= quiz.settings.passing_score,
                needs_grading: g.needs_grading,
                questions: questions
                    .iter()
                    .filter_map(|(q, draw, snap)| {
                        let qg = g.per_question.iter().find(|p| p.question_id == q.id)?;
                        Some(QuestionResult {
                            question_id: snap.question_id,
                            score: qg.grade.score,
                            max: qg.grade.max,
                            correct: qg.grade.correct,
                            correct_answer: correct_answer(q, draw),
                            feedback: q.feedback.clone(),
                        })
                    })
                    .collect(),
            })
        }
        _ => None,
    };
    AttemptView {
        id: attempt.id,
        quiz_id: attempt.quiz_id,
        course_id: attempt.course_id,
        number: attempt.number,
        status: attempt.status.as_str().to_owned(),
        started_at: attempt.started_at,
        deadline: attempt.deadline,
        submitted_at: attempt.submitted_at,
        questions: questions
            .iter()
            .map(|(q, _, s)| student_view(q, s))
            .collect(),
        answers,
        result,
    }
}
