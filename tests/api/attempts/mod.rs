//! Enrollment and quiz attempts through the HTTP stack: taking a quiz without ever seeing its keys,
//! autosave, grading with the documented scoring schemes, review policies, parallel starts and
//! submits, idempotency keys, bad input that stores nothing, deadlines and published versions.

mod bad_input;
mod deadlines;
mod idempotency;
mod parallel;
mod review;
mod taking;
mod versions;
