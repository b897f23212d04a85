//! Entry points of the fuzz targets in `fuzz/`: one function per parser that reads untrusted
//! input (uploaded course files, `calculated` formulas, the members CSV, pagination cursors,
//! access tokens and presented certificates). Each feeds its bytes to the real parser and ignores
//! the verdict: rejecting the input is fine, a panic is the bug. Not part of the API.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};

use crate::certificates::credential::Claims as CertificateClaims;
use crate::courses::format::{self, Formula};
use crate::courses::lesson_html::lesson_html;
use crate::security::tokens::{token_hash, TokenKeys};
use crate::security::Signer;

/// A course folder in the course-file format, to which a target adds the one file it fuzzes.
const COURSE_TOML: &str = r#"slug = "fuzz"
title = "Fuzz course"
summary = "A course around the fuzzed file."
language = "en"
level = "beginner"
estimated_hours = 1
competencies = ["law.product_safety"]
markets = ["DE"]
prerequisites = []
completion = "all_passed"
"#;
const MODULE_TOML: &str = "slug = \"basics\"\ntitle = \"Basics\"\n";

const JWT_SECRET: &str = "fuzzing-secret-fuzzing-secret-fuzzing-secret";
const JWT_ISSUER: &str = "caravan";
const JWT_AUDIENCE: &str = "caravan-api";

/// Splits a text archive into files: each file starts with a line `=== <path>` and runs to the
/// next such line; text before the first header is ignored. The corpus of the course targets is
/// written this way so that its seeds stay readable course files.
pub fn files_from_archive(text: &str) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("=== ") {
            files.extend(current.take());
            current = Some((path.trim_end().to_owned(), String::new()));
        } else if let Some((_, content)) = current.as_mut() {
            content.push_str(line);
        }
    }
    files.extend(current);
    files
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// A whole uploaded tree of courses, as `courses import` and the seed catalog read it.
pub fn course_tree(data: &[u8]) {
    if let Some(text) = text(data) {
        let _ = format::parse_tree_from_files(&files_from_archive(text));
    }
}

/// One course being authored. A draft that parses is written back with the renderer export uses,
/// and what it writes must parse again to the same files.
pub fn course_draft(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok((course, _)) = format::parse_draft_from_files(&files_from_archive(text)) else {
        return;
    };
    let rendered = format::render_course(&course);
    match format::parse_draft_from_files(&rendered) {
        Ok((again, _)) => assert_eq!(format::render_course(&again), rendered),
        Err(problems) => panic!("a rendered draft does not parse again: {problems:?}"),
    }
}

/// Checks a draft of the fixed course with `name` in its module set to `content`.
fn in_module(name: &str, content: &str) {
    let files = BTreeMap::from([
        ("course.toml".to_owned(), COURSE_TOML.to_owned()),
        ("01-basics/module.toml".to_owned(), MODULE_TOML.to_owned()),
        (format!("01-basics/{name}"), content.to_owned()),
    ]);
    let _ = format::parse_draft_from_files(&files);
}

/// A module's `quiz.toml`.
pub fn quiz_toml(data: &[u8]) {
    if let Some(text) = text(data) {
        in_module("quiz.toml", text);
    }
}

/// A lesson file (`+++` TOML front matter, then Markdown), checked in a course and rendered to
/// the sanitized HTML the API serves.
pub fn lesson_markdown(data: &[u8]) {
    if let Some(text) = text(data) {
        in_module("01-intro.md", text);
        let _ = lesson_html(text);
    }
}

/// A `calculated` question's formula, evaluated when it parses.
pub fn formula(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(formula) = Formula::parse(text) else {
        return;
    };
    let names = formula.variables();
    let _ = formula.eval(&|name| names.contains(name).then_some(2.5));
}

/// The members CSV of an organization import.
pub fn members_csv(data: &[u8]) {
    let _ = crate::orgs::import::parse_csv(data);
}

/// A `?cursor=` of one id or of a two-id key; a cursor that decodes encodes back to itself.
pub fn cursor(data: &[u8]) {
    use crate::pagination::{decode_key, encode_key, parse_page};
    let Some(text) = text(data) else { return };
    let _ = parse_page(Some(50), Some(text));
    for len in [1, 2] {
        if let Ok(ids) = decode_key(text, len) {
            let again = decode_key(&encode_key(&ids), len).ok();
            assert_eq!(again.as_deref(), Some(&ids[..]));
        }
    }
}

fn token_keys() -> &'static TokenKeys {
    static KEYS: OnceLock<TokenKeys> = OnceLock::new();
    KEYS.get_or_init(|| TokenKeys::new(&[JWT_SECRET], JWT_ISSUER, JWT_AUDIENCE, 900))
}

/// An `Authorization: Bearer` access token: the bytes as a token, and the bytes as the claims of
/// a token signed with the server's key, so the claims reach the parser past the signature check.
pub fn access_token(data: &[u8]) {
    let keys = token_keys();
    if let Some(text) = text(data) {
        let _ = keys.verify(text);
    }
    // The kid of a key is the start of its secret's SHA-256 in hex, as `TokenKeys` derives it.
    let kid = &token_hash(JWT_SECRET)[..16];
    let header = format!(r#"{{"alg":"HS256","typ":"JWT","kid":"{kid}"}}"#);
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(data)
    );
    let key = EncodingKey::from_secret(JWT_SECRET.as_bytes());
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::HS256)
        .expect("HS256 signs any message");
    let _ = keys.verify(&format!("{message}.{signature}"));
}

fn certificate_signer() -> &'static Signer {
    static SIGNER: OnceLock<Signer> = OnceLock::new();
    SIGNER.get_or_init(|| Signer::from_seed(&[7u8; 32]).expect("a fixed seed makes a key"))
}

/// A certificate someone presents for verification, and, when the bytes are JSON, those claims
/// signed by the server's key and read back.
pub fn certificate_jws(data: &[u8]) {
    let signer = certificate_signer();
    if let Some(text) = text(data) {
        let _ = signer.verify::<CertificateClaims>(text.trim());
    }
    if let Ok(claims) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(jws) = signer.sign(&claims) {
            let _ = signer.verify::<CertificateClaims>(&jws);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_splits_at_headers() {
        let files = files_from_archive("ignored\n=== a/course.toml\nx = 1\n=== b.md\n+++\n");
        assert_eq!(files.len(), 2);
        assert_eq!(files["a/course.toml"], "x = 1\n");
        assert_eq!(files["b.md"], "+++\n");
    }

    #[test]
    fn course_seeds_are_well_formed() {
        // The committed seeds of the course targets must reach past the parser's first refusal.
        let draft = include_str!("../fuzz/corpus/course_draft/seed-course-module");
        let outcome = format::parse_draft_from_files(&files_from_archive(draft));
        assert!(outcome.is_ok(), "{outcome:?}");
        let tree = include_str!("../fuzz/corpus/course_tree/fixture-course");
        let outcome = format::parse_tree_from_files(&files_from_archive(tree));
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    #[test]
    fn every_entry_point_takes_empty_and_seed_like_input() {
        for target in [
            course_tree,
            course_draft,
            quiz_toml,
            lesson_markdown,
            formula,
            members_csv,
            cursor,
            access_token,
            certificate_jws,
        ] {
            target(b"");
            target(b"{\"sub\":\"x\"}");
        }
    }
}
