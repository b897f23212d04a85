//! Drafts hold work in progress: an editor builds a course step by step (a lesson before its
//! sources, a quiz before its questions), `GET /courses/{id}/problems` says what still blocks
//! publishing, and publish refuses with the same list and publishes nothing. What makes no
//! well-formed draft is refused at once, with the stored draft unchanged.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::catalog::entries;

struct Draft {
    course: String,
    module: String,
}

async fn new_draft(app: &TestApp, root: &str) -> Draft {
    let course = app
        .post(
            "/courses",
            Some(root),
            json!({"slug": "step-by-step", "title": "Step by step", "summary": "Built in an editor.",
                   "language": "en", "level": "beginner", "estimated_hours": 1,
                   "competencies": ["law.product_safety"]}),
        )
        .await;
    assert_eq!(course.status, 201, "{}", course.body);
    let course_id = course.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        course.header("location"),
        Some(format!("/api/v1/courses/{course_id}").as_str())
    );
    let module = app
        .post(
            &format!("/courses/{course_id}/modules"),
            Some(root),
            json!({"slug": "basics", "title": "Basics"}),
        )
        .await;
    assert_eq!(module.status, 201, "{}", module.body);
    Draft {
        course: course_id,
        module: module.body["id"].as_str().unwrap().to_owned(),
    }
}

async fn problems(app: &TestApp, root: &str, course: &str) -> Value {
    let r = app
        .get(&format!("/courses/{course}/problems"), Some(root))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn messages(problems: &Value) -> Vec<String> {
    problems
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}: {}",
                p["file"].as_str().unwrap(),
                p["message"].as_str().unwrap()
            )
        })
        .collect()
}

async fn stored_draft(app: &TestApp, root: &str, course: &str) -> Value {
    app.get(&format!("/courses/{course}/export"), Some(root))
        .await
        .body
}

#[tokio::test]
async fn an_editor_saves_every_step_and_publish_lists_what_is_missing_until_nothing_is() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let d = new_draft(&app, &root).await;

    // A module with nothing in it yet is a draft, not a course students may see.
    let first = problems(&app, &root, &d.course).await;
    assert_eq!(first["publishable"], false);
    assert_eq!(
        messages(&first["problems"]),
        ["01-basics/module.toml: the module has no lessons and no quiz"]
    );

    // A lesson whose sources are not written yet is saved.
    let lesson = app
        .post(
            &format!("/modules/{}/lessons", d.module),
            Some(&root),
            json!({"slug": "scope", "title": "Scope", "minutes": 5,
                   "competencies": ["law.product_safety"],
                   "body": "# Scope\n\nThe GPSR applies from 13 December 2024.\n"}),
        )
        .await;
    assert_eq!(lesson.status, 201, "{}", lesson.body);
    let lesson_id = lesson.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        lesson.header("location"),
        Some(format!("/api/v1/lessons/{lesson_id}").as_str())
    );
    // A quiz with no questions yet is saved too.
    let quiz = app
        .post(
            &format!("/modules/{}/quizzes", d.module),
            Some(&root),
            json!({"slug": "check", "title": "Check", "passing_score": 0.5, "attempt_limit": 0,
                   "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
                   "grading_method": "highest", "review": "immediately", "draw": 0}),
        )
        .await;
    assert_eq!(quiz.status, 201, "{}", quiz.body);
    let quiz_id = quiz.body["id"].as_str().unwrap().to_owned();

    let listed = problems(&app, &root, &d.course).await;
    let list = listed["problems"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{listed}");
    assert_eq!(list[0]["file"], "01-basics/01-scope.md");
    assert_eq!(list[0]["field"], "body");
    assert!(list[0]["message"].as_str().unwrap().contains("Sources"));
    assert_eq!(list[1]["file"], "01-basics/quiz.toml");
    assert_eq!(list[1]["field"], "questions");
    assert_eq!(list[1]["message"], "the quiz has no questions");

    // Publish refuses with the same list and publishes nothing.
    let refused = app
        .post(
            &format!("/courses/{}/publish", d.course),
            Some(&root),
            json!({}),
        )
        .await;
    refused.assert_problem(422, "publish_blocked");
    assert_eq!(refused.body["report"], listed["problems"]);
    let view = app
        .get(&format!("/courses/{}", d.course), Some(&root))
        .await;
    assert_eq!(view.body["status"], "draft");
    assert!(entries(&app.get("/courses", None).await).is_empty());

    // Questions one by one; the sources last.
    for (id, answer) in [("applies", true), ("future", false)] {
        let q = app
            .post(
                &format!("/quizzes/{quiz_id}/questions"),
                Some(&root),
                json!({"id": id, "kind": "true_false", "prompt": format!("Statement {id}."),
                       "competencies": ["law.product_safety"], "answer": answer}),
            )
            .await;
        assert_eq!(q.status, 201, "{}", q.body);
        let new_id = q.body["id"].as_str().expect("created questions answer id");
        assert_eq!(q.body["question_id"], new_id);
        assert_eq!(
            q.header("location"),
            Some(format!("/api/v1/questions/{new_id}").as_str())
        );
    }
    app.patch(
        &format!("/lessons/{lesson_id}"),
        Some(&root),
        json!({"body": "# Scope\n\nThe GPSR applies from 13 December 2024.\n\n## Sources\n\n- Regulation (EU) 2023/988.\n"}),
    )
    .await
    .assert_status(204);
    let done = problems(&app, &root, &d.course).await;
    assert_eq!(done["publishable"], true, "{done}");
    assert_eq!(done["problems"], json!([]));
    app.post(
        &format!("/courses/{}/publish", d.course),
        Some(&root),
        json!({}),
    )
    .await
    .assert_status(200);
    assert_eq!(entries(&app.get("/courses", None).await).len(), 1);
}

#[tokio::test]
async fn input_that_makes_no_well_formed_draft_is_refused_and_the_draft_is_unchanged() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let d = new_draft(&app, &root).await;
    let quiz = app
        .post(
            &format!("/modules/{}/quizzes", d.module),
            Some(&root),
            json!({"slug": "check", "title": "Check", "passing_score": 0.5, "attempt_limit": 0,
                   "time_limit_minutes": 0, "shuffle_questions": false, "shuffle_options": false,
                   "grading_method": "highest", "review": "immediately", "draw": 0}),
        )
        .await;
    let quiz_id = quiz.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/courses/{}/modules", d.course),
        Some(&root),
        json!({"slug": "second", "title": "Second"}),
    )
    .await
    .assert_status(201);
    let before = stored_draft(&app, &root, &d.course).await;
    let question = |extra: Value| {
        let mut q = json!({"id": "q1", "prompt": "Which?", "competencies": ["law.product_safety"]});
        for (k, v) in extra.as_object().unwrap() {
            q[k] = v.clone();
        }
        q
    };
    let bad_questions = [
        question(json!({"kind": "multiple_guess", "answer": "a"})),
        question(json!({"kind": "single_choice", "answer": "e",
            "options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]})),
        question(
            json!({"kind": "calculated", "prompt": "Pay {value}.", "formula": "value * rate",
            "variables": [{"name": "value", "min": 1, "max": 9, "decimals": 0}],
            "tolerance": 0.01, "tolerance_kind": "absolute"}),
        ),
        question(
            json!({"kind": "calculated", "prompt": "Pay {value}.", "formula": "value / 0",
            "variables": [{"name": "value", "min": 1, "max": 9, "decimals": 0}],
            "tolerance": 0.01, "tolerance_kind": "absolute"}),
        ),
    ];
    for q in bad_questions {
        let r = app
            .post(
                &format!("/quizzes/{quiz_id}/questions"),
                Some(&root),
                q.clone(),
            )
            .await;
        assert_eq!(r.status, 422, "{q}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/problem+json"),
            "{q}"
        );
    }
    // 10,000 questions in one request, and a lesson body of 2 MiB: over the body limit.
    let many: Vec<Value> = (0..10_000)
        .map(|i| question(json!({"id": format!("q{i}"), "kind": "true_false", "answer": true})))
        .collect();
    let r = app
        .patch(
            &format!("/quizzes/{quiz_id}"),
            Some(&root),
            json!({"questions": many}),
        )
        .await;
    assert!([413, 422].contains(&r.status), "{}", r.status);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    let r = app
        .post(
            &format!("/modules/{}/lessons", d.module),
            Some(&root),
            json!({"slug": "huge", "title": "Huge", "minutes": 5,
                   "competencies": ["law.product_safety"], "body": "x".repeat(2 * 1024 * 1024)}),
        )
        .await;
    assert!([413, 422].contains(&r.status), "{}", r.status);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    // A module slug another module has.
    let r = app
        .post(
            &format!("/courses/{}/modules", d.course),
            Some(&root),
            json!({"slug": "second", "title": "Again"}),
        )
        .await;
    assert!([409, 422].contains(&r.status), "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));

    assert_eq!(stored_draft(&app, &root, &d.course).await, before);
}
