//! A logistic-regression churn model on standardised features (smartcore's L-BFGS fit): blank
//! values take the training median, each feature is centred and scaled on the training rows, and
//! a row's risk splits into additive per-feature contributions (its "top drivers").

use serde::{Deserialize, Serialize};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::linear::logistic_regression::{LogisticRegression, LogisticRegressionParameters};

use crate::error::{Error, Result};

/// L2 penalties tried by [`Model::fit_cv`]: the penalty keeps weights finite when a feature
/// separates a small history perfectly, and a small book needs more of it than a large one.
pub const ALPHAS: [f64; 6] = [0.3, 1.0, 3.0, 10.0, 30.0, 100.0];
/// From this many rows the penalty matters little and the search is coarser: three folds over
/// every other penalty (9 fits instead of 30), keeping a book of 10,000 accounts' fit near a second.
const LARGE: usize = 2000;

/// A fitted model: how to fill and scale each feature, and the weights on the scaled values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub features: Vec<String>,
    pub medians: Vec<f64>,
    pub means: Vec<f64>,
    pub stds: Vec<f64>,
    /// Per standardised feature, in log-odds of the positive class.
    pub weights: Vec<f64>,
    pub intercept: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Fits the model with the L2 penalty of [`ALPHAS`] that predicts best (lowest log-loss) in a
    /// stratified 5-fold (3 on large books) cross-validation on `rows` themselves; returns it with
    /// that penalty.
    pub fn fit_cv(
        features: Vec<String>,
        rows: &[Vec<Option<f64>>],
        labels: &[bool],
    ) -> Result<(Model, f64)> {
        let large = rows.len() >= LARGE;
        let folds = if large { 3 } else { 5 };
        // Stratified folds: positives and negatives dealt round-robin, in row order.
        let (mut p, mut n) = (0usize, 0usize);
        let fold: Vec<usize> = labels
            .iter()
            .map(|l| {
                let c = if *l { &mut p } else { &mut n };
                *c += 1;
                (*c - 1) % folds
            })
            .collect();
        let mut best: Option<(f64, f64)> = None;
        for alpha in ALPHAS
            .iter()
            .copied()
            .skip(large as usize)
            .step_by(1 + large as usize)
        {
            let mut loss = 0.0;
            let mut ok = true;
            for k in 0..folds {
                let train: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] != k).collect();
                let r: Vec<Vec<Option<f64>>> = train.iter().map(|&i| rows[i].clone()).collect();
                let y: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
                let Ok(m) = Model::fit_with(features.clone(), &r, &y, alpha) else {
                    ok = false;
                    break;
                };
                for i in (0..rows.len()).filter(|&i| fold[i] == k) {
                    let q = m.predict(&rows[i]).clamp(1e-6, 1.0 - 1e-6);
                    loss -= if labels[i] { q.ln() } else { (1.0 - q).ln() };
                }
            }
            if ok && best.is_none_or(|(_, l)| loss < l) {
                best = Some((alpha, loss));
            }
        }
        let alpha = best.map_or(10.0, |(a, _)| a);
        Ok((Model::fit_with(features, rows, labels, alpha)?, alpha))
    }

    /// Fits the model to `rows` (one value per feature, `None` when blank) and their outcomes,
    /// with a moderate L2 penalty.
    pub fn fit(features: Vec<String>, rows: &[Vec<Option<f64>>], labels: &[bool]) -> Result<Model> {
        Model::fit_with(features, rows, labels, 10.0)
    }

    /// Fits with the L2 penalty `alpha` (one a backtest's cross-validation chose, say).
    pub fn fit_with(
        features: Vec<String>,
        rows: &[Vec<Option<f64>>],
        labels: &[bool],
        alpha: f64,
    ) -> Result<Model> {
        let k = features.len();
        let positives = labels.iter().filter(|l| **l).count();
        if rows.is_empty() || positives == 0 || positives == labels.len() {
            return Err(Error::InvalidInput(
                "The model needs outcomes of both kinds to learn from.".into(),
            ));
        }
        let medians: Vec<f64> = (0..k)
            .map(|j| median(rows.iter().filter_map(|r| r[j]).collect()))
            .collect();
        let filled: Vec<Vec<f64>> = rows
            .iter()
            .map(|r| (0..k).map(|j| r[j].unwrap_or(medians[j])).collect())
            .collect();
        let n = filled.len() as f64;
        let means: Vec<f64> = (0..k)
            .map(|j| filled.iter().map(|r| r[j]).sum::<f64>() / n)
            .collect();
        let stds: Vec<f64> = (0..k)
            .map(|j| {
                let var = filled
                    .iter()
                    .map(|r| (r[j] - means[j]).powi(2))
                    .sum::<f64>()
                    / n;
                // A constant feature carries nothing: scale 1 keeps it at 0 after centring.
                if var > 1e-12 {
                    var.sqrt()
                } else {
                    1.0
                }
            })
            .collect();
        let z: Vec<Vec<f64>> = filled
            .iter()
            .map(|r| (0..k).map(|j| (r[j] - means[j]) / stds[j]).collect())
            .collect();
        let x = DenseMatrix::from_2d_vec(&z).map_err(|e| Error::Io(format!("model input: {e}")))?;
        let y: Vec<i32> = labels.iter().map(|l| *l as i32).collect();
        let fit = LogisticRegression::fit(
            &x,
            &y,
            LogisticRegressionParameters::default().with_alpha(alpha),
        )
        .map_err(|e| Error::Io(format!("the model did not fit: {e}")))?;
        // Classes are sorted, so the binary coefficients are those of class 1 (churned); checked
        // here rather than assumed (DESIGN §8 on linfa's class order).
        if fit.classes() != &vec![0, 1] {
            return Err(Error::Io("the model's classes are not [0, 1]".into()));
        }
        use smartcore::linalg::basic::arrays::Array;
        let weights = (0..k).map(|j| *fit.coefficients().get((0, j))).collect();
        let intercept = *fit.intercept().get((0, 0));
        Ok(Model {
            features,
            medians,
            means,
            stds,
            weights,
            intercept,
        })
    }

    fn z(&self, row: &[Option<f64>]) -> Vec<f64> {
        (0..self.features.len())
            .map(|j| (row[j].unwrap_or(self.medians[j]) - self.means[j]) / self.stds[j])
            .collect()
    }

    /// The probability of the positive outcome for `row`.
    pub fn predict(&self, row: &[Option<f64>]) -> f64 {
        let z = self.z(row);
        sigmoid(self.intercept + z.iter().zip(&self.weights).map(|(a, b)| a * b).sum::<f64>())
    }

    /// Each feature's part in `row`'s probability, in probability points: how much lower the
    /// risk would be with that feature at the book's average (the rest unchanged).
    pub fn contributions(&self, row: &[Option<f64>]) -> Vec<f64> {
        let z = self.z(row);
        let logit = self.intercept + z.iter().zip(&self.weights).map(|(a, b)| a * b).sum::<f64>();
        let p = sigmoid(logit);
        (0..z.len())
            .map(|j| p - sigmoid(logit - self.weights[j] * z[j]))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_learns_which_way_a_feature_pushes_and_predicts_the_positive_class() {
        // Churn (true) when x is high; y is noise. Few positives, so the class with more rows is
        // "renewed": a model returning that class's probability would predict low churn for x = 9.
        let rows: Vec<Vec<Option<f64>>> = (0..40)
            .map(|i| vec![Some((i % 10) as f64), Some(((i * 7) % 5) as f64)])
            .collect();
        let labels: Vec<bool> = (0..40).map(|i| i % 10 >= 8).collect();
        let m = Model::fit_with(vec!["x".into(), "y".into()], &rows, &labels, 1.0).unwrap();
        assert!(m.weights[0] > 0.5, "{:?}", m.weights);
        assert!(m.weights[1].abs() < m.weights[0] / 4.0, "{:?}", m.weights);
        let high = m.predict(&[Some(9.0), Some(2.0)]);
        let low = m.predict(&[Some(0.0), Some(2.0)]);
        assert!(high > 0.5 && low < 0.1, "{high} {low}");
        // A blank takes the median (x median 4.5), so it lands between the two.
        let blank = m.predict(&[None, Some(2.0)]);
        assert!(low < blank && blank < high);
        let c = m.contributions(&[Some(9.0), Some(2.0)]);
        assert!(c[0] > 0.3 && c[1].abs() < 0.05, "{c:?}");
        // Cross-validation picks one of the penalties and keeps the direction.
        let (cv, alpha) = Model::fit_cv(vec!["x".into(), "y".into()], &rows, &labels).unwrap();
        assert!(ALPHAS.contains(&alpha));
        assert!(cv.predict(&[Some(9.0), Some(2.0)]) > cv.predict(&[Some(0.0), Some(2.0)]));
    }

    #[test]
    fn one_kind_of_outcome_is_refused() {
        let rows = vec![vec![Some(1.0)], vec![Some(2.0)]];
        assert!(Model::fit(vec!["x".into()], &rows, &[false, false]).is_err());
    }
}
