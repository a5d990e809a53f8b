//! The journey in the store: each account's stage history, and the handoff checklists that
//! stage changes start.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::{Sqlite, Transaction};

use super::{day, opt_day, parse_day, Store};
use crate::domain::journey::{HandoffItemView, HandoffView, JourneyFacts, NewHandoff, Team};
use crate::domain::LifecycleStage;
use crate::error::{Error, Result};

fn stage(s: &str) -> Result<LifecycleStage> {
    LifecycleStage::parse(s).ok_or_else(|| Error::Storage(format!("unknown stage {s:?}")))
}

/// id, account, account name, template name, from, to, started, due.
type HandoffRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

impl Store {
    /// Every account on the books with its stage history, oldest first.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn journey_facts(&self) -> Result<Vec<JourneyFacts>> {
        let rows = self
            .json_rows::<(i64, String, f64, String, String)>(sqlx::query(
                "SELECT json_group_array(json_array(a.id, a.name, a.arr, l.stage, l.entered_on))
                 FROM (SELECT * FROM lifecycle_history ORDER BY account_id, entered_on, rowid) l
                 JOIN account a ON a.id = l.account_id WHERE a.deleted = 0",
            ))
            .await?;
        let mut out: Vec<JourneyFacts> = Vec::new();
        for (id, name, arr, s, on) in rows {
            let entry = (stage(&s)?, parse_day(&on)?);
            match out.last_mut() {
                Some(f) if f.account_id == id => f.history.push(entry),
                _ => out.push(JourneyFacts {
                    account_id: id,
                    name,
                    arr,
                    history: vec![entry],
                }),
            }
        }
        Ok(out)
    }

    /// One account's stage history, oldest first.
    pub async fn stage_history(&self, account_id: i64) -> Result<Vec<(LifecycleStage, NaiveDate)>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT stage, entered_on FROM lifecycle_history WHERE account_id = ? ORDER BY entered_on, rowid",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|(s, on)| Ok((stage(s)?, parse_day(on)?)))
            .collect()
    }

    /// The checklists of one account (or, with `None`, those with items left), newest first.
    pub async fn handoffs(&self, account_id: Option<i64>) -> Result<Vec<HandoffView>> {
        let heads: Vec<HandoffRow> = sqlx::query_as(
            "SELECT h.id, h.account_id, a.name, h.name, h.from_stage, h.to_stage, h.started_on, h.due_on
             FROM handoff h JOIN account a ON a.id = h.account_id
             WHERE a.deleted = 0 AND (?1 IS NULL AND EXISTS (SELECT 1 FROM handoff_item i
                     WHERE i.handoff_id = h.id AND i.done_on IS NULL) OR h.account_id = ?1)
             ORDER BY h.started_on DESC, h.id DESC",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        let ids = serde_json::to_string(&heads.iter().map(|h| h.0).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let items: Vec<(i64, i64, String, String, Option<String>)> = sqlx::query_as(
            "SELECT i.handoff_id, i.id, i.text, i.team, i.done_on FROM handoff_item i
             WHERE i.handoff_id IN (SELECT value FROM json_each(?)) ORDER BY i.handoff_id, i.position",
        )
        .bind(ids)
        .fetch_all(self.pool())
        .await?;
        let mut by: HashMap<i64, Vec<HandoffItemView>> = HashMap::new();
        for (h, id, text, team, done) in items {
            by.entry(h).or_default().push(HandoffItemView {
                id,
                text,
                team: Team::parse(&team).unwrap_or(Team::Cs),
                done_on: opt_day(done)?,
            });
        }
        heads
            .into_iter()
            .map(|(id, account_id, account, name, from, to, started, due)| {
                Ok(HandoffView {
                    id,
                    account_id,
                    account,
                    name,
                    from: from.as_deref().map(stage).transpose()?,
                    to: stage(&to)?,
                    started_on: parse_day(&started)?,
                    due_on: parse_day(&due)?,
                    items: by.remove(&id).unwrap_or_default(),
                    overdue: false,
                })
            })
            .collect()
    }

    /// Ticks an item off on `on`, or (`None`) back on; returns its account.
    pub async fn set_handoff_item(&self, item_id: i64, on: Option<NaiveDate>) -> Result<i64> {
        sqlx::query_scalar(
            "UPDATE handoff_item SET done_on = ? WHERE id = ?
             RETURNING (SELECT account_id FROM handoff WHERE id = handoff_id)",
        )
        .bind(on.map(day))
        .bind(item_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Checklist item {item_id}")))
    }
}

/// Starts the checklists `new` inside the stage change's transaction. An account with a
/// checklist of the same template still open does not get a second one.
pub(super) async fn start_handoffs_tx(
    tx: &mut Transaction<'_, Sqlite>,
    new: &[NewHandoff],
) -> Result<()> {
    for h in new {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO handoff (account_id, template, name, from_stage, to_stage, started_on, due_on)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS (
                SELECT 1 FROM handoff o JOIN handoff_item i ON i.handoff_id = o.id
                WHERE o.account_id = ?1 AND o.template = ?2 AND i.done_on IS NULL)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(h.account_id)
        .bind(&h.template.key)
        .bind(&h.template.name)
        .bind(h.from.map(|s| s.as_str()))
        .bind(h.to.as_str())
        .bind(day(h.started_on))
        .bind(day(h.due_on))
        .fetch_optional(&mut **tx)
        .await?;
        let Some(id) = id else { continue };
        for (i, item) in h.template.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO handoff_item (handoff_id, position, text, team) VALUES (?, ?, ?, ?)",
            )
            .bind(id)
            .bind(i as i64)
            .bind(&item.text)
            .bind(item.team.as_str())
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}
