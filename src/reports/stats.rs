//! Classical item statistics: facility (mean share of points) and discrimination (the corrected
//! item-total correlation: a question's share against the rest of the attempt's share, so the
//! question does not correlate with itself).

/// Mean of `xs`, `None` when empty.
pub fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Pearson correlation of paired samples; `None` for fewer than 3 pairs or no variance.
pub fn correlation(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 3 {
        return None;
    }
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    if sxx <= f64::EPSILON || syy <= f64::EPSILON {
        return None;
    }
    Some(sxy / (sxx.sqrt() * syy.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_is_one_for_agreeing_samples_and_undefined_without_variance() {
        let agree = [(0.0, 0.1), (0.5, 0.5), (1.0, 0.9)];
        assert!((correlation(&agree).unwrap() - 1.0).abs() < 0.01);
        let disagree = [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)];
        assert!((correlation(&disagree).unwrap() + 1.0).abs() < 1e-9);
        assert_eq!(correlation(&[(1.0, 0.2), (1.0, 0.4), (1.0, 0.9)]), None);
        assert_eq!(correlation(&[(0.0, 0.2), (1.0, 0.4)]), None);
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[1.0, 0.0]), Some(0.5));
    }
}
