//! Sync against real-shaped CRMs (issue "Trustworthy on real CRM data"): archived records of every
//! type, searches paged while records change, a lagging search index, edits within one second,
//! two portals side by side, rotated refresh tokens, primary associations, and what a connection
//! may and may not do with a stored secret. Real HTTP to the fakes, real SQLCipher, real keychain
//! (run under scripts/with-keyring.sh).

use std::sync::Arc;
use std::time::Duration;

use rapport_core::domain::Crm;
use rapport_core::secrets::CrmSecret;
use rapport_core::sync::SyncReport;
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::hubspot::{base_time_ms, Config, FakeHubSpot, OAuth, OBJECT_TYPES};
use tokio_util::sync::CancellationToken;

mod common;
use common::{store, token};

const TOKEN: &str = "pat-fake-token";

async fn connect(r: &Rapport, name: &str, fake: &FakeHubSpot) {
    r.connect(name, Crm::Hubspot, Some(&fake.base_url), token(TOKEN))
        .await
        .unwrap();
}

async fn sync(r: &Rapport, name: &str) -> SyncReport {
    r.sync(
        Some(name),
        false,
        CancellationToken::new(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap()
    .remove(0)
}

fn errors(rep: &SyncReport) -> Vec<String> {
    rep.objects
        .iter()
        .filter_map(|o| {
            o.error
                .as_ref()
                .map(|e| format!("{}: {e:?}", o.object_type))
        })
        .collect()
}

async fn names(r: &Rapport) -> std::collections::HashMap<String, String> {
    r.store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.crm_id, a.name))
        .collect()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[tokio::test]
async fn an_archived_record_of_every_type_is_marked_deleted_and_later_syncs_still_work() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(12, 5);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    let rep = sync(&r, "hs").await;
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    let tables = [
        ("companies", "account"),
        ("contacts", "contact"),
        ("deals", "deal"),
        ("tickets", "ticket"),
        ("notes", "activity"),
        ("calls", "activity"),
        ("meetings", "activity"),
        ("emails", "activity"),
        ("tasks", "activity"),
        ("feedback_submissions", "survey_response"),
    ];
    let mut before = std::collections::HashMap::new();
    for (_, t) in tables {
        before.insert(t, r.store().live_rows(t, Crm::Hubspot).await.unwrap());
    }
    // One record of every type is archived (a company that is not the first one).
    let at = now_ms();
    for t in OBJECT_TYPES {
        let id = *fake.ids(t).last().unwrap();
        fake.archive(t, id, at);
    }
    let as_of_before = r.status().await.unwrap().data_as_of;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let rep = r
        .sync(Some("hs"), true, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap()
        .remove(0);
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    let mut expected_gone: std::collections::HashMap<&str, i64> = Default::default();
    for (_, t) in tables {
        *expected_gone.entry(t).or_default() += 1;
    }
    for (t, gone) in expected_gone {
        assert_eq!(
            r.store().live_rows(t, Crm::Hubspot).await.unwrap(),
            before[t] - gone,
            "{t}"
        );
    }
    for o in &rep.objects {
        assert_eq!(o.deleted, 1, "{}", o.object_type);
    }
    // The feedback cursor moved, so the next sync works and the data is fresher.
    let rep = sync(&r, "hs").await;
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    assert!(r.status().await.unwrap().data_as_of > as_of_before);
}

#[tokio::test]
async fn records_modified_while_a_search_is_paged_all_arrive() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 650, 1001, |i| base + i as i64);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    sync(&r, "hs").await;
    // 600 companies changed in the last ten seconds; while the first search page is read, a
    // colleague edits three of the records on it again, which moves them to the end of the sort.
    let t0 = now_ms() - 10_000;
    for i in 0..600u64 {
        let name = format!("Changed {}", 1001 + i);
        fake.upsert(
            "companies",
            1001 + i,
            &[("name", &name)],
            t0 + i as i64 * 10,
        );
    }
    fake.touch_during_search("companies", 1, &[1001, 1002, 1003]);
    let rep = sync(&r, "hs").await;
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    let check = |names: &std::collections::HashMap<String, String>| {
        (0..600u64)
            .filter(|i| {
                names.get(&(1001 + i).to_string()).map(String::as_str)
                    != Some(&format!("Changed {}", 1001 + i))
            })
            .map(|i| 1001 + i)
            .collect::<Vec<_>>()
    };
    assert_eq!(check(&names(&r).await), Vec::<u64>::new(), "never arrived");
    sync(&r, "hs").await;
    assert_eq!(check(&names(&r).await), Vec::<u64>::new());
}

#[tokio::test]
async fn changes_the_search_index_shows_late_still_arrive() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 40, 1001, |i| base + i as i64);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    sync(&r, "hs").await;
    // 40 changes; every other one reaches the search index 1.5 s late.
    let t0 = now_ms();
    for i in 0..40u64 {
        fake.set_search_lag(if i % 2 == 0 { 1_500 } else { 0 });
        let name = format!("Late {}", 1001 + i);
        fake.upsert(
            "companies",
            1001 + i,
            &[("name", &name)],
            t0 + i as i64 * 10,
        );
    }
    fake.set_search_lag(0);
    sync(&r, "hs").await;
    tokio::time::sleep(Duration::from_millis(1_600)).await;
    sync(&r, "hs").await;
    let names = names(&r).await;
    let missing: Vec<u64> = (0..40u64)
        .filter(|i| names[&(1001 + i).to_string()] != format!("Late {}", 1001 + i))
        .map(|i| 1001 + i)
        .collect();
    assert_eq!(missing, Vec::<u64>::new(), "never arrived");
}

#[tokio::test]
async fn a_second_edit_within_the_same_second_arrives() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 3, 1001, |i| base + i as i64);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    sync(&r, "hs").await;
    // 100 ms and 600 ms into the same second.
    let t = (now_ms() / 1000 + 2) * 1000;
    fake.upsert("companies", 1002, &[("name", "First edit")], t + 100);
    sync(&r, "hs").await;
    assert_eq!(names(&r).await["1002"], "First edit");
    fake.upsert("companies", 1002, &[("name", "Second edit")], t + 600);
    sync(&r, "hs").await;
    assert_eq!(names(&r).await["1002"], "Second edit");
}

#[tokio::test]
async fn an_older_copy_from_a_lagging_search_never_overwrites_a_newer_one() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 3, 1001, |i| base + i as i64);
    // Edited a minute ago (indexed), then again just now (not indexed yet).
    let now = now_ms();
    fake.upsert("companies", 1001, &[("name", "A minute ago")], now - 60_000);
    fake.set_search_lag(3_000);
    fake.upsert("companies", 1001, &[("name", "Just now")], now);
    fake.set_search_lag(0);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    // The backfill lists the newest version; the incremental search right after still shows
    // the older one.
    sync(&r, "hs").await;
    assert_eq!(names(&r).await["1001"], "Just now");
    sync(&r, "hs").await;
    assert_eq!(names(&r).await["1001"], "Just now");
}

#[tokio::test]
async fn two_portals_keep_their_own_rows_and_removing_one_removes_exactly_its_rows() {
    // Same generator, so the same record ids in both portals.
    let (a, b) = (
        FakeHubSpot::start(Config::default()).await,
        FakeHubSpot::start(Config::default()).await,
    );
    a.seed(15, 3);
    b.seed(10, 3);
    let (_d, r) = store().await;
    connect(&r, "portal-a", &a).await;
    connect(&r, "portal-b", &b).await;
    sync(&r, "portal-a").await;
    sync(&r, "portal-b").await;
    let live = |t: &'static str| {
        let r = &r;
        async move { r.store().live_rows(t, Crm::Hubspot).await.unwrap() }
    };
    let count = |f: &FakeHubSpot, types: &[&str]| -> i64 {
        types.iter().map(|t| f.count(t, false) as i64).sum()
    };
    assert_eq!(
        live("account").await,
        count(&a, &["companies"]) + count(&b, &["companies"])
    );
    assert_eq!(
        live("contact").await,
        count(&a, &["contacts"]) + count(&b, &["contacts"])
    );
    assert_eq!(
        live("deal").await,
        count(&a, &["deals"]) + count(&b, &["deals"])
    );
    // Both copies of company 1001 are there, each with its own portal's contacts.
    let both: Vec<_> = r
        .store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .filter(|x| x.crm_id == "1001")
        .collect();
    assert_eq!(both.len(), 2);
    for acct in &both {
        let n = r.store().contacts(acct.id).await.unwrap().len();
        assert!(
            n == a.associated("companies", 1001, "contacts").len()
                || n == b.associated("companies", 1001, "contacts").len()
        );
    }
    r.disconnect("portal-b").await.unwrap();
    assert_eq!(live("account").await, count(&a, &["companies"]));
    assert_eq!(live("contact").await, count(&a, &["contacts"]));
    assert_eq!(live("deal").await, count(&a, &["deals"]));
    assert_eq!(live("ticket").await, count(&a, &["tickets"]));
    assert_eq!(
        live("activity").await,
        count(&a, &["notes", "calls", "meetings", "emails", "tasks"])
    );
    assert_eq!(
        live("survey_response").await,
        count(&a, &["feedback_submissions"])
    );
    // Portal A's accounts keep every child.
    let first = r
        .store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.crm_id == "1001")
        .unwrap();
    assert_eq!(
        r.store().contacts(first.id).await.unwrap().len(),
        a.associated("companies", 1001, "contacts").len()
    );
}

#[tokio::test]
async fn a_refresh_token_the_crm_rotates_is_kept_for_the_next_sync() {
    let fake = FakeHubSpot::start(Config {
        tokens: vec![],
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "cs".into(),
            refresh_token: "rt-original".into(),
            access_ttl_secs: 1_800,
            rotate_refresh_token: true,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    })
    .await;
    fake.seed(5, 2);
    let (_d, r) = store().await;
    let secret = CrmSecret {
        token: None,
        client_id: Some("cid".into()),
        client_secret: Some("cs".into()),
        refresh_token: Some("rt-original".into()),
    };
    r.connect("hs", Crm::Hubspot, Some(&fake.base_url), secret)
        .await
        .unwrap();
    for _ in 0..3 {
        let rep = sync(&r, "hs").await;
        assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    }
    assert!(fake.refresh_tokens_issued() >= 3);
    let kept = rapport_core::secrets::crm_secret(r.data_dir(), "hs").unwrap();
    assert_eq!(kept.refresh_token, fake.current_refresh_token());
}

#[tokio::test]
async fn a_contact_links_to_its_primary_company_not_the_lowest_id() {
    let fake = FakeHubSpot::start(Config::default()).await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 5, 1001, |i| base + i as i64);
    fake.upsert("contacts", 2_000_001, &[("firstname", "Pat")], base);
    // The first association is the primary one in the fake (and in HubSpot's UI).
    fake.associate("contacts", 2_000_001, "companies", 1005);
    fake.associate("contacts", 2_000_001, "companies", 1002);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    sync(&r, "hs").await;
    let accounts = r.store().active_accounts().await.unwrap();
    let of = |crm_id: &str| accounts.iter().find(|a| a.crm_id == crm_id).unwrap().id;
    assert_eq!(r.store().contacts(of("1005")).await.unwrap().len(), 1);
    assert_eq!(r.store().contacts(of("1002")).await.unwrap().len(), 0);
}

#[tokio::test]
async fn resetting_the_demo_while_a_crm_is_connected_is_refused() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(5, 2);
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    sync(&r, "hs").await;
    let err = r
        .generate_demo(20, 1, chrono::Utc::now())
        .await
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().contains("hs"), "{err}");
    assert_eq!(
        r.store().live_rows("account", Crm::Hubspot).await.unwrap(),
        5
    );
}

#[tokio::test]
async fn a_stored_secret_is_never_sent_to_a_new_host_nor_over_plain_http() {
    let (real, other) = (
        FakeHubSpot::start(Config::default()).await,
        FakeHubSpot::start(Config::default()).await,
    );
    let (_d, r) = store().await;
    connect(&r, "hs", &real).await;
    let c = r.connections().await.unwrap().remove(0);
    let err = r
        .edit_connection("hs", &other.base_url, c.settings.clone(), None)
        .await
        .expect_err("refused");
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(other.stats().requests, 0, "the token went to the new host");
    // Plain http is only for this machine.
    for url in ["http://crm.example.com", "ftp://api.hubapi.com"] {
        let err = r
            .connect("other", Crm::Hubspot, Some(url), token(TOKEN))
            .await
            .expect_err("refused");
        assert_eq!(err.code(), ErrorCode::InvalidInput, "{url}: {err}");
    }
    // With the credential entered again, moving is fine.
    r.edit_connection("hs", &other.base_url, c.settings, Some(token(TOKEN)))
        .await
        .unwrap();
    assert!(other.stats().requests > 0);
}

#[tokio::test]
async fn a_stock_hubspot_portal_gets_arr_from_won_deals_its_currency_and_says_so() {
    let fake = FakeHubSpot::start(Config {
        currency: "EUR".into(),
        ..Config::default()
    })
    .await;
    let base = base_time_ms();
    fake.seed_bulk("companies", 2, 1001, |i| base + i as i64);
    let day = |s: &str| s.to_string();
    // Company 1001: won new business 14 months ago (out of the year), won renewal 2 months ago,
    // a won upsell last month and a lost one: ARR = 110,000 + 15,000 = 125,000.
    for (id, name, amount, close, stage, kind) in [
        (
            3_000_001,
            "New",
            "100000",
            day("2025-09-01"),
            "closedwon",
            "newbusiness",
        ),
        (
            3_000_002,
            "Renewal",
            "110000",
            day("2026-09-01"),
            "closedwon",
            "existingbusiness",
        ),
        (
            3_000_003,
            "Upsell",
            "15000",
            day("2026-10-15"),
            "closedwon",
            "existingbusiness",
        ),
        (
            3_000_004,
            "Lost upsell",
            "9000",
            day("2026-10-20"),
            "closedlost",
            "upsell",
        ),
    ] {
        fake.upsert(
            "deals",
            id,
            &[
                ("dealname", name),
                ("amount", amount),
                ("closedate", &close),
                ("dealstage", stage),
                ("dealtype", kind),
            ],
            base,
        );
        fake.associate("deals", id, "companies", 1001);
    }
    let (_d, r) = store().await;
    connect(&r, "hs", &fake).await;
    let rep = sync(&r, "hs").await;
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    assert!(
        rep.notes
            .iter()
            .any(|n| n.contains("annual_recurring_revenue") && n.contains("won deals")),
        "{:?}",
        rep.notes
    );
    let views = r.connection_views().await.unwrap();
    assert_eq!(views[0].notes, rep.notes, "kept for the connections screen");
    let accounts = r.store().active_accounts().await.unwrap();
    let a = accounts.iter().find(|a| a.crm_id == "1001").unwrap();
    assert_eq!(a.arr, 125_000.0);
    assert_eq!(a.currency, "EUR");
    assert_eq!(a.segment, "Enterprise");
    // Contract start from the first won deal; renewal on its next anniversary.
    assert_eq!(
        a.contract_start.map(|d| d.to_string()).as_deref(),
        Some("2025-09-01")
    );
    let detail = r.account_detail(a.id, r.today()).await.unwrap();
    assert!(
        detail
            .header
            .arr_note
            .as_deref()
            .is_some_and(|n| n.contains("won deals")),
        "{:?}",
        detail.header.arr_note
    );
    // Company 1002 has no deals: no ARR, said as such rather than a silent $0.
    let b = accounts.iter().find(|a| a.crm_id == "1002").unwrap();
    assert_eq!(b.arr, 0.0);
    let detail = r.account_detail(b.id, r.today()).await.unwrap();
    assert!(detail
        .header
        .arr_note
        .as_deref()
        .is_some_and(|n| n.contains("No ARR")));
}

#[tokio::test]
async fn a_salesforce_org_without_custom_fields_syncs_what_exists_and_says_what_is_unmapped() {
    use rapport_tests::salesforce::{Config as SfConfig, FakeSalesforce};
    let sf = FakeSalesforce::start(SfConfig {
        custom_fields: false,
        currency: "GBP".into(),
        ..SfConfig::default()
    })
    .await;
    sf.seed(12, 4);
    let (_d, r) = store().await;
    let notes = {
        r.connect(
            "sf",
            Crm::Salesforce,
            Some(&sf.base_url),
            token("sf-fake-session"),
        )
        .await
        .unwrap();
        r.test_connection("sf").await.unwrap()
    };
    for f in ["ARR__c", "Contract_Start__c", "Role__c"] {
        assert!(notes.iter().any(|n| n.contains(f)), "{f}: {notes:?}");
    }
    let rep = sync(&r, "sf").await;
    assert!(errors(&rep).is_empty(), "{:?}", errors(&rep));
    assert_eq!(
        r.store()
            .live_rows("account", Crm::Salesforce)
            .await
            .unwrap(),
        12
    );
    assert_eq!(
        r.store().live_rows("deal", Crm::Salesforce).await.unwrap(),
        sf.count("Opportunity", false) as i64
    );
    // ARR from won opportunities of the last 12 months or, when none was signed in the year, the
    // latest won contract (new or renewal) with the upgrades won after it; in the org's currency.
    let opps: Vec<_> = sf
        .ids("Opportunity")
        .into_iter()
        .filter_map(|id| sf.get("Opportunity", &id))
        .collect();
    let today = r.today();
    let year_ago = (today - chrono::Duration::days(365)).to_string();
    let today_s = today.to_string();
    for a in r.store().active_accounts().await.unwrap() {
        let won: Vec<_> = opps
            .iter()
            .filter(|o| o["AccountId"].as_str() == Some(a.crm_id.as_str()))
            .filter(|o| o["IsWon"] == true && o["CloseDate"].as_str().unwrap() <= today_s.as_str())
            .collect();
        let close = |o: &serde_json::Map<String, serde_json::Value>| {
            o["CloseDate"].as_str().unwrap().to_string()
        };
        let amount = |o: &serde_json::Map<String, serde_json::Value>| o["Amount"].as_f64().unwrap();
        let mut expected: f64 = won
            .iter()
            .filter(|o| close(o).as_str() > year_ago.as_str())
            .map(|o| amount(o))
            .sum();
        if expected == 0.0 {
            let contract = won
                .iter()
                .filter(|o| o["Type"] != "Existing Customer - Upgrade")
                .max_by_key(|o| close(o));
            if let Some(c) = contract {
                expected = amount(c)
                    + won
                        .iter()
                        .filter(|o| {
                            o["Type"] == "Existing Customer - Upgrade" && close(o) > close(c)
                        })
                        .map(|o| amount(o))
                        .sum::<f64>();
            }
        }
        assert_eq!(a.arr, expected, "{}", a.name);
        assert_eq!(a.currency, "GBP");
    }
}
