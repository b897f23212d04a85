//! Importing courses over HTTP: drafts seen only by their authors, publishing on import, reimports
//! that change nothing, and slugs kept apart between organizations.

use std::collections::BTreeMap;

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::member;
use crate::support::catalog::{
    assert_no_answer_keys, exported, renamed_course, slugs, FIRST_LESSON,
};

#[tokio::test]
async fn an_org_instructor_imports_a_draft_that_only_its_authors_see_and_reimports_are_idempotent()
{
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher, teacher_id) =
        member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (outsider, _) = member(&app, &org_b, &admin_b, "student@ningbo.test", "student").await;

    let slug = "incoterms-basics-for-yiwu";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], "created");
    let course = &created.body["course"];
    assert_eq!(course["slug"], slug);
    assert_eq!(course["status"], "draft");
    assert_eq!(course["org_id"], org_a.as_str());
    assert_eq!(course["owner_id"], teacher_id.as_str());
    assert_eq!(course["has_draft"], true);
    assert_eq!(course["modules"].as_array().unwrap().len(), 2);
    assert_no_answer_keys(course);
    let id = course["id"].as_str().unwrap().to_owned();
    assert_eq!(app.count("courses").await, 1);
    let versions = app.count("course_versions").await;

    // Another organization's student sees nothing of it.
    assert!(slugs(&app.get("/courses", Some(&outsider)).await).is_empty());
    assert!(slugs(&app.get("/courses?status=draft", Some(&outsider)).await).is_empty());
    app.get(&format!("/courses/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{id}/export"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    // A draft is not in the published catalog, not even for its author.
    assert!(slugs(&app.get("/courses", None).await).is_empty());
    assert!(slugs(&app.get("/courses", Some(&teacher)).await).is_empty());
    // The author finds it among the drafts and reads it.
    assert_eq!(
        slugs(&app.get("/courses?status=draft", Some(&teacher)).await),
        [slug]
    );
    let view = app.get(&format!("/courses/{id}"), Some(&teacher)).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["status"], "draft");

    // The same files again change nothing.
    let again = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "unchanged");
    assert_eq!(again.body["course"]["id"], id.as_str());
    assert_eq!(app.count("courses").await, 1);
    assert_eq!(app.count("course_versions").await, versions);

    // One changed lesson updates the draft.
    let mut changed = files.clone();
    let lesson = changed.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen(
        "Every quotation you send",
        "Every single quotation you send",
        1,
    );
    assert_ne!(changed, files);
    let updated = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": changed, "org_id": org_a}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["status"], "updated");
    assert_eq!(updated.body["course"]["id"], id.as_str());
    assert_eq!(updated.body["course"]["status"], "draft");
    assert_eq!(app.count("courses").await, 1);
    let lesson_id = updated.body["course"]["modules"][0]["lessons"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = app
        .get(&format!("/lessons/{lesson_id}"), Some(&teacher))
        .await;
    assert_eq!(text.status, 200, "{}", text.body);
    assert!(text.body["body"]
        .as_str()
        .unwrap()
        .contains("Every single quotation you send"));

    // The author exports exactly the files last imported.
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher))
        .await;
    assert_eq!(exported(&export), changed);
}

#[tokio::test]
async fn a_course_imported_with_publish_is_visible_to_its_org_members_only() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (trainee, _) = member(&app, &org_a, &admin_a, "trainee@yiwu.test", "student").await;
    let (outsider, _) = member(&app, &org_b, &admin_b, "student@ningbo.test", "student").await;

    let slug = "incoterms-for-yiwu-trainees";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], "created");
    assert_eq!(created.body["course"]["status"], "published");
    assert_eq!(created.body["course"]["has_draft"], false);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();

    // Members of the organization see it.
    for token in [&trainee, &teacher, &admin_a] {
        assert_eq!(slugs(&app.get("/courses", Some(token)).await), [slug]);
        let view = app.get(&format!("/courses/{id}"), Some(token)).await;
        assert_eq!(view.status, 200, "{}", view.body);
        assert_no_answer_keys(&view.body);
    }
    // Nobody else does.
    assert!(slugs(&app.get("/courses", None).await).is_empty());
    assert!(slugs(&app.get("/courses", Some(&outsider)).await).is_empty());
    app.get(&format!("/courses/{id}"), None)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");

    // Exports: the author gets the files; a member who is not an author is refused.
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher))
        .await;
    assert_eq!(exported(&export), files);
    app.get(&format!("/courses/{id}/export"), Some(&trainee))
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/courses/{id}/export"), None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn a_draft_imported_over_a_published_course_stays_with_its_authors_until_published() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (someone, _) = app.user("someone@example.com").await;
    let slug = "incoterms-live-and-draft";
    let v1 = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": v1, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();
    let old_title = "Incoterms 2020 for cross-border sellers";
    assert_eq!(created.body["course"]["title"], old_title);

    let retitle = |files: &BTreeMap<String, String>, title: &str| {
        let mut files = files.clone();
        let manifest = files.get_mut("course.toml").unwrap();
        *manifest = manifest.replacen(old_title, title, 1);
        files
    };
    let v2 = retitle(&v1, "Incoterms 2020, Zeppelinvariant of the course");
    let draft = app
        .post("/courses/import", Some(&root), json!({"files": v2}))
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["status"], "updated");
    assert_eq!(draft.body["course"]["has_draft"], true);

    // Trainees and the catalog still see the published version.
    for token in [None, Some(someone.as_str())] {
        let page = app.get("/courses", token).await;
        assert_eq!(page.body["items"][0]["title"], old_title, "{}", page.body);
        let view = app.get(&format!("/courses/{id}"), token).await;
        assert_eq!(view.body["title"], old_title, "{}", view.body);
        assert_eq!(view.body["status"], "published");
    }
    let found = app.get("/courses?q=zeppelinvariant", None).await;
    assert!(
        slugs(&found).is_empty(),
        "the draft's title is not searchable yet"
    );
    // The author reads the draft on request, and exports either version.
    let view = app
        .get(&format!("/courses/{id}?version=draft"), Some(&root))
        .await;
    assert_eq!(
        view.body["title"],
        "Incoterms 2020, Zeppelinvariant of the course"
    );
    let live = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&live), v1);
    let next = app
        .get(&format!("/courses/{id}/export?version=draft"), Some(&root))
        .await;
    assert_eq!(exported(&next), v2);

    // Publishing changed files makes them the live version.
    let v3 = retitle(&v1, "Incoterms 2020, third edition of the course");
    let published = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": v3, "publish": true}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["status"], "updated");
    assert_eq!(published.body["course"]["has_draft"], false);
    let view = app.get(&format!("/courses/{id}"), None).await;
    assert_eq!(
        view.body["title"],
        "Incoterms 2020, third edition of the course"
    );
    assert_eq!(
        slugs(&app.get("/courses?q=third%20edition", None).await),
        [slug]
    );
    let live = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&live), v3);
}

#[tokio::test]
async fn a_slug_taken_in_another_organization_is_neither_overwritten_nor_in_the_way() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher_a, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (teacher_b, _) = member(&app, &org_b, &admin_b, "teacher@ningbo.test", "instructor").await;
    let slug = "incoterms-contested-slug";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher_a),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();

    let mut theirs = files.clone();
    let lesson = theirs.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen("Every quotation", "Each quotation", 1);
    // The other organization's upload of the same slug is a course of its own.
    let mut theirs_id = None;
    for publish in [false, true] {
        let r = app
            .post(
                "/courses/import",
                Some(&teacher_b),
                json!({"files": theirs, "org_id": org_b, "publish": publish}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let their_id = r.body["course"]["id"].as_str().unwrap().to_owned();
        assert_ne!(their_id, id);
        assert_eq!(theirs_id.get_or_insert(their_id.clone()), &their_id);
    }
    assert_eq!(app.count("courses").await, 2);
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher_a))
        .await;
    assert_eq!(exported(&export), files);
    let export = app
        .get(
            &format!("/courses/{}/export", theirs_id.unwrap()),
            Some(&teacher_b),
        )
        .await;
    assert_eq!(exported(&export), theirs);
}

#[tokio::test]
async fn reimporting_a_drafts_files_with_publish_publishes_it() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (trainee, _) = member(&app, &org_a, &admin_a, "trainee@yiwu.test", "student").await;

    let slug = "incoterms-draft-then-published";
    let files = renamed_course(slug);
    let draft = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["course"]["status"], "draft");
    assert!(slugs(&app.get("/courses", Some(&trainee)).await).is_empty());

    // "Publish at once instead of storing a draft": the reviewed draft goes live.
    let published = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a, "publish": true}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(
        published.body["course"]["status"], "published",
        "import with publish=true of the draft's own files answered {} and left the course a draft",
        published.body["status"]
    );
    assert_eq!(slugs(&app.get("/courses", Some(&trainee)).await), [slug]);
}
