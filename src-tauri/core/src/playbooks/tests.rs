use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::playbook::{DueBucket, PlaybookStep};
use crate::domain::Clock;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn named(p: &str) -> Playbook {
    defaults().into_iter().find(|x| x.name == p).unwrap()
}

#[test]
fn the_built_in_playbooks_are_valid_and_each_rule_suggests_the_one_it_should() {
    let all = defaults();
    let mut names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Champion left",
            "Detractor follow-up",
            "Expansion signal",
            "Onboarding stalled",
            "Quiet account",
            "Renewal at risk",
            "Usage decline"
        ]
    );
    for p in &all {
        assert_eq!(check(p, &all), vec![], "{}", p.name);
    }
    let want = [
        (RuleId::UsageDrop, Some("Usage decline")),
        (RuleId::HealthDrop, Some("Usage decline")),
        (RuleId::SeatUtilisation, Some("Usage decline")),
        (RuleId::RelationshipLeft, Some("Champion left")),
        (RuleId::RenewalAtRisk, Some("Renewal at risk")),
        (RuleId::BadSurvey, Some("Detractor follow-up")),
        (RuleId::TicketSpike, Some("Detractor follow-up")),
        (RuleId::FirstValueLate, Some("Onboarding stalled")),
        (RuleId::MilestoneStuck, Some("Onboarding stalled")),
        (RuleId::NoTouch, Some("Quiet account")),
    ];
    for (rule, name) in want {
        assert_eq!(
            suggest(rule, &all).map(|p| p.name.as_str()),
            name,
            "{rule:?}"
        );
    }
    // Steps for other teams, the executive sponsor among them.
    let teams: std::collections::BTreeSet<Team> = all
        .iter()
        .flat_map(|p| p.steps.iter().map(|s| s.team))
        .collect();
    assert_eq!(teams.len(), 5);
}

#[test]
fn an_archived_playbook_is_not_suggested() {
    let mut all = defaults();
    for p in all.iter_mut() {
        if p.key == "champion_left" {
            p.active = false;
        }
    }
    assert_eq!(suggest(RuleId::RelationshipLeft, &all), None);
}

#[test]
fn a_template_with_problems_gets_an_error_next_to_each_field() {
    let all = defaults();
    let mut p = named("Usage decline");
    p.name = "  ".into();
    p.steps[1].title = " ".into();
    p.steps[2].due_days = 400;
    p.steps[3].due_days = -1;
    p.steps[0].title = "x".repeat(256);
    let fields: Vec<String> = check(&p, &all).into_iter().map(|e| e.field).collect();
    assert_eq!(
        fields,
        [
            "name",
            "steps.0.title",
            "steps.1.title",
            "steps.2.due_days",
            "steps.3.due_days"
        ]
    );

    let mut twin = named("Usage decline");
    twin.key = "mine".into();
    twin.name = "renewal AT risk".into();
    let errs = check(&twin, &all);
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].message, "Another playbook has this name.");
    // An archived one may share a name.
    twin.active = false;
    assert_eq!(check(&twin, &all), vec![]);

    twin.active = true;
    twin.name = "Mine".into();
    twin.steps.clear();
    assert_eq!(check(&twin, &all)[0].field, "steps");
}

#[test]
fn a_new_playbooks_key_comes_from_its_name_and_never_repeats() {
    assert_eq!(key_for("Renewal — at risk!", &[]), "renewal_at_risk");
    assert_eq!(
        key_for("Renewal at risk", &["renewal_at_risk"]),
        "renewal_at_risk_2"
    );
    assert_eq!(
        key_for("Renewal at risk", &["renewal_at_risk", "renewal_at_risk_2"]),
        "renewal_at_risk_3"
    );
    assert_eq!(key_for("¡¿ !", &[]), "playbook");
}

#[test]
fn a_run_starts_one_task_per_step_due_its_offset_later_with_cs_steps_for_the_owner() {
    let p = named("Renewal at risk");
    let tasks = plan(&p, d(2026, 12, 2), " Dana Reyes ");
    let got: Vec<(i64, Team, &str, NaiveDate)> = tasks
        .iter()
        .map(|t| (t.position, t.team, t.owner.as_str(), t.due_on))
        .collect();
    assert_eq!(
        got,
        [
            (1, Team::Cs, "Dana Reyes", d(2026, 12, 5)),
            (2, Team::Cs, "Dana Reyes", d(2026, 12, 9)),
            (3, Team::Executive, "", d(2026, 12, 16)),
            (4, Team::Sales, "", d(2026, 12, 23)),
            (5, Team::Cs, "Dana Reyes", d(2027, 1, 1)),
        ]
    );
    assert_eq!(tasks[0].title, "Write the risk assessment");
}

#[test]
fn my_tasks_groups_by_overdue_today_the_rest_of_the_week_and_later() {
    // 2 December 2026 is a Wednesday; that week's Sunday is the 6th.
    let wed = d(2026, 12, 2);
    let got: Vec<DueBucket> = [
        Some(d(2026, 11, 20)),
        Some(d(2026, 12, 1)),
        Some(wed),
        Some(d(2026, 12, 3)),
        Some(d(2026, 12, 6)),
        Some(d(2026, 12, 7)),
        None,
    ]
    .into_iter()
    .map(|due| DueBucket::of(due, wed))
    .collect();
    use DueBucket::*;
    assert_eq!(
        got,
        [Overdue, Overdue, Today, ThisWeek, ThisWeek, Later, NoDueDate]
    );
    // On a Sunday, Monday is next week.
    assert_eq!(DueBucket::of(Some(d(2026, 12, 7)), d(2026, 12, 6)), Later);
    // On a Monday, the week runs to Sunday.
    assert_eq!(
        DueBucket::of(Some(d(2026, 12, 13)), d(2026, 12, 7)),
        ThisWeek
    );
}

#[test]
fn a_task_sent_to_the_crm_is_due_at_nine_local_and_says_who_and_why() {
    let e = Escalation {
        title: "Executive sponsor calls their counterpart",
        description: "A peer-level call.",
        team: Team::Executive,
        owner: "Sam Ortiz",
        due_on: Some(d(2026, 12, 16)),
        account: "Acme & Co",
        playbook: Some("Renewal at risk"),
        reason: Some("Renews in 80 days with health 41 (red)."),
        sent_by: "dana",
        account_crm_id: "901",
        owner_crm_id: Some("77"),
    };
    let paris = Clock::fixed(Utc.with_ymd_and_hms(2026, 12, 2, 9, 0, 0).unwrap(), 1);
    let p = task_payload(&e, d(2026, 12, 2), &paris);
    assert_eq!(p.at, Utc.with_ymd_and_hms(2026, 12, 16, 8, 0, 0).unwrap());
    assert_eq!(p.due_on, Some(d(2026, 12, 16)));
    assert_eq!(p.subject, "Executive sponsor calls their counterpart");
    assert_eq!(p.account_crm_id, "901");
    assert_eq!(p.owner_crm_id.as_deref(), Some("77"));
    assert_eq!(
        p.body,
        "A peer-level call.\n\nFor the executive sponsor team (Sam Ortiz): a step of the \u{201c}Renewal at risk\u{201d} playbook for Acme & Co.\nWhy: Renews in 80 days with health 41 (red).\n\nSent from Rapport by dana."
    );

    // A task already overdue is due today in the CRM, not in the past.
    let late = Escalation {
        due_on: Some(d(2026, 11, 1)),
        title: &"y".repeat(300),
        ..e
    };
    let p = task_payload(&late, d(2026, 12, 2), &paris);
    assert_eq!(p.due_on, Some(d(2026, 12, 2)));
    assert_eq!(p.subject.chars().count(), 255);
}

#[test]
fn a_task_due_after_the_clocks_change_is_still_due_at_nine_on_its_day() {
    // Sent on 20 October in New York (UTC−4); due on 23 December, after the clocks went back
    // (UTC−5): 09:00 that day is 14:00 UTC, not 13:00.
    let october = Utc.with_ymd_and_hms(2026, 10, 20, 15, 0, 0).unwrap();
    let fall_back = Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap();
    let ny = Clock::new(
        move || october,
        move |t| FixedOffset::west_opt(if t < fall_back { 4 } else { 5 } * 3600).unwrap(),
    );
    let e = Escalation {
        title: "Prepare the renewal proposal",
        description: "",
        team: Team::Sales,
        owner: "",
        due_on: Some(d(2026, 12, 23)),
        account: "Acme",
        playbook: None,
        reason: None,
        sent_by: "dana",
        account_crm_id: "901",
        owner_crm_id: None,
    };
    let p = task_payload(&e, d(2026, 10, 20), &ny);
    assert_eq!(p.at, Utc.with_ymd_and_hms(2026, 12, 23, 14, 0, 0).unwrap());
    // And one due before the change keeps the summer offset.
    let soon = Escalation {
        due_on: Some(d(2026, 10, 27)),
        ..e
    };
    let p = task_payload(&soon, d(2026, 10, 20), &ny);
    assert_eq!(p.at, Utc.with_ymd_and_hms(2026, 10, 27, 13, 0, 0).unwrap());
}

#[test]
fn a_step_offset_out_of_bounds_never_plans_a_task_past_a_year() {
    let mut p = named("Expansion signal");
    p.steps = vec![PlaybookStep {
        title: "Far".into(),
        team: Team::Sales,
        due_days: 10_000,
        description: String::new(),
    }];
    assert_eq!(plan(&p, d(2026, 1, 1), "x")[0].due_on, d(2027, 1, 1));
}
