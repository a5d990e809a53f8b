//! Adoption on hand-built usage whose figures are worked out in the comments.

use chrono::{Duration, NaiveDate};

use super::adoption::{book, features, weeks};
use crate::domain::adoption::{AdoptionFacts, UsageRecord};

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

fn rec(back: i64, active: i64, features: &[(i64, i64)]) -> UsageRecord {
    UsageRecord {
        day: as_of() - Duration::days(back),
        active_users: active,
        seats_used: active,
        features: features.to_vec(),
    }
}

#[test]
fn a_year_week_by_week_ends_on_the_latest_day() {
    let r = [
        rec(0, 10, &[]),
        rec(6, 20, &[]),
        rec(7, 30, &[]),
        rec(363, 5, &[]),
        rec(364, 99, &[]),
        rec(-1, 99, &[]),
    ];
    let w = weeks(&r, 40, as_of());
    let got: Vec<_> = w
        .iter()
        .map(|w| {
            (
                (as_of() - w.week).num_days(),
                w.active_users,
                w.utilisation,
                w.days,
            )
        })
        .collect();
    // Week 51 starts 363 days back (5 of 40 seats), week 1 13 days back (30), week 0 six
    // days back (10 and 20: 15 a day over 2 days); 364 days back is outside, tomorrow too.
    assert_eq!(
        got,
        vec![
            (363, 5.0, Some(0.125), 1),
            (13, 30.0, Some(0.75), 1),
            (6, 15.0, Some(0.375), 2)
        ]
    );
    assert_eq!(
        weeks(&r, 0, as_of())[0].utilisation,
        None,
        "no seats on record"
    );
}

#[test]
fn features_in_use_now_and_three_months_ago() {
    let names = [
        (1, "Dashboards".to_string()),
        (2, "API".to_string()),
        (3, "Mobile".to_string()),
    ];
    let r = [
        rec(0, 1, &[(1, 5), (2, 0)]),
        rec(29, 1, &[(1, 3)]),
        rec(30, 1, &[(1, 4), (2, 2)]),
        rec(59, 1, &[(2, 1)]),
        rec(100, 1, &[(3, 1)]),
        rec(5, 1, &[(9, 7)]),
    ];
    let (f, now, then) = features(&r, &names, as_of());
    let got: Vec<_> = f
        .iter()
        .map(|f| (f.name.as_str(), f.events_30, f.events_prev_30, f.days_30))
        .collect();
    // Dashboards 5 + 3 in the last 30 days and 4 on day 30; API 2 + 1 in the 30 before (its
    // zero today is no use); Mobile only 100 days ago. Feature 9 is unknown to the book.
    assert_eq!(
        got,
        vec![
            ("Dashboards", 8, 4, 2),
            ("API", 0, 3, 0),
            ("Mobile", 0, 0, 0)
        ]
    );
    assert_eq!(f[0].first_used, Some(as_of() - Duration::days(30)));
    assert_eq!(f[1].last_used, Some(as_of() - Duration::days(30)));
    assert_eq!(
        (now, then),
        (1, 1),
        "Dashboards now; Mobile in the 30 days to 90 days ago"
    );
}

fn fact(id: i64, arr: f64, seats: i64, active: Option<f64>, breadth: u32) -> AdoptionFacts {
    AdoptionFacts {
        account_id: id,
        name: format!("A{id}"),
        owner: String::new(),
        arr,
        seats_purchased: seats,
        active_7: active,
        active_7_then: active.map(|a| a * 2.0),
        breadth,
    }
}

#[test]
fn the_book_spreads_utilisation_and_breadth_and_weighs_the_median_by_arr() {
    let b = book(
        &[
            fact(1, 100.0, 10, Some(12.0), 3),
            fact(2, 300.0, 100, Some(50.0), 1),
            fact(3, 50.0, 0, Some(5.0), 2),
            fact(4, 200.0, 20, None, 0),
            fact(5, 0.0, 10, Some(4.0), 0),
        ],
        3,
    );
    let u: Vec<_> = b
        .utilisation
        .iter()
        .map(|x| (x.label.as_str(), x.accounts, x.arr))
        .collect();
    // 120 % is over; 50 % and exactly 40 % are in 40–60; no seats or no usage: left out.
    assert_eq!(
        u,
        vec![
            ("Under 40 %", 0, 0.0),
            ("40–60 %", 2, 300.0),
            ("60–80 %", 0, 0.0),
            ("80–100 %", 0, 0.0),
            ("Over 100 %", 1, 100.0)
        ]
    );
    let br: Vec<_> = b.breadth.iter().map(|x| x.accounts).collect();
    assert_eq!(br, vec![1, 1, 0, 1]);
    assert_eq!(b.without_usage, 2);
    let order: Vec<_> = b.rows.iter().map(|r| r.account_id).collect();
    assert_eq!(order, vec![5, 2, 1], "lowest utilisation first");
    assert_eq!(b.rows[1].utilisation_90_days_ago, Some(1.0));
    // ARR 0, 300 and 100 at 40 %, 50 % and 120 %: half the 400 is reached at 50 %.
    assert_eq!(b.median_utilisation, Some(0.5));
    assert!(book(&[], 0).breadth.is_empty());
}
