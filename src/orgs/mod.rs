//! Organizations (colleges, platform academies, enterprises), their members and roles, invitations
//! by email (sent, pending and answered), CSV member import, and cohorts.
//!
//! The endpoint files are handlers; their queries are in `store/`, and who may do what is checked
//! by `access.rs`.

pub mod access;
pub mod cohorts;
pub mod dto;
pub mod import;
pub mod invitations;
pub mod members;
pub mod pending;
pub mod routes;
pub mod store;

pub fn routes(r: &mut crate::api_routes::ApiRoutes) {
    routes::routes(r);
    members::routes(r);
    cohorts::routes(r);
    invitations::routes(r);
    pending::routes(r);
}
