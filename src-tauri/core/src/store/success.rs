//! Success plans and their milestones as the account manager edits them, their drafts, and the
//! open milestones the portfolio list and the stuck rule read.

use chrono::{DateTime, NaiveDate, Utc};

use super::{day, opt_day, parse_day, parse_ts, ts, Store};
use crate::domain::success::{
    MilestoneForm, MilestoneKind, MilestoneRecord, MilestoneStatus, OpenMilestone, PlanDraftForm,
    PlanForm, PlanRecord,
};
use crate::error::{Error, Result};

const MILESTONE_COLUMNS: &str = "json_array(m.id, m.plan_id, m.account_id, m.position, m.name,
    m.kind, m.metric, m.unit, m.baseline, m.current_value, m.current_on, m.target_value,
    coalesce(m.start_on, substr(p.created_on, 1, 10)), m.target_date, m.achieved_on, m.owner, m.evidence,
    m.updated_at)";

/// A milestone row as `MILESTONE_COLUMNS` lists it (serde reads a struct from a JSON array in
/// order).
#[derive(serde::Deserialize)]
struct MilestoneRow {
    id: i64,
    plan_id: i64,
    account_id: i64,
    position: i64,
    name: String,
    kind: String,
    metric: String,
    unit: String,
    baseline: Option<f64>,
    current: Option<f64>,
    current_on: Option<String>,
    target: Option<f64>,
    start_on: String,
    due_on: String,
    achieved_on: Option<String>,
    owner: String,
    evidence: String,
    updated_at: Option<String>,
}

fn milestone(r: MilestoneRow) -> Result<MilestoneRecord> {
    let kind = MilestoneKind::parse(&r.kind)
        .ok_or_else(|| Error::Storage(format!("unknown milestone kind {:?}", r.kind)))?;
    Ok(MilestoneRecord {
        id: r.id,
        plan_id: r.plan_id,
        account_id: r.account_id,
        position: r.position,
        name: r.name,
        kind,
        metric: r.metric,
        unit: r.unit,
        baseline: r.baseline,
        current: r.current,
        current_on: opt_day(r.current_on)?,
        target: r.target,
        start_on: parse_day(&r.start_on)?,
        due_on: parse_day(&r.due_on)?,
        achieved_on: opt_day(r.achieved_on)?,
        owner: r.owner,
        evidence: r.evidence,
        updated_at: r.updated_at.as_deref().map(parse_ts).transpose()?,
    })
}

/// A milestone edit as it will be stored.
pub struct MilestoneWrite<'a> {
    pub form: &'a MilestoneForm,
    /// The status on the day of the edit (kept only as a record; reads derive it afresh).
    pub status: MilestoneStatus,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

impl Store {
    /// The account's success plans, oldest first, each with its milestones in order.
    pub async fn success_plans(&self, account_id: i64) -> Result<Vec<PlanRecord>> {
        let plans: Vec<(i64, String, String)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(id, objective, created_on) ORDER BY id)
                     FROM success_plan WHERE account_id = ?",
                )
                .bind(account_id),
            )
            .await?;
        let rows: Vec<MilestoneRow> = self
            .json_rows(
                sqlx::query(&format!(
                    "SELECT json_group_array({MILESTONE_COLUMNS} ORDER BY m.plan_id, m.position, m.id)
                     FROM milestone m JOIN success_plan p ON p.id = m.plan_id
                     WHERE p.account_id = ?"
                ))
                .bind(account_id),
            )
            .await?;
        let mut out: Vec<PlanRecord> = plans
            .into_iter()
            .map(|(id, objective, created)| {
                Ok(PlanRecord {
                    id,
                    account_id,
                    objective,
                    // Older rows kept a full timestamp here.
                    created_on: parse_day(created.get(..10).unwrap_or(&created))?,
                    milestones: Vec::new(),
                })
            })
            .collect::<Result<_>>()?;
        for r in rows {
            let m = milestone(r)?;
            if let Some(p) = out.iter_mut().find(|p| p.id == m.plan_id) {
                p.milestones.push(m);
            }
        }
        Ok(out)
    }

    /// One milestone and its plan's objective; `NotFound` when it is gone.
    pub async fn milestone(&self, id: i64) -> Result<(MilestoneRecord, String)> {
        let rows: Vec<(MilestoneRow, String)> = self
            .json_rows(
                sqlx::query(&format!(
                    "SELECT json_group_array(json_array({MILESTONE_COLUMNS}, p.objective))
                     FROM milestone m JOIN success_plan p ON p.id = m.plan_id WHERE m.id = ?"
                ))
                .bind(id),
            )
            .await?;
        let (row, objective) = rows
            .into_iter()
            .next()
            .ok_or_else(|| Error::NotFound("That milestone".into()))?;
        Ok((milestone(row)?, objective))
    }

    /// Creates or renames an objective (and ends its draft); returns its id.
    pub async fn save_plan(&self, f: &PlanForm, now: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        let id = match f.id {
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE success_plan SET objective = ?, updated_at = ? WHERE id = ? AND account_id = ?",
                )
                .bind(f.objective.trim())
                .bind(ts(now))
                .bind(id)
                .bind(f.account_id)
                .execute(&mut *tx)
                .await?;
                found(done, "That success plan")?;
                id
            }
            None => sqlx::query_scalar(
                "INSERT INTO success_plan (account_id, objective, created_on, updated_at)
                     SELECT id, ?, ?, ? FROM account WHERE id = ? AND deleted = 0 RETURNING id",
            )
            .bind(f.objective.trim())
            .bind(day(now.date_naive()))
            .bind(ts(now))
            .bind(f.account_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound("The account".into()))?,
        };
        end_draft(
            &mut tx,
            f.account_id,
            &PlanDraftForm::Plan(f.clone()).target(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes an objective with its milestones.
    pub async fn delete_plan(&self, account_id: i64, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM success_plan WHERE id = ? AND account_id = ?")
            .bind(id)
            .bind(account_id)
            .execute(self.pool())
            .await?;
        found(done, "That success plan")?;
        Ok(())
    }

    /// Creates a milestone at the end of its plan, or updates one (the current value's date
    /// moves when the value does); ends its draft. Returns its id.
    pub async fn save_milestone(&self, w: MilestoneWrite<'_>) -> Result<i64> {
        let f = w.form;
        let mut tx = self.write_tx().await?;
        let plan_account: Option<i64> =
            sqlx::query_scalar("SELECT account_id FROM success_plan WHERE id = ?")
                .bind(f.plan_id)
                .fetch_optional(&mut *tx)
                .await?;
        if plan_account != Some(f.account_id) {
            return Err(Error::NotFound("That success plan".into()));
        }
        let due = f
            .due_on
            .ok_or_else(|| Error::InvalidInput("A milestone needs a due day.".into()))?;
        let start = f.start_on.unwrap_or(w.today);
        let now = ts(w.now);
        let today = day(w.today);
        let id = match f.id {
            Some(id) => {
                let done = sqlx::query(
                    "UPDATE milestone SET name = ?1, kind = ?2, metric = ?3, unit = ?4, baseline = ?5,
                        current_on = CASE WHEN current_value IS ?6 THEN current_on
                                          WHEN ?6 IS NULL THEN NULL ELSE ?7 END,
                        current_value = ?6, target_value = ?8, start_on = ?9, target_date = ?10,
                        owner = ?11, evidence = ?12, status = ?13, updated_at = ?14
                     WHERE id = ?15 AND plan_id = ?16",
                )
                .bind(f.name.trim())
                .bind(f.kind.as_str())
                .bind(f.metric.trim())
                .bind(f.unit.trim())
                .bind(f.baseline)
                .bind(f.current)
                .bind(&today)
                .bind(f.target)
                .bind(day(start))
                .bind(day(due))
                .bind(f.owner.trim())
                .bind(f.evidence.trim())
                .bind(w.status.as_str())
                .bind(&now)
                .bind(id)
                .bind(f.plan_id)
                .execute(&mut *tx)
                .await?;
                found(done, "That milestone")?;
                id
            }
            None => {
                sqlx::query_scalar(
                    "INSERT INTO milestone (plan_id, account_id, name, kind, target_date, status, metric,
                        unit, baseline, current_value, current_on, target_value, start_on, owner, evidence,
                        position, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, CASE WHEN ?10 IS NULL THEN NULL ELSE ?11 END,
                        ?12, ?13, ?14, ?15,
                        (SELECT coalesce(max(position) + 1, 0) FROM milestone WHERE plan_id = ?1), ?16)
                     RETURNING id",
                )
                .bind(f.plan_id)
                .bind(f.account_id)
                .bind(f.name.trim())
                .bind(f.kind.as_str())
                .bind(day(due))
                .bind(w.status.as_str())
                .bind(f.metric.trim())
                .bind(f.unit.trim())
                .bind(f.baseline)
                .bind(f.current)
                .bind(&today)
                .bind(f.target)
                .bind(day(start))
                .bind(f.owner.trim())
                .bind(f.evidence.trim())
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?
            }
        };
        end_draft(
            &mut tx,
            f.account_id,
            &PlanDraftForm::Milestone(f.clone()).target(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a milestone reached on `on` (with its evidence, when given), or not reached (`None`).
    pub async fn set_achieved(
        &self,
        id: i64,
        on: Option<NaiveDate>,
        evidence: Option<&str>,
        status: MilestoneStatus,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE milestone SET achieved_on = ?, evidence = coalesce(?, evidence), status = ?,
                updated_at = ? WHERE id = ?",
        )
        .bind(on.map(day))
        .bind(evidence)
        .bind(status.as_str())
        .bind(ts(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        found(done, "That milestone")?;
        Ok(())
    }

    /// Moves a milestone `by` places in its plan (clamped to the ends); the plan's positions are
    /// renumbered 0.. in the new order.
    pub async fn move_milestone(&self, id: i64, by: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let plan: i64 = sqlx::query_scalar("SELECT plan_id FROM milestone WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound("That milestone".into()))?;
        let mut order: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM milestone WHERE plan_id = ? ORDER BY position, id")
                .bind(plan)
                .fetch_all(&mut *tx)
                .await?;
        let from = order.iter().position(|m| *m == id).unwrap_or_default();
        let to = (from as i64 + by).clamp(0, order.len() as i64 - 1) as usize;
        let moved = order.remove(from);
        order.insert(to, moved);
        for (position, m) in order.iter().enumerate() {
            sqlx::query("UPDATE milestone SET position = ? WHERE id = ? AND position != ?")
                .bind(position as i64)
                .bind(m)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_milestone(&self, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM milestone WHERE id = ?")
            .bind(id)
            .execute(self.pool())
            .await?;
        found(done, "That milestone")?;
        Ok(())
    }

    /// Every milestone not yet reached of a live account, with the account's name, owner and ARR
    /// and the plan's objective, soonest due first.
    pub async fn open_milestones(&self) -> Result<Vec<OpenMilestone>> {
        let rows: Vec<(MilestoneRow, String, String, f64, String)> = self
            .json_rows(sqlx::query(&format!(
                "SELECT json_group_array(json_array({MILESTONE_COLUMNS}, a.name,
                    coalesce(a.owner, ''), coalesce(a.arr, 0.0), p.objective) ORDER BY m.target_date, m.id)
                 FROM milestone m INDEXED BY milestone_open
                 JOIN success_plan p ON p.id = m.plan_id JOIN account a ON a.id = m.account_id
                 WHERE m.achieved_on IS NULL AND a.deleted = 0 AND a.churned_on IS NULL"
            )))
            .await?;
        rows.into_iter()
            .map(|(m, account, owner, arr, objective)| {
                Ok(OpenMilestone {
                    account,
                    owner,
                    arr,
                    objective,
                    milestone: milestone(m)?,
                })
            })
            .collect()
    }

    /// The open milestones of the accounts in `ids` (a JSON array of account ids), for the rules.
    pub(super) async fn open_milestones_of(&self, ids: &str) -> Result<Vec<MilestoneRecord>> {
        let rows: Vec<MilestoneRow> = self
            .json_rows(
                sqlx::query(&format!(
                    "SELECT json_group_array({MILESTONE_COLUMNS})
                     FROM json_each(?1) j JOIN milestone m ON m.account_id = j.value AND m.achieved_on IS NULL
                     JOIN success_plan p ON p.id = m.plan_id"
                ))
                .bind(ids),
            )
            .await?;
        rows.into_iter().map(milestone).collect()
    }

    /// Keeps a success-plan form as typed (valid or not).
    pub async fn save_plan_draft(&self, form: &PlanDraftForm, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO plan_draft (account_id, target, body, saved_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (account_id, target) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
        )
        .bind(form.account_id())
        .bind(form.target())
        .bind(serde_json::to_string(form).map_err(|e| Error::Storage(e.to_string()))?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account's kept drafts, newest first.
    pub async fn plan_drafts(
        &self,
        account_id: i64,
    ) -> Result<Vec<(PlanDraftForm, DateTime<Utc>)>> {
        let rows: Vec<(String, String)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(body, saved_at) ORDER BY saved_at DESC)
                     FROM plan_draft WHERE account_id = ?",
                )
                .bind(account_id),
            )
            .await?;
        rows.into_iter()
            // A draft from an older form layout that no longer reads is skipped, not fatal.
            .filter_map(|(body, at)| {
                let form: PlanDraftForm = serde_json::from_str(&body).ok()?;
                Some(parse_ts(&at).map(|t| (form, t)))
            })
            .collect()
    }

    pub async fn discard_plan_draft(&self, account_id: i64, target: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        end_draft(&mut tx, account_id, target).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `NotFound` for `what` when the statement touched no row (it was deleted meanwhile).
pub(super) fn found(done: sqlx::sqlite::SqliteQueryResult, what: &str) -> Result<()> {
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(what.into()));
    }
    Ok(())
}

pub(super) async fn end_draft(
    tx: &mut sqlx::SqliteConnection,
    account_id: i64,
    target: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM plan_draft WHERE account_id = ? AND target = ?")
        .bind(account_id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
