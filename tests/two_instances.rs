//! Two Caravan instances on one PostgreSQL database, as behind a load balancer: both come up when
//! started together on an empty database, every email and the weekly digest go out once, failed
//! logins count against one limit, and parallel submits of one attempt grade it once.
//!
//! Each test runs two real `caravan` processes (see `cluster`) and reaches them over HTTP only.
//! PostgreSQL is required (`TEST_DATABASE_URL`, else the local server at 127.0.0.1:5432): without
//! it the tests fail, whatever backend the rest of the suite runs on, since instances scale out
//! on PostgreSQL only.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

// The crate root is tests/two_instances.rs, so its own modules are named by path.
#[path = "two_instances/cluster.rs"]
mod cluster;
#[path = "two_instances/course.rs"]
mod course;
#[path = "two_instances/smtp.rs"]
mod smtp;

use std::path::Path;

use futures::future::join_all;
use serde_json::json;

use cluster::{wait_until, Cluster, Instance};
use helpers::{token_in, Api, PASSWORD};

/// Registers `email` on `on`; the verification email goes out from whichever instance's worker
/// claims it.
async fn register(on: &Instance, email: &str) {
    on.post(
        "/auth/register",
        None,
        json!({"email": email, "password": PASSWORD, "display_name": email.split('@').next()}),
    )
    .await
    .assert_status(201);
}

/// How many folders `dir` holds.
fn folders_in(dir: &Path) -> i64 {
    std::fs::read_dir(dir)
        .expect("readable folder")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .count() as i64
}

#[tokio::test]
async fn two_instances_started_together_on_an_empty_database_both_come_up_with_one_catalog() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("courses");
    let cluster = Cluster::start(&[
        ("CARAVAN_IMPORT_COURSES_ON_EMPTY", "true"),
        ("CARAVAN_COURSES_DIR", seed.to_str().expect("UTF-8 path")),
    ])
    .await;

    // Start-up returned: both answered /readyz. Each migration ran once and the seed catalog was
    // imported once, whichever instance got there first.
    assert_eq!(
        cluster
            .db
            .count("SELECT COUNT(*) AS n FROM __diesel_schema_migrations"),
        folders_in(&root.join("migrations/postgres"))
    );
    assert_eq!(
        cluster.db.count("SELECT COUNT(*) AS n FROM courses"),
        folders_in(&seed)
    );
    let first = cluster.instance(0).get("/courses?limit=5", None).await;
    first.assert_status(200);
    assert_eq!(first.body["items"].as_array().map(Vec::len), Some(5));
    let second = cluster.instance(1).get("/courses?limit=5", None).await;
    assert_eq!(second.body, first.body, "both serve the same catalog");
}

#[tokio::test]
async fn each_email_and_the_weekly_digest_are_sent_once_by_two_instances() {
    let mut cluster = Cluster::start(&[]).await;
    let admin = "admin@north.test";
    {
        let (a, b) = (cluster.instance(0), cluster.instance(1));
        let root = cluster.platform_admin("root@caravan.test").await;

        // Registered on one instance, verified through the other with the emailed link.
        register(b, admin).await;
        let verification = cluster.smtp.wait_for(admin, "/verify-email?token=").await;
        a.post(
            "/auth/verify-email",
            None,
            json!({"token": token_in(&verification)}),
        )
        .await
        .assert_status(204);

        // An organization with the digest on, and the admin invited on one instance and
        // accepting on the other.
        let org = a
            .post(
                "/orgs",
                Some(&root),
                json!({"name": "College North", "slug": "north", "kind": "vocational_college"}),
            )
            .await;
        org.assert_status(201);
        let org_id = org.body["id"].as_str().expect("org id");
        a.patch(
            &format!("/orgs/{org_id}"),
            Some(&root),
            json!({"weekly_digest": true}),
        )
        .await
        .assert_status(200);
        let invited = b
            .post(
                &format!("/orgs/{org_id}/members"),
                Some(&root),
                json!({"email": admin, "role": "org_admin"}),
            )
            .await;
        invited.assert_status(201);
        let invitation = invited.body["invitation"]["id"]
            .as_str()
            .expect("invitation id");
        let token = b.login(admin).await;
        a.post(
            &format!("/me/invitations/{invitation}/accept"),
            Some(&token),
            json!({}),
        )
        .await
        .assert_status(200);
        cluster.smtp.wait_for(admin, "You are invited to").await;
        cluster.wait_for_outbox_delivered().await;
    }

    // A deploy restarts both with the scheduler waking every second: each wakes, one claims this
    // week's digest, and from then on both find it done.
    cluster
        .restart(&[("CARAVAN_DIGEST_INTERVAL_SECS", "1")])
        .await;
    cluster.smtp.wait_for(admin, "Weekly progress digest").await;
    for instance in &cluster.instances {
        wait_until(
            &format!("{} to find the weekly digest done", instance.name),
            || instance.log_text().contains("weekly digest already done"),
        )
        .await;
    }
    cluster.wait_for_outbox_delivered().await;

    assert_eq!(
        cluster.smtp.received(admin, "/verify-email?token=").len(),
        1
    );
    assert_eq!(cluster.smtp.received(admin, "You are invited to").len(), 1);
    assert_eq!(
        cluster.smtp.received(admin, "Weekly progress digest").len(),
        1
    );
    assert_eq!(
        cluster.smtp.total() as i64,
        cluster.db.count("SELECT COUNT(*) AS n FROM outbox"),
        "every queued email was delivered exactly once"
    );
    assert_eq!(cluster.db.count("SELECT COUNT(*) AS n FROM job_runs"), 1);
}

#[tokio::test]
async fn failed_logins_spread_over_two_instances_count_against_one_account_limit() {
    let cluster = Cluster::start(&[("CARAVAN_LOGIN_LIMIT_PER_ACCOUNT", "4")]).await;
    let email = "ana@example.com";
    register(cluster.instance(0), email).await;
    let wrong = json!({"email": email, "password": "not-the-password-at-all"});

    // Four wrong passwords, alternating instances: each instance saw only two.
    for i in 0..4 {
        cluster
            .instance(i)
            .post("/auth/login", None, wrong.clone())
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // The fifth is over the shared limit on either instance, even with the right password.
    cluster
        .instance(0)
        .post("/auth/login", None, wrong)
        .await
        .assert_problem(429, "rate_limited");
    let right = json!({"email": email, "password": PASSWORD});
    for i in 0..2 {
        cluster
            .instance(i)
            .post("/auth/login", None, right.clone())
            .await
            .assert_problem(429, "rate_limited");
    }
}

#[tokio::test]
async fn twenty_parallel_submits_over_two_instances_grade_the_attempt_once() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (cluster.instance(0), cluster.instance(1));
    let root = cluster.platform_admin("root@caravan.test").await;
    let built = course::publish(a, &root, "gpsr-once").await;
    let trainee = "ana@example.com";
    register(b, trainee).await;
    let token = b.login(trainee).await;
    a.post(
        &format!("/courses/{}/enroll", built.id),
        Some(&token),
        json!({}),
    )
    .await
    .assert_status(201);
    b.post(
        &format!("/lessons/{}/complete", built.lesson),
        Some(&token),
        json!({}),
    )
    .await
    .assert_status(200);
    let attempt = a
        .post(
            &format!("/quizzes/{}/attempts", built.quiz),
            Some(&token),
            json!({}),
        )
        .await;
    attempt.assert_status(201);
    let attempt_id = attempt.body["id"].as_str().expect("attempt id");
    let question = &attempt.body["questions"][0];
    assert_eq!(question["prompt"], course::STATEMENT);
    let body =
        json!({"answers": [{"question_id": question["question_id"], "response": {"value": true}}]});

    let path = format!("/attempts/{attempt_id}/submit");
    let replies =
        join_all((0..20).map(|i| cluster.instance(i).post(&path, Some(&token), body.clone())))
            .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    let graded: Vec<_> = replies.iter().filter(|r| r.status == 200).collect();
    assert_eq!(graded.len(), 1, "one submit grades; statuses: {statuses:?}");
    assert_eq!(graded[0].body["status"], "graded");
    for reply in replies.iter().filter(|r| r.status != 200) {
        reply.assert_problem(409, "attempt_closed");
    }

    // One grading, and one of each thing it writes: the result, the competency evidence, the
    // completed course's certificate and its email.
    let count = |table: &str| {
        cluster
            .db
            .count(&format!("SELECT COUNT(*) AS n FROM {table}"))
    };
    assert_eq!(count("quiz_attempts WHERE status = 'graded'"), 1);
    assert_eq!(count("quiz_attempts"), 1);
    assert_eq!(count("quiz_results"), 1);
    assert_eq!(count("competency_evidence"), 1);
    assert_eq!(count("certificates"), 1);
    cluster.smtp.wait_for(trainee, "Your certificate for").await;
    cluster.wait_for_outbox_delivered().await;
    assert_eq!(
        cluster.smtp.received(trainee, "Your certificate for").len(),
        1
    );

    // Either instance tells the trainee the same: the course is complete, with one certificate.
    let progress = format!("/me/courses/{}/progress", built.id);
    let seen_by_a = a.get(&progress, Some(&token)).await;
    seen_by_a.assert_status(200);
    assert_eq!(b.get(&progress, Some(&token)).await.body, seen_by_a.body);
    for on in [a, b] {
        let certificates = on.get("/me/certificates", Some(&token)).await;
        assert_eq!(certificates.body.as_array().map(Vec::len), Some(1));
    }
}

#[tokio::test]
async fn a_catalog_change_on_one_instance_shows_at_once_on_the_other() {
    let cluster = Cluster::start(&[]).await;
    let (a, b) = (cluster.instance(0), cluster.instance(1));
    let root = cluster.platform_admin("root@caravan.test").await;
    let built = course::publish(a, &root, "gpsr-catalog").await;
    let trainee = "li@example.com";
    register(b, trainee).await;
    let token = b.login(trainee).await;
    let listed_title = |page: &serde_json::Value| {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["id"] == built.id.as_str())
            .map(|c| c["title"].as_str().unwrap_or_default().to_owned())
    };
    let page_path = format!("/courses/{}", built.id);
    // Instance b builds its catalog page and the course page, and serves them again.
    for _ in 0..2 {
        let list = b.get("/courses?limit=100", Some(&token)).await;
        list.assert_status(200);
        assert_eq!(
            listed_title(&list.body).as_deref(),
            Some("Product safety in one lesson")
        );
        let page = b.get(&page_path, Some(&token)).await;
        page.assert_status(200);
        assert_eq!(page.body["title"], "Product safety in one lesson");
    }

    // A new title published on instance a is what b shows on its next request.
    a.patch(
        &page_path,
        Some(&root),
        json!({"title": "Product safety, revised"}),
    )
    .await
    .assert_status(200);
    a.post(&format!("{page_path}/publish"), Some(&root), json!({}))
        .await
        .assert_status(200);
    let list = b.get("/courses?limit=100", Some(&token)).await;
    assert_eq!(
        listed_title(&list.body).as_deref(),
        Some("Product safety, revised")
    );
    let page = b.get(&page_path, Some(&token)).await;
    assert_eq!(page.body["title"], "Product safety, revised");
    assert_eq!(page.body["version"], 2);

    // Archived on a: gone from b's catalog, and its page is no longer there for the trainee.
    a.post(&format!("{page_path}/archive"), Some(&root), json!({}))
        .await
        .assert_status(204);
    let list = b.get("/courses?limit=100", Some(&token)).await;
    assert_eq!(listed_title(&list.body), None);
    b.get(&page_path, Some(&token))
        .await
        .assert_problem(404, "not_found");
}
