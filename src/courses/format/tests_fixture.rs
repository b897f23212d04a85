//! A small valid course in memory for the tests, with known line numbers, and helpers that break
//! one file and return the diagnostics as `path:line: message` strings.

use std::collections::BTreeMap;

use super::{parse_course_from_files, parse_tree_from_files};

// Lines: 1 slug, 2 title, 3 summary, 4 language, 5 level, 6 estimated_hours, 7 competencies,
// 8 markets, 9 prerequisites, 10 completion.
pub(super) const COURSE: &str = r#"slug = "demo"
title = "Demo course"
summary = "A course for tests."
language = "en"
level = "beginner"
estimated_hours = 2
competencies = ["law.product_safety"]
markets = ["DE"]
prerequisites = []
completion = "all_passed"
"#;

pub(super) const MODULE: &str = "slug = \"basics\"\ntitle = \"Basics\"\n";

// Lines: 1 +++, 2 slug, 3 title, 4 minutes, 5 competencies, 6 +++, 8 # Intro, 12 ## Sources,
// 14 the source.
pub(super) const LESSON: &str = r#"+++
slug = "intro"
title = "Intro"
minutes = 10
competencies = ["law.product_safety"]
+++

# Intro

Text.

## Sources

- Regulation (EU) 2023/988 on general product safety.
"#;

// Lines 1-10 the settings; [[questions]] on line 12.
pub(super) const SETTINGS: &str = r#"slug = "basics-quiz"
title = "Check: basics"
passing_score = 0.7
attempt_limit = 3
time_limit_minutes = 0
shuffle_questions = true
shuffle_options = true
grading_method = "highest"
review = "immediately"
draw = 0
"#;

/// A question table (without its header) whose common fields take lines 13-16 of the quiz when
/// it is the first question: 13 id, 14 kind, 15 prompt, 16 competencies, then `rest` from 17.
pub(super) fn question(id: &str, kind: &str, rest: &str) -> String {
    format!(
        "id = \"{id}\"\nkind = \"{kind}\"\nprompt = \"Which one?\"\ncompetencies = [\"law.product_safety\"]\n{rest}"
    )
}

pub(super) const SINGLE_CHOICE_REST: &str = r#"options = [
  { id = "a", text = "Yes" },
  { id = "b", text = "No" },
]
answer = "b"
"#;

/// A quiz with the given question tables, each under its own `[[questions]]` header.
pub(super) fn quiz(questions: &[String]) -> String {
    let mut out = SETTINGS.to_owned();
    for q in questions {
        out.push_str("\n[[questions]]\n");
        out.push_str(q);
    }
    out
}

/// The valid course, keyed relative to the course folder.
pub(super) fn course_files() -> BTreeMap<String, String> {
    let first = question("q1", "single_choice", SINGLE_CHOICE_REST);
    BTreeMap::from([
        ("course.toml".to_owned(), COURSE.to_owned()),
        ("01-basics/module.toml".to_owned(), MODULE.to_owned()),
        ("01-basics/01-intro.md".to_owned(), LESSON.to_owned()),
        ("01-basics/quiz.toml".to_owned(), quiz(&[first])),
    ])
}

pub(super) fn set(files: &mut BTreeMap<String, String>, path: &str, content: &str) {
    files.insert(path.to_owned(), content.to_owned());
}

/// Replaces `from` by `to` in one file, failing the test if `from` is not there (a fixture typo
/// would otherwise make a test pass for the wrong reason).
pub(super) fn edit(files: &mut BTreeMap<String, String>, path: &str, from: &str, to: &str) {
    let content = files.get_mut(path).unwrap();
    assert!(content.contains(from), "{path} has no {from:?}");
    *content = content.replacen(from, to, 1);
}

/// The diagnostics of the course as displayed, or an empty list when it is valid.
pub(super) fn errors(files: &BTreeMap<String, String>) -> Vec<String> {
    match parse_course_from_files(files) {
        Ok(_) => Vec::new(),
        Err(diags) => diags.iter().map(ToString::to_string).collect(),
    }
}

/// The diagnostics of a tree as displayed.
pub(super) fn tree_errors(files: &BTreeMap<String, String>) -> Vec<String> {
    match parse_tree_from_files(files) {
        Ok(_) => Vec::new(),
        Err(diags) => diags.iter().map(ToString::to_string).collect(),
    }
}

/// The diagnostics of the valid course with the quiz replaced by `questions`.
pub(super) fn quiz_errors(questions: &[String]) -> Vec<String> {
    let mut files = course_files();
    set(&mut files, "01-basics/quiz.toml", &quiz(questions));
    errors(&files)
}

/// The fixture course under the folder `folder` of a tree, with `course.toml` given.
pub(super) fn in_tree(folder: &str, course_toml: &str) -> BTreeMap<String, String> {
    course_files()
        .into_iter()
        .map(|(rel, content)| {
            let content = if rel == "course.toml" {
                course_toml.to_owned()
            } else {
                content
            };
            (format!("{folder}/{rel}"), content)
        })
        .collect()
}
