//! How well a probability separates and predicts outcomes: ROC AUC (optionally weighted, e.g.
//! by ARR), PR AUC (average precision), Brier score, and a calibration table.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Area under the ROC curve: the chance that a random positive scores above a random negative
/// (ties count half), each pair weighted by the product of its two weights. `None` without at
/// least one positive and one negative.
pub fn roc_auc(scores: &[f64], labels: &[bool], weights: Option<&[f64]>) -> Option<f64> {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sweep up the scores: each positive beats the negative weight below it, half of the tied.
    let (mut neg_below, mut pairs, mut total_pos, mut total_neg) = (0.0, 0.0, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        let (mut pos, mut neg) = (0.0, 0.0);
        while j < idx.len() && scores[idx[j]] == scores[idx[i]] {
            if labels[idx[j]] {
                pos += w(idx[j]);
            } else {
                neg += w(idx[j]);
            }
            j += 1;
        }
        pairs += pos * (neg_below + 0.5 * neg);
        neg_below += neg;
        total_pos += pos;
        total_neg += neg;
        i = j;
    }
    (total_pos > 0.0 && total_neg > 0.0).then(|| pairs / (total_pos * total_neg))
}

/// Average precision: the precision at each recall step, weighted by the step (scikit-learn's
/// `average_precision_score`; tied scores form one step).
pub fn pr_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let positives = labels.iter().filter(|l| **l).count();
    if positives == 0 {
        return None;
    }
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut seen, mut ap, mut last_recall) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && scores[idx[j]] == scores[idx[i]] {
            tp += labels[idx[j]] as usize;
            seen += 1;
            j += 1;
        }
        let recall = tp as f64 / positives as f64;
        ap += (recall - last_recall) * (tp as f64 / seen as f64);
        last_recall = recall;
        i = j;
    }
    Some(ap)
}

/// Mean squared error of the probabilities against the outcomes (0 perfect, 0.25 a coin).
pub fn brier(probs: &[f64], labels: &[bool]) -> Option<f64> {
    (!probs.is_empty()).then(|| {
        probs
            .iter()
            .zip(labels)
            .map(|(p, y)| (p - *y as i32 as f64).powi(2))
            .sum::<f64>()
            / probs.len() as f64
    })
}

/// Resamples of [`auc_gap_interval`]; fixed seed, so the same backtest gives the same interval.
const RESAMPLES: usize = 1000;

/// A 95 % paired-bootstrap interval for ROC AUC(`a`) − ROC AUC(`b`) on the same outcomes:
/// whether one predictor is clearly better than the other, or the test set cannot tell.
pub fn auc_gap_interval(a: &[f64], b: &[f64], labels: &[bool]) -> Option<(f64, f64)> {
    use rand::{Rng, SeedableRng};
    let n = labels.len();
    roc_auc(a, labels, None)?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20_261_202);
    let mut gaps = Vec::with_capacity(RESAMPLES);
    let (mut ra, mut rb, mut ry) = (vec![0.0; n], vec![0.0; n], vec![false; n]);
    for _ in 0..RESAMPLES {
        for i in 0..n {
            let j = rng.gen_range(0..n);
            ra[i] = a[j];
            rb[i] = b[j];
            ry[i] = labels[j];
        }
        // A resample with one kind of outcome only has no AUC: drawn again by the next one.
        if let (Some(x), Some(y)) = (roc_auc(&ra, &ry, None), roc_auc(&rb, &ry, None)) {
            gaps.push(x - y);
        }
    }
    if gaps.len() < RESAMPLES / 2 {
        return None;
    }
    gaps.sort_by(f64::total_cmp);
    let at = |q: f64| gaps[((gaps.len() - 1) as f64 * q).round() as usize];
    Some((at(0.025), at(0.975)))
}

/// One row of a calibration table: outcomes whose predicted probability fell in [from, to).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub count: usize,
    /// Mean predicted probability, and the share that did turn out positive.
    pub predicted: Option<f64>,
    pub observed: Option<f64>,
}

/// Edges of the calibration table: finer where churn probabilities mostly fall.
pub const CALIBRATION_EDGES: [f64; 6] = [0.0, 0.1, 0.2, 0.35, 0.5, 1.0];

pub fn calibration(probs: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    CALIBRATION_EDGES
        .windows(2)
        .map(|e| {
            let last = e[1] >= 1.0;
            let inside: Vec<usize> = (0..probs.len())
                .filter(|&i| probs[i] >= e[0] && (probs[i] < e[1] || (last && probs[i] <= 1.0)))
                .collect();
            let n = inside.len();
            let mean = |f: &dyn Fn(usize) -> f64| {
                (n > 0).then(|| inside.iter().map(|&i| f(i)).sum::<f64>() / n as f64)
            };
            CalibrationBin {
                from: e[0],
                to: e[1],
                count: n,
                predicted: mean(&|i| probs[i]),
                observed: mean(&|i| labels[i] as i32 as f64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_auc_counts_ordered_pairs_and_half_the_ties() {
        // Positives 0.9, 0.4; negatives 0.5, 0.1: pairs (0.9>0.5, 0.9>0.1, 0.4<0.5, 0.4>0.1) = 3/4.
        let s = [0.9, 0.5, 0.4, 0.1];
        let y = [true, false, true, false];
        assert_eq!(roc_auc(&s, &y, None), Some(0.75));
        // A tie between a positive and a negative is half a pair: (1 + 0.5) / 2.
        assert_eq!(
            roc_auc(&[0.5, 0.5, 0.2], &[true, false, false], None),
            Some(0.75)
        );
        assert_eq!(roc_auc(&[0.5, 0.4], &[true, true], None), None);
        // Weighted: the misordered pair (0.4 vs 0.5) weighs 3 × 2 of the 1·(2+1) + 3·(2+1) = 12.
        let w = [1.0, 2.0, 3.0, 1.0];
        assert_eq!(roc_auc(&s, &y, Some(&w)), Some(6.0 / 12.0));
    }

    #[test]
    fn average_precision_steps_through_recall() {
        // Ranked: 0.9 (pos), 0.5 (neg), 0.4 (pos), 0.1 (neg): AP = 0.5·1 + 0.5·(2/3).
        let ap = pr_auc(&[0.9, 0.5, 0.4, 0.1], &[true, false, true, false]).unwrap();
        assert!((ap - (0.5 + 1.0 / 3.0)).abs() < 1e-12, "{ap}");
        assert_eq!(pr_auc(&[0.3], &[false]), None);
    }

    #[test]
    fn the_auc_gap_interval_says_whether_the_test_set_can_tell() {
        let y: Vec<bool> = (0..60).map(|i| i % 4 == 0).collect();
        // A perfect predictor against one that ranks at random (a fixed shuffle).
        let perfect: Vec<f64> = y.iter().map(|&l| if l { 0.9 } else { 0.1 }).collect();
        let random: Vec<f64> = (0..60).map(|i| ((i * 37) % 60) as f64 / 60.0).collect();
        let (lo, hi) = auc_gap_interval(&perfect, &random, &y).unwrap();
        assert!(lo > 0.2 && hi <= 1.0, "({lo}, {hi})");
        // The same predictor twice: no gap in any resample.
        assert_eq!(auc_gap_interval(&random, &random, &y), Some((0.0, 0.0)));
        assert_eq!(
            auc_gap_interval(&[0.5, 0.4], &[0.1, 0.2], &[true, true]),
            None
        );
    }

    #[test]
    fn brier_and_calibration_are_means_of_what_they_cover() {
        // (0.9−1)² + (0.2−0)² + (0.6−0)² = 0.01 + 0.04 + 0.36 → ÷ 3.
        let b = brier(&[0.9, 0.2, 0.6], &[true, false, false]).unwrap();
        assert!((b - 0.41 / 3.0).abs() < 1e-12);
        let c = calibration(
            &[0.05, 0.15, 0.12, 0.9, 1.0],
            &[false, true, false, true, true],
        );
        assert_eq!(
            c.iter().map(|b| b.count).collect::<Vec<_>>(),
            [1, 2, 0, 0, 2]
        );
        assert_eq!(c[1].observed, Some(0.5));
        assert!((c[1].predicted.unwrap() - 0.135).abs() < 1e-12);
        assert_eq!(c[2].predicted, None);
        assert_eq!(c[4].observed, Some(1.0));
    }
}
