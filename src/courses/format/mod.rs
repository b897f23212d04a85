//! The course-file format: the typed model ([`model`]), reading a tree or one course from disk or
//! from memory with every problem reported as a [`Diagnostic`], and writing a course back.
//!
//! Reading always goes through the in-memory form (relative path with `/` -> content): disk
//! folders are read into it first, so files on disk and files uploaded over HTTP are checked by
//! the same code. A call returns the model only when there is no diagnostic at all, so an import
//! can write everything or nothing.

mod calculated;
mod checks;
mod disk;
mod doc;
pub mod editions;
mod error;
pub mod formula;
mod formula_syntax;
mod lesson;
mod manifest;
pub mod model;
mod parse;
mod question;
mod quiz;
mod raw;
mod render;
mod tree;

#[cfg(test)]
mod tests_course;
#[cfg(test)]
mod tests_fixture;
#[cfg(test)]
mod tests_quiz;
#[cfg(test)]
mod tests_tree;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::domain::Slug;

pub use calculated::round_to;
pub use error::Diagnostic;
pub use formula::{Formula, FormulaError};
pub use model::{
    Choice, Completion, Course, CourseFile, DrawRule, GradingMethod, KindTag, Lesson, LessonFile,
    Level, Module, ModuleFile, Question, QuestionKind, Quiz, QuizSettings, Review, ToleranceKind,
    Variable,
};
pub use render::render_course;

use error::Diagnostics;
use manifest::CourseContext;

/// Reads every course folder under `dir` (skipping `README.md` and hidden entries) and checks the
/// whole tree, including prerequisites across courses. Diagnostics name files as `dir/...`.
pub fn load_tree(dir: &Path) -> Result<Vec<CourseFile>, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let files = disk::read_folder(dir, 2, &mut diags);
    let courses = tree::parse_tree(dir, &borrow(&files), &mut diags);
    finish(courses, diags)
}

/// Reads the files of a tree as they are on disk (relative path -> content), for an importer that
/// keeps the original text so that an export gives back the same bytes.
pub fn read_tree_files(dir: &Path) -> Result<BTreeMap<String, String>, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let files = disk::read_folder(dir, 2, &mut diags);
    if diags.len() == 0 {
        Ok(files)
    } else {
        Err(diags.into_sorted())
    }
}

/// Reads one course folder. Its name must be the course slug; prerequisites are checked for
/// syntax only, since the other courses are not known here.
pub fn load_course(dir: &Path) -> Result<CourseFile, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let files = disk::read_folder(dir, 1, &mut diags);
    // `.` or `some/course/.` has no name of its own; the canonical path does.
    let folder =
        (dir.canonicalize().ok()).and_then(|path| path.file_name()?.to_str().map(str::to_owned));
    let context = CourseContext {
        folder: folder.as_deref(),
        known_courses: None,
    };
    let outcome = parse::parse_course(dir, &borrow(&files), &context, &mut diags);
    finish_one(outcome.file, diags)
}

/// Checks a tree held in memory: keys are paths relative to the tree root with `/` separators
/// (`eu-gpsr/course.toml`, `eu-gpsr/01-basics/quiz.toml`), values the file contents.
/// Diagnostics name files by those relative paths.
pub fn parse_tree_from_files(
    files: &BTreeMap<String, String>,
) -> Result<Vec<CourseFile>, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let courses = tree::parse_tree(Path::new(""), &borrow(files), &mut diags);
    finish(courses, diags)
}

/// Checks one course held in memory, for an upload: keys are relative to the course folder
/// (`course.toml`, `01-basics/module.toml`). With no folder there is no folder name to compare
/// the slug with, and prerequisites are checked for syntax only; the caller checks that they
/// exist (for instance in the database).
pub fn parse_course_from_files(
    files: &BTreeMap<String, String>,
) -> Result<CourseFile, Vec<Diagnostic>> {
    match parse_draft_from_files(files) {
        Ok((file, before_publish)) if before_publish.is_empty() => Ok(file),
        Ok((_, before_publish)) => Err(before_publish),
        Err(problems) => Err(problems),
    }
}

/// A file key of an uploaded course must be a plain relative path of visible names: no empty,
/// `.` or `..` component, no hidden file, no backslash, no absolute path and no control character,
/// so an export writes it back inside the course's folder and nowhere else.
pub fn check_file_key(key: &str) -> Result<(), &'static str> {
    if key.is_empty() || key.len() > 255 {
        return Err("must be 1 to 255 bytes long");
    }
    if key.starts_with('/') || key.contains('\\') {
        return Err("must be a relative path with forward slashes");
    }
    if key.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    for part in key.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err("must not contain empty, '.' or '..' components");
        }
        if part.starts_with('.') {
            return Err("must not name a hidden file or folder");
        }
    }
    Ok(())
}

/// Writes `course` as the folder `dir/<course slug>/` and returns its path. Refuses a folder that
/// already exists with content: files left from an earlier export (a renamed lesson) would make
/// the result invalid, and deleting files is the caller's decision.
pub fn write_course(course: &CourseFile, dir: &Path) -> io::Result<PathBuf> {
    // The slugs become path components: check them, so that a model built from the database can
    // never write outside `dir`.
    let slugs = std::iter::once(course.course.slug.as_str())
        .chain(course.modules.iter().map(|m| m.module.slug.as_str()))
        .chain(
            course
                .modules
                .iter()
                .flat_map(|m| m.lessons.iter())
                .map(|l| l.lesson.slug.as_str()),
        );
    for slug in slugs {
        Slug::parse(slug).map_err(|reason| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("slug \"{slug}\" {reason}"),
            )
        })?;
    }
    let target = dir.join(&course.course.slug);
    if target.exists() && fs::read_dir(&target)?.next().is_some() {
        let message = format!("{} already exists and is not empty", target.display());
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, message));
    }
    for (rel, content) in render_course(course) {
        let path = target.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, content)?;
    }
    Ok(target)
}

fn borrow(files: &BTreeMap<String, String>) -> parse::Files<'_> {
    files
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

fn finish(
    courses: Vec<CourseFile>,
    diags: Diagnostics,
) -> Result<Vec<CourseFile>, Vec<Diagnostic>> {
    if diags.total() == 0 {
        Ok(courses)
    } else {
        Err(diags.into_sorted())
    }
}

fn finish_one(file: Option<CourseFile>, diags: Diagnostics) -> Result<CourseFile, Vec<Diagnostic>> {
    match file {
        Some(file) if diags.total() == 0 => Ok(file),
        _ => Err(diags.into_sorted()),
    }
}

/// The fewest questions a seed-catalog quiz has.
pub const SEED_MIN_QUESTIONS: usize = 8;
/// The fewest question kinds a seed-catalog quiz mixes.
pub const SEED_MIN_KINDS: usize = 3;

/// The seed catalog's stricter bar, checked by `caravan courses validate` and CI, not by every
/// organization's editor: every module has lessons and a quiz, and every quiz at least
/// [`SEED_MIN_QUESTIONS`] questions of at least [`SEED_MIN_KINDS`] kinds.
pub fn seed_policy(courses: &[CourseFile], root: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for course in courses {
        for m in &course.modules {
            let folder = root
                .join(&course.course.slug)
                .join(format!("{:02}-{}", m.position, m.module.slug));
            if m.lessons.is_empty() {
                problems.push(Diagnostic::new(
                    folder.join("module.toml"),
                    None,
                    "a seed-catalog module needs lessons",
                ));
            }
            let Some(quiz) = &m.quiz else {
                problems.push(Diagnostic::new(
                    folder.join("quiz.toml"),
                    None,
                    "a seed-catalog module needs a quiz",
                ));
                continue;
            };
            let kinds: BTreeSet<&str> = quiz
                .questions
                .iter()
                .map(|q| editions::kind_name(&q.kind))
                .collect();
            if quiz.questions.len() < SEED_MIN_QUESTIONS || kinds.len() < SEED_MIN_KINDS {
                problems.push(Diagnostic::new(
                    folder.join("quiz.toml"),
                    None,
                    format!(
                        "a seed-catalog quiz needs at least {SEED_MIN_QUESTIONS} questions of at least {SEED_MIN_KINDS} kinds (has {} of {})",
                        quiz.questions.len(),
                        kinds.len()
                    ),
                ));
            }
        }
    }
    problems
}

/// A course being written: the model when the files are a well-formed draft, with what still
/// blocks publishing; or every problem that keeps them from being a draft.
pub type DraftOutcome = Result<(CourseFile, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Checks a draft held in memory like [`parse_course_from_files`], but a problem that only blocks
/// publishing (a quiz with no questions yet, a lesson without its sources yet, an empty module)
/// does not refuse it: it comes back beside the model.
pub fn parse_draft_from_files(files: &BTreeMap<String, String>) -> DraftOutcome {
    let mut diags = Diagnostics::default();
    for key in files.keys() {
        if let Err(reason) = check_file_key(key) {
            diags.push(Path::new(key), None, format!("file name {reason}"));
        }
    }
    let context = CourseContext {
        folder: None,
        known_courses: None,
    };
    let outcome = parse::parse_course(Path::new(""), &borrow(files), &context, &mut diags);
    match outcome.file {
        Some(file) if diags.len() == 0 => Ok((file, diags.into_parts().1)),
        _ => Err(diags.into_sorted()),
    }
}
