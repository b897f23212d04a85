//! Reports for colleges and academies, each scoped to the organization in the path: only that
//! organization's own trainees are counted, and another organization's ids find nothing.
//! Progress and competencies are paginated JSON or streamed CSV (`csv_stream`); all three share
//! the filters of `filters`.

pub mod competencies;
pub mod csv_stream;
pub mod filters;
pub mod progress;
pub mod quiz;
pub mod stats;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    quiz::routes(cfg);
    cfg.route(
        "/orgs/{org_id}/reports/progress",
        actix_web::web::get().to(progress::progress_report),
    )
    .route(
        "/orgs/{org_id}/reports/competencies",
        actix_web::web::get().to(competencies::competencies_report),
    );
}
