//! Expansion on a HubSpot portal, over real HTTP against the fake HubSpot and a real SQLCipher
//! store: a company whose seats fill up (its synced usage properties) becomes an opportunity
//! valued at the price book; handing it to sales lands one task in HubSpot on the company, even
//! when HubSpot's answer is lost; a won upsell deal synced afterwards shows the opportunity won
//! and lifts the book's expansion KPI. Real keychain (scripts/with-keyring.sh).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use rapport_core::domain::expansion::{ExpansionKind, OpportunityState, SignalKind};
use rapport_core::domain::Crm;
use rapport_core::health::Band;
use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
use tokio_util::sync::CancellationToken;

mod common;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn sync(r: &rapport_core::Rapport) {
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
}

fn expansion_kpi(p: &rapport_core::portfolio::Portfolio) -> f64 {
    p.kpis
        .iter()
        .find(|k| k.id == "expansion")
        .and_then(|k| k.value)
        .unwrap_or(0.0)
}

#[tokio::test]
async fn full_seats_become_an_opportunity_handed_to_sales_once_and_won() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(6, 23);
    let (_dir, r, ahead) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let today = r.today();
    // A company not in trouble (an unhealthy one is a retention job, not an expansion).
    let mut picked = None;
    for row in r.portfolio(today).await.unwrap().rows {
        if row.band != Some(Band::Red) {
            picked = Some(row.id);
            break;
        }
    }
    let account = picked.expect("a healthy enough seeded company");
    let company: u64 = r
        .account_detail(account, today)
        .await
        .unwrap()
        .header
        .crm_id
        .parse()
        .unwrap();
    let kpi_before = expansion_kpi(&r.portfolio(today).await.unwrap());

    // The client's admin reports 48 of 50 seats in use in HubSpot.
    fake.upsert(
        "companies",
        company,
        &[
            ("seats_purchased", "50"),
            ("seats_used", "48"),
            ("active_users", "48"),
        ],
        now_ms(),
    );
    sync(&r).await;
    let v = r.expansion().await.unwrap();
    let o = v
        .opportunities
        .iter()
        .find(|o| o.account_id == account)
        .expect("the company is an opportunity now")
        .clone();
    assert_eq!(o.kind, ExpansionKind::Seats);
    assert!(o
        .signals
        .iter()
        .any(|s| s.kind == SignalKind::SeatsNearFull));
    // ceil(48 ÷ 0.8) = 60 seats → 10 more. HubSpot companies carry no tier, so the seat is
    // priced at what the company pays per seat now: ARR ÷ 50.
    assert_eq!(o.seats_to_add, 10);
    assert!(o.tier.is_empty() && !o.price_from_book);
    assert_eq!(o.seat_price, (o.arr / 50.0).round());
    assert_eq!(o.estimated_value, 10.0 * o.seat_price);

    let done = r.hand_off(account).await.unwrap();
    let entry = done
        .outbox_id
        .expect("a HubSpot account gets its task in the CRM");
    // HubSpot stores the task and the answer is lost; the sender looks it up, never resends.
    fake.inject(Fault::CommitThenDrop { count: 1 });
    for _ in 0..4 {
        ahead.fetch_add(120_000, Ordering::Relaxed);
        r.send_outbox(CancellationToken::new()).await.unwrap();
    }
    let tasks: Vec<u64> = fake
        .ids("tasks")
        .into_iter()
        .filter(|id| {
            fake.get("tasks", *id).is_some_and(|t| {
                t.get("hs_task_subject")
                    .is_some_and(|s| s.starts_with("Expansion: 10 more seats for"))
            })
        })
        .collect();
    assert_eq!(tasks.len(), 1, "exactly one sales task");
    assert_eq!(
        fake.associated("tasks", tasks[0], "companies"),
        vec![company]
    );
    let body = fake.get("tasks", tasks[0]).unwrap()["hs_task_body"].clone();
    assert!(body.contains("48 of 50 seats in use (96 %)."), "{body}");
    let state = r
        .outbox(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == entry)
        .unwrap()
        .state;
    assert_eq!(state, rapport_core::domain::capture::OutboxState::Delivered);
    assert!(r.hand_off(account).await.is_err(), "not twice");

    // Sales wins the upsell in HubSpot; the next sync brings it.
    let deal = 990_001;
    let close = today.format("%Y-%m-%dT12:00:00.000Z").to_string();
    fake.upsert(
        "deals",
        deal,
        &[
            ("dealname", "Upsell: 10 seats"),
            ("amount", "4200"),
            ("dealstage", "closedwon"),
            ("dealtype", "upsell"),
            ("closedate", &close),
        ],
        now_ms(),
    );
    fake.associate("deals", deal, "companies", company);
    fake.associate("companies", company, "deals", deal);
    ahead.fetch_add(60_000, Ordering::Relaxed);
    sync(&r).await;
    let after = r.expansion().await.unwrap();
    let won = after
        .opportunities
        .iter()
        .find(|o| o.account_id == account)
        .unwrap();
    match &won.state {
        OpportunityState::Won { amount, on, .. } => {
            assert_eq!(*amount, 4200.0);
            assert_eq!(*on, today);
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(after.won_value, 4200.0);
    let kpi_after = expansion_kpi(&r.portfolio(r.today()).await.unwrap());
    assert!(kpi_after > kpi_before, "{kpi_before} → {kpi_after}");
}
