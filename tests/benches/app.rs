//! What the account manager feels, measured in the real app (release build, real webview through
//! tauri-driver) at the default demo size and at 10,000 accounts, each figure beside its target:
//! a cold `rapport portfolio --json` process beside the same call in-process; app start to a drawn
//! portfolio (first and second start); the repaint after `j`, a search keystroke and a sort,
//! beside the same measurement on a bare page in the same webview; opening an account; idle
//! memory of every app process.
//!
//! ```sh
//! cargo build --release --workspace --bins --features rapport/custom-protocol
//! RAPPORT_APP_BIN=$PWD/target/release/rapport-app RAPPORT_CLI_BIN=$PWD/target/release/rapport \
//!   xvfb-run -a -s "-screen 0 1440x900x24" ./scripts/with-keyring.sh \
//!   cargo bench -p rapport-tests --bench app
//! ```
//! `RAPPORT_BENCH_SIZES` (default `150,10000`) picks the portfolio sizes.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

use rapport_core::domain::Clock;
use rapport_core::{OpenOptions, Rapport};

#[path = "../tests/common/driver.rs"]
mod driver;
use driver::Driver;

const PORT: u16 = 4460;

/// One repaint: the event, the DOM update and the frame after it (two animation frames).
const REPAINT_JS: &str = r#"
const [what, arg] = arguments; const done = arguments[arguments.length - 1];
const t0 = performance.now();
if (what === 'key') {
  (document.activeElement || document.body).dispatchEvent(new KeyboardEvent('keydown', { key: arg, bubbles: true, cancelable: true }));
} else if (what === 'type') {
  const box = document.querySelector('input[type=search]');
  box.focus(); box.value = box.value + arg; box.dispatchEvent(new Event('input', { bubbles: true }));
} else if (what === 'click') {
  document.querySelector(arg).click();
} else if (what === 'bare') {
  document.body.textContent = 'repaint ' + t0;
}
requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
"#;

/// Opens the first row and waits for the account screen to be drawn.
const OPEN_JS: &str = r#"
const [index] = arguments; const done = arguments[arguments.length - 1];
const t0 = performance.now();
document.querySelectorAll('[data-testid=portfolio-row]')[index].click();
(function poll() {
  if (document.querySelector('[data-testid=health-chart], [data-testid=account-view] .content'))
    requestAnimationFrame(() => done(performance.now() - t0));
  else requestAnimationFrame(poll);
})();
"#;

fn binary(var: &str) -> PathBuf {
    let p = PathBuf::from(std::env::var(var).unwrap_or_else(|_| panic!("{var}: a release binary")));
    assert!(p.is_absolute() && p.exists(), "{} missing", p.display());
    p
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(0.0, f64::max)
}

fn row(what: &str, value: String, target: &str) {
    println!("  {what:<52} {value:>22}   {target}");
}

/// Proportional set size and resident size (MiB) of every process of the running app: the
/// Rust process and WebKit's web and network processes.
fn app_memory() -> Vec<(String, f64, f64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let pid = entry.file_name();
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        let comm = comm.trim();
        if !matches!(comm, "rapport-app" | "WebKitWebProces" | "WebKitNetworkPr") {
            continue;
        }
        let rollup = std::fs::read_to_string(entry.path().join("smaps_rollup")).unwrap_or_default();
        let field = |name: &str| {
            rollup
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
                .unwrap_or(0.0)
                / 1024.0
        };
        out.push((
            format!("{comm} ({})", pid.to_string_lossy()),
            field("Pss:"),
            field("Rss:"),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// When the newest `rapport-app` process started, in epoch milliseconds: its age from /proc
/// (start in clock ticks since boot against the uptime now), taken from the wall clock.
fn app_started_ms() -> Option<f64> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64()
        * 1e3;
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let mut newest: Option<f64> = None;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if comm.trim() != "rapport-app" {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // Field 22 (starttime, in USER_HZ = 100 ticks per second); fields after "comm)" start at 3.
        let Some(ticks) = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(19))
            .and_then(|t| t.parse::<f64>().ok())
        else {
            continue;
        };
        let started = now - (uptime - ticks / 100.0) * 1e3;
        newest = Some(newest.map_or(started, |n: f64| n.max(started)));
    }
    newest
}

async fn repaint(d: &WebDriver, what: &str, arg: &str) -> f64 {
    d.execute_async(REPAINT_JS, vec![json!(what), json!(arg)])
        .await
        .unwrap()
        .json()
        .as_f64()
        .unwrap()
}

/// Starts the app and waits for the first portfolio row: wall time from the session request,
/// the time from the app process's own start to the drawn table, and the page's own time from
/// navigation to the drawn table.
async fn start(driver: &Driver, app: &Path, dir: &Path) -> (WebDriver, f64, f64, f64) {
    let t = Instant::now();
    let d = driver.session(app, dir).await;
    d.query(By::Css("[data-testid=portfolio-row]"))
        .wait(Duration::from_secs(60), Duration::from_millis(20))
        .first()
        .await
        .expect("the portfolio was drawn");
    let wall = t.elapsed().as_secs_f64() * 1e3;
    // The page's own marks (ui/src/lib/perf.ts), once the drawn frame is marked.
    let marks = d
        .execute_async(
            "const done = arguments[arguments.length - 1];
             (function poll() {
               const m = performance.getEntriesByName('rapport:portfolio-drawn');
               if (m.length) done(performance.getEntriesByType('mark').filter((e) => e.name.startsWith('rapport:'))
                 .map((e) => [e.name.slice(8), e.startTime]));
               else setTimeout(poll, 10);
             })();",
            vec![],
        )
        .await
        .unwrap();
    let marks: Vec<(String, f64)> =
        serde_json::from_value(marks.json().clone()).unwrap_or_default();
    let page = marks
        .iter()
        .find(|m| m.0 == "portfolio-drawn")
        .map_or(0.0, |m| m.1);
    let steps: Vec<String> = marks.iter().map(|(n, t)| format!("{n} {t:.0}")).collect();
    row("    page marks (ms since navigation)", String::new(), "");
    println!("      {}", steps.join(" · "));
    let origin = d
        .execute("return performance.timeOrigin;", vec![])
        .await
        .unwrap()
        .json()
        .as_f64()
        .unwrap_or(0.0);
    let launch = app_started_ms().map_or(f64::NAN, |started| origin + page - started);
    (d, wall, launch, page)
}

async fn measure(size: usize, app: &Path, cli: &Path) {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let status = Command::new(cli)
        .args(["--data-dir"])
        .arg(dir)
        .args(["demo", "--accounts", &size.to_string()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "rapport demo failed");
    println!("\n{size} accounts");

    let mut cold = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let out = Command::new(cli)
            .arg("--data-dir")
            .arg(dir)
            .args(["portfolio", "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "portfolio printed {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        cold.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let r = Rapport::open(&OpenOptions::new(dir.to_path_buf(), Clock::system()))
        .await
        .expect("the bench shares the CLI's keychain");
    let mut warm = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        r.portfolio(r.today()).await.unwrap();
        warm.push(t.elapsed().as_secs_f64() * 1e3);
    }
    r.close().await;
    row(
        "cold `rapport portfolio --json` process (median of 5)",
        format!("{:.0} ms", median(cold.clone())),
        "target < 300 ms",
    );
    row(
        "  the same call in-process (median of 5)",
        format!("{:.0} ms", median(warm)),
        "",
    );

    let driver = Driver::start(PORT).await;
    let (d, first_wall, first_launch, first_page) = start(&driver, app, dir).await;
    d.quit().await.unwrap();
    // Later starts vary with the webview's own start-up: three of them, median and max.
    let (mut walls, mut launches, mut pages) = (Vec::new(), Vec::new(), Vec::new());
    let mut session = None;
    for i in 0..3 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (d, wall, launch, page) = start(&driver, app, dir).await;
        walls.push(wall);
        launches.push(launch);
        pages.push(page);
        if i < 2 {
            d.quit().await.unwrap();
        } else {
            session = Some(d);
        }
    }
    let d = session.unwrap();
    row(
        "first start to a drawn portfolio (session → rows)",
        format!("{first_wall:.0} ms"),
        "",
    );
    row(
        "later starts to a drawn portfolio (median / max of 3)",
        format!("{:.0} / {:.0} ms", median(walls.clone()), max(&walls)),
        "target < 1.5 s",
    );
    row(
        "  app process start → rows drawn (first; later median / max)",
        format!(
            "{first_launch:.0}; {:.0} / {:.0} ms",
            median(launches.clone()),
            max(&launches)
        ),
        "(without the WebDriver session)",
    );
    row(
        "  of which page load → rows drawn (first; later median)",
        format!("{first_page:.0} / {:.0} ms", median(pages)),
        "",
    );

    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut keys = Vec::new();
    for _ in 0..10 {
        keys.push(repaint(&d, "key", "j").await);
    }
    let mut typing = Vec::new();
    for ch in ["a", "c", "m"] {
        typing.push(repaint(&d, "type", ch).await);
    }
    repaint(&d, "key", "Escape").await;
    let mut sorts = Vec::new();
    for col in ["arr", "health", "renewal", "arr", "name"] {
        sorts.push(repaint(&d, "click", &format!("[data-testid=sort-{col}]")).await);
    }
    let fmt = |v: &[f64]| format!("{:.0} / {:.0} ms", median(v.to_vec()), max(v));
    row(
        "repaint after j (median / max of 10)",
        fmt(&keys),
        "target < 100 ms",
    );
    row(
        "repaint after a search keystroke (median / max of 3)",
        fmt(&typing),
        "target < 100 ms",
    );
    row(
        "repaint after a sort (median / max of 5)",
        fmt(&sorts),
        "target < 100 ms",
    );

    let mut opens = Vec::new();
    for i in [0usize, 3, 7] {
        let ms = d
            .execute_async(OPEN_JS, vec![json!(i)])
            .await
            .unwrap()
            .json()
            .as_f64()
            .unwrap();
        opens.push(ms);
        d.execute(
            "document.querySelector('[data-testid=back]').click();",
            vec![],
        )
        .await
        .unwrap();
        d.query(By::Css("[data-testid=portfolio-row]"))
            .wait(Duration::from_secs(20), Duration::from_millis(20))
            .first()
            .await
            .unwrap();
    }
    row(
        "open an account (median / max of 3)",
        fmt(&opens),
        "target < 300 ms",
    );

    tokio::time::sleep(Duration::from_secs(5)).await;
    let mem = app_memory();
    let pss: f64 = mem.iter().map(|m| m.1).sum();
    let rss: f64 = mem.iter().map(|m| m.2).sum();
    row(
        "idle memory, all app processes (PSS / RSS)",
        format!("{pss:.0} / {rss:.0} MiB"),
        "target ≤ 1.25 × bare Tauri (253 MiB PSS, DESIGN §8) = 316 MiB",
    );
    for (name, p, r) in &mem {
        row(&format!("  {name}"), format!("{p:.0} / {r:.0} MiB"), "");
    }

    // The same repaint on a bare page in the same webview: what the webview itself costs.
    d.goto("about:blank").await.unwrap();
    let mut bare = Vec::new();
    for _ in 0..10 {
        bare.push(repaint(&d, "bare", "").await);
    }
    row(
        "  bare page in the same webview: repaint (median / max)",
        fmt(&bare),
        "",
    );
    d.quit().await.unwrap();
}

#[tokio::main]
async fn main() {
    let app = binary("RAPPORT_APP_BIN");
    let cli = binary("RAPPORT_CLI_BIN");
    let sizes: Vec<usize> = std::env::var("RAPPORT_BENCH_SIZES")
        .unwrap_or_else(|_| "150,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("Rapport as the user feels it (release app under the real webview; targets from issue 8 and DESIGN §6)");
    for n in sizes {
        measure(n, &app, &cli).await;
    }
}
