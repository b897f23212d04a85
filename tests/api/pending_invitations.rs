//! An organization's pending invitations, as its org admins see them: who was invited and has not
//! joined (by hand or by a CSV import), with the role and cohort waiting, expired links marked,
//! and an invitation withdrawn so its emailed link no longer works. Another organization's are
//! simply not found.

use serde_json::json;

use crate::helpers::*;

async fn pending(app: &TestApp, org_id: &str, token: &str) -> Reply {
    app.get(&format!("/orgs/{org_id}/invitations"), Some(token))
        .await
}

fn emails(list: &Reply) -> Vec<String> {
    list.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items: {}", list.body))
        .iter()
        .map(|i| i["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_org_admin_sees_who_has_not_joined_and_withdraws_an_invitation() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "pending-college").await;
    let csv = "email,display_name,role,cohort\n\
               li@example.com,Li,student,Spring 2026\n\
               teacher@example.com,Teacher,instructor,\n";
    let imported = app
        .post_raw(
            &format!("/orgs/{org_id}/members/import"),
            Some(&admin),
            "text/csv",
            csv,
        )
        .await;
    assert_eq!(imported.status, 200, "{}", imported.body);
    app.user("joined@example.com").await;
    let joined = app
        .add_member(
            &format!("/orgs/{org_id}/members"),
            Some(&admin),
            json!({"email": "joined@example.com", "role": "student"}),
        )
        .await;
    assert_eq!(joined.status, 201, "{}", joined.body);

    let list = pending(&app, &org_id, &admin).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(emails(&list), ["li@example.com", "teacher@example.com"]);
    let li = &list.body["items"][0];
    assert_eq!(li["role"], "student");
    assert_eq!(li["cohort"], "Spring 2026");
    assert_eq!(li["expired"], false);
    assert!(list.body["items"][1].get("cohort").is_none());

    // A link that expired is listed and marked, so the admin knows to invite again.
    let teacher_id = list.body["items"][1]["id"].as_str().unwrap().to_owned();
    let id = teacher_id.clone();
    app.db(move |conn| {
        use caravan::schema::invitations;
        use diesel::prelude::*;
        let id: caravan::db::sql_types::Id = id.parse().unwrap();
        diesel::update(invitations::table.find(id))
            .set(invitations::expires_at.eq(caravan::db::sql_types::Timestamp::now()))
            .execute(conn)
            .unwrap();
    })
    .await;
    let list = pending(&app, &org_id, &admin).await;
    assert_eq!(list.body["items"][1]["expired"], true, "{}", list.body);

    // Withdrawn: gone from the list, and the emailed link no longer works.
    let li_id = list.body["items"][0]["id"].as_str().unwrap().to_owned();
    let link = app
        .wait_for_email("li@example.com", "Accept the invitation")
        .await;
    let r = app
        .delete(&format!("/orgs/{org_id}/invitations/{li_id}"), Some(&admin))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        emails(&pending(&app, &org_id, &admin).await),
        ["teacher@example.com"]
    );
    app.post(
        "/invitations/accept",
        None,
        json!({"token": token_in(&link), "display_name": "Li", "password": PASSWORD}),
    )
    .await
    .assert_problem(400, "invalid_token");
    // Withdrawing it again: there is nothing to withdraw.
    app.delete(&format!("/orgs/{org_id}/invitations/{li_id}"), Some(&admin))
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn another_organization_and_members_below_admin_see_nothing() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "college-a").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "college-b").await;
    let invited = app
        .post(
            &format!("/orgs/{org_a}/members"),
            Some(&admin_a),
            json!({"email": "only-a@example.com", "role": "student"}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let id = invited.body["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // B's admin: A's list is not found, and A's invitation cannot be withdrawn through B's path.
    pending(&app, &org_a, &admin_b)
        .await
        .assert_problem(404, "not_found");
    app.delete(&format!("/orgs/{org_b}/invitations/{id}"), Some(&admin_b))
        .await
        .assert_problem(404, "not_found");
    app.delete(&format!("/orgs/{org_a}/invitations/{id}"), Some(&admin_b))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        emails(&pending(&app, &org_b, &admin_b).await),
        Vec::<String>::new()
    );

    // An instructor of A may not see or withdraw A's invitations.
    let (instructor, _) = app.user("instructor@college-a.test").await;
    let added = app
        .add_member(
            &format!("/orgs/{org_a}/members"),
            Some(&admin_a),
            json!({"email": "instructor@college-a.test", "role": "instructor"}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    pending(&app, &org_a, &instructor)
        .await
        .assert_problem(403, "forbidden");
    app.delete(
        &format!("/orgs/{org_a}/invitations/{id}"),
        Some(&instructor),
    )
    .await
    .assert_problem(403, "forbidden");

    let list = pending(&app, &org_a, &admin_a).await;
    assert_eq!(emails(&list), ["only-a@example.com"], "still pending");
}
