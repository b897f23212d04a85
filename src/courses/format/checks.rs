//! Small checks shared by every file: slug syntax, non-empty text, positive numbers, and codes
//! that must exist in the competency framework or the market list. Each reports at the line of
//! the value it checks and carries on.

use std::collections::BTreeSet;

use crate::catalog::framework;
use crate::domain::Slug;

use super::doc::TomlDoc;
use super::error::Diagnostics;

/// `what "value" must be 1-80 lowercase letters, digits and single hyphens`; returns whether the
/// slug is valid.
pub(crate) fn slug(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    what: &str,
    value: &str,
) -> bool {
    match Slug::parse(value) {
        Ok(_) => true,
        Err(reason) => {
            doc.report(
                diags,
                key_path,
                format!("{prefix}{what} \"{value}\" {reason}"),
            );
            false
        }
    }
}

pub(crate) fn not_empty(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    what: &str,
    value: &str,
) {
    if value.trim().is_empty() {
        doc.report(diags, key_path, format!("{prefix}{what} must not be empty"));
    }
}

/// At most `max` characters: a catalog card, a title or a summary has a size a page can show.
pub(crate) fn at_most_chars(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    what: &str,
    value: &str,
    max: usize,
) {
    if let Err(message) = crate::domain::no_control_chars(value) {
        doc.report(diags, key_path, format!("{what} {message}"));
    }
    let count = value.chars().take(max + 1).count();
    if count > max {
        doc.report(
            diags,
            key_path,
            format!("{what} must have at most {max} characters"),
        );
    }
}

/// The largest estimated duration of a course, in hours.
pub(crate) const MAX_COURSE_HOURS: f64 = 1000.0;

/// A finite number greater than zero (TOML allows `inf` and `nan`, which are no durations).
pub(crate) fn positive(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    what: &str,
    value: f64,
) {
    if !(value.is_finite() && value > 0.0) {
        doc.report(
            diags,
            key_path,
            format!("{prefix}{what} must be a positive number, found {value}"),
        );
    }
}

/// A share between 0 and 1 inclusive (NaN fails the range test too).
pub(crate) fn share(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    what: &str,
    value: f64,
) {
    if !(0.0..=1.0).contains(&value) {
        doc.report(
            diags,
            key_path,
            format!("{what} must be between 0 and 1, found {value}"),
        );
    }
}

/// At least one code, each known to the framework, none twice.
pub(crate) fn competencies(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    codes: &[String],
) {
    if codes.is_empty() {
        doc.report(
            diags,
            key_path,
            format!("{prefix}competencies must name at least one competency"),
        );
    }
    let mut seen = BTreeSet::new();
    for (i, code) in codes.iter().enumerate() {
        let at = format!("{key_path}.{i}");
        if framework().competency(code).is_none() {
            doc.report(
                diags,
                &at,
                format!("{prefix}unknown competency code \"{code}\""),
            );
        } else if !seen.insert(code) {
            doc.report(
                diags,
                &at,
                format!("{prefix}competency \"{code}\" is listed twice"),
            );
        }
    }
}

/// Each code a known market, none twice; the list may be empty.
pub(crate) fn markets(doc: &TomlDoc, diags: &mut Diagnostics, key_path: &str, codes: &[String]) {
    let mut seen = BTreeSet::new();
    for (i, code) in codes.iter().enumerate() {
        let at = format!("{key_path}.{i}");
        if framework().market(code).is_none() {
            doc.report(diags, &at, format!("unknown market code \"{code}\""));
        } else if !seen.insert(code) {
            doc.report(diags, &at, format!("market \"{code}\" is listed twice"));
        }
    }
}
