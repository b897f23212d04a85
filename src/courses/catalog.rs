//! The catalog: listing and searching courses, one course's outline, and reading a lesson.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpRequest, HttpResponse};

use super::access;
use super::dto::*;
use super::store::catalog::{self as catalog_store, CatalogFilter, CatalogRows};
use super::store::{self, item_id, lesson_path, CourseRow};
use super::views;
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::db::sql_types::{CourseId, ItemId, UserId, VersionId};
use crate::db::status::CourseStatus;
use crate::db::{self, DbConn};
use crate::domain::LanguageTag;
use crate::error::{ApiError, ApiResult, Problem};
use crate::pagination::{self, parse_page};
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
    let status = match query.status.as_deref() {
        None => CourseStatus::Published,
        Some(s) => CourseStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                "status must be published, draft or archived",
            )
        })?,
    };
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
    let terms: Vec<(String, bool)> = query
        .q
        .as_deref()
        .map(search_terms)
        .unwrap_or_default()
        .iter()
        .map(|term| like_pattern(term))
        .collect();
    let caller = user.0.map(|u| u.id);
    if status != CourseStatus::Published && caller.is_none() {
        return Err(ApiError::unauthorized(
            "invalid_token",
            "Sign in to list drafts.",
        ));
    }
    let header_preference = preferred_languages(&req, None);
    let cache = state.clone();
    let rows = db::run(&state.pool, move |conn| {
        let reader = catalog_store::reader(conn, caller)?;
        // The reader's locale matters only when no language is asked for.
        let locale = reader.locale.clone().filter(|_| language.is_none());
        let preference: Vec<String> = locale.into_iter().chain(header_preference).collect();
        let admin = reader.admin();
        let visible_orgs = reader.orgs();
        // A published page without search words depends only on the filters and the reader's
        // organizations and languages: built once per catalog generation.
        let cache_key = (status == CourseStatus::Published && terms.is_empty()).then(|| {
            format!(
                "courses?competency={:?}&market={:?}&language={:?}&level={:?}&after={:?}&limit={}|admin={admin}|orgs={:?}|prefer={:?}",
                query.competency, market, language.as_ref().map(|t| t.as_str().to_owned()),
                query.level, page.after, page.limit, visible_orgs,
                if language.is_none() { preference.as_slice() } else { &[] },
            )
        });
        if let Some(hit) = cache_key
            .as_deref()
            .and_then(|key| cache.catalog_cache.get::<Vec<CourseSummary>>(reader.generation, key))
        {
            return Ok(hit);
        }
        let filter = CatalogFilter {
            status,
            caller,
            admin,
            competency: query.competency.clone(),
            market,
            language: language.as_ref().map(|tag| tag.as_str().to_owned()),
            level: query.level.clone(),
            terms,
            after: page.after,
            limit: page.limit,
        };
        let (keys, editions) = match catalog_store::page(conn, &filter)? {
            CatalogRows::Own(rows) => return Ok(std::sync::Arc::new(views::summaries(conn, rows)?)),
            CatalogRows::Published { keys, editions } => (keys, editions),
        };
        // Then the edition each course shows.
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
        let summaries = std::sync::Arc::new(summaries);
        if let Some(key) = cache_key {
            cache
                .catalog_cache
                .put(reader.generation, key, summaries.clone());
        }
        Ok(summaries)
    })
    .await?;
    Ok(pagination::respond(
        &req,
        rows.iter().collect(),
        page,
        |c| c.course_key.into(),
    ))
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
    user: Option<UserId>,
    course: &CourseRow,
    want_draft: bool,
) -> Result<VersionId, ApiError> {
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
    path: web::Path<CourseId>,
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
    let cache = state.clone();
    let view = db::run(&state.pool, move |conn| {
        let reader = catalog_store::reader(conn, caller)?;
        let (cache, generation) = (&cache.catalog_cache, reader.generation);
        // The course with its co-instructors, then who may see and edit it decided from them.
        let facts = cache.get_or_build(generation, format!("course/{course_id}"), || {
            let course = store::find_course(conn, course_id)?;
            let co = access::co_instructors(conn, course_id)?;
            ApiResult::Ok((course, co))
        })?;
        let (course, co) = (&facts.0, &facts.1);
        if !access::sees(reader.viewer.as_ref(), course, co) {
            return Err(ApiError::NotFound);
        }
        let author = reader
            .viewer
            .as_ref()
            .is_some_and(|v| access::authors(v, course, co));
        let version = if author && (want_draft || course.published_version_id.is_none()) {
            store::working_version(course)
        } else {
            course.published_version_id
        }
        .ok_or(ApiError::NotFound)?;
        if course.published_version_id != Some(version) {
            // A draft changes in place: built fresh every time.
            return Ok(std::sync::Arc::new(views::course_view(
                conn,
                course.clone(),
                version,
            )?));
        }
        cache.get_or_build(generation, format!("course/{course_id}/view"), || {
            views::course_view(conn, course.clone(), version)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(&*view))
}

#[utoipa::path(get, path = "/api/v1/lessons/{lesson_id}", tag = "catalog", security(("bearer" = [])),
    params(("lesson_id" = String, Path), VersionQuery),
    responses((status = 200, body = LessonView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn get_lesson(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let lesson_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let lesson = db::run(&state.pool, move |conn| {
        let course_id = catalog_store::course_of_lesson(conn, lesson_id)?;
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
