//! The course the authoring tests build through the API (the Incoterms basics: one module, two
//! lessons, a four-question quiz), its request bodies, and readers of what was stored: versions,
//! exports, draft questions and validation reports.

use caravan::db::sql_types::{Id, JsonValue, Timestamp};
use caravan::schema::course_versions;
use diesel::prelude::*;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{id_of, COMPETENCY};

pub const QUIZ_FILE: &str = "01-basics/quiz.toml";

pub fn course_body(slug: &str, org_id: Option<&str>) -> Value {
    let mut body = json!({
        "slug": slug,
        "title": "Incoterms 2020 for marketplace sellers",
        "summary": "Where risk and cost pass from seller to buyer under the eleven rules.",
        "language": "en",
        "level": "beginner",
        "estimated_hours": 4,
        "competencies": [COMPETENCY],
        "markets": ["DE", "FR"],
    });
    if let Some(org) = org_id {
        body["org_id"] = json!(org);
    }
    body
}

pub fn lesson_text(title: &str) -> String {
    format!(
        "# {title}\n\nUnder CFR and CIF the seller pays carriage to the destination port, but risk \
         passes when the goods are on board at the port of shipment.\n\n## Sources\n\n\
         - ICC, Incoterms 2020, ICC publication No. 723E, rules CFR and CIF.\n"
    )
}

pub fn lesson_body(slug: &str, title: &str) -> Value {
    json!({
        "slug": slug,
        "title": title,
        "minutes": 15,
        "competencies": [COMPETENCY],
        "body": lesson_text(title),
    })
}

/// The single-choice question on where the risk passes under CFR, with `answer` as its key.
pub fn cfr_risk_question(id: &str, answer: &str) -> Value {
    json!({
        "id": id,
        "kind": "single_choice",
        "prompt": "You sell **CFR Hamburg**. Where does the risk pass to the buyer?",
        "points": 1,
        "competencies": [COMPETENCY],
        "feedback": "Under the C rules risk passes at shipment.",
        "options": [
            {"id": "a", "text": "On board the vessel at the port of shipment"},
            {"id": "b", "text": "On arrival in Hamburg"},
        ],
        "answer": answer,
    })
}

pub fn quiz_body() -> Value {
    json!({
        "slug": "basics-quiz",
        "title": "Check: the basics",
        "passing_score": 0.7,
        "attempt_limit": 3,
        "time_limit_minutes": 20,
        "shuffle_questions": true,
        "shuffle_options": false,
        "grading_method": "highest",
        "review": "immediately",
        "draw": 0,
        "questions": [
            cfr_risk_question("cfr-risk", "a"),
            {
                "id": "sea-rules",
                "kind": "multiple_choice",
                "prompt": "Which rules are for sea and inland waterway transport only?",
                "points": 2,
                "competencies": [COMPETENCY],
                "options": [
                    {"id": "a", "text": "FOB"},
                    {"id": "b", "text": "FCA"},
                    {"id": "c", "text": "CIF"},
                    {"id": "d", "text": "DAP"},
                ],
                "answers": ["a", "c"],
            },
            {
                "id": "cif-cover",
                "kind": "numeric",
                "prompt": "CIF requires insurance of at least what share of the contract price, in per cent?",
                "points": 1,
                "competencies": [COMPETENCY],
                "answer": 110,
                "tolerance": 0,
                "tolerance_kind": "absolute",
                "unit": "%",
            },
            {
                "id": "unloading-rule",
                "kind": "short_text",
                "prompt": "Which rule obliges the seller to unload at destination? Give the code.",
                "points": 1,
                "competencies": [COMPETENCY],
                "accepted": ["DPU", "Delivered at Place Unloaded"],
                "case_sensitive": false,
            },
        ],
    })
}

/// The ids of a course built by `build_course`.
pub struct Built {
    pub id: String,
    pub module: String,
    pub lessons: Vec<String>,
    pub quiz: String,
}

/// A draft course with module `basics`, two lessons and a four-question quiz.
pub async fn build_course(app: &TestApp, token: &str, slug: &str, org_id: Option<&str>) -> Built {
    let created = app
        .post("/courses", Some(token), course_body(slug, org_id))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = id_of(&created);
    let module = app
        .post(
            &format!("/courses/{id}/modules"),
            Some(token),
            json!({"slug": "basics", "title": "The basics", "summary": "Risk, cost and the eleven rules."}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    let module = id_of(&module);
    let mut lessons = Vec::new();
    for (lesson, title) in [
        ("how-rules-work", "How the rules work"),
        ("risk-and-cost", "Where risk and cost pass"),
    ] {
        let created = app
            .post(
                &format!("/modules/{module}/lessons"),
                Some(token),
                lesson_body(lesson, title),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        lessons.push(id_of(&created));
    }
    let quiz = app
        .post(
            &format!("/modules/{module}/quizzes"),
            Some(token),
            quiz_body(),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    Built {
        id,
        module,
        lessons,
        quiz: id_of(&quiz),
    }
}

/// The ids listed by GET /courses (optionally with a query) for `token`.
pub async fn catalog_ids(app: &TestApp, token: Option<&str>, query: &str) -> Vec<String> {
    let list = app.get(&format!("/courses{query}"), token).await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The course's files as GET /courses/{id}/export returns them.
pub async fn export(app: &TestApp, token: &str, course: &str, draft: bool) -> Value {
    let query = if draft { "?version=draft" } else { "" };
    let files = app
        .get(&format!("/courses/{course}/export{query}"), Some(token))
        .await;
    assert_eq!(files.status, 200, "{}", files.body);
    files.body["files"].clone()
}

/// Every stored version of the course as (number, files, published), by number.
pub async fn versions(app: &TestApp, course: &str) -> Vec<(i32, Value, bool)> {
    let id: Id = course.parse().expect("course id");
    app.db(move |c| {
        course_versions::table
            .filter(course_versions::course_id.eq(id))
            .order(course_versions::number)
            .select((
                course_versions::number,
                course_versions::files,
                course_versions::published_at,
            ))
            .load::<(i32, JsonValue, Option<Timestamp>)>(c)
            .expect("course versions")
            .into_iter()
            .map(|(number, files, published)| (number, files.0, published.is_some()))
            .collect()
    })
    .await
}

/// The questions of a quiz as its authors read them in the draft.
pub async fn draft_questions(app: &TestApp, token: &str, quiz: &str) -> Vec<Value> {
    let list = app
        .get(
            &format!("/quizzes/{quiz}/questions?version=draft"),
            Some(token),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body.as_array().expect("a list of questions").clone()
}

pub fn question<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("no question {id} in {list:?}"))
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
pub fn line_starting(text: &str, prefix: &str) -> u64 {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}")) as u64
        + 1
}

/// The lesson titles of the first module of a course view.
pub fn lesson_titles(view: &Value) -> Vec<String> {
    view["modules"][0]["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| l["title"].as_str().expect("title").to_owned())
        .collect()
}

/// Asserts an `invalid_course` 422 whose report has one entry for `file`; returns that entry.
#[track_caller]
pub fn assert_report(reply: &Reply, file: &str) -> Value {
    reply.assert_problem(422, "invalid_course");
    let report = reply.body["report"]
        .as_array()
        .unwrap_or_else(|| panic!("no report in {}", reply.body));
    let entry = report
        .iter()
        .find(|e| e["file"] == file)
        .unwrap_or_else(|| panic!("no report entry for {file} in {}", reply.body));
    entry.clone()
}
