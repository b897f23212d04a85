//! Reports for colleges and academies, each scoped to the organization in the path: only that
//! organization's own trainees are counted, and another organization's ids find nothing.
//! Progress and competencies are paginated JSON or streamed CSV (`csv_stream`); all three share
//! the filters of `filters`. The handlers (`progress`, `competencies`, `quiz`) build the reports;
//! their queries are in `store`.

pub mod competencies;
pub mod csv_stream;
pub mod filters;
pub mod progress;
pub mod quiz;
pub mod stats;
pub mod store;

pub fn routes(r: &mut crate::api_routes::ApiRoutes) {
    quiz::routes(r);
    r.add(progress::__path_progress_report, progress::progress_report)
        .add(
            competencies::__path_competencies_report,
            competencies::competencies_report,
        );
}
