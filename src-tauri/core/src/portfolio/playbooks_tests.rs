use chrono::{Duration, TimeZone, Utc};

use super::*;
use crate::domain::playbook::{DueBucket, PlaybookStep, RunStatus};
use crate::domain::risk::RuleId;
use crate::domain::Clock;
use crate::secrets::{DbKey, KeySource};

/// A 40-account demo book scored on Tuesday 24 November 2026.
async fn book(dir: &std::path::Path) -> (Rapport, NaiveDate) {
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
    (r, at.date_naive())
}

/// The `n`th live account of the book (the demo's churned ones cannot start a playbook).
async fn live(r: &Rapport, n: usize) -> i64 {
    r.portfolio_table(r.today()).await.unwrap().rows[n].id
}

async fn owner_of(r: &Rapport, account: i64) -> String {
    r.store().account_owner(account).await.unwrap()
}

#[tokio::test]
async fn an_alert_suggests_its_playbook_and_starting_it_twice_is_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let (r, day) = book(dir.path()).await;
    let alerts = r.warnings(false).await.unwrap().alerts;
    let alert = alerts
        .iter()
        .find(|a| a.rule == RuleId::RenewalAtRisk)
        .expect("the demo book has a renewal at risk");
    let hint = alert
        .playbook
        .clone()
        .expect("a renewal at risk suggests a playbook");
    assert_eq!(
        (
            hint.key.as_str(),
            hint.name.as_str(),
            hint.run_id,
            hint.steps
        ),
        ("renewal_at_risk", "Renewal at risk", None, 5)
    );

    let got = r
        .start_playbook(alert.account_id, "renewal_at_risk", Some(alert.id))
        .await
        .unwrap();
    assert!(got.started);
    let run = got.run;
    assert_eq!(run.status, RunStatus::Active);
    assert_eq!(run.alert_summary.as_deref(), Some(alert.summary.as_str()));
    let owner = owner_of(&r, alert.account_id).await;
    let tasks: Vec<(i64, &str, &str, Option<NaiveDate>)> = run
        .tasks
        .iter()
        .map(|t| (t.step, t.team.as_str(), t.owner.as_str(), t.due_on))
        .collect();
    let due = |n| Some(day + Duration::days(n));
    assert_eq!(
        tasks,
        [
            (1, "cs", owner.as_str(), due(3)),
            (2, "cs", owner.as_str(), due(7)),
            (3, "executive", "", due(14)),
            (4, "sales", "", due(21)),
            (5, "cs", owner.as_str(), due(30)),
        ]
    );

    // Again (a double click, a second alert of the same rule): the same run, nothing new.
    let again = r
        .start_playbook(alert.account_id, "renewal_at_risk", None)
        .await
        .unwrap();
    assert!(!again.started);
    assert_eq!(again.run.id, run.id);
    assert_eq!(r.account_runs(alert.account_id).await.unwrap().len(), 1);

    // The alert now points at the run.
    let hint = r
        .account_alerts(alert.account_id)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.id == alert.id)
        .and_then(|a| a.playbook)
        .unwrap();
    assert_eq!((hint.run_id, hint.closed, hint.steps), (Some(run.id), 0, 5));

    // Another playbook may run beside it.
    let other = r
        .start_playbook(alert.account_id, "champion_left", None)
        .await
        .unwrap();
    assert!(other.started);
    assert_ne!(other.run.id, run.id);
}

#[tokio::test]
async fn closing_every_step_completes_the_run_and_its_outcome_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = book(dir.path()).await;
    let run = r
        .start_playbook(live(&r, 1).await, "detractor_follow_up", None)
        .await
        .unwrap()
        .run;
    let ids: Vec<i64> = run.tasks.iter().map(|t| t.id).collect();
    assert_eq!(ids.len(), 4);
    for id in &ids[..3] {
        let acted = r.act_on_task(*id, &TaskAction::Done).await.unwrap();
        assert_eq!(acted.task.status, TaskStatus::Done);
        assert_eq!(acted.completed_run, None);
    }
    // Done twice is refused; skipping needs a reason.
    let twice = r.act_on_task(ids[0], &TaskAction::Done).await.unwrap_err();
    assert_eq!(
        twice.to_string(),
        "This task is done already; reopen it first."
    );
    let bare = TaskAction::Skip { reason: " ".into() };
    assert!(r.act_on_task(ids[3], &bare).await.is_err());

    let skip = TaskAction::Skip {
        reason: "They asked us not to call again this month.".into(),
    };
    let last = r.act_on_task(ids[3], &skip).await.unwrap();
    assert_eq!(last.task.status, TaskStatus::Cancelled);
    assert_eq!(
        last.task.notes.last().map(|n| n.body.as_str()),
        Some("Skipped: They asked us not to call again this month.")
    );
    let done = last.completed_run.expect("the last step completes the run");
    assert_eq!(
        (done.id, done.status, done.outcome),
        (run.id, RunStatus::Completed, None)
    );

    let outcomes = r.playbook_outcomes().await.unwrap();
    let o = outcomes
        .iter()
        .find(|o| o.key == "detractor_follow_up")
        .unwrap();
    assert_eq!((o.runs, o.active, o.pending, o.saved), (1, 0, 1, 0));

    let saved = r.record_outcome(run.id, RunOutcome::Saved).await.unwrap();
    assert_eq!(saved.outcome, Some(RunOutcome::Saved));
    let outcomes = r.playbook_outcomes().await.unwrap();
    let o = outcomes
        .iter()
        .find(|o| o.key == "detractor_follow_up")
        .unwrap();
    assert_eq!((o.runs, o.pending, o.saved, o.churned), (1, 0, 1, 0));
    // Started and completed within the same fixed instant.
    assert_eq!(o.median_days, Some(0.0));

    // Reopening a step makes the run active again.
    r.act_on_task(ids[1], &TaskAction::Reopen).await.unwrap();
    let again = r.account_runs(live(&r, 1).await).await.unwrap();
    assert_eq!(again[0].status, RunStatus::Active);
}

#[tokio::test]
async fn closing_a_run_early_skips_its_open_steps_and_frees_the_playbook_to_start_again() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = book(dir.path()).await;
    let run = r
        .start_playbook(live(&r, 2).await, "usage_decline", None)
        .await
        .unwrap()
        .run;
    r.act_on_task(run.tasks[0].id, &TaskAction::Done)
        .await
        .unwrap();
    let closed = r.record_outcome(run.id, RunOutcome::Churned).await.unwrap();
    assert_eq!(closed.status, RunStatus::Completed);
    let statuses: Vec<TaskStatus> = closed.tasks.iter().map(|t| t.status).collect();
    assert_eq!(
        statuses,
        [
            TaskStatus::Done,
            TaskStatus::Cancelled,
            TaskStatus::Cancelled,
            TaskStatus::Cancelled,
            TaskStatus::Cancelled
        ]
    );
    let fresh = r
        .start_playbook(live(&r, 2).await, "usage_decline", None)
        .await
        .unwrap();
    assert!(fresh.started);
    // Reopening a step of the closed run would make two active runs of one playbook: refused.
    let err = r
        .act_on_task(run.tasks[1].id, &TaskAction::Reopen)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("running again"), "{err}");
}

#[tokio::test]
async fn my_tasks_hides_snoozed_tasks_until_their_day_and_keeps_who_did_what() {
    let dir = tempfile::tempdir().unwrap();
    let (r, day) = book(dir.path()).await;
    let run = r
        .start_playbook(live(&r, 3).await, "renewal_at_risk", None)
        .await
        .unwrap()
        .run;
    let view = r.tasks(false).await.unwrap();
    let mine: Vec<(i64, DueBucket)> = view
        .tasks
        .iter()
        .filter(|t| t.run_id == Some(run.id))
        .map(|t| (t.step, t.bucket))
        .collect();
    // Tuesday 24 November: due Friday the 27th, then the next weeks.
    assert_eq!(
        mine,
        [
            (1, DueBucket::ThisWeek),
            (2, DueBucket::Later),
            (3, DueBucket::Later),
            (4, DueBucket::Later),
            (5, DueBucket::Later)
        ]
    );
    let before = view.counts.clone();

    let first = run.tasks[0].id;
    let past = TaskAction::Snooze { until: day };
    assert_eq!(
        r.act_on_task(first, &past).await.unwrap_err().to_string(),
        "Snooze until a day after today."
    );
    let snooze = TaskAction::Snooze {
        until: day + Duration::days(2),
    };
    r.act_on_task(first, &snooze).await.unwrap();
    let view = r.tasks(false).await.unwrap();
    assert!(!view.tasks.iter().any(|t| t.id == first));
    assert_eq!(view.counts.snoozed, before.snoozed + 1);
    assert_eq!(view.counts.this_week, before.this_week - 1);
    assert!(r
        .tasks(true)
        .await
        .unwrap()
        .tasks
        .iter()
        .any(|t| t.id == first));

    let sales = run.tasks[3].id;
    let to = TaskAction::Reassign {
        team: Team::Support,
        owner: " Sam Ortiz ".into(),
    };
    let got = r.act_on_task(sales, &to).await.unwrap().task;
    assert_eq!(
        (got.team.as_str(), got.owner.as_str()),
        ("support", "Sam Ortiz")
    );
    let comment = TaskAction::Comment {
        body: "Sam knows their IT lead.".into(),
    };
    let got = r.act_on_task(sales, &comment).await.unwrap().task;
    let notes: Vec<(bool, &str, &str)> = got
        .notes
        .iter()
        .map(|n| (n.comment, n.by.as_str(), n.body.as_str()))
        .collect();
    let me = user_name();
    assert_eq!(
        notes,
        [
            (false, me.as_str(), "Reassigned to Sam Ortiz (support)."),
            (true, me.as_str(), "Sam knows their IT lead."),
        ]
    );
    assert!(r
        .tasks(false)
        .await
        .unwrap()
        .people
        .contains(&"Sam Ortiz".to_string()));
}

#[tokio::test]
async fn editing_a_playbook_makes_a_new_version_and_runs_keep_the_one_they_started_from() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = book(dir.path()).await;
    let old = r
        .start_playbook(live(&r, 4).await, "champion_left", None)
        .await
        .unwrap()
        .run;
    assert_eq!((old.version, old.tasks.len()), (1, 5));

    let mut p = r
        .playbooks()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.key == "champion_left")
        .unwrap();
    p.name = "Champion or sponsor left".into();
    p.steps.push(PlaybookStep {
        title: "Send the new champion the QBR deck".into(),
        team: Team::Cs,
        due_days: 28,
        description: String::new(),
    });
    let saved = r.save_playbook(p.clone()).await.unwrap();
    assert_eq!(saved.errors, vec![]);
    let now = saved.playbook.unwrap();
    assert_eq!((now.version, now.steps.len()), (2, 6));
    assert_eq!(now.saved_by, Some(user_name()));

    // A refused edit saves nothing.
    let mut bad = now.clone();
    bad.steps[0].title.clear();
    let refused = r.save_playbook(bad).await.unwrap();
    assert_eq!(refused.errors[0].field, "steps.0.title");
    let kept = r.playbooks().await.unwrap();
    assert_eq!(
        kept.iter()
            .find(|p| p.key == "champion_left")
            .unwrap()
            .version,
        2
    );

    // The old run keeps its five steps; a new account's run has six.
    let old_again = &r.account_runs(live(&r, 4).await).await.unwrap()[0];
    assert_eq!(old_again.tasks.len(), 5);
    assert_eq!(old_again.version, 1);
    let new = r
        .start_playbook(live(&r, 5).await, "champion_left", None)
        .await
        .unwrap()
        .run;
    assert_eq!(
        (new.version, new.tasks.len(), new.playbook.as_str()),
        (2, 6, "Champion or sponsor left")
    );

    // A new playbook gets a key from its name; an archived one cannot be started.
    let mut mine = now.clone();
    mine.key = String::new();
    mine.name = "Budget cut".into();
    mine.triggers = vec![];
    let made = r.save_playbook(mine).await.unwrap().playbook.unwrap();
    assert_eq!((made.key.as_str(), made.version), ("budget_cut", 1));
    let mut archived = made.clone();
    archived.active = false;
    r.save_playbook(archived).await.unwrap();
    let err = r
        .start_playbook(live(&r, 6).await, "budget_cut", None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("archived"), "{err}");
}

#[tokio::test]
async fn a_demo_accounts_task_has_no_crm_to_go_to() {
    let dir = tempfile::tempdir().unwrap();
    let (r, _) = book(dir.path()).await;
    let run = r
        .start_playbook(live(&r, 7).await, "renewal_at_risk", None)
        .await
        .unwrap()
        .run;
    assert!(!run.tasks[2].can_send);
    let err = r.send_task(run.tasks[2].id).await.unwrap_err();
    assert!(err.to_string().contains("not in a CRM"), "{err}");
}
