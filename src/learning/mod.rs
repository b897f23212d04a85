//! Learning: enrollment of trainees in courses (and, as it grows, progress and completion).

pub mod enrollments;

pub use enrollments::routes;
