//! Quiz attempts owned by the server: start (questions drawn, shuffled and snapshotted with the
//! published version they came from; deadline from the time limit), autosave, submit and grade,
//! with results shown as the quiz's review policy allows. Hand grading (`manual`) and regrade
//! (`regrade`) change grades afterwards; every grade change goes through `graded`.

pub mod graded;
pub mod idempotency;
pub mod manual;
pub mod regrade;
pub mod routes;
pub mod snapshot;
pub mod store;
pub mod sweep;
pub mod view;

pub fn routes(r: &mut crate::api_routes::ApiRoutes) {
    routes::routes(r);
    manual::routes(r);
    regrade::routes(r);
}
