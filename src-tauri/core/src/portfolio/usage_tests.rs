use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::domain::health::Measure;
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

async fn book(dir: &std::path::Path) -> Rapport {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir,
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(30, 7, at).await.unwrap();
    r.score_changes(at.date_naive()).await.unwrap();
    r
}

fn seat_raw(d: &crate::portfolio::AccountDetail) -> Option<f64> {
    d.health
        .as_ref()
        .and_then(|h| {
            h.components
                .iter()
                .find(|c| c.measure == Measure::SeatUtilisation)
        })
        .and_then(|c| c.raw)
}

#[tokio::test]
async fn a_file_with_bad_lines_imports_nothing_unless_they_are_skipped_and_a_reimport_changes_nothing(
) {
    let dir = tempfile::tempdir().unwrap();
    let r = book(dir.path()).await;
    let today = r.today();
    let rows = r.portfolio_table(today).await.unwrap().rows;
    let (a, b) = (&rows[0], &rows[1]);
    let a_detail = r.account_detail(a.id, today).await.unwrap();
    let b_crm = r.account_detail(b.id, today).await.unwrap().header.crm_id;
    let seats = a_detail.header.seats_purchased;
    let before = seat_raw(&a_detail);
    let day = |n: i64| (today - Duration::days(n)).to_string();
    // Account a by name, b by CRM id; every one of the last 7 days at full seats for a.
    let mut csv = String::from("Account,Date,Active users,Seats used,Reports run\n");
    for n in 0..7 {
        csv.push_str(&format!(
            "{},{},{seats},{seats},{}\n",
            a.name,
            day(n),
            10 + n
        ));
    }
    csv.push_str(&format!("{b_crm},{},3,4,0\n", day(0)));
    csv.push_str("Nobody Ltd,2026-11-20,1,1,1\n");
    csv.push_str(&format!("{},not a day,1,1,1\n", a.name));
    let path = dir.path().join("usage.csv");
    std::fs::write(&path, &csv).unwrap();

    let p = r.preview_usage(&path, None).await.unwrap();
    assert!(p.mapping_errors.is_empty(), "{:?}", p.mapping_errors);
    assert_eq!((p.rows_total, p.rows_ok, p.issues_total), (10, 8, 2));
    let lines: Vec<u64> = p.issues.iter().map(|i| i.line).collect();
    assert_eq!(lines, [10, 11]);
    assert_eq!(p.unmatched, 1);
    assert_eq!(p.accounts, 2);
    assert_eq!(p.features, ["Reports run"]);
    assert_eq!(p.sample[0].account, a.name);
    assert_eq!(p.sample[0].features, [10]);

    let mut heard = Vec::new();
    let refused = r
        .import_usage(&path, &p.mapping, false, &mut |x| heard.push(x))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("nothing was imported"),
        "{refused}"
    );
    assert_eq!(
        seat_raw(&r.account_detail(a.id, today).await.unwrap()),
        before
    );

    let mut heard = Vec::new();
    let done = r
        .import_usage(&path, &p.mapping, true, &mut |x| heard.push(x))
        .await
        .unwrap();
    assert_eq!(
        (done.rows_read, done.rows_written, done.rows_skipped),
        (10, 8, 2)
    );
    assert_eq!(done.accounts, 2);
    assert!(done.rescored >= 2, "{done:?}");
    assert!(heard
        .iter()
        .any(|x| x.phase == ImportPhase::Writing && x.done == 8));
    // All 7 days at full seats: utilisation 100 %.
    assert_eq!(
        seat_raw(&r.account_detail(a.id, today).await.unwrap()),
        Some(1.0)
    );

    let again = r
        .import_usage(&path, &p.mapping, true, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((again.rows_written, again.rows_unchanged), (0, 8));

    // The import set the scoring triggers aside for its transaction only: a later write of
    // usage (a sync's) marks its account for scoring again.
    r.store()
        .upsert_usage(
            &[crate::domain::UsageDay {
                account_id: b.id,
                day: today - Duration::days(3),
                active_users: 1,
                seats_used: 1,
                feature_events: 0,
            }],
            "crm",
        )
        .await
        .unwrap();
    assert_eq!(r.store().claim_changed_accounts().await.unwrap(), [b.id]);

    // One feature value changed (the day's total too): that day only.
    let changed = csv.replacen(
        &format!(",{seats},{seats},10\n"),
        &format!(",{seats},{seats},99\n"),
        1,
    );
    assert_ne!(changed, csv);
    std::fs::write(&path, &changed).unwrap();
    let third = r
        .import_usage(&path, &p.mapping, true, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((third.rows_written, third.rows_unchanged), (1, 7));
}

#[tokio::test]
async fn a_mapping_without_a_date_is_said_before_reading_further() {
    let dir = tempfile::tempdir().unwrap();
    let r = book(dir.path()).await;
    let path = dir.path().join("u.csv");
    std::fs::write(&path, "Customer,When,Logins\nAcme,2026-11-20,3\n").unwrap();
    let p = r.preview_usage(&path, None).await.unwrap();
    assert_eq!(p.mapping_errors, ["Pick the column with the date."]);
    let mut m = p.mapping.clone();
    m.roles[1] = ColumnRole::Date;
    let p = r.preview_usage(&path, Some(m)).await.unwrap();
    assert!(p.mapping_errors.is_empty());
    assert_eq!(p.issues_total, 1);
    assert!(p.issues[0].message.contains("matches no account"));
}
