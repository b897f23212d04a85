//! Moving courses between files and the database: importing a tree (the CLI and the first start),
//! importing one course over HTTP, and exporting. Imports keep the files' original text, so an
//! export gives back exactly what was imported.

use crate::api_routes::ApiRoutes;
use std::collections::BTreeMap;
use std::path::Path;

use actix_web::{web, HttpResponse};

use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::dto::*;
use crate::courses::format::{self, Diagnostic};
use crate::courses::store::{self, Files, ImportOutcome};
use crate::courses::views;
use crate::db::sql_types::{CourseId, OrgId, UserId};
use crate::db::{self, DbConn, Pool};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    let import_limit = r.settings.import_limit;
    r.add_resource(__path_import_course, import_course, move |resource| {
        resource.app_data(
            web::JsonConfig::default()
                .limit(import_limit)
                .error_handler(crate::error::json_error),
        )
    })
    .add(__path_export_course, export_course);
}

/// Splits a tree's files (`slug/path`) into one map per course folder.
fn per_course(files: BTreeMap<String, String>) -> BTreeMap<String, Files> {
    let mut out: BTreeMap<String, Files> = BTreeMap::new();
    for (path, text) in files {
        if let Some((course, rest)) = path.split_once('/') {
            out.entry(course.to_owned())
                .or_default()
                .insert(rest.to_owned(), text);
        }
    }
    out
}

/// Validates the tree under `dir` and imports every course in one transaction, published and
/// platform-wide; nothing is written when any file is invalid. `progress` is called after each
/// course with (done, total, slug, outcome). With `ctx`, the trainees enrolled in an updated
/// course have their progress refreshed against the new version (None: nobody can be enrolled,
/// as in the first import into an empty database).
pub fn import_tree(
    pool: &Pool,
    ctx: Option<&crate::state::Ctx>,
    dir: &Path,
    mut progress: impl FnMut(usize, usize, &str, ImportOutcome),
) -> Result<Vec<(String, ImportOutcome)>, ImportTreeError> {
    let parsed = format::load_tree(dir).map_err(ImportTreeError::Invalid)?;
    let files = format::read_tree_files(dir).map_err(ImportTreeError::Invalid)?;
    let mut by_course = per_course(files);
    let mut conn = pool
        .get()
        .map_err(|e| ImportTreeError::Database(e.to_string()))?;
    let total = parsed.len();
    // Originals before their editions, which name them.
    let mut parsed = parsed;
    parsed.sort_by_key(|f| f.course.edition_of.is_some());
    db::in_transaction(&mut conn, |conn| {
        let mut results = Vec::with_capacity(total);
        for (done, file) in parsed.iter().enumerate() {
            let slug = file.course.slug.clone();
            let files = by_course.remove(&slug).unwrap_or_default();
            let (id, outcome) = store::import_course(conn, &files, file, None, None, true)?;
            if let (Some(ctx), ImportOutcome::Updated) = (ctx, outcome) {
                crate::learning::progress::course_republished(conn, ctx, id)?;
            }
            progress(done + 1, total, &slug, outcome);
            results.push((slug, outcome));
        }
        Ok::<_, ApiError>(results)
    })
    .map_err(|e| ImportTreeError::Database(e.to_string()))
}

#[derive(Debug)]
pub enum ImportTreeError {
    Invalid(Vec<Diagnostic>),
    Database(String),
}

/// Imports `dir` when the database has no course yet, so a fresh server shows a real catalog.
pub fn import_if_empty(pool: &Pool, dir: &Path) -> anyhow::Result<Option<usize>> {
    let mut conn = pool.get()?;
    let existing = store::count_courses(&mut conn)?;
    drop(conn);
    if existing > 0 || !dir.is_dir() {
        return Ok(None);
    }
    match import_tree(pool, None, dir, |_, _, _, _| {}) {
        Ok(results) => Ok(Some(results.len())),
        Err(ImportTreeError::Invalid(diags)) => {
            let list: Vec<String> = diags.iter().map(ToString::to_string).collect();
            anyhow::bail!(
                "the course catalog in {} is invalid:\n{}",
                dir.display(),
                list.join("\n")
            )
        }
        Err(ImportTreeError::Database(e)) => anyhow::bail!("cannot import the course catalog: {e}"),
    }
}

/// Writes every published platform-wide course (the catalog `caravan courses import` loads) to
/// `dir/<slug>/` as the files it was published from. An organization's courses have slugs of their
/// own namespace and are exported over HTTP. Refuses a folder that already holds a course.
pub fn export_tree(pool: &Pool, dir: &Path) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let published = store::published_platform_courses(&mut conn)?;
    for (slug, version) in &published {
        let Some(version) = version else { continue };
        let (_, files) = store::version_files(&mut conn, *version)?;
        write_files(&dir.join(slug), &files)?;
    }
    Ok(published.len())
}

fn write_files(dir: &Path, files: &Files) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!("{} already exists and is not empty", dir.display());
    }
    for (path, text) in files {
        // Paths were validated on import (slugs, NN- prefixes); still refuse anything that climbs.
        if path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            anyhow::bail!("refusing to write the unsafe path {path:?}");
        }
        let target = dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(target, text)?;
    }
    Ok(())
}

fn diagnostics_report(diags: &[Diagnostic]) -> serde_json::Value {
    serde_json::Value::Array(
        diags
            .iter()
            .map(|d| serde_json::json!({"file": d.path.display().to_string(), "line": d.line, "message": d.message}))
            .collect(),
    )
}

/// The prerequisites of an uploaded course must name courses the uploader may see (an invisible
/// one is reported like a missing one).
fn check_prerequisites(
    conn: &mut DbConn,
    user: UserId,
    org: Option<OrgId>,
    file: &format::CourseFile,
) -> ApiResult<()> {
    let wanted = &file.course.prerequisites;
    let found = crate::courses::authoring::visible_slugs(conn, user, org, wanted)?;
    let missing: Vec<&String> = wanted.iter().filter(|s| !found.contains(s)).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Unprocessable {
            code: "invalid_course",
            detail: format!("unknown prerequisite course(s): {missing:?}"),
            report: None,
        })
    }
}

/// Gives each report entry that names a `course.toml` field the line that field is on.
fn with_lines(error: ApiError, manifest: &str) -> ApiError {
    let ApiError::Unprocessable {
        code,
        detail,
        report: Some(mut report),
    } = error
    else {
        return error;
    };
    for entry in report.as_array_mut().into_iter().flatten() {
        let is_manifest = entry["file"] == "course.toml";
        let Some(field) = entry["field"].as_str().filter(|_| is_manifest) else {
            continue;
        };
        let line = manifest.lines().position(|l| {
            l.trim_start()
                .strip_prefix(field)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
        if let Some(index) = line {
            entry["line"] = serde_json::json!(index + 1);
        }
    }
    ApiError::Unprocessable {
        code,
        detail,
        report: Some(report),
    }
}

#[utoipa::path(post, path = "/api/v1/courses/import", tag = "authoring", request_body = ImportRequest, security(("bearer" = [])),
    responses((status = 200, body = ImportResponse, description = "created, updated or unchanged"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem, description = "`report` lists every problem with file and line")))]
pub async fn import_course(
    state: web::Data<AppState>,
    user: AuthUser,
    body: web::Json<ImportRequest>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    // Parsing a course of up to the import limit (16 MiB) is real CPU work: it runs on the
    // blocking pool, not on the async worker that serves other requests.
    let (body, parsed) = web::block(move || {
        // A draft may still lack what publishing needs; a publishing import may not.
        let parsed = if body.publish {
            format::parse_course_from_files(&body.files)
        } else {
            format::parse_draft_from_files(&body.files).map(|(file, _)| file)
        };
        (body, parsed)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("course parsing failed: {e}")))?;
    let file = parsed.map_err(|diags| ApiError::Unprocessable {
        code: "invalid_course",
        detail: format!(
            "{} problem(s) in the course files; nothing was imported.",
            diags.len()
        ),
        report: Some(diagnostics_report(&diags)),
    })?;
    let ctx = state.progress_ctx();
    let manifest = body.files.get("course.toml").cloned().unwrap_or_default();
    let response = db::transaction(&state.pool, move |conn| {
        // The caller may author in the namespace before anything in it is looked up, so a
        // stranger to the organization learns nothing of its slugs.
        crate::courses::authoring::require_author_in(conn, user.id, body.org_id)?;
        check_prerequisites(conn, user.id, body.org_id, &file)?;
        // The slug is looked up in the organization the upload is for (the platform-wide
        // courses without one): another organization's course of that slug is not in the way.
        let (course_id, outcome) =
            match store::find_course_by_slug(conn, body.org_id, &file.course.slug)? {
                Some(existing) => {
                    if !access::can_view(conn, Some(user.id), &existing)? {
                        return Err(ApiError::conflict(
                            "slug_taken",
                            "A course with this slug already exists.",
                        ));
                    }
                    let course = if body.publish {
                        access::owned(conn, user.id, existing.id)?
                    } else {
                        access::editable(conn, user.id, existing.id)?
                    };
                    let outcome = store::import_course(
                        conn,
                        &body.files,
                        &file,
                        Some(user.id),
                        course.org_id,
                        body.publish,
                    )?;
                    if body.publish && outcome.1 == ImportOutcome::Updated {
                        crate::learning::progress::course_republished(conn, &ctx, course.id)?;
                    }
                    (course.id, outcome.1)
                }
                None => store::import_course(
                    conn,
                    &body.files,
                    &file,
                    Some(user.id),
                    body.org_id,
                    body.publish,
                )?,
            };
        let course = store::find_course(conn, course_id)?;
        let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
        Ok(ImportResponse {
            status: outcome.as_str().to_owned(),
            course: views::course_view(conn, course, version)?,
        })
    })
    .await
    .map_err(|e| with_lines(e, &manifest))?;
    Ok(HttpResponse::Ok().json(response))
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}/export", tag = "authoring", security(("bearer" = [])),
    params(("course_id" = String, Path), crate::courses::catalog::VersionQuery),
    responses((status = 200, body = CourseFiles, description = "The course in the course-file format, answer keys included"),
        (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn export_course(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
    query: web::Query<crate::courses::catalog::VersionQuery>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let files = db::run(&state.pool, move |conn| {
        // The files hold the answer keys: authors only.
        let course = access::editable(conn, user.id, course_id)?;
        let version =
            crate::courses::catalog::version_for(conn, Some(user.id), &course, want_draft)?;
        Ok(store::version_files(conn, version)?.1)
    })
    .await?;
    Ok(HttpResponse::Ok().json(CourseFiles { files }))
}
