//! The OpenAPI 3.1 document served at `/api/openapi.json`: its header, tags and security scheme
//! here; the operations come from the one route list in `api.rs`. Also serves the document and
//! a human-readable page of it (`/docs`).

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use utoipa_redoc::{Redoc, Servable};

use crate::error;

#[derive(OpenApi)]
#[openapi(
    info(title = "Caravan API", version = "1", description = "Learning-management backend for cross-border e-commerce talent."),
    components(schemas(error::Problem, error::FieldError, ProblemReport)),
    tags(
        (name = "auth", description = "Accounts, sessions and passwords"),
        (name = "me", description = "The caller's own profile"),
        (name = "organizations", description = "Colleges, academies and enterprises"),
        (name = "members", description = "Members, roles, invitations and CSV import"),
        (name = "cohorts", description = "Groups of trainees"),
        (name = "catalog", description = "Competency framework, destination markets and the course catalog"),
        (name = "authoring", description = "Courses, modules, lessons, quizzes and questions for their authors"),
        (name = "learning", description = "Enrollment, progress, competency mastery and quiz attempts"),
        (name = "reports", description = "Reports for an organization's own trainees"),
        (name = "certificates", description = "Signed course certificates: public verification, signing keys and revocation"),
        (name = "operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

/// What a problem's `report` holds, by its `code`: the file problems of a course
/// (`invalid_course`, `publish_blocked`), every row of a refused member import
/// (`import_rejected`), or the courses to complete first (`prerequisites_not_met`).
/// Schema only: the handlers build these as JSON.
#[allow(dead_code)]
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ProblemReport {
    CourseProblems(Vec<crate::courses::authoring::PublishProblem>),
    ImportRows(Vec<crate::orgs::dto::ImportRow>),
    Prerequisites {
        missing_prerequisites: Vec<MissingPrerequisite>,
    },
}

/// A prerequisite the caller has not completed.
#[derive(Serialize, ToSchema)]
pub struct MissingPrerequisite {
    pub slug: String,
    pub title: String,
}

/// The whole document: the header above, every operation [`crate::api::declare`] serves
/// with the schemas they reference, the bearer scheme and the problems every operation can give.
/// Built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOCUMENT: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        let (paths, schemas) = crate::api::documented();
        doc.paths = paths;
        let components = doc.components.get_or_insert_with(Default::default);
        components.schemas.extend(schemas);
        BearerAuth.modify(&mut doc);
        CommonProblems.modify(&mut doc);
        doc
    })
}

/// [`document`] as JSON, rendered once.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        serde_json::to_string(document()).expect("the OpenAPI document always serialises")
    })
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// Documents the problem+json answers every operation can give but few list by hand: 401 for an
/// operation that takes a bearer token (missing, expired or invalid), 400 for one with query
/// parameters (a malformed query), and 500 everywhere.
struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_query = op.parameters.as_ref().is_some_and(|ps| {
                    ps.iter()
                        .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
                });
                let responses = &mut op.responses.responses;
                // An error body is problem+json, which is what the server sends: a handler's
                // `body = Problem` is documented as JSON by default.
                for response in responses.values_mut() {
                    if let utoipa::openapi::RefOr::T(response) = response {
                        as_problem_json(response);
                    }
                }
                if secured && !responses.contains_key("401") {
                    responses.insert(
                        "401".into(),
                        problem("Missing, expired or invalid bearer token").into(),
                    );
                }
                if has_query && !responses.contains_key("400") {
                    responses.insert("400".into(), problem("Malformed query parameters").into());
                }
                if !responses.contains_key("500") {
                    responses.insert("500".into(), problem("Unexpected server error").into());
                }
            }
        }
    }
}

/// Moves a Problem body documented as `application/json` to `application/problem+json`.
fn as_problem_json(response: &mut utoipa::openapi::Response) {
    let is_problem = |content: &utoipa::openapi::Content| {
        matches!(&content.schema, Some(utoipa::openapi::RefOr::Ref(r))
            if r.ref_location == "#/components/schemas/Problem")
    };
    if let Some(content) = response
        .content
        .get("application/json")
        .filter(|c| is_problem(c))
        .cloned()
    {
        response.content.shift_remove("application/json");
        response
            .content
            .insert("application/problem+json".into(), content);
    }
}

/// The document itself and the page that renders it: not API operations, so not in it.
pub fn documentation_routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .service(Redoc::with_url("/docs", document().clone()));
}

pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}
