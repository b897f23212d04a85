//! Learning: enrollment of trainees in courses, their progress (lessons, quiz results, course
//! completion), and competency mastery with readiness per destination market.

pub mod enrollments;
pub mod mastery;
pub mod progress;
pub mod progress_views;
pub mod visibility;

pub fn routes(r: &mut crate::api_routes::ApiRoutes) {
    enrollments::routes(r);
    progress_views::routes(r);
}
