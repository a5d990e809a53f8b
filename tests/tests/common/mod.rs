//! What the cross-module tests share: credentials, a fresh store, and a clock that can be moved.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, FixedOffset, Utc};
use rapport_core::domain::Clock;
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::Rapport;

/// A private-app (HubSpot) or session (Salesforce) token.
pub fn token(t: &str) -> CrmSecret {
    CrmSecret {
        token: Some(t.into()),
        client_id: None,
        client_secret: None,
        refresh_token: None,
    }
}

/// A clock in UTC running `ahead` milliseconds after the system clock (move it with `store`).
pub fn shifted_clock() -> (Clock, Arc<AtomicI64>) {
    let ahead = Arc::new(AtomicI64::new(0));
    let by = ahead.clone();
    let clock = Clock::new(
        move || Utc::now() + Duration::milliseconds(by.load(Ordering::Relaxed)),
        |_| FixedOffset::east_opt(0).unwrap(),
    );
    (clock, ahead)
}

/// A fresh store on a movable clock, connected as `name` to the CRM at `base_url` and synced
/// once: `(dir, rapport, how far the clock is moved ahead in ms)`.
pub async fn synced(
    name: &str,
    crm: rapport_core::domain::Crm,
    base_url: &str,
    secret: &str,
) -> (tempfile::TempDir, Rapport, Arc<AtomicI64>) {
    let (clock, ahead) = shifted_clock();
    let (dir, r) = store_with(clock).await;
    r.connect(name, crm, Some(base_url), token(secret))
        .await
        .unwrap();
    r.sync(
        None,
        false,
        tokio_util::sync::CancellationToken::new(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    (dir, r, ahead)
}

/// A fresh encrypted store in a temporary directory, read with `clock`.
pub async fn store_with(clock: Clock) -> (tempfile::TempDir, Rapport) {
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(dir.path(), &DbKey::random(), KeySource::Keychain, clock)
        .await
        .unwrap();
    (dir, r)
}

/// A fresh encrypted store on the system clock.
pub async fn store() -> (tempfile::TempDir, Rapport) {
    store_with(Clock::system()).await
}

/// The `rapport` binary: `RAPPORT_CLI_BIN`, else the one beside this test's build
/// (target/debug/deps/<test> → target/debug/rapport).
pub fn cli() -> PathBuf {
    let p = PathBuf::from(std::env::var("RAPPORT_CLI_BIN").unwrap_or_else(|_| {
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

/// `rapport --data-dir DIR`, ignoring any `RAPPORT_DATA_DIR` of the environment.
pub fn rapport(dir: &Path) -> Command {
    let mut c = Command::new(cli());
    c.arg("--data-dir").arg(dir).env_remove("RAPPORT_DATA_DIR");
    c
}

/// One synced account with a contact the CRM knows:
/// `(account id, its CRM id, contact id, the contact's CRM id)`.
pub async fn account_with_crm_contact(r: &Rapport) -> (i64, String, i64, String) {
    for row in r.portfolio(r.today()).await.unwrap().rows {
        let contacts = r.capture_contacts(row.id).await.unwrap();
        if let Some(c) = contacts.into_iter().find(|c| c.crm_id.is_some()) {
            let header = r.account_detail(row.id, r.today()).await.unwrap().header;
            return (row.id, header.crm_id, c.id, c.crm_id.unwrap());
        }
    }
    panic!("the seeded CRM has an account with a contact");
}

/// `rapport connect hubspot --name hs --token-stdin --base-url URL [extra…]` with the fake's
/// token on standard input; panics with the CLI's error when it fails.
pub fn cli_connect_hubspot(dir: &Path, url: &str, extra: &[&str]) {
    use std::io::Write;
    use std::process::Stdio;
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
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
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
