//! Scores and KPIs an account manager can trust on CRM data (not the demo): an empty account is
//! not green, stale usage loses weight, retention sees the CRM's churn, the lifecycle follows the
//! evidence, a departed champion counts, and "today" is the user's local day. Real HTTP to the
//! fake HubSpot, real SQLCipher, real keychain (run under scripts/with-keyring.sh).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use rapport_core::domain::{Clock, Crm, LifecycleStage};
use rapport_core::health::{Band, Measure};
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::Rapport;
use rapport_tests::hubspot::{base_time_ms, Config, FakeHubSpot};
use tokio_util::sync::CancellationToken;

mod common;

fn token() -> CrmSecret {
    common::token("pat-fake-token")
}

/// An app store whose clock runs `ahead` milliseconds after the system clock, in UTC.
async fn store(ahead: Arc<AtomicI64>) -> (tempfile::TempDir, Rapport) {
    let clock = Clock::new(
        move || Utc::now() + Duration::milliseconds(ahead.load(Ordering::Relaxed)),
        |_| FixedOffset::east_opt(0).unwrap(),
    );
    common::store_with(clock).await
}

async fn synced(fake: &FakeHubSpot, r: &Rapport) {
    r.connect("hs", Crm::Hubspot, Some(&fake.base_url), token())
        .await
        .unwrap();
    let rep = r
        .sync(
            Some("hs"),
            false,
            CancellationToken::new(),
            Arc::new(|_| {}),
        )
        .await
        .unwrap()
        .remove(0);
    assert!(rep.first_error().is_none(), "{rep:?}");
}

#[tokio::test]
async fn accounts_the_crm_holds_nothing_about_are_not_scored_and_never_green() {
    // A freshly connected, thinly filled portal: companies with no usage, touches, tickets or
    // feedback.
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed_bulk("companies", 12, 1001, |i| base_time_ms() + i as i64);
    let (_d, r) = store(Arc::default()).await;
    synced(&fake, &r).await;
    let p = r.portfolio(r.today()).await.unwrap();
    assert_eq!(p.rows.len(), 12);
    assert_eq!(p.distribution.unscored, 12, "{:?}", p.distribution);
    assert!(p
        .rows
        .iter()
        .all(|row| row.score.is_none() && row.band.is_none()));
    let d = r.account_detail(p.rows[0].id, r.today()).await.unwrap();
    let h = d.health.expect("an explanation of why not");
    assert_eq!(h.score, None);
    assert!(h.summary.starts_with("Not scored"), "{}", h.summary);
}

#[tokio::test]
async fn usage_the_crm_stopped_reporting_loses_weight_instead_of_looking_current() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(10, 4);
    let ahead = Arc::new(AtomicI64::new(0));
    let (_d, r) = store(ahead.clone()).await;
    synced(&fake, &r).await;
    let id = r.store().active_accounts().await.unwrap()[0].id;
    let seat = |d: &rapport_core::portfolio::AccountDetail| {
        d.health
            .as_ref()
            .unwrap()
            .components
            .iter()
            .find(|c| c.measure == Measure::SeatUtilisation)
            .unwrap()
            .clone()
    };
    let fresh = seat(&r.account_detail(id, r.today()).await.unwrap());
    assert!(
        !fresh.stale && fresh.effective_weight == fresh.weight,
        "{fresh:?}"
    );
    // Twenty days without a sync: the last figures are twenty days old.
    ahead.store(20 * 86_400_000, Ordering::Relaxed);
    r.rescore(r.today()).await.unwrap();
    let old = seat(&r.account_detail(id, r.today()).await.unwrap());
    assert_eq!(old.age_days, Some(20));
    assert!(old.stale, "{old:?}");
    // 25 · (30 − 20) / (30 − 7)
    assert!(
        (old.effective_weight - old.weight * 10.0 / 23.0).abs() < 1e-6,
        "{old:?}"
    );
    // A sync that reads the companies again confirms the figures: fresh again.
    r.sync(
        Some("hs"),
        false,
        CancellationToken::new(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    let again = seat(&r.account_detail(id, r.today()).await.unwrap());
    assert!(!again.stale && again.age_days == Some(0), "{again:?}");
}

#[tokio::test]
async fn retention_counts_the_churn_the_crm_holds() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 4, 1001, |i| base + i as i64);
    // Four customers since 2024 at 50k each; 1002 lost its renewal in March 2026; 1003 lost one
    // in 2025 but signed again two months later; 1004 contracted by 10k (stored negative).
    let deals: &[(u64, u64, &str, &str, &str, &str)] = &[
        (
            3_000_001,
            1001,
            "50000",
            "2024-06-01",
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_002,
            1002,
            "50000",
            "2024-06-01",
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_003,
            1003,
            "50000",
            "2024-06-01",
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_004,
            1004,
            "50000",
            "2024-06-01",
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_005,
            1002,
            "50000",
            "2026-03-01",
            "closedlost",
            "renewal",
        ),
        (
            3_000_006,
            1003,
            "50000",
            "2025-06-01",
            "closedlost",
            "renewal",
        ),
        (
            3_000_007,
            1003,
            "45000",
            "2025-08-01",
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_008,
            1004,
            "-10000",
            "2026-05-01",
            "closedwon",
            "downgrade",
        ),
    ];
    for (id, company, amount, close, stage, kind) in deals {
        fake.upsert(
            "deals",
            *id,
            &[
                ("dealname", "Deal"),
                ("amount", amount),
                ("closedate", close),
                ("dealstage", stage),
                ("dealtype", kind),
            ],
            base,
        );
        fake.associate("deals", *id, "companies", *company);
    }
    // Scored on 2026-11-24: the year from 2025-11-24.
    let ahead = Arc::new(AtomicI64::new(0));
    let target = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    ahead.store((target - Utc::now()).num_milliseconds(), Ordering::Relaxed);
    let (_d, r) = store(ahead).await;
    synced(&fake, &r).await;
    let accounts = r.store().active_accounts().await.unwrap();
    assert_eq!(accounts.len(), 3, "1002 churned: off the books");
    let p = r.portfolio(r.today()).await.unwrap();
    let tile = |id: &str| p.kpis.iter().find(|k| k.id == id).unwrap().clone();
    // Cohort on 2025-11-24: 1001 50k, 1002 50k, 1003 45k (won back), 1004 50k = 195k.
    // Lost 1002 (50k, 2026-03-01); contraction 10k. GRR = (195 − 10 − 50) / 195 = 69.2 %.
    let grr = tile("grr");
    assert_eq!(grr.display, "69.2 %", "{}", grr.detail);
    assert!(
        grr.detail.contains("Logo retention 75.0 %"),
        "{}",
        grr.detail
    );
    let stage = accounts
        .iter()
        .chain(std::iter::empty())
        .find(|a| a.crm_id == "1003")
        .unwrap()
        .stage;
    assert_ne!(stage, LifecycleStage::Churned);
    let all = r.store().find_accounts("Company 1002").await.unwrap();
    assert_eq!(all[0].stage, LifecycleStage::Churned);
    assert_eq!(all[0].churned_on, NaiveDate::from_ymd_opt(2026, 3, 1));
}

#[tokio::test]
async fn the_lifecycle_follows_the_evidence_and_records_its_transitions() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(30, 9);
    let (_d, r) = store(Arc::default()).await;
    synced(&fake, &r).await;
    let today = r.today();
    let rows = r.portfolio_table(today).await.unwrap().rows;
    // No account that is not red sits in "at risk"; every red one does unless it renews or churned.
    for row in &rows {
        if row.stage == LifecycleStage::AtRisk {
            assert_eq!(row.band, Some(Band::Red), "{}", row.name);
        }
        if row.band == Some(Band::Red) {
            assert_eq!(row.stage, LifecycleStage::AtRisk, "{}", row.name);
        }
    }
    assert!(
        rows.iter().any(|r| r.band == Some(Band::Red)),
        "the seed has unhealthy accounts"
    );
    // Stages were derived today, and say so.
    let d = r.account_detail(rows[0].id, today).await.unwrap();
    assert_eq!(d.header.stage_since, Some(today));
    assert_eq!(d.header.days_in_stage, Some(0));
}

#[tokio::test]
async fn a_bounced_or_dissociated_champion_has_left_and_health_says_so() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(8, 2);
    // The seed's every seventh company (index 3) has a champion whose mail bounces; the bounce
    // was recorded a week ago.
    let company = fake.ids("companies")[3];
    let champion = fake.associated("companies", company, "contacts")[0];
    let week_ago = Utc::now().timestamp_millis() - 7 * 86_400_000;
    fake.upsert("contacts", champion, &[], week_ago);
    // Nobody else there is a champion.
    for c in fake
        .associated("companies", company, "contacts")
        .into_iter()
        .skip(1)
    {
        fake.upsert("contacts", c, &[("hs_buying_role", "END_USER")], week_ago);
    }
    let (_d, r) = store(Arc::default()).await;
    synced(&fake, &r).await;
    let acct = r
        .store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.crm_id == company.to_string())
        .unwrap();
    let contacts = r.store().contacts(acct.id).await.unwrap();
    let gone: Vec<_> = contacts.iter().filter(|c| c.left_on.is_some()).collect();
    assert_eq!(gone.len(), 1, "{contacts:?}");
    assert!(gone[0].champion);
    assert!(gone[0].left_reason.as_deref().unwrap().contains("bounces"));
    let d = r.account_detail(acct.id, r.today()).await.unwrap();
    let eng = d
        .health
        .unwrap()
        .components
        .into_iter()
        .find(|c| c.measure == Measure::Engagement)
        .unwrap();
    assert!(eng.raw_text.contains("left on"), "{}", eng.raw_text);
    assert!(eng.score.unwrap() <= 50.0);
    // Another company's contact is removed from it in the CRM: they left it.
    let other = fake.ids("companies")[0];
    let person = fake.associated("companies", other, "contacts")[0];
    fake.dissociate(
        "contacts",
        person,
        "companies",
        other,
        Utc::now().timestamp_millis(),
    );
    r.sync(
        Some("hs"),
        false,
        CancellationToken::new(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    let acct = r
        .store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.crm_id == other.to_string())
        .unwrap();
    let left: Vec<_> = r
        .store()
        .contacts(acct.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.left_on.is_some())
        .collect();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].left_on, Some(r.today()));
    assert_eq!(
        left[0].left_reason.as_deref(),
        Some("no longer associated with the company in the CRM")
    );
}

#[tokio::test]
async fn today_is_the_users_local_day_not_the_utc_one() {
    // 21:00 on 24 November in California is 05:00 on the 25th in UTC.
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 5, 0, 0).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, -8),
    )
    .await
    .unwrap();
    assert_eq!(r.today(), NaiveDate::from_ymd_opt(2026, 11, 24).unwrap());
    r.generate_demo(20, 3, at).await.unwrap();
    r.rescore(r.today()).await.unwrap();
    let p = r.portfolio(r.today()).await.unwrap();
    assert_eq!(p.scored_on, NaiveDate::from_ymd_opt(2026, 11, 24));
    let d = r.account_detail(p.rows[0].id, r.today()).await.unwrap();
    assert_eq!(
        d.header.days_to_renewal,
        d.header
            .renewal_date
            .map(|x| (x - NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()).num_days())
    );
}
