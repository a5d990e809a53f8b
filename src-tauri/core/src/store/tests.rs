//! The store against real SQLCipher files in temporary directories.

use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::demo::{self, DemoOptions};
use crate::health;

fn demo(accounts: usize) -> demo::DemoData {
    demo::generate(DemoOptions {
        accounts,
        seed: 11,
        as_of: Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap(),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(),
    })
}

fn file_bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_default()
}

#[tokio::test]
async fn nothing_readable_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let store = Store::open(dir.path(), &key).await.unwrap();
    let mut d = demo(3);
    d.accounts[0].name = "MARKER-ACCOUNT-7f3a".into();
    d.contacts[0].email = "marker.person@secret-domain.example".into();
    store.replace_with_demo(&d).await.unwrap();
    // A later small write sits in the WAL until the next checkpoint.
    store
        .rename_account(d.accounts[1].id, "MARKER-IN-WAL-91c2")
        .await
        .unwrap();
    // Look at the WAL while the pool is open, then at the main file after checkpointing.
    let wal = file_bytes(&dir.path().join("rapport.db-wal"));
    assert!(!wal.is_empty(), "expected a WAL file while open");
    store.close().await;
    let db = file_bytes(&dir.path().join(DB_FILE));
    assert!(db.len() > 4096);
    assert_ne!(&db[..16], b"SQLite format 3\0");
    for hay in [&db, &wal] {
        for marker in [
            "MARKER-ACCOUNT-7f3a",
            "MARKER-IN-WAL-91c2",
            "secret-domain",
            "CREATE TABLE",
        ] {
            assert!(
                !hay.windows(marker.len()).any(|w| w == marker.as_bytes()),
                "{marker} readable on disk"
            );
        }
    }
}

#[tokio::test]
async fn wrong_key_is_refused_and_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &DbKey::random()).await.unwrap();
    store.replace_with_demo(&demo(2)).await.unwrap();
    store.close().await;
    let path = dir.path().join(DB_FILE);
    let before = file_bytes(&path);
    let err = Store::open(dir.path(), &DbKey::random())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::WrongKey, "{err}");
    assert!(err.to_string().contains("different key"), "{err}");
    assert_eq!(file_bytes(&path), before);
    assert!(
        !dir.path().join("rapport.db-wal").exists()
            || file_bytes(&dir.path().join("rapport.db-wal")).is_empty()
    );
}

#[tokio::test]
async fn damaged_or_foreign_files_are_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE);
    // Random bytes: SQLCipher cannot tell them from a wrong key, so the message names both.
    let junk: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &junk).unwrap();
    let err = Store::open(dir.path(), &DbKey::random())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::WrongKey);
    assert_eq!(file_bytes(&path), junk);
    // A plain SQLite file is not ours.
    let mut plain = b"SQLite format 3\0".to_vec();
    plain.resize(4096, 0);
    std::fs::write(&path, &plain).unwrap();
    let err = Store::open(dir.path(), &DbKey::random())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::CorruptDatabase);
    assert!(err.to_string().contains("unencrypted"), "{err}");
    assert_eq!(file_bytes(&path), plain);
    // A truncated file.
    std::fs::write(&path, b"abc").unwrap();
    let err = Store::open(dir.path(), &DbKey::random())
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), crate::ErrorCode::CorruptDatabase);
}

#[tokio::test]
async fn reopening_with_the_right_key_keeps_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let store = Store::open(dir.path(), &key).await.unwrap();
    let d = demo(5);
    store.replace_with_demo(&d).await.unwrap();
    store.close().await;
    let store = Store::open(dir.path(), &key).await.unwrap();
    assert_eq!(store.account_count().await.unwrap(), 5);
    assert_eq!(
        store.meta(META_DEMO_SEED).await.unwrap().as_deref(),
        Some("11")
    );
    // Replacing again leaves exactly one portfolio.
    store.replace_with_demo(&d).await.unwrap();
    assert_eq!(store.account_count().await.unwrap(), 5);
}

fn snap(account_id: i64, day: chrono::NaiveDate, score: Option<i64>) -> health::Snapshot {
    health::Snapshot {
        account_id,
        day,
        score,
        band: score.map(|s| {
            if s >= 70 {
                health::Band::Green
            } else if s >= 50 {
                health::Band::Yellow
            } else {
                health::Band::Red
            }
        }),
        profile: "standard".into(),
        profile_name: "Standard".into(),
        model_version: "test".into(),
        components: Vec::new(),
    }
}

/// The portfolio's current health: latest score in a 90-day window (both ends inclusive), its
/// change from the snapshot before, the window's scores oldest first; scoped refreshes touch
/// only the accounts written.
#[tokio::test]
async fn current_health_follows_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let store = Store::open(dir.path(), &key).await.unwrap();
    let mut d = demo(2);
    d.snapshots.clear();
    for a in &mut d.accounts {
        a.churned_on = None;
    }
    store.replace_with_demo(&d).await.unwrap();
    let (a, b) = (d.accounts[0].id, d.accounts[1].id);
    let rec =
        |rows: &[TableRecord], id: i64| rows.iter().find(|r| r.row.id == id).cloned().unwrap();
    let rows = store
        .portfolio_records(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rec(&rows, a).row.score, rec(&rows, a).row.trend.len()),
        (None, 0)
    );

    let t = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let days = |n: i64| t - Duration::days(n);
    store
        .upsert_snapshots(&[
            snap(a, days(91), Some(10)),
            snap(a, days(90), Some(50)),
            snap(a, days(30), None),
            snap(a, days(7), Some(60)),
            snap(a, t, Some(72)),
            snap(b, days(3), Some(40)),
        ])
        .await
        .unwrap();
    let rows = store
        .portfolio_records(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
        .await
        .unwrap();
    let ra = rec(&rows, a);
    assert_eq!(
        (ra.row.score, ra.row.band, ra.row.delta),
        (Some(72), Some(health::Band::Green), Some(12))
    );
    assert_eq!((ra.row.trend, ra.scored_on), (vec![50, 60, 72], Some(t)));
    let rb = rec(&rows, b);
    assert_eq!(
        (rb.row.score, rb.row.band, rb.row.delta),
        (Some(40), Some(health::Band::Red), None)
    );
    assert_eq!((rb.row.trend, rb.scored_on), (vec![40], Some(days(3))));
    assert_eq!(store.health_current_as_of().await.unwrap(), Some(t));

    // A day later, only `a` is rescored: 50 (now 91 days old) leaves its window; `b` is untouched.
    let t1 = t + Duration::days(1);
    store
        .upsert_snapshots(&[snap(a, t1, Some(70))])
        .await
        .unwrap();
    let rows = store
        .portfolio_records(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
        .await
        .unwrap();
    let ra = rec(&rows, a);
    assert_eq!(
        (ra.row.score, ra.row.delta, ra.row.trend),
        (Some(70), Some(-2), vec![60, 72, 70])
    );
    assert_eq!(rec(&rows, b).row.trend, vec![40]);

    // A store reopened with snapshots but an emptied current table fills it again.
    sqlx::query("DELETE FROM health_current")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let store = Store::open(dir.path(), &key).await.unwrap();
    let rows = store
        .portfolio_records(chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
        .await
        .unwrap();
    assert_eq!(rec(&rows, a).row.trend, vec![60, 72, 70]);
    assert_eq!(rec(&rows, b).row.score, Some(40));
}

/// The SQL aggregates and the demo's in-memory ones are two implementations of one definition.
#[tokio::test]
async fn store_health_inputs_match_the_generators() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &DbKey::random()).await.unwrap();
    let d = demo(40);
    store.replace_with_demo(&d).await.unwrap();
    let today = d.today;
    let histories = rebuild_histories(&d);
    for at in [
        today,
        today - Duration::days(35),
        today - Duration::days(200),
    ] {
        let from_store = store.health_inputs(at, utc(), None).await.unwrap();
        assert!(!from_store.is_empty());
        for inputs in &from_store {
            let expected = histories[&inputs.account_id].inputs_at(at);
            assert_eq!(inputs, &expected, "account {} on {at}", inputs.account_id);
        }
    }
    let inputs = store.health_inputs(today, utc(), None).await.unwrap();
    for i in inputs.iter().take(10) {
        let (latest, _) = store.latest_snapshots(i.account_id, today).await.unwrap();
        let expected = health::Snapshot::from(&health::score(i));
        assert_eq!(latest.unwrap().score, expected.score);
    }
}

fn rebuild_histories(d: &demo::DemoData) -> std::collections::HashMap<i64, demo::AccountHistory> {
    let mut out: std::collections::HashMap<i64, demo::AccountHistory> = d
        .accounts
        .iter()
        .map(|a| {
            (
                a.id,
                demo::AccountHistory {
                    account: a.clone(),
                    feed_end: d.today - Duration::days(1),
                    ..Default::default()
                },
            )
        })
        .collect();
    for u in &d.usage {
        out.get_mut(&u.account_id)
            .unwrap()
            .usage
            .push((u.day, u.active_users));
    }
    for a in &d.activities {
        if a.is_two_way() {
            out.get_mut(&a.account_id)
                .unwrap()
                .two_way
                .push(a.at.date_naive());
        }
    }
    for t in &d.tickets {
        let high = matches!(t.priority.as_str(), "high" | "urgent");
        out.get_mut(&t.account_id)
            .unwrap()
            .tickets
            .push((t.opened_on, t.closed_on, high));
    }
    for s in &d.surveys {
        out.get_mut(&s.account_id).unwrap().surveys.push((
            s.captured_at.date_naive(),
            s.kind.as_str(),
            s.score,
        ));
    }
    for s in &d.sentiments {
        out.get_mut(&s.account_id)
            .unwrap()
            .sentiment
            .push((s.set_at.date_naive(), s.value));
    }
    for c in d.contacts.iter().filter(|c| c.champion || c.sponsor) {
        out.get_mut(&c.account_id).unwrap().people.push((
            c.name.clone(),
            c.champion,
            c.sponsor,
            c.left_on,
        ));
    }
    for h in out.values_mut() {
        h.usage.sort();
        h.two_way.sort();
        h.sentiment.sort();
    }
    out
}

fn utc() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(0).unwrap()
}

#[tokio::test]
async fn removed_accounts_and_milestone_changes_drop_the_kept_kpi_tiles() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &DbKey::random()).await.unwrap();
    let d = demo(4);
    store.replace_with_demo(&d).await.unwrap();
    let kept = |s: &Store| {
        let s = s.clone();
        async move { s.meta(META_KPI_CACHE).await.unwrap() }
    };
    store.set_meta(META_KPI_CACHE, "{}").await.unwrap();
    store
        .rename_account(d.accounts[0].id, "Renamed")
        .await
        .unwrap();
    assert!(kept(&store).await.is_some(), "a rename changes no tile");

    sqlx::query("UPDATE milestone SET achieved_on = '2026-11-20' WHERE id = (SELECT min(id) FROM milestone)")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(kept(&store).await, None, "first value moved");

    store.set_meta(META_KPI_CACHE, "{}").await.unwrap();
    sqlx::query("DELETE FROM account WHERE id = ?")
        .bind(d.accounts[3].id)
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(kept(&store).await, None, "an account left the book");
}
