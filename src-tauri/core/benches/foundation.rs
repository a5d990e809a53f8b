//! Foundation benchmark (DESIGN §6), release build: `cargo bench -p rapport-core --bench foundation`.
//! Prints demo generation time and database size at 150 / 1,000 / 10,000 accounts, portfolio
//! latency and scoring at 10,000 accounts, a full rescore, and bulk-insert throughput of the
//! store API against a plain multi-row sqlx insert of the same rows, measured in one run.

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use rapport_core::domain::Clock;
use rapport_core::domain::UsageDay;
use rapport_core::health;
use rapport_core::secrets::{DbKey, KeySource};
use rapport_core::Rapport;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite};

/// mimalloc: bulk loads allocate millions of short-lived bind values; glibc malloc spent ~30 %
/// of a 10,000-account demo load in malloc/free (perf).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).clamp(1, v.len()) - 1];
    (ms(v[v.len() / 2]), ms(p95))
}

/// The baseline: rows inserted with sqlx directly, 500 per statement, one transaction, no store.
async fn plain_insert(path: &Path, key: &DbKey, rows: &[UsageDay]) -> Duration {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .unwrap()
        .pragma("key", key.pragma_value().to_string())
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    let t = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    for chunk in rows.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO usage_daily (account_id, day, active_users, seats_used, feature_events, source) ",
        );
        qb.push_values(chunk, |mut b, u| {
            b.push_bind(u.account_id)
                .push_bind(u.day.format("%Y-%m-%d").to_string())
                .push_bind(u.active_users)
                .push_bind(u.seats_used)
                .push_bind(u.feature_events)
                .push_bind("bench");
        });
        qb.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    let d = t.elapsed();
    pool.close().await;
    d
}

#[tokio::main]
async fn main() {
    let as_of = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let today = as_of.date_naive();
    println!(
        "Rapport foundation benchmark (release, SQLCipher, {} cores)\n",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    println!(
        "{:>8}  {:>10}  {:>10}  {:>10}  {:>11}  {:>9}  {:>9}",
        "accounts", "generate", "write", "rescore", "rows", "rows/s", "db size"
    );
    let mut big = None;
    // RAPPORT_BENCH_ACCOUNTS="150,1000" runs a subset; the portfolio figures need 10000 in it.
    let sizes: Vec<usize> = std::env::var("RAPPORT_BENCH_ACCOUNTS")
        .unwrap_or_else(|_| "150,1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for n in sizes {
        let dir = tempfile::tempdir().unwrap();
        let key = DbKey::random();
        let r = Rapport::open_with_key(dir.path(), &key, KeySource::Keychain, Clock::system())
            .await
            .unwrap();
        let t = Instant::now();
        let data = rapport_core::demo::generate(rapport_core::demo::DemoOptions {
            accounts: n,
            seed: 2026,
            as_of,
            today: as_of.date_naive(),
        });
        let gen = t.elapsed();
        let t = Instant::now();
        r.store().replace_with_demo(&data).await.unwrap();
        let write = t.elapsed();
        let t = Instant::now();
        r.rescore(today).await.unwrap();
        let rescore = t.elapsed();
        let rows = data.row_count();
        drop(data);
        let size = dir_size(dir.path());
        println!(
            "{n:>8}  {:>8.2} s  {:>8.2} s  {:>8.0} ms  {rows:>11}  {:>8.2}M  {:>6.1} MB",
            gen.as_secs_f64(),
            write.as_secs_f64(),
            rescore.as_secs_f64() * 1e3,
            rows as f64 / write.as_secs_f64() / 1e6,
            size as f64 / 1e6
        );
        if n == 10_000 {
            big = Some((dir, r));
        } else {
            r.close().await;
        }
    }

    if let Some((dir, r)) = big {
        println!("\nAt 10,000 accounts (targets: portfolio < 50 ms, full rescore < 1 s):");
        let (mut table, mut full) = (Vec::new(), Vec::new());
        let mut rows = 0;
        for _ in 0..20 {
            let t = Instant::now();
            rows = r.portfolio_table(today).await.unwrap().rows.len();
            table.push(t.elapsed());
            let t = Instant::now();
            r.portfolio(today).await.unwrap();
            full.push(t.elapsed());
        }
        let (med, p95) = stats(table);
        println!("  portfolio table ({rows} rows, scores, 90-day trends)  median {med:7.1} ms   p95 {p95:7.1} ms");
        let (med, p95) = stats(full);
        println!("  whole home screen (table + 9 KPI tiles)            median {med:7.1} ms   p95 {p95:7.1} ms");
        let (mut load, mut score) = (Vec::new(), Vec::new());
        for _ in 0..10 {
            let t = Instant::now();
            let inputs = r
                .store()
                .health_inputs(today, chrono::FixedOffset::east_opt(0).unwrap(), None)
                .await
                .unwrap();
            load.push(t.elapsed());
            let t = Instant::now();
            let scored: Vec<_> = inputs.iter().map(health::score).collect();
            score.push(t.elapsed());
            assert_eq!(scored.len(), inputs.len());
        }
        let (lmed, lp95) = stats(load);
        let (smed, sp95) = stats(score);
        println!("  health inputs query (SQL aggregates)               median {lmed:7.1} ms   p95 {lp95:7.1} ms");
        println!("  scoring all accounts (pure)                        median {smed:7.1} ms   p95 {sp95:7.1} ms");
        let mut rescore = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            r.rescore(today).await.unwrap();
            rescore.push(t.elapsed());
        }
        let (rmed, rp95) = stats(rescore);
        println!("  full rescore (query + score + write snapshots)     median {rmed:7.1} ms   p95 {rp95:7.1} ms");

        println!("\nEarly warnings and churn risk at 10,000 accounts (targets: rules < 200 ms, training < 2 s, scoring < 100 ms, Warnings view < 50 ms):");
        let set = rapport_core::risk::defaults();
        let offset = chrono::FixedOffset::east_opt(0).unwrap();
        let inputs = r.store().health_inputs(today, offset, None).await.unwrap();
        let (mut facts_t, mut pure_t, mut book_t) = (Vec::new(), Vec::new(), Vec::new());
        let mut fired = 0;
        for _ in 0..5 {
            let t = Instant::now();
            let facts = r
                .store()
                .risk_facts(&inputs, today, offset, rapport_core::risk::windows(&set))
                .await
                .unwrap();
            facts_t.push(t.elapsed());
            let t = Instant::now();
            fired = rapport_core::risk::evaluate(&facts, &set).len();
            pure_t.push(t.elapsed());
            let t = Instant::now();
            r.evaluate_book(today).await.unwrap();
            book_t.push(t.elapsed());
        }
        let (fmed, _) = stats(facts_t);
        let (pmed, _) = stats(pure_t);
        let (bmed, bp95) = stats(book_t);
        println!("  rule facts query (beyond the health inputs)        median {fmed:7.1} ms");
        println!("  rules over the book (pure, {fired} alerts)            median {pmed:7.1} ms");
        println!("  whole evaluation (inputs + facts + rules + store)  median {bmed:7.1} ms   p95 {bp95:7.1} ms");
        let page = rapport_core::domain::risk::AlertQuery {
            limit: Some(200),
            ..Default::default()
        };
        let (mut view, mut every) = (Vec::new(), Vec::new());
        let (mut shown, mut open) = (0, 0);
        for _ in 0..20 {
            let t = Instant::now();
            let v = r.warnings_matching(&page).await.unwrap();
            view.push(t.elapsed());
            shown = v.alerts.len();
            open = v.totals.matching;
        }
        for _ in 0..10 {
            let t = Instant::now();
            let _ = r.warnings(false).await.unwrap();
            every.push(t.elapsed());
        }
        let (vmed, vp95) = stats(view);
        let (emed, _) = stats(every);
        // Where the first page's time goes, call by call.
        let (mut q_rows, mut q_totals, mut q_facets, mut q_counts, mut q_other) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..10 {
            let t = Instant::now();
            r.store().alerts_matching(&page, None).await.unwrap();
            q_rows.push(t.elapsed());
            let t = Instant::now();
            let book = r.store().alert_book(false).await.unwrap();
            q_totals.push(t.elapsed());
            let t = Instant::now();
            rapport_core::risk::book::summarize(&book, &page);
            q_facets.push(t.elapsed());
            let t = Instant::now();
            r.store().alert_counts().await.unwrap();
            q_counts.push(t.elapsed());
            let t = Instant::now();
            r.store()
                .wake_snoozed(today, chrono::Utc::now())
                .await
                .unwrap();
            r.playbooks().await.unwrap();
            r.store().active_runs().await.unwrap();
            r.rule_set().await.unwrap();
            q_other.push(t.elapsed());
        }
        println!(
            "    of which: page {:.1} ms · alerts for the totals {:.1} · totals, counts and filter choices (pure) {:.2} · home-screen counts {:.1} · snoozes, playbooks, rules {:.1}",
            stats(q_rows).0,
            stats(q_totals).0,
            stats(q_facets).0,
            stats(q_counts).0,
            stats(q_other).0
        );
        println!("  Warnings view (first {shown} of {open} open, totals)     median {vmed:7.1} ms   p95 {vp95:7.1} ms");
        println!("  every open alert at once (CLI, export)             median {emed:7.1} ms   ratio {:.1}×", emed / vmed);

        use rapport_core::risk::{churn, model::Model};
        let outcomes = r.store().renewal_outcomes(today).await.unwrap();
        let points: Vec<_> = outcomes
            .iter()
            .map(|o| {
                (
                    o.account_id,
                    o.renewal - chrono::Duration::days(churn::LEAD_DAYS),
                    o.arr,
                )
            })
            .collect();
        let t = Instant::now();
        let facts = r.store().churn_facts(&points, today).await.unwrap();
        let hist_q = t.elapsed();
        let (rows, labels): (Vec<_>, Vec<_>) = facts
            .iter()
            .zip(&outcomes)
            .filter(|(f, _)| f.active_30.is_some() && f.active_prev_30.is_some())
            .map(|(f, o)| (churn::features(f), o.churned))
            .unzip();
        let t = Instant::now();
        let (model, alpha) = Model::fit_cv(churn::feature_names(), &rows, &labels).unwrap();
        let fit_cv = t.elapsed();
        let t = Instant::now();
        let _ = Model::fit(churn::feature_names(), &rows, &labels).unwrap();
        let fit_one = t.elapsed();
        let accounts = r.store().active_accounts().await.unwrap();
        let now_points: Vec<_> = accounts.iter().map(|a| (a.id, today, a.arr)).collect();
        let t = Instant::now();
        let now_facts = r.store().churn_facts(&now_points, today).await.unwrap();
        let now_q = t.elapsed();
        let t = Instant::now();
        let p: Vec<f64> = now_facts
            .iter()
            .map(|f| model.predict(&churn::features(f)))
            .collect();
        let score_t = t.elapsed();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        println!(
            "  history facts query ({} renewals)                 {:7.1} ms",
            points.len(),
            ms(hist_q)
        );
        println!(
            "  model fit, one penalty ({} renewals with data)     {:7.1} ms",
            rows.len(),
            ms(fit_one)
        );
        println!("  cross-validated fit, as the app does (α {alpha})      {:7.1} ms   ratio to one fit {:.0}×", ms(fit_cv), fit_cv.as_secs_f64() / fit_one.as_secs_f64());
        println!(
            "  today's facts query ({} accounts)                {:7.1} ms",
            now_points.len(),
            ms(now_q)
        );
        println!(
            "  scoring all accounts (pure, {} probabilities)     {:7.1} ms",
            p.len(),
            ms(score_t)
        );
        let t = Instant::now();
        let rep = r.refresh_risk(today).await.unwrap();
        println!(
            "  whole refresh (history, backtest, fit, score, store) {:7.1} ms   ROC AUC {:.3}",
            ms(t.elapsed()),
            rep.backtest.and_then(|b| b.roc_auc).unwrap_or(f64::NAN)
        );
        r.close().await;
        drop(dir);
    }

    // Bulk insert: 1,000,000 usage rows (1,000 accounts × 1,000 future days) into two identical stores.
    let rows: Vec<UsageDay> = (1..=1000i64)
        .flat_map(|a| {
            (0..1000i64).map(move |d| UsageDay {
                account_id: a,
                day: today + chrono::Duration::days(400 + d),
                active_users: (a * 7 + d) % 300,
                seats_used: 300,
                feature_events: d,
            })
        })
        .collect();
    let small = rapport_core::demo::generate(rapport_core::demo::DemoOptions {
        accounts: 1000,
        seed: 1,
        as_of,
        today: as_of.date_naive(),
    });
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ka, kb) = (DbKey::random(), DbKey::random());
    let a = Rapport::open_with_key(da.path(), &ka, KeySource::Keychain, Clock::system())
        .await
        .unwrap();
    a.store().replace_with_demo(&small).await.unwrap();
    let b = Rapport::open_with_key(db.path(), &kb, KeySource::Keychain, Clock::system())
        .await
        .unwrap();
    b.store().replace_with_demo(&small).await.unwrap();
    b.close().await;
    let t = Instant::now();
    a.store().upsert_usage(&rows, "bench").await.unwrap();
    let ours = t.elapsed();
    a.close().await;
    let plain = plain_insert(&db.path().join("rapport.db"), &kb, &rows).await;
    let n = rows.len() as f64;
    println!(
        "\nBulk insert of {} usage rows (SQLCipher, one transaction):",
        rows.len()
    );
    println!(
        "  store API (upsert, 1,000 rows/statement) {:>6.2} M rows/s",
        n / ours.as_secs_f64() / 1e6
    );
    println!(
        "  plain sqlx multi-row INSERT              {:>6.2} M rows/s",
        n / plain.as_secs_f64() / 1e6
    );
    println!(
        "  ratio store ÷ plain                      {:>6.2}",
        plain.as_secs_f64() / ours.as_secs_f64()
    );

    csv_import(as_of).await;
}

/// A usage CSV of 1,000 accounts × 1,000 days (1,000,000 lines, two feature columns) imported
/// into an encrypted store as `rapport import usage` does it; then the same file again.
async fn csv_import(as_of: chrono::DateTime<Utc>) {
    use rapport_core::domain::usage::ImportPhase;
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let today = as_of.date_naive();
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(as_of, 0),
    )
    .await
    .unwrap();
    let small = rapport_core::demo::generate(rapport_core::demo::DemoOptions {
        accounts: 1000,
        seed: 3,
        as_of,
        today,
    });
    r.store().replace_with_demo(&small).await.unwrap();
    r.rescore(today).await.unwrap();
    let accounts = r.store().usage_accounts().await.unwrap();
    let mut csv = String::with_capacity(50 << 20);
    csv.push_str("crm_id,date,active_users,seats_used,reports_run,exports\n");
    for (i, (_, crm_id, _, _)) in accounts.iter().take(1000).enumerate() {
        for d in 0..1000i64 {
            let day = today - chrono::Duration::days(401 + d);
            csv.push_str(&format!(
                "{crm_id},{day},{},{},{},{}\n",
                (i as i64 * 7 + d) % 300,
                300,
                d % 40,
                d % 7
            ));
        }
    }
    let path = dir.path().join("usage.csv");
    std::fs::write(&path, &csv).unwrap();
    let mb = csv.len() as f64 / 1e6;
    drop(csv);
    let preview = r.preview_usage(&path, None).await.unwrap();
    assert!(preview.mapping_errors.is_empty() && preview.issues_total == 0);
    let run = async || {
        let t = Instant::now();
        let (mut read, mut write) = (None, None);
        let report = r
            .import_usage(&path, &preview.mapping, false, &mut |p| match p.phase {
                ImportPhase::Writing if read.is_none() => read = Some(t.elapsed()),
                ImportPhase::Scoring if write.is_none() => write = Some(t.elapsed()),
                _ => {}
            })
            .await
            .unwrap();
        let total = t.elapsed();
        (
            report,
            read.unwrap_or_default(),
            write.unwrap_or(total),
            total,
        )
    };
    let (first, read, write, total) = run().await;
    println!(
        "\nUsage CSV import ({} lines, {mb:.0} MB, 2 feature columns, 1,000 accounts; target < 5 s):",
        first.rows_read
    );
    println!(
        "  first import: read + check {:>7.0} ms, write {:>7.0} ms, rescore {:>5.0} ms, total {:>6.2} s ({:.2} M lines/s; {} days written)",
        ms(read),
        ms(write - read),
        ms(total - write),
        total.as_secs_f64(),
        first.rows_read as f64 / total.as_secs_f64() / 1e6,
        first.rows_written
    );
    let (again, _, _, total2) = run().await;
    println!(
        "  same file again: {:>6.2} s, {} days written, {} unchanged (ratio to first {:.2})",
        total2.as_secs_f64(),
        again.rows_written,
        again.rows_unchanged,
        total2.as_secs_f64() / total.as_secs_f64()
    );
}
