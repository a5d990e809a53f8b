//! The journey over a period, from each account's stage history (pure): stays per stage and how
//! long they last, flows between stages, where accounts stall, and how accounts that stalled
//! fared at renewal.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::domain::journey::{
    JourneyFacts, RenewalByStall, RenewalTally, StageCount, StageExpectations, StageFlow, StageMix,
    StageStay, StageSummary, StalledAccount,
};
use crate::domain::LifecycleStage;
use crate::kpi::km_median;

/// Days after a renewal stay within which a churn counts as that renewal lost.
pub const RENEWAL_DECISION_DAYS: i64 = 120;
/// How far before a renewal a stall counts against it.
pub const STALL_LOOKBACK_DAYS: i64 = 365;

/// An account's stays, oldest first; the last is under way on `today`.
pub fn stays(
    history: &[(LifecycleStage, NaiveDate)],
    today: NaiveDate,
    exp: &StageExpectations,
) -> Vec<StageStay> {
    let mut h: Vec<_> = history
        .iter()
        .copied()
        .filter(|(_, d)| *d <= today)
        .collect();
    h.sort_by_key(|(_, d)| *d);
    // Two entries on one day: the later one is where the account ended the day.
    h.dedup_by(|b, a| {
        if a.1 == b.1 {
            a.0 = b.0;
            true
        } else {
            false
        }
    });
    h.dedup_by(|b, a| a.0 == b.0);
    h.iter()
        .enumerate()
        .map(|(i, &(stage, from))| {
            let to = h.get(i + 1).map(|n| n.1);
            let days = (to.unwrap_or(today) - from).num_days();
            let expected_days = exp.days(stage);
            StageStay {
                stage,
                from,
                to,
                days,
                expected_days,
                stalled: expected_days.is_some_and(|e| days > e),
            }
        })
        .collect()
}

/// What the journey view shows for `[from, to]`, on `today`.
pub struct Journey {
    pub stages: Vec<StageSummary>,
    pub flows: Vec<StageFlow>,
    pub stalled: Vec<StalledAccount>,
    pub renewals: RenewalByStall,
    pub mix: Vec<StageMix>,
}

fn within(d: NaiveDate, from: NaiveDate, to: NaiveDate) -> bool {
    (from..=to).contains(&d)
}

/// The journey of the book in `[from, to]`.
pub fn journey(
    facts: &[JourneyFacts],
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    exp: &StageExpectations,
) -> Journey {
    let mut per_stage: BTreeMap<usize, StageSummary> = LifecycleStage::ALL
        .iter()
        .enumerate()
        .map(|(i, &stage)| {
            (
                i,
                StageSummary {
                    stage,
                    now: 0,
                    arr_now: 0.0,
                    entered: 0,
                    left: 0,
                    median_days: None,
                    expected_days: exp.days(stage),
                    overran: 0,
                    stalled_now: 0,
                    stalled_arr: 0.0,
                    after_stall: Vec::new(),
                },
            )
        })
        .collect();
    let index = |s: LifecycleStage| {
        LifecycleStage::ALL
            .iter()
            .position(|x| *x == s)
            .expect("every stage is listed")
    };
    let mut times: BTreeMap<usize, Vec<(i64, bool)>> = BTreeMap::new();
    let mut after: BTreeMap<(usize, usize), u32> = BTreeMap::new();
    let mut flows: Vec<StageFlow> = Vec::new();
    let mut stalled = Vec::new();
    let mut renewals = RenewalByStall::default();
    let end = to.min(today);
    let days: Vec<NaiveDate> = (0..)
        .map(|k| from + Duration::days(7 * k))
        .take_while(|d| *d < end)
        .chain([end])
        .collect();
    let mut mix: Vec<StageMix> = days
        .iter()
        .map(|&day| StageMix {
            day,
            counts: vec![0; LifecycleStage::ALL.len()],
        })
        .collect();
    for f in facts {
        let s = stays(&f.history, today, exp);
        for m in &mut mix {
            if let Some(stay) = s
                .iter()
                .find(|x| x.from <= m.day && x.to.is_none_or(|t| t > m.day))
            {
                m.counts[index(stay.stage)] += 1;
            }
        }
        for (i, stay) in s.iter().enumerate() {
            let sum = per_stage.get_mut(&index(stay.stage)).expect("listed");
            if within(stay.from, from, to) {
                sum.entered += 1;
                times
                    .entry(index(stay.stage))
                    .or_default()
                    .push((stay.days, stay.to.is_some()));
                if stay.stalled {
                    sum.overran += 1;
                }
                let prev = i.checked_sub(1).map(|p| s[p].stage);
                match flows
                    .iter_mut()
                    .find(|x| x.from == prev && x.to == stay.stage)
                {
                    Some(x) => {
                        x.accounts += 1;
                        x.arr += f.arr;
                    }
                    None => flows.push(StageFlow {
                        from: prev,
                        to: stay.stage,
                        accounts: 1,
                        arr: f.arr,
                    }),
                }
            }
            if stay.to.is_some_and(|d| within(d, from, to)) {
                sum.left += 1;
                if stay.stalled {
                    if let Some(next) = s.get(i + 1) {
                        *after
                            .entry((index(stay.stage), index(next.stage)))
                            .or_default() += 1;
                    }
                }
            }
            if stay.to.is_none() {
                sum.now += 1;
                sum.arr_now += f.arr;
                if stay.stalled {
                    sum.stalled_now += 1;
                    sum.stalled_arr += f.arr;
                    stalled.push(StalledAccount {
                        account_id: f.account_id,
                        name: f.name.clone(),
                        arr: f.arr,
                        stage: stay.stage,
                        since: stay.from,
                        days: stay.days,
                        expected_days: stay.expected_days.unwrap_or_default(),
                    });
                }
            }
        }
        tally_renewals(&s, f.arr, from, to, today, &mut renewals);
    }
    for (i, t) in times {
        per_stage.get_mut(&i).expect("listed").median_days = km_median(&t);
    }
    for ((stage, next), n) in after {
        per_stage
            .get_mut(&stage)
            .expect("listed")
            .after_stall
            .push(StageCount {
                stage: LifecycleStage::ALL[next],
                accounts: n,
            });
    }
    let mut stages: Vec<StageSummary> = per_stage.into_values().collect();
    for s in &mut stages {
        s.after_stall.sort_by(|a, b| {
            b.accounts
                .cmp(&a.accounts)
                .then(index(a.stage).cmp(&index(b.stage)))
        });
    }
    flows.sort_by(|a, b| b.accounts.cmp(&a.accounts).then(b.arr.total_cmp(&a.arr)));
    // The longest overrun first, relative to what the stage expects.
    stalled.sort_by(|a, b| {
        let r = |s: &StalledAccount| s.days as f64 / s.expected_days.max(1) as f64;
        r(b).total_cmp(&r(a)).then(b.arr.total_cmp(&a.arr))
    });
    Journey {
        stages,
        flows,
        stalled,
        renewals,
        mix,
    }
}

/// Counts each renewal stay that ended in `[from, to]` as renewed or churned (a churn within
/// 120 days of its end), against whether the account stalled in the year before it began. A
/// renewal followed by at-risk and no churn yet, within those 120 days, is not decided.
fn tally_renewals(
    s: &[StageStay],
    arr: f64,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    out: &mut RenewalByStall,
) {
    for (i, r) in s.iter().enumerate() {
        let Some(end) = r.to.filter(|d| within(*d, from, to)) else {
            continue;
        };
        if r.stage != LifecycleStage::Renewal {
            continue;
        }
        let decide_by = end + Duration::days(RENEWAL_DECISION_DAYS);
        let churned = s[i + 1..]
            .iter()
            .any(|n| n.stage == LifecycleStage::Churned && n.from <= decide_by);
        let next = s.get(i + 1).map(|n| n.stage);
        if !churned && next == Some(LifecycleStage::AtRisk) && today < decide_by {
            continue;
        }
        let look_from = r.from - Duration::days(STALL_LOOKBACK_DAYS);
        let stalled_before = s[..i].iter().any(|p| {
            let until = p.to.unwrap_or(today).min(r.from);
            p.expected_days
                .is_some_and(|e| (until - p.from).num_days() > e && until >= look_from)
        });
        let t = if stalled_before {
            &mut out.stalled
        } else {
            &mut out.not_stalled
        };
        if churned {
            t.churned += 1;
            t.churned_arr += arr;
        } else {
            t.renewed += 1;
            t.renewed_arr += arr;
        }
    }
}

/// The share renewed of a tally, `None` with no decided renewal.
pub fn renewal_rate(t: &RenewalTally) -> Option<f64> {
    let n = t.renewed + t.churned;
    (n > 0).then(|| f64::from(t.renewed) / f64::from(n))
}
