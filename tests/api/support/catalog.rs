//! The seed catalog on disk and the courses made from it: an app that imported it on first start,
//! course trees read, copied and renamed, pages of the catalog, exports and import reports, the
//! `caravan` binary run against a test database, and the answer-key check for catalog responses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::helpers::*;

pub const INCOTERMS: &str = "incoterms-2020-for-sellers";
pub const SPANISH: &str = "spanish-for-marketplace-customer-service";
pub const FIRST_LESSON: &str = "01-the-eleven-rules/01-how-incoterms-work.md";
pub const FIRST_QUIZ: &str = "01-the-eleven-rules/quiz.toml";

/// Keys that hold answer keys in quiz.toml; none may reach a catalog response.
const ANSWER_KEYS: [&str; 13] = [
    "answer",
    "answers",
    "accepted",
    "formula",
    "rubric",
    "options",
    "items",
    "left",
    "right",
    "variables",
    "tolerance",
    "feedback",
    "questions",
];

pub fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("courses")
}

/// The seed catalog parsed from disk: the oracle the listings are checked against.
pub fn seed_courses() -> Vec<caravan::courses::CourseFile> {
    caravan::courses::load_tree(&seed_dir()).expect("the seed catalog is valid")
}

/// A folder's files as relative path (with `/`) -> text, hidden entries skipped.
pub fn read_files(dir: &Path) -> BTreeMap<String, String> {
    fn walk(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).expect("read folder") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if entry.file_type().expect("file type").is_dir() {
                walk(&entry.path(), &format!("{rel}/"), out);
            } else {
                out.insert(
                    rel,
                    std::fs::read_to_string(entry.path()).expect("utf-8 file"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The Incoterms seed course under a new slug, as an upload's files map.
pub fn renamed_course(slug: &str) -> BTreeMap<String, String> {
    let mut files = read_files(&seed_dir().join(INCOTERMS));
    let manifest = files.get_mut("course.toml").expect("course.toml");
    let renamed = manifest.replacen(
        &format!("slug = \"{INCOTERMS}\""),
        &format!("slug = \"{slug}\""),
        1,
    );
    assert_ne!(*manifest, renamed, "the manifest names its slug");
    *manifest = renamed;
    files
}

/// `text` with its first line equal to `from` replaced by `to`; returns the text and the 1-based
/// line number.
pub fn replace_line(text: &str, from: &str, to: &str) -> (String, usize) {
    let index = text
        .lines()
        .position(|l| l == from)
        .unwrap_or_else(|| panic!("no line {from:?}"));
    let mut out = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i == index {
            out.push_str(to);
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    (out, index + 1)
}

/// An app whose first start imported the seed catalog.
pub async fn seeded_app() -> TestApp {
    spawn_app_with(|s| {
        s.import_courses_on_empty = true;
        s.courses_dir = seed_dir();
    })
    .await
}

/// The slugs of a page of courses.
pub fn slugs(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of items: {}", reply.body))
        .iter()
        .map(|c| c["slug"].as_str().expect("slug").to_owned())
        .collect()
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The catalog entries (one per course: editions are shown as their course) that `keep`
/// selects, by original slug.
pub fn seed_slugs(keep: impl Fn(&caravan::courses::CourseFile) -> bool) -> Vec<String> {
    sorted(
        seed_courses()
            .iter()
            .filter(|c| c.course.edition_of.is_none())
            .filter(|c| keep(c))
            .map(|c| c.course.slug.clone())
            .collect(),
    )
}

/// Everything `q=` searches in a course (and in every edition of it), lowercased.
pub fn searchable(course: &caravan::courses::CourseFile) -> String {
    let editions = seed_courses();
    let mut text = String::new();
    for c in editions.iter().filter(|e| {
        e.course.slug == course.course.slug
            || e.course.edition_of.as_deref() == Some(course.course.slug.as_str())
    }) {
        text.push_str(&format!(
            "{} {} {}\n",
            c.course.title, c.course.summary, c.course.slug
        ));
        for m in &c.modules {
            text.push_str(&m.module.title);
            for l in &m.lessons {
                text.push_str(&format!("\n{}\n{}\n", l.lesson.title, l.body));
            }
        }
    }
    text.to_lowercase()
}

pub async fn course_id(app: &TestApp, slug: &str) -> String {
    let page = app.get("/courses?limit=200", None).await;
    page.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["slug"] == slug)
        .unwrap_or_else(|| panic!("{slug} is listed: {}", page.body))["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Every object key anywhere in `value`.
fn keys(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[track_caller]
pub fn assert_no_answer_keys(body: &Value) {
    let mut found = BTreeSet::new();
    keys(body, &mut found);
    for key in ANSWER_KEYS {
        assert!(!found.contains(key), "{key:?} leaks in {body}");
    }
}

/// The export of a course as a files map.
pub fn exported(reply: &Reply) -> BTreeMap<String, String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_value(reply.body["files"].clone()).expect("files map of strings")
}

/// The `report` of a 422 invalid_course, as (file, line, message).
#[track_caller]
pub fn report(reply: &Reply) -> Vec<(String, Option<u64>, String)> {
    reply.assert_problem(422, "invalid_course");
    reply.body["report"]
        .as_array()
        .unwrap_or_else(|| panic!("a report: {}", reply.body))
        .iter()
        .map(|e| {
            (
                e["file"].as_str().expect("file").to_owned(),
                e["line"].as_u64(),
                e["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

pub async fn caravan_cli(app: &TestApp, args: &[&str], dir: &Path) -> std::process::Output {
    let cwd = tempfile::tempdir().expect("tempdir");
    tokio::process::Command::new(env!("CARGO_BIN_EXE_caravan"))
        .args(args)
        .arg(dir)
        .current_dir(cwd.path())
        .env("DATABASE_URL", &app.database_url)
        .env("CARAVAN_JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("caravan runs")
}

pub fn out(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A temp tree holding copies of two seed courses.
pub fn two_seed_courses() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for slug in [INCOTERMS, SPANISH] {
        copy_dir(&seed_dir().join(slug), &dir.path().join(slug));
    }
    dir
}

/// The items of a page of courses; none when the reply holds no page.
pub fn entries(reply: &Reply) -> Vec<Value> {
    reply.body["items"].as_array().cloned().unwrap_or_default()
}
