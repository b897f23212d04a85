//! Editing one part at a time: modules and lessons are read, changed and removed in the draft, and
//! questions are added, changed and removed while a quiz keeps at least one.

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{member, org};
use crate::support::authoring::{
    assert_report, build_course, draft_questions, export, lesson_text, lesson_titles, question,
    versions, QUIZ_FILE,
};
use crate::support::courses::{id_of, COMPETENCY};

#[tokio::test]
async fn modules_and_lessons_are_read_changed_and_removed_in_the_draft() {
    let app = spawn_app().await;
    let college = org(&app, "module-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@module.test",
        "instructor",
    )
    .await;
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
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@question.test",
        "instructor",
    )
    .await;
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
