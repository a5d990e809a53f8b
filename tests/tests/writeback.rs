//! Score write-back, opt-in per connection: HubSpot company properties created on opt-in (and
//! a portal that refuses it), scores written in batch updates of 100, only when they change, a
//! deleted company refused alone; Salesforce Account fields checked through describe, the scores
//! held until an admin creates them, then written in collections of 200. Real HTTP against the
//! fakes, a real SQLCipher store.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use rapport_core::domain::capture::{OutboxState, WriteKind};
use rapport_core::domain::Crm;
use rapport_core::{ErrorCode, Rapport};
use tokio_util::sync::CancellationToken;

mod common;

/// Every account's CRM id with its score and band, as the portfolio shows them.
async fn current_scores(r: &Rapport) -> HashMap<String, (i64, Option<i64>, Option<String>)> {
    let mut out = HashMap::new();
    for row in r.portfolio(r.today()).await.unwrap().rows {
        let header = r.account_detail(row.id, r.today()).await.unwrap().header;
        out.insert(
            header.crm_id,
            (row.id, row.score, row.band.map(|b| b.as_str().to_string())),
        );
    }
    out
}

async fn score_entries(r: &Rapport) -> Vec<rapport_core::domain::capture::OutboxEntryView> {
    r.outbox(None)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == WriteKind::Score)
        .collect()
}

#[tokio::test]
async fn hubspot_scores_go_to_company_properties_created_on_opt_in_in_batches_of_100() {
    use rapport_tests::hubspot::{Config, FakeHubSpot};
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(130, 17);
    let (_d, r, _ahead) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    // The portfolio's accounts: the customers among the companies, churned ones left out.
    let scores = current_scores(&r).await;
    let n = scores.len();
    assert!(n > 100 && n <= 130, "{n}");

    // A token without the schema scope: nothing is turned on, and the sentence says why.
    let scored_on = r.today();
    fake.set_schema_write_scope(false);
    let e = r.set_score_writeback("hs", true).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmSetup);
    assert!(e.to_string().contains("crm.schemas.companies.write"), "{e}");
    assert!(!r.writeback("hs").await.unwrap().on);
    assert!(score_entries(&r).await.is_empty());

    fake.set_schema_write_scope(true);
    let v = r.set_score_writeback("hs", true).await.unwrap();
    assert!(v.on);
    assert_eq!(
        v.created,
        [
            "Rapport health score",
            "Rapport health band",
            "Rapport health as of"
        ]
    );
    assert_eq!(v.waiting as usize, n);
    let band = fake
        .custom_property("companies", "rapport_health_band")
        .unwrap();
    assert_eq!(band["type"], "enumeration");
    let options: Vec<&str> = band["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["green", "yellow", "red"]);
    assert_eq!(
        fake.custom_property("companies", "rapport_health_score")
            .unwrap()["type"],
        "number"
    );
    // Turning it on again creates nothing twice.
    assert!(r
        .set_score_writeback("hs", true)
        .await
        .unwrap()
        .created
        .is_empty());

    // One company is deleted in HubSpot before the scores go: it alone is refused.
    let gone: u64 = scores.keys().min().unwrap().parse().unwrap();
    fake.archive("companies", gone, chrono::Utc::now().timestamp_millis());
    fake.reset_stats();
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    let batch = "POST /crm/v3/objects/companies/batch/update";
    assert_eq!(
        fake.stats().by_route.get(batch),
        Some(&2),
        "{n} = 100 + {}",
        n - 100
    );
    assert_eq!(
        (rep.delivered as usize, rep.failed),
        (n - 1, 1),
        "{:?}",
        rep.reasons
    );
    for id in fake.ids("companies") {
        if id == gone || !scores.contains_key(&id.to_string()) {
            continue;
        }
        let props = fake.get("companies", id).unwrap();
        let (_, score, band) = &scores[&id.to_string()];
        assert_eq!(
            props
                .get("rapport_health_score")
                .cloned()
                .unwrap_or_default(),
            score.map(|s| s.to_string()).unwrap_or_default(),
            "company {id}"
        );
        assert_eq!(
            props
                .get("rapport_health_band")
                .cloned()
                .unwrap_or_default(),
            band.clone().unwrap_or_default()
        );
        assert_eq!(props["rapport_health_as_of"], scored_on.to_string());
    }
    let refused = score_entries(&r)
        .await
        .into_iter()
        .find(|e| e.state == OutboxState::Failed)
        .unwrap();
    assert!(
        refused
            .last_error
            .unwrap()
            .message
            .contains("no longer has this company"),
        "the refusal says why"
    );

    // Nothing changed: a sync and a rescore queue nothing and send nothing.
    r.sync(
        None,
        false,
        CancellationToken::new(),
        std::sync::Arc::new(|_| {}),
    )
    .await
    .unwrap();
    r.rescore(r.today()).await.unwrap();
    fake.reset_stats();
    r.send_outbox(CancellationToken::new()).await.unwrap();
    assert_eq!(fake.stats().by_route.get(batch), None);

    // A client's seats empty out in HubSpot: the next sync rescores it, and only the accounts
    // whose score or band moved are written, in one call.
    let (target, _) = scores
        .iter()
        .filter(|(id, s)| s.1.is_some_and(|v| v > 60) && **id != gone.to_string())
        .max_by_key(|(_, s)| s.1)
        .unwrap();
    let target_id: u64 = target.parse().unwrap();
    let now_ms = chrono::Utc::now().timestamp_millis();
    fake.upsert(
        "companies",
        target_id,
        &[("seats_used", "1"), ("active_users", "0")],
        now_ms,
    );
    r.sync(
        None,
        false,
        CancellationToken::new(),
        std::sync::Arc::new(|_| {}),
    )
    .await
    .unwrap();
    let after = current_scores(&r).await;
    let moved: Vec<&String> = after
        .iter()
        .filter(|(id, s)| scores.get(*id).is_some_and(|b| (b.1, &b.2) != (s.1, &s.2)))
        .map(|(id, _)| id)
        .collect();
    assert!(
        moved.contains(&target),
        "{:?} → {:?}",
        scores[target],
        after[target]
    );
    let waiting = score_entries(&r)
        .await
        .into_iter()
        .filter(|e| e.state == OutboxState::Pending)
        .count();
    assert_eq!(waiting, moved.len());
    fake.reset_stats();
    r.send_outbox(CancellationToken::new()).await.unwrap();
    assert_eq!(fake.stats().by_route.get(batch), Some(&1));
    let props = fake.get("companies", target_id).unwrap();
    assert_eq!(
        props["rapport_health_score"],
        after[target].1.unwrap().to_string()
    );

    // Off: the scores stop; the CRM keeps what it was last told.
    let v = r.set_score_writeback("hs", false).await.unwrap();
    assert!(!v.on);
    assert_eq!(
        v.waiting, 0,
        "nothing unsent is left, the refused write included"
    );
}

#[tokio::test]
async fn salesforce_scores_wait_for_the_account_fields_then_go_in_collections_of_200() {
    use rapport_tests::salesforce::{Config, FakeSalesforce};
    let sf = FakeSalesforce::start(Config {
        rapport_fields: false,
        ..Config::default()
    })
    .await;
    sf.seed(210, 5);
    let (_d, r, ahead) =
        common::synced("sf", Crm::Salesforce, &sf.base_url, "sf-fake-session").await;
    let scores = current_scores(&r).await;
    let n = scores.len();
    assert!(n > 200, "{n} accounts: more than one collection");

    let scored_on = r.today();
    let v = r.set_score_writeback("sf", true).await.unwrap();
    assert!(v.on);
    let setup = v.setup.expect("the org lacks the fields");
    for f in [
        "Rapport_Health_Score__c (Number(3, 0))",
        "Rapport_Health_Band__c (Text(10))",
        "Rapport_Health_As_Of__c (Date)",
    ] {
        assert!(setup.contains(f), "{setup}");
    }
    assert_eq!(v.waiting as usize, n);
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.delivered, 0);
    let route = |sf: &FakeSalesforce| {
        sf.stats()
            .by_route
            .iter()
            .filter(|(k, _)| k.starts_with("PATCH") && k.ends_with("/composite/sobjects"))
            .map(|(_, v)| *v)
            .sum::<u64>()
    };
    assert_eq!(route(&sf), 0, "nothing is sent to fields that do not exist");
    let held = score_entries(&r).await;
    assert!(held.iter().all(|e| e.state == OutboxState::Pending
        && e.last_error.as_ref().unwrap().code == ErrorCode::CrmSetup));
    // The card says so later too, not only when it was turned on.
    let later = r
        .writeback("sf")
        .await
        .unwrap()
        .setup
        .expect("still missing");
    assert!(later.contains("Rapport_Health_Score__c"), "{later}");

    // An admin deploys the package; the held scores go at the next try after an hour.
    sf.set_rapport_fields(true);
    ahead.fetch_add(2 * 3_600_000, Ordering::Relaxed);
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.delivered as usize, n, "{:?}", rep.reasons);
    assert_eq!(route(&sf), n.div_ceil(200) as u64);
    for (crm_id, (_, score, band)) in &scores {
        let rec = sf.record("Account", crm_id).unwrap();
        assert_eq!(
            rec.get("Rapport_Health_Score__c").and_then(|v| v.as_i64()),
            *score,
            "{crm_id}"
        );
        assert_eq!(
            rec.get("Rapport_Health_Band__c").and_then(|v| v.as_str()),
            band.as_deref()
        );
        assert_eq!(rec["Rapport_Health_As_Of__c"], scored_on.to_string());
    }
    let done = r.writeback("sf").await.unwrap();
    assert!(done.last_written_at.is_some());
    assert_eq!(done.setup, None, "nothing is missing any more");
}

// The fake answers on the runtime's other thread while this one waits for the CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_turns_write_back_on_and_reports_how_far_the_scores_got() {
    use rapport_tests::hubspot::{Config, FakeHubSpot};
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(6, 21);
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let run = |args: &[&str]| {
        let out = common::rapport(dir).args(args).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{args:?}: {err}");
        text
    };
    common::cli_connect_hubspot(dir, &fake.base_url, &[]);
    run(&["sync"]);
    assert!(run(&["writeback", "hs"]).contains("does not write health scores back"));
    let on = run(&["writeback", "hs", "on"]);
    assert!(
        on.contains(
            "Created in HubSpot: Rapport health score, Rapport health band, Rapport health as of."
        ),
        "{on}"
    );
    let accounts = run(&["portfolio", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&accounts).unwrap();
    let n = rows["rows"].as_array().unwrap().len();
    assert!(
        on.contains(&format!("0 accounts written, {n} waiting")),
        "{on}"
    );
    run(&["outbox", "send"]);
    let after = run(&["writeback", "hs"]);
    assert!(
        after.contains(&format!("{n} accounts written, 0 waiting")),
        "{after}"
    );
    let written = fake
        .ids("companies")
        .into_iter()
        .filter(|id| {
            fake.get("companies", *id)
                .unwrap()
                .contains_key("rapport_health_as_of")
        })
        .count();
    assert_eq!(written, n);
    assert!(run(&["writeback", "hs", "off"]).contains("does not write"));
}
