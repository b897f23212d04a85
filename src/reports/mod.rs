//! Reports for colleges and academies, each scoped to the organization in the path: only that
//! organization's own trainees are counted, and another organization's ids find nothing.

pub mod quiz;
pub mod stats;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    quiz::routes(cfg);
}
