//! Editions: one course in several teaching languages. The catalog shows one entry per course
//! with its languages and the edition the reader prefers; completing any edition satisfies a
//! prerequisite naming the course; a trainee holds one certificate per course.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::catalog::entries;

/// A small course's files: one module, one lesson, a quiz of two true/false questions. `extra`
/// is appended to course.toml (`edition_of = ...`, `prerequisites` are set by `prerequisites`).
fn course_files(
    slug: &str,
    language: &str,
    title: &str,
    body: &str,
    prerequisites: &[&str],
    extra: &str,
) -> BTreeMap<String, String> {
    let prerequisites: Vec<String> = prerequisites.iter().map(|p| format!("\"{p}\"")).collect();
    let course = format!(
        "slug = \"{slug}\"\ntitle = \"{title}\"\nsummary = \"{title}.\"\nlanguage = \"{language}\"\n\
         level = \"beginner\"\nestimated_hours = 1\ncompetencies = [\"trade.hs_duties_origin\"]\n\
         markets = [\"DE\"]\nprerequisites = [{}]\ncompletion = \"all_passed\"\n{extra}",
        prerequisites.join(", ")
    );
    let lesson = format!(
        "+++\nslug = \"duties\"\ntitle = \"{title}\"\nminutes = 5\ncompetencies = [\"trade.hs_duties_origin\"]\n+++\n\n# {title}\n\n{body}\n\n## Sources\n\n- Council Regulation (EEC) No 2658/87.\n"
    );
    let quiz = "slug = \"check\"\ntitle = \"Check\"\npassing_score = 0.5\nattempt_limit = 0\n\
        time_limit_minutes = 0\nshuffle_questions = false\nshuffle_options = false\n\
        grading_method = \"highest\"\nreview = \"immediately\"\ndraw = 0\n\n\
        [[questions]]\nid = \"applies\"\nkind = \"true_false\"\nprompt = \"Duty applies.\"\n\
        competencies = [\"trade.hs_duties_origin\"]\nanswer = true\n\n\
        [[questions]]\nid = \"never\"\nkind = \"true_false\"\nprompt = \"Duty never applies.\"\n\
        competencies = [\"trade.hs_duties_origin\"]\nanswer = false\n";
    BTreeMap::from([
        ("course.toml".to_owned(), course),
        (
            "01-basics/module.toml".to_owned(),
            "slug = \"basics\"\ntitle = \"Basics\"\n".to_owned(),
        ),
        ("01-basics/01-duties.md".to_owned(), lesson),
        ("01-basics/quiz.toml".to_owned(), quiz.to_owned()),
    ])
}

async fn import(app: &TestApp, root: &str, files: BTreeMap<String, String>) -> Reply {
    app.post(
        "/courses/import",
        Some(root),
        json!({"files": files, "publish": true}),
    )
    .await
}

/// A course `duties` in English and its zh-CN edition, both published. Returns their ids.
async fn course_in_two_languages(app: &TestApp, root: &str) -> (String, String) {
    let en = import(
        app,
        root,
        course_files(
            "duties",
            "en",
            "Import duties",
            "Duty is due on import.",
            &[],
            "",
        ),
    )
    .await;
    assert_eq!(en.status, 200, "{}", en.body);
    let zh = import(
        app,
        root,
        course_files(
            "duties-zh",
            "zh-CN",
            "进口关税",
            "货物进口时应缴纳关税。",
            &[],
            "edition_of = \"duties\"\n",
        ),
    )
    .await;
    assert_eq!(zh.status, 200, "{}", zh.body);
    (
        en.body["course"]["id"].as_str().unwrap().to_owned(),
        zh.body["course"]["id"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_catalog_lists_a_course_once_with_its_languages_and_the_readers_edition() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (en, zh) = course_in_two_languages(&app, &root).await;

    let all = app.get("/courses", None).await;
    let list = entries(&all);
    assert_eq!(list.len(), 1, "one entry per course: {}", all.body);
    assert_eq!(list[0]["id"], en.as_str(), "the original by default");
    assert_eq!(list[0]["languages"], json!(["en", "zh-CN"]));
    assert_eq!(list[0]["course_key"], en.as_str());

    let picked = app.get("/courses?language=zh-CN", None).await;
    assert_eq!(entries(&picked).len(), 1);
    assert_eq!(entries(&picked)[0]["id"], zh.as_str());
    assert_eq!(entries(&picked)[0]["title"], "进口关税");
    assert!(entries(&app.get("/courses?language=fr", None).await).is_empty());

    let by_header = Reply::from(
        app.client
            .get(app.url("/courses"))
            .header("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
            .send()
            .await
            .expect("sent"),
    )
    .await;
    assert_eq!(entries(&by_header)[0]["id"], zh.as_str());

    let (token, _) = app.user("reader@example.com").await;
    assert_eq!(
        entries(&app.get("/courses", Some(&token)).await)[0]["id"],
        en.as_str()
    );
    app.patch("/me", Some(&token), json!({"locale": "zh-CN"}))
        .await
        .assert_status(200);
    let mine = app.get("/courses", Some(&token)).await;
    assert_eq!(entries(&mine)[0]["id"], zh.as_str(), "the user's locale");

    // Chinese words find the edition, on both backends: in its title, and a two-character word
    // that only its lesson body holds.
    for word in ["关税", "缴纳", "进口关税"] {
        let found = app.get(&format!("/courses?q={word}"), None).await;
        assert_eq!(entries(&found).len(), 1, "{word}: {}", found.body);
    }
    let missing = app.get("/courses?q=增值税", None).await;
    assert!(entries(&missing).is_empty(), "{}", missing.body);
}

#[tokio::test]
async fn completing_either_edition_satisfies_the_prerequisite_and_earns_one_certificate() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (en, zh) = course_in_two_languages(&app, &root).await;
    let next = import(
        &app,
        &root,
        course_files(
            "duties-advanced",
            "en",
            "Advanced duties",
            "More.",
            &["duties"],
            "",
        ),
    )
    .await;
    assert_eq!(next.status, 200, "{}", next.body);
    let next = next.body["course"]["id"].as_str().unwrap().to_owned();

    let (token, _) = app.user("learner@example.com").await;
    app.post(&format!("/courses/{next}/enroll"), Some(&token), json!({}))
        .await
        .assert_problem(422, "prerequisites_not_met");
    // Take the Chinese edition all the way.
    pass_course(&app, &token, &zh).await;
    app.post(&format!("/courses/{next}/enroll"), Some(&token), json!({}))
        .await
        .assert_status(201);
    let certificates = app.get("/me/certificates", Some(&token)).await;
    assert_eq!(certificates.body.as_array().unwrap().len(), 1);
    // Taking the English edition too earns no second certificate for the same course.
    pass_course(&app, &token, &en).await;
    let certificates = app.get("/me/certificates", Some(&token)).await;
    assert_eq!(certificates.body.as_array().unwrap().len(), 1);
}

/// Enrolls in `course`, completes its lesson and passes its quiz.
async fn pass_course(app: &TestApp, token: &str, course: &str) {
    app.post(&format!("/courses/{course}/enroll"), Some(token), json!({}))
        .await
        .assert_status(201);
    let outline = app.get(&format!("/courses/{course}"), Some(token)).await;
    let module = &outline.body["modules"][0];
    let lesson = module["lessons"][0]["id"].as_str().unwrap().to_owned();
    let quiz = module["quiz"]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/lessons/{lesson}/complete"),
        Some(token),
        json!({}),
    )
    .await
    .assert_status(200);
    let attempt = app
        .post(&format!("/quizzes/{quiz}/attempts"), Some(token), json!({}))
        .await;
    let attempt_id = attempt.body["id"].as_str().unwrap().to_owned();
    let answers: Vec<Value> = attempt.body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let right = !q["prompt"].as_str().unwrap().contains("never");
            json!({"question_id": q["question_id"], "response": {"value": right}})
        })
        .collect();
    let graded = app
        .post(
            &format!("/attempts/{attempt_id}/submit"),
            Some(token),
            json!({ "answers": answers }),
        )
        .await;
    assert_eq!(graded.status, 200, "{}", graded.body);
    assert_eq!(graded.body["result"]["passed"], true, "{}", graded.body);
}

#[tokio::test]
async fn an_edition_that_is_not_the_same_course_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    course_in_two_languages(&app, &root).await;
    let courses_before = app.count("courses").await;

    let orphan = import(
        &app,
        &root,
        course_files(
            "orphan-zh",
            "zh-CN",
            "孤儿",
            "正文。",
            &[],
            "edition_of = \"nowhere\"\n",
        ),
    )
    .await;
    orphan.assert_problem(422, "invalid_course");

    let twice = import(
        &app,
        &root,
        course_files(
            "duties-cn",
            "zh-CN",
            "关税",
            "正文。",
            &[],
            "edition_of = \"duties\"\n",
        ),
    )
    .await;
    twice.assert_problem(422, "invalid_course");
    assert!(twice
        .body
        .to_string()
        .contains("already has an edition in zh-CN"));
    assert_eq!(twice.body["report"][0]["file"], "course.toml");
    assert_eq!(twice.body["report"][0]["line"], 4, "the language line");

    let of_edition = import(
        &app,
        &root,
        course_files(
            "duties-ja",
            "ja",
            "関税",
            "本文。",
            &[],
            "edition_of = \"duties-zh\"\n",
        ),
    )
    .await;
    of_edition.assert_problem(422, "invalid_course");
    assert!(of_edition.body.to_string().contains("is itself an edition"));

    let mut other = course_files(
        "duties-fr",
        "fr",
        "Droits",
        "Texte.",
        &[],
        "edition_of = \"duties\"\n",
    );
    let manifest =
        other["course.toml"].replace("trade.hs_duties_origin\"]\nmarkets", "law.epr\"]\nmarkets");
    other.insert("course.toml".into(), manifest);
    let differs = import(&app, &root, other).await;
    differs.assert_problem(422, "invalid_course");
    assert_eq!(
        differs.body["report"][0]["file"], "course.toml",
        "{}",
        differs.body
    );
    assert_eq!(
        differs.body["report"][0]["line"], 7,
        "the competencies line"
    );
    assert_eq!(app.count("courses").await, courses_before);

    let bad_tag = import(
        &app,
        &root,
        course_files(
            "duties-xx",
            "not a tag",
            "X",
            "Text.",
            &[],
            "edition_of = \"duties\"\n",
        ),
    )
    .await;
    bad_tag.assert_problem(422, "invalid_course");
}
