//! Attempt rows and the state machine: open -> graded | needs_grading. Every transition is a
//! conditional update on `status = 'open'`, so of two parallel submits exactly one grades. An
//! attempt past its deadline (plus a short grace for network delay) is closed and graded with its
//! saved answers the next time anyone touches it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::Duration;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Double, Integer, Nullable, Text};
use serde_json::Value;

use super::snapshot::{quiz_of, Snapshot};
use crate::courses::content::locate;
use crate::courses::format::{CourseFile, Question, Quiz};
use crate::courses::store::parsed_version;
use crate::courses::store::CourseRow;
use crate::db::sql_types::{
    AnyJson, AttemptId, CourseId, Id, ItemId, JsonValue, OrgId, Timestamp, Ts, Uid, UserId,
    VersionId,
};
use crate::db::status::{AttemptStatus, EnrollmentStatus};
use crate::db::DbConn;
use crate::domain::Role;
use crate::error::ApiError;
use crate::learning::progress::{Cause, StoredResult, RESULT_COLUMNS};
use crate::quizzes::results::Standing;
use crate::quizzes::{grade_quiz, parse_response, Draw, QuizGrade, Response};
use crate::schema::{quiz_attempts, quiz_results};
use crate::state::Ctx;

/// Answers arriving this long after the deadline still count (clock skew, slow networks).
pub const GRACE_SECS: i64 = 30;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = quiz_attempts)]
pub struct AttemptRow {
    pub id: AttemptId,
    pub quiz_id: ItemId,
    pub course_id: CourseId,
    pub version_id: VersionId,
    pub user_id: UserId,
    pub number: i32,
    pub status: AttemptStatus,
    pub questions: JsonValue,
    pub answers: JsonValue,
    pub started_at: Timestamp,
    pub deadline: Option<Timestamp>,
    pub submitted_at: Option<Timestamp>,
    pub score: Option<f64>,
    pub max_score: Option<f64>,
    pub result: Option<JsonValue>,
}

impl AttemptRow {
    /// The questions drawn for the attempt, in the order shown.
    pub fn snapshots(&self) -> QueryResult<Vec<Snapshot>> {
        self.questions.decode("attempt questions")
    }

    /// Saved responses by question id (the raw JSON, validated when saved).
    pub fn saved(&self) -> QueryResult<BTreeMap<String, Value>> {
        self.answers.decode("attempt answers")
    }

    /// The grade stored when the attempt closed; None while it is open.
    pub fn grade(&self) -> QueryResult<Option<QuizGrade>> {
        self.result
            .as_ref()
            .map(|r| r.decode("attempt result"))
            .transpose()
    }

    pub fn expired(&self, now: Timestamp) -> bool {
        self.deadline
            .is_some_and(|d| now.0 > d.0 + Duration::seconds(GRACE_SECS))
    }
}

/// The attempt `id` for reading: its student, the course's authors, and org admins of an
/// organization the student belongs to. Anyone else gets not found.
pub fn readable_attempt(
    conn: &mut DbConn,
    caller: UserId,
    id: AttemptId,
) -> QueryResult<AttemptRow> {
    use crate::schema::memberships;
    let attempt: AttemptRow = quiz_attempts::table
        .find(id)
        .select(AttemptRow::as_select())
        .first(conn)?;
    if attempt.user_id == caller {
        return Ok(attempt);
    }
    let course = crate::courses::store::find_course(conn, attempt.course_id)?;
    if crate::courses::access::is_author(conn, caller, &course)? {
        return Ok(attempt);
    }
    // An org admin reads a member's attempts only in what belongs to their organization: its own
    // courses and platform-wide ones. Another organization's internal course (and its answer
    // keys) stays that organization's business, whoever the student's other orgs are.
    let admin_orgs: Vec<OrgId> = memberships::table
        .filter(memberships::user_id.eq(caller))
        .filter(memberships::role.eq(Role::OrgAdmin.as_str()))
        .select(memberships::org_id)
        .load(conn)?;
    let shared_orgs: Vec<OrgId> = memberships::table
        .filter(memberships::user_id.eq(attempt.user_id))
        .filter(memberships::org_id.eq_any(admin_orgs))
        .select(memberships::org_id)
        .load(conn)?;
    let course_belongs = match course.org_id {
        None => !shared_orgs.is_empty(),
        Some(owner) => shared_orgs.contains(&owner),
    };
    if course_belongs {
        Ok(attempt)
    } else {
        Err(diesel::result::Error::NotFound)
    }
}

/// The module slug of a quiz id, and its course. A quiz id is derived from its course id and
/// module slug, so the answer for an id never changes: it is remembered (bounded) and the
/// attempt paths skip a query per request.
pub fn quiz_home(conn: &mut DbConn, quiz_id: ItemId) -> QueryResult<(CourseId, String)> {
    static HOMES: OnceLock<Mutex<HashMap<ItemId, (CourseId, String)>>> = OnceLock::new();
    let homes = HOMES.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = homes.lock().ok().and_then(|h| h.get(&quiz_id).cloned()) {
        return Ok(hit);
    }
    let (course_id, path) = locate(conn, quiz_id, "quiz")?;
    let home = (
        course_id,
        path.strip_prefix("quiz/").unwrap_or_default().to_owned(),
    );
    if let Ok(mut h) = homes.lock() {
        if h.len() >= 4096 {
            h.clear();
        }
        h.insert(quiz_id, home.clone());
    }
    Ok(home)
}

/// Closes every open attempt whose deadline (plus grace) has passed; returns how many. Run by the
/// background sweep so abandoned attempts are graded even if nobody opens them again.
pub fn sweep_expired(conn: &mut DbConn, ctx: &Ctx) -> Result<usize, ApiError> {
    let cutoff = Timestamp::now().plus(Duration::seconds(-GRACE_SECS));
    let expired: Vec<AttemptRow> = quiz_attempts::table
        .filter(quiz_attempts::status.eq(crate::word!(AttemptStatus::Open)))
        .filter(quiz_attempts::deadline.lt(cutoff))
        .select(AttemptRow::as_select())
        .limit(200)
        .load(conn)?;
    let mut closed = 0;
    for attempt in expired {
        let (_, slug) = quiz_home(conn, attempt.quiz_id)?;
        if settle(conn, ctx, attempt, &slug)?.status != AttemptStatus::Open {
            closed += 1;
        }
    }
    Ok(closed)
}

/// The attempt `id` of `user`, locked for the rest of the transaction: PostgreSQL takes a row
/// lock; SQLite needs none, since every write transaction there begins immediately and runs
/// alone. Without it, two autosaves that each read-merge-write the answers could lose one
/// another's work. Anyone else's attempt is not found.
pub fn lock_own_attempt(conn: &mut DbConn, user: UserId, id: AttemptId) -> QueryResult<AttemptRow> {
    let mine = quiz_attempts::table
        .find(id)
        .filter(quiz_attempts::user_id.eq(user));
    Ok(match conn {
        DbConn::Pg(c) => mine.select(AttemptRow::as_select()).for_update().first(c)?,
        DbConn::Sqlite(c) => mine.select(AttemptRow::as_select()).first(c)?,
    })
}

/// Whether `user` is an active (or completed) trainee of `course_id`, read with a row lock on
/// their enrollment on PostgreSQL: attempt starts of one student in one course run one at a time,
/// so parallel starts see each other's attempts and Idempotency-Key records. SQLite needs no lock
/// (its write transactions begin immediately and run alone).
pub fn lock_enrollment(conn: &mut DbConn, user: UserId, course_id: CourseId) -> QueryResult<bool> {
    use crate::schema::enrollments;
    let mine = enrollments::table
        .filter(enrollments::user_id.eq(user))
        .filter(enrollments::course_id.eq(course_id))
        .select(enrollments::status);
    let status: Option<EnrollmentStatus> = match conn {
        DbConn::Pg(c) => mine.for_update().first(c).optional()?,
        DbConn::Sqlite(c) => mine.first(c).optional()?,
    };
    Ok(status.is_some_and(EnrollmentStatus::is_enrolled))
}

/// The attempt `id` of `user`; anyone else's is not found.
pub fn own_attempt(conn: &mut DbConn, user: UserId, id: AttemptId) -> QueryResult<AttemptRow> {
    quiz_attempts::table
        .find(id)
        .filter(quiz_attempts::user_id.eq(user))
        .select(AttemptRow::as_select())
        .first(conn)
}

/// The course file and quiz an attempt was started from (an immutable published version).
pub fn source(
    conn: &mut DbConn,
    attempt: &AttemptRow,
    module_slug: &str,
) -> QueryResult<(Arc<CourseFile>, Quiz)> {
    let file = parsed_version(conn, attempt.version_id)?;
    // A published version never changes, so its quiz missing is corrupt data.
    let quiz = quiz_of(&file, module_slug).cloned().ok_or_else(|| {
        diesel::result::Error::DeserializationError(
            "attempt's quiz missing from its version".into(),
        )
    })?;
    Ok((file, quiz))
}

/// The snapshotted questions with their draws, in the order shown.
pub fn questions_of(quiz: &Quiz, snaps: &[Snapshot]) -> Vec<(Question, Draw, Snapshot)> {
    snaps
        .iter()
        .filter_map(|s| {
            quiz.questions
                .iter()
                .find(|q| q.id == s.key)
                .map(|q| (q.clone(), s.draw.clone(), s.clone()))
        })
        .collect()
}

/// Grades `saved` against the attempt's questions; responses are keyed by question id (UUID).
pub fn grade(
    questions: &[(Question, Draw, Snapshot)],
    saved: &BTreeMap<String, Value>,
) -> QuizGrade {
    let mut responses: BTreeMap<String, Response> = BTreeMap::new();
    for (q, _, snap) in questions {
        if let Some(raw) = saved.get(&snap.question_id.to_string()) {
            if let Ok(r) = parse_response(&q.kind, raw) {
                responses.insert(q.id.clone(), r);
            }
        }
    }
    let pairs: Vec<(Question, Draw)> = questions
        .iter()
        .map(|(q, d, _)| (q.clone(), d.clone()))
        .collect();
    grade_quiz(&pairs, &responses)
}

/// Closes an open attempt with `answers` and its grade, and returns the closed row; None when it
/// was no longer open (another request closed it first).
pub fn close(
    conn: &mut DbConn,
    ctx: &Ctx,
    attempt: &AttemptRow,
    quiz: &Quiz,
    answers: &BTreeMap<String, Value>,
    grade: &QuizGrade,
) -> Result<Option<AttemptRow>, ApiError> {
    let mut closed = attempt.clone();
    closed.status = grade.status();
    closed.answers = JsonValue::of(answers)?;
    closed.submitted_at = Some(Timestamp::now());
    closed.score = Some(grade.score);
    closed.max_score = Some(grade.max);
    closed.result = Some(JsonValue::of(grade)?);
    let statement = CloseAttempt { closed: &closed };
    let n = crate::per_backend!(conn, |c| statement.execute(c))?;
    if n != 1 {
        return Ok(None);
    }
    // The student's quiz result, mastery and course progress change in the same transaction.
    super::graded::grade_changed(conn, ctx, &closed, quiz, grade, Cause::Trainee)?;
    Ok(Some(closed))
}

/// Closes an attempt that is still open with its grade: `UPDATE quiz_attempts ... WHERE id = ..
/// AND status = 'open'`, one row or none (a parallel close won).
struct CloseAttempt<'a> {
    closed: &'a AttemptRow,
}

crate::prepared_statement!(fixed CloseAttempt, |this, out| {
    let a = this.closed;
    out.push_sql("UPDATE quiz_attempts SET ");
    crate::assignments!(out,
        "status": Text => &a.status,
        "answers": AnyJson => &a.answers,
        "submitted_at": Nullable<Ts> => &a.submitted_at,
        "score": Nullable<Double> => &a.score,
        "max_score": Nullable<Double> => &a.max_score,
        "result": Nullable<AnyJson> => &a.result,
    );
    out.push_sql(" WHERE id = ");
    out.push_bind_param::<Uid, _>(&a.id)?;
    out.push_sql(" AND status = ");
    // A constant so the word outlives the statement's walk, which borrows what it writes.
    let open = const { &crate::word!(AttemptStatus::Open) };
    diesel::query_builder::QueryFragment::walk_ast(open, out.reborrow())

});

/// Closes and grades `attempt` with its saved answers when its deadline has passed; returns the
/// current row either way.
pub fn settle(
    conn: &mut DbConn,
    ctx: &Ctx,
    attempt: AttemptRow,
    module_slug: &str,
) -> Result<AttemptRow, ApiError> {
    if attempt.status != AttemptStatus::Open || !attempt.expired(Timestamp::now()) {
        return Ok(attempt);
    }
    let (_, quiz) = source(conn, &attempt, module_slug)?;
    let questions = questions_of(&quiz, &attempt.snapshots()?);
    let saved = attempt.saved()?;
    match close(
        conn,
        ctx,
        &attempt,
        &quiz,
        &saved,
        &grade(&questions, &saved),
    )? {
        Some(closed) => Ok(closed),
        None => Ok(quiz_attempts::table
            .find(attempt.id)
            .select(AttemptRow::as_select())
            .first(conn)?),
    }
}

/// The newest attempt of `user` at `quiz_id` (id, number, status): one index entry however long
/// the history. Numbers run 1, 2, 3… per student and quiz, so its number is how many attempts
/// they made, and only it can be open (a new attempt starts once the one before has closed).
pub fn newest_attempt(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
) -> QueryResult<Option<(AttemptId, i32, AttemptStatus)>> {
    quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::user_id.eq(user))
        .order(quiz_attempts::number.desc())
        .select((
            quiz_attempts::id,
            quiz_attempts::number,
            quiz_attempts::status,
        ))
        .first(conn)
        .optional()
}

/// What a start needs to know (see [`start_state`]).
pub struct StartState {
    pub course: CourseRow,
    pub enrollment: EnrollmentStatus,
    /// The student's newest attempt at the quiz (id, number, status), as [`newest_attempt`].
    pub newest: Option<(AttemptId, i32, AttemptStatus)>,
}

/// What a start needs to know, read in one statement: the course of `quiz_id` (at `course_id`),
/// `user`'s enrollment status in it and their newest attempt at the quiz (see [`newest_attempt`]).
/// None when they have no enrollment row in the course (or the course is gone).
///
/// Unlocked: a start without an idempotency key needs no lock, because a parallel start of the
/// same attempt number is refused by the unique (quiz, student, number) index.
pub fn start_state(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
    course_id: CourseId,
) -> QueryResult<Option<StartState>> {
    use crate::schema::{courses, enrollments};
    let earlier = diesel::alias!(quiz_attempts as earlier);
    let newest_number = earlier
        .filter(earlier.field(quiz_attempts::quiz_id).eq(quiz_id))
        .filter(earlier.field(quiz_attempts::user_id).eq(user))
        .select(diesel::dsl::max(earlier.field(quiz_attempts::number)))
        .single_value();
    courses::table
        .inner_join(
            enrollments::table.on(enrollments::course_id
                .eq(courses::id)
                .and(enrollments::user_id.eq(user))),
        )
        .left_join(
            quiz_attempts::table.on(quiz_attempts::quiz_id
                .eq(quiz_id)
                .and(quiz_attempts::user_id.eq(user))
                .and(quiz_attempts::number.nullable().eq(newest_number))),
        )
        .filter(courses::id.eq(course_id))
        .select((
            CourseRow::as_select(),
            enrollments::status,
            (
                quiz_attempts::id,
                quiz_attempts::number,
                quiz_attempts::status,
            )
                .nullable(),
        ))
        .first::<(
            CourseRow,
            EnrollmentStatus,
            Option<(AttemptId, i32, AttemptStatus)>,
        )>(conn)
        .optional()
        .map(|row| {
            row.map(|(course, enrollment, newest)| StartState {
                course,
                enrollment,
                newest,
            })
        })
}

/// A new open attempt, before it is stored.
pub struct NewAttempt<'a> {
    pub id: AttemptId,
    pub quiz_id: ItemId,
    pub course_id: CourseId,
    pub version_id: VersionId,
    pub user_id: UserId,
    pub number: i32,
    pub seed: u64,
    pub snapshots: &'a [Snapshot],
    pub started_at: Timestamp,
    pub deadline: Option<Timestamp>,
}

/// Stores a new open attempt with no answers yet and returns its row as stored (built here, not
/// read back). A unique violation means a parallel start took the same attempt number.
pub fn insert_attempt(conn: &mut DbConn, new: &NewAttempt) -> QueryResult<AttemptRow> {
    let row = AttemptRow {
        id: new.id,
        quiz_id: new.quiz_id,
        course_id: new.course_id,
        version_id: new.version_id,
        user_id: new.user_id,
        number: new.number,
        status: AttemptStatus::Open,
        questions: JsonValue::of(&new.snapshots)?,
        answers: JsonValue(serde_json::json!({})),
        started_at: new.started_at,
        deadline: new.deadline,
        submitted_at: None,
        score: None,
        max_score: None,
        result: None,
    };
    diesel::insert_into(quiz_attempts::table)
        .values((
            quiz_attempts::id.eq(row.id),
            quiz_attempts::quiz_id.eq(row.quiz_id),
            quiz_attempts::course_id.eq(row.course_id),
            quiz_attempts::version_id.eq(row.version_id),
            quiz_attempts::user_id.eq(row.user_id),
            quiz_attempts::number.eq(row.number),
            quiz_attempts::status.eq(row.status),
            quiz_attempts::seed.eq(new.seed as i64),
            quiz_attempts::questions.eq(&row.questions),
            quiz_attempts::answers.eq(&row.answers),
            quiz_attempts::started_at.eq(row.started_at),
            quiz_attempts::deadline.eq(row.deadline),
        ))
        .execute(conn)?;
    Ok(row)
}

/// Replaces the saved answers of attempt `id` if it is still open; false when it was not.
pub fn save_answers_if_open(
    conn: &mut DbConn,
    id: AttemptId,
    saved: &BTreeMap<String, Value>,
) -> QueryResult<bool> {
    let n = diesel::update(
        quiz_attempts::table
            .find(id)
            .filter(quiz_attempts::status.eq(crate::word!(AttemptStatus::Open))),
    )
    .set(quiz_attempts::answers.eq(JsonValue::of(saved)?))
    .execute(conn)?;
    Ok(n == 1)
}

/// Up to `limit` attempts of `quiz_id` waiting for a hand grade, oldest submission first, with
/// the student's display name.
pub fn awaiting_grading(
    conn: &mut DbConn,
    quiz_id: ItemId,
    limit: i64,
) -> QueryResult<Vec<(AttemptRow, String)>> {
    use crate::schema::users;
    quiz_attempts::table
        .inner_join(users::table)
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::status.eq(crate::word!(AttemptStatus::NeedsGrading)))
        .order(quiz_attempts::submitted_at)
        .limit(limit)
        .select((AttemptRow::as_select(), users::display_name))
        .load(conn)
}

/// Every closed attempt of `quiz_id`, of every student.
pub fn closed_attempts(conn: &mut DbConn, quiz_id: ItemId) -> QueryResult<Vec<AttemptRow>> {
    quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
        .select(AttemptRow::as_select())
        .load(conn)
}

/// One changed question score, for the audit trail of grades.
pub struct GradeEvent<'a> {
    pub attempt_id: AttemptId,
    pub actor_id: UserId,
    pub question_key: &'a str,
    pub old_score: f64,
    pub new_score: f64,
    pub comment: &'a str,
}

/// Appends a changed question score to the attempt's audit trail.
pub fn record_grade_event(conn: &mut DbConn, event: &GradeEvent) -> QueryResult<()> {
    use crate::schema::attempt_grade_events;
    diesel::insert_into(attempt_grade_events::table)
        .values((
            attempt_grade_events::id.eq(Id::new()),
            attempt_grade_events::attempt_id.eq(event.attempt_id),
            attempt_grade_events::actor_id.eq(event.actor_id),
            attempt_grade_events::question_key.eq(event.question_key),
            attempt_grade_events::old_score.eq(event.old_score),
            attempt_grade_events::new_score.eq(event.new_score),
            attempt_grade_events::comment.eq(event.comment),
            attempt_grade_events::created_at.eq(Timestamp::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// A student's stored standing at a quiz, with the time their results there stay hidden until;
/// `None` before any attempt of theirs closed.
pub fn standing(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
) -> QueryResult<Option<(Standing, Option<Timestamp>)>> {
    let row: Option<StoredResult> = quiz_results::table
        .find((user, quiz_id))
        .select(RESULT_COLUMNS)
        .first(conn)
        .optional()?;
    Ok(row.map(|r| (r.standing(), r.hidden_until)))
}

/// Every closed attempt of `user` at `quiz_id` in the order taken: `Some(share)` when graded,
/// `None` while it waits for a hand grade. Reads the whole history: only for a changed grade.
pub fn closed_shares_in_order(
    conn: &mut DbConn,
    user: UserId,
    quiz_id: ItemId,
) -> QueryResult<Vec<Option<f64>>> {
    let rows: Vec<(AttemptStatus, Option<f64>, Option<f64>)> = quiz_attempts::table
        .filter(quiz_attempts::quiz_id.eq(quiz_id))
        .filter(quiz_attempts::user_id.eq(user))
        .filter(quiz_attempts::status.ne(crate::word!(AttemptStatus::Open)))
        .order(quiz_attempts::number)
        .select((
            quiz_attempts::status,
            quiz_attempts::score,
            quiz_attempts::max_score,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(status, score, max)| match (status, score, max) {
            (AttemptStatus::Graded, Some(s), Some(m)) if m > 0.0 => Some((s / m).clamp(0.0, 1.0)),
            (AttemptStatus::Graded, ..) => Some(0.0),
            _ => None,
        })
        .collect())
}

/// A student's standing and result at a quiz, to store.
pub struct StandingRow {
    pub user: UserId,
    pub quiz_id: ItemId,
    pub course_id: CourseId,
    pub standing: Standing,
    /// The result by the quiz's grading method.
    pub share: Option<f64>,
    pub passing_score: f64,
    pub hidden_until: Option<Timestamp>,
}

impl StandingRow {
    /// Whether the result reaches the quiz's passing score.
    pub fn passed(&self) -> bool {
        self.share.is_some_and(|v| v + 1e-9 >= self.passing_score)
    }
}

/// The write of a student's standing and result at a quiz (one upsert, kept prepared), for the
/// caller's batch.
pub fn save_standing(row: &StandingRow) -> impl crate::db::batch::Write + '_ {
    SaveStanding {
        row,
        passed: row.passed(),
        now: Timestamp::now(),
    }
}

/// The upsert of [`save_standing`]: a new result row, or the stored one with every figure
/// replaced.
struct SaveStanding<'a> {
    row: &'a StandingRow,
    passed: bool,
    now: Timestamp,
}

crate::prepared_statement!(fixed SaveStanding, |this, out| {
    let (r, s) = (this.row, &this.row.standing);
    out.push_sql(
        "INSERT INTO quiz_results (user_id, quiz_id, course_id, share, passed, attempts_graded, \
         pending, shares_sum, best_share, first_share, last_share, hidden_until, updated_at) \
         VALUES (",
    );
    crate::binds!(out,
        Uid => &r.user,
        Uid => &r.quiz_id,
        Uid => &r.course_id,
        Nullable<Double> => &r.share,
        Bool => &this.passed,
        Integer => &s.graded,
        Integer => &s.pending,
        Double => &s.sum,
        Nullable<Double> => &s.best,
        Nullable<Double> => &s.first,
        Nullable<Double> => &s.last,
        Nullable<Ts> => &r.hidden_until,
        Ts => &this.now,
    );
    out.push_sql(
        ") ON CONFLICT (user_id, quiz_id) DO UPDATE SET share = excluded.share, \
         passed = excluded.passed, attempts_graded = excluded.attempts_graded, \
         pending = excluded.pending, shares_sum = excluded.shares_sum, \
         best_share = excluded.best_share, first_share = excluded.first_share, \
         last_share = excluded.last_share, hidden_until = excluded.hidden_until, \
         updated_at = excluded.updated_at",
    );
    Ok(())
});
