use chrono::{NaiveDate, TimeZone, Utc};

use super::*;
use crate::domain::risk::RuleId;
use crate::domain::success::{MilestoneKind, MilestoneView};
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A 40-account demo book scored on Tuesday 24 November 2026, and one of its live accounts.
async fn book(dir: &std::path::Path) -> (Rapport, i64) {
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
    let r = Rapport::open_with_key(
        dir,
        &DbKey::random(),
        KeySource::Keychain,
        Clock::fixed(at, 0),
    )
    .await
    .unwrap();
    r.generate_demo(40, 7, at).await.unwrap();
    r.score_changes(at.date_naive()).await.unwrap();
    let account = r.portfolio_table(r.today()).await.unwrap().rows[3].id;
    (r, account)
}

async fn new_plan(r: &Rapport, account: i64, objective: &str) -> i64 {
    let saved = r
        .save_plan(&PlanForm {
            account_id: account,
            id: None,
            objective: objective.into(),
        })
        .await
        .unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    let view = saved.view.unwrap();
    let p = view.plans.last().unwrap();
    assert_eq!(p.objective, objective);
    p.id
}

fn milestone(account: i64, plan: i64, name: &str) -> MilestoneForm {
    MilestoneForm {
        account_id: account,
        plan_id: plan,
        id: None,
        name: name.into(),
        kind: MilestoneKind::Adoption,
        metric: String::new(),
        unit: String::new(),
        baseline: None,
        current: None,
        target: None,
        start_on: None,
        due_on: None,
        owner: String::new(),
        evidence: String::new(),
        tell_crm: false,
    }
}

async fn save(r: &Rapport, f: &MilestoneForm) -> (i64, SuccessView) {
    let saved = r.save_milestone(f).await.unwrap();
    assert!(saved.errors.is_empty(), "{:?}", saved.errors);
    let view = saved.view.unwrap();
    let id = view
        .plans
        .iter()
        .flat_map(|p| &p.milestones)
        .filter(|m| m.name == f.name)
        .map(|m| m.id)
        .max()
        .unwrap();
    (id, view)
}

fn find(view: &SuccessView, id: i64) -> &MilestoneView {
    view.plans
        .iter()
        .flat_map(|p| &p.milestones)
        .find(|m| m.id == id)
        .unwrap()
}

#[tokio::test]
async fn milestones_are_created_ordered_updated_and_achieved_with_a_derived_status() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let empty = r
        .save_plan(&PlanForm {
            account_id: account,
            id: None,
            objective: "  ".into(),
        })
        .await
        .unwrap();
    assert_eq!(empty.errors[0].field, "objective");
    assert!(empty.view.is_none());
    let plan = new_plan(&r, account, "Cut month-end close from 10 days to 4").await;

    // A draft is kept as typed, and a save with a field error keeps it.
    let mut a = milestone(account, plan, "Finance team live");
    r.save_plan_draft(&PlanDraftForm::Milestone(a.clone()))
        .await
        .unwrap();
    let refused = r.save_milestone(&a).await.unwrap();
    assert_eq!(refused.errors.len(), 1);
    assert_eq!(refused.errors[0].field, "due_on");
    let drafts = r.success(account).await.unwrap().drafts;
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].form.target(), format!("milestone:new:{plan}"));

    // 15 Oct 2026 → 23 Jan 2027 is 100 days; on 24 Nov 40 are gone. One team of four is 25 %:
    // 15 points behind the time, which is where "behind" starts.
    a.kind = MilestoneKind::FirstValue;
    (a.metric, a.unit) = ("Teams live".into(), "teams".into());
    (a.baseline, a.current, a.target) = (Some(0.0), Some(1.0), Some(4.0));
    (a.start_on, a.due_on) = (Some(d("2026-10-15")), Some(d("2027-01-23")));
    let (a_id, view) = save(&r, &a).await;
    let got = find(&view, a_id);
    assert_eq!(got.status, MilestoneStatus::Behind);
    assert_eq!(got.reason, "25 % of the way with 40 % of the time gone.");
    assert_eq!(got.current_on, Some(d("2026-11-24")));
    assert!(view.drafts.is_empty(), "the saved form's draft is gone");
    assert!(view
        .timeline_svg
        .as_deref()
        .unwrap()
        .contains("Finance team live"));

    // Starting today with nothing measured: on track.
    let mut b = milestone(account, plan, "Close in 6 days");
    (b.metric, b.baseline, b.target) = ("Days to close".into(), Some(10.0), Some(4.0));
    b.due_on = Some(d("2027-03-01"));
    let (b_id, view) = save(&r, &b).await;
    let got = find(&view, b_id);
    assert_eq!(
        (got.status, got.start_on, got.position),
        (MilestoneStatus::OnTrack, d("2026-11-24"), 1)
    );
    assert_eq!(got.current_on, None);

    // Reorder: the second moves up.
    let moved = r
        .act_on_milestone(b_id, &MilestoneAction::Move { by: -1 })
        .await
        .unwrap()
        .view
        .unwrap();
    let order: Vec<i64> = moved
        .plans
        .iter()
        .find(|p| p.id == plan)
        .unwrap()
        .milestones
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(order, [b_id, a_id]);

    // Two teams of four is 50 % with 40 % of the time gone: on track.
    a.id = Some(a_id);
    a.current = Some(2.0);
    let (_, view) = save(&r, &a).await;
    let got = find(&view, a_id);
    assert_eq!(
        (got.status, got.progress_pct, got.position),
        (MilestoneStatus::OnTrack, Some(50.0), 1)
    );

    let achieved = r
        .act_on_milestone(
            a_id,
            &MilestoneAction::Achieve {
                on: Some(d("2026-11-20")),
                evidence: "Finance closes in the app since 20 Nov".into(),
                tell_crm: true,
            },
        )
        .await
        .unwrap();
    assert!(
        achieved.outbox.is_none(),
        "a demo account has no CRM to tell"
    );
    let got = find(achieved.view.as_ref().unwrap(), a_id).clone();
    assert_eq!(
        (got.status, got.achieved_on),
        (MilestoneStatus::Done, Some(d("2026-11-20")))
    );
    assert_eq!(got.evidence, "Finance closes in the app since 20 Nov");
    let future = r
        .act_on_milestone(
            a_id,
            &MilestoneAction::Achieve {
                on: Some(d("2026-11-25")),
                evidence: String::new(),
                tell_crm: false,
            },
        )
        .await;
    assert!(matches!(future, Err(Error::InvalidInput(_))));

    let reopened = r
        .act_on_milestone(a_id, &MilestoneAction::Reopen)
        .await
        .unwrap();
    let got = find(reopened.view.as_ref().unwrap(), a_id);
    assert_eq!(
        (got.status, got.achieved_on),
        (MilestoneStatus::OnTrack, None)
    );

    let gone = r
        .act_on_milestone(b_id, &MilestoneAction::Delete)
        .await
        .unwrap()
        .view
        .unwrap();
    let left: Vec<i64> = gone
        .plans
        .iter()
        .find(|p| p.id == plan)
        .unwrap()
        .milestones
        .iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(left, [a_id]);
}

async fn stuck_warnings(r: &Rapport, account: i64) -> Vec<String> {
    r.warnings(false)
        .await
        .unwrap()
        .alerts
        .into_iter()
        .filter(|a| a.account_id == account && a.rule == RuleId::MilestoneStuck)
        .map(|a| a.summary)
        .filter(|s| s.contains("Integration signed off"))
        .collect()
}

#[tokio::test]
async fn a_stuck_milestone_warns_at_once_and_stops_when_achieved() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let plan = new_plan(&r, account, "Integrate with the ERP").await;
    let mut c = milestone(account, plan, "Integration signed off");
    (c.start_on, c.due_on) = (Some(d("2026-08-01")), Some(d("2026-10-01")));
    let (id, view) = save(&r, &c).await;
    // 1 Oct → 24 Nov is 54 days late, more than the 30 that make it stuck.
    assert_eq!(find(&view, id).status, MilestoneStatus::Stuck);
    assert_eq!(
        stuck_warnings(&r, account).await,
        ["\u{201c}Integration signed off\u{201d} is stuck: 54 days past due (due 1 Oct 2026)."]
    );
    r.act_on_milestone(
        id,
        &MilestoneAction::Achieve {
            on: None,
            evidence: String::new(),
            tell_crm: false,
        },
    )
    .await
    .unwrap();
    assert!(
        stuck_warnings(&r, account).await.is_empty(),
        "achieved: no longer stuck"
    );
}

#[tokio::test]
async fn the_portfolio_lists_milestones_due_soon_and_those_behind() {
    let dir = tempfile::tempdir().unwrap();
    let (r, account) = book(dir.path()).await;
    let plan = new_plan(&r, account, "Roll out to every region").await;
    let mut soon = milestone(account, plan, "EMEA live");
    soon.due_on = Some(d("2026-12-04"));
    let (soon_id, _) = save(&r, &soon).await;
    let mut later = milestone(account, plan, "APAC live");
    later.due_on = Some(d("2027-01-04"));
    let (later_id, _) = save(&r, &later).await;
    let mut late = milestone(account, plan, "Americas live");
    (late.start_on, late.due_on) = (Some(d("2026-09-01")), Some(d("2026-11-14")));
    let (late_id, _) = save(&r, &late).await;

    let v = r.milestones().await.unwrap();
    let ids = |rows: &[DueMilestone]| rows.iter().map(|m| m.milestone.id).collect::<Vec<_>>();
    // 4 Dec is 10 days away, 4 Jan 41; 14 Nov was 10 days ago.
    assert!(ids(&v.due_soon).contains(&soon_id));
    assert!(!ids(&v.due_soon).contains(&later_id));
    assert!(!ids(&v.behind).contains(&later_id));
    let row = v.behind.iter().find(|m| m.milestone.id == late_id).unwrap();
    assert_eq!(
        (
            row.milestone.status,
            row.milestone.days_late,
            row.objective.as_str()
        ),
        (MilestoneStatus::Behind, 10, "Roll out to every region")
    );
    assert_eq!(v.counts.due_soon as usize, v.due_soon.len());
    assert_eq!((v.counts.behind + v.counts.stuck) as usize, v.behind.len());
    // Stuck ones lead the list.
    let first_behind = v
        .behind
        .iter()
        .position(|m| m.milestone.status == MilestoneStatus::Behind);
    if let Some(i) = first_behind {
        assert!(v.behind[i..]
            .iter()
            .all(|m| m.milestone.status == MilestoneStatus::Behind));
    }
    assert!(v
        .due_soon
        .windows(2)
        .all(|w| w[0].milestone.due_on <= w[1].milestone.due_on));
}

#[tokio::test]
async fn reaching_first_value_moves_an_account_from_waiting_into_its_cohort() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = book(dir.path()).await;
    let before = r.ttv().await.unwrap();
    let accounts: i64 = before.cohorts.iter().map(|c| c.accounts).sum();
    assert_eq!(accounts + before.without_start, before.accounts);
    assert_eq!(before.late_after_days, 30);
    let w = before
        .waiting
        .iter()
        .find(|w| w.has_first_value_milestone)
        .expect("a demo account still waiting for first value")
        .clone();
    assert!(w.late == (w.days_since_start > 30));
    let quarter = {
        use chrono::Datelike;
        format!(
            "{} Q{}",
            w.contract_start.year(),
            (w.contract_start.month() - 1) / 3 + 1
        )
    };
    let cohort = |v: &crate::domain::value::TtvView| {
        v.cohorts
            .iter()
            .find(|c| c.quarter == quarter)
            .unwrap()
            .clone()
    };
    let c0 = cohort(&before);

    let milestone = r
        .success(w.account_id)
        .await
        .unwrap()
        .plans
        .iter()
        .flat_map(|p| p.milestones.clone())
        .find(|m| m.kind == MilestoneKind::FirstValue && m.achieved_on.is_none())
        .unwrap();
    r.act_on_milestone(
        milestone.id,
        &MilestoneAction::Achieve {
            on: Some(r.today()),
            evidence: "First team live".into(),
            tell_crm: false,
        },
    )
    .await
    .unwrap();

    let after = r.ttv().await.unwrap();
    assert!(after.waiting.iter().all(|x| x.account_id != w.account_id));
    assert_eq!(after.waiting_total, before.waiting_total - 1);
    let c1 = cohort(&after);
    assert_eq!(c1.accounts, c0.accounts);
    assert_eq!(c1.reached_first, c0.reached_first + 1);
    assert_eq!(c1.not_yet, c0.not_yet - 1);
}
