//! Tasks: the steps of playbook runs (and feedback follow-ups) as My tasks lists them, what the
//! user does to them with its history, and a task's trip to the CRM through the outbox.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::capture::{insert_entry, NewEntry};
use super::{day, opt_day, parse_ts, ts, Store};
use crate::domain::capture::{OutboxState, WriteKind, WritePayload};
use crate::domain::playbook::{
    end_of_week, DueBucket, TaskAction, TaskCounts, TaskCrm, TaskNote, TaskStatus, TaskView,
};
use crate::error::{Error, Result};

/// What the CRM task for a stored task is made from.
pub struct TaskFacts {
    pub account_id: i64,
    pub account: String,
    pub title: String,
    pub description: String,
    pub team: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    pub playbook: Option<String>,
    pub alert_summary: Option<String>,
    pub sent: bool,
}

/// Which tasks to read.
#[derive(Default)]
pub struct TaskQuery<'a> {
    /// Done and skipped ones too.
    pub all: bool,
    pub account: Option<i64>,
    pub runs: Option<&'a [i64]>,
    pub id: Option<i64>,
}

/// A task row as the query lists its columns (serde reads a struct from a JSON array in order).
#[derive(serde::Deserialize)]
struct RawTask {
    id: i64,
    account_id: i64,
    account_name: String,
    arr: f64,
    currency: String,
    run_id: Option<i64>,
    playbook: Option<String>,
    step: i64,
    steps: i64,
    title: String,
    description: String,
    team: String,
    owner: String,
    due_on: Option<String>,
    snoozed_until: Option<String>,
    status: String,
    created_at: String,
    completed_at: Option<String>,
    completed_by: Option<String>,
    outbox_id: Option<i64>,
    delivery: Option<String>,
    crm_task_id: Option<String>,
    sendable: i64,
}
impl Store {
    /// Tasks with their notes and CRM copy: open ones first, soonest due, most ARR.
    pub async fn tasks(&self, q: &TaskQuery<'_>, today: NaiveDate) -> Result<Vec<TaskView>> {
        let runs = q.runs.map(|r| serde_json::to_string(r).unwrap_or_default());
        let raw: Vec<RawTask> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(t.id, t.account_id, a.name, a.arr, a.currency, t.run_id,
                        pb.name, t.position, (SELECT count(*) FROM task u WHERE u.run_id = t.run_id), t.title,
                        t.description, t.owner_team, t.owner, t.due_on, t.snoozed_until, t.status, t.created_at,
                        t.completed_at, t.completed_by, o.id, o.state, t.crm_task_id,
                        a.connection_id IS NOT NULL AND a.crm IN ('hubspot', 'salesforce') AND a.crm_id != '')
                        ORDER BY t.status != 'open', t.due_on IS NULL, t.due_on, a.arr DESC, t.run_id, t.position, t.id)
                     FROM task t
                     JOIN account a ON a.id = t.account_id AND a.deleted = 0
                     LEFT JOIN playbook_run r ON r.id = t.run_id
                     LEFT JOIN playbook pb ON pb.id = r.playbook_id
                     LEFT JOIN outbox o ON o.kind = 'task' AND o.record_id = t.id
                     WHERE (?1 OR t.status = 'open') AND (?2 IS NULL OR t.account_id = ?2)
                       AND (?3 IS NULL OR t.run_id IN (SELECT value FROM json_each(?3)))
                       AND (?4 IS NULL OR t.id = ?4)",
                )
                .bind(q.all)
                .bind(q.account)
                .bind(runs)
                .bind(q.id),
            )
            .await?;
        let mut out = Vec::with_capacity(raw.len());
        for r in raw {
            let due = opt_day(r.due_on)?;
            let status = TaskStatus::parse(&r.status).unwrap_or(TaskStatus::Open);
            let crm = match (
                r.outbox_id,
                r.delivery.as_deref().and_then(OutboxState::parse),
            ) {
                (Some(outbox_id), Some(delivery)) => Some(TaskCrm {
                    outbox_id,
                    delivery,
                    crm_task_id: r.crm_task_id,
                }),
                _ => None,
            };
            out.push(TaskView {
                id: r.id,
                account_id: r.account_id,
                account_name: r.account_name,
                arr: r.arr,
                currency: r.currency,
                run_id: r.run_id,
                playbook: r.playbook,
                step: r.step,
                steps: r.steps,
                title: r.title,
                description: r.description,
                team: r.team,
                owner: r.owner,
                bucket: DueBucket::of(due, today),
                due_on: due,
                snoozed_until: opt_day(r.snoozed_until)?,
                status,
                created_at: parse_ts(&r.created_at)?,
                completed_at: r.completed_at.as_deref().map(parse_ts).transpose()?,
                completed_by: r.completed_by,
                notes: Vec::new(),
                can_send: r.sendable == 1 && crm.is_none() && status == TaskStatus::Open,
                crm,
            });
        }
        if !out.is_empty() {
            self.attach_notes(&mut out).await?;
        }
        Ok(out)
    }

    async fn attach_notes(&self, tasks: &mut [TaskView]) -> Result<()> {
        let ids: Vec<i64> = tasks.iter().map(|t| t.id).collect();
        let notes: Vec<(i64, String, String, String, String)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(task_id, kind, at, by_whom, body) ORDER BY at, id)
                     FROM task_comment WHERE task_id IN (SELECT value FROM json_each(?))",
                )
                .bind(serde_json::to_string(&ids).unwrap_or_default()),
            )
            .await?;
        let index: std::collections::HashMap<i64, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        for (task, kind, at, by, body) in notes {
            if let Some(&i) = index.get(&task) {
                tasks[i].notes.push(TaskNote {
                    comment: kind == "comment",
                    at: parse_ts(&at)?,
                    by,
                    body,
                });
            }
        }
        Ok(())
    }

    /// Open tasks of live accounts by when they are due on `today`, and the snoozed ones.
    pub async fn task_counts(&self, today: NaiveDate) -> Result<TaskCounts> {
        let r = sqlx::query(
            "SELECT coalesce(sum(awake AND t.due_on < ?1), 0), coalesce(sum(awake AND t.due_on = ?1), 0),
                coalesce(sum(awake AND t.due_on > ?1 AND t.due_on <= ?2), 0),
                coalesce(sum(awake AND t.due_on > ?2), 0), coalesce(sum(awake AND t.due_on IS NULL), 0),
                coalesce(sum(NOT awake), 0)
             FROM (SELECT t.*, (t.snoozed_until IS NULL OR t.snoozed_until <= ?1) AS awake FROM task t
                   WHERE t.status = 'open') t
             JOIN account a ON a.id = t.account_id AND a.deleted = 0",
        )
        .bind(day(today))
        .bind(day(end_of_week(today)))
        .fetch_one(self.pool())
        .await?;
        Ok(TaskCounts {
            overdue: r.get(0),
            today: r.get(1),
            this_week: r.get(2),
            later: r.get(3),
            no_due_date: r.get(4),
            snoozed: r.get(5),
        })
    }

    /// Applies `action` to task `id`; returns the run it completed, if it closed the run's last
    /// open step.
    pub async fn act_on_task(
        &self,
        id: i64,
        action: &TaskAction,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let mut tx = self.write_tx().await?;
        let now_s = ts(now);
        let row = sqlx::query("SELECT status, run_id, owner_team, owner FROM task WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(format!("Task {id}")))?;
        let status = TaskStatus::parse(row.get(0)).unwrap_or(TaskStatus::Open);
        let run: Option<i64> = row.get(1);
        let open = status == TaskStatus::Open;
        let closed = |verb: &str| {
            Error::InvalidInput(format!("This task is {verb} already; reopen it first."))
        };
        let mut completes = false;
        let note: (&str, String) = match action {
            TaskAction::Done | TaskAction::Skip { .. } => {
                if !open {
                    return Err(closed(if status == TaskStatus::Done {
                        "done"
                    } else {
                        "skipped"
                    }));
                }
                let (to, note) = match action {
                    TaskAction::Skip { reason } => {
                        ("cancelled", format!("Skipped: {}", reason.trim()))
                    }
                    _ => ("done", "Done.".to_string()),
                };
                sqlx::query(
                    "UPDATE task SET status = ?2, completed_at = ?3, completed_by = ?4, snoozed_until = NULL WHERE id = ?1",
                )
                .bind(id)
                .bind(to)
                .bind(&now_s)
                .bind(by)
                .execute(&mut *tx)
                .await?;
                completes = true;
                ("event", note)
            }
            TaskAction::Reopen => {
                if open {
                    return Err(Error::InvalidInput("This task is open already.".into()));
                }
                sqlx::query(
                    "UPDATE task SET status = 'open', completed_at = NULL, completed_by = NULL WHERE id = ?",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if let Some(run) = run {
                    let reopened = sqlx::query(
                        "UPDATE playbook_run SET status = 'active', closed_at = NULL WHERE id = ? AND status = 'completed'",
                    )
                    .bind(run)
                    .execute(&mut *tx)
                    .await;
                    if let Err(sqlx::Error::Database(e)) = &reopened {
                        if e.is_unique_violation() {
                            return Err(Error::InvalidInput(
                                "This playbook is running again for the account: work on the new run's tasks instead.".into(),
                            ));
                        }
                    }
                    reopened?;
                }
                ("event", "Reopened.".to_string())
            }
            TaskAction::Snooze { until } => {
                if !open {
                    return Err(closed("closed"));
                }
                sqlx::query("UPDATE task SET snoozed_until = ? WHERE id = ?")
                    .bind(day(*until))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                ("event", format!("Snoozed until {until}."))
            }
            TaskAction::Reassign { team, owner } => {
                sqlx::query("UPDATE task SET owner_team = ?, owner = ? WHERE id = ?")
                    .bind(team.as_str())
                    .bind(owner.trim())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let to = if owner.trim().is_empty() {
                    format!("the {} queue", team.label().to_lowercase())
                } else {
                    format!("{} ({})", owner.trim(), team.label().to_lowercase())
                };
                ("event", format!("Reassigned to {to}."))
            }
            TaskAction::Comment { body } => ("comment", body.trim().to_string()),
        };
        add_note(&mut tx, id, note.0, &now_s, by, &note.1).await?;
        let mut completed = None;
        if completes {
            if let Some(run) = run {
                let left: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM task WHERE run_id = ? AND status = 'open'",
                )
                .bind(run)
                .fetch_one(&mut *tx)
                .await?;
                if left == 0 {
                    sqlx::query(
                        "UPDATE playbook_run SET status = 'completed', closed_at = ? WHERE id = ? AND status = 'active'",
                    )
                    .bind(&now_s)
                    .bind(run)
                    .execute(&mut *tx)
                    .await?;
                    completed = Some(run);
                }
            }
        }
        tx.commit().await?;
        Ok(completed)
    }

    /// What the CRM task for task `id` is made from.
    pub async fn task_facts(&self, id: i64) -> Result<TaskFacts> {
        let r = sqlx::query(
            "SELECT t.account_id, a.name, t.title, t.description, t.owner_team, t.owner, t.due_on, t.status,
                p.name, x.summary, EXISTS (SELECT 1 FROM outbox o WHERE o.kind = 'task' AND o.record_id = t.id)
             FROM task t JOIN account a ON a.id = t.account_id AND a.deleted = 0
             LEFT JOIN playbook_run r ON r.id = t.run_id
             LEFT JOIN playbook p ON p.id = r.playbook_id
             LEFT JOIN alert x ON x.id = r.alert_id
             WHERE t.id = ?",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Task {id}")))?;
        Ok(TaskFacts {
            account_id: r.get(0),
            account: r.get(1),
            title: r.get(2),
            description: r.get(3),
            team: r.get(4),
            owner: r.get(5),
            due_on: opt_day(r.get(6))?,
            status: TaskStatus::parse(r.get(7)).unwrap_or(TaskStatus::Open),
            playbook: r.get(8),
            alert_summary: r.get(9),
            sent: r.get::<i64, _>(10) == 1,
        })
    }

    /// The CRM user id of the account owner named `name` on `connection`, if the store knows one.
    pub async fn owner_crm_id_named(&self, connection: i64, name: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT owner_crm_id FROM account WHERE connection_id = ? AND owner = ? AND owner_crm_id IS NOT NULL
             GROUP BY owner_crm_id ORDER BY count(*) DESC LIMIT 1",
        )
        .bind(connection)
        .bind(name.trim())
        .fetch_optional(self.pool())
        .await?)
    }

    /// Queues task `id` for the CRM (once: a task sent already is refused) and notes it.
    pub async fn send_task(
        &self,
        id: i64,
        connection_id: i64,
        key: &str,
        payload: &WritePayload,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM task WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(format!("Task {id}")))?;
        let sent: Option<i64> =
            sqlx::query_scalar("SELECT id FROM outbox WHERE kind = 'task' AND record_id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        if sent.is_some() {
            return Err(Error::InvalidInput(
                "This task was sent to the CRM already.".into(),
            ));
        }
        let now_s = ts(now);
        let entry = insert_entry(
            &mut tx,
            NewEntry {
                key,
                connection_id,
                account_id,
                kind: WriteKind::Task,
                record_id: id,
                payload,
            },
            &now_s,
        )
        .await?;
        add_note(
            &mut tx,
            id,
            "event",
            &now_s,
            by,
            "Sent to the CRM as a task.",
        )
        .await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// The people tasks can go to: account owners and the owners tasks already have.
    pub async fn people(&self) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT owner FROM account WHERE deleted = 0 AND owner != ''
             UNION SELECT owner FROM task WHERE owner != '' ORDER BY 1",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

pub(super) async fn add_note(
    tx: &mut sqlx::SqliteConnection,
    task: i64,
    kind: &str,
    at: &str,
    by: &str,
    body: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO task_comment (task_id, kind, at, by_whom, body) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(task)
    .bind(kind)
    .bind(at)
    .bind(by)
    .bind(body)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
