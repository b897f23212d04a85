//! Bad input in `course.toml`, `module.toml`, lessons and the folder layout: each test breaks one
//! thing in the valid fixture and asserts the exact file, line and message.

use super::tests_fixture::*;

#[test]
fn the_fixture_itself_is_valid() {
    assert_eq!(errors(&course_files()), Vec::<String>::new());
}

#[test]
fn reports_a_missing_and_an_unknown_field() {
    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "summary = \"A course for tests.\"\n",
        "",
    );
    assert_eq!(errors(&files), ["course.toml: missing field `summary`"]);

    let mut files = course_files();
    edit(&mut files, "course.toml", "summary =", "sumary =");
    assert_eq!(
        errors(&files),
        [
            "course.toml:3: unknown field `sumary`, expected one of `slug`, `title`, `summary`, \
          `language`, `level`, `estimated_hours`, `competencies`, `markets`, `prerequisites`, \
          `completion`, `min_score`, `edition_of`"
        ]
    );
}

#[test]
fn reports_toml_syntax_errors_with_their_line() {
    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/module.toml",
        "title = \"Basics\"",
        "title = \"Basics",
    );
    assert_eq!(
        errors(&files),
        ["01-basics/module.toml:2: TOML syntax: invalid basic string, expected `\"`"]
    );
}

#[test]
fn reports_broken_front_matter() {
    let mut files = course_files();
    edit(&mut files, "01-basics/01-intro.md", "+++\n", "");
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md:1: a lesson must start with a +++ line that opens its TOML front matter"]
    );

    let mut files = course_files();
    edit(&mut files, "01-basics/01-intro.md", "]\n+++\n", "]\n");
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md:1: the front matter opened on line 1 is never closed by a +++ line"]
    );

    // A TOML error inside the front matter is reported at its line in the .md file.
    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "title = \"Intro\"",
        "title = Welcome",
    );
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md:3: TOML syntax: string values must be quoted, expected literal string"]
    );
}

#[test]
fn checks_slug_syntax_and_that_names_match_slugs() {
    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "slug = \"demo\"",
        "slug = \"Demo_1\"",
    );
    assert_eq!(
        errors(&files),
        ["course.toml:1: slug \"Demo_1\" must be 1-80 lowercase letters, digits and single hyphens"]
    );

    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/module.toml",
        "\"basics\"",
        "\"basic\"",
    );
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "\"intro\"",
        "\"introduction\"",
    );
    assert_eq!(
        errors(&files),
        [
            "01-basics/01-intro.md:2: slug \"introduction\" does not match the file name \"01-intro.md\"",
            "01-basics/module.toml:1: slug \"basic\" does not match the folder name \"01-basics\"",
        ]
    );

    // Only a tree knows the folder name of the course.
    let files = in_tree("demo-course", COURSE);
    assert_eq!(
        tree_errors(&files),
        ["demo-course/course.toml:1: slug \"demo\" does not match the folder name \"demo-course\""]
    );
}

#[test]
fn reports_duplicate_module_and_lesson_slugs_and_positions() {
    let mut files = course_files();
    for (from, to) in [
        ("01-basics/module.toml", "02-basics/module.toml"),
        ("01-basics/01-intro.md", "01-basics/02-intro.md"),
        ("01-basics/01-intro.md", "01-basics/01-more.md"),
    ] {
        let content = files[from].clone();
        set(&mut files, to, &content);
    }
    edit(&mut files, "01-basics/01-more.md", "\"intro\"", "\"more\"");
    assert_eq!(
        errors(&files),
        [
            "01-basics/01-more.md: lesson position 01 is also used by 01-intro.md",
            "01-basics/02-intro.md: lesson slug \"intro\" is used by another lesson of this module",
            "02-basics: module slug \"basics\" is also used by folder 01-basics",
            "02-basics/module.toml: the module has no lessons and no quiz",
        ]
    );
}

#[test]
fn reports_unknown_competency_and_market_codes() {
    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "[\"law.product_safety\"]",
        "[\"law.product_safety\", \"law.safety\"]",
    );
    edit(
        &mut files,
        "course.toml",
        "[\"DE\"]",
        "[\"DE\", \"XX\", \"DE\"]",
    );
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "[\"law.product_safety\"]",
        "[]",
    );
    assert_eq!(
        errors(&files),
        [
            "01-basics/01-intro.md:5: competencies must name at least one competency",
            "course.toml:7: unknown competency code \"law.safety\"",
            "course.toml:8: unknown market code \"XX\"",
            "course.toml:8: market \"DE\" is listed twice",
        ]
    );
}

#[test]
fn checks_language_tag_and_level() {
    let mut files = course_files();
    edit(&mut files, "course.toml", "\"en\"", "\"en_US!\"");
    assert_eq!(
        errors(&files),
        ["course.toml:4: language \"en_US!\" is not a BCP 47 language tag: the given language subtag is invalid"]
    );

    let mut files = course_files();
    edit(&mut files, "course.toml", "\"en\"", "\"pt-br\"");
    assert_eq!(
        errors(&files),
        ["course.toml:4: language \"pt-br\" should be written \"pt-BR\""]
    );

    let mut files = course_files();
    edit(&mut files, "course.toml", "\"beginner\"", "\"expert\"");
    assert_eq!(
        errors(&files),
        ["course.toml:5: unknown variant `expert`, expected one of `beginner`, `intermediate`, `advanced`"]
    );
}

#[test]
fn requires_positive_hours_and_minutes() {
    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "estimated_hours = 2",
        "estimated_hours = 0",
    );
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "minutes = 10",
        "minutes = 0",
    );
    assert_eq!(
        errors(&files),
        [
            "01-basics/01-intro.md:4: minutes must be a positive integer, found 0",
            "course.toml:6: estimated_hours must be a positive number, found 0",
        ]
    );
}

#[test]
fn checks_the_completion_rule_and_min_score() {
    let mut files = course_files();
    edit(&mut files, "course.toml", "\"all_passed\"", "\"min_score\"");
    assert_eq!(
        errors(&files),
        ["course.toml:10: completion = \"min_score\" needs min_score (a share between 0 and 1)"]
    );

    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "\"all_passed\"\n",
        "\"min_score\"\nmin_score = 1.5\n",
    );
    assert_eq!(
        errors(&files),
        ["course.toml:11: min_score must be between 0 and 1, found 1.5"]
    );

    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "\"all_passed\"\n",
        "\"all_passed\"\nmin_score = 0.5\n",
    );
    assert_eq!(
        errors(&files),
        ["course.toml:11: min_score is only used with completion = \"min_score\""]
    );
}

#[test]
fn a_course_cannot_require_itself() {
    let mut files = course_files();
    edit(
        &mut files,
        "course.toml",
        "prerequisites = []",
        "prerequisites = [\"demo\"]",
    );
    assert_eq!(
        errors(&files),
        ["course.toml:9: a course cannot be its own prerequisite"]
    );
}

#[test]
fn lessons_end_with_a_sources_section_that_lists_sources() {
    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "## Sources",
        "## Reading",
    );
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md: the lesson has no \"## Sources\" section"]
    );

    // A broken front matter does not hide a problem of the body.
    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "## Sources",
        "## Reading",
    );
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "minutes = 10",
        "minutes = -10",
    );
    assert_eq!(
        errors(&files),
        [
            "01-basics/01-intro.md: the lesson has no \"## Sources\" section",
            "01-basics/01-intro.md:4: invalid value: integer `-10`, expected u32",
        ]
    );

    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "- Regulation",
        "Regulation",
    );
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md:12: \"## Sources\" lists no sources (add at least one \"- \" item)"]
    );

    let mut files = course_files();
    edit(
        &mut files,
        "01-basics/01-intro.md",
        "safety.\n",
        "safety.\n\n## Exercises\n",
    );
    assert_eq!(
        errors(&files),
        ["01-basics/01-intro.md:16: \"## Sources\" must be the last section, but \"## Exercises\" follows it"]
    );
}

#[test]
fn checks_the_folder_layout() {
    let mut files = course_files();
    files.remove("course.toml");
    files.remove("01-basics/module.toml");
    set(&mut files, "notes.txt", "scratch");
    set(&mut files, "01-basics/image.png", "not really");
    set(&mut files, "01-basics/intro.md", LESSON);
    set(&mut files, "basics-2/module.toml", MODULE);
    set(&mut files, ".hidden/anything", "refused");
    assert_eq!(
        errors(&files),
        [
            ".hidden/anything: file name must not name a hidden file or folder",
            "01-basics/image.png: unexpected file: a module folder holds module.toml, quiz.toml and NN-<lesson-slug>.md lessons",
            "01-basics/intro.md: lesson file name must be NN-<lesson-slug>.md, like 01-introduction.md",
            "01-basics/module.toml: module.toml is missing",
            "basics-2: folder name must be NN-<module-slug>, like 01-basics",
            "course.toml: course.toml is missing",
            "notes.txt: unexpected file: a course folder holds course.toml and NN-<module-slug> folders",
        ]
    );
}

#[test]
fn titles_summaries_and_hours_have_bounds() {
    let mut files = course_files();
    let long = "T".repeat(201);
    edit(
        &mut files,
        "course.toml",
        "title = \"Demo course\"",
        &format!("title = \"{long}\""),
    );
    edit(
        &mut files,
        "course.toml",
        "estimated_hours = 2",
        "estimated_hours = 1e308",
    );
    let found = errors(&files);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        found[0],
        "course.toml:2: title must have at most 200 characters"
    );
    assert!(
        found[1].starts_with("course.toml:6: estimated_hours must be at most 1000, found 1"),
        "{found:?}"
    );
}
