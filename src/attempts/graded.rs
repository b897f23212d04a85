//! The one path of "an attempt's grade changed". Submitting and the deadline (both through
//! `store::close`), hand grading (`manual`) and a regrade (`regrade`) store the attempt's new
//! grade and then call [`grade_changed`], which in the same transaction:
//!
//! 1. replaces the attempt's competency evidence and the levels it touches (`learning::mastery`);
//! 2. updates the student's standing and result on the quiz (`quiz_results`): from the stored
//!    standing when their newest attempt closed, summed up again from their attempts when staff
//!    changed a grade;
//! 3. refreshes the course figures on the enrollment, its completion and the certificate with
//!    its email (`learning::progress`).
//!
//! Everything is read and computed first; the new evidence, levels, result and figures are then
//! written together (`db::batch`: one statement on PostgreSQL), and a completion after them.
//!
//! Nothing else writes quiz results or evidence, so what a grade sets off is read here.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::store::{self, questions_of, AttemptRow, StandingRow};
use crate::courses::format::Quiz;
use crate::db::batch;
use crate::db::sql_types::{AttemptId, JsonValue, Timestamp};
use crate::db::DbConn;
use crate::error::ApiResult;
use crate::learning::progress::{course_state, figures_change, Cause, FiguresChange, StoredResult};
use crate::learning::visibility::hidden_until;
use crate::quizzes::results::Standing;
use crate::quizzes::QuizGrade;
use crate::schema::quiz_attempts;
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
    // A trainee's close is the attempt's first grade: it has no evidence yet.
    let fresh = cause == Cause::Trainee;
    let evidence = crate::learning::mastery::change_evidence(
        conn, user, attempt.id, observed, &evidence, fresh,
    )?;

    // The enrollment, lessons done and quiz results the course figures come from; this quiz's
    // stored standing is among the results.
    let mut state = course_state(conn, user, attempt.course_id)?;
    let stored = match &state {
        Some(state) => state
            .results
            .iter()
            .find(|r| r.quiz_id == attempt.quiz_id)
            .map(|r| (r.standing(), r.hidden_until)),
        // Not enrolled (any more): the result is kept all the same.
        None => store::standing(conn, user, attempt.quiz_id)?,
    };
    let standing = if cause == Cause::Trainee {
        // A student's attempt closed: the open one, which is their newest, so it is the next in
        // the order the grading method reads (a student has one attempt open per quiz at most).
        let (before, _) = stored.unwrap_or_default();
        before.then((!grade.needs_grading).then_some(grade.share))
    } else {
        // Staff changed the grade of an attempt anywhere in the history: summed up again.
        Standing::of(store::closed_shares_in_order(conn, user, attempt.quiz_id)?)
    };
    // The latest a result of theirs is hidden until, over every attempt (this one's policy is the
    // one of the version it was started from).
    let hidden_until = hidden_until(quiz.settings.review, attempt.deadline)
        .max(stored.and_then(|(_, until)| until));
    let row = StandingRow {
        user,
        quiz_id: attempt.quiz_id,
        course_id: attempt.course_id,
        standing,
        share: standing.share(quiz.settings.grading_method),
        passing_score: quiz.settings.passing_score,
        hidden_until,
    };
    let figures = match &mut state {
        Some(state) => {
            state.results.retain(|r| r.quiz_id != attempt.quiz_id);
            state.results.push(StoredResult {
                quiz_id: attempt.quiz_id,
                share: row.share,
                passed: row.passed(),
                graded: standing.graded,
                pending: standing.pending,
                sum: standing.sum,
                best: standing.best,
                first: standing.first,
                last: standing.last,
                hidden_until,
            });
            Some(figures_change(conn, state, attempt.course_id, cause)?)
        }
        None => None,
    };

    // Evidence, levels, result and figures: four tables, one round trip on PostgreSQL.
    let standing_write = store::save_standing(&row);
    let figures_write = figures.as_ref().map(FiguresChange::write);
    let mut writes = evidence.writes();
    writes.push(&standing_write);
    if let Some(write) = &figures_write {
        writes.push(write);
    }
    batch::execute(conn, &writes)?;
    match &figures {
        Some(figures) => figures.apply_completion(conn, ctx, user, attempt.course_id),
        None => Ok(()),
    }
}
