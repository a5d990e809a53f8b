//! Time-to-first-value and time-to-full-value by contract-start quarter, counted survival-style:
//! an account that has not reached value yet stays in its cohort as "not yet", so a cohort of
//! slow starters cannot look fast by leaving them out. Medians are Kaplan–Meier estimates (a
//! dozen lines; no crate in the tree does survival analysis, and this is all that is needed).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::domain::value::{ReachedBy, TtvCohort, TtvFacts, TtvWaiting};

/// A cohort is compared once its quarter ended this long ago, so its slow starters have had
/// their chance.
pub const COHORT_SETTLE_DAYS: i64 = 150;
/// Cohorts with fewer accounts than this are too noisy to compare.
pub const MIN_COHORT: usize = 3;
/// The days after the contract start at which the share reached is read.
pub const HORIZONS: [i64; 3] = [30, 60, 90];
/// The seed target (DESIGN §4): a cut of more than this share against a year earlier.
pub const TARGET_CUT: f64 = 0.25;

/// The cohorts, oldest first, and the latest settled cohort's cut against a year earlier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TtvReport {
    pub cohorts: Vec<TtvCohort>,
    pub reduction: Option<f64>,
    pub latest: Option<String>,
    pub baseline: Option<String>,
}

fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn quarter_end(y: i32, q: u32) -> NaiveDate {
    let (ny, nm) = if q == 4 { (y + 1, 1) } else { (y, q * 3 + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1).expect("the first of a month") - Duration::days(1)
}

/// The Kaplan–Meier median of `(days, reached)`: `reached = false` is an account still waiting
/// after `days`. Where the survival curve sits exactly at one half, the median is midway to the
/// next event, so with nobody waiting it is the ordinary median. `None` while fewer than half
/// have reached it.
pub fn km_median(times: &[(i64, bool)]) -> Option<f64> {
    let mut v = times.to_vec();
    // At a tie, events come before the waiting accounts observed that long (the usual convention).
    v.sort_by_key(|&(t, reached)| (t, !reached));
    let mut at_risk = v.len() as f64;
    let mut surviving = 1.0;
    let mut i = 0;
    while i < v.len() {
        let t = v[i].0;
        let (mut events, mut gone) = (0.0, 0.0);
        while i < v.len() && v[i].0 == t {
            events += f64::from(u8::from(v[i].1));
            gone += 1.0;
            i += 1;
        }
        if events > 0.0 {
            surviving *= 1.0 - events / at_risk;
            if (surviving - 0.5).abs() < 1e-12 {
                return Some(match v[i..].iter().find(|(_, reached)| *reached) {
                    Some(&(next, _)) => (t + next) as f64 / 2.0,
                    None => t as f64,
                });
            }
            if surviving < 0.5 {
                return Some(t as f64);
            }
        }
        at_risk -= gone;
    }
    None
}

/// Days from the start to `reached`, or the days observed so far while not reached.
fn time(start: NaiveDate, reached: Option<NaiveDate>, today: NaiveDate) -> (i64, bool) {
    match reached {
        Some(d) => ((d - start).num_days().max(0), true),
        None => ((today - start).num_days(), false),
    }
}

/// The book's contract-start cohorts on `today`. Accounts whose contract starts later are left out.
pub fn ttv_cohorts(facts: &[TtvFacts], today: NaiveDate) -> TtvReport {
    let mut by_q: BTreeMap<(i32, u32), Vec<&TtvFacts>> = BTreeMap::new();
    for f in facts.iter().filter(|f| f.contract_start <= today) {
        by_q.entry(quarter_of(f.contract_start))
            .or_default()
            .push(f);
    }
    let cohorts: Vec<((i32, u32), TtvCohort, bool)> = by_q
        .into_iter()
        .map(|((y, q), members)| {
            let first: Vec<(i64, bool)> = members
                .iter()
                .map(|f| time(f.contract_start, f.first_value_on, today))
                .collect();
            let full: Vec<(i64, bool)> = members
                .iter()
                .map(|f| time(f.contract_start, f.full_value_on, today))
                .collect();
            let by_day = HORIZONS
                .iter()
                .map(|&day| {
                    let watched = members
                        .iter()
                        .zip(&first)
                        .filter(|(f, _)| (today - f.contract_start).num_days() >= day);
                    let (observed, reached) = watched.fold((0, 0), |(o, r), (_, &(t, hit))| {
                        (o + 1, r + i64::from(hit && t <= day))
                    });
                    ReachedBy {
                        day,
                        observed,
                        reached,
                        share: (observed > 0).then(|| reached as f64 / observed as f64),
                    }
                })
                .collect();
            let reached_first = first.iter().filter(|t| t.1).count() as i64;
            let settled = (today - quarter_end(y, q)).num_days() >= COHORT_SETTLE_DAYS;
            let median_first_days = km_median(&first);
            let comparable = settled && members.len() >= MIN_COHORT && median_first_days.is_some();
            let cohort = TtvCohort {
                quarter: format!("{y} Q{q}"),
                accounts: members.len() as i64,
                reached_first,
                not_yet: members.len() as i64 - reached_first,
                reached_full: full.iter().filter(|t| t.1).count() as i64,
                by_day,
                median_first_days,
                median_full_days: km_median(&full),
                settled,
                target_days: None,
                cut: None,
            };
            ((y, q), cohort, comparable)
        })
        .collect();

    let base_of = |y: i32, q: u32| {
        cohorts
            .iter()
            .find(|(k, _, comparable)| *k == (y - 1, q) && *comparable)
            .and_then(|(_, c, _)| c.median_first_days.map(|m| (c.quarter.clone(), m)))
            .filter(|(_, m)| *m > 0.0)
    };
    let mut report = TtvReport::default();
    let mut out = Vec::with_capacity(cohorts.len());
    for ((y, q), mut c, comparable) in cohorts.iter().cloned() {
        if let Some((base_q, base)) = base_of(y, q) {
            c.target_days = Some(base * (1.0 - TARGET_CUT));
            if comparable {
                c.cut = c.median_first_days.map(|m| 1.0 - m / base);
            }
            if comparable {
                report.latest = Some(c.quarter.clone());
                report.baseline = Some(base_q);
                report.reduction = c.cut;
            }
        } else if comparable {
            // The latest comparable cohort has no year-earlier one: no cut to report.
            report = TtvReport::default();
        }
        out.push(c);
    }
    report.cohorts = out;
    report
}

/// The accounts, not churned, still without first value on `today`, the longest waiting first;
/// `late` past `late_days` since the contract start.
pub fn waiting(facts: &[TtvFacts], today: NaiveDate, late_days: i64) -> Vec<TtvWaiting> {
    let mut out: Vec<TtvWaiting> = facts
        .iter()
        .filter(|f| {
            f.first_value_on.is_none() && f.churned_on.is_none() && f.contract_start <= today
        })
        .map(|f| {
            let days = (today - f.contract_start).num_days();
            TtvWaiting {
                account_id: f.account_id,
                account: f.account.clone(),
                owner: f.owner.clone(),
                arr: f.arr,
                contract_start: f.contract_start,
                days_since_start: days,
                first_value_due: f.first_value_due,
                has_first_value_milestone: f.has_first_value_milestone,
                late: days > late_days,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.days_since_start
            .cmp(&a.days_since_start)
            .then(b.arr.total_cmp(&a.arr))
            .then(a.account_id.cmp(&b.account_id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn acct(start: &str, first_after: Option<i64>) -> TtvFacts {
        TtvFacts {
            account_id: 1,
            account: "Acme".into(),
            owner: "Ana".into(),
            arr: 1000.0,
            contract_start: d(start),
            churned_on: None,
            first_value_on: first_after.map(|n| d(start) + Duration::days(n)),
            full_value_on: None,
            first_value_due: None,
            has_first_value_milestone: true,
        }
    }

    #[test]
    fn km_median_without_waiting_accounts_is_the_ordinary_median() {
        assert_eq!(
            km_median(&[(80, true), (100, true), (90, true)]),
            Some(90.0)
        );
        assert_eq!(
            km_median(&[(50, true), (80, true), (60, true), (70, true)]),
            Some(65.0)
        );
        assert_eq!(km_median(&[]), None);
    }

    #[test]
    fn km_median_keeps_the_accounts_still_waiting() {
        // Five accounts: reached at 10 and 20; waiting after 15, 200 and 300 days.
        // S(10) = 4/5 = 0.8; at 15 one leaves the risk set (3 left); S(20) = 0.8 × 2/3 = 0.533…
        // Only two of five reached: the median is unknown, where dropping the waiting would say 15.
        let times = [
            (10, true),
            (15, false),
            (20, true),
            (200, false),
            (300, false),
        ];
        assert_eq!(km_median(&times), None);
        // A third reaches at 40: S(40) = 0.533 × 1/2 = 0.267 < 0.5 → 40.
        let times = [
            (10, true),
            (15, false),
            (20, true),
            (40, true),
            (300, false),
        ];
        assert_eq!(km_median(&times), Some(40.0));
    }

    #[test]
    fn a_cohort_counts_its_slow_starters_as_not_yet() {
        let today = d("2026-12-01");
        // 2026 Q1 (ended 2026-03-31, 245 days ago: settled): first value after 20, 45, 80 days,
        // one account still waiting (started 2026-02-01, 303 days ago).
        let facts = [
            acct("2026-01-10", Some(20)),
            acct("2026-02-01", Some(45)),
            acct("2026-03-01", Some(80)),
            acct("2026-02-01", None),
        ];
        let r = ttv_cohorts(&facts, today);
        assert_eq!(r.cohorts.len(), 1);
        let c = &r.cohorts[0];
        assert_eq!(c.quarter, "2026 Q1");
        assert_eq!((c.accounts, c.reached_first, c.not_yet), (4, 3, 1));
        assert!(c.settled);
        // All four observed for 90+ days: by day 30 one of four, by 60 two, by 90 three.
        let shares: Vec<(i64, i64, i64)> = c
            .by_day
            .iter()
            .map(|b| (b.day, b.observed, b.reached))
            .collect();
        assert_eq!(shares, [(30, 4, 1), (60, 4, 2), (90, 4, 3)]);
        assert_eq!(c.by_day[2].share, Some(0.75));
        // Sorted: 20, 45, 80, waiting at 303. S(20)=3/4, S(45)=1/2 exactly → midway to 80.
        assert_eq!(c.median_first_days, Some(62.5));
        assert_eq!(c.median_full_days, None);
    }

    #[test]
    fn a_young_cohort_reads_shares_only_for_the_days_it_has_lived() {
        let today = d("2026-12-01");
        // Started 40 and 70 days ago; one reached at day 25.
        let facts = [acct("2026-10-22", Some(25)), acct("2026-09-22", None)];
        let c = &ttv_cohorts(&facts, today).cohorts;
        // 2026 Q3 (Sep 22) and 2026 Q4 (Oct 22) are separate cohorts.
        assert_eq!(c.len(), 2);
        let q3 = &c[0];
        assert_eq!(q3.quarter, "2026 Q3");
        assert_eq!(q3.by_day[0].observed, 1);
        assert_eq!(q3.by_day[0].reached, 0);
        assert_eq!(q3.by_day[2].observed, 0);
        assert_eq!(q3.by_day[2].share, None);
        assert!(!q3.settled);
        let q4 = &c[1];
        assert_eq!((q4.by_day[0].observed, q4.by_day[0].reached), (1, 1));
        assert_eq!(q4.by_day[1].observed, 0);
    }

    #[test]
    fn the_cut_compares_the_latest_settled_cohort_with_a_year_earlier() {
        let today = d("2026-11-24");
        let mut facts = vec![
            // 2025 Q1: 80, 90, 100 → median 90.
            acct("2025-01-15", Some(80)),
            acct("2025-02-01", Some(100)),
            acct("2025-03-30", Some(90)),
            // 2025 Q3: two accounts, too few to compare.
            acct("2025-08-01", Some(70)),
            acct("2025-08-02", Some(60)),
            // 2026 Q1: 50, 60, 70, 80 → median 65.
            acct("2026-01-05", Some(50)),
            acct("2026-02-05", Some(80)),
            acct("2026-03-05", Some(60)),
            acct("2026-03-06", Some(70)),
        ];
        // 2026 Q3 ended 55 days ago: not settled, shown but not compared.
        for day in ["2026-07-01", "2026-07-02", "2026-07-03"] {
            facts.push(acct(day, Some(10)));
        }
        let r = ttv_cohorts(&facts, today);
        let qs: Vec<&str> = r.cohorts.iter().map(|c| c.quarter.as_str()).collect();
        assert_eq!(qs, ["2025 Q1", "2025 Q3", "2026 Q1", "2026 Q3"]);
        assert_eq!(r.latest.as_deref(), Some("2026 Q1"));
        assert_eq!(r.baseline.as_deref(), Some("2025 Q1"));
        // 1 − 65/90 = 0.2777…
        assert!((r.reduction.unwrap() - (1.0 - 65.0 / 90.0)).abs() < 1e-12);
        let q1 = &r.cohorts[2];
        assert_eq!(q1.target_days, Some(67.5));
        // The young 2026 Q3 has no settled year-earlier cohort (2025 Q3 is too small): no target.
        assert_eq!(r.cohorts[3].target_days, None);
        assert_eq!(r.cohorts[3].cut, None);
    }

    #[test]
    fn no_year_earlier_cohort_means_no_cut() {
        let facts = [
            acct("2026-01-05", Some(50)),
            acct("2026-01-06", Some(50)),
            acct("2026-01-07", Some(50)),
        ];
        let r = ttv_cohorts(&facts, d("2026-11-24"));
        assert_eq!(r.cohorts.len(), 1);
        assert_eq!(r.reduction, None);
        assert_eq!(r.cohorts[0].target_days, None);
    }

    #[test]
    fn waiting_lists_the_longest_waiting_live_accounts_and_marks_late_ones() {
        let today = d("2026-12-01");
        let mut churned = acct("2026-01-01", None);
        churned.churned_on = Some(d("2026-06-01"));
        let mut old = acct("2026-08-01", None);
        old.account_id = 2;
        let mut new = acct("2026-11-10", None);
        new.account_id = 3;
        let future = acct("2027-01-01", None);
        let reached = acct("2026-08-01", Some(10));
        let w = waiting(&[churned, new, reached, old, future], today, 30);
        let ids: Vec<i64> = w.iter().map(|w| w.account_id).collect();
        assert_eq!(ids, [2, 3]);
        // 2026-08-01 → 2026-12-01 is 122 days; 2026-11-10 → 21 days.
        assert_eq!((w[0].days_since_start, w[0].late), (122, true));
        assert_eq!((w[1].days_since_start, w[1].late), (21, false));
    }
}
