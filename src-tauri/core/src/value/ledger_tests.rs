use chrono::NaiveDate;

use super::*;
use crate::domain::value::{UsageFigure, UsageMetric, ValueCategory};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn form() -> ValueEntryForm {
    ValueEntryForm {
        account_id: 1,
        id: None,
        category: ValueCategory::TimeSaved,
        description: "Month-end close two days faster".into(),
        amount: Some(12_000.0),
        currency: String::new(),
        measured_how: "4 analysts × 2 days × 8 h × $50/h × 12 months".into(),
        evidence: String::new(),
        evidence_url: String::new(),
        usage_metric: None,
        recorded_on: Some(d("2026-11-30")),
        milestone_id: None,
        confirmed_by: None,
        confirmation: Confirmation::Unconfirmed,
        tell_crm: false,
    }
}

fn fields(f: &ValueEntryForm) -> Vec<String> {
    check_value_entry(f, d("2026-12-01"))
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_complete_entry_passes_and_each_slip_is_named_at_its_field() {
    assert!(fields(&form()).is_empty());
    let mut f = form();
    f.description = "  ".into();
    f.amount = Some(-5.0);
    f.currency = "US$".into();
    f.evidence_url = "javascript:alert(1)".into();
    f.recorded_on = Some(d("2026-12-02"));
    f.confirmation = Confirmation::Confirmed;
    assert_eq!(
        fields(&f),
        [
            "description",
            "amount",
            "currency",
            "evidence_url",
            "recorded_on",
            "confirmed_by"
        ]
    );
    let mut f = form();
    f.amount = None;
    f.recorded_on = None;
    f.evidence_url = "https://drive.example.com/roi.pdf".into();
    f.currency = "eur".into();
    assert_eq!(fields(&f), ["amount", "recorded_on"]);
    assert_eq!(currency_of(&f, "USD"), "EUR");
    assert_eq!(currency_of(&form(), "GBP"), "GBP");
}

fn rec(id: i64, on: &str, amount: f64, currency: &str, confirmed: bool) -> ValueRecord {
    ValueRecord {
        id,
        account_id: 1,
        category: ValueCategory::CostAvoided,
        description: format!("entry {id}"),
        amount,
        currency: currency.into(),
        measured_how: String::new(),
        evidence: String::new(),
        evidence_url: String::new(),
        usage: None,
        recorded_on: d(on),
        milestone_id: None,
        milestone: None,
        confirmed_by: None,
        confirmed_by_name: None,
        confirmation: if confirmed {
            Confirmation::Confirmed
        } else {
            Confirmation::Unconfirmed
        },
        updated_at: None,
    }
}

#[test]
fn totals_per_year_roi_against_arr_and_milestones_in_the_accounts_currency() {
    let today = d("2026-12-01");
    let mut a = rec(1, "2026-03-10", 10_000.0, "USD", true);
    a.milestone_id = Some(7);
    a.milestone = Some("First team live".into());
    let mut b = rec(2, "2026-10-01", 5_000.0, "USD", false);
    b.milestone_id = Some(7);
    b.milestone = Some("First team live".into());
    // A year and a day before today: in 2025's total, not in the last 12 months.
    let c = rec(3, "2025-11-30", 8_000.0, "USD", true);
    let e = rec(4, "2026-06-01", 3_000.0, "EUR", true);
    let l = ledger(vec![a, c, e, b], "USD", 60_000.0, vec![], today);
    let ids: Vec<i64> = l.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, [2, 4, 1, 3]);
    let years: Vec<(i32, f64, f64, i64)> = l
        .years
        .iter()
        .map(|y| (y.year, y.total, y.confirmed, y.entries))
        .collect();
    assert_eq!(
        years,
        [(2026, 15_000.0, 10_000.0, 2), (2025, 8_000.0, 8_000.0, 1)]
    );
    assert_eq!((l.last_12m, l.last_12m_confirmed), (15_000.0, 10_000.0));
    // 15,000 ÷ 60,000 = 0.25×; confirmed 10,000 ÷ 60,000.
    assert_eq!(l.roi_multiple, Some(0.25));
    assert_eq!(l.roi_confirmed, Some(10_000.0 / 60_000.0));
    assert_eq!(l.by_milestone.len(), 1);
    assert_eq!(l.by_milestone[0].total, 15_000.0);
    assert_eq!(l.other_currencies.len(), 1);
    assert_eq!(
        (
            l.other_currencies[0].currency.as_str(),
            l.other_currencies[0].total
        ),
        ("EUR", 3_000.0)
    );
    assert!(!l.entries.iter().find(|e| e.id == 4).unwrap().counted);
    assert_eq!(ledger(vec![], "USD", 0.0, vec![], today).roi_multiple, None);
}

#[test]
fn the_crm_note_says_what_how_and_who_confirmed() {
    let mut r = rec(1, "2026-11-30", 12_500.0, "USD", true);
    r.confirmed_by_name = Some("Dana Whitfield".into());
    r.milestone = Some("First team live".into());
    r.usage = Some(UsageFigure {
        metric: UsageMetric::ActiveUsers,
        value: 140.0,
        on: d("2026-11-29"),
    });
    let l = ledger(vec![r], "USD", 1.0, vec![], d("2026-12-01"));
    let note = value_note_body(&l.entries[0]);
    assert_eq!(
        note,
        "Value delivered — Cost avoided: 12,500 USD\nentry 1\nRecorded for 30 Nov 2026.\nMilestone: First team live\nActive users: 140 on 29 Nov 2026\nConfirmed by Dana Whitfield."
    );
}
