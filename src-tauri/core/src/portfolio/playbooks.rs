//! Retention playbooks for the app: the templates (the built-ins stored on first use, every edit
//! a new version), starting a run from an alert or by hand, My tasks, acting on a task, sending
//! one to the CRM through the outbox, and how runs ended.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::warnings::user_name;
use super::Rapport;
use crate::domain::capture::FieldError;
use crate::domain::playbook::{
    Playbook, PlaybookHint, PlaybookOutcomes, RunOutcome, RunView, TaskActed, TaskAction,
    TaskCounts, TaskStatus, TasksView, Team,
};
use crate::domain::risk::AlertView;
use crate::error::{Error, Result};
use crate::playbooks as rules;
use crate::store::{NewRun, TaskQuery};

const MAX_TEXT: usize = 4_000;
const MAX_OWNER: usize = 80;

/// What saving a playbook did: field errors (nothing saved), or the playbook as now in force.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct PlaybookSaved {
    pub errors: Vec<FieldError>,
    pub playbook: Option<Playbook>,
}

/// A run as started (or as found going, when the account already had one of that playbook).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct RunStarted {
    pub run: RunView,
    /// False when the run was already going: nothing new was made.
    pub started: bool,
}

impl Rapport {
    /// The stored playbooks with their row ids, storing the built-ins on first use.
    async fn playbook_rows(&self) -> Result<Vec<(i64, Playbook)>> {
        let rows = self.store.playbooks().await?;
        if !rows.is_empty() {
            return Ok(rows);
        }
        self.store
            .seed_playbooks(&rules::defaults(), self.clock.now())
            .await?;
        self.store.playbooks().await
    }

    /// The playbooks in force, archived ones included (they are shown as such).
    pub async fn playbooks(&self) -> Result<Vec<Playbook>> {
        Ok(self
            .playbook_rows()
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .collect())
    }

    /// Saves `p` as a new version of its playbook, or as a new playbook when its key is empty.
    pub async fn save_playbook(&self, mut p: Playbook) -> Result<PlaybookSaved> {
        let all = self.playbooks().await?;
        if p.key.is_empty() {
            let taken: Vec<&str> = all.iter().map(|o| o.key.as_str()).collect();
            p.key = rules::key_for(&p.name, &taken);
        } else if !all.iter().any(|o| o.key == p.key) {
            return Err(Error::NotFound(format!("The playbook {:?}", p.key)));
        }
        p.triggers.sort();
        p.triggers.dedup();
        let errors = rules::check(&p, &all);
        if !errors.is_empty() {
            return Ok(PlaybookSaved {
                errors,
                playbook: None,
            });
        }
        self.store
            .save_playbook(&p, self.clock.now(), &user_name())
            .await?;
        let saved = self.playbooks().await?.into_iter().find(|o| o.key == p.key);
        Ok(PlaybookSaved {
            errors: Vec::new(),
            playbook: saved,
        })
    }

    /// Starts playbook `key` for the account (from the alert `alert_id`, if any): its steps
    /// become tasks due from today. An account already running it gets that run back instead.
    pub async fn start_playbook(
        &self,
        account_id: i64,
        key: &str,
        alert_id: Option<i64>,
    ) -> Result<RunStarted> {
        let (id, playbook) = self
            .playbook_rows()
            .await?
            .into_iter()
            .find(|(_, p)| p.key == key)
            .ok_or_else(|| Error::NotFound(format!("The playbook {key:?}")))?;
        if !playbook.active {
            return Err(Error::InvalidInput(format!(
                "\u{201c}{}\u{201d} is archived; restore it in Playbooks to start it.",
                playbook.name
            )));
        }
        let today = self.today();
        let owner = self.store.account_owner(account_id).await?;
        let tasks = rules::plan(&playbook, today, &owner)
            .into_iter()
            .map(|t| {
                (
                    t.position,
                    t.title,
                    t.description,
                    t.team,
                    t.owner,
                    t.due_on,
                )
            })
            .collect();
        let (run, started) = self
            .store
            .start_playbook_run(&NewRun {
                account_id,
                playbook_id: id,
                playbook_key: key,
                alert_id,
                by: &user_name(),
                now: self.clock.now(),
                tasks,
            })
            .await?;
        Ok(RunStarted {
            run: self.run(run).await?,
            started,
        })
    }

    async fn run(&self, id: i64) -> Result<RunView> {
        self.store
            .runs(None, Some(id), self.today())
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("Playbook run {id}")))
    }

    /// The account's playbook runs, active first, with their tasks.
    pub async fn account_runs(&self, account_id: i64) -> Result<Vec<RunView>> {
        self.store.runs(Some(account_id), None, self.today()).await
    }

    /// Fills in each alert's suggested playbook and the account's run of it.
    pub(super) async fn hint_playbooks(&self, alerts: &mut [AlertView]) -> Result<()> {
        if alerts.is_empty() {
            return Ok(());
        }
        let playbooks = self.playbooks().await?;
        let runs: HashMap<(i64, String), (i64, i64, i64)> = self
            .store
            .active_runs()
            .await?
            .into_iter()
            .map(|(account, key, run, closed, steps)| ((account, key), (run, closed, steps)))
            .collect();
        for a in alerts {
            a.playbook = rules::suggest(a.rule, &playbooks).map(|p| {
                let run = runs.get(&(a.account_id, p.key.clone()));
                PlaybookHint {
                    key: p.key.clone(),
                    name: p.name.clone(),
                    run_id: run.map(|r| r.0),
                    closed: run.map_or(0, |r| r.1),
                    steps: run.map_or(p.steps.len() as i64, |r| r.2),
                }
            });
        }
        Ok(())
    }

    /// My tasks: the open tasks due (snoozed ones hidden until their day), or every task with
    /// `all`, soonest due first.
    pub async fn tasks(&self, all: bool) -> Result<TasksView> {
        let today = self.today();
        let mut tasks = self
            .store
            .tasks(
                &TaskQuery {
                    all,
                    ..TaskQuery::default()
                },
                today,
            )
            .await?;
        if !all {
            tasks.retain(|t| t.snoozed_until.is_none_or(|d| d <= today));
        }
        let (counts, people) =
            tokio::try_join!(self.store.task_counts(today), self.store.people())?;
        Ok(TasksView {
            tasks,
            counts,
            today,
            people,
        })
    }

    /// Open-task counts for the home screen.
    pub async fn task_counts(&self) -> Result<TaskCounts> {
        self.store.task_counts(self.today()).await
    }

    /// Done, skip, reopen, snooze, reassign or comment on task `id`.
    pub async fn act_on_task(&self, id: i64, action: &TaskAction) -> Result<TaskActed> {
        check_action(action, self.today())?;
        let completed = self
            .store
            .act_on_task(id, action, &user_name(), self.clock.now())
            .await?;
        let task = self
            .store
            .tasks(
                &TaskQuery {
                    all: true,
                    id: Some(id),
                    ..TaskQuery::default()
                },
                self.today(),
            )
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound(format!("Task {id}")))?;
        let completed_run = match completed {
            Some(run) => Some(self.run(run).await?),
            None => None,
        };
        Ok(TaskActed {
            task,
            completed_run,
        })
    }

    /// Records how run `id` ended; a run still going is closed with it (its open steps skipped).
    pub async fn record_outcome(&self, id: i64, outcome: RunOutcome) -> Result<RunView> {
        self.store
            .record_outcome(id, outcome, &user_name(), self.clock.now())
            .await?;
        self.run(id).await
    }

    /// Queues task `id` as a task in the account's CRM (HubSpot task, Salesforce Task), assigned
    /// to its owner there when the store knows them (else to the account's owner) and associated
    /// with the account; returns the outbox entry. A task is sent once.
    pub async fn send_task(&self, id: i64) -> Result<i64> {
        let f = self.store.task_facts(id).await?;
        if f.sent {
            return Err(Error::InvalidInput(
                "This task was sent to the CRM already.".into(),
            ));
        }
        if f.status != TaskStatus::Open {
            return Err(Error::InvalidInput(
                "Only an open task can be sent to the CRM.".into(),
            ));
        }
        let target = self.store.account_target(f.account_id).await?;
        let Some(connection) = target
            .connection_id
            .filter(|_| matches!(target.crm.as_str(), "hubspot" | "salesforce"))
        else {
            return Err(Error::InvalidInput(format!(
                "{} is not in a CRM (demo data): there is nowhere to send the task.",
                f.account
            )));
        };
        let named = match f.owner.trim() {
            "" => None,
            name => self.store.owner_crm_id_named(connection, name).await?,
        };
        let team = Team::parse(&f.team).unwrap_or(Team::Cs);
        let payload = rules::task_payload(
            &rules::Escalation {
                title: &f.title,
                description: &f.description,
                team,
                owner: &f.owner,
                due_on: f.due_on,
                account: &f.account,
                playbook: f.playbook.as_deref(),
                reason: f.alert_summary.as_deref(),
                sent_by: &user_name(),
                account_crm_id: &target.crm_id,
                owner_crm_id: named.as_deref().or(target.owner_crm_id.as_deref()),
            },
            self.today(),
            &self.clock,
        );
        self.store
            .send_task(
                id,
                connection,
                &super::capture::new_key(),
                &payload,
                &user_name(),
                self.clock.now(),
            )
            .await
    }

    /// How each playbook's runs ended, for the model report.
    pub async fn playbook_outcomes(&self) -> Result<Vec<PlaybookOutcomes>> {
        let names: Vec<(String, String)> = self
            .playbooks()
            .await?
            .into_iter()
            .map(|p| (p.key, p.name))
            .collect();
        let runs = self.store.run_outcomes().await?;
        let none = |key: String, name: String| PlaybookOutcomes {
            key,
            name,
            runs: 0,
            active: 0,
            pending: 0,
            saved: 0,
            churned: 0,
            expanded: 0,
            median_days: None,
        };
        let mut out: Vec<PlaybookOutcomes> = names.into_iter().map(|(k, n)| none(k, n)).collect();
        let mut days: HashMap<String, Vec<f64>> = HashMap::new();
        for (key, name, status, outcome, started, closed) in runs {
            if !out.iter().any(|o| o.key == key) {
                out.push(none(key.clone(), name.unwrap_or_else(|| key.clone())));
            }
            let Some(o) = out.iter_mut().find(|o| o.key == key) else {
                continue;
            };
            o.runs += 1;
            match (
                status.as_str(),
                outcome.as_deref().and_then(RunOutcome::parse),
            ) {
                ("active", _) => o.active += 1,
                (_, Some(RunOutcome::Saved)) => o.saved += 1,
                (_, Some(RunOutcome::Churned)) => o.churned += 1,
                (_, Some(RunOutcome::Expanded)) => o.expanded += 1,
                (_, None) => o.pending += 1,
            }
            if let (Ok(s), Some(Ok(c))) = (
                crate::store::parse_ts(&started),
                closed.as_deref().map(crate::store::parse_ts),
            ) {
                days.entry(key)
                    .or_default()
                    .push((c - s).num_minutes() as f64 / 1440.0);
            }
        }
        for o in &mut out {
            if let Some(v) = days.get_mut(&o.key) {
                v.sort_by(f64::total_cmp);
                let n = v.len();
                o.median_days = Some(if n % 2 == 1 {
                    v[n / 2]
                } else {
                    (v[n / 2 - 1] + v[n / 2]) / 2.0
                });
            }
        }
        Ok(out)
    }
}

/// Refuses an action whose text or day cannot be right, with the sentence the UI shows.
fn check_action(action: &TaskAction, today: NaiveDate) -> Result<()> {
    let bad = |m: &str| Err(Error::InvalidInput(m.into()));
    match action {
        TaskAction::Skip { reason } if reason.trim().is_empty() => {
            bad("Say why this step is not needed.")
        }
        TaskAction::Skip { reason } if reason.chars().count() > MAX_TEXT => {
            bad("Keep the reason under 4,000 characters.")
        }
        TaskAction::Comment { body } if body.trim().is_empty() => bad("Write the comment first."),
        TaskAction::Comment { body } if body.chars().count() > MAX_TEXT => {
            bad("Keep the comment under 4,000 characters.")
        }
        TaskAction::Snooze { until } if *until <= today => bad("Snooze until a day after today."),
        TaskAction::Reassign { owner, .. } if owner.trim().chars().count() > MAX_OWNER => {
            bad("Keep the name under 80 characters.")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "playbooks_tests.rs"]
mod tests;
