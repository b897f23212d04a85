//! Organizations, members, invitations, CSV import, cohorts, and isolation between organizations.

mod cohorts;
mod isolation;
mod membership;
mod organizations;
