//! Early warnings and churn risk on CRM data, not the demo: a freshly connected portal whose
//! companies carry no dates or activity gets no made-up warnings, a seeded portal's warnings
//! explain themselves with the CRM's own (hostile) names, and with a CRM's short renewal history
//! the churn model steps aside and says why. Real HTTP to the fake HubSpot, real SQLCipher, the
//! real keychain (scripts/with-keyring.sh).

use std::sync::Arc;

use rapport_core::domain::risk::{AlertState, RuleId};
use rapport_core::domain::Crm;
use rapport_tests::hubspot::{base_time_ms, Config, FakeHubSpot};

mod common;

#[tokio::test]
async fn a_portal_that_holds_nothing_about_its_companies_raises_no_warnings() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed_bulk("companies", 12, 1001, |i| base_time_ms() + i as i64);
    let (_d, r, _) = common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let w = r.warnings(true).await.unwrap();
    // No contract start, no touch, no usage: "gone quiet for 20,000 days" would be made up.
    assert!(w.alerts.is_empty(), "{:#?}", w.alerts);
    assert_eq!(w.evaluated_on, Some(r.today()));
}

#[tokio::test]
async fn warnings_on_a_seeded_portal_explain_themselves_and_the_model_says_it_needs_more_history() {
    let fake = FakeHubSpot::start(Config::default()).await;
    fake.seed(40, 11);
    let (_d, r, _) = common::synced("hs", Crm::Hubspot, &fake.base_url, "pat-fake-token").await;
    let w = r.warnings(false).await.unwrap();
    assert!(
        !w.alerts.is_empty(),
        "a 40-company portal has something to warn about"
    );
    let names: Vec<String> = r
        .store()
        .active_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.name)
        .collect();
    for a in &w.alerts {
        assert_eq!(a.state, AlertState::Open);
        assert!(names.contains(&a.account_name), "{}", a.account_name);
        assert!(a.summary.ends_with('.') && !a.evidence.is_empty(), "{a:?}");
        // Every "gone quiet" day count is the days since a touch or a contract start the CRM holds.
        if a.rule == RuleId::NoTouch {
            assert!(a.evidence[0].on.is_some());
        }
    }
    // A second sync changes nothing in the CRM: no alert is added twice.
    let before: Vec<i64> = r
        .warnings(true)
        .await
        .unwrap()
        .alerts
        .iter()
        .map(|a| a.id)
        .collect();
    r.sync(
        None,
        false,
        tokio_util::sync::CancellationToken::new(),
        Arc::new(|_| {}),
    )
    .await
    .unwrap();
    let after: Vec<i64> = r
        .warnings(true)
        .await
        .unwrap()
        .alerts
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(before, after);

    let rep = r.model_report(r.today()).await.unwrap();
    assert!(rep.backtest.is_none());
    assert!(rep
        .fallback
        .unwrap()
        .contains("early-warning rules alone flag risk"));
    let p = r.portfolio(r.today()).await.unwrap();
    assert!(p.rows.iter().all(|row| row.risk.is_none()));
}
