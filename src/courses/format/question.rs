//! One `[[questions]]` table: which fields its kind takes, and the rules of each kind (options and
//! answers, tolerances, ordering items, matching pairs, essay rubric). Calculated questions are
//! checked in `calculated.rs`. The result is the typed [`Question`], built only when the table
//! passes every check.

use std::collections::BTreeSet;

use super::calculated;
use super::checks;
use super::doc::TomlDoc;
use super::error::Diagnostics;
use super::model::{Choice, KindTag, Question, QuestionKind};
use super::raw::{RawAnswer, RawQuestion};

/// The fields a kind needs and the ones it may have, besides the common
/// `id`, `kind`, `prompt`, `points`, `competencies` and `feedback`.
fn fields_of(kind: KindTag) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        KindTag::SingleChoice => (&["options", "answer"], &[]),
        KindTag::MultipleChoice => (&["options", "answers"], &[]),
        KindTag::TrueFalse => (&["answer"], &[]),
        KindTag::ShortText => (&["accepted"], &["case_sensitive", "accent_insensitive"]),
        KindTag::Numeric => (&["answer", "tolerance", "tolerance_kind"], &["unit"]),
        KindTag::Ordering => (&["items"], &[]),
        KindTag::Matching => (&["left", "right", "answer"], &[]),
        KindTag::Calculated => (
            &["formula", "variables", "tolerance", "tolerance_kind"],
            &["unit"],
        ),
        KindTag::Essay => (&["rubric"], &[]),
    }
}

/// Checks question number `index` of the quiz; `Some` only if it is entirely valid.
pub(crate) fn check(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    index: usize,
    raw: RawQuestion,
) -> Option<Question> {
    let before = diags.len();
    let at = |field: &str| format!("questions.{index}.{field}");
    let prefix = format!("question \"{}\": ", raw.id);

    checks::slug(doc, diags, &at("id"), "", "question id", &raw.id);
    checks::not_empty(doc, diags, &at("prompt"), &prefix, "prompt", &raw.prompt);
    checks::positive(doc, diags, &at("points"), &prefix, "points", raw.points);
    checks::competencies(doc, diags, &at("competencies"), &prefix, &raw.competencies);

    let present = [
        ("options", raw.options.is_some()),
        ("answer", raw.answer.is_some()),
        ("answers", raw.answers.is_some()),
        ("accepted", raw.accepted.is_some()),
        ("case_sensitive", raw.case_sensitive.is_some()),
        ("accent_insensitive", raw.accent_insensitive.is_some()),
        ("tolerance", raw.tolerance.is_some()),
        ("tolerance_kind", raw.tolerance_kind.is_some()),
        ("unit", raw.unit.is_some()),
        ("items", raw.items.is_some()),
        ("left", raw.left.is_some()),
        ("right", raw.right.is_some()),
        ("formula", raw.formula.is_some()),
        ("variables", raw.variables.is_some()),
        ("rubric", raw.rubric.is_some()),
    ];
    let kind = raw.kind.as_str();
    let (required, optional) = fields_of(raw.kind);
    let before_fields = diags.len();
    for (field, is_present) in present {
        if is_present && !required.contains(&field) && !optional.contains(&field) {
            let message = format!("{prefix}field \"{field}\" does not belong to kind \"{kind}\"");
            doc.report(diags, &at(field), message);
        }
        if !is_present && required.contains(&field) {
            let message = format!("{prefix}kind \"{kind}\" needs field \"{field}\"");
            doc.report(diags, &at("kind"), message);
        }
    }
    if diags.len() > before_fields {
        // The kind's own rules assume its fields are there; checking further would only repeat.
        return None;
    }

    let kind = build_kind(doc, diags, &at, &prefix, raw.kind, &raw)?;
    if diags.len() > before {
        return None;
    }
    Some(Question {
        id: raw.id,
        prompt: raw.prompt,
        points: raw.points,
        competencies: raw.competencies,
        feedback: raw.feedback,
        kind,
    })
}

/// The kind's fields, checked. Presence was checked by the caller, so the `?`s below never
/// return early in practice; they only avoid panicking on an impossible `None`.
fn build_kind(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    at: &dyn Fn(&str) -> String,
    prefix: &str,
    tag: KindTag,
    raw: &RawQuestion,
) -> Option<QuestionKind> {
    let wrong_answer = |diags: &mut Diagnostics, expected: &str, found: &RawAnswer| {
        let message = format!(
            "{prefix}answer must be {expected}, found {}",
            found.describe()
        );
        doc.report(diags, &at("answer"), message);
    };
    Some(match tag {
        KindTag::SingleChoice => {
            let options = raw.options.clone()?;
            choices(
                doc,
                diags,
                &at("options"),
                prefix,
                "option",
                &options,
                2,
                Some(10),
            );
            let answer = match raw.answer.clone()? {
                RawAnswer::Text(answer) => answer,
                other => {
                    wrong_answer(diags, "an option id (a string)", &other);
                    return None;
                }
            };
            member(doc, diags, &at("answer"), prefix, &answer, &options);
            QuestionKind::SingleChoice { options, answer }
        }
        KindTag::MultipleChoice => {
            let options = raw.options.clone()?;
            let answers = raw.answers.clone()?;
            choices(
                doc,
                diags,
                &at("options"),
                prefix,
                "option",
                &options,
                2,
                Some(10),
            );
            if answers.is_empty() {
                let message = format!("{prefix}answers must name at least one option");
                doc.report(diags, &at("answers"), message);
            }
            let mut seen = BTreeSet::new();
            for (i, answer) in answers.iter().enumerate() {
                let here = at(&format!("answers.{i}"));
                if !seen.insert(answer) {
                    let message = format!("{prefix}answer \"{answer}\" is listed twice");
                    doc.report(diags, &here, message);
                }
                member(doc, diags, &here, prefix, answer, &options);
            }
            QuestionKind::MultipleChoice { options, answers }
        }
        KindTag::TrueFalse => match raw.answer.clone()? {
            RawAnswer::Bool(answer) => QuestionKind::TrueFalse { answer },
            other => {
                wrong_answer(diags, "true or false", &other);
                return None;
            }
        },
        KindTag::ShortText => {
            let accepted = raw.accepted.clone()?;
            if accepted.is_empty() {
                let message = format!("{prefix}accepted must list at least one answer");
                doc.report(diags, &at("accepted"), message);
            }
            for (i, text) in accepted.iter().enumerate() {
                if text.trim().is_empty() {
                    let message = format!("{prefix}accepted answer {} is empty", i + 1);
                    doc.report(diags, &at(&format!("accepted.{i}")), message);
                }
            }
            QuestionKind::ShortText {
                accepted,
                case_sensitive: raw.case_sensitive.unwrap_or(false),
                accent_insensitive: raw.accent_insensitive.unwrap_or(false),
            }
        }
        KindTag::Numeric => {
            let answer = match raw.answer.clone()? {
                RawAnswer::Number(answer) => answer,
                other => {
                    wrong_answer(diags, "a number", &other);
                    return None;
                }
            };
            if !answer.is_finite() {
                let message = format!("{prefix}answer must be a finite number, found {answer}");
                doc.report(diags, &at("answer"), message);
            }
            let tolerance = raw.tolerance?;
            self::tolerance(doc, diags, &at("tolerance"), prefix, tolerance);
            QuestionKind::Numeric {
                answer,
                tolerance,
                tolerance_kind: raw.tolerance_kind?,
                unit: raw.unit.clone(),
            }
        }
        KindTag::Ordering => {
            let items = raw.items.clone()?;
            choices(doc, diags, &at("items"), prefix, "item", &items, 2, None);
            QuestionKind::Ordering { items }
        }
        KindTag::Matching => {
            let left = raw.left.clone()?;
            let right = raw.right.clone()?;
            choices(doc, diags, &at("left"), prefix, "left item", &left, 2, None);
            choices(
                doc,
                diags,
                &at("right"),
                prefix,
                "right item",
                &right,
                2,
                None,
            );
            let answer = match raw.answer.clone()? {
                RawAnswer::Pairs(pairs) => pairs,
                other => {
                    let expected = "a table of left id = right id pairs";
                    wrong_answer(diags, expected, &other);
                    return None;
                }
            };
            for item in &left {
                if !answer.contains_key(&item.id) {
                    let message =
                        format!("{prefix}answer has no pair for left item \"{}\"", item.id);
                    doc.report(diags, &at("answer"), message);
                }
            }
            for (l, r) in &answer {
                let here = at(&format!("answer.{l}"));
                if !left.iter().any(|c| &c.id == l) {
                    let message = format!(
                        "{prefix}answer pairs \"{l}\", which is not one of the left items {}",
                        ids(&left)
                    );
                    doc.report(diags, &here, message);
                } else if !right.iter().any(|c| &c.id == r) {
                    let message = format!(
                        "{prefix}answer pairs \"{l}\" with \"{r}\", which is not one of the right items {}",
                        ids(&right)
                    );
                    doc.report(diags, &here, message);
                }
            }
            QuestionKind::Matching {
                left,
                right,
                answer,
            }
        }
        KindTag::Calculated => {
            let formula = raw.formula.clone()?;
            let variables = raw.variables.clone()?;
            let tolerance = raw.tolerance?;
            calculated::check(doc, diags, at, prefix, &raw.prompt, &formula, &variables);
            self::tolerance(doc, diags, &at("tolerance"), prefix, tolerance);
            QuestionKind::Calculated {
                formula,
                variables,
                tolerance,
                tolerance_kind: raw.tolerance_kind?,
                unit: raw.unit.clone(),
            }
        }
        KindTag::Essay => {
            let rubric = raw.rubric.clone()?;
            checks::not_empty(doc, diags, &at("rubric"), prefix, "rubric", &rubric);
            QuestionKind::Essay { rubric }
        }
    })
}

fn tolerance(doc: &TomlDoc, diags: &mut Diagnostics, key_path: &str, prefix: &str, value: f64) {
    if !(value.is_finite() && value >= 0.0) {
        let message = format!("{prefix}tolerance must be a finite number >= 0, found {value}");
        doc.report(diags, key_path, message);
    }
}

/// Options, items or one side of a matching question: a count in range, slug ids used once,
/// and some text.
#[allow(clippy::too_many_arguments)]
fn choices(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    noun: &str,
    list: &[Choice],
    min: usize,
    max: Option<usize>,
) {
    let n = list.len();
    if n < min || max.is_some_and(|max| n > max) {
        let range = match max {
            Some(max) => format!("{min} to {max}"),
            None => format!("at least {min}"),
        };
        let message = format!("{prefix}needs {range} {noun}s, found {n}");
        doc.report(diags, key_path, message);
    }
    let mut seen = BTreeSet::new();
    for (i, choice) in list.iter().enumerate() {
        let here = format!("{key_path}.{i}");
        if checks::slug(doc, diags, &here, prefix, &format!("{noun} id"), &choice.id)
            && !seen.insert(&choice.id)
        {
            let message = format!("{prefix}{noun} id \"{}\" is used twice", choice.id);
            doc.report(diags, &here, message);
        }
        if choice.text.trim().is_empty() {
            let message = format!("{prefix}{noun} \"{}\" has no text", choice.id);
            doc.report(diags, &here, message);
        }
    }
}

/// `answer "e" is not one of the options a, b, c, d`.
fn member(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    key_path: &str,
    prefix: &str,
    answer: &str,
    options: &[Choice],
) {
    if !options.iter().any(|o| o.id == answer) {
        let message = format!(
            "{prefix}answer \"{answer}\" is not one of the options {}",
            ids(options)
        );
        doc.report(diags, key_path, message);
    }
}

fn ids(list: &[Choice]) -> String {
    list.iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
