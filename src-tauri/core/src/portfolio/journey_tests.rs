//! The journey on a real encrypted store: the demo book's view, a stage change that starts its
//! checklist once, ticking items off, and the stalled warning.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::risk::RuleId;
use crate::domain::{Clock, LifecycleStage};
use crate::secrets::{DbKey, KeySource};

async fn book(dir: &std::path::Path) -> (Rapport, NaiveDate) {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir,
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(60, 7, at).await.unwrap();
    r.rescore(at.date_naive()).await.unwrap();
    (r, at.date_naive())
}

async fn stage_of(r: &Rapport, id: i64) -> (String, Option<String>) {
    sqlx::query_as("SELECT lifecycle_stage, stage_since FROM account WHERE id = ?")
        .bind(id)
        .fetch_one(r.store().pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_books_journey_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let (r, today) = book(dir.path()).await;
    let j = r.journey(None, None).await.unwrap();
    assert_eq!((j.from, j.to), (today - Duration::days(365), today));
    let accounts: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT l.account_id) FROM lifecycle_history l JOIN account a ON a.id = l.account_id WHERE a.deleted = 0",
    )
    .fetch_one(r.store().pool())
    .await
    .unwrap();
    // Every account with a history is in exactly one stage today.
    assert_eq!(
        j.stages.iter().map(|s| i64::from(s.now)).sum::<i64>(),
        accounts
    );
    // Each stalled account is counted under its stage and is past that stage's time.
    for s in &j.stalled {
        assert!(s.days > s.expected_days, "{}", s.name);
    }
    for st in &j.stages {
        let n = j.stalled.iter().filter(|s| s.stage == st.stage).count() as u32;
        assert_eq!(st.stalled_now, n, "{:?}", st.stage);
    }
    // The flows into a stage in the period are its entries.
    for st in &j.stages {
        let into: u32 = j
            .flows
            .iter()
            .filter(|f| f.to == st.stage)
            .map(|f| f.accounts)
            .sum();
        assert_eq!(into, st.entered, "{:?}", st.stage);
    }
    assert!(j.chart_svg.is_some() && j.chart_svg_dark.is_some());
    // The demo's recent stage changes started checklists, and some are late.
    assert!(!j.handoffs.is_empty());
    assert!(j.handoffs.iter().any(|h| h.overdue));
    for h in j.handoffs.iter().filter(|h| h.overdue) {
        assert!(h.due_on < today && h.items.iter().any(|i| i.done_on.is_none()));
    }
    let bad = r.journey(Some(today), Some(today)).await.unwrap_err();
    assert_eq!(bad.code(), crate::error::ErrorCode::InvalidInput);
}

#[tokio::test]
async fn a_renewal_coming_into_range_starts_its_checklist_once() {
    let dir = tempfile::tempdir().unwrap();
    let (r, today) = book(dir.path()).await;
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM account WHERE deleted = 0 AND lifecycle_stage = 'value'
           AND NOT EXISTS (SELECT 1 FROM handoff h WHERE h.account_id = account.id) ORDER BY id LIMIT 1",
    )
    .fetch_one(r.store().pool())
    .await
    .unwrap();
    sqlx::query("UPDATE account SET renewal_date = ? WHERE id = ?")
        .bind((today + Duration::days(40)).to_string())
        .bind(id)
        .execute(r.store().pool())
        .await
        .unwrap();
    r.rescore(today).await.unwrap();
    r.rescore(today).await.unwrap();
    assert_eq!(stage_of(&r, id).await.0, "renewal");
    let j = r.account_journey(id).await.unwrap();
    assert_eq!(j.handoffs.len(), 1, "started once");
    let h = &j.handoffs[0];
    assert_eq!(h.name, "CS → renewal");
    assert_eq!(
        (h.from, h.to),
        (Some(LifecycleStage::Value), LifecycleStage::Renewal)
    );
    assert_eq!(
        (h.started_on, h.due_on),
        (today, today + Duration::days(30))
    );
    assert_eq!(h.items.len(), 4);
    assert!(!h.overdue);
    assert_eq!(
        j.stays.last().map(|s| (s.stage, s.from, s.to)),
        Some((LifecycleStage::Renewal, today, None))
    );

    let item = h.items[2].id;
    let after = r.set_handoff_item(item, true).await.unwrap();
    assert_eq!(after.handoffs[0].items[2].done_on, Some(today));
    let back = r.set_handoff_item(item, false).await.unwrap();
    assert_eq!(back.handoffs[0].items[2].done_on, None);
    assert_eq!(
        r.set_handoff_item(999_999, true).await.unwrap_err().code(),
        crate::error::ErrorCode::NotFound
    );
    // The open list of the journey view has it.
    let open = r.journey(None, None).await.unwrap().handoffs;
    assert!(open
        .iter()
        .any(|x| x.account_id == id && x.name == "CS → renewal"));
}

#[tokio::test]
async fn an_account_long_in_adoption_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let (r, today) = book(dir.path()).await;
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM account WHERE deleted = 0 AND lifecycle_stage IN ('adoption', 'value') ORDER BY id LIMIT 1",
    )
    .fetch_one(r.store().pool())
    .await
    .unwrap();
    let since = today - Duration::days(200);
    // The account has been in adoption since 200 days ago, with nothing since.
    sqlx::query("UPDATE account SET lifecycle_stage = 'adoption', stage_since = ? WHERE id = ?")
        .bind(since.to_string())
        .bind(id)
        .execute(r.store().pool())
        .await
        .unwrap();
    r.evaluate_book(today).await.unwrap();
    let alerts: Vec<String> = r
        .warnings(false)
        .await
        .unwrap()
        .alerts
        .into_iter()
        .filter(|a| a.account_id == id && a.rule == RuleId::StageStalled)
        .map(|a| a.summary)
        .collect();
    assert_eq!(
        alerts,
        vec![format!(
            "In adoption for 200 days, since {}; it should take at most 120.",
            since.format("%-d %b %Y")
        )]
    );
}

#[tokio::test]
async fn a_new_client_gets_its_first_stage_and_its_kickoff() {
    let dir = tempfile::tempdir().unwrap();
    let (r, today) = book(dir.path()).await;
    // A client signed 10 days ago, as a sync first writes it: the default stage, never derived.
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO account (crm, crm_id, name, arr, contract_start, renewal_date, seats_purchased, updated_at, synced_at)
         VALUES ('demo', 'new-1', 'Newly Signed', 24000, ?1, ?2, 20, '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z')
         RETURNING id",
    )
    .bind((today - Duration::days(10)).to_string())
    .bind((today + Duration::days(355)).to_string())
    .fetch_one(r.store().pool())
    .await
    .unwrap();
    r.rescore(today).await.unwrap();
    assert_eq!(
        r.store().stage_history(id).await.unwrap(),
        vec![(LifecycleStage::Onboarding, today)],
        "first seen in onboarding today"
    );
    let j = r.account_journey(id).await.unwrap();
    let names: Vec<&str> = j.handoffs.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["Sales → CS kickoff"]);
    assert_eq!(j.handoffs[0].from, None);
}
