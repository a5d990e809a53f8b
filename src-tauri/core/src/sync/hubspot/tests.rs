//! Mapping HubSpot records, with values worked out from the property strings by hand.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::wire::{Object, ObjectPage};
use super::{map, OBJECTS};
use crate::domain::sync::{PageRows, Settings};
use crate::domain::{DealKind, DealStatus, LifecycleStage, SurveyKind};

fn spec(t: &str) -> super::ObjectSpec {
    *OBJECTS.iter().find(|s| s.object_type == t).unwrap()
}

fn page(json: &str) -> Vec<Object> {
    serde_json::from_str::<ObjectPage>(json).unwrap().results
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn map_with(
    t: &str,
    objs: &[Object],
    parents: &HashMap<String, String>,
    owners: &HashMap<String, String>,
    s: &Settings,
) -> PageRows {
    map::rows(
        &spec(t),
        objs,
        &map::MapContext {
            parents,
            owners,
            settings: s,
            currency: "EUR",
            today: today(),
        },
    )
}

#[test]
fn companies_become_accounts_with_owner_segment_stage_and_usage() {
    let objs = page(
        r#"{"results":[{"id":"1001","properties":{
        "name":"<img src=x onerror=alert(1)> Ltd","domain":"acme.example","industry":"COMPUTER_SOFTWARE",
        "hubspot_owner_id":"101","annual_recurring_revenue":"48000.5","contract_start_date":"2024-03-01",
        "renewal_date":"2027-01-10","seats_purchased":"120","seats_used":"97","active_users":"80",
        "hs_lastmodifieddate":"2026-11-20T08:30:00.000Z"},"archived":false}],
        "paging":{"next":{"after":"1001"}}}"#,
    );
    let owners: HashMap<String, String> = [("101".into(), "Dana Whitfield".into())].into();
    let PageRows::Accounts(rows) = map_with(
        "companies",
        &objs,
        &HashMap::new(),
        &owners,
        &Settings::default(),
    ) else {
        panic!("accounts expected")
    };
    let a = &rows[0];
    assert_eq!(
        a.name, "<img src=x onerror=alert(1)> Ltd",
        "CRM text is kept as text"
    );
    assert_eq!(
        (a.industry.as_str(), a.owner.as_str()),
        ("Computer software", "Dana Whitfield")
    );
    // 48,000.5 ≥ 25,000 and < 100,000 → Mid-Market; renewal 47 days out (≤ 90) → renewal stage.
    assert_eq!(
        (a.segment.as_str(), a.stage, a.arr),
        ("Mid-Market", LifecycleStage::Renewal, Some(48_000.5))
    );
    assert_eq!(a.currency, "EUR", "the portal's currency");
    assert_eq!(
        (a.seats_purchased, a.seats_used, a.active_users),
        (120, Some(97), Some(80))
    );
    assert_eq!(a.updated_at.to_rfc3339(), "2026-11-20T08:30:00+00:00");
    // 2026-11-20T08:30Z in epoch ms (checked with Python's datetime).
    assert_eq!(
        map::modified_ms(&spec("companies"), &objs[0]),
        1_795_163_400_000
    );
}

#[test]
fn contacts_deals_tickets_activities_and_feedback_map_to_their_rows() {
    let parents: HashMap<String, String> = [("7".into(), "1001".into())].into();
    let s = Settings::default();
    let one = |t: &str, props: &str| {
        let objs = page(&format!(
            r#"{{"results":[{{"id":"7","properties":{{{props}}}}}]}}"#
        ));
        map_with(t, &objs, &parents, &HashMap::new(), &s)
    };
    let PageRows::Contacts(c) = one(
        "contacts",
        r#""firstname":"Ada","lastname":"Lovelace","email":"ada@x.example","hs_buying_role":"CHAMPION;BUDGET_HOLDER","lastmodifieddate":"2026-11-01T00:00:00Z""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (c[0].name.as_str(), c[0].account_crm_id.as_deref()),
        ("Ada Lovelace", Some("1001"))
    );
    assert_eq!(
        (c[0].champion, c[0].sponsor, c[0].decision_maker),
        (true, false, true)
    );

    let PageRows::Deals(d) = one(
        "deals",
        r#""dealname":"Renewal 2027","amount":"12000","closedate":"2026-12-31T17:00:00.000Z","dealstage":"closedwon","dealtype":"renewal""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (d[0].kind, d[0].status, d[0].amount),
        (DealKind::Renewal, DealStatus::Won, 12_000.0)
    );
    assert_eq!(
        d[0].close_date,
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
    );
    let PageRows::Deals(d) = one(
        "deals",
        r#""dealname":"Upsell","dealstage":"contractsent","dealtype":"existingbusiness""#,
    ) else {
        panic!()
    };
    // HubSpot's stock "existing business" is renewals and upsells alike: it keeps ARR, it is
    // not expansion. A type the mapping does not know counts towards nothing.
    assert_eq!(
        (d[0].kind, d[0].status, d[0].amount),
        (DealKind::Renewal, DealStatus::Open, 0.0)
    );
    let PageRows::Deals(d) = one(
        "deals",
        r#""dealname":"Partner","dealstage":"closedwon","dealtype":"partner_referral","deal_currency_code":"GBP""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (d[0].kind, d[0].currency.as_str()),
        (DealKind::Other, "GBP")
    );
    // A bounced champion has left.
    let PageRows::Contacts(c) = one(
        "contacts",
        r#""firstname":"Bo","hs_buying_role":"CHAMPION","hs_email_hard_bounce_reason_enum":"UNKNOWN_USER","lastmodifieddate":"2026-11-03T10:00:00Z""#,
    ) else {
        panic!()
    };
    assert_eq!(c[0].left_on, NaiveDate::from_ymd_opt(2026, 11, 3));
    assert_eq!(
        c[0].left_reason.as_deref(),
        Some("mail to them bounces (unknown user)")
    );

    let PageRows::Tickets(t) = one(
        "tickets",
        r#""subject":"Login fails","hs_pipeline_stage":"4","hs_ticket_priority":"HIGH","createdate":"2026-11-02T10:00:00Z","closed_date":"2026-11-05T10:00:00Z""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (t[0].status.as_str(), t[0].priority.as_str()),
        ("closed", "high")
    );
    assert_eq!(t[0].closed_on, NaiveDate::from_ymd_opt(2026, 11, 5));

    let PageRows::Activities(a) = one(
        "emails",
        r#""hs_email_subject":"Re: pricing","hs_email_direction":"INCOMING_EMAIL","hs_timestamp":"1763600000000""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (a[0].kind, a[0].direction.as_str(), a[0].two_way),
        ("email", "inbound", true)
    );
    assert_eq!(a[0].occurred_at.timestamp_millis(), 1_763_600_000_000);
    let PageRows::Activities(a) = one("notes", r#""hs_note_body":"Spoke to finance""#) else {
        panic!()
    };
    assert_eq!(
        (a[0].kind, a[0].direction.as_str(), a[0].two_way),
        ("note", "internal", false)
    );

    let PageRows::Surveys(f) = one(
        "feedback_submissions",
        r#""hs_survey_type":"NPS","hs_response_value":"9","hs_content":"Great support","hs_submission_timestamp":"2026-11-10T09:00:00Z""#,
    ) else {
        panic!()
    };
    assert_eq!(
        (f[0].kind, f[0].score, f[0].verbatim.as_str()),
        (SurveyKind::Nps, 9, "Great support")
    );
    // A submission without a score is skipped, not stored as zero.
    let PageRows::Surveys(f) = one("feedback_submissions", r#""hs_survey_type":"NPS""#) else {
        panic!()
    };
    assert!(f.is_empty());
}

#[test]
fn unparseable_values_count_as_missing() {
    let objs = page(
        r#"{"results":[{"id":"9","properties":{"name":null,"annual_recurring_revenue":"n/a","renewal_date":"soon"}}]}"#,
    );
    let PageRows::Accounts(rows) = map_with(
        "companies",
        &objs,
        &HashMap::new(),
        &HashMap::new(),
        &Settings::default(),
    ) else {
        panic!()
    };
    assert_eq!(
        (rows[0].name.as_str(), rows[0].arr, rows[0].renewal_date),
        ("(unnamed company)", None, None)
    );
    assert_eq!(rows[0].segment, "SMB");
}

#[test]
fn a_churn_property_marks_churn_by_date_or_by_value() {
    let s = Settings {
        churn_property: "customer_status".into(),
        ..Settings::default()
    };
    let objs = page(
        r#"{"results":[
        {"id":"1","properties":{"customer_status":"2026-09-30","hs_lastmodifieddate":"2026-11-20T08:30:00.000Z"}},
        {"id":"2","properties":{"customer_status":"Churned","hs_lastmodifieddate":"2026-11-19T08:30:00.000Z"}},
        {"id":"3","properties":{"customer_status":"active","hs_lastmodifieddate":"2026-11-19T08:30:00.000Z"}}]}"#,
    );
    let PageRows::Accounts(rows) =
        map_with("companies", &objs, &HashMap::new(), &HashMap::new(), &s)
    else {
        panic!()
    };
    let churned: Vec<_> = rows.iter().map(|r| r.churned_on).collect();
    assert_eq!(
        churned,
        vec![
            NaiveDate::from_ymd_opt(2026, 9, 30),
            NaiveDate::from_ymd_opt(2026, 11, 19),
            None
        ]
    );
}

#[test]
fn a_record_id_that_is_not_a_number_is_a_bad_page_not_zero() {
    assert_eq!(super::record_id("1001").unwrap(), 1001);
    let e = super::record_id("10a1").unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::CrmBadResponse);
    assert!(e.to_string().contains("\"10a1\" is not a number"), "{e}");
}
