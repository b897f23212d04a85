//! A whole tree of course folders: splitting the files by course folder, and the checks that need
//! every course at once (course slugs unique, prerequisites present and free of cycles).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use super::error::Diagnostics;
use super::manifest::CourseContext;
use super::model::CourseFile;
use super::parse::{is_hidden, parse_course, CourseOutcome, Files};

/// Parses every course folder of the tree at `root`; `files` are relative to `root`.
pub(crate) fn parse_tree(root: &Path, files: &Files, diags: &mut Diagnostics) -> Vec<CourseFile> {
    let mut by_course: BTreeMap<&str, Files> = BTreeMap::new();
    for (rel, text) in files.iter().filter(|(rel, _)| !is_hidden(rel)) {
        match rel.split_once('/') {
            // The tree's README documents the format; it is not a course.
            None if *rel == "README.md" => {}
            None => diags.push(
                &root.join(rel),
                None,
                "unexpected file: the tree holds course folders and README.md",
            ),
            Some((course, rest)) => {
                by_course.entry(course).or_default().insert(rest, text);
            }
        }
    }
    // A course's folder name is its slug (checked per course), so the folder names are the
    // courses a prerequisite can name.
    let known: BTreeSet<String> = by_course.keys().map(|k| (*k).to_owned()).collect();

    let outcomes: Vec<CourseOutcome> = by_course
        .iter()
        .map(|(folder, files)| {
            let context = CourseContext {
                folder: Some(folder),
                known_courses: Some(&known),
            };
            parse_course(&root.join(folder), files, &context, diags)
        })
        .collect();

    check_unique_slugs(&outcomes, diags);
    check_cycles(&outcomes, diags);
    check_editions(&outcomes, diags);
    outcomes.into_iter().filter_map(|o| o.file).collect()
}

fn check_unique_slugs(outcomes: &[CourseOutcome], diags: &mut Diagnostics) {
    let mut first: BTreeMap<&str, &Path> = BTreeMap::new();
    for outcome in outcomes {
        let Some((slug, line)) = &outcome.slug else {
            continue;
        };
        match first.get(slug.as_str()) {
            Some(other) => {
                let message = format!("course slug \"{slug}\" is also used by {}", other.display());
                diags.push(&outcome.manifest_path, *line, message);
            }
            None => {
                first.insert(slug, &outcome.manifest_path);
            }
        }
    }
}

/// A course that requires itself through other courses can never be started. Every course on a
/// cycle gets the message, at the prerequisite that leads into it.
fn check_cycles(outcomes: &[CourseOutcome], diags: &mut Diagnostics) {
    let graph: BTreeMap<&str, Vec<&str>> = outcomes
        .iter()
        .filter_map(|o| {
            let (slug, _) = o.slug.as_ref()?;
            let prerequisites = o.prerequisites.iter().map(|(p, _)| p.as_str()).collect();
            Some((slug.as_str(), prerequisites))
        })
        .collect();
    for outcome in outcomes {
        let Some((slug, _)) = &outcome.slug else {
            continue;
        };
        for (prerequisite, line) in &outcome.prerequisites {
            // Requiring itself directly is reported with the course's own checks.
            if prerequisite == slug {
                continue;
            }
            if let Some(path) = path_back(&graph, prerequisite, slug) {
                let message = format!(
                    "prerequisites form a cycle: {slug} -> {}",
                    path.join(" -> ")
                );
                diags.push(&outcome.manifest_path, *line, message);
            }
        }
    }
}

/// Every edition names an original of the tree that is not itself an edition, is the same
/// course in another language (see `editions.rs`), and no language appears twice per course.
fn check_editions(outcomes: &[CourseOutcome], diags: &mut Diagnostics) {
    let by_slug: BTreeMap<&str, &CourseOutcome> = outcomes
        .iter()
        .filter_map(|o| Some((o.slug.as_ref()?.0.as_str(), o)))
        .collect();
    let mut languages: BTreeMap<(&str, &str), &Path> = BTreeMap::new();
    for outcome in outcomes {
        let Some(edition) = &outcome.file else {
            continue;
        };
        let Some(original_slug) = &edition.course.edition_of else {
            continue;
        };
        let line_of = |key: &str| outcome.lines.get(key).copied().flatten();
        let Some(original) = by_slug.get(original_slug.as_str()) else {
            continue; // reported with the course's own checks
        };
        let Some(original_file) = &original.file else {
            continue; // the original's own problems are reported
        };
        if original_file.course.edition_of.is_some() {
            let message = format!(
                "edition_of \"{original_slug}\" is itself an edition: name the original course"
            );
            diags.push(&outcome.manifest_path, line_of("edition_of"), message);
            continue;
        }
        let language = edition.course.language.as_str();
        let original_language = original_file.course.language.as_str();
        if language != original_language {
            if let Some(other) = languages.insert((original_slug, language), &outcome.manifest_path)
            {
                let message = format!(
                    "\"{original_slug}\" already has an edition in {language}: {}",
                    other.display()
                );
                diags.push(&outcome.manifest_path, line_of("language"), message);
            }
        }
        let folder = outcome.manifest_path.parent().unwrap_or(Path::new(""));
        for d in super::editions::differences(original_file, edition) {
            match d.key {
                Some(key) => diags.push(&outcome.manifest_path, line_of(key), d.message),
                None => diags.push(&folder.join(&d.file), None, d.message),
            }
        }
    }
}

/// The shortest prerequisite path from `start` to `target`, both included, if there is one.
fn path_back<'a>(
    graph: &BTreeMap<&'a str, Vec<&'a str>>,
    start: &'a str,
    target: &str,
) -> Option<Vec<&'a str>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([start]);
    let mut seen = BTreeSet::from([start]);
    while let Some(node) = queue.pop_front() {
        if node == target {
            let mut path = vec![node];
            let mut current = node;
            while let Some(previous) = came_from.get(current) {
                path.push(previous);
                current = previous;
            }
            path.reverse();
            return Some(path);
        }
        for next in graph.get(node).into_iter().flatten() {
            if seen.insert(next) {
                came_from.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}
