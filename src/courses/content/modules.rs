//! Authoring modules: list, create, read, rename and delete.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{locate, module_folder, module_of, render_module};
use crate::auth::{AuthUser, MaybeAuthUser};
use crate::courses::access;
use crate::courses::authoring::edit_files;
use crate::courses::catalog::{version_for, VersionQuery};
use crate::courses::dto::ModuleView;
use crate::courses::format::{CourseFile, Module, ModuleFile};
use crate::courses::store::{self, item_id, module_path, Files};
use crate::courses::views::module_view;
use crate::db::sql_types::{CourseId, ItemId, UserId};
use crate::db::{self, DbConn};
use crate::error::{ApiError, ApiResult, Problem};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleRequest {
    pub slug: String,
    pub title: String,
    pub summary: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModuleRequest {
    pub title: Option<String>,
    pub summary: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/courses/{course_id}/modules", tag = "authoring",
    params(("course_id" = String, Path), VersionQuery), responses((status = 200, body = Vec<ModuleView>), (status = 404, body = Problem)))]
pub async fn list_modules(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    path: web::Path<CourseId>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let caller = user.0.map(|u| u.id);
    let modules = db::run(&state.pool, move |conn| {
        let course = access::viewable(conn, caller, course_id)?;
        let version = version_for(conn, caller, &course, want_draft)?;
        let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
        Ok(file
            .modules
            .iter()
            .map(|m| module_view(course_id, m))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(modules))
}

fn working_module(
    conn: &mut DbConn,
    course_id: CourseId,
    module_id: ItemId,
) -> ApiResult<ModuleView> {
    let course = store::find_course(conn, course_id)?;
    let version = store::working_version(&course).ok_or(ApiError::NotFound)?;
    let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
    file.modules
        .iter()
        .map(|m| module_view(course_id, m))
        .find(|m| m.id == module_id)
        .ok_or(ApiError::NotFound)
}

#[utoipa::path(post, path = "/api/v1/courses/{course_id}/modules", tag = "authoring", request_body = ModuleRequest, security(("bearer" = [])),
    params(("course_id" = String, Path)),
    responses((status = 201, body = ModuleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<CourseId>,
    body: web::Json<ModuleRequest>,
) -> ApiResult<HttpResponse> {
    let course_id = path.into_inner();
    let b = body.into_inner();
    let view = db::transaction(&state.pool, move |conn| {
        let slug = b.slug.clone();
        edit_files(conn, user.id, course_id, |files, file| {
            if module_folder(files, &b.slug).is_some() {
                return Err(ApiError::conflict(
                    "slug_taken",
                    "The course already has a module with this slug.",
                ));
            }
            let position = file.modules.iter().map(|m| m.position).max().unwrap_or(0) + 1;
            let module = ModuleFile {
                position,
                module: Module {
                    slug: b.slug.clone(),
                    title: b.title,
                    summary: b.summary,
                },
                lessons: Vec::new(),
                quiz: None,
            };
            let folder = format!("{position:02}-{}", b.slug);
            files.extend(render_module(file, module, &folder));
            Ok(())
        })?;
        working_module(conn, course_id, item_id(course_id, &module_path(&slug)))
    })
    .await?;
    Ok(crate::created::created("modules", &view))
}

#[utoipa::path(get, path = "/api/v1/modules/{module_id}", tag = "authoring", params(("module_id" = String, Path), VersionQuery),
    responses((status = 200, body = ModuleView), (status = 404, body = Problem)))]
pub async fn get_module(
    state: web::Data<AppState>,
    user: MaybeAuthUser,
    path: web::Path<ItemId>,
    query: web::Query<VersionQuery>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let want_draft = query.version.as_deref() == Some("draft");
    let caller = user.0.map(|u| u.id);
    let view = db::run(&state.pool, move |conn| {
        let (course_id, _) = locate(conn, module_id, "module")?;
        let course = access::viewable(conn, caller, course_id)?;
        let version = version_for(conn, caller, &course, want_draft)?;
        let file = store::parse_stored(&store::version_files(conn, version)?.1)?;
        file.modules
            .iter()
            .map(|m| module_view(course_id, m))
            .find(|m| m.id == module_id)
            .ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edits the module `module_id` in the draft: `f` gets the files and the module's folder.
pub(crate) fn edit_module<R>(
    conn: &mut DbConn,
    user: UserId,
    module_id: ItemId,
    f: impl FnOnce(&mut Files, &CourseFile, &ModuleFile, &str) -> ApiResult<R>,
) -> ApiResult<(CourseId, R)> {
    let (course_id, path) = locate(conn, module_id, "module")?;
    let slug = path.strip_prefix("module/").unwrap_or_default().to_owned();
    let result = edit_files(conn, user, course_id, |files, file| {
        let module = module_of(file, &slug)?.clone();
        let folder = module_folder(files, &slug).ok_or(ApiError::NotFound)?;
        f(files, file, &module, &folder)
    })?;
    Ok((course_id, result))
}

#[utoipa::path(patch, path = "/api/v1/modules/{module_id}", tag = "authoring", request_body = UpdateModuleRequest, security(("bearer" = [])),
    params(("module_id" = String, Path)),
    responses((status = 200, body = ModuleView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
    body: web::Json<UpdateModuleRequest>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    let b = body.into_inner();
    let view = db::transaction(&state.pool, move |conn| {
        let (course_id, ()) =
            edit_module(conn, user.id, module_id, |files, file, module, folder| {
                let mut module = module.clone();
                if let Some(title) = b.title {
                    module.module.title = title;
                }
                if let Some(summary) = b.summary {
                    module.module.summary = Some(summary);
                }
                let key = format!("{folder}/module.toml");
                if let Some(text) = render_module(file, module, folder).remove(&key) {
                    files.insert(key, text);
                }
                Ok(())
            })?;
        working_module(conn, course_id, module_id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(delete, path = "/api/v1/modules/{module_id}", tag = "authoring", security(("bearer" = [])),
    params(("module_id" = String, Path)), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_module(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<ItemId>,
) -> ApiResult<HttpResponse> {
    let module_id = path.into_inner();
    db::transaction(&state.pool, move |conn| {
        edit_module(conn, user.id, module_id, |files, _, _, folder| {
            files.retain(|k, _| !k.starts_with(&format!("{folder}/")));
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
