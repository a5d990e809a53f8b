use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::expansion::{ExpansionKind, SignalKind};
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

async fn book(dir: &std::path::Path) -> Rapport {
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
    r.score_changes(at.date_naive()).await.unwrap();
    r
}

#[tokio::test]
async fn seat_opportunities_follow_utilisation_and_the_price_book() {
    let dir = tempfile::tempdir().unwrap();
    let r = book(dir.path()).await;
    let v = r.expansion().await.unwrap();
    assert!(v.price_book.estimated);
    let seats: Vec<_> = v
        .opportunities
        .iter()
        .filter(|o| o.kind == ExpansionKind::Seats)
        .collect();
    assert!(!seats.is_empty(), "the demo has accounts with full seats");
    for o in &seats {
        assert!(o.utilisation.unwrap() > 0.8, "{o:?}");
        assert!(o
            .signals
            .iter()
            .any(|s| matches!(s.kind, SignalKind::SeatsNearFull | SignalKind::OverSeats)));
        let price = v
            .price_book
            .tiers
            .iter()
            .find(|t| t.tier == o.tier)
            .unwrap()
            .seat_price;
        assert_eq!(o.estimated_value, o.seats_to_add as f64 * price);
    }
    let open: f64 = v
        .opportunities
        .iter()
        .filter(|o| o.state == OpportunityState::Open)
        .map(|o| o.estimated_value)
        .sum();
    assert_eq!(v.open_value, open);

    // Doubling every price doubles every estimate.
    let mut doubled = v.price_book.clone();
    for t in &mut doubled.tiers {
        t.seat_price *= 2.0;
    }
    let saved = r.save_price_book(&doubled).await.unwrap();
    assert!(saved.errors.is_empty());
    let after = saved.view.unwrap();
    assert!(!after.price_book.estimated);
    let first = &seats[0];
    let again = after
        .opportunities
        .iter()
        .find(|o| o.account_id == first.account_id)
        .unwrap();
    assert_eq!(again.estimated_value, first.estimated_value * 2.0);

    let mut bad = doubled;
    bad.tiers[0].seat_price = -1.0;
    let refused = r.save_price_book(&bad).await.unwrap();
    assert_eq!(refused.errors[0].field, "tiers.0.seat_price");
    assert_eq!(
        r.price_book().await.unwrap().tiers[0].seat_price,
        after.price_book.tiers[0].seat_price
    );
}

#[tokio::test]
async fn a_handoff_makes_one_sales_task_and_cannot_be_repeated() {
    let dir = tempfile::tempdir().unwrap();
    let r = book(dir.path()).await;
    let v = r.expansion().await.unwrap();
    let o = v
        .opportunities
        .iter()
        .find(|o| o.state == OpportunityState::Open)
        .expect("an open opportunity")
        .clone();
    let done = r.hand_off(o.account_id).await.unwrap();
    // A demo account is in no CRM: the task stays here.
    assert_eq!(done.outbox_id, None);
    assert!(done.message.contains("not in a CRM"), "{}", done.message);
    let now = done
        .view
        .opportunities
        .iter()
        .find(|x| x.account_id == o.account_id)
        .unwrap();
    match &now.state {
        OpportunityState::Handed { handoff } => {
            assert_eq!(handoff.estimated_value, o.estimated_value);
            assert_eq!(handoff.task_id, Some(done.task_id));
            assert_eq!(handoff.handed_on, r.today());
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(done.view.handed, v.handed + 1);
    let facts = r.store.task_facts(done.task_id).await.unwrap();
    assert_eq!(facts.team, "sales");
    assert!(facts.title.starts_with("Expansion: "), "{}", facts.title);
    assert!(facts.description.contains(&o.signals[0].text));

    let again = r.hand_off(o.account_id).await.unwrap_err();
    assert!(again.to_string().contains("handed to sales on"), "{again}");
}
