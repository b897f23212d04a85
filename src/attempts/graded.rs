//! The one path of "an attempt's grade changed". Submitting and the deadline (both through
//! `store::close`), hand grading (`manual`) and a regrade (`regrade`) store the attempt's new
//! grade and then call [`grade_changed`], which in the same transaction:
//!
//! 1. replaces the attempt's competency evidence and the levels it touches (`learning::mastery`);
//! 2. recomputes the student's result on the quiz by its grading method over their graded
//!    attempts (`quiz_results`);
//! 3. refreshes the course figures on the enrollment, its completion and the certificate with
//!    its email (`learning::progress::refresh_course`).
//!
//! Nothing else writes quiz results or evidence, so what a grade sets off is read here.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::store::{questions_of, AttemptRow};
use crate::courses::format::Quiz;
use crate::db::sql_types::{AttemptId, JsonValue, Timestamp};
use crate::db::status::AttemptStatus;
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::learning::progress::{refresh_course, Cause};
use crate::quizzes::results::final_share;
use crate::quizzes::QuizGrade;
use crate::schema::{quiz_attempts, quiz_results};
use crate::state::Ctx;

/// Stores a changed grade of a closed attempt (hand grading, regrade): its status, totals and
/// per-question result. The caller then calls [`grade_changed`].
pub fn store_grade(conn: &mut DbConn, attempt_id: AttemptId, grade: &QuizGrade) -> ApiResult<()> {
    diesel::update(quiz_attempts::table.find(attempt_id))
        .set((
            quiz_attempts::status.eq(grade.status()),
            quiz_attempts::score.eq(grade.score),
            quiz_attempts::max_score.eq(grade.max),
            quiz_attempts::result.eq(JsonValue::of(grade)?),
        ))
        .execute(conn)?;
    Ok(())
}

/// Share of points per competency in one graded attempt: competency -> (share, points).
fn evidence_of(
    quiz: &Quiz,
    attempt: &AttemptRow,
    grade: &QuizGrade,
) -> QueryResult<BTreeMap<String, (f64, f64)>> {
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for (question, _, _) in questions_of(quiz, &attempt.snapshots()?) {
        let Some(g) = grade
            .per_question
            .iter()
            .find(|p| p.question_id == question.id)
        else {
            continue;
        };
        for code in &question.competencies {
            let entry = sums.entry(code.clone()).or_default();
            entry.0 += g.grade.score;
            entry.1 += g.grade.max;
        }
    }
    Ok(sums
        .into_iter()
        .filter(|(_, (_, max))| *max > 0.0)
        .map(|(code, (score, max))| (code, ((score / max).clamp(0.0, 1.0), max)))
        .collect())
}

/// After `attempt`'s grade changed to `grade` (already stored on the attempt): its competency
/// evidence, the student's result on the quiz and the course figures, in the caller's
/// transaction.
pub fn grade_changed(
    conn: &mut DbConn,
    ctx: &Ctx,
    attempt: &AttemptRow,
    quiz: &Quiz,
    grade: &QuizGrade,
    cause: Cause,
) -> ApiResult<()> {
    let user = attempt.user_id;
    let observed = attempt.submitted_at.unwrap_or_else(Timestamp::now);
    let evidence = if grade.needs_grading {
        BTreeMap::new()
    } else {
        evidence_of(quiz, attempt, grade)?
    };
    crate::learning::mastery::record_evidence(conn, user, attempt.id, observed, &evidence)?;

    let rows: Vec<(AttemptStatus, Option<f64>, Option<f64>)> = quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(attempt.quiz_id))
        .filter(quiz_attempts::user_id.eq(user))
        .order(quiz_attempts::number)
        .select((
            quiz_attempts::status,
            quiz_attempts::score,
            quiz_attempts::max_score,
        ))
        .load(conn)?;
    let shares: Vec<f64> = rows
        .iter()
        .filter(|(status, _, _)| *status == AttemptStatus::Graded)
        .map(|(_, score, max)| match (score, max) {
            (Some(s), Some(m)) if *m > 0.0 => (s / m).clamp(0.0, 1.0),
            _ => 0.0,
        })
        .collect();
    let pending = rows
        .iter()
        .filter(|(s, _, _)| *s == AttemptStatus::NeedsGrading)
        .count() as i32;
    let share = final_share(quiz.settings.grading_method, &shares);
    let passed = share.is_some_and(|s| s + 1e-9 >= quiz.settings.passing_score);
    let now = Timestamp::now();
    let row = (
        quiz_results::user_id.eq(user),
        quiz_results::quiz_id.eq(attempt.quiz_id),
        quiz_results::course_id.eq(attempt.course_id),
        quiz_results::share.eq(share),
        quiz_results::passed.eq(passed),
        quiz_results::attempts_graded.eq(shares.len() as i32),
        quiz_results::pending.eq(pending),
        quiz_results::updated_at.eq(now),
    );
    crate::per_backend!(conn, |c| diesel::insert_into(quiz_results::table)
        .values(row)
        .on_conflict((quiz_results::user_id, quiz_results::quiz_id))
        .do_update()
        .set((
            quiz_results::share.eq(share),
            quiz_results::passed.eq(passed),
            quiz_results::attempts_graded.eq(shares.len() as i32),
            quiz_results::pending.eq(pending),
            quiz_results::updated_at.eq(now),
        ))
        .execute(c))?;
    refresh_course(conn, ctx, user, attempt.course_id, cause)
}
