//! Members of an organization: org admins invite and only the account holder decides to join,
//! roles gate member management and the last org admin stays, and a CSV import adds all its rows
//! or none with a report per row.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn org_admins_invite_and_only_the_account_holder_decides_to_join() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "shenzhen-academy").await;
    let (known, known_id) = app.user("known@example.com").await;

    // A registered address is invited exactly like an unknown one: the answer does not tell
    // which addresses have an account, and nobody joins before accepting.
    let to_known = app
        .post(
            &format!("/orgs/{org_id}/members"),
            Some(&admin),
            json!({"email": "known@example.com", "role": "instructor"}),
        )
        .await;
    let to_unknown = app
        .post(
            &format!("/orgs/{org_id}/members"),
            Some(&admin),
            json!({"email": "nobody-yet@example.com", "role": "instructor"}),
        )
        .await;
    assert_eq!(to_known.status, 201, "{}", to_known.body);
    assert_eq!(to_unknown.status, to_known.status);
    assert_eq!(to_known.body["status"], "invited");
    let shape = |v: &serde_json::Value| {
        let mut keys: Vec<String> = v["invitation"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        (v["status"].clone(), keys)
    };
    assert_eq!(shape(&to_known.body), shape(&to_unknown.body));
    let members = app
        .get(&format!("/orgs/{org_id}/members"), Some(&admin))
        .await;
    assert_eq!(
        members.body["items"].as_array().unwrap().len(),
        1,
        "not a member before accepting: {}",
        members.body
    );
    let me = app.get("/me", Some(&known)).await;
    assert_eq!(me.body["memberships"], json!([]));

    // An unverified account cannot pick up invitations addressed to the email it claims.
    app.get("/me/invitations", Some(&known))
        .await
        .assert_problem(403, "email_not_verified");
    app.verify_email_of("known@example.com").await;
    let pending = app.get("/me/invitations", Some(&known)).await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    let items = pending.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["org_id"], org_id.as_str());
    assert_eq!(items[0]["org_name"], "College shenzhen-academy");
    assert_eq!(items[0]["role"], "instructor");
    let invitation = items[0]["id"].as_str().unwrap().to_owned();
    // Someone else cannot accept it.
    let (other, _) = app.user("other@example.com").await;
    app.verify_email_of("other@example.com").await;
    app.post(
        &format!("/me/invitations/{invitation}/accept"),
        Some(&other),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    let joined = app
        .post(
            &format!("/me/invitations/{invitation}/accept"),
            Some(&known),
            json!({}),
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    assert_eq!(joined.body["memberships"][0]["role"], "instructor");
    app.post(
        &format!("/me/invitations/{invitation}/accept"),
        Some(&known),
        json!({}),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.get("/me/invitations", Some(&known)).await.body["items"],
        json!([])
    );
    app.post(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "known@example.com", "role": "student"}),
    )
    .await
    .assert_problem(409, "already_member");

    // A member can leave; the last org admin cannot.
    app.delete(&format!("/me/memberships/{org_id}"), Some(&known))
        .await
        .assert_status(204);
    let members = app
        .get(&format!("/orgs/{org_id}/members"), Some(&admin))
        .await;
    assert!(!members.body.to_string().contains(&known_id));
    app.delete(&format!("/me/memberships/{org_id}"), Some(&known))
        .await
        .assert_problem(404, "not_found");
    app.delete(&format!("/me/memberships/{org_id}"), Some(&admin))
        .await
        .assert_problem(409, "last_org_admin");

    // Declining spends the invitation: its emailed link no longer works either.
    app.post(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "known@example.com", "role": "student"}),
    )
    .await
    .assert_status(201);
    let again = app.get("/me/invitations", Some(&known)).await;
    let second = again.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/me/invitations/{second}/decline"),
        Some(&known),
        json!({}),
    )
    .await
    .assert_status(204);
    // The outbox worker delivers in the background: wait for the second invitation's email.
    let link = app
        .wait_for_emails("known@example.com", "Accept the invitation", 2)
        .await
        .pop()
        .expect("the second invitation email");
    app.post(
        "/invitations/accept",
        None,
        json!({"token": token_in(&link)}),
    )
    .await
    .assert_problem(400, "invalid_token");
    assert_eq!(
        app.get("/me", Some(&known)).await.body["memberships"],
        json!([])
    );

    let invited = app
        .post(
            &format!("/orgs/{org_id}/members"),
            Some(&admin),
            json!({"email": "new@example.com", "role": "student"}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert_eq!(invited.body["status"], "invited");
    let email = app
        .wait_for_email("new@example.com", "Accept the invitation")
        .await;
    assert!(email.contains("College shenzhen-academy"));
    let token = token_in(&email);

    app.post(
        "/invitations/accept",
        None,
        json!({"token": token, "display_name": "Newcomer"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let accepted = app
        .post(
            "/invitations/accept",
            None,
            json!({"token": token, "display_name": "Newcomer", "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(accepted.body["email_verified"], true);
    assert_eq!(accepted.body["memberships"][0]["role"], "student");
    app.post(
        "/invitations/accept",
        None,
        json!({"token": token, "display_name": "Again", "password": PASSWORD}),
    )
    .await
    .assert_problem(400, "invalid_token");
    assert_eq!(app.login("new@example.com", PASSWORD).await.status, 200);

    let members = app
        .get(&format!("/orgs/{org_id}/members"), Some(&admin))
        .await;
    assert_eq!(members.status, 200);
    assert_eq!(members.body["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn roles_gate_member_management_and_the_last_org_admin_stays() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "gate").await;
    let (student, student_id) = app.user("student@example.com").await;
    app.add_member(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "student@example.com", "role": "student"}),
    )
    .await;

    assert_eq!(
        app.get(&format!("/orgs/{org_id}"), Some(&student))
            .await
            .status,
        200,
        "members read their org"
    );
    app.get(&format!("/orgs/{org_id}/members"), Some(&student))
        .await
        .assert_problem(403, "forbidden");
    app.patch(
        &format!("/orgs/{org_id}/members/{student_id}"),
        Some(&student),
        json!({"role": "org_admin"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch(
        &format!("/orgs/{org_id}"),
        Some(&student),
        json!({"name": "Mine"}),
    )
    .await
    .assert_problem(403, "forbidden");

    let me = app.get("/me", Some(&admin)).await;
    let admin_id = me.body["id"].as_str().unwrap().to_owned();
    app.patch(
        &format!("/orgs/{org_id}/members/{admin_id}"),
        Some(&admin),
        json!({"role": "student"}),
    )
    .await
    .assert_problem(409, "last_org_admin");
    app.delete(&format!("/orgs/{org_id}/members/{admin_id}"), Some(&admin))
        .await
        .assert_problem(409, "last_org_admin");

    let promoted = app
        .patch(
            &format!("/orgs/{org_id}/members/{student_id}"),
            Some(&admin),
            json!({"role": "instructor"}),
        )
        .await;
    assert_eq!(promoted.body["role"], "instructor");
    assert_eq!(
        app.delete(
            &format!("/orgs/{org_id}/members/{student_id}"),
            Some(&admin)
        )
        .await
        .status,
        204
    );
    app.get(&format!("/orgs/{org_id}"), Some(&student))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn csv_import_is_all_or_nothing_with_a_report_per_row() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "csv-college").await;
    app.user("existing@example.com").await;
    let path = format!("/orgs/{org_id}/members/import");
    let emails_before = app.count("outbox").await;

    let bad = "email,display_name,role,cohort\n\
               existing@example.com,Existing,student,Spring 2026\n\
               not-an-email,Broken,student,Spring 2026\n\
               fresh@example.com,Fresh,headmaster,\n\
               existing@example.com,Twice,student,\n";
    let r = app.post_raw(&path, Some(&admin), "text/csv", bad).await;
    r.assert_problem(422, "import_rejected");
    let report = r.body["report"].as_array().unwrap();
    let lines: Vec<u64> = report
        .iter()
        .map(|row| row["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(report[1]["error"]
        .as_str()
        .unwrap()
        .contains("unknown role"));
    assert!(report[2]["error"]
        .as_str()
        .unwrap()
        .contains("earlier line"));
    assert_eq!(app.count("cohorts").await, 0, "nothing half-imported");
    assert_eq!(app.count("memberships").await, 1);
    assert_eq!(
        app.count("outbox").await,
        emails_before,
        "no invitation was queued"
    );

    let good = "email,display_name,role,cohort\n\
                existing@example.com,Existing,student,Spring 2026\n\
                fresh@example.com,Fresh,student,Spring 2026\n\
                teacher@example.com,Teacher,instructor,\n";
    let r = app.post_raw(&path, Some(&admin), "text/csv", good).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The registered address is invited like the others: joining takes its holder's consent.
    assert_eq!(r.body["invited"].as_u64(), Some(3));
    assert!(r.body.get("added").is_none());
    assert_eq!(app.count("memberships").await, 1, "nobody joined yet");
    assert_eq!(r.body["cohorts_created"], json!(["Spring 2026"]));
    app.wait_for_email("fresh@example.com", "Accept the invitation")
        .await;
    let (existing, _) = (app.login("existing@example.com", PASSWORD).await, ());
    let existing = existing.body["access_token"].as_str().unwrap().to_owned();
    app.verify_email_of("existing@example.com").await;
    let pending = app.get("/me/invitations", Some(&existing)).await;
    let invitation = pending.body["items"][0]["id"].as_str().unwrap().to_owned();
    let joined = app
        .post(
            &format!("/me/invitations/{invitation}/accept"),
            Some(&existing),
            json!({}),
        )
        .await;
    assert_eq!(joined.status, 200, "{}", joined.body);
    let cohorts = app
        .get(&format!("/orgs/{org_id}/cohorts"), Some(&admin))
        .await;
    let spring = cohorts.body["items"][0]["id"].as_str().unwrap().to_owned();
    let in_cohort = app
        .get(&format!("/cohorts/{spring}/members"), Some(&admin))
        .await;
    assert!(
        in_cohort.body.to_string().contains("existing@example.com"),
        "accepting puts them in the invitation's cohort: {}",
        in_cohort.body
    );
    let again = app
        .post_raw(
            &path,
            Some(&admin),
            "text/csv",
            "email,role\nexisting@example.com,student\n",
        )
        .await;
    assert_eq!(again.body["unchanged"], 1);
    app.post_raw(&path, Some(&admin), "application/json", "{}")
        .await
        .assert_problem(415, "unsupported_media_type");
}
