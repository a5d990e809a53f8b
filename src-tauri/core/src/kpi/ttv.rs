//! Time-to-first-value by contract-start quarter, and its cut versus a year earlier.

use chrono::{Datelike, Duration, NaiveDate};

#[derive(Debug, Clone, PartialEq)]
pub struct TtvCohort {
    /// e.g. "2026 Q1".
    pub quarter: String,
    pub median_days: f64,
    pub accounts: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TtvTrend {
    /// Complete cohorts, oldest first.
    pub cohorts: Vec<TtvCohort>,
    /// 1 − latest median ÷ median of the cohort four quarters earlier.
    pub reduction: Option<f64>,
    pub latest: Option<String>,
    pub baseline: Option<String>,
}

/// A cohort counts once its quarter ended this long ago, so slow starters have had time to
/// reach first value; younger cohorts would look faster than they are.
pub const COHORT_SETTLE_DAYS: i64 = 150;
/// Cohorts with fewer accounts than this are too noisy to compare.
pub const MIN_COHORT: usize = 3;

fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_end(y: i32, q: u32) -> NaiveDate {
    let (ny, nm) = if q == 4 { (y + 1, 1) } else { (y, q * 3 + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).unwrap() - Duration::days(1)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// `pairs` are `(contract start, first value achieved)`.
pub fn ttv_trend(pairs: &[(NaiveDate, NaiveDate)], today: NaiveDate) -> TtvTrend {
    let mut by_q: std::collections::BTreeMap<(i32, u32), Vec<f64>> = Default::default();
    for (start, first) in pairs {
        let (y, q) = quarter_of(*start);
        if (today - quarter_end(y, q)).num_days() < COHORT_SETTLE_DAYS {
            continue;
        }
        by_q.entry((y, q))
            .or_default()
            .push((*first - *start).num_days() as f64);
    }
    let cohorts: Vec<((i32, u32), TtvCohort)> = by_q
        .into_iter()
        .filter(|(_, v)| v.len() >= MIN_COHORT)
        .map(|((y, q), mut v)| {
            (
                (y, q),
                TtvCohort {
                    quarter: format!("{y} Q{q}"),
                    median_days: median(&mut v),
                    accounts: v.len(),
                },
            )
        })
        .collect();
    let mut trend = TtvTrend::default();
    if let Some(((y, q), latest)) = cohorts.last() {
        if let Some((_, base)) = cohorts.iter().find(|(k, _)| *k == (y - 1, *q)) {
            if base.median_days > 0.0 {
                trend.reduction = Some(1.0 - latest.median_days / base.median_days);
                trend.latest = Some(latest.quarter.clone());
                trend.baseline = Some(base.quarter.clone());
            }
        }
    }
    trend.cohorts = cohorts.into_iter().map(|(_, c)| c).collect();
    trend
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn pair(start: &str, days: i64) -> (NaiveDate, NaiveDate) {
        (d(start), d(start) + Duration::days(days))
    }

    #[test]
    fn compares_latest_settled_cohort_with_a_year_earlier() {
        let today = d("2026-11-24");
        let pairs = vec![
            // 2025 Q1: 80, 90, 100 → median 90
            pair("2025-01-15", 80),
            pair("2025-02-01", 100),
            pair("2025-03-30", 90),
            // 2025 Q3: only two accounts → dropped
            pair("2025-08-01", 70),
            pair("2025-08-02", 60),
            // 2026 Q1: 50, 60, 70, 80 → median 65
            pair("2026-01-05", 50),
            pair("2026-02-05", 80),
            pair("2026-03-05", 60),
            pair("2026-03-06", 70),
            // 2026 Q3 ended 2026-09-30, 55 days ago: not settled → ignored
            pair("2026-07-01", 10),
            pair("2026-07-02", 10),
            pair("2026-07-03", 10),
        ];
        let t = ttv_trend(&pairs, today);
        let qs: Vec<&str> = t.cohorts.iter().map(|c| c.quarter.as_str()).collect();
        assert_eq!(qs, ["2025 Q1", "2026 Q1"]);
        assert_eq!(t.cohorts[0].median_days, 90.0);
        assert_eq!(t.cohorts[1].median_days, 65.0);
        // 1 − 65/90 = 0.2777…
        assert!((t.reduction.unwrap() - (1.0 - 65.0 / 90.0)).abs() < 1e-12);
        assert_eq!(t.baseline.as_deref(), Some("2025 Q1"));
    }

    #[test]
    fn no_year_earlier_cohort_means_no_reduction() {
        let t = ttv_trend(
            &[
                pair("2026-01-05", 50),
                pair("2026-01-06", 50),
                pair("2026-01-07", 50),
            ],
            d("2026-11-24"),
        );
        assert_eq!(t.cohorts.len(), 1);
        assert_eq!(t.reduction, None);
    }
}
