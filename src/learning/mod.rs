//! Learning: enrollment of trainees in courses, their progress (lessons, quiz results, course
//! completion), and competency mastery with readiness per destination market.
//!
//! The endpoints are `enrollments` and `progress_views`, their queries `store`; `progress`,
//! `mastery` and `visibility` keep and read the figures the other areas change too.

pub mod enrollments;
pub mod mastery;
pub mod progress;
pub mod progress_views;
pub mod store;
pub mod visibility;

pub fn routes(r: &mut crate::api_routes::ApiRoutes) {
    enrollments::routes(r);
    progress_views::routes(r);
}
