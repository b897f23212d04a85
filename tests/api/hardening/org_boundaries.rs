//! Staff powers stop at their organization's edge: an org admin reaches only their own part of a
//! shared trainee, adds no registered user without consent, and learns nothing of another
//! organization's drafts through prerequisites or slugs.

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::{
    answer_quiz, course_with_quiz, enroll_and_read_everything, small_course,
};

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
