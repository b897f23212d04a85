//! The quiz report: how an organization's trainees did on one quiz. Attempts are counted only for
//! members of the organization in the path, optionally narrowed to a cohort and a submission date
//! range. Per question: facility, discrimination and, for choice questions, how often each option
//! was picked: computed here from the attempts the store finds, against the quiz of the course's
//! published version.

use crate::api_routes::ApiRoutes;
use std::collections::BTreeMap;

use serde_json::Value;

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::csv_stream::{self, opt};
use super::filters::{parse_day, parse_id, require_cohort_of, wants_csv};
use super::stats::{correlation, mean};
use super::store;
use crate::attempts::snapshot::{quiz_of, Snapshot};
use crate::attempts::store::quiz_home;
use crate::attempts::store::AttemptRow;
use crate::auth::AuthUser;
use crate::courses::access;
use crate::courses::format::QuestionKind;
use crate::db;
use crate::db::sql_types::{CohortId, CourseId, ItemId, OrgId, UserId};
use crate::domain::Role;
use crate::error::{ApiError, ApiResult, Problem};
use crate::orgs::access::require_role;
use crate::quizzes::QuizGrade;
use crate::state::AppState;

pub fn routes(r: &mut ApiRoutes) {
    r.add(__path_quiz_report, quiz_report);
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    /// Only members of this cohort (of the same organization).
    pub cohort_id: Option<String>,
    /// First submission day counted (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Last submission day counted (YYYY-MM-DD, UTC).
    pub to: Option<String>,
    /// Only one course's quizzes (accepted for symmetry with the other reports; a quiz has one course).
    pub course_id: Option<String>,
    /// json (default) or csv (a row per question); `Accept: text/csv` asks for CSV too.
    pub format: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuizReport {
    #[schema(value_type = String, format = Uuid)]
    pub quiz_id: ItemId,
    pub title: String,
    /// Closed attempts counted.
    pub attempts: usize,
    pub students: usize,
    /// Mean share of points over the attempts, 0..=1.
    pub mean_share: Option<f64>,
    /// Share of attempts at or above the passing score.
    pub pass_rate: Option<f64>,
    /// Students whose result by the quiz's grading method (highest, latest, first or average
    /// attempt) reaches the passing score.
    pub students_passed: usize,
    pub questions: Vec<QuestionStats>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionStats {
    /// The question's id in quiz.toml.
    pub key: String,
    pub kind: String,
    pub answered: usize,
    /// Mean share of the question's points earned (0 hard .. 1 easy).
    pub facility: Option<f64>,
    /// Correlation of the question's share with the rest of the attempt (-1..1; under 0.2 is weak).
    pub discrimination: Option<f64>,
    /// Choice questions: how many attempts picked each option.
    pub option_frequencies: BTreeMap<String, usize>,
}

#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/reports/quizzes/{quiz_id}", tag = "reports", security(("bearer" = [])),
    params(("org_id" = String, Path), ("quiz_id" = String, Path), ReportFilter),
    responses((status = 200, description = "the report as JSON; with `Accept: text/csv` or `format=csv`, a CSV row per question", content((QuizReport = "application/json"), (String = "text/csv"))), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn quiz_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(OrgId, ItemId)>,
    filter: web::Query<ReportFilter>,
) -> ApiResult<HttpResponse> {
    let (org_id, quiz_id) = path.into_inner();
    let f = filter.into_inner();
    let cohort = parse_id("cohort_id", f.cohort_id.as_deref())?.map(CohortId);
    let course_filter = parse_id("course_id", f.course_id.as_deref())?.map(CourseId);
    let csv = wants_csv(&req, f.format.as_deref())?;
    let (from, to) = (
        parse_day("from", f.from.as_deref(), false)?,
        parse_day("to", f.to.as_deref(), true)?,
    );
    if let (Some(a), Some(b)) = (from, to) {
        if a > b {
            return Err(ApiError::bad_request("invalid_query", "from is after to"));
        }
    }
    let report = db::run(&state.pool, move |conn| {
        let role = require_role(conn, user.id, org_id, Role::Instructor)?;
        let (course_id, slug) = quiz_home(conn, quiz_id)?;
        if course_filter.is_some_and(|c| c != course_id) {
            return Err(ApiError::NotFound);
        }
        let course = access::viewable(conn, Some(user.id), course_id)?;
        // Org admins see every quiz; instructors only the courses they author.
        if role < Role::OrgAdmin && !access::is_author(conn, user.id, &course)? {
            return Err(ApiError::Forbidden);
        }
        let version = course.published_version_id.ok_or(ApiError::NotFound)?;
        let file = crate::courses::store::parse_stored(
            &crate::courses::store::version_files(conn, version)?.1,
        )?;
        let quiz = quiz_of(&file, &slug).cloned().ok_or(ApiError::NotFound)?;
        // The cohort must belong to this organization: another's cohort id finds nothing.
        require_cohort_of(conn, org_id, cohort)?;
        let attempts = store::quiz_attempts_of(conn, org_id, quiz_id, cohort, from, to)?;
        build(quiz_id, &quiz, &attempts)
    })
    .await?;
    if csv {
        return questions_csv(&report);
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The per-question statistics as CSV, a row per question; small, so built whole.
fn questions_csv(report: &QuizReport) -> ApiResult<HttpResponse> {
    let header = [
        "question_key",
        "kind",
        "answered",
        "facility",
        "discrimination",
        "option_frequencies",
    ];
    let records = report.questions.iter().map(|q| {
        let frequencies: Vec<String> = q
            .option_frequencies
            .iter()
            .map(|(option, n)| format!("{option}={n}"))
            .collect();
        vec![
            q.key.clone(),
            q.kind.clone(),
            q.answered.to_string(),
            opt(q.facility),
            opt(q.discrimination),
            frequencies.join(";"),
        ]
    });
    csv_stream::respond_whole(
        &format!("quiz-{}.csv", report.quiz_id),
        header.map(String::from).to_vec(),
        records,
    )
}

/// A closed attempt with its stored grade, questions and answers decoded.
type Graded<'a> = (
    &'a AttemptRow,
    QuizGrade,
    Vec<Snapshot>,
    BTreeMap<String, Value>,
);

fn build(
    quiz_id: ItemId,
    quiz: &crate::courses::format::Quiz,
    attempts: &[AttemptRow],
) -> ApiResult<QuizReport> {
    let mut graded: Vec<Graded> = Vec::new();
    for a in attempts {
        if let Some(g) = a.grade()? {
            graded.push((a, g, a.snapshots()?, a.saved()?));
        }
    }
    let shares: Vec<f64> = graded.iter().map(|(_, g, _, _)| g.share).collect();
    let mut students: Vec<UserId> = graded.iter().map(|(a, _, _, _)| a.user_id).collect();
    students.sort();
    students.dedup();
    let passing = quiz.settings.passing_score;
    let students_passed = students
        .iter()
        .filter(|student| {
            let mut mine: Vec<(&AttemptRow, f64)> = graded
                .iter()
                .filter(|(a, _, _, _)| a.user_id == **student)
                .map(|(a, g, _, _)| (*a, g.share))
                .collect();
            mine.sort_by_key(|(a, _)| a.number);
            let shares: Vec<f64> = mine.iter().map(|(_, s)| *s).collect();
            crate::quizzes::results::final_share(quiz.settings.grading_method, &shares)
                .is_some_and(|s| s + 1e-9 >= passing)
        })
        .count();
    let questions = quiz
        .questions
        .iter()
        .map(|q| {
            let mut item = Vec::new();
            let mut frequencies: BTreeMap<String, usize> = BTreeMap::new();
            for (_, g, snapshots, saved) in &graded {
                let Some(p) = g.per_question.iter().find(|p| p.question_id == q.id) else {
                    continue;
                };
                if p.grade.max <= 0.0 {
                    continue;
                }
                let share = p.grade.score / p.grade.max;
                let rest_max = g.max - p.grade.max;
                let rest = if rest_max > 0.0 {
                    (g.score - p.grade.score) / rest_max
                } else {
                    0.0
                };
                item.push((share, rest, p.answered));
                if let (
                    QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. },
                    Some(snap),
                ) = (&q.kind, snapshots.iter().find(|s| s.key == q.id))
                {
                    let response = saved.get(&snap.question_id.to_string());
                    let picks: Vec<String> = match response {
                        Some(v) if v.get("choice").is_some() => v["choice"]
                            .as_str()
                            .map(str::to_owned)
                            .into_iter()
                            .collect(),
                        Some(v) => v["choices"]
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|x| x.as_str().map(str::to_owned))
                                    .collect()
                            })
                            .unwrap_or_default(),
                        None => Vec::new(),
                    };
                    for pick in picks {
                        *frequencies.entry(pick).or_default() += 1;
                    }
                }
            }
            let answered = item.iter().filter(|(_, _, a)| *a).count();
            QuestionStats {
                key: q.id.clone(),
                kind: q.kind.tag().as_str().to_owned(),
                answered,
                facility: mean(&item.iter().map(|(s, _, _)| *s).collect::<Vec<_>>()),
                discrimination: correlation(
                    &item.iter().map(|(s, r, _)| (*s, *r)).collect::<Vec<_>>(),
                ),
                option_frequencies: frequencies,
            }
        })
        .collect();
    Ok(QuizReport {
        quiz_id,
        title: quiz.settings.title.clone(),
        attempts: graded.len(),
        students: students.len(),
        mean_share: mean(&shares),
        students_passed,
        pass_rate: mean(
            &shares
                .iter()
                .map(|s| if *s + 1e-9 >= passing { 1.0 } else { 0.0 })
                .collect::<Vec<_>>(),
        ),
        questions,
    })
}
