//! A student's result on a quiz across attempts, by the quiz's grading method: the highest, the
//! latest or the first graded attempt, or the average of all of them.
//!
//! [`Standing`] is what the result rests on, kept as running figures (count, sum, best, first,
//! latest share) so that a newly graded attempt updates it in constant time, however many
//! attempts came before; [`final_share`] is the same rule over a full list of shares.

use crate::courses::format::GradingMethod;

/// The final share (0..=1) from the shares of a student's graded attempts in the order they were
/// taken; `None` before any attempt is graded.
pub fn final_share(method: GradingMethod, shares_in_order: &[f64]) -> Option<f64> {
    Standing::of(shares_in_order.iter().map(|s| Some(*s))).share(method)
}

/// A student's graded attempts at one quiz, summed up: enough for every grading method.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Standing {
    /// Graded attempts.
    pub graded: i32,
    /// Closed attempts waiting for a hand grade.
    pub pending: i32,
    pub sum: f64,
    pub best: Option<f64>,
    pub first: Option<f64>,
    pub last: Option<f64>,
}

impl Standing {
    /// The standing of closed attempts in the order they were taken: `Some(share)` for a graded
    /// one, `None` for one waiting for a hand grade.
    pub fn of(closed_in_order: impl IntoIterator<Item = Option<f64>>) -> Standing {
        let mut standing = Standing::default();
        for attempt in closed_in_order {
            standing = standing.then(attempt);
        }
        standing
    }

    /// The standing once the next attempt (taken after every one counted so far) closed.
    pub fn then(self, closed: Option<f64>) -> Standing {
        let Some(share) = closed else {
            return Standing {
                pending: self.pending + 1,
                ..self
            };
        };
        Standing {
            graded: self.graded + 1,
            pending: self.pending,
            sum: self.sum + share,
            best: Some(self.best.map_or(share, |b| b.max(share))),
            first: self.first.or(Some(share)),
            last: Some(share),
        }
    }

    /// The result by `method`; `None` before any attempt is graded.
    pub fn share(&self, method: GradingMethod) -> Option<f64> {
        if self.graded == 0 {
            return None;
        }
        match method {
            GradingMethod::Highest => self.best,
            GradingMethod::Latest => self.last,
            GradingMethod::First => self.first,
            GradingMethod::Average => Some(self.sum / f64::from(self.graded)),
        }
    }
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

    #[test]
    fn a_standing_kept_attempt_by_attempt_equals_one_summed_up_at_once() {
        let closed = [Some(0.4), None, Some(0.9), Some(0.6), None];
        let stepwise = closed
            .iter()
            .fold(Standing::default(), |s, attempt| s.then(*attempt));
        assert_eq!(stepwise, Standing::of(closed));
        assert_eq!((stepwise.graded, stepwise.pending), (3, 2));
        for method in [
            GradingMethod::Highest,
            GradingMethod::Latest,
            GradingMethod::First,
            GradingMethod::Average,
        ] {
            assert_eq!(
                stepwise.share(method),
                final_share(method, &[0.4, 0.9, 0.6]),
                "{method:?}"
            );
        }
        // Only attempts waiting for a hand grade: no result yet.
        assert_eq!(Standing::of([None]).share(GradingMethod::Average), None);
    }
}
