//! Retention playbooks: versioned templates, and runs started for accounts (one active run per
//! account and playbook) with their outcome. The runs' tasks are in `tasks.rs`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::tasks::{add_note, TaskQuery};
use super::{day, parse_ts, ts, Store};
use crate::domain::playbook::{Playbook, PlaybookStep, RunOutcome, RunStatus, RunView, Team};
use crate::domain::risk::RuleId;
use crate::error::{Error, Result};

/// A run about to start: its playbook version and the tasks its steps become.
pub struct NewRun<'a> {
    pub account_id: i64,
    pub playbook_id: i64,
    pub playbook_key: &'a str,
    pub alert_id: Option<i64>,
    pub by: &'a str,
    pub now: DateTime<Utc>,
    /// (position, title, description, team, owner, due day)
    pub tasks: Vec<(i64, String, String, Team, String, NaiveDate)>,
}

impl Store {
    /// The playbooks in force (the highest version of each key), in the order first saved, with
    /// their row ids.
    pub async fn playbooks(&self) -> Result<Vec<(i64, Playbook)>> {
        let rows = sqlx::query(
            "SELECT p.id, p.key, p.version, p.name, p.description, p.triggers, p.active, p.saved_by, p.created_at
             FROM playbook p
             WHERE p.key != '' AND p.version = (SELECT max(version) FROM playbook q WHERE q.key = p.key)
             ORDER BY (SELECT min(id) FROM playbook q WHERE q.key = p.key)",
        )
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let triggers: Vec<String> =
                serde_json::from_str(r.get::<&str, _>(5)).unwrap_or_default();
            let by: String = r.get(7);
            out.push((
                r.get::<i64, _>(0),
                Playbook {
                    key: r.get(1),
                    version: r.get(2),
                    name: r.get(3),
                    description: r.get(4),
                    triggers: triggers.iter().filter_map(|t| RuleId::parse(t)).collect(),
                    steps: Vec::new(),
                    active: r.get::<i64, _>(6) == 1,
                    saved_at: (!by.is_empty()).then(|| parse_ts(r.get(8))).transpose()?,
                    saved_by: (!by.is_empty()).then_some(by),
                },
            ));
        }
        let ids: Vec<i64> = out.iter().map(|(id, _)| *id).collect();
        let steps = sqlx::query(
            "SELECT playbook_id, title, owner_team, due_offset_days, description FROM playbook_step
             WHERE playbook_id IN (SELECT value FROM json_each(?)) ORDER BY playbook_id, position",
        )
        .bind(serde_json::to_string(&ids).unwrap_or_default())
        .fetch_all(self.pool())
        .await?;
        for s in steps {
            let id: i64 = s.get(0);
            if let Some((_, p)) = out.iter_mut().find(|(pid, _)| *pid == id) {
                p.steps.push(PlaybookStep {
                    title: s.get(1),
                    team: Team::parse(s.get(2)).unwrap_or(Team::Cs),
                    due_days: s.get(3),
                    description: s.get(4),
                });
            }
        }
        Ok(out)
    }

    /// Stores the built-in playbooks as version 1 of each, unless playbooks are stored already.
    pub async fn seed_playbooks(&self, defaults: &[Playbook], now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let any: i64 = sqlx::query_scalar("SELECT count(*) FROM playbook WHERE key != ''")
            .fetch_one(&mut *tx)
            .await?;
        if any == 0 {
            for p in defaults {
                insert_version(&mut tx, p, 1, &ts(now), "").await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Saves `p` as the next version of its key; returns that version.
    pub async fn save_playbook(&self, p: &Playbook, now: DateTime<Utc>, by: &str) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        let version: i64 =
            sqlx::query_scalar("SELECT coalesce(max(version), 0) + 1 FROM playbook WHERE key = ?")
                .bind(&p.key)
                .fetch_one(&mut *tx)
                .await?;
        insert_version(&mut tx, p, version, &ts(now), by).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Starts a run with its tasks, or finds the account's active run of that playbook: returns
    /// the run's id and whether it was started now.
    pub async fn start_playbook_run(&self, r: &NewRun<'_>) -> Result<(i64, bool)> {
        let mut tx = self.write_tx().await?;
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM account WHERE id = ? AND deleted = 0 AND churned_on IS NULL",
        )
        .bind(r.account_id)
        .fetch_optional(&mut *tx)
        .await?;
        if live.is_none() {
            return Err(Error::InvalidInput(
                "This account has churned or was removed: no playbook can start for it.".into(),
            ));
        }
        let running: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM playbook_run WHERE account_id = ? AND playbook_key = ? AND status = 'active'",
        )
        .bind(r.account_id)
        .bind(r.playbook_key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = running {
            return Ok((id, false));
        }
        let now = ts(r.now);
        let run: i64 = sqlx::query_scalar(
            "INSERT INTO playbook_run (playbook_id, account_id, alert_id, started_at, status, playbook_key, started_by)
             VALUES (?, ?, ?, ?, 'active', ?, ?) RETURNING id",
        )
        .bind(r.playbook_id)
        .bind(r.account_id)
        .bind(r.alert_id)
        .bind(&now)
        .bind(r.playbook_key)
        .bind(r.by)
        .fetch_one(&mut *tx)
        .await?;
        for (position, title, description, team, owner, due) in &r.tasks {
            sqlx::query(
                "INSERT INTO task (run_id, account_id, title, owner_team, owner, due_on, status, created_at,
                    description, position)
                 VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            )
            .bind(run)
            .bind(r.account_id)
            .bind(title)
            .bind(team.as_str())
            .bind(owner)
            .bind(day(*due))
            .bind(&now)
            .bind(description)
            .bind(position)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok((run, true))
    }

    /// Records how a run ended. A run still active is closed with it: its open tasks are
    /// skipped with a note saying so.
    pub async fn record_outcome(
        &self,
        run: i64,
        outcome: RunOutcome,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let now_s = ts(now);
        let status: String = sqlx::query_scalar("SELECT status FROM playbook_run WHERE id = ?")
            .bind(run)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(format!("Playbook run {run}")))?;
        if status == "active" {
            let open: Vec<i64> =
                sqlx::query_scalar("SELECT id FROM task WHERE run_id = ? AND status = 'open'")
                    .bind(run)
                    .fetch_all(&mut *tx)
                    .await?;
            for t in open {
                sqlx::query(
                    "UPDATE task SET status = 'cancelled', completed_at = ?, completed_by = ? WHERE id = ?",
                )
                .bind(&now_s)
                .bind(by)
                .bind(t)
                .execute(&mut *tx)
                .await?;
                let note = format!("Skipped: the playbook was closed ({}).", outcome.as_str());
                add_note(&mut tx, t, "event", &now_s, by, &note).await?;
            }
        }
        sqlx::query(
            "UPDATE playbook_run SET status = 'completed', closed_at = coalesce(closed_at, ?2), outcome = ?3,
                outcome_by = ?4, outcome_at = ?2 WHERE id = ?1",
        )
        .bind(run)
        .bind(&now_s)
        .bind(outcome.as_str())
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Runs (every state) of `account`, or the run `id`, newest first, with their tasks.
    pub async fn runs(
        &self,
        account: Option<i64>,
        id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<RunView>> {
        let rows = sqlx::query(
            "SELECT r.id, r.account_id, a.name, r.playbook_key, p.name, p.version, r.alert_id, x.summary,
                r.started_at, r.started_by, r.status, r.closed_at, r.outcome
             FROM playbook_run r JOIN playbook p ON p.id = r.playbook_id
             JOIN account a ON a.id = r.account_id AND a.deleted = 0
             LEFT JOIN alert x ON x.id = r.alert_id
             WHERE (?1 IS NULL OR r.account_id = ?1) AND (?2 IS NULL OR r.id = ?2)
             ORDER BY r.status != 'active', r.started_at DESC, r.id DESC",
        )
        .bind(account)
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(RunView {
                id: r.get(0),
                account_id: r.get(1),
                account_name: r.get(2),
                playbook_key: r.get(3),
                playbook: r.get(4),
                version: r.get(5),
                alert_id: r.get(6),
                alert_summary: r.get(7),
                started_at: parse_ts(r.get(8))?,
                started_by: r.get(9),
                status: if r.get::<&str, _>(10) == "active" {
                    RunStatus::Active
                } else {
                    RunStatus::Completed
                },
                closed_at: r.get::<Option<&str>, _>(11).map(parse_ts).transpose()?,
                outcome: r.get::<Option<&str>, _>(12).and_then(RunOutcome::parse),
                tasks: Vec::new(),
            });
        }
        if out.is_empty() {
            return Ok(out);
        }
        let ids: Vec<i64> = out.iter().map(|r| r.id).collect();
        let tasks = self
            .tasks(
                &TaskQuery {
                    all: true,
                    runs: Some(&ids),
                    ..TaskQuery::default()
                },
                today,
            )
            .await?;
        for t in tasks {
            if let Some(r) = out.iter_mut().find(|r| Some(r.id) == t.run_id) {
                r.tasks.push(t);
            }
        }
        for r in &mut out {
            r.tasks.sort_by_key(|t| t.step);
        }
        Ok(out)
    }

    /// Active runs of active accounts: (account, playbook key, run, steps closed, steps).
    pub async fn active_runs(&self) -> Result<Vec<(i64, String, i64, i64, i64)>> {
        self.json_rows(sqlx::query(
            "SELECT json_group_array(json_array(r.account_id, r.playbook_key, r.id,
                (SELECT count(*) FROM task t WHERE t.run_id = r.id AND t.status != 'open'),
                (SELECT count(*) FROM task t WHERE t.run_id = r.id)))
             FROM playbook_run r WHERE r.status = 'active'",
        ))
        .await
    }

    /// Every run's playbook (key, name in force), status, outcome, start and close, for the
    /// outcome report.
    #[allow(clippy::type_complexity)]
    pub async fn run_outcomes(
        &self,
    ) -> Result<
        Vec<(
            String,
            Option<String>,
            String,
            Option<String>,
            String,
            Option<String>,
        )>,
    > {
        self.json_rows(sqlx::query(
            "SELECT json_group_array(json_array(r.playbook_key,
                (SELECT p.name FROM playbook p WHERE p.key = r.playbook_key ORDER BY p.version DESC LIMIT 1),
                r.status, r.outcome, r.started_at, r.closed_at))
             FROM playbook_run r JOIN account a ON a.id = r.account_id AND a.deleted = 0",
        ))
        .await
    }

    /// The account's owner (its account manager), '' when the CRM names none.
    pub async fn account_owner(&self, id: i64) -> Result<String> {
        sqlx::query_scalar("SELECT owner FROM account WHERE id = ? AND deleted = 0")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("Account {id}")))
    }
}

async fn insert_version(
    tx: &mut sqlx::SqliteConnection,
    p: &Playbook,
    version: i64,
    now: &str,
    by: &str,
) -> Result<()> {
    let triggers: Vec<&str> = p.triggers.iter().map(|t| t.as_str()).collect();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO playbook (name, description, trigger_rule, created_at, key, version, triggers, active, saved_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(p.name.trim())
    .bind(p.description.trim())
    .bind(triggers.first().copied())
    .bind(now)
    .bind(&p.key)
    .bind(version)
    .bind(serde_json::to_string(&triggers).unwrap_or_else(|_| "[]".into()))
    .bind(p.active)
    .bind(by)
    .fetch_one(&mut *tx)
    .await?;
    for (i, s) in p.steps.iter().enumerate() {
        sqlx::query(
            "INSERT INTO playbook_step (playbook_id, position, title, owner_team, due_offset_days, description)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(i as i64 + 1)
        .bind(s.title.trim())
        .bind(s.team.as_str())
        .bind(s.due_days)
        .bind(s.description.trim())
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}
