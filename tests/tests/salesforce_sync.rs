//! Salesforce sync over real HTTP against the fake Salesforce server, and two CRMs feeding one
//! portfolio. Run under scripts/with-keyring.sh (tokens go to the real keychain).

use std::sync::Arc;

use rapport_core::domain::Crm;
use rapport_core::secrets::CrmSecret;
use rapport_core::sync::SyncReport;
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::salesforce::{Config, FakeSalesforce, Fault, OAuth};
use serde_json::json;
use tokio_util::sync::CancellationToken;

mod common;
use common::token as session;

async fn store() -> (tempfile::TempDir, Rapport) {
    let (dir, r) = common::store().await;
    r.ensure_demo(chrono::Utc::now()).await.unwrap();
    (dir, r)
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

fn object<'a>(rep: &'a SyncReport, t: &str) -> &'a rapport_core::sync::ObjectReport {
    rep.objects.iter().find(|o| o.object_type == t).unwrap()
}

async fn live(r: &Rapport, table: &str, crm: Crm) -> i64 {
    r.store().live_rows(table, crm).await.unwrap()
}

#[tokio::test]
async fn salesforce_full_then_incremental_sync_with_deletes() {
    let sf = FakeSalesforce::start(Config {
        batch_size: 50,
        ..Config::default()
    })
    .await;
    sf.seed(30, 9);
    let (_d, r) = store().await;
    r.connect(
        "sf",
        Crm::Salesforce,
        Some(&sf.base_url),
        session("sf-fake-session"),
    )
    .await
    .unwrap();
    let rep = sync(&r, "sf").await;
    assert_eq!(rep.first_error(), None, "{rep:?}");
    for (sobject, table) in [
        ("Account", "account"),
        ("Contact", "contact"),
        ("Opportunity", "deal"),
        ("Case", "ticket"),
    ] {
        assert_eq!(
            live(&r, table, Crm::Salesforce).await,
            sf.count(sobject, false) as i64,
            "{sobject}"
        );
        assert_eq!(
            object(&rep, sobject).fetched,
            sf.count(sobject, false) as u64,
            "{sobject}"
        );
    }
    assert_eq!(
        live(&r, "activity", Crm::Salesforce).await,
        (sf.count("Task", false) + sf.count("Event", false)) as i64
    );
    // Field values of one account, and its contacts linked through AccountId.
    let id = sf.ids("Account")[2].clone();
    let rec = sf.get("Account", &id).unwrap();
    let local = r
        .store()
        .find_accounts(rec["Name"].as_str().unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.crm_id == id)
        .unwrap();
    assert_eq!(local.crm, Crm::Salesforce);
    assert_eq!(local.arr, rec["ARR__c"].as_f64().unwrap());
    let contacts = r.store().contacts(local.id).await.unwrap();
    let expected = sf
        .ids("Contact")
        .iter()
        .filter(|c| sf.get("Contact", c).unwrap()["AccountId"] == json!(id))
        .count();
    assert_eq!(contacts.len(), expected);

    // One account renamed, one opportunity deleted, a minute later.
    let later = chrono::Utc::now().timestamp_millis() + 60_000;
    sf.upsert(
        "Account",
        &id,
        &[("Name", json!("Renamed Salesforce Co"))],
        later,
    );
    let opp = sf.ids("Opportunity")[0].clone();
    sf.delete("Opportunity", &opp, later);
    let deals = live(&r, "deal", Crm::Salesforce).await;
    let rep = sync(&r, "sf").await;
    assert_eq!(rep.first_error(), None, "{rep:?}");
    assert_eq!(object(&rep, "Account").upserted, 1);
    assert_eq!(object(&rep, "Opportunity").deleted, 1);
    assert_eq!(live(&r, "deal", Crm::Salesforce).await, deals - 1);
    assert_eq!(
        r.store()
            .find_accounts("Renamed Salesforce Co")
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn salesforce_oauth_uses_the_instance_url_and_refreshes_an_expired_session() {
    let sf = Arc::new(
        FakeSalesforce::start(Config {
            session_tokens: vec![],
            oauth: Some(OAuth {
                client_id: "ck".into(),
                client_secret: "cs".into(),
                refresh_token: "rt".into(),
                rotate_refresh_token: false,
                redirect_uri: None,
                consent: Default::default(),
            }),
            batch_size: 20,
            ..Config::default()
        })
        .await,
    );
    sf.seed(12, 4);
    let (_d, r) = store().await;
    let oauth = |rt: &str| CrmSecret {
        token: None,
        client_id: Some("ck".into()),
        client_secret: Some("cs".into()),
        refresh_token: Some(rt.into()),
    };
    let e = r
        .connect("sf", Crm::Salesforce, Some(&sf.base_url), oauth("wrong"))
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmAuth, "{e}");
    r.connect("sf", Crm::Salesforce, Some(&sf.base_url), oauth("rt"))
        .await
        .unwrap();
    let once = std::sync::Once::new();
    let f2 = sf.clone();
    let rep = r
        .sync(
            Some("sf"),
            false,
            CancellationToken::new(),
            Arc::new(move |_| once.call_once(|| f2.inject(Fault::ExpireSessions))),
        )
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.first_error(), None, "{rep:?}");
    assert!(sf.stats().unauthorized_401 >= 1);
    assert_eq!(live(&r, "account", Crm::Salesforce).await, 12);
}

#[tokio::test]
async fn a_refresh_token_salesforce_rotates_is_kept_for_the_next_sync() {
    let sf = FakeSalesforce::start(Config {
        session_tokens: vec![],
        oauth: Some(OAuth {
            client_id: "ck".into(),
            client_secret: "cs".into(),
            refresh_token: "rt-0".into(),
            rotate_refresh_token: true,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    })
    .await;
    sf.seed(4, 1);
    let (_d, r) = store().await;
    let secret = CrmSecret {
        token: None,
        client_id: Some("ck".into()),
        client_secret: Some("cs".into()),
        refresh_token: Some("rt-0".into()),
    };
    r.connect("sf", Crm::Salesforce, Some(&sf.base_url), secret)
        .await
        .unwrap();
    for _ in 0..3 {
        let rep = sync(&r, "sf").await;
        assert_eq!(rep.first_error(), None, "{rep:?}");
    }
    // Connect, then one refresh per sync, each retiring the one before.
    assert_eq!(sf.refresh_tokens_issued(), 4);
    let kept = rapport_core::secrets::crm_secret(r.data_dir(), "sf").unwrap();
    assert_eq!(kept.refresh_token, sf.current_refresh_token());
}

/// Companies whose last closed `renewal` deal was lost and nothing was won after, from the
/// fake's own properties.
fn churned_hubspot(f: &rapport_tests::hubspot::FakeHubSpot) -> i64 {
    let mut n = 0;
    for c in f.ids("companies") {
        let deals: Vec<_> = f
            .associated("companies", c, "deals")
            .into_iter()
            .filter_map(|d| f.get("deals", d))
            .collect();
        let closed = |p: &std::collections::BTreeMap<String, String>| {
            matches!(p["dealstage"].as_str(), "closedwon" | "closedlost")
        };
        let last = deals
            .iter()
            .filter(|p| p["dealtype"] == "renewal" && closed(p))
            .max_by_key(|p| p["closedate"].clone());
        if let Some(r) = last.filter(|r| r["dealstage"] == "closedlost") {
            if !deals
                .iter()
                .any(|p| p["dealstage"] == "closedwon" && p["closedate"] > r["closedate"])
            {
                n += 1;
            }
        }
    }
    n
}

/// The same for Salesforce accounts and their `Renewal` opportunities.
fn churned_salesforce(f: &FakeSalesforce) -> i64 {
    let opps: Vec<_> = f
        .ids("Opportunity")
        .into_iter()
        .filter_map(|id| f.get("Opportunity", &id))
        .collect();
    let mut n = 0;
    for a in f.ids("Account") {
        let mine: Vec<_> = opps
            .iter()
            .filter(|o| o["AccountId"].as_str() == Some(a.as_str()))
            .collect();
        let close = |o: &serde_json::Map<String, serde_json::Value>| {
            o["CloseDate"].as_str().unwrap_or("").to_string()
        };
        let last = mine
            .iter()
            .filter(|o| o["Type"] == "Renewal" && o["IsClosed"] == true)
            .max_by_key(|o| close(o));
        if let Some(r) = last.filter(|r| r["IsWon"] == false) {
            if !mine
                .iter()
                .any(|o| o["IsWon"] == true && close(o) > close(r))
            {
                n += 1;
            }
        }
    }
    n
}

#[tokio::test]
async fn hubspot_and_salesforce_feed_one_portfolio_each_row_knowing_its_source() {
    let hs =
        rapport_tests::hubspot::FakeHubSpot::start(rapport_tests::hubspot::Config::default()).await;
    hs.seed(15, 1);
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(10, 2);
    let (_d, r) = store().await;
    r.connect(
        "hs",
        Crm::Hubspot,
        Some(&hs.base_url),
        session("pat-fake-token"),
    )
    .await
    .unwrap();
    r.connect(
        "sf",
        Crm::Salesforce,
        Some(&sf.base_url),
        session("sf-fake-session"),
    )
    .await
    .unwrap();
    let reports = r
        .sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert_eq!(reports.len(), 2);
    assert!(
        reports.iter().all(|x| x.first_error().is_none()),
        "{reports:?}"
    );
    assert_eq!(live(&r, "account", Crm::Hubspot).await, 15);
    assert_eq!(live(&r, "account", Crm::Salesforce).await, 10);
    // On the books: all 25 but those whose last closed renewal was lost with nothing won after.
    let churned = churned_hubspot(&hs) + churned_salesforce(&sf);
    let status = r.status().await.unwrap();
    assert_eq!((status.demo, status.accounts), (false, 25 - churned));
    let table = r.portfolio_table(r.today()).await.unwrap();
    assert_eq!(table.rows.len() as i64, 25 - churned);
    let sf_id = sf.ids("Account")[0].clone();
    let a = r
        .store()
        .find_accounts(sf.get("Account", &sf_id).unwrap()["Name"].as_str().unwrap())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.crm_id == sf_id)
        .unwrap();
    assert_eq!(a.crm, Crm::Salesforce);
}

#[tokio::test]
async fn the_orgs_daily_allowance_is_respected_before_salesforce_refuses() {
    // 40 requests a day; small batches make the sync need more than that.
    let sf = FakeSalesforce::start(Config {
        api_limit: 40,
        batch_size: 5,
        ..Config::default()
    })
    .await;
    sf.seed(20, 3);
    let (_d, r) = store().await;
    r.connect(
        "sf",
        Crm::Salesforce,
        Some(&sf.base_url),
        session("sf-fake-session"),
    )
    .await
    .unwrap();
    let rep = sync(&r, "sf").await;
    let err = rep.first_error().expect("stopped by the allowance");
    assert!(err.message.contains("daily API requests"), "{err:?}");
    assert_eq!(err.code, rapport_core::ErrorCode::CrmRateLimited);
    // Stopped with 5 % of 40 (2 requests) left: never refused.
    assert_eq!(sf.stats().forbidden_403, 0);
    assert!(sf.api_used() <= 38, "used {}", sf.api_used());
}
