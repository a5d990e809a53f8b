//! Adoption from daily usage (pure): an account's year week by week, its key features and how
//! broadly it uses them, and the book's spread of seat utilisation and feature breadth.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::domain::adoption::{
    AdoptionBucket, AdoptionFacts, AdoptionRow, FeatureUse, UsageRecord, UsageWeek,
};

/// Weeks an account's chart covers.
pub const WEEKS: i64 = 52;
/// The utilisation bands of the book's distribution: upper bounds, the last open.
const UTILISATION_BANDS: [(f64, &str); 5] = [
    (0.4, "Under 40 %"),
    (0.6, "40–60 %"),
    (0.8, "60–80 %"),
    (1.0, "80–100 %"),
    (f64::INFINITY, "Over 100 %"),
];

/// The 52 weeks to `as_of` (each ending on the same weekday as `as_of`), oldest first; weeks
/// with no usage reported are left out.
pub fn weeks(records: &[UsageRecord], seats: i64, as_of: NaiveDate) -> Vec<UsageWeek> {
    let mut by: BTreeMap<i64, (f64, f64, u32)> = BTreeMap::new();
    for r in records {
        let back = (as_of - r.day).num_days();
        if !(0..WEEKS * 7).contains(&back) {
            continue;
        }
        let w = by.entry(back / 7).or_default();
        w.0 += r.active_users as f64;
        w.1 += r.seats_used as f64;
        w.2 += 1;
    }
    by.into_iter()
        .rev()
        .map(|(i, (active, used, days))| {
            let active_users = active / f64::from(days);
            UsageWeek {
                week: as_of - Duration::days(7 * i + 6),
                active_users,
                seats_used: used / f64::from(days),
                utilisation: (seats > 0).then(|| active_users / seats as f64),
                days,
            }
        })
        .collect()
}

/// The key features on an account on `as_of`: events in the last 30 days and the 30 before,
/// days used, first and last use; every feature in `names` is listed, most used first. Also
/// the breadth now and 90 days earlier (features with an event in the 30 days to each).
pub fn features(
    records: &[UsageRecord],
    names: &[(i64, String)],
    as_of: NaiveDate,
) -> (Vec<FeatureUse>, u32, u32) {
    let mut out: Vec<FeatureUse> = names
        .iter()
        .map(|(_, name)| FeatureUse {
            name: name.clone(),
            events_30: 0,
            events_prev_30: 0,
            days_30: 0,
            first_used: None,
            last_used: None,
        })
        .collect();
    let mut then = vec![false; names.len()];
    for r in records.iter().filter(|r| r.day <= as_of) {
        let back = (as_of - r.day).num_days();
        for &(id, events) in r.features.iter().filter(|(_, n)| *n > 0) {
            let Some(i) = names.iter().position(|(n, _)| *n == id) else {
                continue;
            };
            let f = &mut out[i];
            f.first_used = Some(f.first_used.map_or(r.day, |d| d.min(r.day)));
            f.last_used = Some(f.last_used.map_or(r.day, |d| d.max(r.day)));
            if back < 30 {
                f.events_30 += events;
                f.days_30 += 1;
            } else if back < 60 {
                f.events_prev_30 += events;
            }
            if (90..120).contains(&back) {
                then[i] = true;
            }
        }
    }
    let now = out.iter().filter(|f| f.events_30 > 0).count() as u32;
    let before = then.iter().filter(|t| **t).count() as u32;
    out.sort_by(|a, b| {
        b.events_30
            .cmp(&a.events_30)
            .then(b.last_used.cmp(&a.last_used))
            .then(a.name.cmp(&b.name))
    });
    (out, now, before)
}

/// What the book view shows.
pub struct BookAdoption {
    pub utilisation: Vec<AdoptionBucket>,
    pub breadth: Vec<AdoptionBucket>,
    pub rows: Vec<AdoptionRow>,
    pub without_usage: u32,
    pub median_utilisation: Option<f64>,
}

fn utilisation(active: Option<f64>, seats: i64) -> Option<f64> {
    active.filter(|_| seats > 0).map(|a| a / seats as f64)
}

/// The ARR-weighted median: the utilisation at which half the book's ARR is below. With no
/// ARR at all, every account weighs the same.
fn weighted_median(rows: &[AdoptionRow]) -> Option<f64> {
    let mut v: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| r.utilisation.map(|u| (u, r.arr.max(0.0))))
        .collect();
    if v.is_empty() {
        return None;
    }
    if v.iter().all(|(_, w)| *w == 0.0) {
        v.iter_mut().for_each(|x| x.1 = 1.0);
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = v.iter().map(|x| x.1).sum::<f64>() / 2.0;
    let mut run = 0.0;
    for (u, w) in &v {
        run += w;
        if run >= half {
            return Some(*u);
        }
    }
    v.last().map(|x| x.0)
}

/// The book's adoption from each account's facts; `known` key features in all.
pub fn book(facts: &[AdoptionFacts], known: u32) -> BookAdoption {
    let mut utilisation_b: Vec<AdoptionBucket> = UTILISATION_BANDS
        .iter()
        .map(|(_, l)| AdoptionBucket {
            label: (*l).into(),
            accounts: 0,
            arr: 0.0,
        })
        .collect();
    let mut breadth_b: Vec<AdoptionBucket> = (0..=known)
        .map(|n| AdoptionBucket {
            label: format!("{n} of {known}"),
            accounts: 0,
            arr: 0.0,
        })
        .collect();
    let mut rows = Vec::new();
    let mut without = 0;
    for f in facts {
        let u = utilisation(f.active_7, f.seats_purchased);
        let Some(u) = u else {
            without += 1;
            continue;
        };
        let band = UTILISATION_BANDS
            .iter()
            .position(|(hi, _)| u < *hi || (*hi == 1.0 && u <= 1.0))
            .unwrap_or(UTILISATION_BANDS.len() - 1);
        utilisation_b[band].accounts += 1;
        utilisation_b[band].arr += f.arr;
        if known > 0 {
            let b = &mut breadth_b[f.breadth.min(known) as usize];
            b.accounts += 1;
            b.arr += f.arr;
        }
        rows.push(AdoptionRow {
            account_id: f.account_id,
            name: f.name.clone(),
            owner: f.owner.clone(),
            arr: f.arr,
            seats_purchased: f.seats_purchased,
            utilisation: Some(u),
            utilisation_90_days_ago: utilisation(f.active_7_then, f.seats_purchased),
            breadth: f.breadth,
        });
    }
    rows.sort_by(|a, b| {
        a.utilisation
            .unwrap_or(0.0)
            .total_cmp(&b.utilisation.unwrap_or(0.0))
            .then(b.arr.total_cmp(&a.arr))
    });
    let median_utilisation = weighted_median(&rows);
    BookAdoption {
        utilisation: utilisation_b,
        breadth: if known > 0 { breadth_b } else { Vec::new() },
        rows,
        without_usage: without,
        median_utilisation,
    }
}
