//! The queries of the enrollment and progress endpoints: enrolling (or reactivating a withdrawn
//! enrollment) with its welcome email, the prerequisites a trainee has not completed, withdrawing,
//! a trainee's enrollments and the course figures stored on them, and what a trainee did in one
//! course (lessons completed, quiz results, attempts). Each reads or writes the rows of the user
//! it is given (the caller, or the members of a cohort its instructor enrolls). Keeping the figures
//! current is `progress`'s, mastery `mastery`'s and what a review policy hides `visibility`'s.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Integer, Text};

use super::mastery::CompetencyLevel;
use crate::courses::store::CourseRow;
use crate::db::sql_types::{
    AnyJson, AttemptId, CohortId, CourseId, Id, ItemId, JsonValue, OrgId, Timestamp, Ts, Uid,
    UserId, VersionId,
};
use crate::db::status::{AttemptStatus, EnrollmentStatus};
use crate::db::typed_null::null;
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
        .filter(enrollments::status.eq(crate::word!(EnrollmentStatus::Completed)))
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
            .filter(enrollments::status.eq(crate::word!(EnrollmentStatus::Active))),
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

/// What GET /me/progress starts from: the stored figures of all of a trainee's enrollments,
/// newest first, each with whether a result of theirs in that course is hidden from them now
/// (`quiz_results.hidden_until`), their competency levels and the markets they aim for.
pub struct ProgressOverview {
    pub courses: Vec<(EnrollmentFigures, bool)>,
    pub levels: BTreeMap<String, CompetencyLevel>,
    pub targets: Vec<String>,
}

/// One row of [`progress_overview`]'s statement: an enrollment (its figures, enrolled at, hidden
/// flag) or the trainee with one of their competency levels (target markets, code, level,
/// mastered, evidence), the other kind's columns NULL.
type OverviewRow = (
    (
        Option<CourseId>,
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<i32>,
        Option<i32>,
        Option<i32>,
        Option<i32>,
        Option<Timestamp>,
        Option<Timestamp>,
    ),
    Option<Timestamp>,
    Option<bool>,
    Option<JsonValue>,
    Option<String>,
    Option<f64>,
    Option<bool>,
    Option<i32>,
);

/// Everything GET /me/progress reads, in one statement whatever the history: a student's
/// frontend calls it on every page, so its two kinds of rows (enrollments, and the trainee with
/// their levels) share one round trip, each leaving the other's columns NULL.
pub fn progress_overview(conn: &mut DbConn, user: UserId) -> QueryResult<ProgressOverview> {
    let hidden_here = diesel::dsl::exists(
        quiz_results::table
            .filter(quiz_results::user_id.eq(enrollments::user_id))
            .filter(quiz_results::course_id.eq(enrollments::course_id))
            .filter(quiz_results::hidden_until.is_not_null())
            .filter(quiz_results::hidden_until.ge(Timestamp::now())),
    );
    let enrolled = enrollments::table
        .inner_join(courses::table)
        .filter(enrollments::user_id.eq(user))
        .select((
            (
                enrollments::course_id.nullable(),
                courses::title.nullable(),
                enrollments::status.nullable(),
                enrollments::percent.nullable(),
                enrollments::score,
                enrollments::lessons_done.nullable(),
                enrollments::lessons_total.nullable(),
                enrollments::quizzes_passed.nullable(),
                enrollments::quizzes_total.nullable(),
                enrollments::last_activity_at,
                enrollments::completed_at,
            ),
            enrollments::enrolled_at.nullable(),
            hidden_here.nullable(),
            null::<AnyJson>(),
            null::<Text>(),
            null::<Double>(),
            null::<Bool>(),
            null::<Integer>(),
        ));
    let trainee = users::table
        .left_join(competency_mastery::table)
        .filter(users::id.eq(user))
        .select((
            (
                null::<Uid>(),
                null::<Text>(),
                null::<Text>(),
                null::<Double>(),
                null::<Double>(),
                null::<Integer>(),
                null::<Integer>(),
                null::<Integer>(),
                null::<Integer>(),
                null::<Ts>(),
                null::<Ts>(),
            ),
            null::<Ts>(),
            null::<Bool>(),
            users::target_markets.nullable(),
            competency_mastery::competency.nullable(),
            competency_mastery::level.nullable(),
            competency_mastery::mastered.nullable(),
            competency_mastery::evidence_count.nullable(),
        ));
    let rows: Vec<OverviewRow> =
        crate::per_backend!(conn, |c| enrolled.union_all(trainee).load(c))?;
    let mut courses = Vec::new();
    let mut levels = BTreeMap::new();
    let mut targets = Vec::new();
    for (figures, enrolled_at, hidden, markets, code, level, mastered, evidence) in rows {
        if let Some(markets) = markets {
            targets = markets.decode("target markets")?;
            if let (Some(code), Some(level), Some(mastered), Some(evidence)) =
                (code, level, mastered, evidence)
            {
                let level = CompetencyLevel {
                    level,
                    mastered,
                    evidence,
                };
                levels.insert(code, level);
            }
            continue;
        }
        let (
            course_id,
            title,
            status,
            percent,
            score,
            done,
            lessons,
            passed,
            quizzes,
            last,
            completed,
        ) = figures;
        // An enrollment row: these columns are NOT NULL in the table, so a NULL here is a
        // broken statement or corrupt data, never a row to skip or fill with zeros.
        let figures = EnrollmentFigures {
            course_id: present(course_id, "course")?,
            title: present(title, "title")?,
            status: present(status, "status")?,
            percent: present(percent, "percent")?,
            score,
            lessons_done: present(done, "lessons done")?,
            lessons_total: present(lessons, "lessons total")?,
            quizzes_passed: present(passed, "quizzes passed")?,
            quizzes_total: present(quizzes, "quizzes total")?,
            last_activity_at: last,
            completed_at: completed,
        };
        let enrolled_at = present(enrolled_at, "enrolled at")?;
        let hidden = present(hidden, "hidden flag")?;
        courses.push((enrolled_at, figures, hidden));
    }
    // A union has no order of its own: newest enrollment first, as everywhere.
    courses.sort_by_key(|(enrolled_at, _, _)| std::cmp::Reverse(*enrolled_at));
    Ok(ProgressOverview {
        courses: courses.into_iter().map(|(_, f, h)| (f, h)).collect(),
        levels,
        targets,
    })
}

/// `value` of an enrollment row of [`progress_overview`]'s union, where its column is NOT NULL.
fn present<T>(value: Option<T>, column: &str) -> QueryResult<T> {
    value.ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            format!("enrollment row of the progress overview without its {column}").into(),
        )
    })
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

/// One row of [`course_activity`]'s statement: an item id with what is known of it. A lesson
/// completion fills `completed_at`, an open attempt `open_attempt`, a quiz result the rest.
type ActivityRow = (
    ItemId,
    Option<Timestamp>,
    Option<AttemptId>,
    Option<f64>,
    Option<bool>,
    Option<i32>,
    Option<i32>,
    Option<Timestamp>,
);

/// `user`'s lesson completions, quiz results and attempts in `course_id`.
pub fn course_activity(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
) -> QueryResult<CourseActivity> {
    // Per quiz: the result with how many attempts closed and how (kept on the result by
    // `attempts::graded`), the open attempt from an index of open attempts only, and the lessons
    // done: a few rows however long the history is, in one statement (one round trip on every
    // course page). The three kinds share one row shape, each leaving the others' columns NULL.
    let results = quiz_results::table
        .filter(quiz_results::user_id.eq(user))
        .filter(quiz_results::course_id.eq(course_id))
        .select((
            quiz_results::quiz_id,
            null::<Ts>(),
            null::<Uid>(),
            quiz_results::share,
            quiz_results::passed.nullable(),
            quiz_results::attempts_graded.nullable(),
            quiz_results::pending.nullable(),
            quiz_results::hidden_until,
        ));
    let lessons = lesson_completions::table
        .filter(lesson_completions::user_id.eq(user))
        .filter(lesson_completions::course_id.eq(course_id))
        .select((
            lesson_completions::lesson_id,
            lesson_completions::completed_at.nullable(),
            null::<Uid>(),
            null::<Double>(),
            null::<Bool>(),
            null::<Integer>(),
            null::<Integer>(),
            null::<Ts>(),
        ));
    let open = quiz_attempts::table
        .filter(quiz_attempts::user_id.eq(user))
        .filter(quiz_attempts::course_id.eq(course_id))
        .filter(quiz_attempts::status.eq(crate::word!(AttemptStatus::Open)))
        .select((
            quiz_attempts::quiz_id,
            null::<Ts>(),
            quiz_attempts::id.nullable(),
            null::<Double>(),
            null::<Bool>(),
            null::<Integer>(),
            null::<Integer>(),
            null::<Ts>(),
        ));
    let rows: Vec<ActivityRow> =
        crate::per_backend!(conn, |c| results.union_all(lessons).union_all(open).load(c))?;
    let now = Timestamp::now();
    let mut lessons_done = BTreeMap::new();
    let mut open_attempts = BTreeMap::new();
    let mut results = BTreeMap::new();
    let mut hidden_quizzes = Vec::new();
    let mut attempt_counts: Vec<(ItemId, String, i64)> = Vec::new();
    for (item, completed_at, attempt, share, passed, graded, pending, hidden_until) in rows {
        if let Some(at) = completed_at {
            lessons_done.insert(item, at);
        } else if let Some(id) = attempt {
            open_attempts.insert(item, id);
        } else if let Some(passed) = passed {
            results.insert(item, (share, passed));
            if hidden_until.is_some_and(|t| t >= now) {
                hidden_quizzes.push((item, course_id));
            }
            for (status, n) in [
                (AttemptStatus::Graded, graded),
                (AttemptStatus::NeedsGrading, pending),
            ] {
                if let Some(n) = n.filter(|n| *n > 0) {
                    attempt_counts.push((item, status.as_str().to_owned(), i64::from(n)));
                }
            }
        }
    }
    for quiz in open_attempts.keys() {
        attempt_counts.push((*quiz, AttemptStatus::Open.as_str().to_owned(), 1));
    }
    Ok(CourseActivity {
        hidden_quizzes,
        lessons_done,
        results,
        attempt_counts,
        open_attempts,
    })
}
