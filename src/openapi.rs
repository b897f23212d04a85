//! The OpenAPI 3.1 document served at `/api/openapi.json`: every route with its schemas.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{auth, catalog, certificates, courses, error, learning, ops, orgs, quizzes, reports};

#[derive(OpenApi)]
#[openapi(
    info(title = "Caravan API", version = "1", description = "Learning-management backend for cross-border e-commerce talent."),
    paths(
        ops::healthz, ops::readyz,
        auth::routes::register, auth::routes::login, auth::routes::refresh, auth::routes::logout,
        auth::routes::verify_email, auth::routes::request_password_reset, auth::routes::confirm_password_reset,
        auth::routes::get_me, auth::routes::update_me, auth::routes::change_password,
        orgs::routes::create_org, orgs::routes::list_orgs, orgs::routes::get_org, orgs::routes::update_org,
        orgs::routes::accept_invitation,
        orgs::members::list_members, orgs::members::add_member, orgs::members::update_member, orgs::members::remove_member,
        orgs::import::import_members,
        orgs::invitations::my_invitations, orgs::invitations::accept_my_invitation,
        orgs::invitations::decline_my_invitation, orgs::invitations::leave_org,
        orgs::cohorts::list_cohorts, orgs::cohorts::create_cohort, orgs::cohorts::get_cohort, orgs::cohorts::update_cohort,
        orgs::cohorts::delete_cohort, orgs::cohorts::list_cohort_members, orgs::cohorts::add_cohort_members,
        orgs::cohorts::remove_cohort_member,
        catalog::list_competencies, catalog::list_markets, catalog::get_market,
        courses::catalog::list_courses, courses::catalog::get_course, courses::catalog::get_lesson,
        courses::transfer::import_course, courses::transfer::export_course,
        courses::authoring::create_course, courses::authoring::update_course, courses::authoring::delete_course,
        courses::authoring::publish_course, courses::authoring::archive_course, courses::authoring::course_problems,
        courses::content::list_modules, courses::content::create_module, courses::content::get_module,
        courses::content::update_module, courses::content::delete_module,
        courses::content::create_lesson, courses::content::update_lesson, courses::content::delete_lesson,
        courses::content::create_quiz, courses::content::get_quiz, courses::content::update_quiz, courses::content::delete_quiz,
        courses::content::list_questions, courses::content::create_question,
        courses::content::update_question, courses::content::delete_question,
        learning::enrollments::enroll, learning::enrollments::my_enrollments,
        learning::enrollments::withdraw, learning::enrollments::enroll_cohort,
        learning::progress_views::complete_lesson, learning::progress_views::my_progress,
        learning::progress_views::my_course_progress,
        quizzes::attempts::routes::start_attempt, quizzes::attempts::routes::get_attempt,
        quizzes::attempts::routes::save_answers, quizzes::attempts::routes::submit_attempt,
        quizzes::attempts::manual::grading_queue, quizzes::attempts::manual::grade_by_hand,
        quizzes::attempts::regrade::regrade_quiz,
        reports::quiz::quiz_report, reports::progress::progress_report,
        reports::competencies::competencies_report,
        certificates::routes::my_certificates, certificates::routes::get_certificate,
        certificates::routes::verify_credential, certificates::routes::certificate_keys,
        certificates::routes::revoke_certificate,
    ),
    components(schemas(error::Problem, error::FieldError)),
    modifiers(&BearerAuth, &CommonProblems),
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
