//! A result the review policy hides stays hidden: no student view tells a pass from a fail, and
//! the certificate sweep issues nothing while the result is hidden.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{answer_quiz, enroll_and_read_everything, small_course};

/// Every view a student has of their own progress in `course_id`, with ids and times removed,
/// so two students' views can be compared.
async fn student_views(app: &TestApp, token: &str, course_id: &str) -> Value {
    fn scrub(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for key in [
                    "id",
                    "enrolled_at",
                    "last_activity_at",
                    "completed_at",
                    "updated_at",
                ] {
                    map.remove(key);
                }
                map.values_mut().for_each(scrub);
            }
            Value::Array(items) => items.iter_mut().for_each(scrub),
            _ => {}
        }
    }
    let detail = app
        .get(&format!("/me/courses/{course_id}/progress"), Some(token))
        .await;
    assert_eq!(detail.status, 200, "{}", detail.body);
    let mut all = app.get("/me/progress", Some(token)).await.body;
    let mut enrollments = app.get("/me/enrollments", Some(token)).await.body;
    let certificates = app.get("/me/certificates", Some(token)).await.body;
    let mut detail = detail.body;
    scrub(&mut detail);
    scrub(&mut all);
    scrub(&mut enrollments);
    json!({"detail": detail, "all": all, "enrollments": enrollments, "certificates": certificates})
}

#[tokio::test]
async fn a_result_the_review_policy_hides_cannot_be_inferred_from_any_student_view() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "never-shown", &[], "never", 0.5).await;
    let (passer, _) = app.user("passer@example.com").await;
    let (failer, _) = app.user("failer@example.com").await;
    for (token, right) in [(&passer, true), (&failer, false)] {
        enroll_and_read_everything(&app, token, &course_id, &lessons).await;
        let submitted = answer_quiz(&app, token, &quiz_id, right).await;
        assert_eq!(submitted.status, 200, "{}", submitted.body);
        assert!(submitted.body["result"].is_null());
    }

    let passed_view = student_views(&app, &passer, &course_id).await;
    let failed_view = student_views(&app, &failer, &course_id).await;
    assert_eq!(
        passed_view, failed_view,
        "a pass and a fail must look the same to the student"
    );
    let detail = &passed_view["detail"];
    assert_eq!(detail["quizzes_passed"], 0);
    assert_eq!(detail["status"], "active");
    assert_eq!(detail["percent"], 66.7, "two lessons of three items");
    assert_eq!(detail["modules"][0]["completed"], false);
    assert_eq!(detail["modules"][0]["quiz"]["status"], "submitted");
    assert_eq!(detail["competencies"][0]["evidence"], 0);
    assert_eq!(detail["competencies"][0]["level"], 0.0);
    assert_eq!(passed_view["enrollments"][0]["status"], "active");
    assert_eq!(passed_view["certificates"], json!([]));
    assert!(
        !app.emails()
            .iter()
            .any(|e| e.contains("passer@example.com") && e.contains("certificate")),
        "no certificate email tells the result"
    );

    // Staff still see the truth as soon as the attempt closed: the course was completed.
    let completed: i64 = app
        .db(|c| {
            use caravan::schema::enrollments;
            use diesel::prelude::*;
            enrollments::table
                .filter(enrollments::status.eq("completed"))
                .count()
                .get_result(c)
                .expect("count")
        })
        .await;
    assert_eq!(
        completed, 1,
        "the passer's enrollment is complete for staff"
    );
}

/// The sweep's pass over completed enrollments without a certificate: a hidden result keeps the
/// certificate back, a visible one gets it, and an edition's certificate counts for the course.
#[tokio::test]
async fn the_sweep_issues_a_held_certificate_only_once_nothing_is_hidden() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (shown, shown_lessons, shown_quiz) =
        small_course(&app, &root, "shown-at-once", &[], "immediately", 0.5).await;
    let (hidden, hidden_lessons, hidden_quiz) =
        small_course(&app, &root, "never-shown-2", &[], "never", 0.5).await;
    let (token, _) = app.user("sweep@example.com").await;
    for (course, lessons, quiz) in [
        (&shown, &shown_lessons, &shown_quiz),
        (&hidden, &hidden_lessons, &hidden_quiz),
    ] {
        enroll_and_read_everything(&app, &token, course, lessons).await;
        answer_quiz(&app, &token, quiz, true)
            .await
            .assert_status(200);
    }
    // Take the visible course's certificate away, as if it had been held back.
    app.db(|c| {
        use caravan::schema::certificates;
        use diesel::prelude::*;
        diesel::delete(certificates::table)
            .execute(c)
            .expect("delete")
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let settings = test_settings(dir.path(), app.database_url.clone());
    let ctx = caravan::state::Ctx {
        public_url: settings.public_url.clone(),
        signer: std::sync::Arc::new(
            caravan::certificates::Signer::from_settings(&settings).unwrap(),
        ),
    };
    let sweep = move |c: &mut caravan::db::DbConn| {
        caravan::learning::progress::issue_held_certificates(c, &ctx, 200).expect("sweep")
    };
    let sweep_again = sweep.clone();
    assert_eq!(app.db(sweep).await, 1, "the visible course's certificate");
    assert_eq!(
        app.db(sweep_again).await,
        0,
        "nothing more while a result is hidden"
    );
    let mine = app.get("/me/certificates", Some(&token)).await;
    let list = mine.body.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["course_id"], shown.as_str());
}

#[tokio::test]
async fn results_stored_before_hidden_times_were_kept_stay_hidden_after_an_upgrade() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "never-upgraded", &[], "never", 0.5).await;
    let (student, _) = app.user("kept@example.com").await;
    enroll_and_read_everything(&app, &student, &course_id, &lessons).await;
    answer_quiz(&app, &student, &quiz_id, true)
        .await
        .assert_status(200);
    let quiz_status = |reply: Reply| reply.body["modules"][0]["quiz"]["status"].clone();
    let detail = format!("/me/courses/{course_id}/progress");
    assert_eq!(
        quiz_status(app.get(&detail, Some(&student)).await),
        "submitted"
    );

    // The database as a release before `hidden_until` leaves it once migrated: the column empty
    // and its backfill pending. Read as it is, the hidden pass would show.
    app.db(|c| {
        use diesel::connection::SimpleConnection;
        caravan::per_backend!(c, |c| c.batch_execute(
            "UPDATE quiz_results SET hidden_until = NULL; \
             INSERT INTO pending_backfills (name) VALUES ('quiz_results.hidden_until');"
        ))
    })
    .await
    .expect("the pre-upgrade state");
    assert_eq!(
        quiz_status(app.get(&detail, Some(&student)).await),
        "graded"
    );

    // The upgraded instance fills it in as it starts: the result is hidden again, everywhere.
    let upgraded = app.start_again().await;
    assert_eq!(
        quiz_status(upgraded.get(&detail, Some(&student)).await),
        "submitted"
    );
    assert_eq!(
        quiz_status(app.get(&detail, Some(&student)).await),
        "submitted"
    );
    assert_eq!(upgraded.count("pending_backfills").await, 0);
}
