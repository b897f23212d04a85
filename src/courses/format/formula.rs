//! Formulas of calculated questions, exactly the language `courses/README.md` allows: numbers,
//! variables, `+ - * / ^`, parentheses and `round(x, n)`, `min(a, b)`, `max(a, b)`, `abs(x)`,
//! evaluated in `f64`.
//!
//! A small hand-written parser rather than a general expression crate: crates such as `evalexpr`
//! divide integers as integers (`(goods + ship) * 20 / 120` would truncate when the drawn values
//! are whole numbers) and accept much more syntax than the format allows, so "it parses" would not
//! mean "it is a valid formula". The grader can use the same [`Formula`] to compute the answer.

use std::collections::BTreeSet;
use std::fmt;

use super::formula_syntax;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    expr: Expr,
}

/// Why a formula does not parse; `column` is 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormulaError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at column {}", self.message, self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Number(f64),
    Variable(String),
    Neg(Box<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Func {
    Round,
    Min,
    Max,
    Abs,
}

/// The function names, which therefore cannot be variable names.
pub const FUNCTIONS: [&str; 4] = ["round", "min", "max", "abs"];

impl Func {
    pub(super) fn from_name(name: &str) -> Option<Func> {
        match name {
            "round" => Some(Func::Round),
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "abs" => Some(Func::Abs),
            _ => None,
        }
    }

    pub(super) fn arity(self) -> usize {
        match self {
            Func::Abs => 1,
            Func::Round | Func::Min | Func::Max => 2,
        }
    }
}

impl Formula {
    pub fn parse(source: &str) -> Result<Formula, FormulaError> {
        Ok(Formula {
            expr: formula_syntax::parse(source)?,
        })
    }

    /// The variable names the formula uses.
    pub fn variables(&self) -> BTreeSet<&str> {
        let mut names = BTreeSet::new();
        collect_variables(&self.expr, &mut names);
        names
    }

    /// Evaluates with `value_of` giving each variable's value; a variable it does not know is an
    /// error. Division by zero and the like give an infinite or NaN result, which callers check.
    pub fn eval(&self, value_of: &dyn Fn(&str) -> Option<f64>) -> Result<f64, String> {
        eval(&self.expr, value_of)
    }
}

fn collect_variables<'e>(expr: &'e Expr, names: &mut BTreeSet<&'e str>) {
    match expr {
        Expr::Number(_) => {}
        Expr::Variable(name) => {
            names.insert(name);
        }
        Expr::Neg(inner) => collect_variables(inner, names),
        Expr::Binary(_, a, b) => {
            collect_variables(a, names);
            collect_variables(b, names);
        }
        Expr::Call(_, args) => args.iter().for_each(|a| collect_variables(a, names)),
    }
}

fn eval(expr: &Expr, value_of: &dyn Fn(&str) -> Option<f64>) -> Result<f64, String> {
    Ok(match expr {
        Expr::Number(n) => *n,
        Expr::Variable(name) => value_of(name).ok_or_else(|| format!("no value for `{name}`"))?,
        Expr::Neg(inner) => -eval(inner, value_of)?,
        Expr::Binary(op, a, b) => {
            let (a, b) = (eval(a, value_of)?, eval(b, value_of)?);
            match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
                Op::Pow => a.powf(b),
            }
        }
        Expr::Call(func, args) => {
            let values = args
                .iter()
                .map(|a| eval(a, value_of))
                .collect::<Result<Vec<f64>, String>>()?;
            // The parser checked the arity, so the indexing below cannot fail; `get` keeps it
            // panic-free all the same.
            let arg = |i: usize| values.get(i).copied().unwrap_or(f64::NAN);
            match func {
                Func::Abs => arg(0).abs(),
                Func::Min => arg(0).min(arg(1)),
                Func::Max => arg(0).max(arg(1)),
                Func::Round => {
                    // More than 15 places is beyond f64 precision; clamping keeps 10^n finite.
                    let places = arg(1).round().clamp(-15.0, 15.0) as i32;
                    let scale = 10f64.powi(places);
                    (arg(0) * scale).round() / scale
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_with(source: &str, vars: &[(&str, f64)]) -> f64 {
        let formula = Formula::parse(source).unwrap();
        formula
            .eval(&|name| vars.iter().find(|v| v.0 == name).map(|v| v.1))
            .unwrap()
    }

    fn error(source: &str) -> String {
        Formula::parse(source).unwrap_err().to_string()
    }

    #[test]
    fn follows_the_usual_precedence_and_associativity() {
        assert_eq!(eval_with("1 + 2 * 3", &[]), 7.0);
        assert_eq!(eval_with("(1 + 2) * 3", &[]), 9.0);
        assert_eq!(eval_with("10 - 4 - 3", &[]), 3.0);
        assert_eq!(eval_with("2 ^ 3 ^ 2", &[]), 512.0);
        assert_eq!(eval_with("-2 ^ 2", &[]), -4.0);
        assert_eq!(eval_with("2 ^ -1", &[]), 0.5);
        assert_eq!(eval_with("1.5e2 + .5", &[]), 150.5);
    }

    #[test]
    fn divides_whole_numbers_without_truncating() {
        assert_eq!(
            eval_with(
                "(goods + ship) * 20 / 120",
                &[("goods", 100.0), ("ship", 5.0)]
            ),
            17.5
        );
    }

    #[test]
    fn knows_the_four_functions() {
        assert_eq!(eval_with("round(2.345, 2)", &[]), 2.35);
        assert_eq!(eval_with("round(1234, -2)", &[]), 1200.0);
        assert_eq!(eval_with("min(3, x) + max(3, x)", &[("x", 5.0)]), 8.0);
        assert_eq!(eval_with("abs(1 - 4)", &[]), 3.0);
    }

    #[test]
    fn lists_the_variables_it_uses() {
        let f = Formula::parse("value * (1 + duty) * (1 + vat) + round(value, 0)").unwrap();
        assert_eq!(
            f.variables().into_iter().collect::<Vec<_>>(),
            ["duty", "value", "vat"]
        );
        assert_eq!(
            f.eval(&|name| (name == "value").then_some(1.0))
                .unwrap_err(),
            "no value for `duty`"
        );
    }

    #[test]
    fn reports_where_a_formula_goes_wrong() {
        assert_eq!(
            error("a + * b"),
            "expected a number, a variable, a function or `(`, found `*` at column 5"
        );
        assert_eq!(error("(a + b"), "`(` is never closed at column 1");
        assert_eq!(error("a b"), "expected an operator, found `b` at column 3");
        assert_eq!(error("a % b"), "unexpected character `%` at column 3");
        assert_eq!(
            error("sqrt(a)"),
            "unknown function `sqrt` (use round, min, max or abs) at column 1"
        );
        assert_eq!(
            error("round(a)"),
            "`round` takes 2 arguments, found 1 at column 1"
        );
        assert_eq!(
            error(""),
            "expected a number, a variable, a function or `(`, found the end at column 1"
        );
        assert_eq!(error("1.2.3"), "`1.2.3` is not a number at column 1");
    }

    #[test]
    fn rejects_nesting_that_could_exhaust_the_stack() {
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(error(&deep).starts_with("nests deeper than 64 levels"));
        assert!(error(&"-".repeat(200)).starts_with("nests deeper than 64 levels"));
    }
}
