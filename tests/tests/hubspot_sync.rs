//! HubSpot sync over real HTTP against the fake HubSpot server on 127.0.0.1, into a real
//! SQLCipher store, with the token in the real keychain (run under scripts/with-keyring.sh).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use rapport_core::domain::Clock;
use rapport_core::domain::Crm;
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::sync::SyncReport;
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::hubspot::{Config, FakeHubSpot, Fault, RateLimit};
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "pat-fake-token";

mod common;
use common::token;

struct World {
    fake: FakeHubSpot,
    r: Rapport,
    /// Milliseconds the app's clock runs ahead of the system clock.
    ahead_ms: Arc<AtomicI64>,
    _dir: tempfile::TempDir,
}

/// A fake HubSpot seeded with `companies`, and an app store connected to it as "hs" with a
/// request budget of `budget` per 10 s. The app's clock can be moved forward.
async fn world(cfg: Config, companies: usize, budget: u32) -> World {
    let fake = FakeHubSpot::start(cfg).await;
    fake.seed(companies, 7);
    let (clock, ahead_ms) = common::shifted_clock();
    let (dir, r) = common::store_with(clock).await;
    r.ensure_demo(chrono::Utc::now()).await.unwrap();
    let mut c = r
        .connect("hs", Crm::Hubspot, Some(&fake.base_url), token(TOKEN))
        .await
        .unwrap();
    c.settings.requests_per_10s = budget;
    r.store().update_connection(&c).await.unwrap();
    World {
        fake,
        r,
        ahead_ms,
        _dir: dir,
    }
}

/// Companies of `f` that churned: the last closed `renewal` deal is lost and no deal was won
/// after it. Worked out from the fake's own properties.
fn expected_churned(f: &FakeHubSpot) -> std::collections::HashSet<u64> {
    f.ids("companies")
        .into_iter()
        .filter(|c| {
            let deals: Vec<_> = f
                .associated("companies", *c, "deals")
                .into_iter()
                .filter_map(|d| f.get("deals", d))
                .collect();
            let closed = |p: &std::collections::BTreeMap<String, String>| {
                matches!(p["dealstage"].as_str(), "closedwon" | "closedlost")
                    && p["closedate"].as_str() < "2026-11-20"
            };
            let last_renewal = deals
                .iter()
                .filter(|p| p["dealtype"] == "renewal" && closed(p))
                .max_by_key(|p| p["closedate"].clone());
            match last_renewal {
                Some(r) if r["dealstage"] == "closedlost" => !deals
                    .iter()
                    .any(|p| p["dealstage"] == "closedwon" && p["closedate"] > r["closedate"]),
                _ => false,
            }
        })
        .collect()
}

async fn sync(r: &Rapport, full: bool) -> SyncReport {
    let mut reports = r
        .sync(Some("hs"), full, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    reports.remove(0)
}

fn object<'a>(rep: &'a SyncReport, t: &str) -> &'a rapport_core::sync::ObjectReport {
    rep.objects.iter().find(|o| o.object_type == t).unwrap()
}

async fn live(r: &Rapport, table: &str) -> i64 {
    r.store().live_rows(table, Crm::Hubspot).await.unwrap()
}

#[tokio::test]
async fn full_sync_stores_every_record_with_its_values_and_replaces_the_demo() {
    let w = world(Config::default(), 40, 10_000).await;
    // Progress carries the expected total (for the ETA) while the backfill runs.
    let totals: Arc<std::sync::Mutex<std::collections::HashMap<String, u64>>> = Arc::default();
    let seen = totals.clone();
    let rep =
        w.r.sync(
            Some("hs"),
            false,
            CancellationToken::new(),
            Arc::new(move |p| {
                if let Some(t) = p.total {
                    seen.lock().unwrap().insert(p.object_type.clone(), t);
                }
            }),
        )
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        totals.lock().unwrap().get("contacts").copied(),
        Some(w.fake.count("contacts", false) as u64)
    );
    assert_eq!(rep.first_error(), None);
    let f = &w.fake;
    assert_eq!(
        live(&w.r, "account").await,
        f.count("companies", false) as i64
    );
    assert_eq!(
        live(&w.r, "contact").await,
        f.count("contacts", false) as i64
    );
    assert_eq!(live(&w.r, "deal").await, f.count("deals", false) as i64);
    assert_eq!(live(&w.r, "ticket").await, f.count("tickets", false) as i64);
    let engagements: usize = ["notes", "calls", "meetings", "emails", "tasks"]
        .iter()
        .map(|t| f.count(t, false))
        .sum();
    assert_eq!(live(&w.r, "activity").await, engagements as i64);
    for t in ["companies", "contacts", "deals", "tickets"] {
        // Every record read: the live ones, and the archived ones the first sync walks.
        assert_eq!(
            object(&rep, t).fetched,
            (f.count(t, false) + f.count(t, true)) as u64,
            "{t}"
        );
        assert_eq!(object(&rep, t).upserted, f.count(t, false) as u64, "{t}");
    }
    // The demo is gone; every account is a HubSpot one with the fake's values.
    let status = w.r.status().await.unwrap();
    assert!(!status.demo);
    // Accounts on the books: every company but those whose last closed renewal was lost with
    // nothing won after it (DESIGN §4 churn from closed-lost renewals).
    assert_eq!(
        status.accounts,
        (f.count("companies", false) - expected_churned(f).len()) as i64
    );
    let id = f.ids("companies")[3];
    let props = f.get("companies", id).unwrap();
    let local =
        w.r.store()
            .find_accounts(&props["name"])
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.crm_id == id.to_string())
            .unwrap();
    assert_eq!(local.crm, Crm::Hubspot);
    assert_eq!(local.domain, props["domain"]);
    assert_eq!(
        local.arr,
        props["annual_recurring_revenue"].parse::<f64>().unwrap()
    );
    assert_eq!(
        local.renewal_date.map(|d| d.to_string()).as_deref(),
        Some(&props["renewal_date"][..10])
    );
    // Its contacts are linked to it through the associations.
    let contacts = w.r.store().contacts(local.id).await.unwrap();
    assert_eq!(
        contacts.len(),
        f.associated("companies", id, "contacts").len(),
        "every associated contact is linked"
    );
    let timeline = w.r.store().recent_activities(local.id, 100).await.unwrap();
    let engagements: usize = ["notes", "calls", "meetings", "emails", "tasks"]
        .iter()
        .map(|t| f.associated("companies", id, t).len())
        .sum();
    assert_eq!(
        timeline.len(),
        engagements.min(100),
        "every associated engagement is linked"
    );
    // The table lists the accounts on the books.
    let table = w.r.portfolio_table(w.r.today()).await.unwrap();
    assert_eq!(
        table.rows.len(),
        f.count("companies", false) - expected_churned(f).len()
    );
}

#[tokio::test]
async fn incremental_sync_picks_up_exactly_what_changed_and_deletes_propagate_daily() {
    let w = world(Config::default(), 30, 10_000).await;
    sync(&w.r, false).await;
    let later = chrono::Utc::now().timestamp_millis() + 60_000;
    let companies = w.fake.ids("companies");
    w.fake.upsert(
        "companies",
        companies[0],
        &[("name", "Renamed Holdings")],
        later,
    );
    w.fake.upsert(
        "contacts",
        2_999_999,
        &[("firstname", "New"), ("lastname", "Person")],
        later,
    );
    w.fake
        .associate("contacts", 2_999_999, "companies", companies[1]);
    let deal = w.fake.ids("deals")[0];
    w.fake.archive("deals", deal, later);
    let deals_before = live(&w.r, "deal").await;

    let rep = sync(&w.r, false).await;
    assert_eq!(rep.first_error(), None);
    assert_eq!(object(&rep, "companies").upserted, 1);
    assert_eq!(object(&rep, "contacts").upserted, 1);
    assert_eq!(object(&rep, "tickets").upserted, 0);
    // The archived lists are walked once a day (and on a full resync), not on every sync: a
    // portal with 200k archived contacts would otherwise spend ~2,000 requests per sync on them.
    assert_eq!(object(&rep, "deals").deleted, 0);
    assert_eq!(w.fake.stats().archived_pages, 0);
    // The daily allowance used is in the report, as HubSpot's headers say.
    assert_eq!(rep.budget.daily_limit, Some(500_000));
    assert!(rep
        .budget
        .daily_used
        .is_some_and(|u| u > 0 && u <= w.fake.stats().ok));
    w.ahead_ms.store(25 * 3_600_000, Ordering::Relaxed);
    let rep = sync(&w.r, false).await;
    assert_eq!(object(&rep, "deals").deleted, 1);
    assert_eq!(live(&w.r, "deal").await, deals_before - 1);
    // One archived page per object type.
    assert_eq!(w.fake.stats().archived_pages, 10);
    let renamed = w.r.store().find_accounts("Renamed Holdings").await.unwrap();
    assert_eq!(renamed.len(), 1);
    assert_eq!(renamed[0].crm_id, companies[0].to_string());
    // A third sync with nothing new changes nothing.
    let rep = sync(&w.r, false).await;
    assert!(
        rep.objects
            .iter()
            .all(|o| o.upserted == 0 && o.deleted == 0),
        "{rep:?}"
    );
}

#[tokio::test]
async fn more_than_ten_thousand_records_modified_in_one_millisecond_all_arrive() {
    let w = world(Config::default(), 5, 100_000).await;
    sync(&w.r, false).await;
    let at = chrono::Utc::now().timestamp_millis() + 10_000;
    w.fake.seed_bulk("companies", 12_000, 50_000_000, |_| at);
    let rep = sync(&w.r, false).await;
    assert_eq!(rep.first_error(), None);
    assert_eq!(live(&w.r, "account").await, 12_005);
    assert_eq!(object(&rep, "companies").upserted, 12_000);
}

#[tokio::test]
async fn a_malformed_page_is_reported_keeps_the_cache_and_the_next_sync_succeeds() {
    let w = world(Config::default(), 20, 10_000).await;
    sync(&w.r, false).await;
    let before = live(&w.r, "account").await;
    w.fake.upsert(
        "companies",
        w.fake.ids("companies")[0],
        &[("name", "Changed Co")],
        chrono::Utc::now().timestamp_millis() + 60_000,
    );
    // As many cut-off answers in a row as the client tries: the sync's first call fails.
    w.fake.inject(Fault::Malformed {
        count: rapport_core::sync::hubspot::client::MAX_ATTEMPTS as u32,
    });
    let err =
        w.r.sync(
            Some("hs"),
            false,
            CancellationToken::new(),
            Arc::new(|_| {}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::CrmBadResponse);
    assert!(err.to_string().contains("not valid JSON"), "{err}");
    assert_eq!(live(&w.r, "account").await, before);
    assert!(w
        .r
        .store()
        .find_accounts("Changed Co")
        .await
        .unwrap()
        .is_empty());
    let rep = sync(&w.r, false).await;
    assert_eq!(rep.first_error(), None);
    assert_eq!(
        w.r.store().find_accounts("Changed Co").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn rate_limits_server_errors_and_retry_after_are_survived() {
    // The server allows 40 requests a second; the client is told it may do more, so it meets
    // 429s without Retry-After and must back off.
    let cfg = Config {
        rate_limit: Some(RateLimit {
            max: 40,
            window_ms: 1_000,
        }),
        ..Config::default()
    };
    let w = world(cfg, 30, 2_000).await;
    w.fake.inject(Fault::ServerErrors {
        count: 2,
        status: 502,
    });
    w.fake.inject(Fault::RateLimited {
        count: 1,
        retry_after_secs: Some(1),
        policy: "SECONDLY",
    });
    let rep = sync(&w.r, false).await;
    assert_eq!(rep.first_error(), None);
    assert_eq!(live(&w.r, "account").await, 30);
    assert!(rep.budget.retries >= 3, "{rep:?}");
    assert!(w.fake.stats().errors_5xx >= 2);
}

#[tokio::test]
async fn connecting_explains_bad_tokens_missing_scopes_and_unreachable_hosts() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::system(),
    )
    .await
    .unwrap();
    let code = |e: rapport_core::Error| (e.code(), e.to_string());
    let (c, m) = code(
        r.connect("a", Crm::Hubspot, Some(&fake.base_url), token("pat-wrong"))
            .await
            .unwrap_err(),
    );
    assert_eq!(c, ErrorCode::CrmAuth, "{m}");
    assert!(m.contains("token"), "{m}");
    let (c, m) = code(
        r.connect(
            "a",
            Crm::Hubspot,
            Some(&fake.base_url),
            token("pat-no-scope"),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(c, ErrorCode::CrmScope, "{m}");
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (c, m) = code(
        r.connect("a", Crm::Hubspot, Some(&url), token(TOKEN))
            .await
            .unwrap_err(),
    );
    assert_eq!(c, ErrorCode::CrmUnreachable, "{m}");
    assert!(!m.contains(TOKEN));
    // Nothing was saved by the failed attempts.
    assert!(r.connections().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_refreshes_on_expiry_and_once_after_a_revoked_access_token() {
    use rapport_tests::hubspot::OAuth;
    let cfg = Config {
        tokens: vec![],
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "csecret".into(),
            refresh_token: "rt-1".into(),
            access_ttl_secs: 1_800,
            rotate_refresh_token: false,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    };
    let fake = Arc::new(FakeHubSpot::start(cfg).await);
    fake.seed(25, 5);
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &DbKey::random(),
        KeySource::Keychain,
        Clock::system(),
    )
    .await
    .unwrap();
    let oauth = |refresh: &str| CrmSecret {
        token: None,
        client_id: Some("cid".into()),
        client_secret: Some("csecret".into()),
        refresh_token: Some(refresh.into()),
    };
    let e = r
        .connect(
            "hs",
            Crm::Hubspot,
            Some(&fake.base_url),
            oauth("rt-revoked"),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmAuth, "{e}");
    r.connect("hs", Crm::Hubspot, Some(&fake.base_url), oauth("rt-1"))
        .await
        .unwrap();
    // A sync that starts with a valid token: the server then expires every issued token mid-way
    // (HubSpot answers 401 EXPIRED_AUTHENTICATION); the client refreshes once and carries on.
    let rep = sync(&r, false).await;
    assert_eq!(rep.first_error(), None);
    let issued = fake.issued_access_tokens();
    fake.upsert(
        "companies",
        fake.ids("companies")[0],
        &[("name", "After Expiry")],
        chrono::Utc::now().timestamp_millis() + 60_000,
    );
    // Expire every token as soon as the first page is stored, i.e. mid-sync.
    let once = std::sync::Once::new();
    let f2 = fake.clone();
    let mut reports = r
        .sync(
            Some("hs"),
            false,
            CancellationToken::new(),
            Arc::new(move |_| once.call_once(|| f2.inject(Fault::ExpireTokens))),
        )
        .await
        .unwrap();
    let rep = reports.remove(0);
    assert_eq!(rep.first_error(), None, "{rep:?}");
    assert!(
        fake.stats().unauthorized_401 >= 1,
        "the expired token was used once"
    );
    assert!(
        fake.issued_access_tokens() > issued,
        "and a new one was fetched"
    );
    assert_eq!(live(&r, "account").await, 25);
    assert_eq!(
        r.store().find_accounts("After Expiry").await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_lower_limit_in_the_response_headers_is_followed_before_the_server_refuses() {
    // The account allows 60 requests per 10 s; the connection was set up for 190.
    let cfg = Config {
        rate_limit: Some(RateLimit {
            max: 60,
            window_ms: 10_000,
        }),
        ..Config::default()
    };
    let w = world(cfg, 10, 190).await;
    w.fake.seed_bulk("contacts", 2_500, 9_000_000, |i| {
        1_700_000_000_000 + i as i64
    });
    let rep = sync(&w.r, false).await;
    assert_eq!(rep.first_error(), None);
    assert!(
        rep.budget.requests > 60,
        "enough requests to pass the limit: {}",
        rep.budget.requests
    );
    assert_eq!(rep.budget.rate_limited, 0, "{rep:?}");
    assert_eq!(w.fake.stats().rejected_429, 0);
}

#[tokio::test]
async fn editing_a_connection_tests_it_first_and_a_new_mapping_applies_on_the_next_full_sync() {
    let w = world(Config::default(), 8, 10_000).await;
    sync(&w.r, false).await;
    let c = w.r.connections().await.unwrap().remove(0);
    // A wrong replacement token is refused and nothing changes.
    let mut s = c.settings.clone();
    s.arr_property = "seats_purchased".into();
    let e =
        w.r.edit_connection("hs", &c.base_url, s.clone(), Some(token("pat-wrong")))
            .await
            .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmAuth, "{e}");
    assert_eq!(w.r.connections().await.unwrap()[0].settings, c.settings);
    // A good edit: ARR now read from the seats field, visible after a full resync.
    w.r.edit_connection("hs", &c.base_url, s, None)
        .await
        .unwrap();
    w.r.sync(Some("hs"), true, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    let id = w.fake.ids("companies")[0];
    let seats: f64 = w.fake.get("companies", id).unwrap()["seats_purchased"]
        .parse()
        .unwrap();
    let a =
        w.r.store()
            .find_accounts(&w.fake.get("companies", id).unwrap()["name"])
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.crm_id == id.to_string())
            .unwrap();
    assert_eq!(a.arr, seats);
}

/// A company whose usage collapsed in the CRM is rescored by the sync that brings the change, the
/// same day (no read rescores any more), to what a full rescore gives.
#[tokio::test]
async fn a_sync_that_changes_a_company_rescores_it_the_same_day() {
    let w = world(Config::default(), 20, 10_000).await;
    assert_eq!(sync(&w.r, false).await.first_error(), None);
    let today = w.r.today();
    let score_of = async |name: &str| {
        let id = w.r.store().find_accounts(name).await.unwrap()[0].id;
        (
            id,
            w.r.account_detail(id, today)
                .await
                .unwrap()
                .health
                .and_then(|h| h.score),
        )
    };
    // A company scored with seats in use: after the change none are used, nobody is active.
    let mut chosen = None;
    for c in w.fake.ids("companies") {
        let p = w.fake.get("companies", c).unwrap();
        if p.get("seats_used")
            .is_some_and(|v| v.parse::<i64>().unwrap_or(0) > 0)
        {
            if let (_, Some(s)) = score_of(&p["name"]).await {
                chosen = Some((c, p["name"].clone(), s));
                break;
            }
        }
    }
    let (company, name, before) = chosen.expect("a scored company with seats in use");
    let later = chrono::Utc::now().timestamp_millis() + 60_000;
    w.fake.upsert(
        "companies",
        company,
        &[("seats_used", "0"), ("active_users", "0")],
        later,
    );
    assert_eq!(sync(&w.r, false).await.first_error(), None);
    let (id, after) = score_of(&name).await;
    let after = after.expect("still scored");
    assert!(
        after < before,
        "score {before} → {after} after usage collapsed"
    );
    w.r.rescore(today).await.unwrap();
    let full =
        w.r.account_detail(id, today)
            .await
            .unwrap()
            .health
            .and_then(|h| h.score);
    assert_eq!(full, Some(after), "the sync's scoring = a full rescore");
}
