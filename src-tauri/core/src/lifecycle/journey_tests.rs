//! The journey over a hand-built book whose every figure is worked out in the comments.

use chrono::NaiveDate;

use super::handoff::{default_templates, overdue, started};
use super::journey::{journey, renewal_rate, stays};
use crate::domain::journey::{
    HandoffItemView, HandoffView, JourneyFacts, StageExpectations, StageSummary, Team,
};
use crate::domain::LifecycleStage::{self, *};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn acct(id: i64, arr: f64, h: &[(LifecycleStage, &str)]) -> JourneyFacts {
    JourneyFacts {
        account_id: id,
        name: format!("Account {id}"),
        arr,
        history: h.iter().map(|(s, on)| (*s, d(on))).collect(),
    }
}

fn book() -> Vec<JourneyFacts> {
    vec![
        // Adoption 47 days, value 45, renewal 90 (renewed), value again for 31.
        acct(
            1,
            100.0,
            &[
                (Onboarding, "2025-10-01"),
                (Adoption, "2025-12-30"),
                (Value, "2026-02-15"),
                (Renewal, "2026-04-01"),
                (Value, "2026-06-30"),
            ],
        ),
        // Adoption 152 days (stalled), then at risk for 91 days and still there (stalled).
        acct(
            2,
            200.0,
            &[
                (Onboarding, "2025-09-01"),
                (Adoption, "2025-11-30"),
                (AtRisk, "2026-05-01"),
            ],
        ),
        // Known from adoption on 1 Feb, 180 days ago: stalled.
        acct(3, 50.0, &[(Adoption, "2026-02-01")]),
        // Stalled 181 days in adoption in 2025, then a renewal of 45 days, at risk for 40 and
        // churned on 10 Apr: a renewal lost after a stall.
        acct(
            4,
            300.0,
            &[
                (Adoption, "2025-01-01"),
                (Value, "2025-07-01"),
                (Renewal, "2026-01-15"),
                (AtRisk, "2026-03-01"),
                (Churned, "2026-04-10"),
            ],
        ),
        // A renewal of 19 days followed by at risk, not churned yet and within 120 days: undecided.
        acct(5, 80.0, &[(Renewal, "2026-06-01"), (AtRisk, "2026-06-20")]),
    ]
}

fn stage(all: &[StageSummary], s: LifecycleStage) -> &StageSummary {
    all.iter().find(|x| x.stage == s).unwrap()
}

#[test]
fn stays_end_where_the_next_begins_and_the_last_is_under_way() {
    let exp = StageExpectations::default();
    let h = [
        (Onboarding, d("2026-01-01")),
        (Adoption, d("2026-03-01")),
        // Two changes on one day: the day ends in value.
        (AtRisk, d("2026-04-01")),
        (Value, d("2026-04-01")),
        (Value, d("2026-05-01")),
        (Churned, d("2026-09-01")),
    ];
    let s = stays(&h, d("2026-08-01"), &exp);
    let got: Vec<_> = s
        .iter()
        .map(|x| (x.stage, x.days, x.to.is_none()))
        .collect();
    // 1 Jan → 1 Mar is 59 days, 1 Mar → 1 Apr 31, 1 Apr → 1 Aug 122; the churn is ahead.
    assert_eq!(
        got,
        vec![
            (Onboarding, 59, false),
            (Adoption, 31, false),
            (Value, 122, true)
        ]
    );
    assert!(s.iter().all(|x| !x.stalled), "value has no expected time");
    let long = stays(&[(Adoption, d("2026-01-01"))], d("2026-05-02"), &exp);
    assert_eq!((long[0].days, long[0].stalled), (121, true));
    let edge = stays(&[(Adoption, d("2026-01-01"))], d("2026-05-01"), &exp);
    assert_eq!((edge[0].days, edge[0].stalled), (120, false));
}

#[test]
fn the_journey_of_the_first_half_of_2026() {
    let exp = StageExpectations::default();
    let j = journey(
        &book(),
        d("2026-01-01"),
        d("2026-06-30"),
        d("2026-07-31"),
        &exp,
    );

    let a = stage(&j.stages, Adoption);
    // C entered (and overran: 180 > 120); A left on 15 Feb and B on 1 May; C is stalled now.
    assert_eq!((a.now, a.entered, a.left, a.overran), (1, 1, 2, 1));
    assert_eq!((a.stalled_now, a.stalled_arr), (1, 50.0));
    assert_eq!(a.median_days, None, "the one stay is still under way");
    assert_eq!(a.after_stall.len(), 1);
    assert_eq!(
        (a.after_stall[0].stage, a.after_stall[0].accounts),
        (AtRisk, 1)
    );

    let r = stage(&j.stages, Renewal);
    // Stays of 90, 45 and 19 days, all over: the median is 45.
    assert_eq!((r.entered, r.left, r.now), (3, 3, 0));
    assert_eq!(r.median_days, Some(45.0));
    assert_eq!(r.expected_days, None);

    let v = stage(&j.stages, Value);
    // A's 45-day stay ended, its 31-day one has not: the survival curve falls to 0 at 45.
    assert_eq!((v.entered, v.left, v.now), (2, 2, 1));
    assert_eq!(v.median_days, Some(45.0));

    let risk = stage(&j.stages, AtRisk);
    // B (91 days, over 60), D (40, over) and E (41, under way): two thirds still at risk.
    assert_eq!(
        (
            risk.now,
            risk.arr_now,
            risk.entered,
            risk.left,
            risk.overran
        ),
        (2, 280.0, 3, 1, 1)
    );
    assert_eq!(risk.median_days, None);

    let o = stage(&j.stages, Onboarding);
    assert_eq!((o.now, o.entered, o.left), (0, 0, 0), "left in 2025");

    // Value → renewal (A and D, 400) and renewal → at risk (D and E, 380) lead.
    let top: Vec<_> = j
        .flows
        .iter()
        .take(2)
        .map(|f| (f.from, f.to, f.accounts, f.arr))
        .collect();
    assert_eq!(
        top,
        vec![
            (Some(Value), Renewal, 2, 400.0),
            (Some(Renewal), AtRisk, 2, 380.0)
        ]
    );
    assert_eq!(j.flows.iter().map(|f| f.accounts).sum::<u32>(), 10);
    assert!(j.flows.iter().any(|f| f.from.is_none() && f.to == Adoption));

    // B overran at risk by 91/60, C adoption by 180/120: B first.
    let stalled: Vec<_> = j
        .stalled
        .iter()
        .map(|s| (s.account_id, s.stage, s.days))
        .collect();
    assert_eq!(stalled, vec![(2, AtRisk, 91), (3, Adoption, 180)]);

    // D stalled within the year before its renewal and churned; A did not and renewed; E waits.
    assert_eq!(
        (j.renewals.stalled.renewed, j.renewals.stalled.churned),
        (0, 1)
    );
    assert_eq!(j.renewals.stalled.churned_arr, 300.0);
    assert_eq!(
        (
            j.renewals.not_stalled.renewed,
            j.renewals.not_stalled.churned
        ),
        (1, 0)
    );
    assert_eq!(renewal_rate(&j.renewals.not_stalled), Some(1.0));
    assert_eq!(renewal_rate(&j.renewals.stalled), Some(0.0));

    // Weekly from 1 Jan, ending on the period's last day: 26 weeks and 30 Jun.
    assert_eq!(j.mix.len(), 27);
    assert_eq!(j.mix.last().unwrap().day, d("2026-06-30"));
    let on = |day: &str| {
        let m = j.mix.iter().find(|m| m.day == d(day)).unwrap();
        LifecycleStage::ALL
            .iter()
            .zip(&m.counts)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (*s, *n))
            .collect::<Vec<_>>()
    };
    // 1 Jan: A and B in adoption, D in value; C and E are not known yet.
    assert_eq!(on("2026-01-01"), vec![(Adoption, 2), (Value, 1)]);
    // 30 Jun: A back in value (that day), B at risk, C adoption, D churned, E at risk.
    assert_eq!(
        on("2026-06-30"),
        vec![(Adoption, 1), (Value, 1), (AtRisk, 2), (Churned, 1)]
    );
}

#[test]
fn a_renewal_followed_by_risk_is_renewed_once_120_days_pass_without_churn() {
    let exp = StageExpectations::default();
    let e = [acct(
        5,
        80.0,
        &[(Renewal, "2026-06-01"), (AtRisk, "2026-06-20")],
    )];
    // 20 Jun + 120 days is 18 Oct.
    let before = journey(&e, d("2026-01-01"), d("2026-06-30"), d("2026-10-17"), &exp);
    assert_eq!(before.renewals.not_stalled.renewed, 0);
    let after = journey(&e, d("2026-01-01"), d("2026-06-30"), d("2026-10-18"), &exp);
    assert_eq!(after.renewals.not_stalled.renewed, 1);
}

#[test]
fn stage_changes_start_the_checklists_they_imply() {
    let t = default_templates();
    let on = d("2026-03-01");
    let got: Vec<_> = started(
        &[
            (1, None, Onboarding),
            (2, Some(Onboarding), Adoption),
            (3, Some(Value), Adoption),
            (6, Some(Onboarding), Value),
            (7, Some(Onboarding), Churned),
            // Back in onboarding after a red spell: no second kickoff. A churned client who
            // signs again gets one.
            (8, Some(AtRisk), Onboarding),
            (9, Some(Churned), Onboarding),
            (4, Some(AtRisk), Renewal),
            (5, Some(Renewal), Renewal),
        ],
        &t,
        on,
    )
    .into_iter()
    .map(|h| (h.account_id, h.template.key, h.due_on))
    .collect();
    assert_eq!(
        got,
        vec![
            (1, "sales_to_cs".to_string(), d("2026-03-15")),
            (2, "cs_to_support".to_string(), d("2026-03-15")),
            (6, "cs_to_support".to_string(), d("2026-03-15")),
            (9, "sales_to_cs".to_string(), d("2026-03-15")),
            (4, "cs_to_renewal".to_string(), d("2026-03-31")),
        ]
    );
    // Onboarding ends in support's hands whatever comes next, but a churn starts nothing.
    // Every template names an owner team for each item, and more than one team in all.
    for x in &t {
        let teams: std::collections::BTreeSet<Team> = x.items.iter().map(|i| i.team).collect();
        assert!(teams.len() >= 2, "{}", x.name);
    }
}

#[test]
fn a_checklist_is_overdue_after_its_due_day_with_items_left() {
    let mut h = HandoffView {
        id: 1,
        account_id: 1,
        account: "A".into(),
        name: "Sales → CS kickoff".into(),
        from: None,
        to: Onboarding,
        started_on: d("2026-03-01"),
        due_on: d("2026-03-15"),
        items: vec![
            HandoffItemView {
                id: 1,
                text: "Kickoff".into(),
                team: Team::Cs,
                done_on: Some(d("2026-03-02")),
            },
            HandoffItemView {
                id: 2,
                text: "Order form".into(),
                team: Team::Sales,
                done_on: None,
            },
        ],
        overdue: false,
    };
    assert!(!overdue(&h, d("2026-03-15")), "due today is not late");
    assert!(overdue(&h, d("2026-03-16")));
    h.items[1].done_on = Some(d("2026-03-20"));
    assert!(!overdue(&h, d("2026-03-21")), "all done, even late");
}
