//! The variables of a calculated question: drawing them for an attempt ([`draw_variables`]),
//! showing them in the prompt ([`render_prompt`]) and computing the answer they lead to
//! ([`expected_answer`]).
//!
//! Each variable takes a value uniformly at random among the numbers with `decimals` places
//! between `min` and `max`, both included: `min = 100, max = 500, decimals = 0` gives one of the
//! 401 whole numbers 100..=500 with equal chance, `min = 0.05, max = 0.25, decimals = 2` one of
//! 0.05, 0.06, … 0.25. (Drawing a real number and rounding it would give the two ends half the
//! chance of the others, and could fall outside the range when `min` is not on the grid.)
//!
//! The draw is seeded: `StdRng::seed_from_u64(seed)`, variables in declared order, so the same
//! question and seed give the same values. `StdRng` is only guaranteed stable within a `rand`
//! release, so an attempt should store its [`Draw`] (it serialises as a plain map), not only the
//! seed.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::courses::format::{round_to, Formula, FormulaError, Question, QuestionKind, Variable};

/// Most decimals a variable may have (as the course-file checks allow).
const MAX_DECIMALS: u32 = 6;
/// Grids with more steps than this are drawn as a real number and rounded instead.
const MAX_STEPS: f64 = 9_007_199_254_740_992.0; // 2^53

/// The values of one attempt's variables, by name; empty for any other kind of question.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Draw {
    pub values: BTreeMap<String, f64>,
}

/// Why a calculated question has no expected answer for a draw. A checked course file never
/// gets here; grading treats it as "needs grading" rather than failing the student.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExpectedError {
    #[error("the question is not a calculated question")]
    NotCalculated,
    #[error("the formula does not parse: {0}")]
    Formula(FormulaError),
    #[error("the formula cannot be evaluated: {0}")]
    Eval(String),
    #[error("the formula gives {0}, not a finite number")]
    NotFinite(f64),
}

/// Draws the variables of `question` for one attempt (see the module doc); an empty draw for
/// anything but a calculated question.
pub fn draw_variables(question: &Question, rng_seed: u64) -> Draw {
    let QuestionKind::Calculated { variables, .. } = &question.kind else {
        return Draw::default();
    };
    let mut rng = StdRng::seed_from_u64(rng_seed);
    let values = variables
        .iter()
        .map(|v| (v.name.clone(), draw_one(v, &mut rng)))
        .collect();
    Draw { values }
}

fn draw_one(variable: &Variable, rng: &mut StdRng) -> f64 {
    let decimals = variable.decimals.min(MAX_DECIMALS);
    let scale = 10f64.powi(decimals as i32);
    let (lo, hi) = if variable.min <= variable.max {
        (variable.min, variable.max)
    } else {
        (variable.max, variable.min)
    };
    if !(lo.is_finite() && hi.is_finite()) {
        // Refused by the course-file checks; keep a usable number rather than NaN.
        return if lo.is_finite() { lo } else { 0.0 };
    }
    let first = ceil_near(lo * scale);
    let last = floor_near(hi * scale);
    let steps = last - first;
    let value = if steps < 0.0 {
        // No number with `decimals` places lies in the range (min = max = 0.125, decimals = 2).
        round_to((lo + hi) / 2.0, decimals)
    } else if steps < MAX_STEPS {
        let k = rng.gen_range(0..=steps as u64);
        round_to((first + k as f64) / scale, decimals)
    } else {
        // Written so that `hi - lo` cannot overflow, then kept inside the range.
        let r = rng.gen::<f64>();
        round_to((lo * (1.0 - r) + hi * r).clamp(lo, hi), decimals)
    };
    // No "-0" in a prompt.
    if value == 0.0 {
        0.0
    } else {
        value
    }
}

/// `x.ceil()`, except that an `x` a rounding error away from a whole number is that number
/// (`0.3 * 10` is 3.0000000000000004).
fn ceil_near(x: f64) -> f64 {
    let whole = x.round();
    if (x - whole).abs() <= 1e-9 * x.abs().max(1.0) {
        whole
    } else {
        x.ceil()
    }
}

fn floor_near(x: f64) -> f64 {
    let whole = x.round();
    if (x - whole).abs() <= 1e-9 * x.abs().max(1.0) {
        whole
    } else {
        x.floor()
    }
}

/// The prompt with every `{name}` of a drawn variable replaced by its value, written with the
/// variable's `decimals` places (`{duty}` with decimals 2 -> `0.20`). Other braces stay as they
/// are.
pub fn render_prompt(question: &Question, draw: &Draw) -> String {
    let variables: &[Variable] = match &question.kind {
        QuestionKind::Calculated { variables, .. } => variables,
        _ => &[],
    };
    let shown = |name: &str| {
        let value = *draw.values.get(name)?;
        Some(match variables.iter().find(|v| v.name == name) {
            Some(v) => format!("{:.*}", v.decimals.min(MAX_DECIMALS) as usize, value),
            None => value.to_string(),
        })
    };
    let prompt = question.prompt.as_str();
    let mut out = String::with_capacity(prompt.len() + 16);
    let mut rest = prompt;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let replaced = after
            .find('}')
            .and_then(|close| Some((shown(&after[..close])?, close)));
        match replaced {
            Some((text, close)) => {
                out.push_str(&text);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The answer a calculated question expects for `draw`: its formula evaluated with the drawn
/// values.
pub fn expected_answer(question: &Question, draw: &Draw) -> Result<f64, ExpectedError> {
    let QuestionKind::Calculated { formula, .. } = &question.kind else {
        return Err(ExpectedError::NotCalculated);
    };
    let formula = Formula::parse(formula).map_err(ExpectedError::Formula)?;
    let value = formula
        .eval(&|name| draw.values.get(name).copied())
        .map_err(ExpectedError::Eval)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(ExpectedError::NotFinite(value))
    }
}
