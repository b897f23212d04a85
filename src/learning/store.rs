//! The queries of the enrollment and progress endpoints: enrolling (or reactivating a withdrawn
//! enrollment) with its welcome email, the prerequisites a trainee has not completed, withdrawing,
//! a trainee's enrollments and the course figures stored on them, and what a trainee did in one
//! course (lessons completed, quiz results, attempts). Each reads or writes the rows of the user
//! it is given (the caller, or the members of a cohort its instructor enrolls). Keeping the figures
//! current is `progress`'s, mastery `mastery`'s and what a review policy hides `visibility`'s.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::Nullable;

use super::mastery::CompetencyLevel;
use super::progress::{StoredResult, RESULT_COLUMNS};
use crate::courses::store::CourseRow;
use crate::db::sql_types::{
    AttemptId, CohortId, CourseId, Id, ItemId, OrgId, Timestamp, Ts, Uid, UserId, VersionId,
};
use crate::db::status::{AttemptStatus, EnrollmentStatus};
use crate::db::DbConn;
use crate::schema::{
    cohort_members, competency_mastery, courses, enrollments, lesson_completions, quiz_attempts,
    quiz_results, users,
};

/// Enrolls `user` (or reactivates a withdrawn enrollment) and queues the welcome email; returns
/// false when already enrolled.
pub fn enroll(
    conn: &mut DbConn,
    base: &str,
    user: UserId,
    course: &CourseRow,
    source: &str,
) -> QueryResult<bool> {
    let now = Timestamp::now();
    let existing: Option<(Id, EnrollmentStatus)> = enrollments::table
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course.id))
        .select((enrollments::id, enrollments::status))
        .first(conn)
        .optional()?;
    match existing {
        Some((_, status)) if status != EnrollmentStatus::Withdrawn => return Ok(false),
        Some((id, _)) => {
            diesel::update(enrollments::table.find(id))
                .set((
                    enrollments::status.eq(EnrollmentStatus::Active),
                    enrollments::enrolled_at.eq(now),
                    enrollments::withdrawn_at.eq(None::<Timestamp>),
                ))
                .execute(conn)?;
        }
        None => {
            // Totals from the start, so reports show "0 of 12 lessons" before any activity.
            let (lessons, quizzes) = match super::progress::published_file(conn, course.id)? {
                Some(file) => super::progress::items_of(course.id, &file),
                None => (Vec::new(), Vec::new()),
            };
            diesel::insert_into(enrollments::table)
                .values((
                    enrollments::id.eq(Id::new()),
                    enrollments::user_id.eq(user),
                    enrollments::course_id.eq(course.id),
                    enrollments::status.eq(EnrollmentStatus::Active),
                    enrollments::source.eq(source),
                    enrollments::enrolled_at.eq(now),
                    enrollments::lessons_total.eq(lessons.len() as i32),
                    enrollments::quizzes_total.eq(quizzes.len() as i32),
                ))
                .execute(conn)?;
        }
    }
    let (email, name): (String, String) = users::table
        .find(user)
        .select((users::email, users::display_name))
        .first(conn)?;
    crate::mail::enqueue(
        conn,
        &crate::mail::templates::enrolled(
            base,
            &email,
            &name,
            &course.title,
            &course.id.to_string(),
        ),
    )?;
    Ok(true)
}

/// The prerequisite courses (slug, title) of `course_id` that `user` has not completed.
pub fn missing_prerequisites(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
) -> QueryResult<Vec<(String, String)>> {
    let Some(file) = super::progress::published_file(conn, course_id)? else {
        return Ok(Vec::new());
    };
    let required = &file.course.prerequisites;
    if required.is_empty() {
        return Ok(Vec::new());
    }
    // A prerequisite names a course as the course's authors see it (their organization's own
    // course of that slug, else the platform-wide one); completing any edition of it (the same
    // course in another language) satisfies it.
    let org: Option<OrgId> = courses::table
        .find(course_id)
        .select(courses::org_id)
        .first(conn)?;
    let mut resolved: Vec<(String, Option<(CourseId, String)>)> =
        Vec::with_capacity(required.len());
    for slug in required {
        let course = crate::courses::store::resolve_slug(conn, org, slug)?;
        resolved.push((slug.clone(), course.map(|c| (c.course_key, c.title))));
    }
    let keys: Vec<CourseId> = resolved
        .iter()
        .filter_map(|(_, c)| c.as_ref().map(|(key, _)| *key))
        .collect();
    let completed_keys: Vec<CourseId> = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::status.eq(EnrollmentStatus::Completed))
        .filter(courses::course_key.eq_any(&keys))
        .select(courses::course_key)
        .load(conn)?;
    Ok(resolved
        .into_iter()
        .filter(|(_, c)| {
            !c.as_ref()
                .is_some_and(|(key, _)| completed_keys.contains(key))
        })
        .map(|(slug, c)| {
            let title = c.map_or_else(|| slug.clone(), |(_, title)| title);
            (slug, title)
        })
        .collect())
}

/// Withdraws `user`'s active enrollment in `course_id`, keeping the row; returns how many rows
/// changed (0: no active enrollment).
pub fn withdraw(conn: &mut DbConn, user: UserId, course_id: CourseId) -> QueryResult<usize> {
    diesel::update(
        enrollments::table
            .filter(enrollments::user_id.eq(user))
            .filter(enrollments::course_id.eq(course_id))
            .filter(enrollments::status.eq(EnrollmentStatus::Active)),
    )
    .set((
        enrollments::status.eq(EnrollmentStatus::Withdrawn),
        enrollments::withdrawn_at.eq(Timestamp::now()),
    ))
    .execute(conn)
}

/// The user ids of the members of `cohort_id`.
pub fn cohort_member_ids(conn: &mut DbConn, cohort_id: CohortId) -> QueryResult<Vec<UserId>> {
    cohort_members::table
        .filter(cohort_members::cohort_id.eq(cohort_id))
        .select(cohort_members::user_id)
        .load(conn)
}

/// An enrollment with its course's title.
#[derive(Debug, Queryable)]
pub struct EnrollmentRow {
    pub id: Id,
    pub course_id: CourseId,
    pub course_title: String,
    pub status: String,
    pub source: String,
    pub enrolled_at: Timestamp,
}

/// `user`'s enrollments (in `course_id` only, when given), newest first.
pub fn enrollments_of(
    conn: &mut DbConn,
    user: UserId,
    course_id: Option<CourseId>,
) -> QueryResult<Vec<EnrollmentRow>> {
    let mut q = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .select((
            enrollments::id,
            enrollments::course_id,
            courses::title,
            enrollments::status,
            enrollments::source,
            enrollments::enrolled_at,
        ))
        .order(enrollments::enrolled_at.desc())
        .into_boxed();
    if let Some(c) = course_id {
        q = q.filter(enrollments::course_id.eq(c));
    }
    q.load(conn)
}

/// The course figures stored on an enrollment, with the course's title (selected as [`FIGURES`]).
#[derive(Debug, Queryable)]
pub struct EnrollmentFigures {
    pub course_id: CourseId,
    pub title: String,
    pub status: String,
    pub percent: f64,
    pub score: Option<f64>,
    pub lessons_done: i32,
    pub lessons_total: i32,
    pub quizzes_passed: i32,
    pub quizzes_total: i32,
    pub last_activity_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
}

crate::columns!(
    /// The columns of [`EnrollmentFigures`] in its field order (see `db::columns!`).
    FIGURES = enrollments::course_id,
    courses::title,
    enrollments::status,
    enrollments::percent,
    enrollments::score,
    enrollments::lessons_done,
    enrollments::lessons_total,
    enrollments::quizzes_passed,
    enrollments::quizzes_total,
    enrollments::last_activity_at,
    enrollments::completed_at,
);

/// The stored figures of all of `user`'s enrollments, newest first, each with whether a result of
/// theirs in that course is hidden from them now (`quiz_results.hidden_until`): one query.
pub fn figures_with_hidden_flags(
    conn: &mut DbConn,
    user: UserId,
) -> QueryResult<Vec<(EnrollmentFigures, bool)>> {
    let hidden_here = diesel::dsl::exists(
        quiz_results::table
            .filter(quiz_results::user_id.eq(enrollments::user_id))
            .filter(quiz_results::course_id.eq(enrollments::course_id))
            .filter(quiz_results::hidden_until.is_not_null())
            .filter(quiz_results::hidden_until.ge(Timestamp::now())),
    );
    let query = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .select((FIGURES, hidden_here))
        .order(enrollments::enrolled_at.desc());
    crate::per_backend!(conn, |c| query.load(c))
}

/// The stored figures of `user`'s enrollments (in `course` only, when given), newest first.
pub fn enrollment_figures(
    conn: &mut DbConn,
    user: UserId,
    course: Option<CourseId>,
) -> QueryResult<Vec<EnrollmentFigures>> {
    let mut q = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .select(FIGURES)
        .order(enrollments::enrolled_at.desc())
        .into_boxed();
    if let Some(c) = course {
        q = q.filter(enrollments::course_id.eq(c));
    }
    q.load(conn)
}

/// The stored figures of `user`'s enrollment in `course`, its course's published version and the
/// student's competency levels, in one query; `None` when not enrolled.
pub fn course_figures_and_levels(
    conn: &mut DbConn,
    user: UserId,
    course: CourseId,
) -> QueryResult<Option<FiguresAndLevels>> {
    /// A competency's code, level, mastered flag and evidence count.
    type Level = (String, f64, bool, i32);
    let query = enrollments::table
        .inner_join(courses::table)
        .left_join(
            competency_mastery::table.on(competency_mastery::user_id.eq(enrollments::user_id)),
        )
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course))
        .select((
            FIGURES,
            courses::published_version_id,
            (
                competency_mastery::competency,
                competency_mastery::level,
                competency_mastery::mastered,
                competency_mastery::evidence_count,
            )
                .nullable(),
        ));
    let rows: Vec<(EnrollmentFigures, Option<VersionId>, Option<Level>)> =
        crate::per_backend!(conn, |c| query.load(c))?;
    let mut levels = BTreeMap::new();
    let mut first = None;
    for (figures, version, level) in rows {
        if let Some((code, level, mastered, evidence)) = level {
            let level = CompetencyLevel {
                level,
                mastered,
                evidence,
            };
            levels.insert(code, level);
        }
        first.get_or_insert((figures, version));
    }
    Ok(first.map(|(figures, version)| FiguresAndLevels {
        figures,
        published_version: version,
        levels,
    }))
}

/// One enrollment's figures with what its progress page needs besides.
pub struct FiguresAndLevels {
    pub figures: EnrollmentFigures,
    pub published_version: Option<VersionId>,
    pub levels: BTreeMap<String, CompetencyLevel>,
}

/// What a trainee did in one course, as stored: the facts their per-module progress is read from.
#[derive(Debug)]
pub struct CourseActivity {
    /// Completion time by lesson id.
    pub lessons_done: BTreeMap<ItemId, Timestamp>,
    /// (share, passed) by quiz id.
    pub results: BTreeMap<ItemId, (Option<f64>, bool)>,
    /// (quiz id, status, how many attempts).
    pub attempt_counts: Vec<(ItemId, String, i64)>,
    /// The open attempt by quiz id.
    pub open_attempts: BTreeMap<ItemId, AttemptId>,
    /// (quiz, course) of the quizzes with a result hidden from the student now (see
    /// `visibility::hidden_among`).
    pub hidden_quizzes: Vec<(ItemId, CourseId)>,
}

/// `user`'s lesson completions, quiz results and attempts in `course_id`.
pub fn course_activity(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
) -> QueryResult<CourseActivity> {
    // Per quiz: the result with how many attempts closed and how (kept on the result by
    // `attempts::graded`), and the open attempt from an index of open attempts only: a few rows
    // however long the history is. Two statements in all.
    let stored: Vec<StoredResult> = crate::per_backend!(conn, |c| quiz_results::table
        .filter(quiz_results::user_id.eq(user))
        .filter(quiz_results::course_id.eq(course_id))
        .select(RESULT_COLUMNS)
        .load(c))?;
    let now = Timestamp::now();
    let hidden_quizzes = stored
        .iter()
        .filter(|r| r.hidden_until.is_some_and(|t| t >= now))
        .map(|r| (r.quiz_id, course_id))
        .collect();
    // Lessons done and attempts open, in one statement: (item, completed at | open attempt).
    let lessons = lesson_completions::table
        .filter(lesson_completions::user_id.eq(user))
        .filter(lesson_completions::course_id.eq(course_id))
        .select((
            lesson_completions::lesson_id,
            lesson_completions::completed_at.nullable(),
            None::<AttemptId>.into_sql::<Nullable<Uid>>(),
        ));
    let open = quiz_attempts::table
        .filter(quiz_attempts::user_id.eq(user))
        .filter(quiz_attempts::course_id.eq(course_id))
        .filter(quiz_attempts::status.eq(AttemptStatus::Open))
        .select((
            quiz_attempts::quiz_id,
            None::<Timestamp>.into_sql::<Nullable<Ts>>(),
            quiz_attempts::id.nullable(),
        ));
    let items: Vec<(ItemId, Option<Timestamp>, Option<AttemptId>)> =
        crate::per_backend!(conn, |c| lessons.union_all(open).load(c))?;
    let mut lessons_done = BTreeMap::new();
    let mut open_attempts = BTreeMap::new();
    for (item, completed_at, attempt) in items {
        match (completed_at, attempt) {
            (Some(at), _) => {
                lessons_done.insert(item, at);
            }
            (None, Some(id)) => {
                open_attempts.insert(item, id);
            }
            (None, None) => {}
        }
    }
    let mut attempt_counts: Vec<(ItemId, String, i64)> = Vec::new();
    for r in &stored {
        for (status, n) in [
            (AttemptStatus::Graded, r.graded),
            (AttemptStatus::NeedsGrading, r.pending),
        ] {
            if n > 0 {
                attempt_counts.push((r.quiz_id, status.as_str().to_owned(), i64::from(n)));
            }
        }
    }
    for quiz in open_attempts.keys() {
        attempt_counts.push((*quiz, AttemptStatus::Open.as_str().to_owned(), 1));
    }
    let results = stored
        .into_iter()
        .map(|r| (r.quiz_id, (r.share, r.passed)))
        .collect();
    Ok(CourseActivity {
        hidden_quizzes,
        lessons_done,
        results,
        attempt_counts,
        open_attempts,
    })
}
