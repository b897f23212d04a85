//! The organizations area in the database: plain functions of a connection, one file per topic,
//! that the handlers call inside `db::run` / `db::transaction` once `access.rs` has checked the
//! caller's role. Rows are looked up under the organization that check was made for, so another
//! organization's member or invitation is not found.

pub mod cohorts;
pub mod error;
pub mod invitations;
pub mod members;
pub mod orgs;

pub use error::OrgsError;
