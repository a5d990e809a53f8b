//! The churn-risk model on the book's own history (DESIGN §4 "Churn risk"): features as of 90
//! days before each past renewal, a backtest on held-out time, drivers in words, and the success
//! patterns that tell renewing accounts from churning ones.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::metrics::{self, CalibrationBin};
use super::model::Model;
use crate::domain::risk::{ChurnFacts, Outcome};
use crate::error::Result;

/// Days before a renewal its features are taken at.
pub const LEAD_DAYS: i64 = 90;
/// Fewer labelled outcomes than this (or fewer than [`MIN_CHURNED`] churned ones) and the model
/// is not trusted: the rules alone speak.
pub const MIN_OUTCOMES: usize = 40;
pub const MIN_CHURNED: usize = 8;
/// Share of the history, oldest first, the backtest trains on.
pub const TRAIN_SHARE: f64 = 0.7;

/// The model's features, in order: key and what it means.
pub const FEATURES: [(&str, &str); 14] = [
    ("usage_trend", "Active users, month over month"),
    ("usage_quarter", "Active users, against a quarter earlier"),
    ("seat_utilisation", "Seat utilisation"),
    ("active_users", "Active users a day (log)"),
    (
        "champions_left",
        "Champions or sponsors who left in the year",
    ),
    ("champions", "Champions and sponsors on the client side"),
    ("high_tickets", "High-priority tickets in 90 days"),
    ("tickets", "Tickets in 90 days"),
    ("nps", "Average NPS answer (180 days)"),
    ("csat", "Average CSAT answer (180 days)"),
    ("sentiment", "The AM's latest sentiment (1–5)"),
    ("days_since_touch", "Days since the last two-way touch"),
    ("tenure", "Years as a client"),
    ("arr", "ARR (log)"),
];

pub fn feature_names() -> Vec<String> {
    FEATURES.iter().map(|(k, _)| k.to_string()).collect()
}

/// The feature values of `f`, in [`FEATURES`] order (`None`: unknown, the model fills it).
pub fn features(f: &ChurnFacts) -> Vec<Option<f64>> {
    let trend = match (f.active_30, f.active_prev_30) {
        (Some(now), Some(before)) if before > 0.0 => Some(now / before - 1.0),
        _ => None,
    };
    let util = match (f.active_7, f.seats) {
        (Some(a), Some(s)) if s > 0 => Some((a / s as f64).min(1.5)),
        _ => None,
    };
    let touch = f
        .last_touch
        .map(|t| ((f.as_of - t).num_days() as f64).min(365.0))
        .or(Some(365.0));
    let quarter = match (f.active_30, f.active_q_ago) {
        (Some(now), Some(before)) if before > 0.0 => Some(now / before - 1.0),
        _ => None,
    };
    vec![
        trend,
        quarter,
        util,
        f.active_30.map(|a| (1.0 + a).ln()),
        Some(f.champions_left as f64),
        Some(f.champions as f64),
        Some(f.high_tickets_90 as f64),
        Some(f.tickets_90 as f64),
        f.nps_avg,
        f.csat_avg,
        f.sentiment.map(|s| s as f64),
        touch,
        f.contract_start
            .map(|s| ((f.as_of - s).num_days() as f64 / 365.25).max(0.0)),
        Some((1.0 + f.arr.max(0.0)).ln()),
    ]
}

/// One reason for an account's risk, in words, with its share of the probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Driver {
    pub feature: String,
    /// e.g. "Active users down 38 % month over month: +12 points of risk".
    pub text: String,
    /// Probability points this feature adds (negative: it lowers the risk).
    pub points: f64,
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What feature `j` of `f` is, in words.
fn said(j: usize, f: &ChurnFacts) -> String {
    let v = features(f);
    match FEATURES[j].0 {
        "usage_quarter" => match v[1] {
            Some(t) => format!(
                "Active users {} {:.0} % on a quarter earlier",
                if t < 0.0 { "down" } else { "up" },
                t.abs() * 100.0
            ),
            None => "No usage a quarter earlier".into(),
        },
        "usage_trend" => match v[0] {
            Some(t) => format!(
                "Active users {} {:.0} % month over month",
                if t < 0.0 { "down" } else { "up" },
                t.abs() * 100.0
            ),
            None => "No usage trend on record".into(),
        },
        "seat_utilisation" => match v[2] {
            Some(u) => format!("{:.0} % of seats in use", u * 100.0),
            None => "Seat utilisation unknown".into(),
        },
        "active_users" => match f.active_30 {
            Some(a) => format!("{a:.0} active users a day"),
            None => "No usage on record".into(),
        },
        "champions_left" => match f.champions_left {
            0 => "No champion or sponsor left in the last year".into(),
            n => format!(
                "{} left in the last year",
                plural(n, "champion or sponsor", "champions or sponsors")
            ),
        },
        "champions" => match f.champions {
            0 => "No champion or sponsor on the client side".into(),
            1 => "Only one champion or sponsor on the client side".into(),
            n => format!(
                "{} on the client side",
                plural(n, "champion or sponsor", "champions and sponsors")
            ),
        },
        "high_tickets" => format!(
            "{} in 90 days",
            plural(
                f.high_tickets_90,
                "high-priority ticket",
                "high-priority tickets"
            )
        ),
        "tickets" => format!("{} in 90 days", plural(f.tickets_90, "ticket", "tickets")),
        "nps" => match f.nps_avg {
            Some(n) => format!("Average NPS answer {n:.1}"),
            None => "No NPS answer in 180 days".into(),
        },
        "days_since_touch" => match f.last_touch {
            Some(t) => format!(
                "Last two-way touch {} ago",
                plural((f.as_of - t).num_days(), "day", "days")
            ),
            None => "No two-way touch on record".into(),
        },
        "csat" => match f.csat_avg {
            Some(c) => format!("Average CSAT answer {c:.1} of 5"),
            None => "No CSAT answer in 180 days".into(),
        },
        "sentiment" => match f.sentiment {
            Some(s) => format!("Your latest sentiment {s} of 5"),
            None => "No sentiment of yours in 180 days".into(),
        },
        "tenure" => match v[12] {
            Some(y) => format!("Client for {y:.1} years"),
            None => "Contract start unknown".into(),
        },
        _ => format!("ARR {:.0}", f.arr),
    }
}

/// The features raising `f`'s risk the most under `m`, in words (at most `k`, each ≥ 1 point).
pub fn drivers(m: &Model, f: &ChurnFacts, k: usize) -> Vec<Driver> {
    let row = features(f);
    let c = m.contributions(&row);
    let mut idx: Vec<usize> = (0..c.len()).collect();
    idx.sort_by(|&a, &b| c[b].total_cmp(&c[a]));
    idx.into_iter()
        .filter(|&j| c[j] * 100.0 >= 1.0)
        .take(k)
        .map(|j| Driver {
            feature: FEATURES[j].0.into(),
            text: format!("{}: +{:.0} points of risk", said(j, f), c[j] * 100.0),
            points: c[j] * 100.0,
        })
        .collect()
}

/// A labelled renewal with what was known 90 days before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub outcome: Outcome,
    pub facts: ChurnFacts,
}

/// Where the history splits: the oldest [`TRAIN_SHARE`] of renewals train, the rest test.
/// `None` when there are too few outcomes to trust either side.
pub fn split(events: &[Labelled]) -> std::result::Result<usize, String> {
    let churned = events.iter().filter(|e| e.outcome.churned).count();
    if events.len() < MIN_OUTCOMES || churned < MIN_CHURNED || events.len() - churned < MIN_CHURNED
    {
        return Err(format!(
            "The churn model needs at least {MIN_OUTCOMES} past renewals with at least {MIN_CHURNED} renewed and {MIN_CHURNED} churned; this book has {} ({} churned). Until it does, the early-warning rules alone flag risk.",
            events.len(),
            churned
        ));
    }
    let cut = ((events.len() as f64) * TRAIN_SHARE).round() as usize;
    let test_churned = events[cut..].iter().filter(|e| e.outcome.churned).count();
    if test_churned == 0 || test_churned == events.len() - cut {
        return Err(format!(
            "The latest {} renewals are all of one kind, so the model cannot be tested on held-out time yet; the early-warning rules alone flag risk.",
            events.len() - cut
        ));
    }
    Ok(cut)
}

/// A period of the history and what it holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub renewals: usize,
    pub churned: usize,
}

fn span(e: &[Labelled]) -> Span {
    Span {
        from: e.first().map(|x| x.outcome.renewal).unwrap_or_default(),
        to: e.last().map(|x| x.outcome.renewal).unwrap_or_default(),
        renewals: e.len(),
        churned: e.iter().filter(|x| x.outcome.churned).count(),
    }
}

/// A feature's weight in the model, on standardised values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Weight {
    pub feature: String,
    pub label: String,
    pub weight: f64,
}

/// One feature compared across the cohorts at 90 days before renewal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Pattern {
    pub feature: String,
    pub label: String,
    pub renewed: Option<f64>,
    pub expanded: Option<f64>,
    pub churned: Option<f64>,
    /// |median renewed − median churned| ÷ the feature's spread: how far apart they sit.
    pub separation: f64,
}

/// The backtest and the model it vouches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BacktestReport {
    pub train: Span,
    pub test: Span,
    pub roc_auc: Option<f64>,
    pub pr_auc: Option<f64>,
    pub brier: Option<f64>,
    pub arr_auc: Option<f64>,
    /// The health score alone (100 − score) as the predictor, on the same held-out renewals.
    pub health_auc: Option<f64>,
    /// The model's AUC minus the health score's on the held-out renewals that have both, with a
    /// 95 % paired-bootstrap interval: above zero throughout means clearly better.
    pub auc_gap: Option<f64>,
    pub auc_gap_interval: Option<(f64, f64)>,
    /// Share of the held-out renewals that churned (PR AUC's chance level).
    pub base_rate: f64,
    pub calibration: Vec<CalibrationBin>,
    /// The probability from which an account counts as at risk (best Youden's J on training).
    pub threshold: f64,
    /// The L2 penalty cross-validation chose on the training renewals.
    pub alpha: f64,
    /// Median days before renewal (checked every 30 days from 180) at which held-out churners
    /// first crossed the threshold, and how many of them ever did (of at most [`LEAD_SAMPLE`]).
    pub lead_time_days: Option<f64>,
    pub caught: usize,
    pub weights: Vec<Weight>,
    pub patterns: Vec<Pattern>,
    pub patterns_text: String,
}

fn youden(probs: &[f64], labels: &[bool]) -> f64 {
    let pos = labels.iter().filter(|l| **l).count().max(1) as f64;
    let neg = labels.iter().filter(|l| !**l).count().max(1) as f64;
    let mut best = (f64::MIN, 0.5);
    for t in (1..100).map(|i| i as f64 / 100.0) {
        let tp = (0..probs.len())
            .filter(|&i| labels[i] && probs[i] >= t)
            .count() as f64;
        let fp = (0..probs.len())
            .filter(|&i| !labels[i] && probs[i] >= t)
            .count() as f64;
        let j = tp / pos - fp / neg;
        if j > best.0 {
            best = (j, t);
        }
    }
    best.1
}

fn median_of(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// Fits on the oldest renewals, tests on the latest (`cut` from [`split`]). `lead` gives, for
/// held-out churners (by index into `events`), their facts at earlier days before renewal.
pub fn backtest(
    events: &[Labelled],
    cut: usize,
    lead: &[(usize, Vec<ChurnFacts>)],
) -> Result<(Model, BacktestReport)> {
    let rows: Vec<Vec<Option<f64>>> = events.iter().map(|e| features(&e.facts)).collect();
    let labels: Vec<bool> = events.iter().map(|e| e.outcome.churned).collect();
    let (model, alpha) = Model::fit_cv(feature_names(), &rows[..cut], &labels[..cut])?;
    let train_p: Vec<f64> = rows[..cut].iter().map(|r| model.predict(r)).collect();
    let threshold = youden(&train_p, &labels[..cut]);
    let test_p: Vec<f64> = rows[cut..].iter().map(|r| model.predict(r)).collect();
    let test_y = &labels[cut..];
    let arr: Vec<f64> = events[cut..]
        .iter()
        .map(|e| e.outcome.arr.max(1.0))
        .collect();
    // The renewals with a health score kept before their as-of day: both predictors side by side.
    let mut paired = (Vec::new(), Vec::new(), Vec::new());
    for (i, e) in events[cut..].iter().enumerate() {
        if let Some(h) = e.facts.health {
            paired.0.push(test_p[i]);
            paired.1.push(100.0 - h as f64);
            paired.2.push(e.outcome.churned);
        }
    }
    let (mp, hs, hy) = paired;
    let model_on_paired = metrics::roc_auc(&mp, &hy, None);

    let mut leads = Vec::new();
    for (i, facts) in lead {
        let crossed = facts
            .iter()
            .filter(|f| model.predict(&features(f)) >= threshold)
            .map(|f| (events[*i].outcome.renewal - f.as_of).num_days() as f64)
            .fold(None::<f64>, |m, d| Some(m.map_or(d, |m| m.max(d))));
        if let Some(d) = crossed {
            leads.push(d);
        }
    }
    let report = BacktestReport {
        train: span(&events[..cut]),
        test: span(&events[cut..]),
        roc_auc: metrics::roc_auc(&test_p, test_y, None),
        pr_auc: metrics::pr_auc(&test_p, test_y),
        brier: metrics::brier(&test_p, test_y),
        arr_auc: metrics::roc_auc(&test_p, test_y, Some(&arr)),
        health_auc: metrics::roc_auc(&hs, &hy, None),
        auc_gap: model_on_paired
            .zip(metrics::roc_auc(&hs, &hy, None))
            .map(|(m, h)| m - h),
        auc_gap_interval: metrics::auc_gap_interval(&mp, &hs, &hy),
        base_rate: test_y.iter().filter(|y| **y).count() as f64 / test_y.len().max(1) as f64,
        calibration: metrics::calibration(&test_p, test_y),
        threshold,
        alpha,
        caught: leads.len(),
        lead_time_days: median_of(leads),
        weights: weights(&model),
        patterns: vec![],
        patterns_text: String::new(),
    };
    Ok((model, report))
}

pub fn weights(m: &Model) -> Vec<Weight> {
    let mut w: Vec<Weight> = m
        .weights
        .iter()
        .enumerate()
        .map(|(j, w)| Weight {
            feature: FEATURES[j].0.into(),
            label: FEATURES[j].1.into(),
            weight: *w,
        })
        .collect();
    w.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
    w
}

/// What renewing and expanding accounts shared that churned ones lacked, at 90 days before
/// renewal, feature by feature, and the largest separations in a sentence.
pub fn patterns(events: &[Labelled]) -> (Vec<Pattern>, String) {
    let rows: Vec<Vec<Option<f64>>> = events.iter().map(|e| features(&e.facts)).collect();
    let mut out: Vec<Pattern> = (0..FEATURES.len())
        .map(|j| {
            let of = |pick: &dyn Fn(&Outcome) -> bool| {
                median_of(
                    events
                        .iter()
                        .zip(&rows)
                        .filter(|(e, _)| pick(&e.outcome))
                        .filter_map(|(_, r)| r[j])
                        .collect(),
                )
            };
            let all: Vec<f64> = rows.iter().filter_map(|r| r[j]).collect();
            let n = all.len().max(1) as f64;
            let mean = all.iter().sum::<f64>() / n;
            let sd = (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
            let renewed = of(&|o| !o.churned);
            let churned = of(&|o| o.churned);
            let separation = match (renewed, churned) {
                (Some(r), Some(c)) if sd > 1e-9 => (r - c).abs() / sd,
                _ => 0.0,
            };
            Pattern {
                feature: FEATURES[j].0.into(),
                label: FEATURES[j].1.into(),
                renewed,
                expanded: of(&|o| !o.churned && o.expanded),
                churned,
                separation,
            }
        })
        .collect();
    out.sort_by(|a, b| b.separation.total_cmp(&a.separation));
    let parts: Vec<String> = out
        .iter()
        .filter(|p| p.separation >= 0.2)
        .take(3)
        .filter_map(|p| {
            Some(format!(
                "{} {} vs {}",
                p.label.to_lowercase(),
                fmt(&p.feature, p.renewed?),
                fmt(&p.feature, p.churned?)
            ))
        })
        .collect();
    let text = if parts.is_empty() {
        "Renewed and churned accounts looked alike 90 days before renewal on every feature.".into()
    } else {
        format!("90 days before renewal, accounts that renewed differed most from those that churned in {} (renewed vs churned, medians).", parts.join("; "))
    };
    (out, text)
}

/// A feature's value as people read it.
pub fn fmt(feature: &str, v: f64) -> String {
    match feature {
        "usage_trend" | "usage_quarter" => format!("{:+.0} %", v * 100.0),
        "seat_utilisation" => format!("{:.0} %", v * 100.0),
        "active_users" => format!("{:.0}", v.exp() - 1.0),
        "arr" => format!("{:.0}", v.exp() - 1.0),
        "nps" | "csat" | "sentiment" | "tenure" => format!("{v:.1}"),
        _ => format!("{v:.0}"),
    }
}

/// Held-out churners whose lead time is measured (the latest ones).
pub const LEAD_SAMPLE: usize = 300;

/// The days before a renewal at which lead time is measured: every 30 days from 180.
pub fn lead_offsets() -> Vec<i64> {
    (0..=6).map(|i| 180 - i * 30).collect()
}

/// `as_of` days for the lead-time facts of a renewal on `renewal`.
pub fn lead_days(renewal: NaiveDate) -> Vec<NaiveDate> {
    lead_offsets()
        .into_iter()
        .map(|d| renewal - Duration::days(d))
        .collect()
}
