//! What a student may see of their own results while a quiz's review policy hides them.
//!
//! A result hidden by `review = "never"` (or `"after_deadline"` before the deadline) must not leak
//! through any other view: not as a quiz passed, a percent, a module completed, a course completed,
//! a competency level or a certificate. So every student-facing figure is computed as if the
//! hidden attempts had no result yet: the quiz shows as `submitted`, the course figures count it as
//! not yet passed, the course stays `active`, competency levels leave its evidence out, and the
//! certificate is issued only once nothing it rests on is hidden (the attempt sweep issues the
//! ones that were held back, once an `after_deadline` deadline has passed). Staff views and reports
//! are unaffected: they see results as soon as an attempt closes.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;

use super::mastery::{self, CompetencyLevel};
use super::progress::{figures_of, published_file, Figures};
use crate::courses::format::Review;
use crate::courses::store::parsed_version;
use crate::courses::store::{item_id, quiz_path};
use crate::db::sql_types::{CourseId, Id, ItemId, Timestamp, UserId, VersionId};
use crate::db::status::AttemptStatus;
use crate::db::DbConn;
use crate::schema::{competency_evidence, quiz_attempts, quiz_results};

/// The student's closed attempts whose result their quiz's review policy hides right now.
#[derive(Debug, Default)]
pub struct Hidden {
    /// Attempt ids.
    pub attempts: BTreeSet<Id>,
    /// Quiz ids with at least one hidden attempt.
    pub quizzes: BTreeSet<ItemId>,
    /// Course ids with at least one hidden attempt.
    pub courses: BTreeSet<CourseId>,
}

impl Hidden {
    pub fn is_empty(&self) -> bool {
        self.attempts.is_empty()
    }
}

/// The review policy of quiz `quiz_id` in the course version an attempt was started from.
fn review_of(
    conn: &mut DbConn,
    version_id: VersionId,
    course_id: CourseId,
    quiz_id: ItemId,
) -> QueryResult<Review> {
    let file = parsed_version(conn, version_id)?;
    Ok(file
        .modules
        .iter()
        .find(|m| item_id(course_id, &quiz_path(&m.module.slug)) == quiz_id)
        .and_then(|m| m.quiz.as_ref())
        .map_or(Review::Never, |q| q.settings.review))
}

/// Stands for "hidden for good" (`review = "never"`) in `quiz_results.hidden_until`.
pub fn forever() -> Timestamp {
    let end = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
    Timestamp::from(end)
}

/// Until when the result of an attempt closed under `review` with `deadline` stays hidden from
/// the student (`None`: it shows at once). Under `after_deadline` an attempt without a deadline
/// is never hidden, as in `attempts::view::reveals`.
pub fn hidden_until(review: Review, deadline: Option<Timestamp>) -> Option<Timestamp> {
    match review {
        Review::Immediately => None,
        Review::AfterDeadline => deadline,
        Review::Never => Some(forever()),
    }
}

/// The hidden results of `user` (in `course` only, when given).
///
/// The quizzes with something hidden come from the student's quiz results (`hidden_until`, kept
/// by `attempts::graded`), one small indexed read however long the history; only for those few
/// quizzes are the hidden attempts themselves looked up, per version started from.
pub fn hidden_results(
    conn: &mut DbConn,
    user: UserId,
    course: Option<CourseId>,
) -> QueryResult<Hidden> {
    let now = Timestamp::now();
    let mut quizzes = quiz_results::table
        .filter(quiz_results::user_id.eq(user))
        .filter(quiz_results::hidden_until.is_not_null())
        .filter(quiz_results::hidden_until.ge(now))
        .select((quiz_results::quiz_id, quiz_results::course_id))
        .into_boxed();
    if let Some(c) = course {
        quizzes = quizzes.filter(quiz_results::course_id.eq(c));
    }
    let quizzes: Vec<(ItemId, CourseId)> = quizzes.load(conn)?;
    hidden_among(conn, user, &quizzes, now)
}

/// The hidden attempts of `user` at `quizzes` ((quiz, course) pairs whose stored `hidden_until`
/// has not passed at `now`), looked up per version started from.
pub fn hidden_among(
    conn: &mut DbConn,
    user: UserId,
    quizzes: &[(ItemId, CourseId)],
    now: Timestamp,
) -> QueryResult<Hidden> {
    let mut hidden = Hidden::default();
    for &(quiz_id, course_id) in quizzes {
        let versions: Vec<VersionId> = quiz_attempts::table
            .filter(quiz_attempts::user_id.eq(user))
            .filter(quiz_attempts::quiz_id.eq(quiz_id))
            .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
            .select(quiz_attempts::version_id)
            .distinct()
            .load(conn)?;
        for version_id in versions {
            let mut attempts = quiz_attempts::table
                .filter(quiz_attempts::user_id.eq(user))
                .filter(quiz_attempts::quiz_id.eq(quiz_id))
                .filter(quiz_attempts::version_id.eq(version_id))
                .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
                .select(quiz_attempts::id)
                .into_boxed();
            match review_of(conn, version_id, course_id, quiz_id)? {
                Review::Immediately => continue,
                Review::Never => {}
                Review::AfterDeadline => {
                    attempts = attempts.filter(quiz_attempts::deadline.ge(now));
                }
            }
            let ids: Vec<Id> = attempts.load(conn)?;
            if !ids.is_empty() {
                hidden.attempts.extend(ids);
                hidden.quizzes.insert(quiz_id);
                hidden.courses.insert(course_id);
            }
        }
    }
    Ok(hidden)
}

/// Fills in `quiz_results.hidden_until` for results stored before it existed (the migration that
/// added it cannot read review policies, which live in the course files); returns how many
/// results have something hidden. Run once, right after that migration (`startup`).
pub fn backfill_hidden_until(conn: &mut DbConn) -> QueryResult<usize> {
    // Per student, quiz and version started from: the deadlines of their closed attempts.
    let taken: Vec<(UserId, ItemId, CourseId, VersionId, Option<Timestamp>)> = quiz_attempts::table
        .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
        .select((
            quiz_attempts::user_id,
            quiz_attempts::quiz_id,
            quiz_attempts::course_id,
            quiz_attempts::version_id,
            quiz_attempts::deadline,
        ))
        .distinct()
        .load(conn)?;
    let mut until: BTreeMap<(UserId, ItemId), Timestamp> = BTreeMap::new();
    for (user, quiz_id, course_id, version_id, deadline) in taken {
        let review = review_of(conn, version_id, course_id, quiz_id)?;
        if let Some(t) = hidden_until(review, deadline) {
            let entry = until.entry((user, quiz_id)).or_insert(t);
            *entry = (*entry).max(t);
        }
    }
    for ((user, quiz_id), t) in &until {
        diesel::update(quiz_results::table.find((*user, *quiz_id)))
            .set(quiz_results::hidden_until.eq(Some(*t)))
            .execute(conn)?;
    }
    Ok(until.len())
}

/// The figures of `user` in `course_id` as the student may see them: a hidden result counts as no
/// result yet. None for a course with no hidden result (its stored figures are what they see), no
/// published version or no enrollment of theirs.
pub fn student_figures(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
    hidden: &Hidden,
) -> QueryResult<Option<Figures>> {
    if !hidden.courses.contains(&course_id) {
        return Ok(None);
    }
    let Some(file) = published_file(conn, course_id)? else {
        return Ok(None);
    };
    figures_of(conn, user, course_id, &file, &hidden.quizzes)
}

/// The student's competency levels (`levels`, as stored) leaving out the evidence of hidden
/// attempts: the competencies those attempts touched are recomputed from the rest of the evidence.
pub fn without_hidden(
    conn: &mut DbConn,
    user: UserId,
    hidden: &Hidden,
    mut levels: BTreeMap<String, CompetencyLevel>,
) -> QueryResult<BTreeMap<String, CompetencyLevel>> {
    if hidden.is_empty() {
        return Ok(levels);
    }
    let touched: BTreeSet<String> = competency_evidence::table
        .filter(competency_evidence::attempt_id.eq_any(&hidden.attempts))
        .select(competency_evidence::competency)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for code in touched {
        let rows: Vec<(Id, f64)> = competency_evidence::table
            .filter(competency_evidence::user_id.eq(user))
            .filter(competency_evidence::competency.eq(&code))
            .order((
                competency_evidence::observed_at.desc(),
                competency_evidence::attempt_id.desc(),
            ))
            .select((competency_evidence::attempt_id, competency_evidence::share))
            .load(conn)?;
        let shares: Vec<f64> = rows
            .into_iter()
            .filter(|(attempt, _)| !hidden.attempts.contains(attempt))
            .map(|(_, share)| share)
            .collect();
        match mastery::level_from_evidence(&shares) {
            Some(level) => levels.insert(code, level),
            None => levels.remove(&code),
        };
    }
    Ok(levels)
}
