//! A sync killed mid-way (SIGKILL to the `rapport` process, not a cancelled task) resumes on
//! the next run and ends with exactly the rows of an uninterrupted sync: same values, same links,
//! same deletions. Killed during the backfill, the incremental search, the same-timestamp id walk
//! and the archived pass. Needs the keychain (scripts/with-keyring.sh) and the CLI binary in
//! `RAPPORT_CLI_BIN`.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use rapport_core::domain::Clock;
use rapport_core::{OpenOptions, Rapport};
use rapport_tests::hubspot::{Config, FakeHubSpot};

const TABLES: [&str; 6] = [
    "account",
    "contact",
    "deal",
    "ticket",
    "activity",
    "survey_response",
];

mod common;
use common::rapport;

fn connect(dir: &Path, url: &str) {
    common::cli_connect_hubspot(dir, url, &[]);
}

async fn open(dir: &Path) -> Rapport {
    Rapport::open(&OpenOptions::new(dir.to_path_buf(), Clock::system()))
        .await
        .unwrap()
}

/// Every synced row of every table, as the CRM decides it.
async fn rows(dir: &Path) -> Vec<Vec<String>> {
    let r = open(dir).await;
    let mut v = Vec::new();
    for t in TABLES {
        v.push(r.store().synced_rows(t).await.unwrap());
    }
    r.close().await;
    v
}

async fn set_budget(dir: &Path, per_10s: u32) {
    let r = open(dir).await;
    let mut c = r.connections().await.unwrap().remove(0);
    c.settings.requests_per_10s = per_10s;
    r.store().update_connection(&c).await.unwrap();
    r.close().await;
}

fn sync(dir: &Path, full: bool) {
    let mut cmd = rapport(dir);
    cmd.arg("sync");
    if full {
        cmd.arg("--full");
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a slow sync of `dir` and SIGKILLs it as soon as the contacts' saved cursor is in
/// `phase` (pages are committed with their cursor, so this reader sees exactly what a restart
/// would resume from).
async fn kill_in_phase(dir: &Path, full: bool, phase: &str) {
    set_budget(dir, 40).await;
    let watcher = open(dir).await;
    let conn = watcher.connections().await.unwrap().remove(0).id;
    let mut cmd = rapport(dir);
    cmd.arg("sync");
    if full {
        cmd.arg("--full");
    }
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tag = format!("\"phase\":\"{phase}\"");
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let cursor = watcher
            .store()
            .sync_cursor(conn, "contacts")
            .await
            .unwrap()
            .unwrap_or_default();
        if cursor.contains(&tag) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sync ended before reaching {phase}: {cursor}"
        );
        assert!(Instant::now() < deadline, "never reached {phase}: {cursor}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    watcher.close().await;
    set_budget(dir, 1_000).await;
}

// The fake server runs on this runtime while the test blocks on child processes: give it threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_in_any_phase_resumes_to_the_rows_of_an_uninterrupted_one() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(60, 3);
    let base = rapport_tests::hubspot::base_time_ms();
    fake.seed_bulk("contacts", 4_000, 9_000_000, |i| {
        base - 86_400_000 + i as i64
    });
    for i in 0..4_000u64 {
        // Every bulk contact belongs to one of the seeded companies.
        fake.associate("contacts", 9_000_000 + i, "companies", 1001 + i % 60);
    }
    let (whole, killed) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    connect(whole.path(), &fake.base_url);
    connect(killed.path(), &fake.base_url);

    // 1. The first backfill.
    sync(whole.path(), false);
    kill_in_phase(killed.path(), false, "backfill").await;
    let partial = rows(killed.path()).await;
    assert!(
        !partial[1].is_empty() && partial[1].len() < 4_000,
        "killed mid-way: {} contacts",
        partial[1].len()
    );
    sync(killed.path(), false);
    let expected = rows(whole.path()).await;
    assert_eq!(expected[1].len(), fake.count("contacts", false));
    assert_eq!(rows(killed.path()).await, expected, "after the backfill");

    // 2. Changes: 2,000 contacts at distinct times, then 600 in one millisecond (more than a
    // search page, so they are walked by id). Killed in the search, then in the walk.
    let now = chrono::Utc::now().timestamp_millis();
    for i in 0..2_000u64 {
        let title = format!("Changed {i}");
        fake.upsert(
            "contacts",
            9_000_000 + i,
            &[("jobtitle", &title)],
            now - 30_000 + i as i64,
        );
    }
    for i in 2_000..2_600u64 {
        fake.upsert("contacts", 9_000_000 + i, &[("jobtitle", "Bulk edit")], now);
    }
    // One contact moves to another company: links must follow.
    fake.dissociate("contacts", 9_000_000, "companies", 1001, now);
    fake.associate("contacts", 9_000_000, "companies", 1002);
    sync(whole.path(), false);
    kill_in_phase(killed.path(), false, "search").await;
    kill_in_phase(killed.path(), false, "walk").await;
    sync(killed.path(), false);
    let expected = rows(whole.path()).await;
    assert!(
        expected[1]
            .iter()
            .filter(|r| r.contains("Bulk edit"))
            .count()
            == 600
    );
    assert_eq!(rows(killed.path()).await, expected, "after the changes");

    // 3. Deletions: 3,000 contacts archived; a full resync walks the archived list.
    for i in 1_000..4_000u64 {
        fake.archive("contacts", 9_000_000 + i, now + 1_000);
    }
    sync(whole.path(), true);
    kill_in_phase(killed.path(), true, "archived").await;
    sync(killed.path(), false);
    let expected = rows(whole.path()).await;
    assert_eq!(
        expected[1].iter().filter(|r| r.ends_with(",1]")).count(),
        3_000,
        "marked deleted"
    );
    assert_eq!(rows(killed.path()).await, expected, "after the deletions");
}
