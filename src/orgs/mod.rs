//! Organizations (colleges, platform academies, enterprises), their members and roles, invitations
//! by email, CSV member import, and cohorts.

pub mod access;
pub mod cohorts;
pub mod dto;
pub mod import;
pub mod invitations;
pub mod members;
pub mod routes;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    routes::routes(cfg);
    members::routes(cfg);
    cohorts::routes(cfg);
    invitations::routes(cfg);
}
