//! A sync killed mid-way (SIGKILL to the `rapport` process, not a cancelled task) resumes on
//! the next run and ends with exactly the rows of an uninterrupted sync. Needs the keychain
//! (scripts/with-keyring.sh) and the CLI binary in `RAPPORT_CLI_BIN`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use rapport_core::domain::Clock;
use rapport_core::domain::Crm;
use rapport_core::{OpenOptions, Rapport};
use rapport_tests::hubspot::{Config, FakeHubSpot};

fn cli() -> PathBuf {
    let p = PathBuf::from(std::env::var("RAPPORT_CLI_BIN").unwrap_or_else(|_| {
        // target/debug/deps/<this test> → target/debug/rapport
        let exe = std::env::current_exe().unwrap();
        exe.parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("rapport")
            .display()
            .to_string()
    }));
    assert!(
        p.exists(),
        "{} missing: build the workspace first",
        p.display()
    );
    p
}

fn rapport(dir: &Path) -> Command {
    let mut c = Command::new(cli());
    c.arg("--data-dir").arg(dir).env_remove("RAPPORT_DATA_DIR");
    c
}

fn connect(dir: &Path, url: &str, rate_limit: u32) {
    let mut child = rapport(dir)
        .args([
            "connect",
            "hubspot",
            "--name",
            "hs",
            "--token-stdin",
            "--base-url",
            url,
        ])
        .args(["--rate-limit", &rate_limit.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"pat-fake-token\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn counts(dir: &Path) -> Vec<i64> {
    let r = Rapport::open(&OpenOptions::new(dir.to_path_buf(), Clock::system()))
        .await
        .unwrap();
    let mut v = Vec::new();
    for t in ["account", "contact", "deal", "ticket", "activity"] {
        v.push(r.store().live_rows(t, Crm::Hubspot).await.unwrap());
    }
    r.close().await;
    v
}

// The fake server runs on this runtime while the test blocks on child processes: give it threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_sync_resumes_to_the_same_rows_as_an_uninterrupted_one() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(60, 3);
    fake.seed_bulk("contacts", 4_000, 9_000_000, |i| {
        1_700_000_000_000 + i as i64
    });
    let expected: Vec<i64> = ["companies", "contacts", "deals", "tickets"]
        .iter()
        .map(|t| fake.count(t, false) as i64)
        .chain(std::iter::once(
            ["notes", "calls", "meetings", "emails", "tasks"]
                .iter()
                .map(|t| fake.count(t, false) as i64)
                .sum(),
        ))
        .collect();

    // Uninterrupted, for comparison.
    let whole = tempfile::tempdir().unwrap();
    connect(whole.path(), &fake.base_url, 1_000);
    let out = rapport(whole.path()).arg("sync").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts(whole.path()).await, expected);

    // 40 requests per 10 s: the ~45 pages of contacts (and their associations) take over 20 s.
    let killed = tempfile::tempdir().unwrap();
    connect(killed.path(), &fake.base_url, 40);
    let mut child = rapport(killed.path())
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill as soon as some contacts are stored (committed pages are visible to this reader).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while counts(killed.path()).await[1] == 0 {
        assert!(std::time::Instant::now() < deadline, "no contacts arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = counts(killed.path()).await;
    assert!(
        partial[1] > 0 && partial[1] < expected[1],
        "killed mid-way: {partial:?}"
    );

    // Resume with a full budget: the saved cursors carry on, nothing is lost or doubled.
    let r = Rapport::open(&OpenOptions::new(
        killed.path().to_path_buf(),
        Clock::system(),
    ))
    .await
    .unwrap();
    let mut c = r.connections().await.unwrap().remove(0);
    c.settings.requests_per_10s = 1_000;
    r.store().update_connection(&c).await.unwrap();
    r.close().await;
    let out = rapport(killed.path()).arg("sync").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(counts(killed.path()).await, expected);
}
