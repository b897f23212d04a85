//! `quiz.toml`: the settings at the top, then each `[[questions]]` table read on its own (so one
//! bad question does not hide the problems of the next), question ids unique, and `draw` within
//! the number of questions.

use std::collections::BTreeMap;
use std::path::Path;

use toml::de::DeValue;

use super::checks;
use super::doc::{raw_string, TomlDoc};
use super::error::Diagnostics;
use super::model::{Quiz, QuizSettings};
use super::question;
use super::raw::RawQuestion;

pub(crate) fn parse(path: &Path, text: &str, diags: &mut Diagnostics) -> Option<Quiz> {
    let before = diags.len();
    let doc = TomlDoc::parse(path, text, 1, diags)?;
    let settings: Option<QuizSettings> = doc.deserialize(&["questions"], diags);

    let mut questions = Vec::new();
    let mut first_use: BTreeMap<String, Option<usize>> = BTreeMap::new();
    match doc.value("questions").map(|v| (v, v.get_ref())) {
        // An editor creates the quiz first and adds questions one by one.
        None => diags.push_before_publish(path, None, "questions", "the quiz has no questions"),
        Some((_, DeValue::Array(array))) if array.is_empty() => {
            doc.report_before_publish(diags, "questions", "the quiz has no questions")
        }
        Some((_, DeValue::Array(array))) => {
            for (index, value) in array.iter().enumerate() {
                // Name the question by its id when the table has one, by its number otherwise.
                let prefix = match raw_string(value.get_ref(), "id") {
                    Some(id) => format!("question \"{id}\": "),
                    None => format!("question {}: ", index + 1),
                };
                if let Some(id) = raw_string(value.get_ref(), "id") {
                    let at = format!("questions.{index}.id");
                    match first_use.get(id) {
                        Some(first) => {
                            let message = match first {
                                Some(line) => format!(
                                    "duplicate question id \"{id}\" (first used on line {line})"
                                ),
                                None => format!("duplicate question id \"{id}\""),
                            };
                            doc.report(diags, &at, message);
                        }
                        None => {
                            first_use.insert(id.to_owned(), doc.line(&at));
                        }
                    }
                }
                let raw: Option<RawQuestion> = doc.deserialize_value(value, &prefix, diags);
                if let Some(question) = raw.and_then(|raw| question::check(&doc, diags, index, raw))
                {
                    questions.push(question);
                }
            }
        }
        Some(_) => doc.report(
            diags,
            "questions",
            "questions must be an array of tables ([[questions]])",
        ),
    }

    let settings = settings?;
    check_settings(&doc, diags, &settings, question_count(&doc));
    for (i, rule) in settings.draw_from.iter().enumerate() {
        let available = questions
            .iter()
            .filter(|q| q.competencies.contains(&rule.competency))
            .count();
        if rule.count as usize > available {
            let message = format!(
                "count is {} but only {available} question(s) assess {}",
                rule.count, rule.competency
            );
            doc.report(diags, &format!("draw_from.{i}.count"), message);
        }
    }
    (diags.len() == before).then_some(Quiz {
        settings,
        questions,
    })
}

/// How many `[[questions]]` tables the file has, valid or not: `draw` is compared with what the
/// author wrote, not with what survived checking.
fn question_count(doc: &TomlDoc) -> usize {
    match doc.value("questions").map(|v| v.get_ref()) {
        Some(DeValue::Array(array)) => array.len(),
        _ => 0,
    }
}

fn check_settings(doc: &TomlDoc, diags: &mut Diagnostics, settings: &QuizSettings, count: usize) {
    checks::slug(doc, diags, "slug", "", "slug", &settings.slug);
    checks::not_empty(doc, diags, "title", "", "title", &settings.title);
    checks::share(
        doc,
        diags,
        "passing_score",
        "passing_score",
        settings.passing_score,
    );
    for (key, value) in [
        ("opens_at", &settings.opens_at),
        ("closes_at", &settings.closes_at),
    ] {
        if let Some(v) = value {
            if chrono::DateTime::parse_from_rfc3339(v).is_err() {
                doc.report(
                    diags,
                    key,
                    format!("{key} must be an RFC 3339 time like 2026-12-01T09:00:00Z"),
                );
            }
        }
    }
    if let (Some(open), Some(close)) = (&settings.opens_at, &settings.closes_at) {
        if let (Ok(o), Ok(c)) = (
            chrono::DateTime::parse_from_rfc3339(open),
            chrono::DateTime::parse_from_rfc3339(close),
        ) {
            if o >= c {
                doc.report(diags, "closes_at", "closes_at must be after opens_at");
            }
        }
    }
    if !settings.draw_from.is_empty() && settings.draw > 0 {
        doc.report(diags, "draw_from", "use either draw or draw_from, not both");
    }
    for (i, rule) in settings.draw_from.iter().enumerate() {
        let at = format!("draw_from.{i}.competency");
        if crate::catalog::framework()
            .competency(&rule.competency)
            .is_none()
        {
            doc.report(
                diags,
                &at,
                format!("unknown competency code \"{}\"", rule.competency),
            );
        }
        if rule.count == 0 {
            doc.report(
                diags,
                &format!("draw_from.{i}.count"),
                "count must be at least 1",
            );
        }
    }
    if settings.draw as usize > count {
        let message = format!(
            "draw is {} but the quiz has only {count} question{}",
            settings.draw,
            if count == 1 { "" } else { "s" }
        );
        doc.report(diags, "draw", message);
    }
}
