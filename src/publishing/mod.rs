//! Publishing: the moment a course version goes live for trainees, by the publish endpoint or
//! by an import (the API's or the CLI's), and what it sets off: every enrollment's figures follow
//! the new set of lessons and quizzes (`learning::progress::course_republished`). The one module
//! where `courses` (the content) and `learning` (the trainees' progress) meet, above both.
//! Export lives beside import, so course files go out and come back in one place.

pub mod publish;
pub mod transfer;

use crate::api_routes::ApiRoutes;

pub fn routes(r: &mut ApiRoutes) {
    transfer::routes(r);
    r.add(publish::__path_publish_course, publish::publish_course);
}
