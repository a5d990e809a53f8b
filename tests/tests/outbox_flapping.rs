//! 1,000 entries captured with no network, then delivered to the fake HubSpot through a network
//! that comes and goes: the server stops mid-flush, writes are stored and their answers dropped,
//! 5xx and 429 answers, slow answers, a lagging search index, two app restarts and one SIGKILL of
//! a `rapport outbox send` process mid-flush. At the end HubSpot holds each entry exactly once
//! (counted on the server by the marker in each note), and every entry is delivered locally.
//! Needs the keychain (scripts/with-keyring.sh) and the CLI binary (`RAPPORT_CLI_BIN`, or the
//! workspace's own build).

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use rapport_core::domain::capture::{
    CaptureForm, Channel, FeedbackForm, NoteForm, OutboxState, SentimentForm, Speaker,
};
use rapport_core::domain::{Clock, SurveyKind};
use rapport_core::{OpenOptions, Rapport};
use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
use tokio_util::sync::CancellationToken;

mod common;

const ENTRIES: usize = 1_000;

use common::rapport;

async fn open(dir: &Path, clock: &Clock) -> Rapport {
    Rapport::open(&OpenOptions::new(dir.to_path_buf(), clock.clone()))
        .await
        .unwrap()
}

async fn flush(r: &Rapport) {
    r.send_outbox(CancellationToken::new()).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_entries_reach_hubspot_exactly_once_through_a_flapping_network() {
    let fake = Arc::new(
        FakeHubSpot::start(Config {
            search_lag_ms: 300,
            ..Config::default()
        })
        .await,
    );
    fake.seed(5, 3);
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    common::cli_connect_hubspot(dir, &fake.base_url, &["--rate-limit", "2000"]);

    let (clock, ahead) = common::shifted_clock();
    let mut r = open(dir, &clock).await;
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let mut targets = Vec::new();
    for row in r.portfolio(r.today()).await.unwrap().rows {
        let contact = r
            .capture_contacts(row.id)
            .await
            .unwrap()
            .into_iter()
            .find(|c| c.crm_id.is_some())
            .map(|c| c.id);
        targets.push((row.id, contact));
    }
    assert!(targets.len() >= 3 && targets.iter().any(|t| t.1.is_some()));

    // Captured with no network at all.
    fake.stop().await;
    let notes_before = fake.ids("notes").len();
    for i in 0..ENTRIES {
        let (account_id, contact) = targets[i % targets.len()];
        let form = match (i % 10, contact) {
            (0..=1, Some(id)) => CaptureForm::Feedback(FeedbackForm {
                account_id,
                kind: SurveyKind::Nps,
                score: Some((i % 11) as i64),
                verbatim: format!("Verbatim number {i}"),
                speaker: Speaker::Contact { id },
                channel: Channel::Call,
                at: None,
                tags: vec![],
            }),
            (2, _) => CaptureForm::Sentiment(SentimentForm {
                account_id,
                value: Some((i % 5 + 1) as i64),
                reason: format!("Reason {i}"),
            }),
            _ => CaptureForm::Note(NoteForm {
                account_id,
                body: format!("Meeting note {i}"),
                attendees: vec![],
                at: None,
            }),
        };
        let c = r.capture(&form).await.unwrap();
        assert!(c.errors.is_empty(), "{:?}", c.errors);
    }
    assert_eq!(r.status().await.unwrap().outbox_waiting, ENTRIES as i64);
    let keys: Vec<String> = r
        .outbox(None)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.key)
        .collect();
    assert_eq!(keys.len(), ENTRIES);

    // A separate `rapport outbox send` is killed (SIGKILL) in the middle of its flush, with
    // slow answers so that it is surely mid-request.
    fake.resume().await;
    fake.inject(Fault::Delay { count: 400, ms: 5 });
    let mut sender = rapport(dir)
        .args(["outbox", "send"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    sender.kill().unwrap();
    sender.wait().unwrap();
    let after_kill = r.outbox(None).await.unwrap();
    let delivered_by_cli = after_kill
        .iter()
        .filter(|e| e.state == OutboxState::Delivered)
        .count();
    assert!(
        delivered_by_cli > 0 && delivered_by_cli < ENTRIES,
        "killed mid-flush ({delivered_by_cli} delivered)"
    );

    let faults = [
        Fault::CommitThenDrop { count: 3 },
        Fault::ServerErrors {
            count: 2,
            status: 502,
        },
        Fault::RateLimited {
            count: 2,
            retry_after_secs: Some(1),
            policy: "SECONDLY",
        },
        Fault::Delay { count: 30, ms: 20 },
    ];
    // Six rounds in which the network drops part-way through every flush, each with another
    // fault mode on; the app restarts after the second and the fourth.
    let mut restarts = 0;
    for round in 1..=6u64 {
        fake.resume().await;
        fake.inject(faults[round as usize % faults.len()].clone());
        let f = fake.clone();
        let cut = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(150 + 100 * round)).await;
            f.stop().await;
        });
        flush(&r).await;
        // The cut belongs to this round: a flush that ended early (a 429 stops it) must not
        // leave it to fall on the next round, or on the calm ones after the last.
        cut.await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        if round == 2 || round == 4 {
            r.close().await;
            r = open(dir, &clock).await;
            restarts += 1;
        }
        // Past every backoff and the index lag, on the app's clock and on the fake's.
        ahead.fetch_add(31 * 60 * 1000, Ordering::Relaxed);
    }
    let waiting_after_flaps = r.status().await.unwrap().outbox_waiting;
    assert!(waiting_after_flaps > 0, "the flaps left work to do");
    // Then the network stays up.
    fake.resume().await;
    let mut rounds = 0;
    let mut reasons = Vec::new();
    while r.status().await.unwrap().outbox_waiting > 0 {
        rounds += 1;
        if rounds > 20 {
            let mut states: HashMap<&str, usize> = HashMap::new();
            for e in r.outbox(None).await.unwrap() {
                *states.entry(e.state.as_str()).or_default() += 1;
            }
            panic!("entries still waiting after 20 calm rounds: {states:?}; {reasons:?}");
        }
        reasons = r
            .send_outbox(CancellationToken::new())
            .await
            .unwrap()
            .into_iter()
            .flat_map(|f| f.reasons)
            .collect();
        ahead.fetch_add(31 * 60 * 1000, Ordering::Relaxed);
        tokio::time::sleep(Duration::from_millis(350)).await;
    }
    assert_eq!(restarts, 2);

    // Every entry is in HubSpot exactly once, counted on the server.
    let mut by_marker: HashMap<String, usize> = HashMap::new();
    for id in fake.ids("notes") {
        let body = fake
            .get("notes", id)
            .unwrap()
            .get("hs_note_body")
            .cloned()
            .unwrap_or_default();
        if let Some(at) = body.find("rapportref") {
            let key: String = body[at + 10..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            *by_marker.entry(key).or_default() += 1;
        }
    }
    let twice: Vec<_> = by_marker.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "written more than once: {twice:?}");
    for k in &keys {
        assert_eq!(by_marker.get(k), Some(&1), "entry {k} is in HubSpot once");
    }
    assert_eq!(fake.ids("notes").len(), notes_before + ENTRIES);
    let entries = r.outbox(None).await.unwrap();
    assert!(entries
        .iter()
        .all(|e| e.state == OutboxState::Delivered && e.crm_id.is_some()));
    let stats = fake.stats();
    assert!(
        stats.dropped_after_commit > 0,
        "answers were lost after commits"
    );
    eprintln!(
        "{ENTRIES} entries delivered once: {delivered_by_cli} before the SIGKILL, {waiting_after_flaps} still waiting after 6 flapping rounds, then {rounds} calm ones; {} answers lost after the write, {} 429s, {} 5xx",
        stats.dropped_after_commit, stats.rejected_429, stats.errors_5xx
    );
    r.close().await;
}
