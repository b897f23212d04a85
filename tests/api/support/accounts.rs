//! Who is who in a test: organizations with their admins, members added by role, and the school
//! (an organization with an instructor) that the attempt tests teach in.

use serde_json::json;

use crate::helpers::*;

/// Registers `email` and adds them to organization `org_id` with `role`, as its admin `admin`;
/// returns (token, user id).
pub async fn member(
    app: &TestApp,
    org_id: &str,
    admin: &str,
    email: &str,
    role: &str,
) -> (String, String) {
    let (token, id) = app.user(email).await;
    let added = app
        .add_member(
            &format!("/orgs/{org_id}/members"),
            Some(admin),
            json!({"email": email, "role": role}),
        )
        .await;
    assert_eq!(added.status, 201, "add {email}: {}", added.body);
    (token, id)
}

/// A platform admin and one organization with its admin.
pub struct Org {
    pub root: String,
    pub id: String,
    pub admin: String,
}

/// A new platform admin and organization `slug` with its admin.
pub async fn org(app: &TestApp, slug: &str) -> Org {
    let root = app.platform_admin().await;
    let (id, admin) = app.org_with_admin(&root, slug).await;
    Org { root, id, admin }
}

/// A second organization under the same platform admin.
pub async fn other_org(app: &TestApp, first: &Org, slug: &str) -> Org {
    let (id, admin) = app.org_with_admin(&first.root, slug).await;
    Org {
        root: first.root.clone(),
        id,
        admin,
    }
}

/// An organization with an instructor who authors and students who learn.
pub struct School {
    pub root: String,
    pub org: String,
    pub admin: String,
    pub instructor: String,
}

/// A school `slug` whose instructor is teacher@{slug}.test.
pub async fn school(app: &TestApp, slug: &str) -> School {
    let root = app.platform_admin().await;
    let (org, admin) = app.org_with_admin(&root, slug).await;
    let mut school = School {
        root,
        org,
        admin,
        instructor: String::new(),
    };
    school.instructor = member(
        app,
        &school.org,
        &school.admin,
        &format!("teacher@{slug}.test"),
        "instructor",
    )
    .await
    .0;
    school
}

/// Registers `email` as a student of the school; returns their token.
pub async fn student(app: &TestApp, school: &School, email: &str) -> String {
    member(app, &school.org, &school.admin, email, "student")
        .await
        .0
}
