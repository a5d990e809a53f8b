//! Outbox flush benchmark (release): entries captured offline, then flushed to each fake CRM
//! under a 190 requests / 10 s budget (the fake HubSpot enforces the same rolling limit).
//! Prints entries per second, the share of the request ceiling used, refused requests and the
//! whole flush time, for HubSpot and Salesforce from one run.
//!
//! `./scripts/with-keyring.sh cargo bench -p rapport-tests --bench outbox` (env
//! `RAPPORT_BENCH_ENTRIES`, default 1000).

use std::sync::Arc;
use std::time::Instant;

use rapport_core::domain::capture::{CaptureForm, NoteForm};
use rapport_core::domain::{Clock, Crm};
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::Rapport;
use tokio_util::sync::CancellationToken;

const BUDGET: u32 = 190;

fn token(t: &str) -> CrmSecret {
    CrmSecret {
        token: Some(t.into()),
        client_id: None,
        client_secret: None,
        refresh_token: None,
    }
}

/// Connects, syncs, captures `n` notes spread over the accounts, then times one flush.
async fn run(crm: Crm, base_url: &str, secret: CrmSecret, n: usize) -> (f64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::system(),
    )
    .await
    .unwrap();
    let mut c = r
        .connect("bench", crm, Some(base_url), secret)
        .await
        .unwrap();
    c.settings.requests_per_10s = BUDGET;
    r.store().update_connection(&c).await.unwrap();
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let accounts: Vec<i64> = r
        .portfolio(r.today())
        .await
        .unwrap()
        .rows
        .iter()
        .map(|row| row.id)
        .collect();
    let t = Instant::now();
    for i in 0..n {
        let form = CaptureForm::Note(NoteForm {
            account_id: accounts[i % accounts.len()],
            body: format!("Bench note {i}"),
            attendees: vec![],
            at: None,
        });
        assert!(r.capture(&form).await.unwrap().errors.is_empty());
    }
    println!(
        "  captured {n} entries offline-first in {:.2} s ({:.0}/s)",
        t.elapsed().as_secs_f64(),
        n as f64 / t.elapsed().as_secs_f64()
    );
    // The sync spent part of this window's budget; start the flush on a fresh one.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let t = Instant::now();
    let reports = r.send_outbox(CancellationToken::new()).await.unwrap();
    let secs = t.elapsed().as_secs_f64();
    let rep = &reports[0];
    assert_eq!((rep.delivered as usize, rep.waiting), (n, 0), "{rep:?}");
    r.close().await;
    (secs, rep.requests)
}

fn print(name: &str, n: usize, secs: f64, requests: u64, refused: u64) {
    let ceiling = f64::from(BUDGET) / 10.0;
    let rate = requests as f64 / secs;
    println!("  {name}: {n} entries in {secs:.1} s = {:.1} entries/s; {requests} requests = {rate:.1}/s, {:.0} % of the {BUDGET} / 10 s ceiling; {refused} refused", n as f64 / secs, 100.0 * rate / ceiling);
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("RAPPORT_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    println!("Outbox flush under a {BUDGET} requests / 10 s budget (release, loopback fakes)");

    let hs = rapport_tests::hubspot::FakeHubSpot::start(rapport_tests::hubspot::Config {
        rate_limit: Some(rapport_tests::hubspot::RateLimit {
            max: BUDGET,
            window_ms: 10_000,
        }),
        ..Default::default()
    })
    .await;
    hs.seed(20, 1);
    println!("HubSpot (one note create per entry; no batch create is idempotent)");
    let (secs, requests) = run(Crm::Hubspot, &hs.base_url, token("pat-fake-token"), n).await;
    print("HubSpot", n, secs, requests, hs.stats().rejected_429);

    let sf = rapport_tests::salesforce::FakeSalesforce::start(Default::default()).await;
    sf.seed(20, 1);
    println!("Salesforce (upserts on Rapport_Key__c, up to 200 per sObject Collections call, plus the describe of Task)");
    let before = sf.stats();
    let (secs, requests) = run(Crm::Salesforce, &sf.base_url, token("sf-fake-session"), n).await;
    let after = sf.stats();
    print(
        "Salesforce",
        n,
        secs,
        requests,
        after.forbidden_403 - before.forbidden_403,
    );
}
