//! Tests over whole trees: the real seed catalog loads cleanly and survives a write/read round
//! trip, the checks that need every course at once report precisely, and problems only a disk can
//! have (non-UTF-8 files, empty or too deep folders) are found.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::tests_fixture::*;
use super::*;

fn seed_tree() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn seed_courses() -> Vec<CourseFile> {
    match load_tree(&seed_tree()) {
        Ok(courses) => courses,
        Err(diags) => {
            let shown: String = diags.iter().map(|d| format!("{d}\n")).collect();
            panic!("{} diagnostics:\n{shown}", diags.len())
        }
    }
}

#[test]
fn the_seed_catalog_loads_without_a_single_diagnostic() {
    let courses = seed_courses();
    let folders = fs::read_dir(seed_tree())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(courses.len(), folders, "every course folder loads");
    assert!(courses.len() >= 18);
    // quiz.toml is optional in the format but required for the seed catalog.
    for course in &courses {
        for module in &course.modules {
            assert!(
                module.quiz.is_some() && !module.lessons.is_empty(),
                "{}/{:02}-{} needs lessons and a quiz",
                course.course.slug,
                module.position,
                module.module.slug
            );
        }
    }
}

#[test]
fn every_seed_course_reads_back_the_same_after_rendering() {
    for course in seed_courses() {
        let files = render_course(&course);
        let back = match parse_course_from_files(&files) {
            Ok(back) => back,
            Err(diags) => panic!("{}: {diags:?}", course.course.slug),
        };
        assert_eq!(back, course);
        // Rendering is stable too: a second export gives the same bytes.
        assert_eq!(render_course(&back), files);
    }
}

#[test]
fn a_seed_tree_written_to_disk_loads_back_the_same() {
    let courses = seed_courses();
    let dir = tempfile::tempdir().unwrap();
    for course in &courses {
        let written = write_course(course, dir.path()).unwrap();
        assert_eq!(written, dir.path().join(&course.course.slug));
    }
    assert_eq!(load_tree(dir.path()).unwrap(), courses);
    let one = dir.path().join(&courses[0].course.slug);
    assert_eq!(load_course(&one).unwrap(), courses[0]);

    // A second export into the same place would mix with the files already there.
    let again = write_course(&courses[0], dir.path()).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::AlreadyExists);
    let mut evil = courses[0].clone();
    evil.course.slug = "../outside".into();
    let refused = write_course(&evil, dir.path()).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput);
}

#[test]
fn course_slugs_are_unique_across_the_tree() {
    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-copy", COURSE));
    assert_eq!(
        tree_errors(&files),
        [
            "demo-copy/course.toml:1: slug \"demo\" does not match the folder name \"demo-copy\"",
            "demo-copy/course.toml:1: course slug \"demo\" is also used by demo/course.toml",
        ]
    );
}

#[test]
fn prerequisites_name_courses_of_the_tree_without_cycles() {
    let requires = |slug: &str, prerequisite: &str| {
        COURSE.replace("\"demo\"", &format!("\"{slug}\"")).replace(
            "prerequisites = []",
            &format!("prerequisites = [\"{prerequisite}\"]"),
        )
    };
    let files = in_tree("demo", &requires("demo", "missing-course"));
    assert_eq!(
        tree_errors(&files),
        ["demo/course.toml:9: prerequisite \"missing-course\" is not a course in this tree"]
    );

    let mut files = in_tree("a", &requires("a", "b"));
    files.extend(in_tree("b", &requires("b", "c")));
    files.extend(in_tree("c", &requires("c", "a")));
    assert_eq!(
        tree_errors(&files),
        [
            "a/course.toml:9: prerequisites form a cycle: a -> b -> c -> a",
            "b/course.toml:9: prerequisites form a cycle: b -> c -> a -> b",
            "c/course.toml:9: prerequisites form a cycle: c -> a -> b -> c",
        ]
    );
}

#[test]
fn the_tree_root_holds_course_folders_and_its_readme() {
    let mut files = in_tree("demo", COURSE);
    set(&mut files, "README.md", "# The format");
    set(&mut files, ".editorconfig", "root = true");
    set(&mut files, "notes.txt", "scratch");
    assert_eq!(
        tree_errors(&files),
        ["notes.txt: unexpected file: the tree holds course folders and README.md"]
    );
}

#[test]
fn reports_what_only_a_disk_can_get_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for (rel, content) in in_tree("demo", COURSE) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    fs::write(root.join("README.md"), "# The format").unwrap();
    fs::create_dir_all(root.join(".git/objects")).unwrap();
    fs::write(root.join("demo/01-basics/02-latin1.md"), b"caf\xe9").unwrap();
    fs::create_dir_all(root.join("demo/02-empty")).unwrap();
    fs::create_dir_all(root.join("demo/01-basics/images")).unwrap();
    fs::write(root.join("demo/01-basics/images/a.png"), "png").unwrap();

    let diags = load_tree(root).unwrap_err();
    let shown: Vec<String> = diags
        .iter()
        .map(|d| {
            let rel = d.path.strip_prefix(root).unwrap();
            Diagnostic::new(rel, d.line, d.message.clone()).to_string()
        })
        .collect();
    assert_eq!(
        shown,
        [
            "demo/01-basics/02-latin1.md: the file is not valid UTF-8",
            "demo/01-basics/images: unexpected folder: the format nests no deeper",
            "demo/02-empty: the folder is empty",
        ]
    );
}

/// Every destination market can be fully reached with the seed catalog: each competency it
/// requires is taught by a lesson and assessed by a question of some course.
#[test]
fn every_market_is_reachable_through_the_seed_catalog() {
    use std::collections::BTreeSet;
    let courses = seed_courses();
    let mut taught = BTreeSet::new();
    let mut assessed = BTreeSet::new();
    for course in &courses {
        for module in &course.modules {
            for lesson in &module.lessons {
                taught.extend(lesson.lesson.competencies.iter().cloned());
            }
            for question in module.quiz.iter().flat_map(|q| &q.questions) {
                assessed.extend(question.competencies.iter().cloned());
            }
        }
    }
    let mut gaps = Vec::new();
    for market in &crate::catalog::framework().markets {
        for code in &market.required {
            if !taught.contains(code) {
                gaps.push(format!("{}: {code} is taught by no lesson", market.country));
            }
            if !assessed.contains(code) {
                gaps.push(format!(
                    "{}: {code} is assessed by no question",
                    market.country
                ));
            }
        }
    }
    assert!(gaps.is_empty(), "unreachable markets:\n{}", gaps.join("\n"));
}

/// `COURSE` as an edition: slug, language and `edition_of` changed (line 11 is `edition_of`).
fn edition(slug: &str, of: &str, language: &str) -> String {
    format!(
        "{}edition_of = \"{of}\"\n",
        COURSE
            .replace("slug = \"demo\"", &format!("slug = \"{slug}\""))
            .replace("language = \"en\"", &format!("language = \"{language}\""))
    )
}

#[test]
fn an_edition_is_the_same_course_in_another_language() {
    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-zh", &edition("demo-zh", "demo", "zh-CN")));
    assert_eq!(tree_errors(&files), Vec::<String>::new());

    // Competencies that differ are refused at their line.
    let mut files = in_tree("demo", COURSE);
    let other = edition("demo-zh", "demo", "zh-CN").replace(
        "competencies = [\"law.product_safety\"]",
        "competencies = [\"law.epr\"]",
    );
    files.extend(in_tree("demo-zh", &other));
    let errors = tree_errors(&files);
    assert!(
        errors
            .iter()
            .any(|e| e
                .starts_with("demo-zh/course.toml:7: an edition teaches the same competencies")),
        "{errors:?}"
    );

    // A quiz whose questions differ is refused in its file.
    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-zh", &edition("demo-zh", "demo", "zh-CN")));
    edit(
        &mut files,
        "demo-zh/01-basics/quiz.toml",
        "id = \"q1\"",
        "id = \"q2\"",
    );
    let errors = tree_errors(&files);
    assert!(
        errors.iter().any(|e| e.starts_with(
            "demo-zh/01-basics/quiz.toml: an edition's quiz has the questions of the original"
        )),
        "{errors:?}"
    );
}

#[test]
fn editions_of_missing_courses_of_editions_or_twice_in_one_language_are_refused() {
    let files = in_tree("demo-zh", &edition("demo-zh", "nowhere", "zh-CN"));
    assert_eq!(
        tree_errors(&files),
        ["demo-zh/course.toml:11: edition_of \"nowhere\" is not a course in this tree"]
    );

    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-zh", &edition("demo-zh", "demo", "zh-CN")));
    files.extend(in_tree("demo-ja", &edition("demo-ja", "demo-zh", "ja")));
    assert_eq!(
        tree_errors(&files),
        ["demo-ja/course.toml:11: edition_of \"demo-zh\" is itself an edition: name the original course"]
    );

    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-zh", &edition("demo-zh", "demo", "zh-CN")));
    files.extend(in_tree("demo-cn", &edition("demo-cn", "demo", "zh-CN")));
    let errors = tree_errors(&files);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains(":4: \"demo\" already has an edition in zh-CN"),
        "{errors:?}"
    );

    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-xx", &edition("demo-xx", "demo", "not a tag")));
    let errors = tree_errors(&files);
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("demo-xx/course.toml:4: language \"not a tag\"")),
        "{errors:?}"
    );

    let mut files = in_tree("demo", COURSE);
    files.extend(in_tree("demo-en", &edition("demo-en", "demo", "en")));
    let errors = tree_errors(&files);
    assert!(
        errors
            .iter()
            .any(|e| e
                == "demo-en/course.toml:4: an edition is in another language than \"demo\" (en)"),
        "{errors:?}"
    );
}
