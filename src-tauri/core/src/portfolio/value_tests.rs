use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::success::PlanDraftForm;
use crate::domain::value::{Confirmation, UsageMetric, ValueCategory};
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

/// A 40-account demo book on Tuesday 24 November 2026, and a live account with value entries.
async fn book(dir: &std::path::Path) -> (Rapport, i64) {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir,
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(40, 7, at).await.unwrap();
    r.score_changes(at.date_naive()).await.unwrap();
    for row in r.portfolio_table(r.today()).await.unwrap().rows {
        if !r.success(row.id).await.unwrap().ledger.entries.is_empty() {
            return (r, row.id);
        }
    }
    panic!("no demo account with value entries");
}

fn entry(account: i64, amount: f64, on: NaiveDate) -> ValueEntryForm {
    ValueEntryForm {
        account_id: account,
        id: None,
        category: ValueCategory::RevenueGained,
        description: "Upsell campaign built on the new segments".into(),
        amount: Some(amount),
        currency: String::new(),
        measured_how: "Closed-won revenue attributed by the client's CRM".into(),
        evidence: String::new(),
        evidence_url: "https://example.com/report".into(),
        usage_metric: None,
        recorded_on: Some(on),
        milestone_id: None,
        confirmed_by: None,
        confirmation: Confirmation::Unconfirmed,
        tell_crm: false,
    }
}

#[tokio::test]
async fn a_value_entry_adds_to_its_year_and_the_roi_against_what_the_client_pays() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let before = r.success(account).await.unwrap().ledger;
    assert!(before.arr > 0.0);
    let today = r.today();
    let year_total = |l: &ValueLedger| {
        l.years
            .iter()
            .find(|y| y.year == today.year())
            .map_or(0.0, |y| y.total)
    };
    let contact = before.contacts.first().expect("a demo contact").clone();
    let mut f = entry(account, 24_000.0, today - Duration::days(3));
    f.confirmation = Confirmation::Confirmed;
    f.confirmed_by = Some(contact.id);
    f.usage_metric = Some(UsageMetric::ActiveUsers);
    let saved = r.save_value_entry(&f).await.unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    let after = saved.view.unwrap().ledger;
    assert_eq!(after.entries.len(), before.entries.len() + 1);
    assert_eq!(year_total(&after), year_total(&before) + 24_000.0);
    assert_eq!(after.last_12m, before.last_12m + 24_000.0);
    assert_eq!(
        after.last_12m_confirmed,
        before.last_12m_confirmed + 24_000.0
    );
    assert_eq!(after.roi_multiple, Some(after.last_12m / after.arr));
    let e = &after.entries[0];
    assert_eq!(e.description, f.description);
    assert_eq!(e.currency, after.currency);
    assert_eq!(e.confirmed_by_name.as_deref(), Some(contact.name.as_str()));
    // The usage figure is the one on or before the entry's day.
    let u = e.usage.as_ref().expect("the demo has daily usage");
    assert_eq!(u.metric, UsageMetric::ActiveUsers);
    assert!(u.on <= today - Duration::days(3));

    r.delete_value_entry(account, e.id).await.unwrap();
    let gone = r.success(account).await.unwrap().ledger;
    assert_eq!(gone.entries.len(), before.entries.len());
    assert_eq!(gone.last_12m, before.last_12m);
}

#[tokio::test]
async fn a_link_to_another_accounts_milestone_or_contact_saves_nothing_and_keeps_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let other = r
        .portfolio_table(r.today())
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.id)
        .find(|id| *id != account)
        .unwrap();
    let theirs = r.success(other).await.unwrap();
    let their_milestone = theirs.plans[0].milestones[0].id;
    let their_contact = theirs.ledger.contacts[0].id;
    let mut f = entry(account, 500.0, r.today());
    f.milestone_id = Some(their_milestone);
    f.confirmed_by = Some(their_contact);
    r.save_plan_draft(&PlanDraftForm::Value(f.clone()))
        .await
        .unwrap();
    let before = r.success(account).await.unwrap().ledger.entries.len();
    let saved = r.save_value_entry(&f).await.unwrap();
    let fields: Vec<&str> = saved.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["milestone_id", "confirmed_by"]);
    let view = r.success(account).await.unwrap();
    assert_eq!(view.ledger.entries.len(), before);
    assert!(view
        .drafts
        .iter()
        .any(|d| d.form == PlanDraftForm::Value(f.clone())));

    // Fixed: it saves, and the draft ends with it.
    f.milestone_id = Some(view.plans[0].milestones[0].id);
    f.confirmed_by = None;
    let saved = r.save_value_entry(&f).await.unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    let view = saved.view.unwrap();
    assert!(view.drafts.is_empty());
    let e = view
        .ledger
        .entries
        .iter()
        .find(|e| e.amount == 500.0)
        .unwrap();
    assert_eq!(
        e.milestone.as_deref(),
        Some(view.plans[0].milestones[0].name.as_str())
    );
}

#[tokio::test]
async fn usage_cited_before_any_usage_was_recorded_is_a_field_error() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let mut f = entry(account, 100.0, NaiveDate::from_ymd_opt(2001, 1, 1).unwrap());
    f.usage_metric = Some(UsageMetric::SeatsUsed);
    let saved = r.save_value_entry(&f).await.unwrap();
    assert_eq!(saved.errors.len(), 1);
    assert_eq!(saved.errors[0].field, "usage_metric");
}
