//! Caravan: a learning-management backend for cross-border e-commerce talent.
//!
//! The library holds everything; `main.rs` is a thin CLI. A request flows one way:
//! route -> extractor -> DTO -> domain type -> `db::run` (blocking pool) -> query functions in one
//! transaction -> response DTO. See README.md for the architecture in a paragraph.

pub mod admin;
pub mod api;
pub mod api_routes;
pub mod attempts;
pub mod auth;
pub mod catalog;
pub mod certificates;
pub mod config;
pub mod courses;
pub mod created;
pub mod db;
pub mod domain;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod jobs;
pub mod learning;
pub mod mail;
pub mod openapi;
pub mod ops;
pub mod orgs;
pub mod pagination;
pub mod publishing;
pub mod quizzes;
pub mod reports;
pub mod schema;
pub mod security;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod unmatched;
pub mod webapp;
