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
