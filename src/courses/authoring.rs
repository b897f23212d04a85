//! Authoring courses: create, edit, delete, publish and archive. Every edit works on the course's
//! draft version (created from the published one on the first edit), so published content and
//! everything graded against it stay unchanged until the owner publishes the draft.

use crate::api_routes::ApiRoutes;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::access;
use super::dto::CourseView;
use super::format::{parse_draft_from_files, render_course, Course, CourseFile, Diagnostic};
use super::store::{self, CourseRow, Files};
use super::views;
use crate::auth::AuthUser;
use crate::db::sql_types::{CourseId, OrgId, UserId};
use crate::db::status::CourseStatus;
use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::orgs::access::{is_platform_admin, require_role};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_create_course, create_course)
        .add(__path_update_course, update_course)
        .add(__path_delete_course, delete_course)
        .add(__path_archive_course, archive_course)
        .add(__path_course_problems, course_problems);
}

/// One thing that keeps a course from being published.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct PublishProblem {
    /// The file inside the course folder (`01-basics/quiz.toml`).
    pub file: String,
    /// 1-based line, where the problem sits on one.
    pub line: Option<usize>,
    /// The key or part it concerns (`questions`, `questions.2.answer`, `body`), where known.
    pub field: Option<String>,
    pub message: String,
}

/// What blocks publishing the course's working version (its draft, else the published one).
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct CourseProblems {
    /// No problem: `POST /courses/{id}/publish` would publish it.
    pub publishable: bool,
    pub problems: Vec<PublishProblem>,
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}/problems", tag = "authoring", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 200, body = CourseProblems, description = "What publishing would refuse, each with file, line where there is one, field and message; publish answers 422 `publish_blocked` with the same list"),
        (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn course_problems(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let problems = db::run(&state.pool, move |conn| {
        let course = access::editable(conn, user.id, course_id)?;
        let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
        let (_, files) = store::version_files(conn, version)?;
        Ok(match parse_draft_from_files(&files) {
            Ok((_, problems)) | Err(problems) => problems,
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(CourseProblems {
        publishable: problems.is_empty(),
        problems: problems
            .into_iter()
            .map(|d| PublishProblem {
                file: d.path.display().to_string(),
                line: d.line,
                field: d.field,
                message: d.message,
            })
            .collect(),
    }))
}

/// The fields of `course.toml`, as JSON. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCourseRequest {
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// BCP 47 tag of the teaching language.
    pub language: String,
    /// beginner | intermediate | advanced
    pub level: String,
    pub estimated_hours: f64,
    pub competencies: Vec<String>,
    #[serde(default)]
    pub markets: Vec<String>,
    #[serde(default)]
    pub prerequisites: Vec<String>,
    /// all_passed (default) | min_score
    pub completion: Option<String>,
    pub min_score: Option<f64>,
    /// The organization the course belongs to; platform admins may leave it out for a platform-wide course.
    #[schema(value_type = Option<String>, format = Uuid)]
    pub org_id: Option<OrgId>,
    /// Members of the course's organization who may edit it too.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub co_instructor_ids: Vec<UserId>,
    /// The slug of the course this one is an edition of (the same course in another teaching
    /// language; its competencies, markets, prerequisites, modules, lessons and quiz structure
    /// must match by publish time).
    pub edition_of: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCourseRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
    pub language: Option<String>,
    pub level: Option<String>,
    pub estimated_hours: Option<f64>,
    pub competencies: Option<Vec<String>>,
    pub markets: Option<Vec<String>>,
    pub prerequisites: Option<Vec<String>>,
    pub completion: Option<String>,
    pub min_score: Option<f64>,
    #[schema(value_type = Option<Vec<String>>)]
    pub co_instructor_ids: Option<Vec<UserId>>,
}

pub(crate) fn invalid_course(diags: &[Diagnostic]) -> ApiError {
    ApiError::Unprocessable {
        code: "invalid_course",
        detail: format!("{} problem(s) in the course; nothing was changed.", diags.len()),
        report: Some(Value::Array(
            diags
                .iter()
                .map(|d| serde_json::json!({"file": d.path.display().to_string(), "line": d.line, "field": d.field, "message": d.message}))
                .collect(),
        )),
    }
}

/// Parses edited files as a draft: files that are no well-formed draft are a 422 listing every
/// problem; what only blocks publishing (see `GET /courses/{id}/problems`) is saved.
pub(crate) fn reparse(files: &Files) -> ApiResult<CourseFile> {
    parse_draft_from_files(files)
        .map(|(file, _)| file)
        .map_err(|d| invalid_course(&d))
}

/// Which of `slugs` name courses `user` may see.
/// Whether `user` may author courses in organization `org` (an instructor or org admin of it),
/// or platform-wide courses when `org` is None (platform admins only).
pub(crate) fn require_author_in(
    conn: &mut DbConn,
    user: UserId,
    org: Option<OrgId>,
) -> ApiResult<()> {
    match org {
        Some(org) => require_role(conn, user, org, Role::Instructor).map(|_| ()),
        None if is_platform_admin(conn, user)? => Ok(()),
        None => Err(ApiError::invalid(
            "org_id",
            "is required: the organization the course belongs to",
        )),
    }
}

/// The `slugs` a course of organization `org` may name (see `store::resolve_slug`) that resolve to
/// a course `user` may see.
pub(crate) fn visible_slugs(
    conn: &mut DbConn,
    user: UserId,
    org: Option<OrgId>,
    slugs: &[String],
) -> ApiResult<Vec<String>> {
    let mut visible = Vec::with_capacity(slugs.len());
    for slug in slugs {
        if let Some(row) = store::resolve_slug(conn, org, slug)? {
            if access::can_view(conn, Some(user), &row)? {
                visible.push(row.slug);
            }
        }
    }
    Ok(visible)
}

/// Prerequisites must name courses that `author` may see; a course they may not see (another
/// organization's draft or internal course) is answered exactly like one that does not exist.
pub(crate) fn check_prerequisites(
    conn: &mut DbConn,
    author: UserId,
    org: Option<OrgId>,
    course: &Course,
) -> ApiResult<()> {
    let found = visible_slugs(conn, author, org, &course.prerequisites)?;
    match course
        .prerequisites
        .iter()
        .find(|s| !found.contains(s) && **s != course.slug)
    {
        None if !course.prerequisites.contains(&course.slug) => Ok(()),
        None => Err(ApiError::invalid(
            "prerequisites",
            "a course cannot require itself",
        )),
        Some(missing) => Err(ApiError::invalid(
            "prerequisites",
            format!("no course has the slug {missing:?}"),
        )),
    }
}

/// Co-instructors must be instructors or org admins of the course's organization.
fn set_co_instructors(conn: &mut DbConn, course: &CourseRow, ids: &[UserId]) -> ApiResult<()> {
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    let ids = &ids[..];
    let Some(org) = course.org_id else {
        if ids.is_empty() {
            return Ok(());
        }
        return Err(ApiError::invalid(
            "co_instructor_ids",
            "platform-wide courses have no co-instructors",
        ));
    };
    let staff = store::staff_among(conn, org, ids)?;
    if let Some(stranger) = ids.iter().find(|id| !staff.contains(id)) {
        return Err(ApiError::invalid(
            "co_instructor_ids",
            format!("{stranger} is not an instructor of this course's organization"),
        ));
    }
    let co: Vec<UserId> = ids
        .iter()
        .copied()
        .filter(|id| Some(*id) != course.owner_id)
        .collect();
    store::replace_co_instructors(conn, course.id, &co)?;
    Ok(())
}

/// Builds a `Course` from request fields through the same deserializer `course.toml` uses.
fn course_from_fields(fields: Map<String, Value>) -> ApiResult<Course> {
    serde_json::from_value(Value::Object(fields)).map_err(|e| ApiError::Unprocessable {
        code: "invalid_body",
        detail: e.to_string(),
        report: None,
    })
}

fn course_files(course: Course) -> Files {
    render_course(&CourseFile {
        course,
        modules: Vec::new(),
    })
}

fn view_of_working(conn: &mut DbConn, course_id: CourseId) -> ApiResult<CourseView> {
    let course = store::find_course(conn, course_id)?;
    let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
    views::course_view(conn, course, version)
}

#[utoipa::path(post, path = "/api/v1/courses", tag = "authoring", request_body = CreateCourseRequest, security(("bearer" = [])),
    responses((status = 201, body = CourseView, description = "A new draft course"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_course(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<CreateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let mut fields = Map::new();
    fields.insert("slug".into(), b.slug.into());
    fields.insert("title".into(), b.title.into());
    fields.insert("summary".into(), b.summary.into());
    fields.insert("language".into(), b.language.into());
    fields.insert("level".into(), b.level.into());
    fields.insert("estimated_hours".into(), b.estimated_hours.into());
    fields.insert("competencies".into(), b.competencies.into());
    fields.insert("markets".into(), b.markets.into());
    fields.insert("prerequisites".into(), b.prerequisites.into());
    fields.insert(
        "completion".into(),
        b.completion.unwrap_or_else(|| "all_passed".into()).into(),
    );
    if let Some(min) = b.min_score {
        fields.insert("min_score".into(), min.into());
    }
    if let Some(original) = b.edition_of {
        fields.insert("edition_of".into(), original.into());
    }
    let course = course_from_fields(fields)?;
    let files = course_files(course);
    let file = reparse(&files)?;
    let (org_id, co) = (b.org_id, b.co_instructor_ids);
    let view = db::transaction(&state.pool, move |conn| {
        require_author_in(conn, user.id, org_id)?;
        check_prerequisites(conn, user.id, org_id, &file.course)?;
        let id = store::create_course(conn, &files, &file, org_id, Some(user.id), false)?;
        let course = store::find_course(conn, id)?;
        set_co_instructors(conn, &course, &co)?;
        view_of_working(conn, id)
    })
    .await?;
    Ok(crate::created::created("courses", &view))
}

/// Applies `edit` to the course's working files and stores the result as its draft.
pub(crate) fn edit_files<R>(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
    edit: impl FnOnce(&mut Files, &CourseFile) -> ApiResult<R>,
) -> ApiResult<R> {
    let course = access::editable(conn, user, course_id)?;
    let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
    let (_, mut files) = store::version_files(conn, version)?;
    let before = store::parse_stored(&files)?;
    let original = files.clone();
    let result = edit(&mut files, &before)?;
    if files == original {
        // Nothing changed: no draft is opened, so there is nothing new to publish.
        return Ok(result);
    }
    let after = reparse(&files)?;
    if after.course.slug != before.course.slug {
        return Err(ApiError::invalid("slug", "a course's slug cannot change"));
    }
    check_prerequisites(conn, user, course.org_id, &after.course)?;
    store::save_draft(conn, &course, &files, &after, Some(user))?;
    Ok(result)
}

#[utoipa::path(patch, path = "/api/v1/courses/{course_id}", tag = "authoring", request_body = UpdateCourseRequest, security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 200, body = CourseView, description = "The draft after the change"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_course(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
    body: web::Json<UpdateCourseRequest>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let b = body.into_inner();
    let f = &b;
    let touches_files = f.title.is_some()
        || f.summary.is_some()
        || f.language.is_some()
        || f.level.is_some()
        || f.estimated_hours.is_some()
        || f.competencies.is_some()
        || f.markets.is_some()
        || f.prerequisites.is_some()
        || f.completion.is_some()
        || f.min_score.is_some();
    let view = db::transaction(&state.pool, move |conn| {
        // Co-instructors live beside the files: changing only them opens no draft.
        access::editable(conn, user.id, course_id)?;
        if touches_files {
            edit_course_toml(conn, user.id, course_id, &b)?;
        }
        if let Some(co) = &b.co_instructor_ids {
            let course = access::owned(conn, user.id, course_id)?;
            set_co_instructors(conn, &course, co)?;
        }
        view_of_working(conn, course_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

fn edit_course_toml(
    conn: &mut DbConn,
    user: UserId,
    course_id: CourseId,
    b: &UpdateCourseRequest,
) -> ApiResult<()> {
    edit_files(conn, user, course_id, |files, file| {
        let mut fields = match serde_json::to_value(CourseFields::from(&file.course)) {
            Ok(Value::Object(m)) => m,
            _ => {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "course fields did not serialize"
                )))
            }
        };
        let mut set = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                fields.insert(k.into(), v);
            }
        };
        set("title", b.title.clone().map(Value::from));
        set("summary", b.summary.clone().map(Value::from));
        set("language", b.language.clone().map(Value::from));
        set("level", b.level.clone().map(Value::from));
        set("estimated_hours", b.estimated_hours.map(Value::from));
        set("competencies", b.competencies.clone().map(Value::from));
        set("markets", b.markets.clone().map(Value::from));
        set("prerequisites", b.prerequisites.clone().map(Value::from));
        set("completion", b.completion.clone().map(Value::from));
        set("min_score", b.min_score.map(Value::from));
        let course = course_from_fields(fields)?;
        let rendered = course_files(course);
        if let Some(text) = rendered.get("course.toml") {
            files.insert("course.toml".into(), text.clone());
        }
        Ok(())
    })
}

/// `Course` as the JSON the deserializer reads back (the format types are read-only).
#[derive(serde::Serialize)]
struct CourseFields<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    language: &'a str,
    level: &'a str,
    estimated_hours: f64,
    competencies: &'a [String],
    markets: &'a [String],
    prerequisites: &'a [String],
    completion: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_score: Option<f64>,
}

impl<'a> From<&'a Course> for CourseFields<'a> {
    fn from(c: &'a Course) -> Self {
        CourseFields {
            slug: &c.slug,
            title: &c.title,
            summary: &c.summary,
            language: &c.language,
            level: c.level.as_str(),
            estimated_hours: c.estimated_hours,
            competencies: &c.competencies,
            markets: &c.markets,
            prerequisites: &c.prerequisites,
            completion: c.completion.as_str(),
            min_score: c.min_score,
        }
    }
}

#[utoipa::path(delete, path = "/api/v1/courses/{course_id}", tag = "authoring", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 204, description = "A never-published course is deleted"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "Published courses are archived, not deleted")))]
pub async fn delete_course(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let course = access::owned(conn, user.id, course_id)?;
        if course.published_version_id.is_some() {
            return Err(ApiError::conflict(
                "course_published",
                "A course that was published is archived, not deleted.",
            ));
        }
        store::delete_course(conn, course.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/courses/{course_id}/archive", tag = "authoring", security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 204, description = "Archived: out of the catalog, its versions kept"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn archive_course(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        let course = access::owned(conn, user.id, course_id)?;
        store::set_status(conn, course.id, CourseStatus::Archived)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
