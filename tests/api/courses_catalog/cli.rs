//! The `caravan courses import|export` round trip: reports per course, a second run that changes
//! nothing, exports identical to the imported files, and invalid trees that import nothing.

use crate::helpers::*;
use crate::support::catalog::{
    caravan_cli, out, read_files, replace_line, two_seed_courses, FIRST_QUIZ, INCOTERMS, SPANISH,
};

#[tokio::test]
async fn cli_import_reports_each_course_and_a_summary_and_a_second_run_changes_nothing() {
    let app = spawn_app().await;
    let tree = two_seed_courses();

    let first = caravan_cli(&app, &["courses", "import"], tree.path()).await;
    let (stdout, stderr) = out(&first);
    assert!(first.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("2 courses: 2 created, 0 updated, 0 unchanged"),
        "{stdout}{stderr}"
    );
    assert_eq!(app.count("courses").await, 2);

    let second = caravan_cli(&app, &["courses", "import"], tree.path()).await;
    let (stdout2, stderr2) = out(&second);
    assert!(second.status.success(), "{stdout2}{stderr2}");
    assert!(
        stdout2.contains("2 courses: 0 created, 0 updated, 2 unchanged"),
        "{stdout2}{stderr2}"
    );
    assert_eq!(app.count("courses").await, 2);

    // One line per course, also when the output is not a terminal (CI logs, scripts).
    for slug in [INCOTERMS, SPANISH] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("created") && l.contains(slug)),
            "no \"created {slug}\" line in:\n{stdout}{stderr}"
        );
        assert!(
            stdout2
                .lines()
                .any(|l| l.contains("unchanged") && l.contains(slug)),
            "no \"unchanged {slug}\" line in:\n{stdout2}{stderr2}"
        );
    }
}

#[tokio::test]
async fn cli_export_writes_back_exactly_the_imported_files() {
    let app = spawn_app().await;
    let tree = two_seed_courses();
    let import = caravan_cli(&app, &["courses", "import"], tree.path()).await;
    let (stdout, stderr) = out(&import);
    assert!(import.status.success(), "{stdout}{stderr}");

    let target = tempfile::tempdir().expect("tempdir");
    let export = caravan_cli(&app, &["courses", "export"], target.path()).await;
    let (stdout, stderr) = out(&export);
    assert!(export.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.contains("exported 2 published platform-wide courses"),
        "{stdout}"
    );
    assert_eq!(read_files(target.path()), read_files(tree.path()));

    // Exporting into a folder that already holds the courses is refused, not merged.
    let again = caravan_cli(&app, &["courses", "export"], target.path()).await;
    assert!(!again.status.success(), "{:?}", out(&again));
    assert_eq!(read_files(target.path()), read_files(tree.path()));
}

#[tokio::test]
async fn cli_import_of_a_tree_with_an_invalid_file_reports_file_and_line_and_imports_nothing() {
    let app = spawn_app().await;
    let tree = two_seed_courses();
    let quiz_path = tree.path().join(INCOTERMS).join(FIRST_QUIZ);
    let quiz = std::fs::read_to_string(&quiz_path).unwrap();
    let (broken, line) = replace_line(&quiz, "answer = \"a\"", "answer = \"z\"");
    std::fs::write(&quiz_path, broken).unwrap();

    let run = caravan_cli(&app, &["courses", "import"], tree.path()).await;
    let (stdout, stderr) = out(&run);
    assert!(!run.status.success(), "{stdout}{stderr}");
    let expected = format!("{INCOTERMS}/{FIRST_QUIZ}:{line}: ");
    assert!(
        stderr
            .lines()
            .any(|l| l.contains(&expected) && l.contains("answer \"z\" is not one of the options")),
        "no {expected}... line in:\n{stderr}"
    );
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(
        app.count("courses").await,
        0,
        "the valid course is not imported either"
    );
    assert_eq!(app.count("course_versions").await, 0);
}
