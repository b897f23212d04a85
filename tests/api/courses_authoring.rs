//! Course authoring through the HTTP stack: building a course (modules, lessons, a quiz and its
//! questions), drafts over published versions, who may edit, publish, archive and delete, and bad
//! input that must leave the stored course exactly as it was.

use caravan::db::sql_types::{Id, JsonValue, Timestamp};
use caravan::schema::course_versions;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;

const COMPETENCY: &str = "trade.incoterms";
const QUIZ_FILE: &str = "01-basics/quiz.toml";

// ---------- request bodies ----------

fn course_body(slug: &str, org_id: Option<&str>) -> Value {
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

fn lesson_text(title: &str) -> String {
    format!(
        "# {title}\n\nUnder CFR and CIF the seller pays carriage to the destination port, but risk \
         passes when the goods are on board at the port of shipment.\n\n## Sources\n\n\
         - ICC, Incoterms 2020, ICC publication No. 723E, rules CFR and CIF.\n"
    )
}

fn lesson_body(slug: &str, title: &str) -> Value {
    json!({
        "slug": slug,
        "title": title,
        "minutes": 15,
        "competencies": [COMPETENCY],
        "body": lesson_text(title),
    })
}

fn single_choice(id: &str, answer: &str) -> Value {
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

fn quiz_body() -> Value {
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
            single_choice("cfr-risk", "a"),
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

// ---------- fixtures ----------

/// A platform admin and one organization with its admin.
struct Org {
    root: String,
    id: String,
    admin: String,
}

async fn org(app: &TestApp, slug: &str) -> Org {
    let root = app.platform_admin().await;
    let (id, admin) = app.org_with_admin(&root, slug).await;
    Org { root, id, admin }
}

/// A second organization under the same platform admin.
async fn other_org(app: &TestApp, first: &Org, slug: &str) -> Org {
    let (id, admin) = app.org_with_admin(&first.root, slug).await;
    Org {
        root: first.root.clone(),
        id,
        admin,
    }
}

/// Registers `email` and adds them to `org` with `role`; returns (token, user id).
async fn member(app: &TestApp, org: &Org, email: &str, role: &str) -> (String, String) {
    let (token, id) = app.user(email).await;
    let added = app
        .add_member(
            &format!("/orgs/{}/members", org.id),
            Some(&org.admin),
            json!({"email": email, "role": role}),
        )
        .await;
    assert_eq!(added.status, 201, "add {email}: {}", added.body);
    (token, id)
}

/// The ids of a course built by `build_course`.
struct Built {
    id: String,
    module: String,
    lessons: Vec<String>,
    quiz: String,
}

fn id_of(reply: &Reply) -> String {
    reply.body["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {}", reply.body))
        .to_owned()
}

/// A draft course with module `basics`, two lessons and a four-question quiz.
async fn build_course(app: &TestApp, token: &str, slug: &str, org_id: Option<&str>) -> Built {
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

async fn publish(app: &TestApp, token: &str, course: &str) -> Reply {
    let published = app
        .post(
            &format!("/courses/{course}/publish"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    published
}

/// The ids listed by GET /courses (optionally with a query) for `token`.
async fn catalog_ids(app: &TestApp, token: Option<&str>, query: &str) -> Vec<String> {
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
async fn export(app: &TestApp, token: &str, course: &str, draft: bool) -> Value {
    let query = if draft { "?version=draft" } else { "" };
    let files = app
        .get(&format!("/courses/{course}/export{query}"), Some(token))
        .await;
    assert_eq!(files.status, 200, "{}", files.body);
    files.body["files"].clone()
}

/// Every stored version of the course as (number, files, published), by number.
async fn versions(app: &TestApp, course: &str) -> Vec<(i32, Value, bool)> {
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
async fn draft_questions(app: &TestApp, token: &str, quiz: &str) -> Vec<Value> {
    let list = app
        .get(
            &format!("/quizzes/{quiz}/questions?version=draft"),
            Some(token),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body.as_array().expect("a list of questions").clone()
}

fn question<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("no question {id} in {list:?}"))
}

/// The 1-based line of the first line of `text` that starts with `prefix`.
fn line_starting(text: &str, prefix: &str) -> u64 {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix:?} in\n{text}")) as u64
        + 1
}

/// The lesson titles of the first module of a course view.
fn lesson_titles(view: &Value) -> Vec<String> {
    view["modules"][0]["lessons"]
        .as_array()
        .expect("lessons")
        .iter()
        .map(|l| l["title"].as_str().expect("title").to_owned())
        .collect()
}

/// Asserts an `invalid_course` 422 whose report has one entry for `file`; returns that entry.
#[track_caller]
fn assert_report(reply: &Reply, file: &str) -> Value {
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

// ---------- 1. building and publishing ----------

#[tokio::test]
async fn an_instructor_builds_a_course_end_to_end_and_only_those_who_may_see_it_find_it_published()
{
    let app = spawn_app().await;
    let college = org(&app, "yiwu-icc").await;
    let (instructor, instructor_id) =
        member(&app, &college, "teacher@yiwu.test", "instructor").await;
    let (student, _) = member(&app, &college, "student@yiwu.test", "student").await;
    let elsewhere = other_org(&app, &college, "ningbo-poly").await;
    let (foreign_student, _) = member(&app, &elsewhere, "student@ningbo.test", "student").await;
    let (outsider, _) = app.user("outsider@example.com").await;

    let created = app
        .post(
            "/courses",
            Some(&instructor),
            course_body("incoterms-basics", Some(&college.id)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["status"], "draft");
    assert_eq!(created.body["version"], 1);
    assert_eq!(created.body["slug"], "incoterms-basics");
    assert_eq!(created.body["org_id"], college.id.as_str());
    assert_eq!(created.body["owner_id"], instructor_id.as_str());
    assert_eq!(created.body["competencies"], json!([COMPETENCY]));
    assert_eq!(created.body["modules"], json!([]));
    let course = id_of(&created);

    let module = app
        .post(
            &format!("/courses/{course}/modules"),
            Some(&instructor),
            json!({"slug": "basics", "title": "The basics"}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    assert_eq!(module.body["course_id"], course.as_str());
    assert_eq!(module.body["slug"], "basics");
    assert_eq!(module.body["position"], 1);
    assert_eq!(module.body["lessons"], json!([]));
    assert_eq!(module.body["quiz"], Value::Null);
    let module = id_of(&module);

    let mut lessons = Vec::new();
    for (slug, title) in [
        ("how-rules-work", "How the rules work"),
        ("risk-and-cost", "Where risk and cost pass"),
    ] {
        let lesson = app
            .post(
                &format!("/modules/{module}/lessons"),
                Some(&instructor),
                lesson_body(slug, title),
            )
            .await;
        assert_eq!(lesson.status, 201, "{}", lesson.body);
        assert_eq!(lesson.body["module_id"], module.as_str());
        assert_eq!(lesson.body["course_id"], course.as_str());
        assert_eq!(lesson.body["slug"], slug);
        lessons.push(id_of(&lesson));
    }
    let read = app
        .get(
            &format!("/lessons/{}?version=draft", lessons[1]),
            Some(&instructor),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["title"], "Where risk and cost pass");
    assert_eq!(read.body["position"], 2);
    assert_eq!(read.body["minutes"], 15);
    assert_eq!(read.body["body"], lesson_text("Where risk and cost pass"));

    let quiz = app
        .post(
            &format!("/modules/{module}/quizzes"),
            Some(&instructor),
            quiz_body(),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    let quiz = id_of(&quiz);
    let questions = draft_questions(&app, &instructor, &quiz).await;
    let kinds: Vec<&str> = questions
        .iter()
        .map(|q| q["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["single_choice", "multiple_choice", "numeric", "short_text"]
    );
    assert_eq!(question(&questions, "cfr-risk")["answer"], "a");
    assert_eq!(
        question(&questions, "sea-rules")["answers"],
        json!(["a", "c"])
    );
    assert_eq!(question(&questions, "cif-cover")["answer"], 110);
    assert_eq!(
        question(&questions, "unloading-rule")["accepted"],
        json!(["DPU", "Delivered at Place Unloaded"])
    );
    assert!(questions.iter().all(|q| q["question_id"].is_string()));

    let draft = app
        .get(
            &format!("/courses/{course}?version=draft"),
            Some(&instructor),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(
        lesson_titles(&draft.body),
        ["How the rules work", "Where risk and cost pass"]
    );
    assert_eq!(draft.body["modules"][0]["quiz"]["id"], quiz.as_str());
    assert_eq!(draft.body["modules"][0]["quiz"]["question_count"], 4);

    // Nobody but its authors finds a draft.
    for token in [Some(student.as_str()), None] {
        assert!(!catalog_ids(&app, token, "").await.contains(&course));
    }

    let published = publish(&app, &instructor, &course).await;
    assert_eq!(published.body["status"], "published");
    assert_eq!(published.body["version"], 1);
    assert_eq!(published.body["has_draft"], false);
    assert!(published.body["published_at"].is_string());

    // An organization's course: its members see it, nobody else does.
    assert!(catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    for token in [
        Some(outsider.as_str()),
        Some(foreign_student.as_str()),
        None,
    ] {
        assert!(
            !catalog_ids(&app, token, "").await.contains(&course),
            "an outsider lists an organization's course"
        );
    }
    let seen = app.get(&format!("/courses/{course}"), Some(&student)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(seen.body["modules"][0]["quiz"]["question_count"], 4);
    assert!(
        seen.body["modules"][0]["quiz"].get("questions").is_none(),
        "course views carry no questions: {}",
        seen.body
    );
    for token in [
        Some(outsider.as_str()),
        Some(foreign_student.as_str()),
        None,
    ] {
        app.get(&format!("/courses/{course}"), token)
            .await
            .assert_problem(404, "not_found");
    }

    // A platform-wide course: everyone sees it once published.
    let platform = build_course(&app, &college.root, "platform-incoterms", None).await;
    assert!(!catalog_ids(&app, None, "").await.contains(&platform.id));
    publish(&app, &college.root, &platform.id).await;
    for token in [
        None,
        Some(outsider.as_str()),
        Some(student.as_str()),
        Some(foreign_student.as_str()),
    ] {
        assert!(catalog_ids(&app, token, "").await.contains(&platform.id));
        let view = app.get(&format!("/courses/{}", platform.id), token).await;
        assert_eq!(view.status, 200, "{}", view.body);
    }

    let files = export(&app, &instructor, &course, false).await;
    let names: Vec<&String> = files.as_object().expect("files").keys().collect();
    assert_eq!(
        names,
        [
            "01-basics/01-how-rules-work.md",
            "01-basics/02-risk-and-cost.md",
            "01-basics/module.toml",
            QUIZ_FILE,
            "course.toml",
        ]
    );
    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 1, "one version, published in place");
    assert_eq!(stored[0].0, 1);
    assert_eq!(stored[0].1, files);
    assert!(stored[0].2, "the version is marked published");
    assert_eq!(app.count("courses").await, 2);
}

// ---------- 2. drafts over published versions ----------

#[tokio::test]
async fn editing_a_published_course_makes_a_draft_that_the_public_sees_only_once_it_is_published() {
    let app = spawn_app().await;
    let college = org(&app, "draft-college").await;
    let (owner, _) = member(&app, &college, "owner@draft.test", "instructor").await;
    let (student, _) = member(&app, &college, "student@draft.test", "student").await;
    let built = build_course(&app, &owner, "incoterms-drafts", Some(&college.id)).await;
    let course = built.id.clone();
    publish(&app, &owner, &course).await;
    let v1_files = export(&app, &owner, &course, false).await;
    let old_title = "Incoterms 2020 for marketplace sellers";

    let edited = app
        .patch(
            &format!("/courses/{course}"),
            Some(&owner),
            json!({"title": "Incoterms 2020, revised"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["title"], "Incoterms 2020, revised");
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.body["has_draft"], true);
    let added = app
        .post(
            &format!("/modules/{}/lessons", built.module),
            Some(&owner),
            lesson_body("dap-and-ddp", "DAP and DDP"),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let renamed = app
        .patch(
            &format!("/lessons/{}", built.lessons[0]),
            Some(&owner),
            json!({"title": "How the eleven rules work"}),
        )
        .await;
    assert_eq!(renamed.status, 204, "{}", renamed.body);

    // The public view and the catalog keep the published version.
    for token in [&student, &owner] {
        let public = app.get(&format!("/courses/{course}"), Some(token)).await;
        assert_eq!(public.status, 200, "{}", public.body);
        assert_eq!(public.body["title"], old_title);
        assert_eq!(public.body["version"], 1);
        assert_eq!(
            lesson_titles(&public.body),
            ["How the rules work", "Where risk and cost pass"]
        );
    }
    let listed = app.get("/courses", Some(&student)).await;
    let card = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == course.as_str())
        .expect("the course is listed")
        .clone();
    assert_eq!(card["title"], old_title);
    assert_eq!(card["status"], "published");
    let old_lesson = app
        .get(&format!("/lessons/{}", built.lessons[0]), Some(&owner))
        .await;
    assert_eq!(old_lesson.body["title"], "How the rules work");

    // The authors see the draft when they ask for it.
    let draft = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["title"], "Incoterms 2020, revised");
    assert_eq!(draft.body["version"], 2);
    assert_eq!(draft.body["has_draft"], true);
    assert_eq!(
        lesson_titles(&draft.body),
        [
            "How the eleven rules work",
            "Where risk and cost pass",
            "DAP and DDP"
        ]
    );

    assert_eq!(export(&app, &owner, &course, false).await, v1_files);
    let draft_files = export(&app, &owner, &course, true).await;
    assert_ne!(draft_files, v1_files);
    assert!(draft_files["01-basics/03-dap-and-ddp.md"].is_string());
    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (stored[0].0, &stored[0].1, stored[0].2),
        (1, &v1_files, true)
    );
    assert_eq!(
        (stored[1].0, &stored[1].1, stored[1].2),
        (2, &draft_files, false)
    );

    let published = publish(&app, &owner, &course).await;
    assert_eq!(published.body["version"], 2);
    assert_eq!(published.body["has_draft"], false);
    let public = app.get(&format!("/courses/{course}"), Some(&student)).await;
    assert_eq!(public.body["title"], "Incoterms 2020, revised");
    assert_eq!(public.body["version"], 2);
    assert_eq!(lesson_titles(&public.body).len(), 3);
    let listed = app.get("/courses?q=revised", Some(&student)).await;
    assert_eq!(
        listed.body["items"][0]["id"],
        course.as_str(),
        "{}",
        listed.body
    );
    assert_eq!(export(&app, &owner, &course, false).await, draft_files);
    app.post(
        &format!("/courses/{course}/publish"),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");

    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 2, "publishing adds no version");
    assert_eq!(stored[0].1, v1_files, "version 1 is kept unchanged");
    assert_eq!(stored[1].1, draft_files);
    assert!(stored[0].2 && stored[1].2);

    // The next edit opens version 3; both published versions stay as they were.
    let again = app
        .patch(
            &format!("/modules/{}", built.module),
            Some(&owner),
            json!({"title": "The basics, again"}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 3);
    assert_eq!((stored[2].0, stored[2].2), (3, false));
    assert_eq!(stored[0].1, v1_files);
    assert_eq!(stored[1].1, draft_files);
}

// ---------- 3. who may do what ----------

#[tokio::test]
async fn a_co_instructor_edits_the_course_but_only_its_owner_publishes_archives_or_deletes_it() {
    let app = spawn_app().await;
    let college = org(&app, "co-college").await;
    let (owner, owner_id) = member(&app, &college, "owner@co.test", "instructor").await;
    let (co, co_id) = member(&app, &college, "co@co.test", "instructor").await;
    let (colleague, _) = member(&app, &college, "colleague@co.test", "instructor").await;
    let (_, student_id) = member(&app, &college, "student@co.test", "student").await;
    let elsewhere = other_org(&app, &college, "co-elsewhere").await;
    let (_, foreign_id) = member(&app, &elsewhere, "teacher@else.test", "instructor").await;

    // Co-instructors are instructors of the course's organization; anything else stores nothing.
    for stranger in [&student_id, &foreign_id] {
        let mut body = course_body("incoterms-team", Some(&college.id));
        body["co_instructor_ids"] = json!([stranger]);
        app.post("/courses", Some(&owner), body)
            .await
            .assert_problem(422, "validation_failed");
    }
    assert_eq!(app.count("courses").await, 0);
    assert_eq!(app.count("course_versions").await, 0);

    let mut body = course_body("incoterms-team", Some(&college.id));
    body["co_instructor_ids"] = json!([co_id]);
    let created = app.post("/courses", Some(&owner), body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["owner_id"], owner_id.as_str());
    assert_eq!(created.body["co_instructor_ids"], json!([co_id]));
    let course = id_of(&created);
    assert_eq!(
        catalog_ids(&app, Some(&co), "?status=draft").await,
        [course.as_str()]
    );

    let edited = app
        .patch(
            &format!("/courses/{course}"),
            Some(&co),
            json!({"summary": "Edited by the co-instructor."}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["summary"], "Edited by the co-instructor.");
    let module = app
        .post(
            &format!("/courses/{course}/modules"),
            Some(&co),
            json!({"slug": "basics", "title": "The basics"}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    let module_id = id_of(&module);
    app.post(
        &format!("/modules/{module_id}/lessons"),
        Some(&co),
        lesson_body("first-steps", "First steps"),
    )
    .await
    .assert_status(201);

    // Another instructor of the organization sees the draft but may not touch it.
    app.patch(
        &format!("/courses/{course}"),
        Some(&colleague),
        json!({"title": "Mine now"}),
    )
    .await
    .assert_problem(403, "forbidden");
    // Only the owner changes who co-authors.
    app.patch(
        &format!("/courses/{course}"),
        Some(&co),
        json!({"co_instructor_ids": [co_id, owner_id]}),
    )
    .await
    .assert_problem(403, "forbidden");

    let before = export(&app, &owner, &course, true).await;
    for action in ["publish", "archive"] {
        app.post(&format!("/courses/{course}/{action}"), Some(&co), json!({}))
            .await
            .assert_problem(403, "forbidden");
    }
    app.delete(&format!("/courses/{course}"), Some(&co))
        .await
        .assert_problem(403, "forbidden");
    let still = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    assert_eq!(still.status, 200, "{}", still.body);
    assert_eq!(still.body["status"], "draft");
    assert_eq!(export(&app, &owner, &course, true).await, before);
    assert_eq!(app.count("courses").await, 1);

    let published = publish(&app, &owner, &course).await;
    assert_eq!(published.body["status"], "published");
    app.post(&format!("/courses/{course}/archive"), Some(&co), json!({}))
        .await
        .assert_problem(403, "forbidden");
    let public = app.get(&format!("/courses/{course}"), Some(&co)).await;
    assert_eq!(public.body["status"], "published");
}

#[tokio::test]
async fn a_student_of_the_organization_edits_nothing_and_never_sees_drafts_or_answer_keys() {
    let app = spawn_app().await;
    let college = org(&app, "student-college").await;
    let (owner, _) = member(&app, &college, "owner@student.test", "instructor").await;
    let (student, _) = member(&app, &college, "student@student.test", "student").await;

    // Students do not author courses; instructors name their organization; org admins may author.
    app.post(
        "/courses",
        Some(&student),
        course_body("student-course", Some(&college.id)),
    )
    .await
    .assert_problem(403, "forbidden");
    let orphan = app
        .post("/courses", Some(&owner), course_body("orphan-course", None))
        .await;
    orphan.assert_problem(422, "validation_failed");
    assert_eq!(orphan.body["errors"][0]["field"], "org_id");
    assert_eq!(app.count("courses").await, 0);
    let by_admin = app
        .post(
            "/courses",
            Some(&college.admin),
            course_body("admin-course", Some(&college.id)),
        )
        .await;
    assert_eq!(by_admin.status, 201, "{}", by_admin.body);

    let built = build_course(&app, &owner, "incoterms-students", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let question_id = draft_questions(&app, &owner, &built.quiz).await[0]["question_id"]
        .as_str()
        .expect("question id")
        .to_owned();
    // A pending draft on top of the published version.
    let edited = app
        .patch(
            &format!("/courses/{}", built.id),
            Some(&owner),
            json!({"title": "Draft title"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let before = versions(&app, &built.id).await;

    let course = &built.id;
    let edits: Vec<(Method, String, Value)> = vec![
        (
            Method::PATCH,
            format!("/courses/{course}"),
            json!({"title": "Mine"}),
        ),
        (
            Method::POST,
            format!("/courses/{course}/modules"),
            json!({"slug": "extra", "title": "Extra"}),
        ),
        (
            Method::PATCH,
            format!("/modules/{}", built.module),
            json!({"title": "Mine"}),
        ),
        (
            Method::POST,
            format!("/modules/{}/lessons", built.module),
            lesson_body("extra", "Extra"),
        ),
        (
            Method::PATCH,
            format!("/lessons/{}", built.lessons[0]),
            json!({"title": "Mine"}),
        ),
        (
            Method::PATCH,
            format!("/quizzes/{}", built.quiz),
            json!({"passing_score": 0.1}),
        ),
        (
            Method::POST,
            format!("/quizzes/{}/questions", built.quiz),
            single_choice("extra", "a"),
        ),
        (
            Method::PATCH,
            format!("/questions/{question_id}"),
            json!({"answer": "b"}),
        ),
        (
            Method::POST,
            format!("/courses/{course}/publish"),
            json!({}),
        ),
        (
            Method::POST,
            format!("/courses/{course}/archive"),
            json!({}),
        ),
    ];
    for (method, path, body) in edits {
        let reply = app
            .request(method.clone(), &path, Some(&student), Some(body))
            .await;
        assert_eq!(reply.status, 403, "{method} {path}: {}", reply.body);
        reply.assert_problem(403, "forbidden");
    }
    for path in [
        format!("/courses/{course}"),
        format!("/lessons/{}", built.lessons[1]),
        format!("/quizzes/{}", built.quiz),
        format!("/questions/{question_id}"),
    ] {
        let reply = app.delete(&path, Some(&student)).await;
        assert_eq!(reply.status, 403, "DELETE {path}: {}", reply.body);
    }
    // Answer keys are for authors: the student gets neither the questions nor the files.
    for path in [
        format!("/quizzes/{}/questions", built.quiz),
        format!("/quizzes/{}/questions?version=draft", built.quiz),
        format!("/quizzes/{}", built.quiz),
        format!("/courses/{course}/export"),
        format!("/courses/{course}/export?version=draft"),
    ] {
        let reply = app.get(&path, Some(&student)).await;
        assert_eq!(reply.status, 403, "GET {path}: {}", reply.body);
        assert!(
            !reply.body.to_string().contains("cfr-risk"),
            "GET {path} leaks questions: {}",
            reply.body
        );
    }
    assert_eq!(versions(&app, course).await, before, "nothing was stored");

    // The student reads the published version, whatever they ask for.
    let view = app
        .get(&format!("/courses/{course}?version=draft"), Some(&student))
        .await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["version"], 1);
    assert_eq!(view.body["title"], "Incoterms 2020 for marketplace sellers");

    // A course that was never published does not exist for the student.
    let draft = build_course(&app, &owner, "incoterms-unpublished", Some(&college.id)).await;
    assert_eq!(
        catalog_ids(&app, Some(&owner), "?status=draft").await,
        [draft.id.as_str()]
    );
    assert!(catalog_ids(&app, Some(&student), "?status=draft")
        .await
        .is_empty());
    assert!(!catalog_ids(&app, Some(&student), "")
        .await
        .contains(&draft.id));
    for path in [
        format!("/courses/{}", draft.id),
        format!("/courses/{}?version=draft", draft.id),
        format!("/courses/{}/modules", draft.id),
        format!("/modules/{}", draft.module),
        format!("/quizzes/{}/questions", draft.quiz),
    ] {
        let reply = app.get(&path, Some(&student)).await;
        assert_eq!(reply.status, 404, "GET {path}: {}", reply.body);
    }
    app.patch(
        &format!("/courses/{}", draft.id),
        Some(&student),
        json!({"title": "Mine"}),
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn an_instructor_of_another_organization_finds_nothing_on_any_authoring_route() {
    let app = spawn_app().await;
    let college = org(&app, "home-college").await;
    let (owner, _) = member(&app, &college, "owner@home.test", "instructor").await;
    let elsewhere = other_org(&app, &college, "rival-college").await;
    let (rival, _) = member(&app, &elsewhere, "teacher@rival.test", "instructor").await;

    // Not even a course in someone else's organization can be created.
    app.post(
        "/courses",
        Some(&rival),
        course_body("rival-course", Some(&college.id)),
    )
    .await
    .assert_problem(404, "not_found");

    let built = build_course(&app, &owner, "incoterms-home", Some(&college.id)).await;
    let unpublished = build_course(&app, &owner, "incoterms-home-draft", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let edited = app
        .patch(
            &format!("/courses/{}", built.id),
            Some(&owner),
            json!({"title": "Draft title"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);

    for b in [&built, &unpublished] {
        let before = versions(&app, &b.id).await;
        let question_id = draft_questions(&app, &owner, &b.quiz).await[0]["question_id"]
            .as_str()
            .expect("question id")
            .to_owned();
        let (course, module, lesson, quiz) = (&b.id, &b.module, &b.lessons[0], &b.quiz);
        let routes: Vec<(Method, String, Option<Value>)> = vec![
            (
                Method::PATCH,
                format!("/courses/{course}"),
                Some(json!({"title": "Ours"})),
            ),
            (Method::DELETE, format!("/courses/{course}"), None),
            (
                Method::POST,
                format!("/courses/{course}/publish"),
                Some(json!({})),
            ),
            (
                Method::POST,
                format!("/courses/{course}/archive"),
                Some(json!({})),
            ),
            (Method::GET, format!("/courses/{course}"), None),
            (
                Method::GET,
                format!("/courses/{course}?version=draft"),
                None,
            ),
            (Method::GET, format!("/courses/{course}/export"), None),
            (Method::GET, format!("/courses/{course}/modules"), None),
            (
                Method::POST,
                format!("/courses/{course}/modules"),
                Some(json!({"slug": "extra", "title": "Extra"})),
            ),
            (Method::GET, format!("/modules/{module}"), None),
            (
                Method::PATCH,
                format!("/modules/{module}"),
                Some(json!({"title": "Ours"})),
            ),
            (
                Method::POST,
                format!("/modules/{module}/lessons"),
                Some(lesson_body("extra", "Extra")),
            ),
            (
                Method::GET,
                format!("/lessons/{lesson}?version=draft"),
                None,
            ),
            (
                Method::PATCH,
                format!("/lessons/{lesson}"),
                Some(json!({"title": "Ours"})),
            ),
            (
                Method::POST,
                format!("/modules/{module}/quizzes"),
                Some(quiz_body()),
            ),
            (Method::GET, format!("/quizzes/{quiz}"), None),
            (
                Method::PATCH,
                format!("/quizzes/{quiz}"),
                Some(json!({"passing_score": 0.1})),
            ),
            (Method::GET, format!("/quizzes/{quiz}/questions"), None),
            (
                Method::GET,
                format!("/quizzes/{quiz}/questions?version=draft"),
                None,
            ),
            (
                Method::POST,
                format!("/quizzes/{quiz}/questions"),
                Some(single_choice("extra", "a")),
            ),
            (
                Method::PATCH,
                format!("/questions/{question_id}"),
                Some(json!({"answer": "b"})),
            ),
            (Method::DELETE, format!("/questions/{question_id}"), None),
            (Method::DELETE, format!("/quizzes/{quiz}"), None),
            (Method::DELETE, format!("/lessons/{lesson}"), None),
            (Method::DELETE, format!("/modules/{module}"), None),
        ];
        for (method, path, body) in routes {
            let reply = app.request(method.clone(), &path, Some(&rival), body).await;
            assert_eq!(reply.status, 404, "{method} {path}: {}", reply.body);
            reply.assert_problem(404, "not_found");
        }
        assert_eq!(versions(&app, &b.id).await, before, "nothing was stored");
    }
    assert!(catalog_ids(&app, Some(&rival), "?status=draft")
        .await
        .is_empty());
    assert!(!catalog_ids(&app, Some(&rival), "")
        .await
        .contains(&built.id));
    assert_eq!(app.count("courses").await, 2);
}

// ---------- 4. bad input ----------

#[tokio::test]
async fn invalid_courses_and_lessons_are_rejected_with_a_report_and_nothing_is_stored() {
    let app = spawn_app().await;
    let college = org(&app, "invalid-college").await;
    let (owner, _) = member(&app, &college, "owner@invalid.test", "instructor").await;

    let mut body = course_body("incoterms-invalid", Some(&college.id));
    body["competencies"] = json!([COMPETENCY, "trade.teleportation"]);
    let rejected = app.post("/courses", Some(&owner), body).await;
    let entry = assert_report(&rejected, "course.toml");
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown competency code \"trade.teleportation\""),
        "{entry}"
    );
    assert_eq!(app.count("courses").await, 0);
    assert_eq!(app.count("course_versions").await, 0);

    let built = build_course(&app, &owner, "incoterms-invalid", Some(&college.id)).await;
    let course = built.id.clone();
    let files = export(&app, &owner, &course, true).await;
    let manifest = files["course.toml"].as_str().expect("course.toml");
    assert_eq!(
        entry["line"],
        line_starting(manifest, "competencies"),
        "the report points at the competencies line"
    );
    let before = versions(&app, &course).await;
    let items = app.count("course_items").await;

    // A lesson with an unknown competency.
    let mut lesson = lesson_body("bad-competency", "A bad competency");
    lesson["competencies"] = json!(["trade.teleportation"]);
    let rejected = app
        .post(
            &format!("/modules/{}/lessons", built.module),
            Some(&owner),
            lesson,
        )
        .await;
    let entry = assert_report(&rejected, "01-basics/03-bad-competency.md");
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown competency code \"trade.teleportation\""),
        "{entry}"
    );
    let first_lesson = files["01-basics/01-how-rules-work.md"]
        .as_str()
        .expect("lesson file");
    assert_eq!(entry["line"], line_starting(first_lesson, "competencies"));

    // (A lesson without its sources is a draft now: see drafts.rs.)
    // The same mistakes made by editing.
    let rejected = app
        .patch(
            &format!("/lessons/{}", built.lessons[1]),
            Some(&owner),
            json!({"competencies": ["trade.teleportation"]}),
        )
        .await;
    assert_report(&rejected, "01-basics/02-risk-and-cost.md");
    let rejected = app
        .patch(
            &format!("/courses/{course}"),
            Some(&owner),
            json!({"competencies": ["trade.teleportation"]}),
        )
        .await;
    assert_report(&rejected, "course.toml");
    let rejected = app
        .patch(
            &format!("/courses/{course}"),
            Some(&owner),
            json!({"level": "expert"}),
        )
        .await;
    assert_eq!(rejected.status, 422, "{}", rejected.body);

    assert_eq!(versions(&app, &course).await, before, "nothing was stored");
    assert_eq!(export(&app, &owner, &course, true).await, files);
    assert_eq!(app.count("course_items").await, items);
    let view = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    assert_eq!(view.body["competencies"], json!([COMPETENCY]));
    assert_eq!(view.body["level"], "beginner");
    assert_eq!(lesson_titles(&view.body).len(), 2);
}

#[tokio::test]
async fn an_answer_naming_a_missing_option_is_reported_with_quiz_toml_and_its_line() {
    let app = spawn_app().await;
    let college = org(&app, "answer-college").await;
    let (owner, _) = member(&app, &college, "owner@answer.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-answers", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let before = versions(&app, &built.id).await;

    let rejected = app
        .post(
            &format!("/quizzes/{}/questions", built.quiz),
            Some(&owner),
            single_choice("fob-risk", "z"),
        )
        .await;
    let entry = assert_report(&rejected, QUIZ_FILE);
    assert_eq!(
        entry["message"],
        "question \"fob-risk\": answer \"z\" is not one of the options a, b"
    );
    let reported_line = entry["line"].as_u64().expect("a line number");
    assert_eq!(
        versions(&app, &built.id).await,
        before,
        "no draft was opened"
    );
    let view = app
        .get(
            &format!("/courses/{}?version=draft", built.id),
            Some(&owner),
        )
        .await;
    assert_eq!(view.body["has_draft"], false);

    // The same question with a valid answer lands on the same line of the stored file.
    let added = app
        .post(
            &format!("/quizzes/{}/questions", built.quiz),
            Some(&owner),
            single_choice("fob-risk", "b"),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let quiz_toml = export(&app, &owner, &built.id, true).await[QUIZ_FILE]
        .as_str()
        .expect("quiz.toml")
        .to_owned();
    let lines: Vec<&str> = quiz_toml.lines().collect();
    let at = usize::try_from(reported_line).expect("line") - 1;
    assert_eq!(lines.get(at), Some(&"answer = \"b\""), "{quiz_toml}");
    assert_eq!(
        lines[at..].iter().find(|l| l.starts_with("id = ")),
        Some(&"id = \"fob-risk\""),
        "line {reported_line} belongs to question fob-risk:\n{quiz_toml}"
    );

    // A whole quiz with the same mistake is refused too.
    let module = app
        .post(
            &format!("/courses/{}/modules", built.id),
            Some(&owner),
            json!({"slug": "more", "title": "More"}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    let draft = export(&app, &owner, &built.id, true).await;
    let mut quiz = quiz_body();
    quiz["questions"][0]["answer"] = json!("z");
    let rejected = app
        .post(
            &format!("/modules/{}/quizzes", id_of(&module)),
            Some(&owner),
            quiz,
        )
        .await;
    let entry = assert_report(&rejected, "02-more/quiz.toml");
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("answer \"z\" is not one of the options a, b"),
        "{entry}"
    );
    assert!(entry["line"].as_u64().is_some_and(|l| l > 1), "{entry}");
    assert_eq!(export(&app, &owner, &built.id, true).await, draft);
}

#[tokio::test]
async fn unknown_fields_are_refused_so_owner_and_status_cannot_be_mass_assigned() {
    let app = spawn_app().await;
    let college = org(&app, "mass-college").await;
    let (owner, owner_id) = member(&app, &college, "owner@mass.test", "instructor").await;
    let (_, thief_id) = member(&app, &college, "thief@mass.test", "instructor").await;

    for (field, value) in [
        ("owner_id", json!(thief_id)),
        ("status", json!("published")),
    ] {
        let mut body = course_body("incoterms-mass", Some(&college.id));
        body[field] = value;
        app.post("/courses", Some(&owner), body)
            .await
            .assert_problem(422, "invalid_body");
    }
    assert_eq!(app.count("courses").await, 0);

    let built = build_course(&app, &owner, "incoterms-mass", Some(&college.id)).await;
    let course = built.id.clone();
    let before = versions(&app, &course).await;
    let attempts: Vec<(Method, String, Value)> = vec![
        (
            Method::PATCH,
            format!("/courses/{course}"),
            json!({"status": "published"}),
        ),
        (
            Method::PATCH,
            format!("/courses/{course}"),
            json!({"title": "Taken", "owner_id": thief_id}),
        ),
        (
            Method::PATCH,
            format!("/courses/{course}"),
            json!({"slug": "renamed"}),
        ),
        (
            Method::POST,
            format!("/courses/{course}/modules"),
            json!({"slug": "extra", "title": "Extra", "status": "published"}),
        ),
        (
            Method::PATCH,
            format!("/modules/{}", built.module),
            json!({"title": "Taken", "owner_id": thief_id}),
        ),
        (
            Method::POST,
            format!("/modules/{}/lessons", built.module),
            {
                let mut lesson = lesson_body("extra", "Extra");
                lesson["owner_id"] = json!(thief_id);
                lesson
            },
        ),
        (
            Method::PATCH,
            format!("/lessons/{}", built.lessons[0]),
            json!({"status": "published"}),
        ),
    ];
    for (method, path, body) in attempts {
        let reply = app
            .request(method.clone(), &path, Some(&owner), Some(body))
            .await;
        assert_eq!(reply.status, 422, "{method} {path}: {}", reply.body);
        assert_eq!(
            reply.body["code"], "invalid_body",
            "{method} {path}: {}",
            reply.body
        );
    }
    // Quiz bodies are quiz.toml tables: an unknown key fails validation and is stored nowhere.
    let reply = app
        .patch(
            &format!("/quizzes/{}", built.quiz),
            Some(&owner),
            json!({"owner_id": thief_id}),
        )
        .await;
    let entry = assert_report(&reply, QUIZ_FILE);
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("unknown field `owner_id`"),
        "{entry}"
    );

    assert_eq!(versions(&app, &course).await, before, "nothing was stored");
    let view = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    assert_eq!(view.body["status"], "draft");
    assert_eq!(view.body["owner_id"], owner_id.as_str());
    assert_eq!(view.body["co_instructor_ids"], json!([]));
    assert_eq!(view.body["slug"], "incoterms-mass");
}

#[tokio::test]
async fn conflicts_and_malformed_requests_leave_the_course_as_it_was() {
    let app = spawn_app().await;
    let college = org(&app, "conflict-college").await;
    let (owner, _) = member(&app, &college, "owner@conflict.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-conflicts", Some(&college.id)).await;
    let course = built.id.clone();
    let before = versions(&app, &course).await;

    app.post(
        "/courses",
        Some(&owner),
        course_body("incoterms-conflicts", Some(&college.id)),
    )
    .await
    .assert_problem(409, "slug_taken");
    app.post(
        &format!("/courses/{course}/modules"),
        Some(&owner),
        json!({"slug": "basics", "title": "The basics again"}),
    )
    .await
    .assert_problem(409, "slug_taken");
    app.post(
        &format!("/modules/{}/lessons", built.module),
        Some(&owner),
        lesson_body("how-rules-work", "Again"),
    )
    .await
    .assert_problem(409, "slug_taken");
    app.post(
        &format!("/modules/{}/quizzes", built.module),
        Some(&owner),
        quiz_body(),
    )
    .await
    .assert_problem(409, "quiz_exists");
    app.post(
        &format!("/quizzes/{}/questions", built.quiz),
        Some(&owner),
        single_choice("cfr-risk", "b"),
    )
    .await
    .assert_problem(409, "question_exists");

    for path in [
        "/courses".to_owned(),
        format!("/courses/{course}/modules"),
        format!("/modules/{}/lessons", built.module),
        format!("/modules/{}/quizzes", built.module),
        format!("/quizzes/{}/questions", built.quiz),
    ] {
        let reply = app
            .post_raw(
                &path,
                Some(&owner),
                "application/json",
                r#"{"slug": "broken", "title": "#,
            )
            .await;
        assert_eq!(reply.status, 400, "POST {path}: {}", reply.body);
        reply.assert_problem(400, "malformed_json");
    }
    assert_eq!(versions(&app, &course).await, before, "nothing was stored");
    assert_eq!(app.count("courses").await, 1);

    // A published course is archived, never deleted.
    publish(&app, &owner, &course).await;
    let published = versions(&app, &course).await;
    app.delete(&format!("/courses/{course}"), Some(&owner))
        .await
        .assert_problem(409, "course_published");
    assert_eq!(versions(&app, &course).await, published);
    assert_eq!(app.count("courses").await, 1);
    let view = app.get(&format!("/courses/{course}"), Some(&owner)).await;
    assert_eq!(view.status, 200, "{}", view.body);
}

#[tokio::test]
async fn a_never_published_course_is_deleted_with_everything_it_stored() {
    let app = spawn_app().await;
    let college = org(&app, "delete-college").await;
    let (owner, _) = member(&app, &college, "owner@delete.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-deleted", Some(&college.id)).await;
    let kept = build_course(&app, &owner, "incoterms-kept", Some(&college.id)).await;
    let kept_versions = versions(&app, &kept.id).await;
    let items = app.count("course_items").await;

    let deleted = app
        .delete(&format!("/courses/{}", built.id), Some(&owner))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    app.get(
        &format!("/courses/{}?version=draft", built.id),
        Some(&owner),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&format!("/modules/{}", built.module), Some(&owner))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/quizzes/{}/questions", built.quiz), Some(&owner))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("courses").await, 1);
    assert!(versions(&app, &built.id).await.is_empty());
    assert_eq!(versions(&app, &kept.id).await, kept_versions);
    assert_eq!(
        app.count("course_items").await,
        items / 2,
        "the deleted course's items are gone"
    );
    assert_eq!(
        catalog_ids(&app, Some(&owner), "?status=draft").await,
        [kept.id.as_str()]
    );
}

// ---------- 5. modules, lessons and questions one at a time ----------

#[tokio::test]
async fn modules_and_lessons_are_read_changed_and_removed_in_the_draft() {
    let app = spawn_app().await;
    let college = org(&app, "module-college").await;
    let (owner, _) = member(&app, &college, "owner@module.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-modules", Some(&college.id)).await;
    let course = built.id.clone();

    let second = app
        .post(
            &format!("/courses/{course}/modules"),
            Some(&owner),
            json!({"slug": "documents", "title": "Documents"}),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.body["position"], 2);
    let second = id_of(&second);

    let list = app
        .get(&format!("/courses/{course}/modules"), Some(&owner))
        .await;
    assert_eq!(list.status, 200, "{}", list.body);
    let slugs: Vec<&str> = list
        .body
        .as_array()
        .expect("modules")
        .iter()
        .map(|m| m["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(slugs, ["basics", "documents"]);

    let changed = app
        .patch(
            &format!("/modules/{}", built.module),
            Some(&owner),
            json!({"title": "Risk and cost", "summary": "Who pays, who bears the risk."}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["title"], "Risk and cost");
    assert_eq!(changed.body["summary"], "Who pays, who bears the risk.");
    assert_eq!(changed.body["lessons"].as_array().map(Vec::len), Some(2));
    let read = app
        .get(&format!("/modules/{}", built.module), Some(&owner))
        .await;
    assert_eq!(read.body["title"], "Risk and cost");

    let lesson = app
        .patch(
            &format!("/lessons/{}", built.lessons[1]),
            Some(&owner),
            json!({"title": "Risk, cost and insurance", "minutes": 25, "body": lesson_text("Risk, cost and insurance")}),
        )
        .await;
    assert_eq!(lesson.status, 204, "{}", lesson.body);
    let read = app
        .get(
            &format!("/lessons/{}?version=draft", built.lessons[1]),
            Some(&owner),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["title"], "Risk, cost and insurance");
    assert_eq!(read.body["minutes"], 25);
    assert_eq!(read.body["body"], lesson_text("Risk, cost and insurance"));

    let removed = app
        .delete(&format!("/lessons/{}", built.lessons[0]), Some(&owner))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    app.get(
        &format!("/lessons/{}?version=draft", built.lessons[0]),
        Some(&owner),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &format!("/lessons/{}", built.lessons[0]),
        Some(&owner),
        json!({"title": "Back"}),
    )
    .await
    .assert_problem(404, "not_found");

    let removed = app
        .delete(&format!("/modules/{second}"), Some(&owner))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    app.get(&format!("/modules/{second}"), Some(&owner))
        .await
        .assert_problem(404, "not_found");
    let view = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    let modules = view.body["modules"].as_array().expect("modules");
    assert_eq!(modules.len(), 1);
    assert_eq!(lesson_titles(&view.body), ["Risk, cost and insurance"]);
    let files = export(&app, &owner, &course, true).await;
    let names: Vec<&String> = files.as_object().expect("files").keys().collect();
    assert_eq!(
        names,
        [
            "01-basics/02-risk-and-cost.md",
            "01-basics/module.toml",
            QUIZ_FILE,
            "course.toml",
        ]
    );
    assert_eq!(versions(&app, &course).await.len(), 1);
}

#[tokio::test]
async fn questions_are_added_changed_and_removed_one_at_a_time_and_a_quiz_keeps_at_least_one() {
    let app = spawn_app().await;
    let college = org(&app, "question-college").await;
    let (owner, _) = member(&app, &college, "owner@question.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-questions", Some(&college.id)).await;
    let quiz = built.quiz.clone();

    let added = app
        .post(
            &format!("/quizzes/{quiz}/questions"),
            Some(&owner),
            json!({
                "id": "ddu-current",
                "kind": "true_false",
                "prompt": "DDU is one of the eleven Incoterms 2020 rules.",
                "points": 1,
                "competencies": [COMPETENCY],
                "answer": false,
            }),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["quiz_id"], quiz.as_str());
    let added_id = added.body["question_id"]
        .as_str()
        .expect("question id")
        .to_owned();
    let list = draft_questions(&app, &owner, &quiz).await;
    assert_eq!(list.len(), 5);
    assert_eq!(question(&list, "ddu-current")["answer"], false);
    assert_eq!(
        question(&list, "ddu-current")["question_id"],
        added_id.as_str()
    );
    let settings = app
        .get(&format!("/quizzes/{quiz}?version=draft"), Some(&owner))
        .await;
    assert_eq!(settings.status, 200, "{}", settings.body);
    assert_eq!(settings.body["question_count"], 5);
    assert!(settings.body.get("questions").is_none());

    let single = question(&list, "cfr-risk")["question_id"]
        .as_str()
        .expect("question id")
        .to_owned();
    let changed = app
        .patch(
            &format!("/questions/{single}"),
            Some(&owner),
            json!({"answer": "b", "points": 3}),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    let list = draft_questions(&app, &owner, &quiz).await;
    assert_eq!(question(&list, "cfr-risk")["answer"], "b");
    assert_eq!(question(&list, "cfr-risk")["points"], 3);

    let before = versions(&app, &built.id).await;
    let rejected = app
        .patch(
            &format!("/questions/{single}"),
            Some(&owner),
            json!({"answer": "z"}),
        )
        .await;
    let entry = assert_report(&rejected, QUIZ_FILE);
    assert!(
        entry["message"]
            .as_str()
            .unwrap_or_default()
            .contains("answer \"z\" is not one of the options a, b"),
        "{entry}"
    );
    app.patch(
        &format!("/questions/{single}"),
        Some(&owner),
        json!({"id": "renamed"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.patch(
        &format!("/questions/{single}"),
        Some(&owner),
        json!({"answers": ["a"]}),
    )
    .await
    .assert_problem(422, "invalid_course");
    assert_eq!(
        versions(&app, &built.id).await,
        before,
        "nothing was stored"
    );
    assert_eq!(
        question(&draft_questions(&app, &owner, &quiz).await, "cfr-risk")["answer"],
        "b"
    );

    let removed = app
        .delete(&format!("/questions/{added_id}"), Some(&owner))
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let list = draft_questions(&app, &owner, &quiz).await;
    assert_eq!(list.len(), 4);
    assert!(list.iter().all(|q| q["id"] != "ddu-current"));
    app.patch(
        &format!("/questions/{added_id}"),
        Some(&owner),
        json!({"points": 2}),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(&format!("/questions/{added_id}"), Some(&owner))
        .await
        .assert_problem(404, "not_found");

    // Remove them all: an empty quiz is a draft an editor fills again, and what it now lacks is
    // what publishing would refuse.
    let ids: Vec<String> = list
        .iter()
        .map(|q| q["question_id"].as_str().expect("question id").to_owned())
        .collect();
    for id in &ids[..3] {
        let removed = app.delete(&format!("/questions/{id}"), Some(&owner)).await;
        assert_eq!(removed.status, 204, "{}", removed.body);
    }
    let list = draft_questions(&app, &owner, &quiz).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["question_id"], ids[3].as_str());
    app.delete(&format!("/questions/{}", ids[3]), Some(&owner))
        .await
        .assert_status(204);
    assert!(draft_questions(&app, &owner, &quiz).await.is_empty());
    let problems = app
        .get(&format!("/courses/{}/problems", built.id), Some(&owner))
        .await;
    assert_eq!(problems.body["publishable"], false, "{}", problems.body);
    assert!(problems.body["problems"]
        .to_string()
        .contains("the quiz has no questions"));
}

// ---------- 6. archiving ----------

#[tokio::test]
async fn archiving_takes_a_course_out_of_the_catalog_and_publishing_again_brings_it_back() {
    let app = spawn_app().await;
    let college = org(&app, "archive-college").await;
    let (owner, _) = member(&app, &college, "owner@archive.test", "instructor").await;
    let (student, _) = member(&app, &college, "student@archive.test", "student").await;
    let built = build_course(&app, &owner, "incoterms-archive", Some(&college.id)).await;
    let course = built.id.clone();
    let platform = build_course(&app, &college.root, "platform-archive", None).await;
    publish(&app, &owner, &course).await;
    publish(&app, &college.root, &platform.id).await;
    assert!(catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(catalog_ids(&app, None, "").await.contains(&platform.id));
    let before = versions(&app, &course).await;

    for (token, id) in [(&owner, &course), (&college.root, &platform.id)] {
        let archived = app
            .post(&format!("/courses/{id}/archive"), Some(token), json!({}))
            .await;
        assert_eq!(archived.status, 204, "{}", archived.body);
    }
    assert!(!catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(!catalog_ids(&app, Some(&student), "")
        .await
        .contains(&platform.id));
    assert!(!catalog_ids(&app, None, "").await.contains(&platform.id));
    app.get(&format!("/courses/{course}"), Some(&student))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{}", platform.id), None)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        catalog_ids(&app, Some(&owner), "?status=archived").await,
        [course.as_str()]
    );
    let view = app.get(&format!("/courses/{course}"), Some(&owner)).await;
    assert_eq!(view.body["status"], "archived");
    assert_eq!(versions(&app, &course).await, before, "versions are kept");

    let restored = publish(&app, &owner, &course).await;
    assert_eq!(restored.body["status"], "published");
    assert_eq!(restored.body["version"], 1);
    publish(&app, &college.root, &platform.id).await;
    assert!(catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(catalog_ids(&app, None, "").await.contains(&platform.id));
    let seen = app.get(&format!("/courses/{course}"), Some(&student)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(catalog_ids(&app, Some(&owner), "?status=archived")
        .await
        .is_empty());
    assert_eq!(
        versions(&app, &course).await,
        before,
        "restoring adds no version"
    );
    app.post(
        &format!("/courses/{course}/publish"),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");
}

#[tokio::test]
async fn a_co_instructor_who_leaves_the_organization_or_becomes_a_student_edits_no_more() {
    let app = spawn_app().await;
    let college = org(&app, "leaving-college").await;
    let (owner, _) = member(&app, &college, "owner@leaving.test", "instructor").await;
    let (leaver, leaver_id) = member(&app, &college, "leaver@leaving.test", "instructor").await;
    let (demoted, demoted_id) = member(&app, &college, "demoted@leaving.test", "instructor").await;
    let mut body = course_body("incoterms-leaving", Some(&college.id));
    body["co_instructor_ids"] = json!([leaver_id, demoted_id]);
    let created = app.post("/courses", Some(&owner), body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let course = id_of(&created);
    publish(&app, &owner, &course).await;
    for token in [&leaver, &demoted] {
        let edited = app
            .patch(
                &format!("/courses/{course}"),
                Some(token),
                json!({"summary": "Still a co-instructor."}),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.body);
    }
    publish(&app, &owner, &course).await;

    let removed = app
        .delete(
            &format!("/orgs/{}/members/{leaver_id}", college.id),
            Some(&college.admin),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let demotion = app
        .patch(
            &format!("/orgs/{}/members/{demoted_id}", college.id),
            Some(&college.admin),
            json!({"role": "student"}),
        )
        .await;
    assert_eq!(demotion.status, 200, "{}", demotion.body);
    let before = versions(&app, &course).await;

    // Someone outside the organization finds nothing; a student of it may read but not edit.
    let mut wrong = Vec::new();
    for (who, token, expected) in [("former member", &leaver, 404), ("student", &demoted, 403)] {
        let edit = app
            .patch(
                &format!("/courses/{course}"),
                Some(token),
                json!({"title": "Taken along"}),
            )
            .await;
        let files = app
            .get(&format!("/courses/{course}/export"), Some(token))
            .await;
        for (what, reply) in [("PATCH the course", edit), ("export its files", files)] {
            if reply.status != expected {
                wrong.push(format!(
                    "{who} may {what}: {} instead of {expected}",
                    reply.status
                ));
            }
        }
    }
    let after = versions(&app, &course).await;
    if after != before {
        wrong.push(format!(
            "a former co-instructor stored a draft ({} versions instead of {})",
            after.len(),
            before.len()
        ));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn an_owner_who_leaves_the_organization_no_longer_edits_archives_or_reads_its_course() {
    let app = spawn_app().await;
    let college = org(&app, "owner-leaves").await;
    let (owner, owner_id) = member(&app, &college, "owner@leaves.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-owner-leaves", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let removed = app
        .delete(
            &format!("/orgs/{}/members/{owner_id}", college.id),
            Some(&college.admin),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let before = versions(&app, &built.id).await;

    let mut wrong = Vec::new();
    let attempts = [
        (
            Method::PATCH,
            format!("/courses/{}", built.id),
            Some(json!({"title": "Taken along"})),
        ),
        (
            Method::POST,
            format!("/courses/{}/archive", built.id),
            Some(json!({})),
        ),
        (Method::GET, format!("/courses/{}/export", built.id), None),
        (
            Method::GET,
            format!("/quizzes/{}/questions", built.quiz),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let reply = app.request(method.clone(), &path, Some(&owner), body).await;
        if reply.status != 404 {
            wrong.push(format!("{method} {path}: {} instead of 404", reply.status));
        }
    }
    if versions(&app, &built.id).await != before {
        wrong.push("the former owner stored a draft".to_owned());
    }
    let listed = catalog_ids(&app, Some(&college.admin), "").await;
    if !listed.contains(&built.id) {
        wrong.push("the former owner archived the course: it left the catalog".to_owned());
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn changing_only_the_co_instructors_of_a_published_course_opens_no_draft() {
    let app = spawn_app().await;
    let college = org(&app, "co-only-college").await;
    let (owner, _) = member(&app, &college, "owner@co-only.test", "instructor").await;
    let (co, co_id) = member(&app, &college, "co@co-only.test", "instructor").await;
    let built = build_course(&app, &owner, "incoterms-co-only", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let before = versions(&app, &built.id).await;

    // Who co-authors is not course content: no version of its own, nothing to publish.
    let changed = app
        .patch(
            &format!("/courses/{}", built.id),
            Some(&owner),
            json!({"co_instructor_ids": [co_id]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["co_instructor_ids"], json!([co_id]));
    assert_eq!(changed.body["has_draft"], false, "{}", changed.body);
    assert_eq!(changed.body["version"], 1);
    assert_eq!(
        versions(&app, &built.id).await,
        before,
        "no version was stored"
    );
    app.post(
        &format!("/courses/{}/publish", built.id),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");

    // The new co-instructor's first content edit is what opens the draft.
    let edited = app
        .patch(
            &format!("/modules/{}", built.module),
            Some(&co),
            json!({"title": "Edited by the new co-instructor"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let after = versions(&app, &built.id).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0]);
}

#[tokio::test]
async fn naming_a_co_instructor_twice_is_not_a_database_conflict() {
    let app = spawn_app().await;
    let college = org(&app, "twice-college").await;
    let (owner, _) = member(&app, &college, "owner@twice.test", "instructor").await;
    let (_, co_id) = member(&app, &college, "co@twice.test", "instructor").await;
    let mut body = course_body("incoterms-twice", Some(&college.id));
    body["co_instructor_ids"] = json!([co_id, co_id]);
    let created = app.post("/courses", Some(&owner), body).await;
    // Either the list is taken as a set, or it is refused as a field error; never a 409 that
    // quotes a database constraint.
    match created.status {
        201 => assert_eq!(created.body["co_instructor_ids"], json!([co_id])),
        _ => {
            created.assert_problem(422, "validation_failed");
            assert_eq!(app.count("courses").await, 0);
        }
    }
}
