//! Certificates: earned by completing a course through the API, listed for their holder, verified
//! publicly (stored record and presented credential), served keys that verify offline, and revoked
//! only by the course organization's admins.

mod keys;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::certificates::*;

#[tokio::test]
async fn completing_a_course_issues_a_signed_certificate_listed_for_its_holder_and_emailed() {
    let s = scene().await;
    let c = &s.certificate;
    let id = certificate_id(c);
    assert_eq!(c["course_title"], "Course <gpsr-basics>");
    assert_eq!(c["org_id"], s.college.as_str());
    assert_eq!(c["revoked"], false);
    assert_eq!(
        c["verify_url"],
        format!("http://caravan.test/api/v1/certificates/{id}")
    );
    assert_eq!(c["credential"].as_str().unwrap().split('.').count(), 3);
    assert_eq!(s.app.count("certificates").await, 1);

    let email = s
        .app
        .wait_for_email("ana@example.com", "Your certificate for")
        .await;
    assert!(email.contains(&format!("http://caravan.test/api/v1/certificates/{id}")));
    assert!(
        email.contains("Course &lt;gpsr-basics&gt;"),
        "the HTML body escapes the title"
    );

    // Another student sees none of it.
    let (other, _) = s.app.user("ben@example.com").await;
    let theirs = s.app.get("/me/certificates", Some(&other)).await;
    assert_eq!(theirs.body, json!([]));
    s.app
        .get("/me/certificates", None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn anyone_verifies_a_certificate_without_a_token_and_a_changed_byte_reports_tampered() {
    let s = scene().await;
    let id = certificate_id(&s.certificate);
    let public = s.app.get(&format!("/certificates/{id}"), None).await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert_eq!(public.body["status"], "valid");
    assert_eq!(public.body["holder_name"], "ana");
    assert_eq!(public.body["credential"], s.certificate["credential"]);

    s.app
        .get(&format!("/certificates/{}", uuid::Uuid::now_v7()), None)
        .await
        .assert_problem(404, "not_found");

    // A changed byte in the stored credential no longer verifies.
    let tampered = altered(s.certificate["credential"].as_str().unwrap());
    s.app
        .db(move |c| {
            use caravan::schema::certificates;
            use diesel::prelude::*;
            let id: caravan::db::sql_types::Id = id.parse().unwrap();
            diesel::update(certificates::table.find(id))
                .set(certificates::credential.eq(tampered))
                .execute(c)
                .unwrap()
        })
        .await;
    let after = s
        .app
        .get(
            &format!("/certificates/{}", certificate_id(&s.certificate)),
            None,
        )
        .await;
    assert_eq!(after.status, 200, "{}", after.body);
    assert_eq!(after.body["status"], "tampered");
}

#[tokio::test]
async fn a_presented_credential_verifies_unless_altered_or_not_a_jws() {
    let s = scene().await;
    let jws = s.certificate["credential"].as_str().unwrap();
    let ok = s
        .app
        .post("/certificates/verify", None, json!({"credential": jws}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "valid");
    assert_eq!(ok.body["id"], s.certificate["id"]);

    let bad = s
        .app
        .post(
            "/certificates/verify",
            None,
            json!({"credential": altered(jws)}),
        )
        .await;
    assert_eq!(bad.status, 200, "{}", bad.body);
    assert_eq!(bad.body["status"], "tampered");
    assert!(bad.body["id"].is_null(), "{}", bad.body);

    // A credential signed by another key is not ours, whatever it claims.
    let (header, rest) = jws.split_once('.').unwrap();
    let (payload, _) = rest.split_once('.').unwrap();
    let forged = format!("{header}.{payload}.{}", "A".repeat(86));
    let forged = s
        .app
        .post("/certificates/verify", None, json!({"credential": forged}))
        .await;
    assert_eq!(forged.body["status"], "tampered", "{}", forged.body);

    s.app
        .post(
            "/certificates/verify",
            None,
            json!({"credential": "not a credential"}),
        )
        .await
        .assert_problem(422, "invalid_credential");
    s.app
        .post("/certificates/verify", None, json!({"jws": jws}))
        .await
        .assert_problem(422, "invalid_body");
}

#[tokio::test]
async fn the_course_organizations_admin_revokes_a_certificate_once() {
    let s = scene().await;
    let id = certificate_id(&s.certificate);
    let revoked = s
        .app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&s.college_admin),
            json!({"reason": "Exam fraud"}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_eq!(revoked.body["revoked"], true);
    assert_eq!(revoked.body["revocation_reason"], "Exam fraud");

    let public = s.app.get(&format!("/certificates/{id}"), None).await;
    assert_eq!(public.body["status"], "revoked");
    let presented = s
        .app
        .post(
            "/certificates/verify",
            None,
            json!({"credential": s.certificate["credential"]}),
        )
        .await;
    assert_eq!(presented.body["status"], "revoked");
    let mine = s.app.get("/me/certificates", Some(&s.trainee)).await;
    assert_eq!(mine.body[0]["revoked"], true);

    s.app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&s.college_admin),
            json!({"reason": "Again"}),
        )
        .await
        .assert_problem(409, "already_revoked");
    // The platform admin may revoke too, but it is already done.
    s.app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&s.root),
            json!({"reason": "Again"}),
        )
        .await
        .assert_problem(409, "already_revoked");

    let (by, reason) = s
        .app
        .db(move |c| {
            use caravan::schema::certificates;
            use diesel::prelude::*;
            let id: caravan::db::sql_types::Id = id.parse().unwrap();
            certificates::table
                .find(id)
                .select((certificates::revoked_by, certificates::revocation_reason))
                .first::<(Option<caravan::db::sql_types::Id>, Option<String>)>(c)
                .unwrap()
        })
        .await;
    assert!(by.is_some());
    assert_eq!(reason.as_deref(), Some("Exam fraud"));
}

#[tokio::test]
async fn another_colleges_admin_and_students_cannot_revoke() {
    let s = scene().await;
    let id = certificate_id(&s.certificate);
    let (_, other_admin) = s.app.org_with_admin(&s.root, "south").await;
    s.app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&other_admin),
            json!({"reason": "Not ours"}),
        )
        .await
        .assert_problem(404, "not_found");
    // The holder and a fellow student of the same college cannot either.
    let (fellow, _) = s.app.user("carla@example.com").await;
    join(&s.app, &s.root, &s.college, "carla@example.com").await;
    for token in [&s.trainee, &fellow] {
        s.app
            .post(
                &format!("/certificates/{id}/revoke"),
                Some(token),
                json!({"reason": "Mine"}),
            )
            .await
            .assert_problem(404, "not_found");
    }
    s.app
        .post(
            &format!("/certificates/{id}/revoke"),
            None,
            json!({"reason": "Anonymous"}),
        )
        .await
        .assert_problem(401, "invalid_token");
    s.app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&s.college_admin),
            json!({"reason": "  "}),
        )
        .await
        .assert_problem(422, "validation_failed");

    let public = s.app.get(&format!("/certificates/{id}"), None).await;
    assert_eq!(public.body["status"], "valid");
    assert_eq!(public.body["revoked"], false);
}

#[tokio::test]
async fn a_platform_wide_course_certificate_is_revoked_by_a_platform_admin_not_by_the_trainees_college(
) {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (college, college_admin) = app.org_with_admin(&root, "north").await;
    let (_, other_admin) = app.org_with_admin(&root, "south").await;
    let (trainee, _) = app.user("ana@example.com").await;
    join(&app, &root, &college, "ana@example.com").await;
    let built = course(&app, &root, "open-course", None).await;
    let certificate = earn(&app, &trainee, &built).await;
    assert!(certificate["org_id"].is_null());
    let id = certificate_id(&certificate);

    let jws = certificate["credential"].as_str().unwrap();
    let payload: Value = {
        use base64::Engine as _;
        let part = jws.split('.').nth(1).unwrap();
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .unwrap(),
        )
        .unwrap()
    };
    assert_eq!(payload["vc"]["issuer"]["name"], "Caravan");

    // Neither another college's admin nor the trainee's own college's: the certificate is not
    // theirs, it is the platform's.
    for admin in [&other_admin, &college_admin] {
        app.post(
            &format!("/certificates/{id}/revoke"),
            Some(admin),
            json!({"reason": "Not ours"}),
        )
        .await
        .assert_problem(404, "not_found");
    }
    assert_eq!(
        app.get(&format!("/certificates/{id}"), None).await.body["status"],
        "valid"
    );
    let revoked = app
        .post(
            &format!("/certificates/{id}/revoke"),
            Some(&root),
            json!({"reason": "Left the programme"}),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let public = app.get(&format!("/certificates/{id}"), None).await;
    assert_eq!(public.body["status"], "revoked");
}
