//! The progress and competencies reports: exactly the organization's own trainees, filters by
//! cohort, course and dates, an instructor limited to their courses, keyset pages, and the same
//! rows streamed as CSV. Another organization's ids find nothing.

mod competencies;
mod paging;
mod progress_report;
