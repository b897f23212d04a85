//! The progress endpoints: completing a lesson, and a trainee's own progress (all courses, or one
//! course per module, lesson and quiz) with their competency mastery and market readiness, read
//! from the figures and facts the store finds and shaped here.
//!
//! Quiz results follow each quiz's review policy here as everywhere: while a student may not see
//! an attempt's score, their progress shows the quiz as submitted without share or pass, and every
//! figure that would reveal it (percent, quizzes passed, module and course completion, mean score,
//! competency levels) is computed as if the quiz had no result yet (see `visibility`).

use crate::api_routes::ApiRoutes;
use std::collections::{BTreeMap, BTreeSet};

use actix_web::{web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::mastery::{self, AreaMastery, CompetencyLevel, MarketReadiness};
use super::progress::{self, published_file};
use super::store::{self, CourseActivity, EnrollmentFigures};
use super::visibility::{hidden_among, hidden_results, student_figures, without_hidden, Hidden};
use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::access::is_enrolled;
use crate::courses::content::locate;
use crate::courses::format::CourseFile;
use crate::courses::store::{item_id, lesson_path, module_path, parsed_version, quiz_path};
use crate::db::sql_types::{AttemptId, CourseId, ItemId, Timestamp, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_complete_lesson, complete_lesson)
        .add(__path_my_progress, my_progress)
        .add(__path_my_course_progress, my_course_progress);
}

/// The course-level figures of one enrollment.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseProgress {
    #[schema(value_type = String, format = Uuid)]
    pub course_id: CourseId,
    pub title: String,
    /// active | completed | withdrawn
    pub status: String,
    /// 0..=100: lessons done and quizzes completed (passed, or graded under a min_score rule).
    pub percent: f64,
    /// Mean quiz result 0..=1 (absent before any result, or while a quiz's result is hidden).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub lessons_done: i32,
    pub lessons_total: i32,
    pub quizzes_passed: i32,
    pub quizzes_total: i32,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_activity_at: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyProgress {
    pub code: String,
    #[serde(flatten)]
    pub level: CompetencyLevel,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyProgress {
    pub courses: Vec<CourseProgress>,
    /// Every competency with evidence.
    pub competencies: Vec<CompetencyProgress>,
    pub areas: Vec<AreaMastery>,
    /// Readiness for each of the trainee's target markets.
    pub markets: Vec<MarketReadiness>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonProgress {
    #[schema(value_type = String, format = Uuid)]
    pub lesson_id: ItemId,
    pub title: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub completed_at: Option<Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuizProgress {
    #[schema(value_type = String, format = Uuid)]
    pub quiz_id: ItemId,
    pub title: String,
    /// not_attempted | in_progress | needs_grading | graded | submitted (result not yet shown)
    pub status: String,
    pub attempts: usize,
    /// The attempt in progress, to resume it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub open_attempt_id: Option<AttemptId>,
    /// The result by the quiz's grading method, when the review policy shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    pub passing_score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ModuleProgress {
    #[schema(value_type = String, format = Uuid)]
    pub module_id: ItemId,
    pub title: String,
    /// Every lesson done and the quiz (if any) passed.
    pub completed: bool,
    pub lessons: Vec<LessonProgress>,
    pub quiz: Option<QuizProgress>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CourseProgressDetail {
    #[serde(flatten)]
    pub course: CourseProgress,
    pub modules: Vec<ModuleProgress>,
    /// The trainee's level in each competency the course teaches or assesses.
    pub competencies: Vec<CompetencyProgress>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LessonCompleted {
    #[schema(value_type = String, format = Uuid)]
    pub lesson_id: ItemId,
    #[schema(value_type = String, format = DateTime)]
    pub completed_at: Timestamp,
    pub course: CourseProgress,
}

fn course_view(row: EnrollmentFigures) -> CourseProgress {
    CourseProgress {
        course_id: row.course_id,
        title: row.title,
        status: row.status,
        percent: row.percent,
        score: row.score,
        lessons_done: row.lessons_done,
        lessons_total: row.lessons_total,
        quizzes_passed: row.quizzes_passed,
        quizzes_total: row.quizzes_total,
        last_activity_at: row.last_activity_at,
        completed_at: row.completed_at,
    }
}

/// `user`'s course figures (in `course` only, when given) as stored, newest enrollment first.
fn course_rows(
    conn: &mut DbConn,
    user: UserId,
    course: Option<CourseId>,
) -> ApiResult<Vec<CourseProgress>> {
    let rows = store::enrollment_figures(conn, user, course)?;
    Ok(rows.into_iter().map(course_view).collect())
}

/// Applies the student's view to their stored course figures: a course with a hidden result is
/// shown as if that quiz had no result yet (see `visibility`).
fn as_student_sees(
    conn: &mut DbConn,
    user: UserId,
    courses: &mut [CourseProgress],
    hidden: &Hidden,
) -> ApiResult<()> {
    for c in courses.iter_mut() {
        let Some(f) = student_figures(conn, user, c.course_id, hidden)? else {
            continue;
        };
        c.percent = f.percent;
        c.quizzes_passed = f.quizzes_passed;
        c.score = None;
        if c.status == "completed" && !f.complete {
            c.status = "active".into();
            c.completed_at = None;
        }
    }
    Ok(())
}

fn competency_list(
    levels: &BTreeMap<String, CompetencyLevel>,
    only: Option<&BTreeSet<String>>,
) -> Vec<CompetencyProgress> {
    match only {
        None => levels
            .iter()
            .map(|(code, level)| CompetencyProgress {
                code: code.clone(),
                level: *level,
            })
            .collect(),
        Some(codes) => codes
            .iter()
            .map(|code| CompetencyProgress {
                code: code.clone(),
                level: levels.get(code).copied().unwrap_or(CompetencyLevel {
                    level: 0.0,
                    mastered: false,
                    evidence: 0,
                }),
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/lessons/{lesson_id}/complete", tag = "learning", security(("bearer" = [])),
    params(("lesson_id" = String, Path)),
    responses((status = 200, body = LessonCompleted, description = "Recorded (again: the first completion time is kept)"),
        (status = 403, body = Problem, description = "Not enrolled"), (status = 404, body = Problem)))]
pub async fn complete_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let lesson_id = path.into_inner();
    let ctx = state.progress_ctx();
    let done = db::transaction(&state.pool, move |conn| {
        let (course_id, _) = locate(conn, lesson_id, "lesson")?;
        access::viewable(conn, Some(user.id), course_id)?;
        // Only lessons of the published version count (a draft's new lesson is not there yet).
        let file = published_file(conn, course_id)?.ok_or(ApiError::NotFound)?;
        if !progress::items_of(course_id, &file).0.contains(&lesson_id) {
            return Err(ApiError::NotFound);
        }
        if !is_enrolled(conn, user.id, course_id)? {
            return Err(ApiError::Forbidden);
        }
        let at = progress::complete_lesson(conn, &ctx, user.id, course_id, lesson_id)?;
        let mut course = course_rows(conn, user.id, Some(course_id))?;
        let hidden = hidden_results(conn, user.id, Some(course_id))?;
        as_student_sees(conn, user.id, &mut course, &hidden)?;
        Ok(LessonCompleted {
            lesson_id,
            completed_at: at,
            course: course.pop().ok_or(ApiError::NotFound)?,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(done))
}

#[utoipa::path(get, path = "/api/v1/me/progress", tag = "learning", security(("bearer" = [])),
    responses((status = 200, body = MyProgress), (status = 401, body = Problem)))]
pub async fn my_progress(state: web::Data<AppState>, user: AuthUser) -> ApiResult<HttpResponse> {
    let view = db::run(&state.pool, move |conn| {
        let store::ProgressOverview {
            courses: rows,
            levels,
            targets,
        } = store::progress_overview(conn, user.id)?;
        // Most students have nothing hidden: then the flags were all the check costs.
        let hidden = if rows.iter().any(|(_, hidden_here)| *hidden_here) {
            hidden_results(conn, user.id, None)?
        } else {
            Hidden::default()
        };
        let mut courses: Vec<CourseProgress> =
            rows.into_iter().map(|(row, _)| course_view(row)).collect();
        as_student_sees(conn, user.id, &mut courses, &hidden)?;
        let levels = without_hidden(conn, user.id, &hidden, levels)?;
        Ok(MyProgress {
            courses,
            competencies: competency_list(&levels, None),
            areas: mastery::area_summaries(&levels),
            markets: targets
                .iter()
                .filter_map(|c| mastery::market_readiness(&levels, c))
                .collect(),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Per module: lessons with their completion and the quiz with the student's visible result.
fn modules_of(
    activity: &CourseActivity,
    course_id: CourseId,
    file: &CourseFile,
    hidden: &Hidden,
) -> Vec<ModuleProgress> {
    let attempts_of = |quiz_id: ItemId| -> BTreeMap<&str, usize> {
        activity
            .attempt_counts
            .iter()
            .filter(|(q, _, _)| *q == quiz_id)
            .map(|(_, status, n)| (status.as_str(), usize::try_from(*n).unwrap_or(usize::MAX)))
            .collect()
    };
    let mut modules = Vec::new();
    for m in &file.modules {
        let lessons: Vec<LessonProgress> = m
            .lessons
            .iter()
            .map(|l| {
                let id = item_id(course_id, &lesson_path(&m.module.slug, &l.lesson.slug));
                LessonProgress {
                    lesson_id: id,
                    title: l.lesson.title.clone(),
                    completed_at: activity.lessons_done.get(&id).copied(),
                }
            })
            .collect();
        let quiz = match &m.quiz {
            None => None,
            Some(quiz) => {
                let quiz_id = item_id(course_id, &quiz_path(&m.module.slug));
                let mine = attempts_of(quiz_id);
                let visible = !hidden.quizzes.contains(&quiz_id);
                let result = activity.results.get(&quiz_id).copied();
                let status = if mine.contains_key("open") {
                    "in_progress"
                } else if mine.is_empty() {
                    "not_attempted"
                } else if !visible {
                    "submitted"
                } else if mine.contains_key("needs_grading") {
                    "needs_grading"
                } else {
                    "graded"
                };
                let shown = result.filter(|_| visible);
                Some(QuizProgress {
                    quiz_id,
                    title: quiz.settings.title.clone(),
                    status: status.to_owned(),
                    attempts: mine.values().sum(),
                    open_attempt_id: activity.open_attempts.get(&quiz_id).copied(),
                    share: shown.and_then(|(s, _)| s),
                    passed: shown.filter(|(s, _)| s.is_some()).map(|(_, p)| p),
                    passing_score: quiz.settings.passing_score,
                })
            }
        };
        // A hidden result counts as no result yet, here as in the course figures.
        let quiz_id = item_id(course_id, &quiz_path(&m.module.slug));
        let quiz_passed = m.quiz.is_none()
            || (!hidden.quizzes.contains(&quiz_id)
                && activity.results.get(&quiz_id).is_some_and(|(_, p)| *p));
        modules.push(ModuleProgress {
            module_id: item_id(course_id, &module_path(&m.module.slug)),
            title: m.module.title.clone(),
            completed: lessons.iter().all(|l| l.completed_at.is_some()) && quiz_passed,
            lessons,
            quiz,
        });
    }
    modules
}

#[utoipa::path(get, path = "/api/v1/me/courses/{course_id}/progress", tag = "learning", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 200, body = CourseProgressDetail), (status = 404, body = Problem, description = "Not enrolled in this course")))]
pub async fn my_course_progress(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let view = db::run(&state.pool, move |conn| {
        // Figures, version and levels in one read; the course's activity in one more.
        let stored = store::course_figures_and_levels(conn, user.id, course_id)?
            .ok_or(ApiError::NotFound)?;
        let activity = store::course_activity(conn, user.id, course_id)?;
        let hidden = hidden_among(conn, user.id, &activity.hidden_quizzes, Timestamp::now())?;
        let mut course = vec![course_view(stored.figures)];
        as_student_sees(conn, user.id, &mut course, &hidden)?;
        let course = course.pop().ok_or(ApiError::NotFound)?;
        let version = stored.published_version.ok_or(ApiError::NotFound)?;
        let file = parsed_version(conn, version)?;
        let modules = modules_of(&activity, course_id, &file, &hidden);
        let mut codes: BTreeSet<String> = file.course.competencies.iter().cloned().collect();
        for m in &file.modules {
            for l in &m.lessons {
                codes.extend(l.lesson.competencies.iter().cloned());
            }
            for q in m.quiz.iter().flat_map(|q| &q.questions) {
                codes.extend(q.competencies.iter().cloned());
            }
        }
        let levels = without_hidden(conn, user.id, &hidden, stored.levels)?;
        Ok(CourseProgressDetail {
            course,
            modules,
            competencies: competency_list(&levels, Some(&codes)),
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
