//! Imports that are refused: an invalid course is reported by file and line and stores nothing,
//! only instructors import into their organization, and bodies obey the import limit.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::accounts::member;
use crate::support::catalog::{renamed_course, replace_line, report, FIRST_LESSON, FIRST_QUIZ};

#[tokio::test]
async fn an_invalid_course_is_rejected_with_every_problem_by_file_and_line_and_nothing_is_stored() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "yiwu").await;
    let (teacher, _) = member(&app, &org_id, &admin, "teacher@yiwu.test", "instructor").await;
    let files = renamed_course("incoterms-broken-upload");

    let (manifest, manifest_line) = replace_line(
        &files["course.toml"],
        "competencies = [\"trade.incoterms\", \"trade.export_docs_customs\"]",
        "competencies = [\"trade.no_such_code\"]",
    );
    let (lesson, lesson_line) =
        replace_line(&files[FIRST_LESSON], "minutes = 20", "minutes = = 20");
    let (quiz, quiz_line) = replace_line(&files[FIRST_QUIZ], "answer = \"a\"", "answer = \"z\"");
    let cases = [
        (
            "course.toml",
            manifest,
            manifest_line,
            "unknown competency code \"trade.no_such_code\"",
        ),
        (FIRST_LESSON, lesson, lesson_line, ""),
        (
            FIRST_QUIZ,
            quiz,
            quiz_line,
            "answer \"z\" is not one of the options",
        ),
    ];

    let mut all_broken = files.clone();
    for (file, text, line, message) in &cases {
        let mut broken = files.clone();
        broken.insert((*file).to_owned(), text.clone());
        all_broken.insert((*file).to_owned(), text.clone());
        let r = app
            .post(
                "/courses/import",
                Some(&teacher),
                json!({"files": broken, "org_id": org_id}),
            )
            .await;
        let entries = report(&r);
        assert!(
            entries
                .iter()
                .any(|(f, l, m)| f == file && *l == Some(*line as u64) && m.contains(message)),
            "expected {file}:{line}: {message}; got {entries:?}"
        );
        assert!(
            entries.iter().all(|(f, _, _)| f == file),
            "only {file} is broken: {entries:?}"
        );
    }

    let r = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": all_broken, "org_id": org_id}),
        )
        .await;
    let entries = report(&r);
    for (file, _, line, _) in &cases {
        assert!(
            entries
                .iter()
                .any(|(f, l, _)| f == file && *l == Some(*line as u64)),
            "{file}:{line} is reported along with the others: {entries:?}"
        );
    }
    assert_eq!(app.count("courses").await, 0);
    assert_eq!(app.count("course_versions").await, 0);
}

#[tokio::test]
async fn only_instructors_import_into_their_organization() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, _) = app.org_with_admin(&root, "ningbo").await;
    let (student, _) = member(&app, &org_a, &admin_a, "student@yiwu.test", "student").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let files = renamed_course("incoterms-not-for-students");

    app.post(
        "/courses/import",
        Some(&student),
        json!({"files": files, "org_id": org_a}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/courses/import",
        None,
        json!({"files": files, "org_id": org_a}),
    )
    .await
    .assert_problem(401, "invalid_token");
    // Not a member of the other organization: it does not exist for them.
    app.post(
        "/courses/import",
        Some(&teacher),
        json!({"files": files, "org_id": org_b}),
    )
    .await
    .assert_problem(404, "not_found");
    // Only platform admins create platform-wide courses.
    app.post("/courses/import", Some(&teacher), json!({"files": files}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.count("courses").await, 0);
}

#[tokio::test]
async fn import_bodies_obey_the_import_limit_and_malformed_json_is_400() {
    let app = spawn_app_with(|s| {
        s.import_limit = 64 * 1024;
        s.json_limit = 16 * 1024;
    })
    .await;
    let root = app.platform_admin().await;

    // Larger than the JSON limit of other endpoints, within the import limit: accepted.
    let files = renamed_course("incoterms-within-the-limit");
    let size: usize = files.values().map(String::len).sum();
    assert!(size > 16 * 1024 && size < 60 * 1024, "{size} bytes");
    let ok = app
        .post("/courses/import", Some(&root), json!({"files": files}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "created");
    assert_eq!(ok.body["course"]["org_id"], Value::Null);
    assert_eq!(app.count("courses").await, 1);

    let mut big = renamed_course("incoterms-over-the-limit");
    let lesson = big.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen(
        "## Three things",
        &format!("{}\n\n## Three things", "Padding sentence. ".repeat(4000)),
        1,
    );
    app.post("/courses/import", Some(&root), json!({"files": big}))
        .await
        .assert_problem(413, "payload_too_large");

    app.post_raw(
        "/courses/import",
        Some(&root),
        "application/json",
        "{\"files\": {\"course.toml\": ",
    )
    .await
    .assert_problem(400, "malformed_json");
    app.post(
        "/courses/import",
        Some(&root),
        json!({"files": {}, "colour": "blue"}),
    )
    .await
    .assert_problem(422, "invalid_body");
    assert_eq!(app.count("courses").await, 1);
}
