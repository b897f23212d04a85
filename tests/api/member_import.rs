//! Member CSV files as spreadsheet programs save them: the per-row report names the lines an admin
//! sees in their editor whatever the line ends, and a file in another encoding is refused with a
//! message that says how to save it.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_file_with_crlf_line_ends_reports_the_same_lines_as_one_with_lf() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "crlf-college").await;
    let path = format!("/orgs/{org_id}/members/import");
    let outbox = app.count("outbox").await;
    let rows = [
        "email,display_name,role,cohort",
        "good@example.com,Good,student,",
        "not-an-email,Broken,student,",
        "other@example.com,Other,student,",
        "fourth@example.com,Fourth,headmaster,",
    ];
    for ending in ["\n", "\r\n"] {
        let body = rows.join(ending) + ending;
        let r = app.post_raw(&path, Some(&admin), "text/csv", body).await;
        r.assert_problem(422, "import_rejected");
        let lines: Vec<u64> = r.body["report"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [3, 5], "line ends {ending:?}: {}", r.body);
    }
    assert_eq!(app.count("outbox").await, outbox, "nothing was imported");
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_refused_with_the_line_and_how_to_save_it() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "gbk-college").await;
    let path = format!("/orgs/{org_id}/members/import");
    // "李雷" in GBK, as Excel on Chinese Windows saves a CSV file, on the third line.
    let mut body =
        b"email,display_name,role,cohort\r\nfirst@example.com,First,student,\r\nli@example.com,"
            .to_vec();
    body.extend_from_slice(&[0xc0, 0xee, 0xc0, 0xd7]);
    body.extend_from_slice(b",student,\r\n");
    let r = app.post_raw(&path, Some(&admin), "text/csv", body).await;
    r.assert_problem(422, "import_rejected");
    let report = r.body["report"].as_array().unwrap();
    assert_eq!(report.len(), 1, "{}", r.body);
    assert_eq!(report[0]["line"], 3);
    assert!(
        report[0]["error"].as_str().unwrap().contains("UTF-8"),
        "{}",
        r.body
    );
    assert_eq!(app.count("memberships").await, 1, "only the org admin");
}
