//! The course catalog through the HTTP stack: the first-start import of the seed catalog, listing
//! and filtering, course outlines without answer keys, lessons, importing and exporting courses
//! over HTTP, and the `caravan courses import|export` round trip.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::helpers::*;

const INCOTERMS: &str = "incoterms-2020-for-sellers";
const SPANISH: &str = "spanish-for-marketplace-customer-service";
const FIRST_LESSON: &str = "01-the-eleven-rules/01-how-incoterms-work.md";
const FIRST_QUIZ: &str = "01-the-eleven-rules/quiz.toml";

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

fn seed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("courses")
}

/// The seed catalog parsed from disk: the oracle the listings are checked against.
fn seed_courses() -> Vec<caravan::courses::CourseFile> {
    caravan::courses::load_tree(&seed_dir()).expect("the seed catalog is valid")
}

/// A folder's files as relative path (with `/`) -> text, hidden entries skipped.
fn read_files(dir: &Path) -> BTreeMap<String, String> {
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

fn copy_dir(from: &Path, to: &Path) {
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
fn renamed_course(slug: &str) -> BTreeMap<String, String> {
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
fn replace_line(text: &str, from: &str, to: &str) -> (String, usize) {
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
async fn seeded_app() -> TestApp {
    spawn_app_with(|s| {
        s.import_courses_on_empty = true;
        s.courses_dir = seed_dir();
    })
    .await
}

/// The slugs of a page of courses.
fn slugs(reply: &Reply) -> Vec<String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("a page of items: {}", reply.body))
        .iter()
        .map(|c| c["slug"].as_str().expect("slug").to_owned())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The seed courses matching `keep`, sorted by slug.
/// The catalog entries (one per course: editions are shown as their course) that `keep`
/// selects, by original slug.
fn seed_slugs(keep: impl Fn(&caravan::courses::CourseFile) -> bool) -> Vec<String> {
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
fn searchable(course: &caravan::courses::CourseFile) -> String {
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

async fn course_id(app: &TestApp, slug: &str) -> String {
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

/// Registers `email` and adds it to the organization with `role`; returns (token, user id).
async fn member(
    app: &TestApp,
    org_id: &str,
    org_admin: &str,
    email: &str,
    role: &str,
) -> (String, String) {
    let (token, id) = app.user(email).await;
    let added = app
        .add_member(
            &format!("/orgs/{org_id}/members"),
            Some(org_admin),
            json!({"email": email, "role": role}),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.body);
    (token, id)
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
fn assert_no_answer_keys(body: &Value) {
    let mut found = BTreeSet::new();
    keys(body, &mut found);
    for key in ANSWER_KEYS {
        assert!(!found.contains(key), "{key:?} leaks in {body}");
    }
}

/// The export of a course as a files map.
fn exported(reply: &Reply) -> BTreeMap<String, String> {
    assert_eq!(reply.status, 200, "{}", reply.body);
    serde_json::from_value(reply.body["files"].clone()).expect("files map of strings")
}

/// The `report` of a 422 invalid_course, as (file, line, message).
#[track_caller]
fn report(reply: &Reply) -> Vec<(String, Option<u64>, String)> {
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

async fn caravan_cli(app: &TestApp, args: &[&str], dir: &Path) -> std::process::Output {
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

fn out(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A temp tree holding copies of two seed courses.
fn two_seed_courses() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for slug in [INCOTERMS, SPANISH] {
        copy_dir(&seed_dir().join(slug), &dir.path().join(slug));
    }
    dir
}

// --- First start --------------------------------------------------------------------------------

#[tokio::test]
async fn the_first_start_imports_the_seed_catalog_for_everyone_to_browse_and_only_once() {
    let app = seeded_app().await;
    let on_disk = seed_courses();
    assert!(on_disk.len() >= 15, "the seed catalog has 15+ courses");

    let page = app.get("/courses?limit=200", None).await;
    let listed = slugs(&page);
    assert!(listed.len() >= 15, "{}", page.body);
    assert_eq!(sorted(listed), seed_slugs(|_| true));
    for c in page.body["items"].as_array().unwrap() {
        assert_eq!(c["status"], "published", "{c}");
        assert_eq!(c["org_id"], Value::Null, "{c}");
    }
    assert_eq!(page.body["next_cursor"], Value::Null);

    // Every area of the competency framework is taught by some course.
    let taught: BTreeSet<String> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["competencies"].as_array().unwrap().clone())
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    let framework = app.get("/competencies", None).await;
    assert_eq!(framework.status, 200);
    let areas = framework.body["areas"].as_array().unwrap();
    assert_eq!(areas.len(), 5);
    for area in areas {
        let codes: Vec<&str> = area["competencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert!(
            codes.iter().any(|c| taught.contains(*c)),
            "no course teaches area {}; taught: {taught:?}",
            area["code"]
        );
    }

    // A restart on the same database finds courses and imports nothing.
    let courses = app.count("courses").await;
    let versions = app.count("course_versions").await;
    assert_eq!(courses, on_disk.len() as i64);
    let pool = app.pool.clone();
    let again = tokio::task::spawn_blocking(move || {
        caravan::publishing::transfer::import_if_empty(&pool, &seed_dir())
    })
    .await
    .expect("join")
    .expect("no error");
    assert_eq!(again, None, "a catalog that is not empty is left alone");
    assert_eq!(app.count("courses").await, courses);
    assert_eq!(app.count("course_versions").await, versions);
}

// --- Filters and paging -------------------------------------------------------------------------

#[tokio::test]
async fn catalog_filters_select_courses_by_competency_market_language_and_level() {
    let app = seeded_app().await;

    let spanish = app.get("/courses?competency=language.es", None).await;
    assert_eq!(slugs(&spanish), [SPANISH]);

    let brazil = app.get("/courses?market=BR&limit=200", None).await;
    let expected = seed_slugs(|c| c.course.markets.iter().any(|m| m == "BR"));
    assert!(expected.len() > 1);
    assert_eq!(sorted(slugs(&brazil)), expected);
    let lower = app.get("/courses?market=br&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&lower)),
        expected,
        "markets are case-insensitive"
    );

    let portuguese = vec!["brazilian-portuguese-for-marketplace-sellers".to_owned()];
    for tag in ["pt-BR", "pt-br", "pt"] {
        let r = app.get(&format!("/courses?language={tag}"), None).await;
        assert_eq!(slugs(&r), portuguese, "language={tag}");
    }
    let english = app.get("/courses?language=en&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&english)),
        seed_slugs(|c| c.course.language == "en")
    );

    let beginner = app.get("/courses?level=beginner&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&beginner)),
        seed_slugs(|c| c.course.level.as_str() == "beginner")
    );
    assert!(slugs(&beginner).contains(&INCOTERMS.to_owned()));
    let intermediate = app.get("/courses?level=intermediate&limit=200", None).await;
    assert_eq!(
        sorted(slugs(&intermediate)),
        seed_slugs(|c| c.course.level.as_str() == "intermediate")
    );

    // Filters combine.
    let both = app
        .get(
            "/courses?market=MX&competency=ecommerce.customer_service&limit=200",
            None,
        )
        .await;
    assert_eq!(
        sorted(slugs(&both)),
        seed_slugs(|c| c.course.markets.iter().any(|m| m == "MX")
            && c.course
                .competencies
                .iter()
                .any(|k| k == "ecommerce.customer_service"))
    );
    let none = app
        .get("/courses?competency=language.ko&market=DE", None)
        .await;
    assert_eq!(slugs(&none), Vec::<String>::new());
}

#[tokio::test]
async fn search_words_must_all_match_a_course_or_its_lessons_ignoring_case() {
    let app = seeded_app().await;
    let matching = |words: &[&str]| {
        seed_slugs(|c| {
            let text = searchable(c);
            words.iter().all(|w| text.contains(&w.to_lowercase()))
        })
    };
    for words in [
        vec!["INCOTERMS"],
        vec!["Sellers", "incoterms"],
        vec!["incoterms", "spanish"],
        vec!["customer"],
        vec!["Zollkodex"],
    ] {
        let found = app
            .get(&format!("/courses?q={}&limit=200", words.join("%20")), None)
            .await;
        assert_eq!(sorted(slugs(&found)), matching(&words), "{words:?}");
    }
    assert!(matching(&["customer"]).len() > 1);
    assert!(matching(&["incoterms"]).contains(&INCOTERMS.to_owned()));
    assert_eq!(
        slugs(&app.get("/courses?q=incoterms%20zzqqxxyy", None).await),
        Vec::<String>::new(),
        "every word must match"
    );
    // LIKE wildcards are plain characters: `%` finds the courses that write a percentage, not
    // every course.
    for (query, word) in [("%25", "%"), ("_", "_"), ("100%25%20zzqq", "100% zzqq")] {
        let found = app
            .get(&format!("/courses?q={query}&limit=200"), None)
            .await;
        let words: Vec<&str> = word.split(' ').collect();
        assert_eq!(sorted(slugs(&found)), matching(&words), "{word}");
    }
}

#[tokio::test]
async fn bad_catalog_queries_are_rejected_with_400() {
    let app = seeded_app().await;
    app.get("/courses?level=expert", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?status=deleted", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?language=not%20a%20tag", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?limit=0", None)
        .await
        .assert_problem(400, "invalid_limit");
    app.get("/courses?limit=201", None)
        .await
        .assert_problem(400, "invalid_limit");
    app.get("/courses?limit=ten", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?colour=blue", None)
        .await
        .assert_problem(400, "invalid_query");
    app.get("/courses?cursor=not-a-cursor", None)
        .await
        .assert_problem(400, "invalid_cursor");
    app.get("/courses?status=draft", None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn paging_walks_every_course_exactly_once_in_a_stable_order() {
    let app = seeded_app().await;
    let total = seed_slugs(|_| true).len();

    // First walk: follow next_cursor.
    let mut first: Vec<String> = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/courses?limit=5&cursor={c}"),
            None => "/courses?limit=5".to_owned(),
        };
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        let items = page.body["items"].as_array().unwrap();
        sizes.push(items.len());
        first.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(next) => {
                let link = page.header("link").expect("a Link header with next_cursor");
                assert!(
                    link.contains("rel=\"next\"")
                        && link.contains(next)
                        && link.contains("limit=5"),
                    "{link}"
                );
                cursor = Some(next.to_owned());
            }
            None => {
                assert_eq!(page.header("link"), None, "no Link on the last page");
                break;
            }
        }
        assert!(sizes.len() <= total, "paging does not end");
    }
    let expected_sizes: Vec<usize> = (0..total.div_ceil(5))
        .map(|page| (total - page * 5).min(5))
        .collect();
    assert_eq!(sizes, expected_sizes);
    let unique: BTreeSet<&String> = first.iter().collect();
    assert_eq!(unique.len(), total, "every course exactly once");
    assert_eq!(first.len(), total);

    // Second walk: follow the Link header; same order.
    let mut second: Vec<String> = Vec::new();
    let mut next = Some("/api/v1/courses?limit=5".to_owned());
    while let Some(path) = next.take() {
        let page = app.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        second.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_owned()),
        );
        next = page.header("link").map(|l| {
            l.split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(url, _)| url.to_owned())
                .expect("<url>; rel=next")
        });
        assert!(second.len() <= total, "paging does not end");
    }
    assert_eq!(first, second);

    // One page with everything lists the same order.
    let all = app.get("/courses?limit=200", None).await;
    let ids: Vec<String> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, first);
}

// --- Outline and lessons ------------------------------------------------------------------------

#[tokio::test]
async fn a_course_outline_lists_modules_lessons_and_quizzes_without_any_answer_key() {
    let app = seeded_app().await;
    let id = course_id(&app, INCOTERMS).await;
    let view = app.get(&format!("/courses/{id}"), None).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["id"], id.as_str());
    assert_eq!(view.body["slug"], INCOTERMS);
    assert_eq!(view.body["status"], "published");
    assert_eq!(view.body["level"], "beginner");

    let disk = seed_courses()
        .into_iter()
        .find(|c| c.course.slug == INCOTERMS)
        .unwrap();
    let modules = view.body["modules"].as_array().expect("modules");
    assert_eq!(modules.len(), disk.modules.len());
    let mut lesson_ids = BTreeSet::new();
    for (m, d) in modules.iter().zip(&disk.modules) {
        assert_eq!(m["slug"], d.module.slug.as_str());
        assert_eq!(m["course_id"], id.as_str());
        let lessons = m["lessons"].as_array().expect("lessons");
        let lesson_slugs: Vec<&str> = lessons
            .iter()
            .map(|l| l["slug"].as_str().unwrap())
            .collect();
        let disk_slugs: Vec<&str> = d.lessons.iter().map(|l| l.lesson.slug.as_str()).collect();
        assert_eq!(lesson_slugs, disk_slugs);
        for l in lessons {
            assert!(lesson_ids.insert(l["id"].as_str().expect("lesson id").to_owned()));
        }
        let quiz = &m["quiz"];
        let disk_quiz = d.quiz.as_ref().expect("seed modules have quizzes");
        assert_eq!(quiz["slug"], disk_quiz.settings.slug.as_str());
        assert_eq!(
            quiz["question_count"].as_u64(),
            Some(disk_quiz.questions.len() as u64)
        );
        assert!(quiz["id"].is_string());
    }
    assert_no_answer_keys(&view.body);

    // No course of the catalog leaks its answers, to anonymous or signed-in callers.
    let (someone, _) = app.user("someone@example.com").await;
    let all = app.get("/courses?limit=200", None).await;
    for c in all.body["items"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        for token in [None, Some(someone.as_str())] {
            let v = app.get(&format!("/courses/{id}"), token).await;
            assert_eq!(v.status, 200, "{}", v.body);
            assert_no_answer_keys(&v.body);
        }
    }
}

#[tokio::test]
async fn unknown_and_malformed_course_ids_are_404() {
    let app = seeded_app().await;
    app.get(&format!("/courses/{}", uuid::Uuid::now_v7()), None)
        .await
        .assert_problem(404, "not_found");
    app.get("/courses/not-a-course-id", None)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/lessons/{}", uuid::Uuid::now_v7()), None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn a_lesson_needs_a_token_and_its_author_reads_the_markdown_with_its_sources() {
    let app = seeded_app().await;
    let id = course_id(&app, INCOTERMS).await;
    let view = app.get(&format!("/courses/{id}"), None).await;
    let lesson_id = view.body["modules"][0]["lessons"][0]["id"]
        .as_str()
        .expect("lesson id")
        .to_owned();

    app.get(&format!("/lessons/{lesson_id}"), None)
        .await
        .assert_problem(401, "invalid_token");

    let root = app.platform_admin().await;
    let lesson = app.get(&format!("/lessons/{lesson_id}"), Some(&root)).await;
    assert_eq!(lesson.status, 200, "{}", lesson.body);
    assert_eq!(lesson.body["id"], lesson_id.as_str());
    assert_eq!(lesson.body["course_id"], id.as_str());
    assert_eq!(lesson.body["slug"], "how-incoterms-work");
    assert_eq!(lesson.body["minutes"], 20);
    let body = lesson.body["body"].as_str().expect("markdown body");
    assert!(
        body.contains("# What an Incoterms rule settles, and what it leaves open"),
        "{body}"
    );
    assert!(body.contains("\n## Sources"), "{body}");
    assert!(
        !body.contains("+++"),
        "the front matter is not part of the body"
    );
    let on_disk = std::fs::read_to_string(seed_dir().join(INCOTERMS).join(FIRST_LESSON)).unwrap();
    assert!(
        on_disk.ends_with(body),
        "the body is the file after its front matter"
    );

    app.get(&format!("/lessons/{}", uuid::Uuid::now_v7()), Some(&root))
        .await
        .assert_problem(404, "not_found");
}

// --- Import over HTTP ---------------------------------------------------------------------------

#[tokio::test]
async fn an_org_instructor_imports_a_draft_that_only_its_authors_see_and_reimports_are_idempotent()
{
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher, teacher_id) =
        member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (outsider, _) = member(&app, &org_b, &admin_b, "student@ningbo.test", "student").await;

    let slug = "incoterms-basics-for-yiwu";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], "created");
    let course = &created.body["course"];
    assert_eq!(course["slug"], slug);
    assert_eq!(course["status"], "draft");
    assert_eq!(course["org_id"], org_a.as_str());
    assert_eq!(course["owner_id"], teacher_id.as_str());
    assert_eq!(course["has_draft"], true);
    assert_eq!(course["modules"].as_array().unwrap().len(), 2);
    assert_no_answer_keys(course);
    let id = course["id"].as_str().unwrap().to_owned();
    assert_eq!(app.count("courses").await, 1);
    let versions = app.count("course_versions").await;

    // Another organization's student sees nothing of it.
    assert!(slugs(&app.get("/courses", Some(&outsider)).await).is_empty());
    assert!(slugs(&app.get("/courses?status=draft", Some(&outsider)).await).is_empty());
    app.get(&format!("/courses/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{id}/export"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");
    // A draft is not in the published catalog, not even for its author.
    assert!(slugs(&app.get("/courses", None).await).is_empty());
    assert!(slugs(&app.get("/courses", Some(&teacher)).await).is_empty());
    // The author finds it among the drafts and reads it.
    assert_eq!(
        slugs(&app.get("/courses?status=draft", Some(&teacher)).await),
        [slug]
    );
    let view = app.get(&format!("/courses/{id}"), Some(&teacher)).await;
    assert_eq!(view.status, 200, "{}", view.body);
    assert_eq!(view.body["status"], "draft");

    // The same files again change nothing.
    let again = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "unchanged");
    assert_eq!(again.body["course"]["id"], id.as_str());
    assert_eq!(app.count("courses").await, 1);
    assert_eq!(app.count("course_versions").await, versions);

    // One changed lesson updates the draft.
    let mut changed = files.clone();
    let lesson = changed.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen(
        "Every quotation you send",
        "Every single quotation you send",
        1,
    );
    assert_ne!(changed, files);
    let updated = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": changed, "org_id": org_a}),
        )
        .await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["status"], "updated");
    assert_eq!(updated.body["course"]["id"], id.as_str());
    assert_eq!(updated.body["course"]["status"], "draft");
    assert_eq!(app.count("courses").await, 1);
    let lesson_id = updated.body["course"]["modules"][0]["lessons"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let text = app
        .get(&format!("/lessons/{lesson_id}"), Some(&teacher))
        .await;
    assert_eq!(text.status, 200, "{}", text.body);
    assert!(text.body["body"]
        .as_str()
        .unwrap()
        .contains("Every single quotation you send"));

    // The author exports exactly the files last imported.
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher))
        .await;
    assert_eq!(exported(&export), changed);
}

#[tokio::test]
async fn a_course_imported_with_publish_is_visible_to_its_org_members_only() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (trainee, _) = member(&app, &org_a, &admin_a, "trainee@yiwu.test", "student").await;
    let (outsider, _) = member(&app, &org_b, &admin_b, "student@ningbo.test", "student").await;

    let slug = "incoterms-for-yiwu-trainees";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["status"], "created");
    assert_eq!(created.body["course"]["status"], "published");
    assert_eq!(created.body["course"]["has_draft"], false);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();

    // Members of the organization see it.
    for token in [&trainee, &teacher, &admin_a] {
        assert_eq!(slugs(&app.get("/courses", Some(token)).await), [slug]);
        let view = app.get(&format!("/courses/{id}"), Some(token)).await;
        assert_eq!(view.status, 200, "{}", view.body);
        assert_no_answer_keys(&view.body);
    }
    // Nobody else does.
    assert!(slugs(&app.get("/courses", None).await).is_empty());
    assert!(slugs(&app.get("/courses", Some(&outsider)).await).is_empty());
    app.get(&format!("/courses/{id}"), None)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/courses/{id}"), Some(&outsider))
        .await
        .assert_problem(404, "not_found");

    // Exports: the author gets the files; a member who is not an author is refused.
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher))
        .await;
    assert_eq!(exported(&export), files);
    app.get(&format!("/courses/{id}/export"), Some(&trainee))
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/courses/{id}/export"), None)
        .await
        .assert_problem(401, "invalid_token");
}

#[tokio::test]
async fn a_draft_imported_over_a_published_course_stays_with_its_authors_until_published() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (someone, _) = app.user("someone@example.com").await;
    let slug = "incoterms-live-and-draft";
    let v1 = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": v1, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();
    let old_title = "Incoterms 2020 for cross-border sellers";
    assert_eq!(created.body["course"]["title"], old_title);

    let retitle = |files: &BTreeMap<String, String>, title: &str| {
        let mut files = files.clone();
        let manifest = files.get_mut("course.toml").unwrap();
        *manifest = manifest.replacen(old_title, title, 1);
        files
    };
    let v2 = retitle(&v1, "Incoterms 2020, Zeppelinvariant of the course");
    let draft = app
        .post("/courses/import", Some(&root), json!({"files": v2}))
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["status"], "updated");
    assert_eq!(draft.body["course"]["has_draft"], true);

    // Trainees and the catalog still see the published version.
    for token in [None, Some(someone.as_str())] {
        let page = app.get("/courses", token).await;
        assert_eq!(page.body["items"][0]["title"], old_title, "{}", page.body);
        let view = app.get(&format!("/courses/{id}"), token).await;
        assert_eq!(view.body["title"], old_title, "{}", view.body);
        assert_eq!(view.body["status"], "published");
    }
    let found = app.get("/courses?q=zeppelinvariant", None).await;
    assert!(
        slugs(&found).is_empty(),
        "the draft's title is not searchable yet"
    );
    // The author reads the draft on request, and exports either version.
    let view = app
        .get(&format!("/courses/{id}?version=draft"), Some(&root))
        .await;
    assert_eq!(
        view.body["title"],
        "Incoterms 2020, Zeppelinvariant of the course"
    );
    let live = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&live), v1);
    let next = app
        .get(&format!("/courses/{id}/export?version=draft"), Some(&root))
        .await;
    assert_eq!(exported(&next), v2);

    // Publishing changed files makes them the live version.
    let v3 = retitle(&v1, "Incoterms 2020, third edition of the course");
    let published = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": v3, "publish": true}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(published.body["status"], "updated");
    assert_eq!(published.body["course"]["has_draft"], false);
    let view = app.get(&format!("/courses/{id}"), None).await;
    assert_eq!(
        view.body["title"],
        "Incoterms 2020, third edition of the course"
    );
    assert_eq!(
        slugs(&app.get("/courses?q=third%20edition", None).await),
        [slug]
    );
    let live = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&live), v3);
}

#[tokio::test]
async fn a_slug_taken_in_another_organization_is_neither_overwritten_nor_in_the_way() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, admin_b) = app.org_with_admin(&root, "ningbo").await;
    let (teacher_a, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (teacher_b, _) = member(&app, &org_b, &admin_b, "teacher@ningbo.test", "instructor").await;
    let slug = "incoterms-contested-slug";
    let files = renamed_course(slug);
    let created = app
        .post(
            "/courses/import",
            Some(&teacher_a),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();

    let mut theirs = files.clone();
    let lesson = theirs.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen("Every quotation", "Each quotation", 1);
    // The other organization's upload of the same slug is a course of its own.
    let mut theirs_id = None;
    for publish in [false, true] {
        let r = app
            .post(
                "/courses/import",
                Some(&teacher_b),
                json!({"files": theirs, "org_id": org_b, "publish": publish}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let their_id = r.body["course"]["id"].as_str().unwrap().to_owned();
        assert_ne!(their_id, id);
        assert_eq!(theirs_id.get_or_insert(their_id.clone()), &their_id);
    }
    assert_eq!(app.count("courses").await, 2);
    let export = app
        .get(&format!("/courses/{id}/export"), Some(&teacher_a))
        .await;
    assert_eq!(exported(&export), files);
    let export = app
        .get(
            &format!("/courses/{}/export", theirs_id.unwrap()),
            Some(&teacher_b),
        )
        .await;
    assert_eq!(exported(&export), theirs);
}

#[tokio::test]
async fn reimporting_a_drafts_files_with_publish_publishes_it() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let (trainee, _) = member(&app, &org_a, &admin_a, "trainee@yiwu.test", "student").await;

    let slug = "incoterms-draft-then-published";
    let files = renamed_course(slug);
    let draft = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a}),
        )
        .await;
    assert_eq!(draft.status, 200, "{}", draft.body);
    assert_eq!(draft.body["course"]["status"], "draft");
    assert!(slugs(&app.get("/courses", Some(&trainee)).await).is_empty());

    // "Publish at once instead of storing a draft": the reviewed draft goes live.
    let published = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": files, "org_id": org_a, "publish": true}),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    assert_eq!(
        published.body["course"]["status"], "published",
        "import with publish=true of the draft's own files answered {} and left the course a draft",
        published.body["status"]
    );
    assert_eq!(slugs(&app.get("/courses", Some(&trainee)).await), [slug]);
}

#[tokio::test]
async fn an_invalid_course_is_rejected_with_every_problem_by_file_and_line_and_nothing_is_stored() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_id, admin) = app.org_with_admin(&root, "yiwu").await;
    let (teacher, _) = member(&app, &org_id, &admin, "teacher@yiwu.test", "instructor").await;
    let files = renamed_course("incoterms-broken-upload");

    let (manifest, manifest_line) = replace_line(
        &files["course.toml"],
        "competencies = [\"trade.incoterms\", \"trade.export_docs_customs\"]",
        "competencies = [\"trade.no_such_code\"]",
    );
    let (lesson, lesson_line) =
        replace_line(&files[FIRST_LESSON], "minutes = 20", "minutes = = 20");
    let (quiz, quiz_line) = replace_line(&files[FIRST_QUIZ], "answer = \"a\"", "answer = \"z\"");
    let cases = [
        (
            "course.toml",
            manifest,
            manifest_line,
            "unknown competency code \"trade.no_such_code\"",
        ),
        (FIRST_LESSON, lesson, lesson_line, ""),
        (
            FIRST_QUIZ,
            quiz,
            quiz_line,
            "answer \"z\" is not one of the options",
        ),
    ];

    let mut all_broken = files.clone();
    for (file, text, line, message) in &cases {
        let mut broken = files.clone();
        broken.insert((*file).to_owned(), text.clone());
        all_broken.insert((*file).to_owned(), text.clone());
        let r = app
            .post(
                "/courses/import",
                Some(&teacher),
                json!({"files": broken, "org_id": org_id}),
            )
            .await;
        let entries = report(&r);
        assert!(
            entries
                .iter()
                .any(|(f, l, m)| f == file && *l == Some(*line as u64) && m.contains(message)),
            "expected {file}:{line}: {message}; got {entries:?}"
        );
        assert!(
            entries.iter().all(|(f, _, _)| f == file),
            "only {file} is broken: {entries:?}"
        );
    }

    let r = app
        .post(
            "/courses/import",
            Some(&teacher),
            json!({"files": all_broken, "org_id": org_id}),
        )
        .await;
    let entries = report(&r);
    for (file, _, line, _) in &cases {
        assert!(
            entries
                .iter()
                .any(|(f, l, _)| f == file && *l == Some(*line as u64)),
            "{file}:{line} is reported along with the others: {entries:?}"
        );
    }
    assert_eq!(app.count("courses").await, 0);
    assert_eq!(app.count("course_versions").await, 0);
}

#[tokio::test]
async fn only_instructors_import_into_their_organization() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let (org_a, admin_a) = app.org_with_admin(&root, "yiwu").await;
    let (org_b, _) = app.org_with_admin(&root, "ningbo").await;
    let (student, _) = member(&app, &org_a, &admin_a, "student@yiwu.test", "student").await;
    let (teacher, _) = member(&app, &org_a, &admin_a, "teacher@yiwu.test", "instructor").await;
    let files = renamed_course("incoterms-not-for-students");

    app.post(
        "/courses/import",
        Some(&student),
        json!({"files": files, "org_id": org_a}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/courses/import",
        None,
        json!({"files": files, "org_id": org_a}),
    )
    .await
    .assert_problem(401, "invalid_token");
    // Not a member of the other organization: it does not exist for them.
    app.post(
        "/courses/import",
        Some(&teacher),
        json!({"files": files, "org_id": org_b}),
    )
    .await
    .assert_problem(404, "not_found");
    // Only platform admins create platform-wide courses.
    app.post("/courses/import", Some(&teacher), json!({"files": files}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(app.count("courses").await, 0);
}

#[tokio::test]
async fn import_bodies_obey_the_import_limit_and_malformed_json_is_400() {
    let app = spawn_app_with(|s| {
        s.import_limit = 64 * 1024;
        s.json_limit = 16 * 1024;
    })
    .await;
    let root = app.platform_admin().await;

    // Larger than the JSON limit of other endpoints, within the import limit: accepted.
    let files = renamed_course("incoterms-within-the-limit");
    let size: usize = files.values().map(String::len).sum();
    assert!(size > 16 * 1024 && size < 60 * 1024, "{size} bytes");
    let ok = app
        .post("/courses/import", Some(&root), json!({"files": files}))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["status"], "created");
    assert_eq!(ok.body["course"]["org_id"], Value::Null);
    assert_eq!(app.count("courses").await, 1);

    let mut big = renamed_course("incoterms-over-the-limit");
    let lesson = big.get_mut(FIRST_LESSON).unwrap();
    *lesson = lesson.replacen(
        "## Three things",
        &format!("{}\n\n## Three things", "Padding sentence. ".repeat(4000)),
        1,
    );
    app.post("/courses/import", Some(&root), json!({"files": big}))
        .await
        .assert_problem(413, "payload_too_large");

    app.post_raw(
        "/courses/import",
        Some(&root),
        "application/json",
        "{\"files\": {\"course.toml\": ",
    )
    .await
    .assert_problem(400, "malformed_json");
    app.post(
        "/courses/import",
        Some(&root),
        json!({"files": {}, "colour": "blue"}),
    )
    .await
    .assert_problem(422, "invalid_body");
    assert_eq!(app.count("courses").await, 1);
}

// --- Export -------------------------------------------------------------------------------------

#[tokio::test]
async fn exporting_a_seed_course_gives_back_the_files_on_disk_byte_for_byte() {
    let app = seeded_app().await;
    let root = app.platform_admin().await;
    let id = course_id(&app, INCOTERMS).await;

    let export = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&export), read_files(&seed_dir().join(INCOTERMS)));

    // Anyone may read the platform catalog; only its authors export the answer keys.
    let (someone, _) = app.user("someone@example.com").await;
    assert_eq!(
        app.get(&format!("/courses/{id}"), Some(&someone))
            .await
            .status,
        200
    );
    app.get(&format!("/courses/{id}/export"), Some(&someone))
        .await
        .assert_problem(403, "forbidden");
    app.get(&format!("/courses/{id}/export"), None)
        .await
        .assert_problem(401, "invalid_token");
    app.get(
        &format!("/courses/{}/export", uuid::Uuid::now_v7()),
        Some(&root),
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_course_imported_over_http_exports_exactly_the_files_sent() {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let files = renamed_course("incoterms-round-trip");
    let created = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": files, "publish": true}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["course"]["id"].as_str().unwrap().to_owned();
    let export = app.get(&format!("/courses/{id}/export"), Some(&root)).await;
    assert_eq!(exported(&export), files);
    // And importing the export is a no-op.
    let again = app
        .post(
            "/courses/import",
            Some(&root),
            json!({"files": exported(&export), "publish": true}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["status"], "unchanged");
}

// --- CLI ----------------------------------------------------------------------------------------

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
