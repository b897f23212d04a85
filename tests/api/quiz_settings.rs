//! Quiz settings that shape an attempt: the availability window, the deadline it implies, and
//! drawing questions from pools by competency.

use std::collections::BTreeMap;

use serde_json::json;

use crate::helpers::*;

fn question(id: &str, competency: &str) -> String {
    format!(
        "\n[[questions]]\nid = \"{id}\"\nkind = \"true_false\"\nprompt = \"Statement {id}.\"\npoints = 1\ncompetencies = [\"{competency}\"]\nanswer = true\n"
    )
}

/// A one-module course whose quiz has `settings` (TOML lines) and 4 trade + 3 law questions.
fn course_files(slug: &str, settings: &str) -> BTreeMap<String, String> {
    let mut quiz = format!(
        "slug = \"q\"\ntitle = \"Check\"\npassing_score = 0.5\nattempt_limit = 5\ntime_limit_minutes = 30\nshuffle_questions = true\nshuffle_options = true\ngrading_method = \"highest\"\nreview = \"immediately\"\ndraw = 0\n{settings}\n"
    );
    for i in 0..4 {
        quiz.push_str(&question(&format!("t{i}"), "trade.incoterms"));
    }
    for i in 0..3 {
        quiz.push_str(&question(&format!("l{i}"), "law.product_safety"));
    }
    BTreeMap::from([
        (
            "course.toml".to_owned(),
            format!(
                "slug = \"{slug}\"\ntitle = \"Settings\"\nsummary = \"Quiz settings.\"\nlanguage = \"en\"\nlevel = \"beginner\"\nestimated_hours = 1\ncompetencies = [\"trade.incoterms\"]\nmarkets = []\nprerequisites = []\ncompletion = \"all_passed\"\n"
            ),
        ),
        ("01-m/module.toml".to_owned(), "slug = \"m\"\ntitle = \"M\"\n".to_owned()),
        (
            "01-m/01-l.md".to_owned(),
            "+++\nslug = \"l\"\ntitle = \"L\"\nminutes = 5\ncompetencies = [\"trade.incoterms\"]\n+++\n\n# L\n\nText.\n\n## Sources\n\n- ICC Incoterms 2020.\n".to_owned(),
        ),
        ("01-m/quiz.toml".to_owned(), quiz),
    ])
}

/// Imports and publishes the course, enrolls a student; returns (student token, quiz id).
async fn published(app: &TestApp, root: &str, slug: &str, settings: &str) -> (String, String) {
    let r = app
        .post(
            "/courses/import",
            Some(root),
            json!({"files": course_files(slug, settings), "publish": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let course_id = r.body["course"]["id"].as_str().unwrap().to_owned();
    let quiz_id = r.body["course"]["modules"][0]["quiz"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (student, _) = app.user(&format!("{slug}@example.com")).await;
    assert_eq!(
        app.post(
            &format!("/courses/{course_id}/enroll"),
            Some(&student),
            json!({})
        )
        .await
        .status,
        201
    );
    (student, quiz_id)
}

#[tokio::test]
async fn a_quiz_outside_its_window_cannot_be_started_and_its_closing_caps_the_deadline() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (early, quiz) =
        published(&app, &root, "future", "opens_at = \"2099-01-01T00:00:00Z\"").await;
    app.post(
        &format!("/quizzes/{quiz}/attempts"),
        Some(&early),
        json!({}),
    )
    .await
    .assert_problem(409, "quiz_not_open");
    let (late, quiz) = published(&app, &root, "past", "closes_at = \"2020-01-01T00:00:00Z\"").await;
    app.post(&format!("/quizzes/{quiz}/attempts"), Some(&late), json!({}))
        .await
        .assert_problem(409, "quiz_closed");

    let closes = (chrono::Utc::now() + chrono::Duration::minutes(10))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (student, quiz) =
        published(&app, &root, "soon", &format!("closes_at = \"{closes}\"")).await;
    let attempt = app
        .post(
            &format!("/quizzes/{quiz}/attempts"),
            Some(&student),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let deadline =
        chrono::DateTime::parse_from_rfc3339(attempt.body["deadline"].as_str().unwrap()).unwrap();
    assert_eq!(
        deadline,
        chrono::DateTime::parse_from_rfc3339(&closes).unwrap(),
        "closing comes before the 30-minute limit"
    );
}

#[tokio::test]
async fn questions_are_drawn_from_pools_by_competency() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let rules = "draw_from = [{ competency = \"trade.incoterms\", count = 2 }, { competency = \"law.product_safety\", count = 1 }]";
    let (student, quiz) = published(&app, &root, "pools", rules).await;
    let attempt = app
        .post(
            &format!("/quizzes/{quiz}/attempts"),
            Some(&student),
            json!({}),
        )
        .await;
    assert_eq!(attempt.status, 201, "{}", attempt.body);
    let prompts: Vec<String> = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["prompt"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(prompts.len(), 3);
    assert_eq!(
        prompts
            .iter()
            .filter(|p| p.starts_with("Statement t"))
            .count(),
        2
    );
    assert_eq!(
        prompts
            .iter()
            .filter(|p| p.starts_with("Statement l"))
            .count(),
        1
    );

    // A pool asking for more questions than assess the competency is refused at authoring time.
    let too_many = "draw_from = [{ competency = \"law.product_safety\", count = 4 }]";
    let r = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": course_files("greedy", too_many)}),
        )
        .await;
    r.assert_problem(422, "invalid_course");
    assert!(r.body["report"][0]["message"]
        .as_str()
        .unwrap()
        .contains("only 3 question(s) assess law.product_safety"));
    let bad_time = "closes_at = \"next week\"";
    app.post(
        "/courses/import",
        Some(&root),
        json!({"files": course_files("when", bad_time)}),
    )
    .await
    .assert_problem(422, "invalid_course");
}

/// An availability window, once set, can be taken away again: null removes the setting (as it
/// removes an optional field of a question), and the quiz is open again at once.
#[tokio::test]
async fn null_in_a_settings_patch_removes_the_setting() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (student, quiz) = published(
        &app,
        &root,
        "window",
        "opens_at = \"2099-01-01T00:00:00Z\"\ncloses_at = \"2099-02-01T00:00:00Z\"",
    )
    .await;
    let path = format!("/quizzes/{quiz}");
    let r = app
        .patch(
            &path,
            Some(&root),
            json!({"opens_at": null, "closes_at": null}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let draft = app.get(&format!("{path}?version=draft"), Some(&root)).await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert!(draft.body.get("opens_at").is_none(), "{}", draft.body);
    assert!(draft.body.get("closes_at").is_none(), "{}", draft.body);
    assert_eq!(draft.body["title"], "Check", "other settings stay");

    // A required setting cannot be removed: the save is refused and the draft keeps it.
    let r = app.patch(&path, Some(&root), json!({"title": null})).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let draft = app.get(&format!("{path}?version=draft"), Some(&root)).await;
    assert_eq!(draft.body["title"], "Check");

    // Once published, the student may start at once.
    let course = draft.body["course_id"].as_str().unwrap().to_owned();
    let r = app
        .post(
            &format!("/courses/{course}/publish"),
            Some(&root),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app
        .post(
            &format!("/quizzes/{quiz}/attempts"),
            Some(&student),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
}
