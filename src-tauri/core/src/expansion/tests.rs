use chrono::NaiveDate;

use super::*;
use crate::domain::expansion::Handoff;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn book() -> PriceBook {
    PriceBook {
        currency: "USD".into(),
        tiers: vec![
            TierPrice {
                tier: "Starter".into(),
                seat_price: 240.0,
                rank: 0,
            },
            TierPrice {
                tier: "Professional".into(),
                seat_price: 420.0,
                rank: 1,
            },
            TierPrice {
                tier: "Premium".into(),
                seat_price: 600.0,
                rank: 2,
            },
        ],
        estimated: false,
    }
}

fn facts(id: i64, tier: &str, seats: i64, utilisation: f64) -> ExpansionFacts {
    ExpansionFacts {
        account_id: id,
        account: format!("Account {id}"),
        owner: "Ana".into(),
        tier: tier.into(),
        seats,
        arr: seats as f64 * 420.0,
        currency: "USD".into(),
        band: Some(Band::Green),
        score: Some(80),
        score_before: Some(79),
        utilisation: Some(utilisation),
        usage_on: Some(d("2026-11-30")),
        promoter: None,
        open_expansion: None,
        handoff: None,
        won_since: None,
    }
}

const TODAY: &str = "2026-12-01";

#[test]
fn full_seats_are_priced_to_bring_utilisation_back_to_80_percent() {
    // 100 seats, 95 active: ceil(95 / 0.8) = 119 seats → 19 more at $420 = $7,980.
    let (ops, _) = opportunities(&[facts(1, "Professional", 100, 0.95)], &book(), d(TODAY));
    assert_eq!(ops.len(), 1);
    let o = &ops[0];
    assert_eq!((o.kind, o.seats_to_add), (ExpansionKind::Seats, 19));
    assert_eq!(o.estimated_value, 7_980.0);
    assert_eq!(o.signals[0].kind, SignalKind::SeatsNearFull);
    assert_eq!(o.signals[0].text, "95 of 100 seats in use (95 %).");
    // Over the seats: 50 seats, 60 active → ceil(75) − 50 = 25 more at $240.
    let (ops, _) = opportunities(&[facts(2, "Starter", 50, 1.2)], &book(), d(TODAY));
    assert_eq!(ops[0].signals[0].kind, SignalKind::OverSeats);
    assert_eq!(ops[0].seats_to_add, 25);
    assert_eq!(ops[0].estimated_value, 6_000.0);
    // Exactly 80 % is not a signal.
    assert!(
        opportunities(&[facts(3, "Starter", 50, 0.8)], &book(), d(TODAY))
            .0
            .is_empty()
    );
}

#[test]
fn a_promoter_with_rising_health_using_most_seats_is_offered_the_next_tier() {
    let mut f = facts(4, "Professional", 40, 0.7);
    f.promoter = Some((10, d("2026-11-02"), "Dana Whitfield".into()));
    // A promoter alone is not enough to move every seat up a tier.
    assert!(opportunities(&[f.clone()], &book(), d(TODAY)).0.is_empty());
    f.score_before = Some(70);
    let (ops, _) = opportunities(&[f.clone()], &book(), d(TODAY));
    let o = &ops[0];
    assert_eq!(o.kind, ExpansionKind::Upgrade);
    assert_eq!(o.to_tier.as_deref(), Some("Premium"));
    // 40 seats × ($600 − $420) = $7,200.
    assert_eq!(o.estimated_value, 7_200.0);
    assert_eq!(
        o.signals[0].text,
        "Dana Whitfield scored 10 for NPS on 2 Nov 2026."
    );
    // The top tier has nowhere to go; a half-used account is not ready.
    let mut top = f.clone();
    top.tier = "Premium".into();
    assert!(opportunities(&[top], &book(), d(TODAY)).0.is_empty());
    let mut idle = f;
    idle.utilisation = Some(0.5);
    assert!(opportunities(&[idle], &book(), d(TODAY)).0.is_empty());
}

#[test]
fn rising_green_health_counts_and_red_accounts_are_left_to_retention() {
    let mut rising = facts(5, "Starter", 10, 0.9);
    rising.score_before = Some(70);
    rising.score = Some(82);
    let (ops, _) = opportunities(&[rising.clone()], &book(), d(TODAY));
    let kinds: Vec<SignalKind> = ops[0].signals.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SignalKind::SeatsNearFull, SignalKind::HealthRising]);
    assert_eq!(
        ops[0].signals[1].text,
        "Health 82, up 12 points in 90 days."
    );
    let mut red = rising;
    red.band = Some(Band::Red);
    assert!(opportunities(&[red], &book(), d(TODAY)).0.is_empty());
}

#[test]
fn open_ones_rank_first_by_value_weighed_by_signals_then_those_with_sales() {
    // A: $7,980 on one signal. B: 10 seats over → $240 × … smaller but three signals.
    let a = facts(1, "Professional", 100, 0.95);
    let mut b = facts(2, "Premium", 20, 1.1);
    // 22 active → ceil(27.5) − 20 = 8 seats × $600 = $4,800; weighed ×1.5 = 7,200 < 7,980.
    b.promoter = Some((9, d("2026-10-01"), String::new()));
    b.score_before = Some(60);
    let mut c = facts(3, "Professional", 100, 0.99);
    c.handoff = Some(Handoff {
        id: 1,
        kind: ExpansionKind::Seats,
        seats: 24,
        estimated_value: 10_080.0,
        handed_on: d("2026-11-15"),
        handed_by: "Ana".into(),
        task_id: Some(9),
    });
    let mut w = facts(4, "Starter", 10, 0.5);
    w.handoff = c.handoff.clone();
    w.won_since = Some((3_000.0, d("2026-11-28")));
    let mut p = facts(5, "Starter", 10, 0.95);
    p.open_expansion = Some(1_500.0);
    let (ops, _) = opportunities(&[w, c, p, b, a], &book(), d(TODAY));
    let ids: Vec<i64> = ops.iter().map(|o| o.account_id).collect();
    assert_eq!(ids, [1, 2, 3, 5, 4]);
    assert_eq!(ops[1].estimated_value, 4_800.0);
    assert!(matches!(ops[2].state, OpportunityState::Handed { .. }));
    assert!(matches!(ops[3].state, OpportunityState::InPipeline { amount } if amount == 1_500.0));
    // Won, with no signal left: still shown, with the handoff's estimate.
    match &ops[4].state {
        OpportunityState::Won { amount, .. } => assert_eq!(*amount, 3_000.0),
        s => panic!("{s:?}"),
    }
    assert_eq!(ops[4].estimated_value, 10_080.0);
}

#[test]
fn a_handoff_older_than_180_days_with_nothing_won_is_open_again() {
    let mut f = facts(1, "Professional", 100, 0.95);
    f.handoff = Some(Handoff {
        id: 1,
        kind: ExpansionKind::Seats,
        seats: 19,
        estimated_value: 7_980.0,
        handed_on: d("2026-05-01"),
        handed_by: "Ana".into(),
        task_id: None,
    });
    let (ops, _) = opportunities(&[f], &book(), d(TODAY));
    assert_eq!(ops[0].state, OpportunityState::Open);
}

#[test]
fn without_a_listed_tier_the_account_s_own_seat_price_is_used_and_else_it_is_named() {
    // No tier (as on most CRM companies): $9,000 ARR on 10 seats → $900 a seat; 10 seats, 10
    // active → ceil(12.5) − 10 = 3 more → $2,700.
    let mut untiered = facts(1, "", 10, 1.0);
    untiered.arr = 9_000.0;
    let (ops, unpriced) = opportunities(&[untiered], &book(), d(TODAY));
    assert_eq!(ops[0].seat_price, 900.0);
    assert!(!ops[0].price_from_book);
    assert_eq!(ops[0].estimated_value, 2_700.0);
    assert!(
        ops[0].summary.contains("(what it pays now)"),
        "{}",
        ops[0].summary
    );
    assert!(unpriced.is_empty());
    // Nothing to go by: named, not guessed.
    let mut free = facts(2, "Legacy Gold", 10, 0.95);
    free.arr = 0.0;
    let (ops, unpriced) = opportunities(&[free], &book(), d(TODAY));
    assert!(ops.is_empty());
    assert_eq!(unpriced, ["Legacy Gold"]);
}

#[test]
fn the_estimated_price_book_is_each_tiers_median_arr_per_seat() {
    let accounts = vec![
        ("Starter".to_string(), 2_400.0, 10),
        ("Starter".to_string(), 5_000.0, 20),
        ("Starter".to_string(), 2_000.0, 10),
        ("Premium".to_string(), 60_000.0, 100),
        ("Premium".to_string(), 70_000.0, 100),
        ("".to_string(), 9_999.0, 1),
        ("Starter".to_string(), 1_000.0, 0),
    ];
    let b = estimated_price_book(&accounts, "USD");
    // Starter: 240, 250, 200 → 240. Premium: 600, 700 → 650.
    let got: Vec<(&str, f64, i64)> = b
        .tiers
        .iter()
        .map(|t| (t.tier.as_str(), t.seat_price, t.rank))
        .collect();
    assert_eq!(got, [("Starter", 240.0, 0), ("Premium", 650.0, 1)]);
    assert!(b.estimated);
}

#[test]
fn price_book_errors_name_their_row() {
    let mut b = book();
    b.tiers[1].seat_price = 0.0;
    b.tiers[2].tier = "starter".into();
    let fields: Vec<String> = check_price_book(&b).into_iter().map(|e| e.field).collect();
    assert_eq!(fields, ["tiers.1.seat_price", "tiers.2.tier"]);
    assert!(check_price_book(&book()).is_empty());
}

#[test]
fn the_sales_task_carries_the_estimate_and_every_signal() {
    let mut f = facts(1, "Professional", 100, 0.95);
    f.promoter = Some((9, d("2026-11-02"), "Dana".into()));
    let (ops, _) = opportunities(&[f], &book(), d(TODAY));
    let (title, body) = handoff_task(&ops[0], "Sam");
    assert_eq!(title, "Expansion: 19 more seats for Account 1");
    assert!(
        body.starts_with("19 more seats at 420 USD a seat: about 7,980 USD a year."),
        "{body}"
    );
    assert!(body.contains("• 95 of 100 seats in use (95 %)."));
    assert!(body.contains("• Dana scored 9 for NPS on 2 Nov 2026."));
    assert!(body.ends_with("Handed to sales by Sam; the account manager is Ana."));
}
