//! Building and publishing: an instructor builds a course end to end through the API, and once it
//! is published only those who may see it find it.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::{member, org, other_org};
use crate::support::authoring::{
    build_course, catalog_ids, course_body, draft_questions, export, lesson_body, lesson_text,
    lesson_titles, question, quiz_body, versions, QUIZ_FILE,
};
use crate::support::courses::{id_of, publish, COMPETENCY};

#[tokio::test]
async fn an_instructor_builds_a_course_end_to_end_and_only_those_who_may_see_it_find_it_published()
{
    let app = spawn_app().await;
    let college = org(&app, "yiwu-icc").await;
    let (instructor, instructor_id) = member(
        &app,
        &college.id,
        &college.admin,
        "teacher@yiwu.test",
        "instructor",
    )
    .await;
    let (student, _) = member(
        &app,
        &college.id,
        &college.admin,
        "student@yiwu.test",
        "student",
    )
    .await;
    let elsewhere = other_org(&app, &college, "ningbo-poly").await;
    let (foreign_student, _) = member(
        &app,
        &elsewhere.id,
        &elsewhere.admin,
        "student@ningbo.test",
        "student",
    )
    .await;
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
