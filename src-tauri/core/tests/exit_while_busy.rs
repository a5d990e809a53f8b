//! A connection still encrypting pages while the process exits (a test harness returning, a
//! cancelled command, the app quitting mid-score) must not corrupt the heap.
//!
//! Exit handlers run in reverse order of registration, so a handler registered before the first
//! store opens runs after any handler the crypto library registers then: the child below writes
//! to its store from there, exactly as a late connection thread would.

use std::process::Command;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::OnceLock;
use std::time::Duration;

use rapport_core::secrets::DbKey;
use rapport_core::store::Store;

const CHILD_ENV: &str = "RAPPORT_EXIT_WHILE_BUSY_CHILD";
/// Exit status of a child whose late write failed.
const LATE_WRITE_FAILED: i32 = 3;

#[test]
fn a_store_write_during_process_exit_still_works() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writes_during_exit", "--include-ignored"])
        .env(CHILD_ENV, dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

static LATE_WRITES: OnceLock<SyncSender<SyncSender<bool>>> = OnceLock::new();

extern "C" fn write_during_exit() {
    let (tx, rx) = sync_channel(1);
    let sent = LATE_WRITES.get().is_some_and(|w| w.send(tx).is_ok());
    let ok = sent && rx.recv_timeout(Duration::from_secs(10)).unwrap_or(false);
    if !ok {
        eprintln!("a store write during exit failed");
        // SAFETY: ends the process at once with a status the parent test reads.
        unsafe { libc::_exit(LATE_WRITE_FAILED) };
    }
}

/// Runs only as the child of the test above.
#[test]
#[ignore = "run by a_store_write_during_process_exit_still_works"]
fn child_writes_during_exit() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    // SAFETY: registers a plain extern "C" function with no arguments.
    assert_eq!(unsafe { libc::atexit(write_during_exit) }, 0);
    let (requests, incoming) = sync_channel::<SyncSender<bool>>(1);
    LATE_WRITES.set(requests).unwrap();
    let (opened, ready) = sync_channel(1);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let store = Store::open(std::path::Path::new(&dir), &DbKey::random())
                .await
                .unwrap();
            store.set_meta("before", "exit").await.unwrap();
            opened.send(()).unwrap();
            while let Ok(reply) = incoming.recv() {
                let ok = store.set_meta("during", "exit").await.is_ok()
                    && store.meta("during").await.ok().flatten().as_deref() == Some("exit");
                let _ = reply.send(ok);
            }
        });
    });
    ready.recv().unwrap();
    std::process::exit(0);
}
