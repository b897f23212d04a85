//! The API test suite: one binary, one file per domain, all through the real HTTP stack.

mod attempts;
mod auth;
mod certificates;
mod contract;
mod courses_authoring;
mod courses_catalog;
mod courses_cli;
mod digest;
mod drafts;
mod editions;
mod enrollments;
mod grading_queue;
mod hardening;
mod hardening_input;
mod helpers;
mod mail;
mod ops;
mod orgs;
mod progress;
mod quiz_settings;
mod reports;
mod reports_progress;
mod schema_check;
mod submit_body;
mod tokens;
