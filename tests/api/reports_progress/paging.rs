//! Report pages and CSV: keyset pages walk every row once, and the CSV form streams the same rows,
//! also when it is longer than one CSV page.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::helpers::*;
use crate::support::courses::small_course;
use crate::support::reports::{csv_by_accept, items, json_keys, parse_csv, world};

/// Every item of a report, following `next_cursor` (and checking the Link header) at `limit`.
async fn walk(app: &TestApp, path: &str, token: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut seen = Vec::new();
    let mut cursors = BTreeSet::new();
    let mut next = format!("{path}{sep}limit={limit}");
    loop {
        let page = app.get(&next, Some(token)).await;
        let rows = items(&page);
        assert!(rows.len() <= limit);
        seen.extend(rows);
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                assert!(
                    cursors.insert(cursor.to_owned()),
                    "the cursor {cursor} came back"
                );
                let link = page.header("link").unwrap();
                assert!(
                    link.contains("rel=\"next\"") && link.contains(cursor),
                    "{link}"
                );
                next = format!("{path}{sep}limit={limit}&cursor={cursor}");
            }
            None => {
                assert!(page.header("link").is_none());
                return seen;
            }
        }
    }
}

/// (user id, course id, status, percent) of CSV records under their header row.
fn csv_keys(records: &[Vec<String>]) -> Vec<(String, String, String, f64)> {
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let (user, course, status, percent) = (
        col("user_id"),
        col("course_id"),
        col("status"),
        col("percent"),
    );
    records[1..]
        .iter()
        .map(|r| {
            (
                r[user].clone(),
                r[course].clone(),
                r[status].clone(),
                r[percent].parse().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn pages_walk_every_row_once_and_csv_streams_the_same_rows() {
    let w = world().await;
    let app = &w.app;
    let path = format!("/orgs/{}/reports/progress", w.a);
    let all = items(&app.get(&path, Some(&w.admin_a)).await);
    assert_eq!(all.len(), 4);
    let walked = walk(app, &path, &w.admin_a, 1).await;
    assert_eq!(json_keys(&walked), json_keys(&all));
    let walked = walk(app, &path, &w.admin_a, 3).await;
    assert_eq!(json_keys(&walked), json_keys(&all));

    let (kind, records) = csv_by_accept(app, &path, &w.admin_a).await;
    assert_eq!(kind, "text/csv; charset=utf-8");
    for column in [
        "user_id",
        "email",
        "display_name",
        "course_id",
        "course_slug",
        "course_title",
        "status",
        "percent",
        "score",
        "lessons_done",
        "lessons_total",
        "quizzes_passed",
        "quizzes_total",
        "enrolled_at",
        "last_activity_at",
        "completed_at",
    ] {
        assert!(records[0].contains(&column.to_owned()), "{column}");
    }
    assert_eq!(csv_keys(&records), json_keys(&all));
    let col = |name: &str| records[0].iter().position(|c| c == name).unwrap();
    let s1 = records
        .iter()
        .find(|r| r[col("email")] == "s1@a.example")
        .unwrap();
    assert_eq!(s1[col("status")], "completed");
    assert_eq!(s1[col("score")], "1");
    assert!(s1[col("completed_at")].ends_with('Z'));
    let s2 = records
        .iter()
        .find(|r| r[col("email")] == "s2@a.example")
        .unwrap();
    assert_eq!(s2[col("score")], "", "no score is an empty field");

    // ?format=csv, with the filters; limit and cursor do not cut a CSV export.
    let by_param = app
        .client
        .get(app.url(&format!(
            "{path}?format=csv&limit=1&cohort_id={}",
            w.cohort_a
        )))
        .bearer_auth(&w.admin_a)
        .send()
        .await
        .unwrap();
    assert_eq!(by_param.status().as_u16(), 200);
    assert_eq!(
        by_param.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(by_param.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("filename=\"progress.csv\""));
    let records = parse_csv(&by_param.text().await.unwrap());
    let cohort = items(
        &app.get(
            &format!("{path}?cohort_id={}", w.cohort_a),
            Some(&w.admin_a),
        )
        .await,
    );
    assert_eq!(cohort.len(), 2);
    assert_eq!(csv_keys(&records), json_keys(&cohort));
    // format=json wins over the Accept header.
    let json_anyway = app
        .client
        .get(app.url(&format!("{path}?format=json")))
        .bearer_auth(&w.admin_a)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    let json_anyway = Reply::from(json_anyway).await;
    assert_eq!(json_keys(&items(&json_anyway)), json_keys(&all));

    // The competencies report pages by trainee the same way.
    let comp = format!("/orgs/{}/reports/competencies", w.a);
    let everyone = items(&app.get(&comp, Some(&w.admin_a)).await);
    assert_eq!(everyone.len(), 3);
    let walked = walk(app, &comp, &w.admin_a, 1).await;
    let ids =
        |rows: &[Value]| -> Vec<Value> { rows.iter().map(|r| r["user_id"].clone()).collect() };
    assert_eq!(ids(&walked), ids(&everyone));
    let (_, records) = csv_by_accept(app, &comp, &w.admin_a).await;
    let csv_ids: Vec<Value> = records[1..].iter().map(|r| json!(r[0])).collect();
    assert_eq!(csv_ids, ids(&everyone));
}

/// More rows than one CSV page (1000): the export streams every row once, in the order of the
/// JSON pages. The trainees and enrollments are written straight into the database: the point
/// here is the paging, not how the figures came about.
#[tokio::test]
async fn a_csv_export_longer_than_a_page_streams_every_row_once() {
    use caravan::db::sql_types::{Id, Timestamp};
    use caravan::schema::{enrollments, memberships, users};
    use diesel::prelude::*;

    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org, admin) = app.org_with_admin(&root, "big-college").await;
    let mut courses = Vec::new();
    for slug in ["big-one", "big-two", "big-three"] {
        let (course, ..) = small_course(&app, &root, slug, &[], "immediately", 0.5).await;
        courses.push(course.parse::<uuid::Uuid>().unwrap());
    }
    // Three courses each: page boundaries (1000 for CSV, 199 for JSON) fall between two
    // courses of one trainee, where the keyset compares the course.
    const TRAINEES: usize = 350;
    let org_id: uuid::Uuid = org.parse().unwrap();
    app.db(move |c| {
        c.transaction::<_, diesel::result::Error, _>(|c| {
            let now = Timestamp::now();
            for i in 0..TRAINEES {
                let user = Id::new();
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(user),
                        users::email.eq(format!("t{i:04}@big.example")),
                        users::password_hash.eq("not a hash"),
                        users::display_name.eq(format!("Trainee, \"{i}\"")),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .execute(c)?;
                diesel::insert_into(memberships::table)
                    .values((
                        memberships::id.eq(Id::new()),
                        memberships::org_id.eq(Id(org_id)),
                        memberships::user_id.eq(user),
                        memberships::role.eq("student"),
                        memberships::created_at.eq(now),
                    ))
                    .execute(c)?;
                for course in &courses {
                    diesel::insert_into(enrollments::table)
                        .values((
                            enrollments::id.eq(Id::new()),
                            enrollments::user_id.eq(user),
                            enrollments::course_id.eq(Id(*course)),
                            enrollments::status.eq("active"),
                            enrollments::source.eq("cohort"),
                            enrollments::enrolled_at.eq(now),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
        .unwrap()
    })
    .await;

    let path = format!("/orgs/{org}/reports/progress");
    let walked = walk(&app, &path, &admin, 199).await;
    assert_eq!(walked.len(), TRAINEES * 3);
    let res = app
        .client
        .get(app.url(&format!("{path}?format=csv")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let records = parse_csv(&res.text().await.unwrap());
    assert_eq!(records.len(), TRAINEES * 3 + 1);
    assert_eq!(csv_keys(&records), json_keys(&walked));
    let name = records[0].iter().position(|c| c == "display_name").unwrap();
    let first = records
        .iter()
        .find(|r| r[2] == "t0000@big.example")
        .unwrap();
    assert_eq!(first[name], "Trainee, \"0\"", "quoted per RFC 4180");
    let distinct: BTreeSet<(String, String)> = records[1..]
        .iter()
        .map(|r| (r[1].clone(), r[4].clone()))
        .collect();
    assert_eq!(distinct.len(), TRAINEES * 3);
}
