//! Who may do what: co-instructors edit but only the owner publishes, archives or deletes;
//! students of the organization edit nothing and never see drafts or keys; instructors of another
//! organization find nothing on any authoring route.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{member, org, other_org};
use crate::support::authoring::{
    build_course, catalog_ids, cfr_risk_question, course_body, draft_questions, export,
    lesson_body, quiz_body, versions,
};
use crate::support::courses::{id_of, publish};

#[tokio::test]
async fn a_co_instructor_edits_the_course_but_only_its_owner_publishes_archives_or_deletes_it() {
    let app = spawn_app().await;
    let college = org(&app, "co-college").await;
    let (owner, owner_id) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@co.test",
        "instructor",
    )
    .await;
    let (co, co_id) = member(
        &app,
        &college.id,
        &college.admin,
        "co@co.test",
        "instructor",
    )
    .await;
    let (colleague, _) = member(
        &app,
        &college.id,
        &college.admin,
        "colleague@co.test",
        "instructor",
    )
    .await;
    let (_, student_id) = member(
        &app,
        &college.id,
        &college.admin,
        "student@co.test",
        "student",
    )
    .await;
    let elsewhere = other_org(&app, &college, "co-elsewhere").await;
    let (_, foreign_id) = member(
        &app,
        &elsewhere.id,
        &elsewhere.admin,
        "teacher@else.test",
        "instructor",
    )
    .await;

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
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@student.test",
        "instructor",
    )
    .await;
    let (student, _) = member(
        &app,
        &college.id,
        &college.admin,
        "student@student.test",
        "student",
    )
    .await;

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
            cfr_risk_question("extra", "a"),
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
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@home.test",
        "instructor",
    )
    .await;
    let elsewhere = other_org(&app, &college, "rival-college").await;
    let (rival, _) = member(
        &app,
        &elsewhere.id,
        &elsewhere.admin,
        "teacher@rival.test",
        "instructor",
    )
    .await;

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
                Some(cfr_risk_question("extra", "a")),
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
