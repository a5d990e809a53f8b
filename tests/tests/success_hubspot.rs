//! A success plan edited offline on a HubSpot account, its milestone updates written to HubSpot
//! as notes on the company through the outbox, over real HTTP against the fake HubSpot, from a
//! real SQLCipher store: nothing reaches HubSpot while it is down, each update lands exactly once
//! when it is back (even when HubSpot's answer to a stored note is lost and its search index
//! lags), associated with the company, with the milestone's figures in its body (CRM
//! text and all, as text). A milestone saved without "tell the CRM" writes nothing there. A value
//! entry told to the CRM lands once too, through a rate-limited HubSpot, with its amount, how it
//! was measured and who confirmed it.
//! Real keychain (scripts/with-keyring.sh): `connect` keeps the token there.

use rapport_core::domain::capture::OutboxState;
use rapport_core::domain::success::{MilestoneAction, MilestoneForm, MilestoneKind, PlanForm};
use rapport_core::domain::value::{Confirmation, ValueCategory, ValueEntryForm};
use rapport_core::domain::Crm;
use std::sync::atomic::Ordering;

use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
use tokio_util::sync::CancellationToken;

mod common;

/// HubSpot note ids whose body carries `key`'s marker.
fn notes_with(fake: &FakeHubSpot, key: &str) -> Vec<u64> {
    let marker = format!("rapportref{key}");
    fake.ids("notes")
        .into_iter()
        .filter(|id| {
            fake.get("notes", *id)
                .is_some_and(|p| p.get("hs_note_body").is_some_and(|b| b.contains(&marker)))
        })
        .collect()
}

#[tokio::test]
async fn milestone_updates_reach_hubspot_once_as_notes_on_the_company() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(5, 11);
    let (_dir, r, ahead) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let (account, company, _, _) = common::account_with_crm_contact(&r).await;
    let company: u64 = company.parse().unwrap();
    let view = r.success(account).await.unwrap();
    assert!(view.in_crm, "a HubSpot account can be told");
    assert!(view.plans.is_empty(), "CRM data brings no success plan");

    fake.stop().await;
    let plan = r
        .save_plan(&PlanForm {
            account_id: account,
            id: None,
            objective: "Cut month-end close & <b>reporting</b>".into(),
        })
        .await
        .unwrap()
        .view
        .unwrap()
        .plans[0]
        .id;
    let today = r.today();
    let mut form = MilestoneForm {
        account_id: account,
        plan_id: plan,
        id: None,
        name: "Finance team live".into(),
        kind: MilestoneKind::FirstValue,
        metric: "Teams live".into(),
        unit: "teams".into(),
        baseline: Some(0.0),
        current: Some(1.0),
        target: Some(4.0),
        start_on: Some(today),
        due_on: Some(today + chrono::Duration::days(60)),
        owner: "Dana Reyes".into(),
        evidence: String::new(),
        tell_crm: false,
    };
    // Saved without telling the CRM: nothing is queued.
    let quiet = r.save_milestone(&form).await.unwrap();
    assert!(quiet.errors.is_empty(), "{:?}", quiet.errors);
    assert!(quiet.outbox.is_none());
    let id = quiet.view.unwrap().plans[0].milestones[0].id;

    form.id = Some(id);
    form.current = Some(2.0);
    form.tell_crm = true;
    let update = r
        .save_milestone(&form)
        .await
        .unwrap()
        .outbox
        .expect("queued for HubSpot");
    let achieved = r
        .act_on_milestone(
            id,
            &MilestoneAction::Achieve {
                on: Some(today),
                evidence: "Closed November in the app".into(),
                tell_crm: true,
            },
        )
        .await
        .unwrap()
        .outbox
        .expect("queued for HubSpot");
    assert_eq!(update.state, OutboxState::Pending);

    // Offline: the sender tries, HubSpot stays untouched.
    let rep = r.send_outbox(CancellationToken::new()).await.unwrap();
    assert_eq!((rep[0].delivered, rep[0].waiting), (0, 2));
    assert!(notes_with(&fake, &update.key).is_empty());

    fake.resume().await;
    // Back, but unkindly: HubSpot stores the first note and the answer is lost, and its search
    // index shows the note only 1.5 s later.
    fake.set_search_lag(1_500);
    fake.inject(Fault::CommitThenDrop { count: 1 });
    ahead.fetch_add(60_000, Ordering::Relaxed);
    r.send_outbox(CancellationToken::new()).await.unwrap();
    let first = r.outbox(Some(account)).await.unwrap();
    let lost = first.iter().find(|e| e.id == update.id).unwrap();
    assert_eq!(lost.state, OutboxState::Unconfirmed);
    assert_eq!(notes_with(&fake, &update.key).len(), 1, "the note did land");
    // Past the index lag and the back-off, the lost one is looked up (not resent) and the rest
    // is sent; further runs find nothing to do.
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    for _ in 0..3 {
        ahead.fetch_add(120_000, Ordering::Relaxed);
        r.send_outbox(CancellationToken::new()).await.unwrap();
    }
    for (entry, says) in [
        (&update, "Finance team live: current value now 2"),
        (&achieved, "Finance team live: achieved on"),
    ] {
        let ids = notes_with(&fake, &entry.key);
        assert_eq!(ids.len(), 1, "{says}: exactly one note");
        assert_eq!(
            fake.associated("notes", ids[0], "companies"),
            vec![company],
            "on the account's company"
        );
        let body = fake.get("notes", ids[0]).unwrap()["hs_note_body"].clone();
        assert!(body.contains(says), "{body}");
        assert!(
            body.contains("Teams live: 0 → 2 (target 4) teams"),
            "{body}"
        );
    }
    let states: Vec<OutboxState> = r
        .outbox(Some(account))
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.state)
        .collect();
    assert_eq!(states, [OutboxState::Delivered, OutboxState::Delivered]);
}

#[tokio::test]
async fn a_value_entry_reaches_hubspot_once_through_rate_limits_as_a_note() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(5, 11);
    let (_dir, r, ahead) =
        common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let (account, company, _, _) = common::account_with_crm_contact(&r).await;
    let company: u64 = company.parse().unwrap();
    let view = r.success(account).await.unwrap();
    let sponsor = view.ledger.contacts[0].clone();
    assert!(
        view.ledger.entries.is_empty(),
        "CRM data brings no value ledger"
    );

    let form = ValueEntryForm {
        account_id: account,
        id: None,
        category: ValueCategory::CostAvoided,
        description: "Fewer order errors & <b>returns</b>".into(),
        amount: Some(18_500.0),
        currency: String::new(),
        measured_how: "Returns fell from 6 % to 2 % of 1,200 orders a month".into(),
        evidence: String::new(),
        evidence_url: String::new(),
        usage_metric: None,
        recorded_on: Some(r.today()),
        milestone_id: None,
        confirmed_by: Some(sponsor.id),
        confirmation: Confirmation::Confirmed,
        tell_crm: true,
    };
    let saved = r.save_value_entry(&form).await.unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    let entry = saved.outbox.expect("queued for HubSpot");
    assert_eq!(saved.view.unwrap().ledger.entries.len(), 1);

    // HubSpot turns the first attempts away (429 with its secondly policy) before taking it.
    fake.inject(Fault::RateLimited {
        count: 2,
        retry_after_secs: Some(1),
        policy: "SECONDLY",
    });
    for _ in 0..4 {
        ahead.fetch_add(120_000, Ordering::Relaxed);
        r.send_outbox(CancellationToken::new()).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    let ids = notes_with(&fake, &entry.key);
    assert_eq!(ids.len(), 1, "exactly one note");
    assert_eq!(fake.associated("notes", ids[0], "companies"), vec![company]);
    let body = fake.get("notes", ids[0]).unwrap()["hs_note_body"].clone();
    for says in [
        "Value delivered — Cost avoided: 18,500",
        // HubSpot's note body is HTML: the typed markup arrives escaped, as text.
        "Fewer order errors &amp; &lt;b&gt;returns&lt;/b&gt;",
        "How it was measured: Returns fell from 6 % to 2 % of 1,200 orders a month",
    ] {
        assert!(body.contains(says), "{says} missing from {body}");
    }
    assert!(
        body.contains(&format!("Confirmed by {}.", sponsor.name.trim())),
        "{body}"
    );
    let state = r
        .outbox(Some(account))
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == entry.id)
        .unwrap()
        .state;
    assert_eq!(state, OutboxState::Delivered);
}
