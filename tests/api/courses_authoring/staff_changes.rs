//! Changes to a course's staff: a co-instructor or owner who leaves the organization (or becomes a
//! student) edits no more, changing only the co-instructors opens no draft, and naming one twice
//! is not a database conflict.

use reqwest::Method;
use serde_json::json;

use crate::helpers::*;
use crate::support::accounts::{member, org};
use crate::support::authoring::{build_course, catalog_ids, course_body, versions};
use crate::support::courses::{id_of, publish};

#[tokio::test]
async fn a_co_instructor_who_leaves_the_organization_or_becomes_a_student_edits_no_more() {
    let app = spawn_app().await;
    let college = org(&app, "leaving-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@leaving.test",
        "instructor",
    )
    .await;
    let (leaver, leaver_id) = member(
        &app,
        &college.id,
        &college.admin,
        "leaver@leaving.test",
        "instructor",
    )
    .await;
    let (demoted, demoted_id) = member(
        &app,
        &college.id,
        &college.admin,
        "demoted@leaving.test",
        "instructor",
    )
    .await;
    let mut body = course_body("incoterms-leaving", Some(&college.id));
    body["co_instructor_ids"] = json!([leaver_id, demoted_id]);
    let created = app.post("/courses", Some(&owner), body).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let course = id_of(&created);
    publish(&app, &owner, &course).await;
    for token in [&leaver, &demoted] {
        let edited = app
            .patch(
                &format!("/courses/{course}"),
                Some(token),
                json!({"summary": "Still a co-instructor."}),
            )
            .await;
        assert_eq!(edited.status, 200, "{}", edited.body);
    }
    publish(&app, &owner, &course).await;

    let removed = app
        .delete(
            &format!("/orgs/{}/members/{leaver_id}", college.id),
            Some(&college.admin),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let demotion = app
        .patch(
            &format!("/orgs/{}/members/{demoted_id}", college.id),
            Some(&college.admin),
            json!({"role": "student"}),
        )
        .await;
    assert_eq!(demotion.status, 200, "{}", demotion.body);
    let before = versions(&app, &course).await;

    // Someone outside the organization finds nothing; a student of it may read but not edit.
    let mut wrong = Vec::new();
    for (who, token, expected) in [("former member", &leaver, 404), ("student", &demoted, 403)] {
        let edit = app
            .patch(
                &format!("/courses/{course}"),
                Some(token),
                json!({"title": "Taken along"}),
            )
            .await;
        let files = app
            .get(&format!("/courses/{course}/export"), Some(token))
            .await;
        for (what, reply) in [("PATCH the course", edit), ("export its files", files)] {
            if reply.status != expected {
                wrong.push(format!(
                    "{who} may {what}: {} instead of {expected}",
                    reply.status
                ));
            }
        }
    }
    let after = versions(&app, &course).await;
    if after != before {
        wrong.push(format!(
            "a former co-instructor stored a draft ({} versions instead of {})",
            after.len(),
            before.len()
        ));
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn an_owner_who_leaves_the_organization_no_longer_edits_archives_or_reads_its_course() {
    let app = spawn_app().await;
    let college = org(&app, "owner-leaves").await;
    let (owner, owner_id) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@leaves.test",
        "instructor",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-owner-leaves", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let removed = app
        .delete(
            &format!("/orgs/{}/members/{owner_id}", college.id),
            Some(&college.admin),
        )
        .await;
    assert_eq!(removed.status, 204, "{}", removed.body);
    let before = versions(&app, &built.id).await;

    let mut wrong = Vec::new();
    let attempts = [
        (
            Method::PATCH,
            format!("/courses/{}", built.id),
            Some(json!({"title": "Taken along"})),
        ),
        (
            Method::POST,
            format!("/courses/{}/archive", built.id),
            Some(json!({})),
        ),
        (Method::GET, format!("/courses/{}/export", built.id), None),
        (
            Method::GET,
            format!("/quizzes/{}/questions", built.quiz),
            None,
        ),
    ];
    for (method, path, body) in attempts {
        let reply = app.request(method.clone(), &path, Some(&owner), body).await;
        if reply.status != 404 {
            wrong.push(format!("{method} {path}: {} instead of 404", reply.status));
        }
    }
    if versions(&app, &built.id).await != before {
        wrong.push("the former owner stored a draft".to_owned());
    }
    let listed = catalog_ids(&app, Some(&college.admin), "").await;
    if !listed.contains(&built.id) {
        wrong.push("the former owner archived the course: it left the catalog".to_owned());
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn changing_only_the_co_instructors_of_a_published_course_opens_no_draft() {
    let app = spawn_app().await;
    let college = org(&app, "co-only-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@co-only.test",
        "instructor",
    )
    .await;
    let (co, co_id) = member(
        &app,
        &college.id,
        &college.admin,
        "co@co-only.test",
        "instructor",
    )
    .await;
    let built = build_course(&app, &owner, "incoterms-co-only", Some(&college.id)).await;
    publish(&app, &owner, &built.id).await;
    let before = versions(&app, &built.id).await;

    // Who co-authors is not course content: no version of its own, nothing to publish.
    let changed = app
        .patch(
            &format!("/courses/{}", built.id),
            Some(&owner),
            json!({"co_instructor_ids": [co_id]}),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["co_instructor_ids"], json!([co_id]));
    assert_eq!(changed.body["has_draft"], false, "{}", changed.body);
    assert_eq!(changed.body["version"], 1);
    assert_eq!(
        versions(&app, &built.id).await,
        before,
        "no version was stored"
    );
    app.post(
        &format!("/courses/{}/publish", built.id),
        Some(&owner),
        json!({}),
    )
    .await
    .assert_problem(409, "nothing_to_publish");

    // The new co-instructor's first content edit is what opens the draft.
    let edited = app
        .patch(
            &format!("/modules/{}", built.module),
            Some(&co),
            json!({"title": "Edited by the new co-instructor"}),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let after = versions(&app, &built.id).await;
    assert_eq!(after.len(), 2);
    assert_eq!(after[0], before[0]);
}

#[tokio::test]
async fn naming_a_co_instructor_twice_is_not_a_database_conflict() {
    let app = spawn_app().await;
    let college = org(&app, "twice-college").await;
    let (owner, _) = member(
        &app,
        &college.id,
        &college.admin,
        "owner@twice.test",
        "instructor",
    )
    .await;
    let (_, co_id) = member(
        &app,
        &college.id,
        &college.admin,
        "co@twice.test",
        "instructor",
    )
    .await;
    let mut body = course_body("incoterms-twice", Some(&college.id));
    body["co_instructor_ids"] = json!([co_id, co_id]);
    let created = app.post("/courses", Some(&owner), body).await;
    // Either the list is taken as a set, or it is refused as a field error; never a 409 that
    // quotes a database constraint.
    match created.status {
        201 => assert_eq!(created.body["co_instructor_ids"], json!([co_id])),
        _ => {
            created.assert_problem(422, "validation_failed");
            assert_eq!(app.count("courses").await, 0);
        }
    }
}
