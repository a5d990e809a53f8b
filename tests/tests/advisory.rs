//! The client advisory program written back to the CRM contact: a HubSpot portal without the
//! property keeps the change queued and says what to create, then takes it; a Salesforce org
//! gets the Contact checkbox. Real HTTP against the fakes, a real SQLCipher store.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use rapport_core::domain::capture::OutboxState;
use rapport_core::domain::Crm;
use rapport_core::ErrorCode;
use tokio_util::sync::CancellationToken;

mod common;

#[tokio::test]
async fn a_hubspot_portal_without_the_property_keeps_the_change_queued_then_takes_it() {
    use rapport_tests::hubspot::{Config, FakeHubSpot};
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(4, 9);
    let (_d, r, ahead) = common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let (_, _, contact, contact_crm) = common::account_with_crm_contact(&r).await;
    let crm_id: u64 = contact_crm.parse().unwrap();

    let entry = r
        .set_advisory(contact, true)
        .await
        .unwrap()
        .expect("a CRM contact's change is queued");
    let members = r.advisory_members().await.unwrap();
    let m = members
        .iter()
        .find(|m| m.contact_id == contact)
        .expect("a member at once");
    assert!(m.set_here);
    assert_eq!(m.delivery, Some(OutboxState::Pending));

    r.send_outbox(CancellationToken::new()).await.unwrap();
    let e = r
        .outbox(None)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.id == entry)
        .unwrap();
    assert_eq!(e.state, OutboxState::Pending);
    let why = e.last_error.unwrap();
    assert_eq!(why.code, ErrorCode::CrmSetup);
    assert!(
        why.message.contains("rapport_advisory_member"),
        "{}",
        why.message
    );
    assert!(!fake
        .get("contacts", crm_id)
        .unwrap()
        .contains_key("rapport_advisory_member"));

    // An admin creates the property; the queued change lands at its next try.
    let now_ms = chrono::Utc::now().timestamp_millis();
    let other = fake
        .ids("contacts")
        .into_iter()
        .find(|i| *i != crm_id)
        .unwrap();
    fake.upsert(
        "contacts",
        other,
        &[("rapport_advisory_member", "false")],
        now_ms,
    );
    ahead.fetch_add(2 * 3_600_000, Ordering::Relaxed);
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.delivered, 1, "{:?}", rep.reasons);
    assert_eq!(
        fake.get("contacts", crm_id).unwrap()["rapport_advisory_member"],
        "true"
    );

    // Leaving the program is written the same way; the member list follows at once.
    r.set_advisory(contact, false).await.unwrap();
    assert!(r
        .advisory_members()
        .await
        .unwrap()
        .iter()
        .all(|m| m.contact_id != contact));
    r.send_outbox(CancellationToken::new()).await.unwrap();
    assert_eq!(
        fake.get("contacts", crm_id).unwrap()["rapport_advisory_member"],
        "false"
    );
    // A sync does not undo what was set here.
    r.sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(r
        .advisory_members()
        .await
        .unwrap()
        .iter()
        .all(|m| m.contact_id != contact));
}

#[tokio::test]
async fn a_salesforce_contact_gets_the_advisory_checkbox() {
    use rapport_tests::salesforce::{Config, FakeSalesforce};
    let sf = FakeSalesforce::start(Config::default()).await;
    sf.seed(4, 9);
    let (_d, r, _ahead) =
        common::synced("sf", Crm::Salesforce, &sf.base_url, "sf-fake-session").await;
    let (_, _, contact, contact_crm) = common::account_with_crm_contact(&r).await;
    r.set_advisory(contact, true).await.unwrap().unwrap();
    let rep = r
        .send_outbox(CancellationToken::new())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(rep.delivered, 1, "{:?}", rep.reasons);
    assert_eq!(
        sf.get("Contact", &contact_crm).unwrap()["Rapport_Advisory__c"],
        true
    );
    let m = r
        .advisory_members()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.contact_id == contact)
        .unwrap();
    assert_eq!(m.delivery, Some(OutboxState::Delivered));
}
