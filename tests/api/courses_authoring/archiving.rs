//! Taking a course away: archiving takes it out of the catalog until it is published again, and a
//! course never published is deleted with everything it stored.

use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{member, org};
use crate::support::authoring::{build_course, catalog_ids, versions};
use crate::support::courses::publish;

#[tokio::test]
async fn archiving_takes_a_course_out_of_the_catalog_and_publishing_again_brings_it_back() {
    let app = spawn_app().await;
    let college = org(&app, "archive-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@archive.test",
        "instructor",
    )
    .await;
    let (student, _) = member(
        &app,
        &college.id,
        &college.admin,
        "student@archive.test",
        "student",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-archive", Some(&college.id)).await;
    let course = built.id.clone();
    let platform = build_course(&app, &college.root, "platform-archive", None).await;
    publish(&app, &owner, &course).await;
    publish(&app, &college.root, &platform.id).await;
    assert!(catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(catalog_ids(&app, None, "").await.contains(&platform.id));
    let before = versions(&app, &course).await;

    for (token, id) in [(&owner, &course), (&college.root, &platform.id)] {
        let archived = app
            .post(&format!("/courses/{id}/archive"), Some(token), json!({}))
            .await;
        assert_eq!(archived.status, 204, "{}", archived.body);
    }
    assert!(!catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(!catalog_ids(&app, Some(&student), "")
        .await
        .contains(&platform.id));
    assert!(!catalog_ids(&app, None, "").await.contains(&platform.id));
    app.get(&format!("/courses/{course}"), Some(&student))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{}", platform.id), None)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        catalog_ids(&app, Some(&owner), "?status=archived").await,
        [course.as_str()]
    );
    let view = app.get(&format!("/courses/{course}"), Some(&owner)).await;
    assert_eq!(view.body["status"], "archived");
    assert_eq!(versions(&app, &course).await, before, "versions are kept");

    let restored = publish(&app, &owner, &course).await;
    assert_eq!(restored.body["status"], "published");
    assert_eq!(restored.body["version"], 1);
    publish(&app, &college.root, &platform.id).await;
    assert!(catalog_ids(&app, Some(&student), "")
        .await
        .contains(&course));
    assert!(catalog_ids(&app, None, "").await.contains(&platform.id));
    let seen = app.get(&format!("/courses/{course}"), Some(&student)).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert!(catalog_ids(&app, Some(&owner), "?status=archived")
        .await
        .is_empty());
    assert_eq!(
        versions(&app, &course).await,
        before,
        "restoring adds no version"
    );
    app.post(
        &format!("/courses/{course}/publish"),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");
}

#[tokio::test]
async fn a_never_published_course_is_deleted_with_everything_it_stored() {
    let app = spawn_app().await;
    let college = org(&app, "delete-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@delete.test",
        "instructor",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-deleted", Some(&college.id)).await;
    let kept = build_course(&app, &owner, "incoterms-kept", Some(&college.id)).await;
    let kept_versions = versions(&app, &kept.id).await;
    let items = app.count("course_items").await;

    let deleted = app
        .delete(&format!("/courses/{}", built.id), Some(&owner))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.body);
    app.get(
        &format!("/courses/{}?version=draft", built.id),
        Some(&owner),
    )
    .await
    .assert_problem(404, "not_found");
    app.get(&format!("/modules/{}", built.module), Some(&owner))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/quizzes/{}/questions", built.quiz), Some(&owner))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.count("courses").await, 1);
    assert!(versions(&app, &built.id).await.is_empty());
    assert_eq!(versions(&app, &kept.id).await, kept_versions);
    assert_eq!(
        app.count("course_items").await,
        items / 2,
        "the deleted course's items are gone"
    );
    assert_eq!(
        catalog_ids(&app, Some(&owner), "?status=draft").await,
        [kept.id.as_str()]
    );
}
