//! The rules of a calculated question: its variables (names the formula can use, `min <= max`,
//! 0 to 6 decimals, shown in the prompt as `{name}`), and a formula that parses, uses only declared
//! variables and gives a finite number at the variables' min, max and midpoint.

use std::collections::BTreeSet;

use super::doc::TomlDoc;
use super::error::Diagnostics;
use super::formula::{Formula, FUNCTIONS};
use super::model::Variable;

pub(crate) const MAX_DECIMALS: u32 = 6;

/// Chooses the value a variable takes in one test evaluation.
type Pick = fn(&Variable) -> f64;

pub(crate) fn check(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    at: &dyn Fn(&str) -> String,
    prefix: &str,
    prompt: &str,
    formula: &str,
    variables: &[Variable],
) {
    let before = diags.len();
    if variables.is_empty() {
        let message = format!("{prefix}calculated needs at least one variable");
        doc.report(diags, &at("variables"), message);
    }
    let mut names = BTreeSet::new();
    for (i, variable) in variables.iter().enumerate() {
        check_variable(
            doc,
            diags,
            &at(&format!("variables.{i}")),
            prefix,
            variable,
            prompt,
        );
        if !names.insert(variable.name.as_str()) {
            let message = format!("{prefix}variable \"{}\" is declared twice", variable.name);
            doc.report(diags, &at(&format!("variables.{i}")), message);
        }
    }

    let parsed = match Formula::parse(formula) {
        Ok(parsed) => parsed,
        Err(error) => {
            let message = format!("{prefix}formula \"{formula}\" does not parse: {error}");
            doc.report(diags, &at("formula"), message);
            return;
        }
    };
    for used in parsed.variables() {
        if !names.contains(used) {
            let declared = names.iter().copied().collect::<Vec<_>>().join(", ");
            let message = format!(
                "{prefix}formula uses \"{used}\", which is not a declared variable (declared: {declared})"
            );
            doc.report(diags, &at("formula"), message);
        }
    }
    if diags.len() > before {
        // Evaluating needs sound variables and a formula that only uses them.
        return;
    }

    let points: [(&str, Pick); 3] = [
        ("min", |v| v.min),
        ("max", |v| v.max),
        // The midpoint rounded as an attempt would draw it, so the check sees a value a
        // student can actually get.
        ("midpoint", |v| round_to((v.min + v.max) / 2.0, v.decimals)),
    ];
    for (label, pick) in points {
        let value_of = |name: &str| variables.iter().find(|v| v.name == name).map(pick);
        let result = parsed.eval(&value_of);
        let finite = matches!(result, Ok(r) if r.is_finite());
        if !finite {
            let values = variables
                .iter()
                .map(|v| format!("{} = {}", v.name, pick(v)))
                .collect::<Vec<_>>()
                .join(", ");
            let shown = match result {
                Ok(r) => r.to_string(),
                Err(e) => e,
            };
            let message = format!(
                "{prefix}formula gives {shown} with every variable at its {label} ({values})"
            );
            doc.report(diags, &at("formula"), message);
        }
    }
}

fn check_variable(
    doc: &TomlDoc,
    diags: &mut Diagnostics,
    here: &str,
    prefix: &str,
    variable: &Variable,
    prompt: &str,
) {
    let name = &variable.name;
    if !is_identifier(name) {
        let message = format!(
            "{prefix}variable name \"{name}\" must start with a letter or \"_\" and hold only ASCII letters, digits and \"_\""
        );
        doc.report(diags, here, message);
    } else if FUNCTIONS.contains(&name.as_str()) {
        let message = format!("{prefix}variable name \"{name}\" is the name of a function");
        doc.report(diags, here, message);
    }
    if !(variable.min.is_finite() && variable.max.is_finite()) {
        let message = format!("{prefix}variable \"{name}\" needs a finite min and max");
        doc.report(diags, here, message);
    } else if variable.min > variable.max {
        let message = format!(
            "{prefix}variable \"{name}\" has min {} greater than max {}",
            variable.min, variable.max
        );
        doc.report(diags, here, message);
    }
    if variable.decimals > MAX_DECIMALS {
        let message = format!(
            "{prefix}variable \"{name}\" has decimals {}, allowed are 0 to {MAX_DECIMALS}",
            variable.decimals
        );
        doc.report(diags, here, message);
    }
    // Without the placeholder the student never sees the drawn value and cannot answer.
    if !prompt.contains(&format!("{{{name}}}")) {
        let message = format!("{prefix}the prompt does not show variable \"{name}\" as {{{name}}}");
        doc.report(diags, here, message);
    }
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `value` rounded to `decimals` places, as a drawn variable value is; a value too large to scale
/// has no fraction to round anyway.
pub fn round_to(value: f64, decimals: u32) -> f64 {
    let scale = 10f64.powi(decimals.min(MAX_DECIMALS) as i32);
    let scaled = value * scale;
    if scaled.is_finite() {
        scaled.round() / scale
    } else {
        value
    }
}
