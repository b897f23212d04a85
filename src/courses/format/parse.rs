//! The layout of a course folder held in memory as relative path -> content: which file is the
//! manifest, which folders are modules and which files lessons, `NN-<slug>` names, positions and
//! slugs used once. Every file is parsed and checked by its own module; this one assembles the
//! [`CourseFile`] when nothing was wrong.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::doc::TomlDoc;
use super::error::Diagnostics;
use super::manifest::{self, CourseContext};
use super::model::{Course, CourseFile, LessonFile, Module, ModuleFile};
use super::{lesson, quiz};

/// Relative path (with `/`) -> content, for one course folder.
pub(crate) type Files<'a> = BTreeMap<&'a str, &'a str>;

/// What the tree-wide checks need from a course, even when the course itself is invalid.
pub(crate) struct CourseOutcome {
    pub file: Option<CourseFile>,
    pub manifest_path: PathBuf,
    /// The slug written in course.toml, with its line.
    pub slug: Option<(String, Option<usize>)>,
    pub prerequisites: Vec<(String, Option<usize>)>,
    /// The line of each `course.toml` key, for messages about the course as a whole.
    pub lines: BTreeMap<String, Option<usize>>,
}

/// Hidden files and folders (`.DS_Store`, `.git`) are never course content.
pub(crate) fn is_hidden(rel: &str) -> bool {
    rel.split('/').any(|part| part.starts_with('.'))
}

/// `NN-rest` with at least two digits: the position and `rest`.
pub(crate) fn position_name(name: &str) -> Option<(u32, &str)> {
    let (digits, rest) = name.split_once('-')?;
    let numeric = digits.len() >= 2 && digits.bytes().all(|b| b.is_ascii_digit());
    Some((digits.parse().ok().filter(|_| numeric)?, rest))
}

/// Parses the course folder at `root`; diagnostics name files as `root.join(relative path)`.
pub(crate) fn parse_course(
    root: &Path,
    files: &Files,
    context: &CourseContext,
    diags: &mut Diagnostics,
) -> CourseOutcome {
    let before = diags.len();
    let manifest_path = root.join("course.toml");
    let mut outcome = CourseOutcome {
        file: None,
        manifest_path: manifest_path.clone(),
        slug: None,
        prerequisites: Vec::new(),
        lines: BTreeMap::new(),
    };
    let course = match files.get("course.toml") {
        None => {
            diags.push(&manifest_path, None, "course.toml is missing");
            None
        }
        Some(text) => parse_manifest(&manifest_path, text, context, &mut outcome, diags),
    };

    let mut module_files: BTreeMap<&str, Files> = BTreeMap::new();
    for (rel, text) in files.iter().filter(|(rel, _)| !is_hidden(rel)) {
        match rel.split_once('/') {
            None if *rel == "course.toml" => {}
            None => diags.push(
                &root.join(rel),
                None,
                "unexpected file: a course folder holds course.toml and NN-<module-slug> folders",
            ),
            Some((folder, rest)) => {
                module_files.entry(folder).or_default().insert(rest, text);
            }
        }
    }

    let mut modules = Vec::new();
    let mut taken: BTreeMap<u32, String> = BTreeMap::new();
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for (folder, files) in &module_files {
        let path = root.join(folder);
        let Some((position, slug)) = position_name(folder) else {
            let message = "folder name must be NN-<module-slug>, like 01-basics";
            diags.push(&path, None, message);
            continue;
        };
        claim(&mut taken, position, folder, &path, "module", diags);
        if let Some(other) = slugs.insert(slug, folder) {
            let message = format!("module slug \"{slug}\" is also used by folder {other}");
            diags.push(&path, None, message);
        }
        if let Some(module) = parse_module(&path, folder, position, slug, files, diags) {
            modules.push(module);
        }
    }

    if let Some(course) = course.filter(|_| diags.len() == before) {
        modules.sort_by_key(|m| m.position);
        outcome.file = Some(CourseFile { course, modules });
    }
    outcome
}

fn parse_manifest(
    path: &Path,
    text: &str,
    context: &CourseContext,
    outcome: &mut CourseOutcome,
    diags: &mut Diagnostics,
) -> Option<Course> {
    let doc = TomlDoc::parse(path, text, 1, diags)?;
    let course: Course = doc.deserialize(&[], diags)?;
    outcome.slug = Some((course.slug.clone(), doc.line("slug")));
    outcome.prerequisites = (course.prerequisites.iter().enumerate())
        .map(|(i, p)| (p.clone(), doc.line(&format!("prerequisites.{i}"))))
        .collect();
    for key in [
        "edition_of",
        "competencies",
        "markets",
        "prerequisites",
        "level",
        "completion",
        "language",
    ] {
        outcome.lines.insert(key.to_owned(), doc.line(key));
    }
    manifest::check_course(&doc, diags, &course, context);
    Some(course)
}

/// Records that `name` uses `position`; a second user is an error, because the order of
/// two modules (or lessons) with the same `NN` is undefined.
fn claim(
    taken: &mut BTreeMap<u32, String>,
    position: u32,
    name: &str,
    path: &Path,
    what: &str,
    diags: &mut Diagnostics,
) {
    if let Some(other) = taken.insert(position, name.to_owned()) {
        let message = format!("{what} position {position:02} is also used by {other}");
        diags.push(path, None, message);
    }
}

fn parse_module(
    dir: &Path,
    folder: &str,
    position: u32,
    slug: &str,
    files: &Files,
    diags: &mut Diagnostics,
) -> Option<ModuleFile> {
    let before = diags.len();
    let manifest_path = dir.join("module.toml");
    let module = match files.get("module.toml") {
        None => {
            diags.push(&manifest_path, None, "module.toml is missing");
            None
        }
        Some(text) => TomlDoc::parse(&manifest_path, text, 1, diags).and_then(|doc| {
            let module: Module = doc.deserialize(&[], diags)?;
            manifest::check_module(&doc, diags, &module, folder, slug);
            Some(module)
        }),
    };
    let quiz = match files.get("quiz.toml") {
        Some(text) => quiz::parse(&dir.join("quiz.toml"), text, diags),
        None => None,
    };

    let mut lessons: Vec<LessonFile> = Vec::new();
    let mut taken = BTreeMap::new();
    let mut slugs: BTreeSet<&str> = BTreeSet::new();
    for (name, text) in files.iter() {
        let path = dir.join(name);
        if matches!(*name, "module.toml" | "quiz.toml") || is_hidden(name) {
            continue;
        }
        if name.contains('/') {
            let message = "unexpected file: nothing is read from folders inside a module folder";
            diags.push(&path, None, message);
            continue;
        }
        let Some(stem) = name.strip_suffix(".md") else {
            let message =
                "unexpected file: a module folder holds module.toml, quiz.toml and NN-<lesson-slug>.md lessons";
            diags.push(&path, None, message);
            continue;
        };
        let Some((lesson_position, lesson_slug)) = position_name(stem) else {
            let message = "lesson file name must be NN-<lesson-slug>.md, like 01-introduction.md";
            diags.push(&path, None, message);
            continue;
        };
        claim(&mut taken, lesson_position, name, &path, "lesson", diags);
        if !slugs.insert(lesson_slug) {
            let message =
                format!("lesson slug \"{lesson_slug}\" is used by another lesson of this module");
            diags.push(&path, None, message);
        }
        if let Some(lesson) = lesson::parse(&path, text, lesson_position, name, lesson_slug, diags)
        {
            lessons.push(lesson);
        }
    }

    let module = module.filter(|_| diags.len() == before)?;
    if lessons.is_empty() && quiz.is_none() {
        diags.push_before_publish(
            &manifest_path,
            None,
            "lessons",
            "the module has no lessons and no quiz",
        );
    }
    lessons.sort_by_key(|l| l.position);
    Some(ModuleFile {
        position,
        module,
        lessons,
        quiz,
    })
}
