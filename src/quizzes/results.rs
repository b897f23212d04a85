//! A student's result on a quiz across attempts, by the quiz's grading method: the highest, the
//! latest or the first graded attempt, or the average of all of them.

use crate::courses::format::GradingMethod;

/// The final share (0..=1) from the shares of a student's graded attempts in the order they were
/// taken; `None` before any attempt is graded.
pub fn final_share(method: GradingMethod, shares_in_order: &[f64]) -> Option<f64> {
    if shares_in_order.is_empty() {
        return None;
    }
    Some(match method {
        GradingMethod::Highest => shares_in_order.iter().copied().fold(f64::MIN, f64::max),
        GradingMethod::Latest => shares_in_order[shares_in_order.len() - 1],
        GradingMethod::First => shares_in_order[0],
        GradingMethod::Average => {
            shares_in_order.iter().sum::<f64>() / shares_in_order.len() as f64
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_grading_method_picks_its_attempt() {
        let shares = [0.4, 0.9, 0.6];
        assert_eq!(final_share(GradingMethod::Highest, &shares), Some(0.9));
        assert_eq!(final_share(GradingMethod::Latest, &shares), Some(0.6));
        assert_eq!(final_share(GradingMethod::First, &shares), Some(0.4));
        assert!(
            (final_share(GradingMethod::Average, &shares).unwrap() - 0.6333333333).abs() < 1e-9
        );
        assert_eq!(final_share(GradingMethod::Highest, &[]), None);
    }
}
