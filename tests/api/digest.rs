//! The weekly progress digest: org_admins opt in per organization, and however many instances run
//! the scheduler, each admin of an opted-in organization gets exactly one digest per week.

use std::time::Duration;

use serde_json::json;

use crate::helpers::*;
use crate::support::certificates::{course, earn, join};

/// The digests in the outbox as (recipient, text body), sorted by recipient.
async fn digests(app: &TestApp) -> Vec<(String, String)> {
    app.db(|c| {
        use caravan::schema::outbox;
        use diesel::prelude::*;
        let mut rows: Vec<(String, String)> = outbox::table
            .filter(outbox::subject.like("Weekly progress digest%"))
            .select((outbox::to_address, outbox::text_body))
            .load(c)
            .unwrap();
        rows.sort();
        rows
    })
    .await
}

#[tokio::test]
async fn org_admins_turn_the_weekly_digest_on_for_their_organization_only() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (north, north_admin) = app.org_with_admin(&root, "north").await;
    let (south, south_admin) = app.org_with_admin(&root, "south").await;
    let (student, _) = app.user("ana@example.com").await;
    join(&app, &root, &north, "ana@example.com").await;

    let org = app.get(&format!("/orgs/{north}"), Some(&north_admin)).await;
    assert_eq!(org.body["weekly_digest"], false);
    let on = app
        .patch(
            &format!("/orgs/{north}"),
            Some(&north_admin),
            json!({"weekly_digest": true}),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(on.body["weekly_digest"], true);
    assert_eq!(on.body["name"], "College north", "other fields are kept");

    app.patch(
        &format!("/orgs/{north}"),
        Some(&student),
        json!({"weekly_digest": false}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &format!("/orgs/{north}"),
        Some(&south_admin),
        json!({"weekly_digest": false}),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &format!("/orgs/{north}"),
        Some(&north_admin),
        json!({"weekly_digest": "yes"}),
    )
    .await
    .assert_problem(422, "invalid_body");

    let north_view = app.get(&format!("/orgs/{north}"), Some(&north_admin)).await;
    assert_eq!(north_view.body["weekly_digest"], true);
    let south_view = app.get(&format!("/orgs/{south}"), Some(&south_admin)).await;
    assert_eq!(south_view.body["weekly_digest"], false);
}

#[tokio::test]
async fn two_instances_send_each_admin_of_an_opted_in_organization_exactly_one_digest() {
    // The first instance keeps the default hour-long interval: it never wakes during the test.
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (north, north_admin) = app.org_with_admin(&root, "north").await;
    let (south, _) = app.org_with_admin(&root, "south").await;
    let (_, _) = app.user("second@north.test").await;
    let added = app
        .add_member(
            &format!("/orgs/{north}/members"),
            Some(&root),
            json!({"email": "second@north.test", "role": "org_admin"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);

    // Ana completes a course of north (and earns its certificate); Ben starts it; Carla, of
    // south, is active too, but south did not opt in.
    let north_course = course(&app, &root, "north-course", Some(&north)).await;
    let (ana, _) = app.user("ana@example.com").await;
    join(&app, &root, &north, "ana@example.com").await;
    earn(&app, &ana, &north_course).await;
    let (ben, _) = app.user("ben@example.com").await;
    join(&app, &root, &north, "ben@example.com").await;
    let enrolled = app
        .post(
            &format!("/courses/{}/enroll", north_course.0),
            Some(&ben),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let done = app
        .post(
            &format!("/lessons/{}/complete", north_course.1[0]),
            Some(&ben),
            json!({}),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let south_course = course(&app, &root, "south-course", Some(&south)).await;
    let (carla, _) = app.user("carla@example.com").await;
    join(&app, &root, &south, "carla@example.com").await;
    earn(&app, &carla, &south_course).await;

    let on = app
        .patch(
            &format!("/orgs/{north}"),
            Some(&north_admin),
            json!({"weekly_digest": true}),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);

    // Two more instances on the same database wake every 100 ms and both run the job.
    let url = app.database_url.clone();
    let mut others = Vec::new();
    for _ in 0..2 {
        let url = url.clone();
        others.push(
            spawn_app_with(move |s| {
                s.database_url = url;
                s.digest_interval = Duration::from_millis(100);
            })
            .await,
        );
    }
    let mut queued = Vec::new();
    for _ in 0..100 {
        queued = digests(&app).await;
        if !queued.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let both instances wake several more times in the same week.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let queued_after = digests(&app).await;
    assert_eq!(queued_after, queued, "nothing more is queued this week");
    assert_eq!(
        queued.iter().map(|(to, _)| to.as_str()).collect::<Vec<_>>(),
        ["admin@north.test", "second@north.test"],
        "one digest per admin of the opted-in organization, none for south"
    );
    assert_eq!(app.count("job_runs").await, 1);

    let text = &queued[0].1;
    assert!(text.contains("Active trainees: 2\n"), "{text}");
    assert!(text.contains("Enrollments: 2\n"), "{text}");
    assert!(text.contains("Courses completed this week: 1\n"), "{text}");
    assert!(
        text.contains("Certificates issued this week: 1\n"),
        "{text}"
    );
    assert!(
        text.contains("- ben: Course <north-course> (33%)"),
        "{text}"
    );
    assert!(
        text.contains("- ana: Course <north-course> (completed)"),
        "{text}"
    );
    assert!(!text.contains("carla"), "{text}");
    assert!(text.contains(&format!(
        "http://caravan.test/api/v1/orgs/{north}/reports/progress"
    )));

    // The outbox delivers them (through whichever instance's worker claims them).
    for to in ["admin@north.test", "second@north.test"] {
        let mut delivered = 0;
        for _ in 0..100 {
            delivered = std::iter::once(&app)
                .chain(others.iter())
                .flat_map(|a| a.emails())
                .filter(|m| {
                    m.contains(&format!("To: {to}")) && m.contains("Weekly progress digest")
                })
                .count();
            if delivered > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(delivered, 1, "{to} gets exactly one digest");
    }
}
