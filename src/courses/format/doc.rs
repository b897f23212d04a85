//! One TOML text (a manifest, a quiz or a lesson's front matter) parsed once with spans, so that
//! serde errors and later checks can both be reported at a 1-based line of the file.
//!
//! Checks name the value they complain about with a dotted key path such as
//! `questions.3.options.1` (numbers index arrays); [`TomlDoc::line`] turns it into a line, falling
//! back to the deepest part of the path that exists (a missing key reports its table's line).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue, Deserializer, ValueDeserializer};
use toml::Spanned;

use super::error::Diagnostics;

pub(crate) struct TomlDoc<'a> {
    path: PathBuf,
    root: Spanned<DeTable<'a>>,
    /// Byte offset of the start of every line of the TOML text.
    line_starts: Vec<usize>,
    /// The file line of the TOML text's first line (2 for front matter under `+++`).
    first_line: usize,
}

impl<'a> TomlDoc<'a> {
    /// Parses `text`, reporting every syntax error (toml recovers and goes on) and returning `None`
    /// if there was any: a half-parsed table would only produce follow-on noise.
    pub fn parse(
        path: &Path,
        text: &'a str,
        first_line: usize,
        diags: &mut Diagnostics,
    ) -> Option<TomlDoc<'a>> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let (root, errors) = DeTable::parse_recoverable(text);
        let doc = TomlDoc {
            path: path.to_owned(),
            root,
            line_starts,
            first_line,
        };
        if errors.is_empty() {
            return Some(doc);
        }
        let mut seen_lines = Vec::new();
        for error in errors {
            let line = error.span().map(|s| doc.line_of_offset(s.start));
            // Recovery can yield a second error on the line of the first; one is enough.
            if seen_lines.contains(&line) {
                continue;
            }
            seen_lines.push(line);
            diags.push(&doc.path, line, format!("TOML syntax: {}", error.message()));
        }
        None
    }

    pub fn line_of_offset(&self, offset: usize) -> usize {
        let index = self.line_starts.partition_point(|&start| start <= offset);
        // line_starts[0] == 0 <= offset, so index >= 1: it is already the 1-based line.
        index + self.first_line - 1
    }

    /// The value at a dotted key path, if it exists.
    pub fn value(&self, key_path: &str) -> Option<&Spanned<DeValue<'a>>> {
        let mut segments = key_path.split('.');
        let first = segments.next()?;
        let mut current = self.root.get_ref().get(first)?;
        for segment in segments {
            current = step(current.get_ref(), segment)?;
        }
        Some(current)
    }

    /// The line of the value at `key_path`, or of the deepest part of it that exists.
    pub fn line(&self, key_path: &str) -> Option<usize> {
        let mut segments = key_path.split('.');
        let first = segments.next()?;
        let mut current = self.root.get_ref().get(first)?;
        for segment in segments {
            match step(current.get_ref(), segment) {
                Some(next) => current = next,
                None => break,
            }
        }
        Some(self.line_of_offset(current.span().start))
    }

    /// Records `message` at the line of `key_path`.
    pub fn report(&self, diags: &mut Diagnostics, key_path: &str, message: impl Into<String>) {
        diags.push_field(&self.path, self.line(key_path), key_path, message);
    }

    /// Records `message` at the line of `key_path` as a problem that blocks publishing only.
    pub fn report_before_publish(
        &self,
        diags: &mut Diagnostics,
        key_path: &str,
        message: impl Into<String>,
    ) {
        diags.push_before_publish(&self.path, self.line(key_path), key_path, message);
    }

    /// Deserializes the whole table, leaving out the top-level keys in `skip` (the quiz reads its
    /// questions one by one, so that one bad question does not hide the others).
    pub fn deserialize<T: DeserializeOwned>(
        &self,
        skip: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<T> {
        let mut root = self.root.clone();
        for key in skip {
            root.get_mut().remove(*key);
        }
        match T::deserialize(Deserializer::from(root)) {
            Ok(value) => Some(value),
            Err(error) => {
                // A missing top-level key is reported at the empty span 0..0: there is no line to
                // point at, and "line 1" would send the author to the wrong place.
                let line = match error.span() {
                    Some(std::ops::Range { start: 0, end: 0 }) => None,
                    Some(span) => Some(self.line_of_offset(span.start)),
                    None => None,
                };
                diags.push(&self.path, line, error.message().to_owned());
                None
            }
        }
    }

    /// Deserializes one value of the document (a `[[questions]]` table), prefixing the message.
    pub fn deserialize_value<T: DeserializeOwned>(
        &self,
        value: &Spanned<DeValue<'a>>,
        prefix: &str,
        diags: &mut Diagnostics,
    ) -> Option<T> {
        match T::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(value) => Some(value),
            Err(error) => {
                // A missing key inside the table is reported at the table itself, which for
                // `[[questions]]` is its header line: the right place to add the key.
                let offset = error.span().map_or(value.span().start, |s| s.start);
                diags.push(
                    &self.path,
                    Some(self.line_of_offset(offset)),
                    format!("{prefix}{}", error.message()),
                );
                None
            }
        }
    }
}

fn step<'v, 'a>(value: &'v DeValue<'a>, segment: &str) -> Option<&'v Spanned<DeValue<'a>>> {
    match value {
        DeValue::Table(table) => table.get(segment),
        DeValue::Array(array) => array.get(segment.parse::<usize>().ok()?),
        _ => None,
    }
}

/// The id to name a question by in messages, read from the raw table so that a question whose
/// fields do not deserialize can still be named.
pub(crate) fn raw_string<'v>(value: &'v DeValue<'_>, key: &str) -> Option<&'v str> {
    match value {
        DeValue::Table(table) => table.get(key)?.get_ref().as_str(),
        _ => None,
    }
}
