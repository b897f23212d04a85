//! The catalog: listing and searching courses, one course's outline, and reading a lesson.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};
use diesel::prelude::*;

use super::access;
use super::dto::*;
use super::store::{self, item_id, lesson_path, CourseRow};
use super::views;
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::db::sql_types::Id;
use crate::db::{self, DbConn};
use crate::domain::LanguageTag;
use crate::error::{ApiError, ApiResult, Problem};
use crate::orgs::access::is_platform_admin;
use crate::pagination::{self, parse_page};
use crate::schema::{
    course_competencies, course_instructors, course_items, course_markets, course_search, courses,
    memberships,
};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_list_courses, list_courses)
        .add(__path_get_course, get_course)
        .add(__path_get_lesson, get_lesson);
}

/// Search words: lowercased, at most 8, each at most 64 characters.
fn search_terms(q: &str) -> Vec<String> {
    q.split_whitespace()
        .take(8)
        .map(|w| w.to_lowercase().chars().take(64).collect::<String>())
        .collect()
}

/// `term` as a LIKE pattern, and whether it needs an ESCAPE clause: only a word holding `%`, `_`
/// or `\` does (they stay plain characters). The common case goes without, because an ESCAPE
/// clause keeps SQLite's trigram index from serving the LIKE.
fn like_pattern(term: &str) -> (String, bool) {
    if term.contains(['%', '_', '\\']) {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        (format!("%{escaped}%"), true)
    } else {
        (format!("%{term}%"), false)
    }
}

#[utoipa::path(get, path = "/api/v1/courses", tag = "catalog", params(CatalogQuery),
    responses((status = 200, body = inline(pagination::Page<CourseSummary>)), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn list_courses(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    query: web::Query<CatalogQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let page = parse_page(query.limit, query.cursor.as_deref())?;
    let status = query.status.clone().unwrap_or_else(|| "published".into());
    if !["published", "draft", "archived"].contains(&status.as_str()) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "status must be published, draft or archived",
        ));
    }
    if let Some(level) = &query.level {
        if !["beginner", "intermediate", "advanced"].contains(&level.as_str()) {
            return Err(ApiError::bad_request(
                "invalid_query",
                "level must be beginner, intermediate or advanced",
            ));
        }
    }
    let language = query
        .language
        .as_deref()
        .map(LanguageTag::parse)
        .transpose()
        .map_err(|m| ApiError::bad_request("invalid_query", format!("language {m}")))?;
    let market = query.market.as_deref().map(str::to_ascii_uppercase);
    if let Some(q) = &query.q {
        crate::domain::no_control_chars(q)
            .map_err(|m| ApiError::bad_request("invalid_query", format!("q {m}")))?;
    }
    let terms = query.q.as_deref().map(search_terms).unwrap_or_default();
    let caller = user.0.map(|u| u.id);
    let header_preference = preferred_languages(&req, None);
    let rows = db::run(&state.pool, move |conn| {
        // The reader's locale matters only when no language is asked for.
        let locale: Option<String> = match caller.filter(|_| language.is_none()) {
            Some(id) => crate::schema::users::table
                .find(id)
                .select(crate::schema::users::locale)
                .first(conn)
                .optional()?,
            None => None,
        };
        let preference: Vec<String> = locale.into_iter().chain(header_preference).collect();
        let mut q = courses::table
            .filter(courses::status.eq(&status))
            .select(CourseRow::as_select())
            .order(courses::id)
            .limit(page.limit + 1)
            .into_boxed();
        let admin = match caller {
            Some(id) => is_platform_admin(conn, id)?,
            None => false,
        };
        if status == "published" {
            // Platform-wide courses for everyone; an organization's own courses for its members.
            match caller {
                Some(id) if !admin => {
                    let mine = memberships::table
                        .filter(memberships::user_id.eq(id))
                        .select(memberships::org_id);
                    q = q.filter(
                        courses::org_id
                            .is_null()
                            .or(courses::org_id.eq_any(mine.nullable())),
                    );
                }
                Some(_) => {}
                None => q = q.filter(courses::org_id.is_null()),
            }
        } else if !admin {
            // Drafts and archived courses: only the caller's own.
            let Some(id) = caller else {
                return Err(ApiError::unauthorized(
                    "invalid_token",
                    "Sign in to list drafts.",
                ));
            };
            let co = course_instructors::table
                .filter(course_instructors::user_id.eq(id))
                .select(course_instructors::course_id);
            q = q.filter(courses::owner_id.eq(id).or(courses::id.eq_any(co)));
        }
        if let Some(code) = &query.competency {
            let ids = course_competencies::table
                .filter(course_competencies::code.eq(code.clone()))
                .select(course_competencies::course_id);
            q = q.filter(courses::id.eq_any(ids));
        }
        if let Some(country) = &market {
            let ids = course_markets::table
                .filter(course_markets::country.eq(country.clone()))
                .select(course_markets::course_id);
            q = q.filter(courses::id.eq_any(ids));
        }
        if let Some(tag) = &language {
            let tag = tag.as_str().to_owned();
            q = q.filter(
                courses::language
                    .eq(tag.clone())
                    .or(courses::language.like(format!("{tag}-%"))),
            );
        }
        if let Some(level) = &query.level {
            q = q.filter(courses::level.eq(level.clone()));
        }
        for term in &terms {
            // Course text and lesson text, through the trigram-indexed search table.
            let (pattern, escaped) = like_pattern(term);
            if escaped {
                let matching = course_search::table
                    .filter(course_search::body.like(pattern).escape('\\'))
                    .select(course_search::course_id);
                q = q.filter(courses::id.eq_any(matching));
            } else {
                let matching = course_search::table
                    .filter(course_search::body.like(pattern))
                    .select(course_search::course_id);
                q = q.filter(courses::id.eq_any(matching));
            }
        }
        if status != "published" {
            // An author's own drafts and archived courses: each edition is its own piece of work.
            if let Some(after) = page.after {
                q = q.filter(courses::id.gt(after));
            }
            let rows: Vec<CourseRow> = q.load(conn)?;
            return Ok(views::summaries(conn, rows)?);
        }
        // The published catalog has one entry per course: the groups with an edition that
        // matches the filters, in course order, then the edition each shows.
        if let Some(after) = page.after {
            q = q.filter(courses::course_key.gt(after));
        }
        let keys: Vec<Id> = q
            .select(courses::course_key)
            .distinct()
            .order(courses::course_key)
            .limit(page.limit + 1)
            .load(conn)?;
        let editions: Vec<CourseRow> = courses::table
            .filter(courses::course_key.eq_any(&keys))
            .filter(courses::status.eq("published"))
            .select(CourseRow::as_select())
            .order((courses::course_key, courses::id))
            .load(conn)?;
        let visible_orgs: Vec<Id> = match caller {
            Some(id) if !admin => memberships::table
                .filter(memberships::user_id.eq(id))
                .select(memberships::org_id)
                .load(conn)?,
            _ => Vec::new(),
        };
        let visible = |c: &CourseRow| match c.org_id {
            None => true,
            Some(org) => admin || visible_orgs.contains(&org),
        };
        let preferred: Vec<String> = match &language {
            Some(tag) => vec![tag.as_str().to_owned()],
            None => preference,
        };
        let mut chosen = Vec::with_capacity(keys.len());
        let mut groups = Vec::with_capacity(keys.len());
        for key in &keys {
            let group: Vec<&CourseRow> = editions
                .iter()
                .filter(|c| c.course_key == *key && visible(c))
                .collect();
            let Some(pick) = pick_edition(&group, &preferred, language.is_some()) else {
                continue;
            };
            chosen.push(pick.clone());
            groups.push(
                group
                    .iter()
                    .map(|c| EditionRef {
                        id: c.id,
                        language: c.language.clone(),
                        original: c.course_key == c.id,
                    })
                    .collect::<Vec<_>>(),
            );
        }
        let mut summaries = views::summaries(conn, chosen)?;
        for (summary, editions) in summaries.iter_mut().zip(groups) {
            summary.languages = editions.iter().map(|e| e.language.clone()).collect();
            summary.editions = editions;
        }
        Ok(summaries)
    })
    .await?;
    Ok(pagination::respond(&req, rows, page, |c| c.course_key))
}

/// The edition of a course to show: the first in `preferred` languages (an exact tag, or the
/// same primary language: `zh` matches `zh-CN`), else the original, else any. With `strict` (a
/// `language=` filter) only a matching edition will do.
fn pick_edition<'a>(
    group: &[&'a CourseRow],
    preferred: &[String],
    strict: bool,
) -> Option<&'a CourseRow> {
    let primary = |tag: &str| tag.split('-').next().unwrap_or("").to_ascii_lowercase();
    for want in preferred {
        let exact = group.iter().find(|c| c.language.eq_ignore_ascii_case(want));
        let close = || group.iter().find(|c| primary(&c.language) == primary(want));
        if let Some(c) = exact.or_else(close) {
            return Some(c);
        }
    }
    if strict {
        return None;
    }
    group
        .iter()
        .find(|c| c.course_key == c.id)
        .or_else(|| group.first())
        .copied()
}

/// The languages a reader prefers, most preferred first: the signed-in user's locale, then the
/// `Accept-Language` header (by its q-values).
fn preferred_languages(req: &HttpRequest, locale: Option<String>) -> Vec<String> {
    let mut out: Vec<String> = locale.into_iter().collect();
    if let Some(header) = req
        .headers()
        .get(actix_web::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    {
        let mut tags: Vec<(f32, String)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                if tag.is_empty() || tag == "*" {
                    return None;
                }
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then(|| (q, tag.to_owned()))
            })
            .take(8)
            .collect();
        tags.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.extend(tags.into_iter().map(|(_, t)| t));
    }
    out
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// `draft` shows an author the draft instead of the published version.
    pub version: Option<String>,
}

/// The version a caller reads: the draft for an author who asks for it (or when nothing is
/// published yet), else the published one.
pub(crate) fn version_for(
    conn: &mut DbConn,
    user: Option<Id>,
    course: &CourseRow,
    want_draft: bool,
) -> Result<Id, ApiError> {
    let author = match user {
        Some(u) => access::is_author(conn, u, course)?,
        None => false,
    };
    let version = if author && (want_draft || course.published_version_id.is_none()) {
        store::working_version(course)
    } else {
        course.published_version_id
    };
    version.ok_or(ApiError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}", tag = "catalog", params(("course_id" = String, Path), VersionQuery),
    responses((status = 200, body = CourseView), (status = 404, body = Problem)))]
pub async fn get_course(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    path: web::Path<Id>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let want_draft = match query.version.as_deref() {
        None | Some("published") => false,
        Some("draft") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                "version must be draft or published",
            ))
        }
    };
    let caller = user.0.map(|u| u.id);
    let view = db::run(&state.pool, move |conn| {
        let course = access::viewable(conn, caller, course_id)?;
        let version = version_for(conn, caller, &course, want_draft)?;
        views::course_view(conn, course, version)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(get, path = "/api/v1/lessons/{lesson_id}", tag = "catalog", security(("bearer" = [])),
    params(("lesson_id" = String, Path), VersionQuery),
    responses((status = 200, body = LessonView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<Id>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let lesson_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let lesson = db::run(&state.pool, move |conn| {
        let course_id: Id = course_items::table
            .find(lesson_id)
            .filter(course_items::kind.eq("lesson"))
            .select(course_items::course_id)
            .first(conn)?;
        let course = access::viewable(conn, Some(user.id), course_id)?;
        // Lesson text is for the course's authors and its enrolled trainees (who read the
        // published version).
        let author = access::is_author(conn, user.id, &course)?;
        if !author && !crate::courses::access::is_enrolled(conn, user.id, course_id)? {
            return Err(ApiError::NotFound);
        }
        let version = version_for(conn, Some(user.id), &course, want_draft && author)?;
        let (_, files) = store::version_files(conn, version)?;
        let file = store::parse_stored(&files)?;
        file.modules
            .iter()
            .flat_map(|m| m.lessons.iter().map(move |l| (m, l)))
            .find(|(m, l)| {
                item_id(course_id, &lesson_path(&m.module.slug, &l.lesson.slug)) == lesson_id
            })
            .map(|(m, l)| LessonView {
                id: lesson_id,
                course_id,
                module_id: item_id(course_id, &store::module_path(&m.module.slug)),
                position: l.position,
                slug: l.lesson.slug.clone(),
                title: l.lesson.title.clone(),
                minutes: l.lesson.minutes,
                competencies: l.lesson.competencies.clone(),
                html: super::lesson_html::lesson_html(&l.body),
                body: l.body.clone(),
            })
            .ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(lesson))
}
