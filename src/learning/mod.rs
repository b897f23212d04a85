//! Learning: enrollment of trainees in courses, their progress (lessons, quiz results, course
//! completion), and competency mastery with readiness per destination market.

pub mod enrollments;
pub mod mastery;
pub mod progress;
pub mod progress_views;
pub mod visibility;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    enrollments::routes(cfg);
    progress_views::routes(cfg);
}
