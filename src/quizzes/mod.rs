//! The quiz engine's pure core: reading a student's response to a question, drawing the
//! variables of calculated questions, and grading responses and whole attempts. No database and
//! no HTTP here; attempts, storage and the endpoints build on it.
//!
//! - [`response`]: [`Response`] and [`parse_response`], the API's JSON shape per question kind,
//!   checked against the question (ids, duplicates, lengths, finite numbers); errors carry a
//!   stable [`ResponseError::code`].
//! - [`draw`]: [`Draw`], [`draw_variables`] (seeded, uniform on the `decimals` grid),
//!   [`render_prompt`] and [`expected_answer`] for calculated questions.
//! - [`grading`]: [`grade`] one response; its module doc is the scoring scheme of every kind, as
//!   instructors are told it.
//! - [`quiz`]: [`grade_quiz`], the sum over an attempt.
//! - `text`: the normalisation short-text answers are compared in.
//!
//! A question comes from the course-file model ([`crate::courses::format::Question`]).

pub mod draw;
pub mod grading;
pub mod quiz;
pub mod response;
pub mod results;
pub mod text;
pub mod wire;

#[cfg(test)]
mod tests_draw;
#[cfg(test)]
mod tests_fixture;
#[cfg(test)]
mod tests_grading;
#[cfg(test)]
mod tests_response;

pub use draw::{draw_variables, expected_answer, render_prompt, Draw, ExpectedError};
pub use grading::{grade, grade_missing, within_tolerance, Correctness, Grade};
pub use quiz::{grade_quiz, QuestionGrade, QuizGrade};
pub use response::{
    parse_response, Response, ResponseError, ESSAY_MAX_CHARS, SHORT_TEXT_MAX_CHARS,
};
