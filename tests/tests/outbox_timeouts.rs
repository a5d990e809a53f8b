//! A write that times out: the CRM is slow, the client gives up after its time limit, and the
//! write lands anyway. HubSpot's note is then unconfirmed and found by its marker, Salesforce's
//! upsert is simply sent again onto the same record: each CRM holds it once. The time limit is
//! shortened for this binary through `RAPPORT_HTTP_TIMEOUT_SECS`.

use std::sync::Arc;
use std::time::Duration;

use rapport_core::domain::capture::{CaptureForm, NoteForm, OutboxEntryView, OutboxState};
use rapport_core::domain::Crm;
use rapport_core::{ErrorCode, Rapport};
use tokio_util::sync::CancellationToken;

mod common;

fn short_timeouts() {
    // Every test of this binary wants the same 1 s limit, set before any client is made.
    std::env::set_var("RAPPORT_HTTP_TIMEOUT_SECS", "1");
}

async fn connected(
    crm: Crm,
    base_url: &str,
    secret: &str,
) -> (
    tempfile::TempDir,
    Rapport,
    Arc<std::sync::atomic::AtomicI64>,
    i64,
) {
    let (dir, r, ahead) = common::synced("crm", crm, base_url, secret).await;
    let (account, ..) = common::account_with_crm_contact(&r).await;
    (dir, r, ahead, account)
}

async fn note(r: &Rapport, account: i64, text: &str) -> OutboxEntryView {
    r.capture(&CaptureForm::Note(NoteForm {
        account_id: account,
        body: text.into(),
        attendees: vec![],
        at: None,
    }))
    .await
    .unwrap()
    .outbox
    .unwrap()
}

async fn state(r: &Rapport, id: i64) -> OutboxEntryView {
    r.outbox(None)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap()
}

#[tokio::test]
async fn a_hubspot_note_that_timed_out_but_landed_is_found_not_sent_twice() {
    use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
    short_timeouts();
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(4, 3);
    let (_d, r, ahead, account) = connected(Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let e = note(&r, account, "Timed out but stored").await;
    fake.inject(Fault::Delay {
        count: 1,
        ms: 2_500,
    });
    r.send_outbox(CancellationToken::new()).await.unwrap();
    let after = state(&r, e.id).await;
    assert_eq!(after.state, OutboxState::Unconfirmed);
    assert_eq!(after.last_error.unwrap().code, ErrorCode::CrmUnreachable);
    // The slow write lands after the client gave up.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let marker = format!("rapportref{}", e.key);
    let count = || {
        fake.ids("notes")
            .into_iter()
            .filter(|id| {
                fake.get("notes", *id)
                    .is_some_and(|p| p.get("hs_note_body").is_some_and(|b| b.contains(&marker)))
            })
            .count()
    };
    assert_eq!(count(), 1);
    ahead.fetch_add(61_000, std::sync::atomic::Ordering::Relaxed);
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!((rep.confirmed, rep.delivered), (1, 0));
    assert_eq!(state(&r, e.id).await.state, OutboxState::Delivered);
    assert_eq!(count(), 1, "never created a second time");
}

#[tokio::test]
async fn a_salesforce_upsert_that_timed_out_is_sent_again_onto_the_same_record() {
    use rapport_tests::salesforce::{Config, FakeSalesforce, Fault};
    short_timeouts();
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(4, 3);
    let (_d, r, ahead, account) = connected(Crm::Salesforce, &sf.base_url, "sf-fake-session").await;
    let e = note(&r, account, "Slow org").await;
    sf.inject(Fault::SlowWrites {
        count: 1,
        ms: 2_500,
    });
    r.send_outbox(CancellationToken::new()).await.unwrap();
    let after = state(&r, e.id).await;
    assert_eq!(
        after.state,
        OutboxState::Pending,
        "an upsert is idempotent: simply sent again"
    );
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let with_key = || {
        sf.ids("Task")
            .into_iter()
            .filter(|id| {
                sf.get("Task", id).is_some_and(|t| {
                    t.get("Rapport_Key__c").and_then(|v| v.as_str()) == Some(e.key.as_str())
                })
            })
            .collect::<Vec<_>>()
    };
    let landed = with_key();
    assert_eq!(landed.len(), 1, "the slow write landed");
    ahead.fetch_add(61_000, std::sync::atomic::Ordering::Relaxed);
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.delivered, 1);
    let done = state(&r, e.id).await;
    assert_eq!(done.state, OutboxState::Delivered);
    assert_eq!(with_key(), landed, "the same record, once");
    assert_eq!(done.crm_id.as_deref(), Some(landed[0].as_str()));
}
