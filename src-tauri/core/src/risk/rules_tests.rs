//! The rules at their thresholds, on hand-built facts whose outcome is worked out by hand.

use chrono::{Duration, NaiveDate};

use super::rules::*;
use crate::domain::health::{Band, Departure, UsageFacts};
use crate::domain::risk::*;
use crate::domain::SurveyKind;

fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn ago(n: i64) -> NaiveDate {
    at() - Duration::days(n)
}

fn usage(now: f64, before: f64, avg7: f64) -> UsageFacts {
    UsageFacts {
        expected_from: ago(59),
        last_day: at(),
        feed_day: at(),
        active_avg_7: avg7,
        sum_30: now * 30.0,
        sum_prev_30: before * 30.0,
        days_30: 30,
        days_prev_30: 30,
    }
}

/// An account nothing should fire on: steady usage at 80 % of its seats, touched three days
/// ago, green, renewing in ten months.
fn quiet() -> RiskFacts {
    RiskFacts {
        account_id: 7,
        at: at(),
        contract_start: NaiveDate::from_ymd_opt(2025, 6, 1),
        renewal_date: Some(NaiveDate::from_ymd_opt(2027, 9, 1).unwrap()),
        seats_purchased: 100,
        usage: Some(usage(80.0, 80.0, 80.0)),
        last_two_way_touch: Some(ago(3)),
        departed: None,
        score: Some((80, Band::Green)),
        recent_scores: vec![(ago(3), 82)],
        answers: vec![],
        high_tickets: vec![],
        first_value: None,
        milestones: Vec::new(),
        stage: None,
    }
}

fn fired(f: RiskFacts) -> Vec<Fired> {
    evaluate(&[f], &defaults())
}

fn only(f: RiskFacts, rule: RuleId) -> Vec<Fired> {
    fired(f).into_iter().filter(|a| a.rule == rule).collect()
}

#[test]
fn a_quiet_account_fires_nothing() {
    assert_eq!(fired(quiet()), vec![]);
}

#[test]
fn usage_drop_fires_from_twenty_percent_and_is_critical_from_half() {
    let with = |now: f64| {
        let mut f = quiet();
        f.usage = Some(usage(now, 100.0, 100.0));
        only(f, RuleId::UsageDrop)
    };
    assert_eq!(with(81.0), vec![], "a 19 % drop is below the threshold");
    let a = with(80.0);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].severity, Severity::Warning);
    assert_eq!(a[0].period, "2026-11");
    assert!(a[0].summary.contains("fell 20 %"), "{}", a[0].summary);
    assert!(a[0].summary.contains("100 → 80"), "{}", a[0].summary);
    assert_eq!(with(45.0)[0].severity, Severity::Critical, "55 % ≥ 50 %");
    // A month with only 10 days on record (a new account's ramp) says nothing.
    let mut f = quiet();
    let mut u = usage(10.0, 100.0, 10.0);
    u.days_prev_30 = 10;
    f.usage = Some(u);
    assert_eq!(only(f, RuleId::UsageDrop), vec![]);
}

#[test]
fn health_drop_compares_today_with_the_highest_score_of_the_window() {
    let with = |scores: Vec<(NaiveDate, i64)>, now: i64| {
        let mut f = quiet();
        f.score = Some((now, Band::of(now as f64)));
        f.recent_scores = scores;
        only(f, RuleId::HealthDrop)
    };
    let a = with(vec![(ago(5), 90), (ago(2), 70)], 75);
    assert_eq!(a.len(), 1, "90 → 75 is 15 points");
    assert_eq!(a[0].severity, Severity::Warning);
    assert_eq!(a[0].period, ago(5).to_string());
    assert!(
        a[0].summary.starts_with("Health fell 15 points in 5 days"),
        "{}",
        a[0].summary
    );
    assert_eq!(with(vec![(ago(5), 90)], 76), vec![], "14 points");
    assert_eq!(
        with(vec![(ago(8), 95)], 60),
        vec![],
        "the peak is older than 7 days"
    );
    assert_eq!(
        with(vec![(ago(7), 95)], 70)[0].severity,
        Severity::Critical,
        "25 points"
    );
    // The next day the same fall is the same alert.
    let mut f = quiet();
    f.at = at() + Duration::days(1);
    f.score = Some((74, Band::Yellow));
    f.recent_scores = vec![(ago(5), 90), (ago(2), 70), (at(), 75)];
    let next = only(f, RuleId::HealthDrop);
    assert_eq!(next[0].dedup_key(), a[0].dedup_key());
}

#[test]
fn a_champion_who_left_in_the_last_30_days_is_critical() {
    let with = |days: i64, champion: bool| {
        let mut f = quiet();
        f.departed = Some(Departure {
            name: "Ana Ruiz".into(),
            champion,
            on: ago(days),
        });
        only(f, RuleId::RelationshipLeft)
    };
    let a = with(10, true);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].severity, Severity::Critical);
    assert_eq!(a[0].summary, "Champion Ana Ruiz left on 14 Nov 2026.");
    assert!(with(30, false)[0]
        .summary
        .starts_with("Executive sponsor Ana Ruiz"));
    assert_eq!(with(31, true), vec![]);
}

#[test]
fn a_renewal_inside_180_days_below_green_warns_and_inside_90_is_critical() {
    let with = |days: i64, score: i64| {
        let mut f = quiet();
        f.renewal_date = Some(at() + Duration::days(days));
        f.score = Some((score, Band::of(score as f64)));
        only(f, RuleId::RenewalAtRisk)
    };
    let a = with(120, 60);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].severity, Severity::Warning);
    assert_eq!(
        a[0].summary,
        "Renews in 120 days (24 Mar 2027) with health 60 (yellow)."
    );
    assert_eq!(with(90, 40)[0].severity, Severity::Critical);
    assert_eq!(with(91, 40)[0].severity, Severity::Warning);
    assert_eq!(with(60, 76), vec![], "green is fine");
    assert_eq!(with(181, 30), vec![], "too far out");
    assert_eq!(
        with(-1, 30),
        vec![],
        "a renewal date in the past is not upcoming"
    );
    // Forty days later the same renewal is inside the 90 days: the same alert, now critical.
    let mut later = quiet();
    later.at = at() + Duration::days(40);
    later.renewal_date = Some(at() + Duration::days(120));
    later.score = Some((60, Band::Yellow));
    let l = only(later, RuleId::RenewalAtRisk);
    assert_eq!(l[0].severity, Severity::Critical);
    assert_eq!(l[0].dedup_key(), a[0].dedup_key());
}

#[test]
fn no_two_way_touch_warns_at_30_days_and_is_critical_at_60() {
    let with = |last: Option<i64>| {
        let mut f = quiet();
        f.last_two_way_touch = last.map(ago);
        f.contract_start = Some(ago(45));
        only(f, RuleId::NoTouch)
    };
    assert_eq!(with(Some(29)), vec![]);
    assert_eq!(with(Some(30))[0].severity, Severity::Warning);
    assert_eq!(with(Some(60))[0].severity, Severity::Critical);
    let never = with(None);
    assert_eq!(never[0].period, "never");
    assert_eq!(
        never[0].summary,
        "No two-way touch on record in 45 days since the contract began."
    );
    // A CRM account with no touch and no contract start: how long is unknown, so nothing fires.
    let mut unknown = quiet();
    unknown.last_two_way_touch = None;
    unknown.contract_start = None;
    assert_eq!(only(unknown.clone(), RuleId::NoTouch), vec![]);
    unknown.first_value = Some(FirstValue {
        target: ago(10),
        achieved: None,
    });
    assert_eq!(only(unknown, RuleId::FirstValueLate), vec![]);
}

#[test]
fn each_detractor_or_unhappy_csat_answer_is_its_own_alert() {
    let answer = |id: i64, kind: SurveyKind, score: i64, days: i64| SurveyAnswer {
        id,
        kind,
        score,
        on: ago(days),
        who: "Lee Chan".into(),
    };
    let mut f = quiet();
    f.answers = vec![
        answer(1, SurveyKind::Nps, 6, 3),
        answer(2, SurveyKind::Nps, 7, 3),
        answer(3, SurveyKind::Csat, 2, 1),
        answer(4, SurveyKind::Csat, 3, 1),
        answer(5, SurveyKind::Nps, 0, 30),
        answer(6, SurveyKind::Ces, 1, 1),
    ];
    let a = only(f, RuleId::BadSurvey);
    let periods: Vec<&str> = a.iter().map(|a| a.period.as_str()).collect();
    assert_eq!(
        periods,
        ["answer:1", "answer:3"],
        "NPS 7, CSAT 3, CES and a 30-day-old answer do not fire"
    );
    assert_eq!(a[0].summary, "Lee Chan answered NPS 6/10 on 21 Nov 2026.");
    assert_eq!(a[1].summary, "Lee Chan answered CSAT 2/5 on 23 Nov 2026.");
}

#[test]
fn three_high_priority_tickets_in_14_days_are_a_spike() {
    let with = |days: Vec<i64>| {
        let mut f = quiet();
        f.high_tickets = days.into_iter().map(ago).collect();
        only(f, RuleId::TicketSpike)
    };
    assert_eq!(with(vec![13, 5, 0]).len(), 1);
    assert!(with(vec![13, 5, 0])[0]
        .summary
        .starts_with("3 high-priority tickets opened in 14 days"));
    assert_eq!(with(vec![5, 0]), vec![]);
    assert_eq!(
        with(vec![14, 5, 0]),
        vec![],
        "14 days ago is outside the 14 days ending today"
    );
}

#[test]
fn seats_below_75_percent_after_90_days_are_worth_knowing() {
    let with = |avg7: f64, contract_days: i64| {
        let mut f = quiet();
        f.usage = Some(usage(avg7, avg7, avg7));
        f.contract_start = Some(ago(contract_days));
        only(f, RuleId::SeatUtilisation)
    };
    let a = with(74.0, 100);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].severity, Severity::Info);
    assert_eq!(
        a[0].summary,
        "74 of 100 seats in use (74 %), 100 days into the contract."
    );
    assert_eq!(with(75.0, 100), vec![]);
    assert_eq!(with(40.0, 89), vec![], "still onboarding");
}

#[test]
fn first_value_is_late_only_against_a_milestone_the_plan_has() {
    let with = |contract_days: i64, fv: Option<FirstValue>| {
        let mut f = quiet();
        f.contract_start = Some(ago(contract_days));
        f.first_value = fv;
        only(f, RuleId::FirstValueLate)
    };
    let pending = Some(FirstValue {
        target: ago(10),
        achieved: None,
    });
    assert_eq!(with(30, pending).len(), 1);
    assert_eq!(with(29, pending), vec![]);
    assert_eq!(
        with(
            40,
            Some(FirstValue {
                target: ago(10),
                achieved: Some(ago(2))
            })
        ),
        vec![]
    );
    assert_eq!(
        with(40, None),
        vec![],
        "no milestone: the rule knows nothing"
    );
}

#[test]
fn an_account_is_stalled_past_its_stage_expected_time() {
    use crate::domain::LifecycleStage::{self, *};
    let with = |stage: LifecycleStage, days: i64| {
        let mut f = quiet();
        f.stage = Some((stage, ago(days)));
        only(f, RuleId::StageStalled)
    };
    // Adoption and expansion may take 120 days, at risk 60; the other stages have no limit.
    assert_eq!(with(Adoption, 120), vec![]);
    let a = with(Adoption, 121);
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].period, format!("adoption:{}", ago(121)));
    assert_eq!(
        a[0].summary,
        "In adoption for 121 days, since 26 Jul 2026; it should take at most 120."
    );
    assert_eq!(with(Expansion, 121).len(), 1);
    assert_eq!(with(AtRisk, 60), vec![]);
    assert_eq!(with(AtRisk, 61)[0].severity, Severity::Warning);
    assert_eq!(with(Value, 900), vec![]);
    assert_eq!(with(Renewal, 900), vec![]);
    // The thresholds move where it fires, and the journey view reads the same times.
    let mut set = defaults();
    let r = set
        .rules
        .iter_mut()
        .find(|r| r.id == RuleId::StageStalled)
        .unwrap();
    r.params.insert("at_risk_days".into(), 30.0);
    r.enabled = false;
    assert_eq!(stage_expectations(&set).at_risk_days, 30);
    assert_eq!(stage_expectations(&defaults()).adoption_days, 120);
}

#[test]
fn a_disabled_rule_is_silent_and_a_threshold_moves_where_it_fires() {
    let mut f = quiet();
    f.last_two_way_touch = Some(ago(40));
    let mut set = defaults();
    assert_eq!(evaluate(&[f.clone()], &set).len(), 1);
    let r = set
        .rules
        .iter_mut()
        .find(|r| r.id == RuleId::NoTouch)
        .unwrap();
    r.params.insert("days".into(), 45.0);
    assert_eq!(evaluate(&[f.clone()], &set), vec![]);
    let r = set
        .rules
        .iter_mut()
        .find(|r| r.id == RuleId::NoTouch)
        .unwrap();
    r.params.insert("days".into(), 30.0);
    r.enabled = false;
    assert_eq!(evaluate(&[f], &set), vec![]);
}

#[test]
fn a_stored_set_is_completed_to_todays_rules_and_checked_before_saving() {
    let mut stored = defaults();
    stored.rules.retain(|r| r.id != RuleId::TicketSpike);
    let nt = stored
        .rules
        .iter_mut()
        .find(|r| r.id == RuleId::NoTouch)
        .unwrap();
    nt.params.insert("days".into(), 5000.0);
    nt.params.insert("gone".into(), 1.0);
    nt.params.remove("critical_days");
    let done = complete(stored);
    assert_eq!(done.rules.len(), RuleId::ALL.len());
    let nt = done.rules.iter().find(|r| r.id == RuleId::NoTouch).unwrap();
    assert_eq!(nt.param("days"), 180.0, "clamped to the bound");
    assert_eq!(nt.param("critical_days"), 60.0, "filled from the default");
    assert!(!nt.params.contains_key("gone"));
    assert!(done.rule(RuleId::TicketSpike).is_some());

    let mut bad = defaults();
    bad.rules[0].params.insert("drop_pct".into(), 0.0);
    assert_eq!(
        check(&bad),
        vec!["Usage dropping: “Drop of at least” must be between 5 and 90 %.".to_string()]
    );
    assert!(check(&defaults()).is_empty());
}
