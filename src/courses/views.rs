//! Builds response views of courses from their rows and parsed files. Answer keys never appear
//! here: outlines carry titles and counts only.

use diesel::prelude::*;

use super::dto::*;
use super::format::ModuleFile;
use super::store::{self, item_id, lesson_path, module_path, quiz_path, CourseRow};
use crate::db::sql_types::{CourseId, VersionId};
use crate::db::DbConn;
use crate::error::ApiError;
use crate::schema::{course_competencies, course_markets};

/// Summaries for a page of course rows, with their competencies and markets in two queries.
pub fn summaries(conn: &mut DbConn, rows: Vec<CourseRow>) -> QueryResult<Vec<CourseSummary>> {
    let ids: Vec<CourseId> = rows.iter().map(|r| r.id).collect();
    let comps: Vec<(CourseId, String)> = course_competencies::table
        .filter(course_competencies::course_id.eq_any(&ids))
        .order((course_competencies::course_id, course_competencies::code))
        .select((course_competencies::course_id, course_competencies::code))
        .load(conn)?;
    let markets: Vec<(CourseId, String)> = course_markets::table
        .filter(course_markets::course_id.eq_any(&ids))
        .order((course_markets::course_id, course_markets::country))
        .select((course_markets::course_id, course_markets::country))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| CourseSummary {
            competencies: comps
                .iter()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, c)| c.clone())
                .collect(),
            markets: markets
                .iter()
                .filter(|(id, _)| *id == r.id)
                .map(|(_, c)| c.clone())
                .collect(),
            id: r.id,
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            level: r.level,
            estimated_hours: r.estimated_hours,
            status: r.status.as_str().to_owned(),
            org_id: r.org_id,
            course_key: r.course_key,
            languages: vec![r.language.clone()],
            language: r.language,
            editions: Vec::new(),
        })
        .collect())
}

pub fn module_view(course_id: CourseId, m: &ModuleFile) -> ModuleView {
    let slug = &m.module.slug;
    ModuleView {
        id: item_id(course_id, &module_path(slug)),
        course_id,
        position: m.position,
        slug: slug.clone(),
        title: m.module.title.clone(),
        summary: m.module.summary.clone(),
        lessons: m
            .lessons
            .iter()
            .map(|l| LessonOutline {
                id: item_id(course_id, &lesson_path(slug, &l.lesson.slug)),
                slug: l.lesson.slug.clone(),
                title: l.lesson.title.clone(),
                minutes: l.lesson.minutes,
                competencies: l.lesson.competencies.clone(),
            })
            .collect(),
        quiz: m.quiz.as_ref().map(|q| QuizOutline {
            id: item_id(course_id, &quiz_path(slug)),
            slug: q.settings.slug.clone(),
            title: q.settings.title.clone(),
            question_count: q.questions.len(),
            passing_score: q.settings.passing_score,
            time_limit_minutes: q.settings.time_limit_minutes,
            attempt_limit: q.settings.attempt_limit,
        }),
    }
}

/// The full view of `course` as of the version `version_id`.
pub fn course_view(
    conn: &mut DbConn,
    course: CourseRow,
    version_id: VersionId,
) -> Result<CourseView, ApiError> {
    let (version, file) = if course.published_version_id == Some(version_id) {
        let number = store::version_number(conn, version_id)?;
        (number, store::parsed_version(conn, version_id)?)
    } else {
        let (number, files) = store::version_files(conn, version_id)?;
        (number, std::sync::Arc::new(store::parse_stored(&files)?))
    };
    let authors = store::authors(conn, &course)?;
    let has_draft = course.draft_version_id.is_some();
    let (owner_id, published_at) = (course.owner_id, course.published_at);
    let course_id = course.id;
    let mut summary = summaries(conn, vec![course])?
        .pop()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("course summary missing")))?;
    // The summary's catalog fields follow the published version; the view shows `version`'s.
    let c = &file.course;
    summary.title = c.title.clone();
    summary.summary = c.summary.clone();
    summary.language = c.language.clone();
    summary.level = c.level.as_str().to_owned();
    summary.estimated_hours = c.estimated_hours;
    summary.competencies = c.competencies.clone();
    summary.markets = c.markets.clone();
    Ok(CourseView {
        summary,
        prerequisites: c.prerequisites.clone(),
        completion: c.completion.as_str().to_owned(),
        min_score: c.min_score,
        owner_id,
        co_instructor_ids: authors
            .into_iter()
            .filter(|a| Some(*a) != owner_id)
            .collect(),
        version,
        has_draft,
        published_at,
        modules: file
            .modules
            .iter()
            .map(|m| module_view(course_id, m))
            .collect(),
    })
}
