//! Adoption on a real encrypted store: the demo's usage and key features as the screens read them.

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

#[tokio::test]
async fn the_demo_book_reads_as_a_year_of_use_and_a_spread_of_utilisation() {
    let dir = tempfile::tempdir().unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(40, 7, at).await.unwrap();
    let live: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM account WHERE deleted = 0 AND churned_on IS NULL AND contract_start <= '2025-06-01' ORDER BY id",
    )
    .fetch_all(r.store().pool())
    .await
    .unwrap();
    let a = r.account_adoption(live[0]).await.unwrap();
    assert!(a.as_of.is_some());
    assert!(a.weeks.len() >= 50, "a year of weeks: {}", a.weeks.len());
    assert!(a.chart_svg.is_some() && a.chart_svg_dark.is_some());
    // The six demo features are listed, dashboards (everyone's) used now.
    assert_eq!(a.known_features, 6);
    assert_eq!(a.features.len(), 6);
    let dash = a.features.iter().find(|f| f.name == "Dashboards").unwrap();
    assert!(dash.events_30 > 0 && dash.days_30 > 0);
    assert_eq!(
        a.breadth_now as usize,
        a.features.iter().filter(|f| f.events_30 > 0).count()
    );

    let b = r.adoption().await.unwrap();
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM account WHERE deleted = 0 AND churned_on IS NULL")
            .fetch_one(r.store().pool())
            .await
            .unwrap();
    let banded: u32 = b.utilisation.iter().map(|x| x.accounts).sum();
    assert_eq!(i64::from(banded + b.without_usage), accounts);
    assert_eq!(b.rows.len() as u32, banded);
    assert_eq!(b.breadth.iter().map(|x| x.accounts).sum::<u32>(), banded);
    // The book's breadth differs between clients.
    assert!(b.breadth.iter().filter(|x| x.accounts > 0).count() >= 2);
    assert!(b
        .rows
        .windows(2)
        .all(|w| w[0].utilisation <= w[1].utilisation));

    // An account with no usage at all says so rather than charting nothing.
    let none: i64 = sqlx::query_scalar(
        "INSERT INTO account (crm, crm_id, name, updated_at, synced_at) VALUES ('demo', 'x', 'No Usage', '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z') RETURNING id",
    )
    .fetch_one(r.store().pool())
    .await
    .unwrap();
    let empty = r.account_adoption(none).await.unwrap();
    assert_eq!(
        (empty.as_of, empty.weeks.len(), empty.chart_svg),
        (None, 0, None)
    );
}
