//! Sync benchmark (release): the fake HubSpot server runs as its own process (so this
//! process's CPU time and peak memory are the client's), and Rapport syncs it into an encrypted
//! store over loopback HTTP. Prints full-sync throughput, CPU time and peak memory, an
//! incremental sync with 1 % changed, and a run under HubSpot's 190 requests / 10 s limit.
//!
//! `cargo bench -p rapport-tests --bench sync` (env `RAPPORT_BENCH_RECORDS`, default 20000 per
//! object type; `RAPPORT_BENCH_LIMITED_RECORDS`, default 1500).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rapport_core::domain::Clock;
use rapport_core::domain::Crm;
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::sync::engine::{self, Connector, Run};
use rapport_core::sync::hubspot::HubSpot;
use rapport_core::sync::{AuthKind, Connection, NewConnection, Settings, SyncReport};
use rapport_core::Rapport;
use tokio_util::sync::CancellationToken;

const TYPES: [&str; 10] = [
    "companies",
    "contacts",
    "deals",
    "tickets",
    "notes",
    "calls",
    "meetings",
    "emails",
    "tasks",
    "feedback_submissions",
];

struct Fake {
    child: Child,
    url: String,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fake(bulk: usize, rate_limit: Option<&str>) -> Fake {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fake-hubspot"));
    cmd.args(["--companies", "0", "--bulk", &bulk.to_string()]);
    if let Some(r) = rate_limit {
        cmd.args(["--rate-limit", r]);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    Fake { child, url }
}

/// User + system CPU seconds of this process (Linux `/proc/self/stat`, 100 ticks a second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    (fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap()) / 100.0
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .unwrap_or(0.0)
        / 1024.0
}

async fn store_with(url: &str, budget: u32) -> (tempfile::TempDir, Rapport, Connection) {
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::system(),
    )
    .await
    .unwrap();
    let conn = r
        .store()
        .add_connection(
            &NewConnection {
                name: "bench".into(),
                crm: Crm::Hubspot,
                base_url: url.into(),
                auth: AuthKind::Token,
                settings: Settings {
                    requests_per_10s: budget,
                    ..Settings::default()
                },
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    (dir, r, conn)
}

async fn run(r: &Rapport, conn: &Connection) -> (SyncReport, Duration, f64) {
    let secret = CrmSecret {
        token: Some("pat-fake-token".into()),
        client_id: None,
        client_secret: None,
        refresh_token: None,
    };
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let (hs, notes) = HubSpot::prepare(conn, &secret, None, Clock::system())
        .await
        .unwrap();
    let hs = Arc::new(hs);
    let run = Run {
        store: r.store().clone(),
        conn: Arc::new(conn.clone()),
        full: false,
        cancel: CancellationToken::new(),
        progress: Arc::new(|_| {}),
        clock: Clock::system(),
    };
    let objects = engine::sync(hs.clone(), run).await.unwrap();
    let rep = SyncReport {
        connection: conn.name.clone(),
        objects,
        budget: hs.budget(),
        notes,
    };
    assert_eq!(rep.first_error(), None, "{rep:?}");
    (rep, t.elapsed(), cpu_seconds() - cpu)
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let n = env("RAPPORT_BENCH_RECORDS", 20_000);
    println!("Rapport sync benchmark (release, SQLCipher store, fake HubSpot in its own process, 2 cores)\n");

    let f = fake(n, None);
    let (_dir, r, conn) = store_with(&f.url, 1_000_000).await;
    let (rep, wall, cpu) = run(&r, &conn).await;
    let fetched = rep.fetched();
    println!("Full sync: {} object types × {n} records", TYPES.len());
    println!("  records            {fetched:>10}");
    println!("  requests           {:>10}", rep.budget.requests);
    println!("  wall time          {:>10.2} s", wall.as_secs_f64());
    println!(
        "  throughput         {:>10.0} records/s (end to end, into the encrypted store)",
        fetched as f64 / wall.as_secs_f64()
    );
    println!(
        "  client CPU time    {:>10.2} s ({:.0} records per CPU-second)",
        cpu,
        fetched as f64 / cpu.max(1e-9)
    );
    println!("  client peak RSS    {:>10.1} MB", peak_rss_mb());

    // 1 % of every type changes.
    let http = reqwest::Client::new();
    let per_type = n / 100;
    let t = Instant::now();
    for (i, ty) in TYPES.iter().enumerate() {
        let first = 100_000_000 * (i as u64 + 1);
        for k in 0..per_type as u64 {
            let prop = if *ty == "contacts" {
                "firstname"
            } else if *ty == "companies" {
                "name"
            } else {
                "hs_note_body"
            };
            let resp = http
                .patch(format!("{}/crm/v3/objects/{ty}/{}", f.url, first + k * 100))
                .bearer_auth("pat-fake-token")
                .json(&serde_json::json!({"properties": {prop: format!("changed {k}")}}))
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "PATCH {ty}: {}", resp.status());
        }
    }
    let patch_time = t.elapsed();
    let (rep, wall, cpu) = run(&r, &conn).await;
    let changed: u64 = rep.objects.iter().map(|o| o.upserted).sum();
    println!(
        "\nIncremental sync, 1 % changed ({} records patched in {:.1} s):",
        per_type * TYPES.len(),
        patch_time.as_secs_f64()
    );
    println!(
        "  fetched {:>8}   changed {:>8}   requests {:>5}   wall {:>6.2} s   CPU {:>5.2} s",
        rep.fetched(),
        changed,
        rep.budget.requests,
        wall.as_secs_f64(),
        cpu
    );
    drop(f);

    // Under HubSpot Professional's 190 requests / 10 s, enforced by the server.
    let m = env("RAPPORT_BENCH_LIMITED_RECORDS", 1_500);
    let f = fake(m, Some("190/10000"));
    let (_dir2, r2, conn2) = store_with(&f.url, 190).await;
    let (rep, wall, _) = run(&r2, &conn2).await;
    let ceiling = wall.as_secs_f64() * 19.0;
    println!(
        "\nUnder a 190 requests / 10 s limit ({} types × {m} records):",
        TYPES.len()
    );
    println!(
        "  requests {:>5} in {:>6.1} s = {:.1} requests/s; ceiling 19.0/s → {:.1} % of the ceiling",
        rep.budget.requests,
        wall.as_secs_f64(),
        rep.budget.requests as f64 / wall.as_secs_f64(),
        rep.budget.requests as f64 / ceiling * 100.0
    );
    println!(
        "  refused (429) {:>3}   retried {:>3}   records {:>6}",
        rep.budget.rate_limited,
        rep.budget.retries,
        rep.fetched()
    );
    r.close().await;
    r2.close().await;
}
