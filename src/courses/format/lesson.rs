//! Lesson files `NN-<slug>.md`: splitting the `+++` front matter from the Markdown body, checking
//! the front matter, and checking that the body ends with a `## Sources` section that lists at
//! least one source.

use std::path::Path;

use super::checks;
use super::doc::TomlDoc;
use super::error::Diagnostics;
use super::model::{Lesson, LessonFile};

/// A lesson split at its `+++` lines.
#[derive(Debug, PartialEq)]
pub(crate) struct Split<'a> {
    pub front_matter: &'a str,
    /// File line of the front matter's first line.
    pub front_matter_line: usize,
    /// Everything after the closing `+++` line, unchanged.
    pub body: &'a str,
    pub body_line: usize,
}

pub(crate) fn split(text: &str) -> Result<Split<'_>, String> {
    // Editors on some systems prepend a byte-order mark; it is not content.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let is_fence = |line: &str| line.trim_end() == "+++";
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Err("a lesson must start with a +++ line that opens its TOML front matter".into());
    }
    let mut offset = first.len();
    for (i, line) in lines.enumerate() {
        if is_fence(line) {
            // Line 1 is the opening fence, the front matter starts on line 2, and this closing
            // fence is line i + 2.
            return Ok(Split {
                front_matter: &text[first.len()..offset],
                front_matter_line: 2,
                body: &text[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err("the front matter opened on line 1 is never closed by a +++ line".into())
}

/// Parses and checks one lesson file; `name` is its file name and `slug` the part between `NN-`
/// and `.md`.
pub(crate) fn parse(
    path: &Path,
    text: &str,
    position: u32,
    name: &str,
    slug: &str,
    diags: &mut Diagnostics,
) -> Option<LessonFile> {
    let before = diags.len();
    let split = match split(text) {
        Ok(split) => split,
        Err(message) => {
            diags.push(path, Some(1), message);
            return None;
        }
    };
    // The body is checked even when the front matter is broken: the two are fixed independently.
    // Sources may be written last: a draft is saved without them, publishing needs them.
    if let Err((line, message)) = check_sources(split.body, split.body_line) {
        diags.push_before_publish(path, line, "body", message);
    }
    let lesson = front_matter(path, &split, name, slug, diags)?;
    (diags.len() == before).then(|| LessonFile {
        position,
        lesson,
        body: split.body.to_owned(),
    })
}

fn front_matter(
    path: &Path,
    split: &Split,
    name: &str,
    slug: &str,
    diags: &mut Diagnostics,
) -> Option<Lesson> {
    let doc = TomlDoc::parse(path, split.front_matter, split.front_matter_line, diags)?;
    let lesson: Lesson = doc.deserialize(&[], diags)?;
    if checks::slug(&doc, diags, "slug", "", "slug", &lesson.slug) && lesson.slug != slug {
        let message = format!(
            "slug \"{}\" does not match the file name \"{name}\"",
            lesson.slug
        );
        doc.report(diags, "slug", message);
    }
    checks::not_empty(&doc, diags, "title", "", "title", &lesson.title);
    checks::at_most_chars(&doc, diags, "title", "title", &lesson.title, 200);
    if lesson.minutes > 600 {
        doc.report(diags, "minutes", "minutes must be at most 600");
    }
    if lesson.minutes == 0 {
        doc.report(
            diags,
            "minutes",
            "minutes must be a positive integer, found 0",
        );
    }
    checks::competencies(&doc, diags, "competencies", "", &lesson.competencies);
    Some(lesson)
}

/// The body must end with a `## Sources` section holding at least one list item. Headings inside
/// fenced code blocks are code, not structure, so fences are tracked.
fn check_sources(body: &str, first_line: usize) -> Result<(), (Option<usize>, String)> {
    let mut fence: Option<(char, usize)> = None;
    let mut sources_line = None;
    let mut items = 0;
    for (i, line) in body.lines().enumerate() {
        let line_no = first_line + i;
        let unindented = line.trim_start_matches(' ');
        let indent = line.len() - unindented.len();
        if indent <= 3 {
            if let Some((marker, len)) = fence_marker(unindented) {
                match fence {
                    None => fence = Some((marker, len)),
                    Some((open, open_len)) if open == marker && len >= open_len => fence = None,
                    Some(_) => {}
                }
                continue;
            }
        }
        if fence.is_some() {
            continue;
        }
        if let Some((level, text)) = heading(line) {
            if level > 2 {
                continue;
            }
            if sources_line.is_none() {
                if level == 2 && text == "Sources" {
                    sources_line = Some(line_no);
                }
            } else {
                let message = format!(
                    "\"## Sources\" must be the last section, but \"{}\" follows it",
                    line.trim()
                );
                return Err((Some(line_no), message));
            }
        } else if sources_line.is_some() && is_list_item(line) {
            items += 1;
        }
    }
    match sources_line {
        None => Err((None, "the lesson has no \"## Sources\" section".into())),
        Some(line) if items == 0 => Err((
            Some(line),
            "\"## Sources\" lists no sources (add at least one \"- \" item)".into(),
        )),
        Some(_) => Ok(()),
    }
}

/// A ``` or ~~~ fence of at least three characters.
fn fence_marker(line: &str) -> Option<(char, usize)> {
    let marker = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = line.chars().take_while(|c| *c == marker).count();
    (len >= 3).then_some((marker, len))
}

/// An ATX heading (`## Title`, up to three spaces of indentation): its level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let unindented = line.trim_start_matches(' ');
    if line.len() - unindented.len() > 3 {
        return None;
    }
    let level = unindented.chars().take_while(|c| *c == '#').count();
    let rest = &unindented[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    // A closing run of #s is not part of the text.
    Some((level, rest.trim().trim_end_matches('#').trim_end()))
}

/// `- x`, `* x`, `+ x`, `1. x` or `1) x`, possibly indented.
fn is_list_item(line: &str) -> bool {
    let line = line.trim_start();
    let rest = if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = line.chars().take_while(char::is_ascii_digit).count();
        match line[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => return false,
        }
    };
    rest.starts_with([' ', '\t']) && !rest.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_keeps_the_body_byte_for_byte() {
        let text = "+++\r\nslug = \"a\"\r\n+++\r\n\r\n# A\r\n";
        let split = split(text).unwrap();
        assert_eq!(split.front_matter, "slug = \"a\"\r\n");
        assert_eq!(split.body, "\r\n# A\r\n");
        assert_eq!((split.front_matter_line, split.body_line), (2, 4));
    }

    #[test]
    fn reads_headings_fences_and_list_items() {
        assert_eq!(heading("## Sources ##"), Some((2, "Sources")));
        assert_eq!(heading("#Sources"), None);
        assert_eq!(heading("    ## code"), None);
        assert_eq!(fence_marker("````rust"), Some(('`', 4)));
        assert!(is_list_item("- a source"));
        assert!(is_list_item("12. a source"));
        assert!(!is_list_item("-not a list"));
        assert!(!is_list_item("1.5 kg is the limit"));
        let fenced = "## Sources\n\n```\n## Not a heading\n```\n\n- A source\n";
        assert_eq!(check_sources(fenced, 1), Ok(()));
    }
}
