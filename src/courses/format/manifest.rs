//! Checks of `course.toml` and `module.toml` beyond their serde shape: slugs that match the folder
//! name, the language tag, level-independent numbers, competency and market codes, prerequisites
//! and the completion rule.

use std::collections::BTreeSet;

use crate::domain::LanguageTag;

use super::checks;
use super::doc::TomlDoc;
use super::error::Diagnostics;
use super::model::{Completion, Course, Module};

/// What the course is checked against besides its own file.
pub(crate) struct CourseContext<'a> {
    /// The folder the course sits in; `None` for an upload that has no folder.
    pub folder: Option<&'a str>,
    /// Course slugs of the tree, when the course is read as part of one; prerequisites must be
    /// among them.
    pub known_courses: Option<&'a BTreeSet<String>>,
}

pub(crate) fn check_course(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    course: &Course,
    context: &CourseContext,
) {
    if checks::slug(doc, diags, "slug", "", "slug", &course.slug) {
        if let Some(folder) = context.folder {
            if folder != course.slug {
                let message = format!(
                    "slug \"{}\" does not match the folder name \"{folder}\"",
                    course.slug
                );
                doc.report(diags, "slug", message);
            }
        }
    }
    checks::not_empty(doc, diags, "title", "", "title", &course.title);
    checks::not_empty(doc, diags, "summary", "", "summary", &course.summary);
    checks::at_most_chars(doc, diags, "title", "title", &course.title, 200);
    checks::at_most_chars(doc, diags, "summary", "summary", &course.summary, 2000);
    if course.estimated_hours > checks::MAX_COURSE_HOURS {
        let message = format!(
            "estimated_hours must be at most {}, found {}",
            checks::MAX_COURSE_HOURS,
            course.estimated_hours
        );
        doc.report(diags, "estimated_hours", message);
    }
    match LanguageTag::parse(&course.language) {
        Err(reason) => {
            let message = format!("language \"{}\" {reason}", course.language);
            doc.report(diags, "language", message);
        }
        // The tag is stored and compared as written, so it must already be in canonical form.
        Ok(tag) if tag.as_str() != course.language => {
            let message = format!(
                "language \"{}\" should be written \"{}\"",
                course.language,
                tag.as_str()
            );
            doc.report(diags, "language", message);
        }
        Ok(_) => {}
    }
    checks::positive(
        doc,
        diags,
        "estimated_hours",
        "",
        "estimated_hours",
        course.estimated_hours,
    );
    checks::competencies(doc, diags, "competencies", "", &course.competencies);
    checks::markets(doc, diags, "markets", &course.markets);
    check_prerequisites(doc, diags, course, context);
    if let Some(original) = &course.edition_of {
        if checks::slug(doc, diags, "edition_of", "", "edition_of", original) {
            if *original == course.slug {
                doc.report(
                    diags,
                    "edition_of",
                    "a course cannot be an edition of itself",
                );
            } else if context
                .known_courses
                .is_some_and(|known| !known.contains(original))
            {
                let message = format!("edition_of \"{original}\" is not a course in this tree");
                doc.report(diags, "edition_of", message);
            }
        }
    }

    match (course.completion, course.min_score) {
        (Completion::MinScore, None) => doc.report(
            diags,
            "completion",
            "completion = \"min_score\" needs min_score (a share between 0 and 1)",
        ),
        (Completion::MinScore, Some(min_score)) => {
            checks::share(doc, diags, "min_score", "min_score", min_score)
        }
        (Completion::AllPassed, Some(_)) => doc.report(
            diags,
            "min_score",
            "min_score is only used with completion = \"min_score\"",
        ),
        (Completion::AllPassed, None) => {}
    }
}

fn check_prerequisites(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    course: &Course,
    context: &CourseContext,
) {
    let mut seen = BTreeSet::new();
    for (i, prerequisite) in course.prerequisites.iter().enumerate() {
        let at = format!("prerequisites.{i}");
        if !checks::slug(doc, diags, &at, "", "prerequisite", prerequisite) {
            continue;
        }
        if *prerequisite == course.slug {
            doc.report(diags, &at, "a course cannot be its own prerequisite");
        } else if !seen.insert(prerequisite) {
            let message = format!("prerequisite \"{prerequisite}\" is listed twice");
            doc.report(diags, &at, message);
        } else if context
            .known_courses
            .is_some_and(|known| !known.contains(prerequisite))
        {
            let message = format!("prerequisite \"{prerequisite}\" is not a course in this tree");
            doc.report(diags, &at, message);
        }
    }
}

/// `folder` is the module's folder name, `NN-<slug>`, and `slug` the part after `NN-`.
pub(crate) fn check_module(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    module: &Module,
    folder: &str,
    folder_slug: &str,
) {
    if checks::slug(doc, diags, "slug", "", "slug", &module.slug) && module.slug != folder_slug {
        let message = format!(
            "slug \"{}\" does not match the folder name \"{folder}\"",
            module.slug
        );
        doc.report(diags, "slug", message);
    }
    checks::not_empty(doc, diags, "title", "", "title", &module.title);
    checks::at_most_chars(doc, diags, "title", "title", &module.title, 200);
    if let Some(summary) = &module.summary {
        checks::not_empty(doc, diags, "summary", "", "summary", summary);
    }
}
