//! Bad input: invalid courses, lessons and answer keys are reported by file and line, unknown
//! fields are refused, and conflicts or malformed requests leave the stored course as it was.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{member, org};
use crate::support::authoring::{
    assert_report, build_course, cfr_risk_question, course_body, export, lesson_body,
    lesson_titles, line_starting, quiz_body, versions, QUIZ_FILE,
};
use crate::support::courses::{id_of, publish, COMPETENCY};

#[tokio::test]
async fn invalid_courses_and_lessons_are_rejected_with_a_report_and_nothing_is_stored() {
    let app = spawn_app().await;
    let college = org(&app, "invalid-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@invalid.test",
        "instructor",
    )
    .await;

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
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@answer.test",
        "instructor",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-answers", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let before = versions(&app, &built.id).await;

    let rejected = app
        .post(
            &format!("/quizzes/{}/questions", built.quiz),
            Some(&owner),
            cfr_risk_question("fob-risk", "z"),
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
            cfr_risk_question("fob-risk", "b"),
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
    let (owner, owner_id) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@mass.test",
        "instructor",
    )
    .await;
    let (_, thief_id) = member(
        &app,
        &college.id,
        &college.admin,
        "thief@mass.test",
        "instructor",
    )
    .await;

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
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@conflict.test",
        "instructor",
    )
    .await;
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
        cfr_risk_question("cfr-risk", "b"),
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
