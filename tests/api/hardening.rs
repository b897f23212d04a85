//! Findings of the security review, each replayed as the attack it was: consent between
//! organizations, staff powers that stop at their organization's edge, and a hidden result that
//! no side door reveals.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::progress::{answer_quiz, course_with_quiz, small_course};

async fn enroll_and_read_everything(
    app: &TestApp,
    token: &str,
    course_id: &str,
    lessons: &[String],
) {
    let enrolled = app
        .post(
            &format!("/courses/{course_id}/enroll"),
            Some(token),
            json!({}),
        )
        .await;
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    for lesson in lessons {
        app.post(
            &format!("/lessons/{lesson}/complete"),
            Some(token),
            json!({}),
        )
        .await
        .assert_status(200);
    }
}

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

/// Two colleges share one trainee, who accepted both invitations. Each college's staff powers
/// reach only what belongs to it.
#[tokio::test]
async fn an_org_admin_reaches_only_their_own_organizations_part_of_a_shared_trainee() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "college-b").await;
    let (trainee, trainee_id) = app.user("shared@example.com").await;
    for (org, admin) in [(&a, &admin_a), (&b, &admin_b)] {
        app.add_member(
            &format!("/orgs/{org}/members"),
            Some(admin),
            json!({"email": "shared@example.com", "role": "student"}),
        )
        .await
        .assert_status(201);
    }
    // B's internal course, passed by the trainee: an attempt with answer keys, evidence and a
    // certificate of B's.
    let body = json!({"slug": "b-internal", "title": "B internal", "summary": "Internal.",
                      "language": "en", "level": "beginner", "estimated_hours": 1,
                      "competencies": ["law.product_safety"], "org_id": b});
    let (course_b, lessons_b, quiz_b) =
        course_with_quiz(&app, &admin_b, body, "immediately", 0.5).await;
    enroll_and_read_everything(&app, &trainee, &course_b, &lessons_b).await;
    let attempt_b = answer_quiz(&app, &trainee, &quiz_b, true).await;
    assert_eq!(attempt_b.status, 200, "{}", attempt_b.body);
    let attempt_b = attempt_b.body["id"].as_str().unwrap().to_owned();
    let certificates = app.get("/me/certificates", Some(&trainee)).await.body;
    let certificate_b = certificates[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(certificates[0]["org_id"], b.as_str());

    // A's admin: B's attempt, B's certificate and B's evidence are simply not there.
    app.get(&format!("/attempts/{attempt_b}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/certificates/{certificate_b}/revoke"),
        Some(&admin_a),
        json!({"reason": "Not ours"}),
    )
    .await
    .assert_problem(404, "not_found");
    let law_level = |report: &Value| -> f64 {
        let row = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["user_id"] == trainee_id.as_str())
            .unwrap_or_else(|| panic!("trainee missing: {report}"))
            .clone();
        row["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["area"] == "law")
            .unwrap()["level"]
            .as_f64()
            .unwrap()
    };
    let report_a = app
        .get(&format!("/orgs/{a}/reports/competencies"), Some(&admin_a))
        .await;
    assert_eq!(report_a.status, 200, "{}", report_a.body);
    assert_eq!(law_level(&report_a.body), 0.0, "B's evidence is not A's");
    let report_b = app
        .get(&format!("/orgs/{b}/reports/competencies"), Some(&admin_b))
        .await;
    assert!(law_level(&report_b.body) > 0.0, "B sees its own evidence");
    // B's own admin keeps every power over B's part.
    let read = app
        .get(&format!("/attempts/{attempt_b}"), Some(&admin_b))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);

    // A platform-wide course taken by the trainee is A's business too (it is A's trainee).
    let (open_course, open_lessons, open_quiz) =
        small_course(&app, &root, "open-to-all", &[], "immediately", 0.5).await;
    enroll_and_read_everything(&app, &trainee, &open_course, &open_lessons).await;
    let open_attempt = answer_quiz(&app, &trainee, &open_quiz, true).await;
    let open_attempt = open_attempt.body["id"].as_str().unwrap().to_owned();
    let read = app
        .get(&format!("/attempts/{open_attempt}"), Some(&admin_a))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let report_a = app
        .get(&format!("/orgs/{a}/reports/competencies"), Some(&admin_a))
        .await;
    assert!(law_level(&report_a.body) > 0.0, "public evidence counts");

    // The trainee leaves A: A's admin no longer reads even the public course's attempt.
    app.delete(&format!("/me/memberships/{a}"), Some(&trainee))
        .await
        .assert_status(204);
    app.get(&format!("/attempts/{open_attempt}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn an_org_admin_cannot_add_a_registered_user_without_consent() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (victim, _) = app.user("victim@example.com").await;
    let invited = app
        .post(
            &format!("/orgs/{a}/members"),
            Some(&admin_a),
            json!({"email": "victim@example.com", "role": "student"}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["status"], "invited");
    let import = app
        .post_raw(
            &format!("/orgs/{a}/members/import"),
            Some(&admin_a),
            "text/csv",
            "email,display_name,role,cohort\nvictim@example.com,Victim,student,Grabbed\n",
        )
        .await;
    assert_eq!(import.status, 200, "{}", import.body);
    assert_eq!(import.body["rows"][0]["status"], "invited");
    assert_eq!(
        app.get("/me", Some(&victim)).await.body["memberships"],
        json!([]),
        "neither the form nor the import made the victim a member"
    );
    let members = app.get(&format!("/orgs/{a}/members"), Some(&admin_a)).await;
    assert!(!members.body.to_string().contains("victim@example.com"));
}

#[tokio::test]
async fn a_trainee_named_like_a_formula_is_plain_text_in_every_csv_report() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let evil = "=HYPERLINK(\"http://attacker.example/\",\"open\")";
    let registered = app
        .post(
            "/auth/register",
            None,
            json!({"email": "formula@example.com", "password": PASSWORD, "display_name": evil}),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    app.add_member(
        &format!("/orgs/{a}/members"),
        Some(&admin_a),
        json!({"email": "formula@example.com", "role": "student"}),
    )
    .await
    .assert_status(201);
    let login = app.login("formula@example.com", PASSWORD).await;
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let (course_id, lessons, quiz_id) =
        small_course(&app, &root, "csv-course", &[], "immediately", 0.5).await;
    enroll_and_read_everything(&app, &token, &course_id, &lessons).await;
    answer_quiz(&app, &token, &quiz_id, true)
        .await
        .assert_status(200);

    for report in ["progress", "competencies"] {
        let r = app
            .client
            .get(app.url(&format!("/orgs/{a}/reports/{report}?format=csv")))
            .bearer_auth(&admin_a)
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 200, "{report}");
        let text = r.text().await.expect("body");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let mut seen = false;
        for record in reader.records() {
            let record = record.expect("valid CSV");
            for cell in record.iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r']),
                    "{report}: live formula cell {cell:?}"
                );
                if cell.contains("HYPERLINK") {
                    assert_eq!(cell, format!("'{evil}"), "{report}");
                    seen = true;
                }
            }
        }
        assert!(seen, "{report} lists the trainee: {text}");
    }
}

#[tokio::test]
async fn unknown_paths_share_one_metrics_label_and_metrics_can_move_to_an_internal_address() {
    let app = spawn_app().await;
    for i in 0..50 {
        let r = app
            .client
            .get(format!("{}/probe-{i}/x{i}", app.address))
            .send()
            .await
            .expect("sent");
        assert_eq!(r.status().as_u16(), 404);
    }
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert!(!text.contains("probe-"), "raw paths became series: {text}");
    assert!(text.contains("endpoint=\"unmatched\""), "{text}");

    let internal = spawn_app_with(|s| s.metrics_bind = Some("127.0.0.1:0".into())).await;
    let metrics_at = internal.metrics_address.clone().expect("metrics listener");
    let public = internal
        .client
        .get(format!("{}/metrics", internal.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(public.status().as_u16(), 404, "not on the public listener");
    internal.get("/healthz", None).await;
    let private = internal
        .client
        .get(format!("{metrics_at}/metrics"))
        .send()
        .await
        .expect("sent");
    assert_eq!(private.status().as_u16(), 200);
    let text = private.text().await.expect("text");
    assert!(text.contains("caravan_http_requests_total"), "{text}");
}

#[tokio::test]
async fn responses_carry_nosniff_private_ones_no_store_and_the_docs_page_a_csp() {
    let app = spawn_app().await;
    let (token, _) = app.user("headers@example.com").await;
    let me = app.get("/me", Some(&token)).await;
    assert_eq!(me.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(me.header("cache-control"), Some("no-store"));
    let login = app.login("headers@example.com", PASSWORD).await;
    assert_eq!(login.header("cache-control"), Some("no-store"));
    let catalog = app.get("/courses", None).await;
    assert_eq!(catalog.header("x-content-type-options"), Some("nosniff"));
    let missing = app.get("/no-such-thing", None).await;
    assert_eq!(missing.header("x-content-type-options"), Some("nosniff"));
    let docs = app
        .client
        .get(format!("{}/docs", app.address))
        .send()
        .await
        .expect("sent");
    assert_eq!(docs.status().as_u16(), 200);
    let csp = docs
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(
        docs.headers()
            .get("x-frame-options")
            .and_then(|v| v.to_str().ok()),
        Some("DENY")
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

/// Finding 8: a prerequisite naming another organization's draft is refused exactly like one
/// naming no course at all, on create and on edit, so an author learns nothing about it.
#[tokio::test]
async fn a_prerequisite_on_another_organizations_draft_is_answered_like_a_missing_course() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "harbour").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ridge").await;
    let course = |slug: &str, org: &str, prerequisites: Value| {
        json!({"slug": slug, "title": "Customs basics", "summary": "Declarations and duties.",
               "language": "en", "level": "beginner", "estimated_hours": 2,
               "competencies": ["trade.export_docs_customs"], "org_id": org, "prerequisites": prerequisites})
    };
    let secret = app
        .post(
            "/courses",
            Some(&admin_b),
            course("ridge-secret-draft", &org_b, json!([])),
        )
        .await;
    assert_eq!(secret.status, 201, "{}", secret.body);

    let refusal = |reply: &Reply, slug: &str| {
        reply.assert_problem(422, "validation_failed");
        reply.body["errors"].to_string().replace(slug, "SLUG")
    };
    let on_draft = app
        .post(
            "/courses",
            Some(&admin_a),
            course("harbour-a", &org_a, json!(["ridge-secret-draft"])),
        )
        .await;
    let on_nothing = app
        .post(
            "/courses",
            Some(&admin_a),
            course("harbour-b", &org_a, json!(["no-such-course"])),
        )
        .await;
    assert_eq!(
        refusal(&on_draft, "ridge-secret-draft"),
        refusal(&on_nothing, "no-such-course")
    );

    // The same on an edit of a course the author has.
    let own = app
        .post(
            "/courses",
            Some(&admin_a),
            course("harbour-c", &org_a, json!([])),
        )
        .await;
    assert_eq!(own.status, 201, "{}", own.body);
    let id = own.body["id"].as_str().unwrap();
    let on_draft = app
        .patch(
            &format!("/courses/{id}"),
            Some(&admin_a),
            json!({"prerequisites": ["ridge-secret-draft"]}),
        )
        .await;
    let on_nothing = app
        .patch(
            &format!("/courses/{id}"),
            Some(&admin_a),
            json!({"prerequisites": ["no-such-course"]}),
        )
        .await;
    assert_eq!(
        refusal(&on_draft, "ridge-secret-draft"),
        refusal(&on_nothing, "no-such-course")
    );
}

/// Finding 8: slugs are unique within an organization (and among platform-wide courses), so a
/// slug another organization's draft holds is not in the way and says nothing about it.
#[tokio::test]
async fn a_slug_another_organizations_draft_holds_is_free_in_mine() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "harbour").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ridge").await;
    let course = |org: Option<&str>, title: &str, prerequisites: Value| {
        let mut body = json!({"slug": "customs-basics", "title": title,
            "summary": "Declarations and duties.", "language": "en", "level": "beginner",
            "estimated_hours": 2, "competencies": ["trade.export_docs_customs"],
            "prerequisites": prerequisites});
        if let Some(org) = org {
            body["org_id"] = json!(org);
        }
        body
    };
    let theirs = app
        .post(
            "/courses",
            Some(&admin_b),
            course(Some(&org_b), "Ridge draft", json!([])),
        )
        .await;
    assert_eq!(theirs.status, 201, "{}", theirs.body);
    let mine = app
        .post(
            "/courses",
            Some(&admin_a),
            course(Some(&org_a), "Harbour course", json!([])),
        )
        .await;
    assert_eq!(
        mine.status, 201,
        "another organization's slug is not in the way: {}",
        mine.body
    );
    let platform = app
        .post(
            "/courses",
            Some(&root),
            course(None, "Platform course", json!([])),
        )
        .await;
    assert_eq!(platform.status, 201, "{}", platform.body);
    // Within one organization the slug is still one course's.
    app.post(
        "/courses",
        Some(&admin_a),
        course(Some(&org_a), "Again", json!([])),
    )
    .await
    .assert_problem(409, "slug_taken");

    // Each course is its own: the other organization's is untouched and unseen.
    let mine_id = mine.body["id"].as_str().unwrap();
    let theirs_id = theirs.body["id"].as_str().unwrap();
    assert_ne!(mine_id, theirs_id);
    let read = app
        .get(&format!("/courses/{theirs_id}"), Some(&admin_a))
        .await;
    read.assert_problem(404, "not_found");
    let still = app
        .get(&format!("/courses/{theirs_id}"), Some(&admin_b))
        .await;
    assert_eq!(still.body["title"], "Ridge draft");

    // A prerequisite names the course of that slug in the author's own organization.
    let mut needs = course(Some(&org_a), "Harbour next step", json!(["customs-basics"]));
    needs["slug"] = json!("customs-next");
    let next = app.post("/courses", Some(&admin_a), needs).await;
    assert_eq!(next.status, 201, "{}", next.body);
}
