//! Fixture builders shared by the API test files, one copy each, by topic. The harness itself
//! (spawn_app, TestApp, Reply, the SMTP inbox) is in `helpers`; test files import builders from
//! here or from `helpers`, never from one another.

pub mod accounts;
pub mod attempts;
pub mod authoring;
pub mod catalog;
pub mod certificates;
pub mod courses;
pub mod leaks;
pub mod quizzes;
pub mod reports;
