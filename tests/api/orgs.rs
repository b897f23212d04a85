//! Organizations, members, invitations, CSV import, cohorts, and isolation between organizations.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn only_platform_admins_create_organizations_and_slugs_are_unique() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (someone, _) = app.user("someone@example.com").await;
    let body = json!({"name": "Yiwu Industrial and Commercial College", "slug": "yiwu-icc", "kind": "vocational_college"});
    app.post("/orgs", Some(&someone), body.clone())
        .await
        .assert_problem(403, "forbidden");
    let created = app.post("/orgs", Some(&root), body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["kind"], "vocational_college");
    app.post("/orgs", Some(&root), body)
        .await
        .assert_problem(409, "slug_taken");
    app.post(
        "/orgs",
        Some(&root),
        json!({"name": "X", "slug": "Bad Slug", "kind": "vocational_college"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.post(
        "/orgs",
        Some(&root),
        json!({"name": "X", "slug": "x", "kind": "university"}),
    )
    .await
    .assert_problem(422, "invalid_body");
    assert_eq!(app.count("organizations").await, 1);
}

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
    let link = app
        .emails()
        .into_iter()
        .rfind(|e| e.contains("known@example.com") && e.contains("Accept the invitation"))
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
async fn an_org_admin_of_college_a_finds_nothing_of_college_b() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (b, admin_b) = app.org_with_admin(&root, "college-b").await;
    let (_, b_student) = app.user("b-student@example.com").await;
    app.add_member(
        &format!("/orgs/{b}/members"),
        Some(&admin_b),
        json!({"email": "b-student@example.com", "role": "student"}),
    )
    .await;
    let cohort_b = app
        .post(
            &format!("/orgs/{b}/cohorts"),
            Some(&admin_b),
            json!({"name": "B 2026"}),
        )
        .await;
    let cohort_b = cohort_b.body["id"].as_str().unwrap().to_owned();
    let cohort_a = app
        .post(
            &format!("/orgs/{a}/cohorts"),
            Some(&admin_a),
            json!({"name": "A 2026"}),
        )
        .await;
    let cohort_a = cohort_a.body["id"].as_str().unwrap().to_owned();

    for path in [
        format!("/orgs/{b}"),
        format!("/orgs/{b}/members"),
        format!("/orgs/{b}/cohorts"),
        format!("/cohorts/{cohort_b}"),
        format!("/cohorts/{cohort_b}/members"),
    ] {
        app.get(&path, Some(&admin_a))
            .await
            .assert_problem(404, "not_found");
    }
    app.patch(
        &format!("/orgs/{b}"),
        Some(&admin_a),
        json!({"name": "Taken"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.patch(
        &format!("/orgs/{b}/members/{b_student}"),
        Some(&admin_a),
        json!({"role": "org_admin"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.delete(&format!("/orgs/{b}/members/{b_student}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
    app.delete(&format!("/cohorts/{cohort_b}"), Some(&admin_a))
        .await
        .assert_problem(404, "not_found");
    app.post(
        &format!("/orgs/{b}/members"),
        Some(&admin_a),
        json!({"email": "spy@example.com", "role": "org_admin"}),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_raw(
        &format!("/orgs/{b}/members/import"),
        Some(&admin_a),
        "text/csv",
        "email,display_name,role,cohort\nspy@example.com,Spy,org_admin,\n",
    )
    .await
    .assert_problem(404, "not_found");
    // B's trainee cannot be put into A's cohort: they are not A's member.
    app.post(
        &format!("/cohorts/{cohort_a}/members"),
        Some(&admin_a),
        json!({"user_ids": [b_student]}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let orgs = app.get("/orgs", Some(&admin_a)).await;
    let ids: Vec<&str> = orgs.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a.as_str()]);
    assert_eq!(
        app.get(&format!("/orgs/{b}"), Some(&admin_b)).await.body["name"],
        "College college-b",
        "B is unchanged"
    );
    assert!(
        !app.emails().iter().any(|e| e.contains("spy@example.com")),
        "no invitation went to the spy"
    );
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

#[tokio::test]
async fn cohorts_are_managed_by_org_admins_and_read_by_instructors() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "cohort-college").await;
    let (teacher, _) = app.user("teacher@example.com").await;
    let (_, student_id) = app.user("trainee@example.com").await;
    app.add_member(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "teacher@example.com", "role": "instructor"}),
    )
    .await;
    app.add_member(
        &format!("/orgs/{org_id}/members"),
        Some(&admin),
        json!({"email": "trainee@example.com", "role": "student"}),
    )
    .await;

    let c = app
        .post(
            &format!("/orgs/{org_id}/cohorts"),
            Some(&admin),
            json!({"name": "EU sellers 2026", "description": "Autumn intake"}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.body);
    let cohort = c.body["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&admin),
        json!({"name": "EU sellers 2026"}),
    )
    .await
    .assert_problem(409, "cohort_name_taken");
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&teacher),
        json!({"name": "Mine"}),
    )
    .await
    .assert_problem(403, "forbidden");

    let added = app
        .post(
            &format!("/cohorts/{cohort}/members"),
            Some(&admin),
            json!({"user_ids": [student_id, student_id]}),
        )
        .await;
    assert_eq!(added.body["member_count"], 1);
    // The list counts each cohort's own members, an empty cohort included.
    app.post(
        &format!("/orgs/{org_id}/cohorts"),
        Some(&admin),
        json!({"name": "Still empty"}),
    )
    .await
    .assert_status(201);
    let listed = app
        .get(&format!("/orgs/{org_id}/cohorts"), Some(&admin))
        .await;
    let counts: std::collections::BTreeMap<String, i64> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["member_count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts["EU sellers 2026"], 1, "{}", listed.body);
    assert_eq!(counts["Still empty"], 0, "{}", listed.body);
    let read = app
        .get(&format!("/cohorts/{cohort}/members"), Some(&teacher))
        .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body[0]["email"], "trainee@example.com");
    let renamed = app
        .patch(
            &format!("/cohorts/{cohort}"),
            Some(&admin),
            json!({"name": "EU sellers 2026 (A)"}),
        )
        .await;
    assert_eq!(renamed.body["name"], "EU sellers 2026 (A)");
    assert_eq!(
        app.delete(
            &format!("/cohorts/{cohort}/members/{student_id}"),
            Some(&admin)
        )
        .await
        .status,
        204
    );
    app.delete(
        &format!("/cohorts/{cohort}/members/{student_id}"),
        Some(&admin),
    )
    .await
    .assert_problem(404, "not_found");
    assert_eq!(
        app.delete(&format!("/cohorts/{cohort}"), Some(&admin))
            .await
            .status,
        204
    );
    app.get(&format!("/cohorts/{cohort}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn lists_page_with_cursors_and_reject_out_of_range_limits() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    for i in 0..5 {
        app.post(
            "/orgs",
            Some(&root),
            json!({"name": format!("Org {i}"), "slug": format!("org-{i}"), "kind": "enterprise"}),
        )
        .await;
    }
    let first = app.get("/orgs?limit=2", Some(&root)).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    assert!(first.header("link").unwrap().contains("rel=\"next\""));
    let second = app
        .get(&format!("/orgs?limit=2&cursor={cursor}"), Some(&root))
        .await;
    let third = app
        .get(
            &format!(
                "/orgs?limit=2&cursor={}",
                second.body["next_cursor"].as_str().unwrap()
            ),
            Some(&root),
        )
        .await;
    assert_eq!(third.body["items"].as_array().unwrap().len(), 1);
    assert!(third.body["next_cursor"].is_null());
    let mut names: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned())
        })
        .collect();
    names.dedup();
    assert_eq!(names, ["Org 0", "Org 1", "Org 2", "Org 3", "Org 4"]);

    for q in ["limit=0", "limit=201", "limit=-1"] {
        app.get(&format!("/orgs?{q}"), Some(&root))
            .await
            .assert_problem(400, "invalid_limit");
    }
    app.get("/orgs?limit=abc", Some(&root))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/orgs?cursor=%%%", Some(&root))
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/orgs?colour=red", Some(&root))
        .await
        .assert_problem(400, "invalid_query");
    app.get("/orgs/not-a-uuid", Some(&root))
        .await
        .assert_problem(404, "not_found");
}
