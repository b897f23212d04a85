//! Progress: kept current by the events that change it, in the transaction of the event.
//!
//! - A lesson completed adds a `lesson_completions` row.
//! - An attempt graded (on submit, at its deadline, by hand or by a regrade) recomputes that
//!   student's result on that quiz in `quiz_results`, by the quiz's grading method across their
//!   graded attempts, and replaces the attempt's competency evidence (see `mastery`).
//! - Either then refreshes the course figures stored on the enrollment: lessons done, quizzes
//!   passed, percent, mean quiz score, last activity, and completion by the course's rule
//!   (`all_passed`: every lesson done and every quiz passed; `min_score`: every lesson done, every
//!   quiz graded and the mean quiz score at least `min_score`). Reaching completion issues the
//!   certificate; a regrade that takes it away sets the enrollment back to active (a certificate
//!   already issued stays until an org admin revokes it). A newly published version refreshes
//!   every enrollment's figures but never takes a completion away.
//!
//! The work per event is bounded by one student's rows in one course; reads never recompute.

use std::collections::BTreeSet;
use std::sync::Arc;

use diesel::prelude::*;
use diesel::sql_types::{Double, Integer, Nullable};

use crate::courses::format::{Completion, CourseFile};
use crate::courses::store::parsed_version;
use crate::courses::store::{item_id, lesson_path, quiz_path};
use crate::db::batch::Write;
use crate::db::sql_types::{CourseId, Id, ItemId, Timestamp, Ts, Uid, UserId, VersionId};
use crate::db::status::EnrollmentStatus;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::quizzes::results::Standing;
use crate::schema::{courses, enrollments, lesson_completions, quiz_results};
use crate::state::Ctx;

/// Why a course's figures are refreshed; it decides what may change besides the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The trainee completed a lesson or an attempt of theirs closed: their last activity moves.
    Trainee,
    /// Staff changed a grade (hand grading, regrade): completion may be gained or lost.
    Grading,
    /// A new version was published: completion may be gained, never taken away.
    Republish,
}

/// The published version of a course, parsed (cached per version).
pub fn published_file(
    conn: &mut DbConn,
    course_id: CourseId,
) -> QueryResult<Option<Arc<CourseFile>>> {
    let version: Option<VersionId> = courses::table
        .find(course_id)
        .select(courses::published_version_id)
        .first(conn)?;
    version.map(|v| parsed_version(conn, v)).transpose()
}

/// Lesson ids and quiz ids of a course file, in course order.
pub fn items_of(course_id: CourseId, file: &CourseFile) -> (Vec<ItemId>, Vec<ItemId>) {
    let mut lessons = Vec::new();
    let mut quizzes = Vec::new();
    for m in &file.modules {
        for l in &m.lessons {
            lessons.push(item_id(
                course_id,
                &lesson_path(&m.module.slug, &l.lesson.slug),
            ));
        }
        if m.quiz.is_some() {
            quizzes.push(item_id(course_id, &quiz_path(&m.module.slug)));
        }
    }
    (lessons, quizzes)
}

/// Records that `user` completed `lesson_id` (once; later calls keep the first time) and refreshes
/// the course figures. Returns the course id and the completion time.
pub fn complete_lesson(
    conn: &mut DbConn,
    ctx: &Ctx,
    user: UserId,
    course_id: CourseId,
    lesson_id: ItemId,
) -> ApiResult<Timestamp> {
    let existing: Option<Timestamp> = lesson_completions::table
        .find((user, lesson_id))
        .select(lesson_completions::completed_at)
        .first(conn)
        .optional()?;
    let at = match existing {
        Some(at) => at,
        None => {
            let now = Timestamp::now();
            diesel::insert_into(lesson_completions::table)
                .values((
                    lesson_completions::user_id.eq(user),
                    lesson_completions::lesson_id.eq(lesson_id),
                    lesson_completions::course_id.eq(course_id),
                    lesson_completions::completed_at.eq(now),
                ))
                .execute(conn)?;
            now
        }
    };
    refresh_course(conn, ctx, user, course_id, Cause::Trainee)?;
    Ok(at)
}

/// Issues the certificates held back while a result was hidden (see `visibility`) for completed
/// enrollments whose results are all visible now; at most `limit` per call. Returns how many.
pub fn issue_held_certificates(conn: &mut DbConn, ctx: &Ctx, limit: i64) -> ApiResult<usize> {
    use crate::schema::certificates;
    // A certificate of any edition of the course counts (one per course), so an enrollment in a
    // second edition is not picked up again at every sweep.
    let certified = diesel::alias!(courses as certified);
    let waiting: Vec<(UserId, CourseId, Option<Timestamp>)> = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::status.eq(crate::word!(EnrollmentStatus::Completed)))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            certificates::table
                .inner_join(certified.on(certified.field(courses::id).eq(certificates::course_id)))
                .filter(certificates::user_id.eq(enrollments::user_id))
                .filter(certified.field(courses::course_key).eq(courses::course_key)),
        )))
        .select((
            enrollments::user_id,
            enrollments::course_id,
            enrollments::completed_at,
        ))
        .limit(limit)
        .load(conn)?;
    let mut issued = 0;
    for (user, course_id, completed_at) in waiting {
        if super::visibility::hidden_results(conn, user, Some(course_id))?.is_empty() {
            let at = completed_at.unwrap_or_else(Timestamp::now);
            if crate::certificates::issue(conn, &ctx.signer, &ctx.public_url, user, course_id, at)?
                .is_some()
            {
                issued += 1;
            }
        }
    }
    Ok(issued)
}

/// After a new version of `course_id` is published: every enrollment's figures against the new
/// set of lessons and quizzes (a lesson added lowers the percent, a quiz removed may complete).
pub fn course_republished(conn: &mut DbConn, ctx: &Ctx, course_id: CourseId) -> ApiResult<usize> {
    let users: Vec<UserId> = enrollments::table
        .filter(enrollments::course_id.eq(course_id))
        .filter(enrollments::status.ne(crate::word!(EnrollmentStatus::Withdrawn)))
        .select(enrollments::user_id)
        .load(conn)?;
    for user in &users {
        refresh_course(conn, ctx, *user, course_id, Cause::Republish)?;
    }
    Ok(users.len())
}

/// The course figures of one enrollment, computed from its stored facts.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub lessons_done: i32,
    pub lessons_total: i32,
    pub quizzes_passed: i32,
    pub quizzes_total: i32,
    /// Mean result over all quizzes (0 for a quiz without one), once any quiz has a result.
    pub score: Option<f64>,
    pub percent: f64,
    pub complete: bool,
}

/// Applies the course's completion rule to the results of its quizzes (`(share, passed,
/// pending)` per quiz, `None` for a quiz never graded).
pub fn figures(
    file: &CourseFile,
    lessons_total: usize,
    lessons_done: usize,
    results: &[Option<(Option<f64>, bool, i32)>],
) -> Figures {
    let quizzes_total = results.len();
    let passed = results
        .iter()
        .filter(|r| r.is_some_and(|(_, p, _)| p))
        .count();
    let graded = results
        .iter()
        .filter(|r| r.is_some_and(|(s, _, pending)| s.is_some() && pending == 0))
        .count();
    let any_result = results
        .iter()
        .any(|r| r.is_some_and(|(s, _, _)| s.is_some()));
    let score = (any_result && quizzes_total > 0).then(|| {
        results
            .iter()
            .map(|r| r.and_then(|(s, _, _)| s).unwrap_or(0.0))
            .sum::<f64>()
            / quizzes_total as f64
    });
    let (quizzes_done, quizzes_ok) = match file.course.completion {
        Completion::AllPassed => (passed, passed == quizzes_total),
        Completion::MinScore => {
            let min = file.course.min_score.unwrap_or(0.0);
            (
                graded,
                graded == quizzes_total && score.unwrap_or(0.0) + 1e-9 >= min,
            )
        }
    };
    let total = lessons_total + quizzes_total;
    let percent = if total == 0 {
        0.0
    } else {
        ((lessons_done + quizzes_done) as f64 * 100.0 / total as f64 * 10.0).round() / 10.0
    };
    Figures {
        lessons_done: lessons_done as i32,
        lessons_total: lessons_total as i32,
        quizzes_passed: passed as i32,
        quizzes_total: quizzes_total as i32,
        score,
        percent,
        complete: lessons_done == lessons_total && quizzes_ok,
    }
}

/// The figures of `user` in `course_id` from their lesson completions and quiz results, counting
/// the quizzes in `unresulted` as if they had no result yet (what a student sees while a review
/// policy hides it; see `visibility`). None when they are not enrolled.
pub fn figures_of(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
    file: &CourseFile,
    unresulted: &BTreeSet<ItemId>,
) -> QueryResult<Option<Figures>> {
    Ok(
        course_state(conn, user, course_id)?
            .map(|state| state.figures(course_id, file, unresulted)),
    )
}

/// A student's stored result on one quiz with the standing it rests on (see `attempts::graded`).
#[derive(Debug, Clone, Queryable)]
pub struct StoredResult {
    pub quiz_id: ItemId,
    pub share: Option<f64>,
    pub passed: bool,
    pub graded: i32,
    pub pending: i32,
    pub sum: f64,
    pub best: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
    /// The latest time a result of theirs on the quiz is hidden until (see `visibility`).
    pub hidden_until: Option<Timestamp>,
}

crate::columns!(
    /// The columns of [`StoredResult`] in its field order (see `db::columns!`).
    pub RESULT_COLUMNS = quiz_results::quiz_id,
    quiz_results::share,
    quiz_results::passed,
    quiz_results::attempts_graded,
    quiz_results::pending,
    quiz_results::shares_sum,
    quiz_results::best_share,
    quiz_results::first_share,
    quiz_results::last_share,
    quiz_results::hidden_until,
);

impl StoredResult {
    pub fn standing(&self) -> Standing {
        Standing {
            graded: self.graded,
            pending: self.pending,
            sum: self.sum,
            best: self.best,
            first: self.first,
            last: self.last,
        }
    }
}

/// What the figures of one enrollment are computed from, read in two statements: the
/// enrollment with its course's published version and the lessons done, then the quiz results.
pub struct CourseState {
    enrollment: Id,
    status: EnrollmentStatus,
    last_activity: Option<Timestamp>,
    version: Option<VersionId>,
    lessons_done: BTreeSet<ItemId>,
    /// The student's results on the course's quizzes; the caller may put a changed one in.
    pub results: Vec<StoredResult>,
}

/// One row of the enrollment read in [`course_state`]: the enrollment repeated beside each lesson
/// done (the lesson is None when none is).
#[derive(Queryable)]
struct EnrollmentLessonRow {
    enrollment: Id,
    status: EnrollmentStatus,
    last_activity: Option<Timestamp>,
    version: Option<VersionId>,
    lesson_done: Option<ItemId>,
}

impl CourseState {
    /// The figures of this enrollment in the course `file`, counting the quizzes in `unresulted`
    /// as if they had no result yet.
    fn figures(
        &self,
        course_id: CourseId,
        file: &CourseFile,
        unresulted: &BTreeSet<ItemId>,
    ) -> Figures {
        let (lessons, quizzes) = items_of(course_id, file);
        let lessons_done = lessons
            .iter()
            .filter(|l| self.lessons_done.contains(l))
            .count();
        let results: Vec<_> = quizzes
            .iter()
            .map(|q| {
                self.results
                    .iter()
                    .filter(|r| !unresulted.contains(&r.quiz_id))
                    .find(|r| r.quiz_id == *q)
                    .map(|r| (r.share, r.passed, r.pending))
            })
            .collect();
        figures(file, lessons.len(), lessons_done, &results)
    }
}

/// The state of `user`'s enrollment in `course_id`; None when they are not enrolled.
pub fn course_state(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
) -> QueryResult<Option<CourseState>> {
    let query = enrollments::table
        .inner_join(courses::table)
        .left_join(
            lesson_completions::table.on(lesson_completions::user_id
                .eq(enrollments::user_id)
                .and(lesson_completions::course_id.eq(enrollments::course_id))),
        )
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course_id))
        .select((
            enrollments::id,
            enrollments::status,
            enrollments::last_activity_at,
            courses::published_version_id,
            lesson_completions::lesson_id.nullable(),
        ));
    let rows: Vec<EnrollmentLessonRow> = crate::per_backend!(conn, |c| query.load(c))?;
    let Some(&EnrollmentLessonRow {
        enrollment,
        status,
        last_activity,
        version,
        ..
    }) = rows.first()
    else {
        return Ok(None);
    };
    let results: Vec<StoredResult> = crate::per_backend!(conn, |c| quiz_results::table
        .filter(quiz_results::user_id.eq(user))
        .filter(quiz_results::course_id.eq(course_id))
        .select(RESULT_COLUMNS)
        .load(c))?;
    Ok(Some(CourseState {
        enrollment,
        status,
        last_activity,
        version,
        lessons_done: rows.into_iter().filter_map(|r| r.lesson_done).collect(),
        results,
    }))
}

/// Recomputes and stores the figures of `user`'s enrollment in `course_id`, completing it (and
/// issuing the certificate) when the course's rule is met.
pub fn refresh_course(
    conn: &mut DbConn,
    ctx: &Ctx,
    user: UserId,
    course_id: CourseId,
    cause: Cause,
) -> ApiResult<()> {
    match course_state(conn, user, course_id)? {
        Some(state) => store_figures(conn, ctx, user, course_id, &state, cause),
        None => Ok(()),
    }
}

/// The figures of one enrollment written over the stored ones (one statement per grade, kept
/// prepared).
struct StoreFigures<'a> {
    enrollment: Id,
    figures: &'a Figures,
    last_activity: Option<Timestamp>,
}

crate::prepared_statement!(fixed StoreFigures, |this, out| {
    let f = this.figures;
    out.push_sql("UPDATE enrollments SET ");
    crate::assignments!(out,
        "lessons_done": Integer => &f.lessons_done,
        "lessons_total": Integer => &f.lessons_total,
        "quizzes_passed": Integer => &f.quizzes_passed,
        "quizzes_total": Integer => &f.quizzes_total,
        "score": Nullable<Double> => &f.score,
        "percent": Double => &f.percent,
        "last_activity_at": Nullable<Ts> => &this.last_activity,
    );
    out.push_sql(" WHERE id = ");
    out.push_bind_param::<Uid, _>(&this.enrollment)?;
    Ok(())
});

/// Stores the figures of an enrollment from its `state` (see [`refresh_course`]).
pub fn store_figures(
    conn: &mut DbConn,
    ctx: &Ctx,
    user: UserId,
    course_id: CourseId,
    state: &CourseState,
    cause: Cause,
) -> ApiResult<()> {
    let change = figures_change(conn, state, course_id, cause)?;
    crate::db::batch::execute(conn, &[&change.write()])?;
    change.apply_completion(conn, ctx, user, course_id)
}

/// New figures of one enrollment, computed but not yet written: [`FiguresChange::write`] stores
/// them, in a batch with other writes or alone, and [`FiguresChange::apply_completion`] then completes the
/// enrollment (or takes its completion back) when the figures say so.
pub struct FiguresChange {
    enrollment: Id,
    figures: Figures,
    last_activity: Option<Timestamp>,
    newly_complete: bool,
    no_longer_complete: bool,
    /// When the event happened: the activity and a completion are stamped with it.
    now: Timestamp,
}

/// The figures of an enrollment from its `state`, after an event of `cause`.
pub fn figures_change(
    conn: &mut DbConn,
    state: &CourseState,
    course_id: CourseId,
    cause: Cause,
) -> ApiResult<FiguresChange> {
    let file = parsed_version(conn, state.version.ok_or(ApiError::NotFound)?)?;
    let figures = state.figures(course_id, &file, &BTreeSet::new());
    let status = state.status;
    let now = Timestamp::now();
    Ok(FiguresChange {
        enrollment: state.enrollment,
        newly_complete: figures.complete && status == EnrollmentStatus::Active,
        no_longer_complete: !figures.complete
            && status == EnrollmentStatus::Completed
            && cause != Cause::Republish,
        last_activity: if cause == Cause::Trainee {
            Some(now)
        } else {
            state.last_activity
        },
        figures,
        now,
    })
}

impl FiguresChange {
    /// The write of the figures (one statement, kept prepared).
    pub fn write(&self) -> impl Write + '_ {
        StoreFigures {
            enrollment: self.enrollment,
            figures: &self.figures,
            last_activity: self.last_activity,
        }
    }

    /// After [`Self::write`]: completes the enrollment and issues the certificate when the course's
    /// rule is newly met, or takes the completion back when it no longer is.
    pub fn apply_completion(
        &self,
        conn: &mut DbConn,
        ctx: &Ctx,
        user: UserId,
        course_id: CourseId,
    ) -> ApiResult<()> {
        let now = self.now;
        if self.newly_complete {
            diesel::update(enrollments::table.find(self.enrollment))
                .set((
                    enrollments::status.eq(EnrollmentStatus::Completed),
                    enrollments::completed_at.eq(now),
                ))
                .execute(conn)?;
            // A certificate would tell the student a result their quiz's review policy still
            // hides; it waits for the attempt sweep to issue it once nothing is hidden.
            if super::visibility::hidden_results(conn, user, Some(course_id))?.is_empty() {
                crate::certificates::issue(
                    conn,
                    &ctx.signer,
                    &ctx.public_url,
                    user,
                    course_id,
                    now,
                )?;
            }
        } else if self.no_longer_complete {
            diesel::update(enrollments::table.find(self.enrollment))
                .set((
                    enrollments::status.eq(EnrollmentStatus::Active),
                    enrollments::completed_at.eq(None::<Timestamp>),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}
