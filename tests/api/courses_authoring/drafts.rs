//! Drafts over published versions: editing a published course makes a draft that the public sees
//! only once it is published.

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{member, org};
use crate::support::authoring::{build_course, export, lesson_body, lesson_titles, versions};
use crate::support::courses::publish;

#[tokio::test]
async fn editing_a_published_course_makes_a_draft_that_the_public_sees_only_once_it_is_published() {
    let app = spawn_app().await;
    let college = org(&app, "draft-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@draft.test",
        "instructor",
    )
    .await;
    let (student, _) = member(
        &app,
        &college.id,
        &college.admin,
        "student@draft.test",
        "student",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-drafts", Some(&college.id)).await;
    let course = built.id.clone();
    publish(&app, &owner, &course).await;
    let v1_files = export(&app, &owner, &course, false).await;
    let old_title = "Incoterms 2020 for marketplace sellers";

    let edited = app
        .patch(
            &format!("/courses/{course}"),
            Some(&owner),
            json!({"title": "Incoterms 2020, revised"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["title"], "Incoterms 2020, revised");
    assert_eq!(edited.body["version"], 2);
    assert_eq!(edited.body["has_draft"], true);
    let added = app
        .post(
            &format!("/modules/{}/lessons", built.module),
            Some(&owner),
            lesson_body("dap-and-ddp", "DAP and DDP"),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    let renamed = app
        .patch(
            &format!("/lessons/{}", built.lessons[0]),
            Some(&owner),
            json!({"title": "How the eleven rules work"}),
        )
        .await;
    assert_eq!(renamed.status, 204, "{}", renamed.body);

    // The public view and the catalog keep the published version.
    for token in [&student, &owner] {
        let public = app.get(&format!("/courses/{course}"), Some(token)).await;
        assert_eq!(public.status, 200, "{}", public.body);
        assert_eq!(public.body["title"], old_title);
        assert_eq!(public.body["version"], 1);
        assert_eq!(
            lesson_titles(&public.body),
            ["How the rules work", "Where risk and cost pass"]
        );
    }
    let listed = app.get("/courses", Some(&student)).await;
    let card = listed.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["id"] == course.as_str())
        .expect("the course is listed")
        .clone();
    assert_eq!(card["title"], old_title);
    assert_eq!(card["status"], "published");
    let old_lesson = app
        .get(&format!("/lessons/{}", built.lessons[0]), Some(&owner))
        .await;
    assert_eq!(old_lesson.body["title"], "How the rules work");

    // The authors see the draft when they ask for it.
    let draft = app
        .get(&format!("/courses/{course}?version=draft"), Some(&owner))
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["title"], "Incoterms 2020, revised");
    assert_eq!(draft.body["version"], 2);
    assert_eq!(draft.body["has_draft"], true);
    assert_eq!(
        lesson_titles(&draft.body),
        [
            "How the eleven rules work",
            "Where risk and cost pass",
            "DAP and DDP"
        ]
    );

    assert_eq!(export(&app, &owner, &course, false).await, v1_files);
    let draft_files = export(&app, &owner, &course, true).await;
    assert_ne!(draft_files, v1_files);
    assert!(draft_files["01-basics/03-dap-and-ddp.md"].is_string());
    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (stored[0].0, &stored[0].1, stored[0].2),
        (1, &v1_files, true)
    );
    assert_eq!(
        (stored[1].0, &stored[1].1, stored[1].2),
        (2, &draft_files, false)
    );

    let published = publish(&app, &owner, &course).await;
    assert_eq!(published.body["version"], 2);
    assert_eq!(published.body["has_draft"], false);
    let public = app.get(&format!("/courses/{course}"), Some(&student)).await;
    assert_eq!(public.body["title"], "Incoterms 2020, revised");
    assert_eq!(public.body["version"], 2);
    assert_eq!(lesson_titles(&public.body).len(), 3);
    let listed = app.get("/courses?q=revised", Some(&student)).await;
    assert_eq!(
        listed.body["items"][0]["id"],
        course.as_str(),
        "{}",
        listed.body
    );
    assert_eq!(export(&app, &owner, &course, false).await, draft_files);
    app.post(
        &format!("/courses/{course}/publish"),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");

    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 2, "publishing adds no version");
    assert_eq!(stored[0].1, v1_files, "version 1 is kept unchanged");
    assert_eq!(stored[1].1, draft_files);
    assert!(stored[0].2 && stored[1].2);

    // The next edit opens version 3; both published versions stay as they were.
    let again = app
        .patch(
            &format!("/modules/{}", built.module),
            Some(&owner),
            json!({"title": "The basics, again"}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    let stored = versions(&app, &course).await;
    assert_eq!(stored.len(), 3);
    assert_eq!((stored[2].0, stored[2].2), (3, false));
    assert_eq!(stored[0].1, v1_files);
    assert_eq!(stored[1].1, draft_files);
}
