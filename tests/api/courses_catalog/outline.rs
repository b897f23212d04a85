//! Course outlines and lessons: an outline lists modules, lessons and quizzes without any answer
//! key, unknown ids are 404, and a lesson needs a token.

use std::collections::BTreeSet;

use crate::helpers::*;
use crate::support::catalog::{
    assert_no_answer_keys, course_id, seed_courses, seed_dir, seeded_app, FIRST_LESSON, INCOTERMS,
};

#[tokio::test]
async fn a_course_outline_lists_modules_lessons_and_quizzes_without_any_answer_key() {
    let app = seeded_app().await;
    let id = course_id(&app, INCOTERMS).await;
    let view = app.get(&format!("/courses/{id}"), None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["id"], id.as_str());
    assert_eq!(view.body["slug"], INCOTERMS);
    assert_eq!(view.body["status"], "published");
    assert_eq!(view.body["level"], "beginner");

    let disk = seed_courses()
        .into_iter()
        .find(|c| c.course.slug == INCOTERMS)
        .unwrap();
    let modules = view.body["modules"].as_array().expect("modules");
    assert_eq!(modules.len(), disk.modules.len());
    let mut lesson_ids = BTreeSet::new();
    for (m, d) in modules.iter().zip(&disk.modules) {
        assert_eq!(m["slug"], d.module.slug.as_str());
        assert_eq!(m["course_id"], id.as_str());
        let lessons = m["lessons"].as_array().expect("lessons");
        let lesson_slugs: Vec<&str> = lessons
            .iter()
            .map(|l| l["slug"].as_str().unwrap())
            .collect();
        let disk_slugs: Vec<&str> = d.lessons.iter().map(|l| l.lesson.slug.as_str()).collect();
        assert_eq!(lesson_slugs, disk_slugs);
        for l in lessons {
            assert!(lesson_ids.insert(l["id"].as_str().expect("lesson id").to_owned()));
        }
        let quiz = &m["quiz"];
        let disk_quiz = d.quiz.as_ref().expect("seed modules have quizzes");
        assert_eq!(quiz["slug"], disk_quiz.settings.slug.as_str());
        assert_eq!(
            quiz["question_count"].as_u64(),
            Some(disk_quiz.questions.len() as u64)
        );
        assert!(quiz["id"].is_string());
    }
    assert_no_answer_keys(&view.body);

    // No course of the catalog leaks its answers, to anonymous or signed-in callers.
    let (someone, _) = app.user("someone@example.com").await;
    let all = app.get("/courses?limit=200", None).await;
    for c in all.body["items"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        for token in [None, Some(someone.as_str())] {
            let v = app.get(&format!("/courses/{id}"), token).await;
            assert_eq!(v.status, 200, "{}", v.body);
            assert_no_answer_keys(&v.body);
        }
    }
}

#[tokio::test]
async fn unknown_and_malformed_course_ids_are_404() {
    let app = seeded_app().await;
    app.get(&format!("/courses/{}", uuid::Uuid::now_v7()), None)
        .await
        .assert_problem(404, "not_found");
    app.get("/courses/not-a-course-id", None)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/lessons/{}", uuid::Uuid::now_v7()), None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn a_lesson_needs_a_token_and_its_author_reads_the_markdown_with_its_sources() {
    let app = seeded_app().await;
    let id = course_id(&app, INCOTERMS).await;
    let view = app.get(&format!("/courses/{id}"), None).await;
    let lesson_id = view.body["modules"][0]["lessons"][0]["id"]
        .as_str()
        .expect("lesson id")
        .to_owned();

    app.get(&format!("/lessons/{lesson_id}"), None)
        .await
        .assert_problem(401, "invalid_token");

    let root = app.platform_admin().await;
    let lesson = app.get(&format!("/lessons/{lesson_id}"), Some(&root)).await;
    assert_eq!(lesson.status, 200, "{}", lesson.body);
    assert_eq!(lesson.body["id"], lesson_id.as_str());
    assert_eq!(lesson.body["course_id"], id.as_str());
    assert_eq!(lesson.body["slug"], "how-incoterms-work");
    assert_eq!(lesson.body["minutes"], 20);
    let body = lesson.body["body"].as_str().expect("markdown body");
    assert!(
        body.contains("# What an Incoterms rule settles, and what it leaves open"),
        "{body}"
    );
    assert!(body.contains("\n## Sources"), "{body}");
    assert!(
        !body.contains("+++"),
        "the front matter is not part of the body"
    );
    let on_disk = std::fs::read_to_string(seed_dir().join(INCOTERMS).join(FIRST_LESSON)).unwrap();
    assert!(
        on_disk.ends_with(body),
        "the body is the file after its front matter"
    );

    app.get(&format!("/lessons/{}", uuid::Uuid::now_v7()), Some(&root))
        .await
        .assert_problem(404, "not_found");
}
