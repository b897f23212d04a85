//! `caravan courses validate`: the seed catalog passes, and a broken tree is reported with files
//! and lines and a failing exit status.

use std::path::Path;
use std::process::Command;

use crate::support::catalog::copy_dir;

fn validate(dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_caravan"))
        .args(["courses", "validate"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .output()
        .expect("caravan runs")
}

#[test]
fn the_seed_catalog_validates_with_at_least_fifteen_courses() {
    let out = validate(&Path::new(env!("CARGO_MANIFEST_DIR")).join("courses"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}{}",
        stdout,
        String::from_utf8_lossy(&out.stderr)
    );
    let courses: usize = stdout
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(courses >= 15, "{stdout}");
}

#[test]
fn a_broken_course_is_reported_with_file_and_line_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let course = Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/incoterms-2020-for-sellers");
    let copy = dir.path().join("incoterms-2020-for-sellers");
    copy_dir(&course, &copy);
    let manifest = copy.join("course.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("trade.incoterms", "trade.no_such_code", 1),
    )
    .unwrap();
    let out = validate(dir.path());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("incoterms-2020-for-sellers/course.toml:")
            && stderr.contains("unknown competency code \"trade.no_such_code\""),
        "{stderr}"
    );
}
