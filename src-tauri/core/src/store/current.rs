//! `health_current`: every account's latest score, change and 90-day trend, refreshed from
//! `health_snapshot` whenever snapshots are written, and the one-query portfolio table read on it.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use sqlx::{Row, Sqlite, Transaction};

use super::{day, opt_day, parse_day, Store};
use crate::domain::health::Band;
use crate::domain::views::PortfolioRow;
use crate::domain::LifecycleStage;
use crate::error::Result;

/// Days of history in the portfolio's trend sparkline (the window is inclusive at both ends).
pub const TREND_DAYS: i64 = 90;

/// One portfolio-table row with the day of its latest snapshot in the window, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRecord {
    pub row: PortfolioRow,
    pub scored_on: Option<NaiveDate>,
}

/// The JSON array SQLite builds per row; decoding one JSON text is ~10× cheaper than sqlx's
/// per-value decode of 10,000 rows.
#[derive(Deserialize)]
struct RawRow(
    i64,
    String,
    String,
    String,
    String,
    String,
    f64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Vec<i64>,
    Option<f64>,
);

/// Recomputes `health_current` for the window ending `as_of`, for all accounts or only `ids`.
pub(crate) async fn refresh_tx(
    tx: &mut Transaction<'_, Sqlite>,
    as_of: NaiveDate,
    ids: Option<&[i64]>,
) -> Result<()> {
    let from = day(as_of - Duration::days(TREND_DAYS));
    let to = day(as_of);
    let scope = ids.map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
    sqlx::query(
        "DELETE FROM health_current WHERE ?1 IS NULL OR account_id IN (SELECT value FROM json_each(?1))",
    )
    .bind(&scope)
    .execute(&mut **tx)
    .await?;
    // Per-account seeks on the covering (account_id, day, score, band) index: ~3× faster at
    // 10,000 accounts than one window function sorted over every snapshot in the window.
    sqlx::query(
        "WITH latest AS MATERIALIZED (
            SELECT a.id, (SELECT max(day) FROM health_snapshot INDEXED BY health_snapshot_trend
                          WHERE account_id = a.id AND day >= ?1 AND day <= ?2) AS day
            FROM account a WHERE ?4 IS NULL OR a.id IN (SELECT value FROM json_each(?4))
         )
         INSERT INTO health_current (account_id, as_of, day, score, band, previous_score, trend)
         SELECT l.id, ?3, l.day,
            (SELECT score FROM health_snapshot INDEXED BY health_snapshot_trend
             WHERE account_id = l.id AND day = l.day),
            (SELECT band FROM health_snapshot INDEXED BY health_snapshot_trend
             WHERE account_id = l.id AND day = l.day),
            (SELECT score FROM health_snapshot INDEXED BY health_snapshot_trend
             WHERE account_id = l.id AND day >= ?1 AND day < l.day ORDER BY day DESC LIMIT 1),
            (SELECT coalesce(json_group_array(score ORDER BY day) FILTER (WHERE score IS NOT NULL), '[]')
             FROM health_snapshot INDEXED BY health_snapshot_trend
             WHERE account_id = l.id AND day >= ?1 AND day <= ?2)
         FROM latest l WHERE l.day IS NOT NULL",
    )
    .bind(from)
    .bind(&to)
    .bind(&to)
    .bind(&scope)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Recomputes every account's current health for the window ending `as_of`.
    pub async fn refresh_health_current(&self, as_of: NaiveDate) -> Result<()> {
        let mut tx = self.write_tx().await?;
        refresh_tx(&mut tx, as_of, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Fills `health_current` from the newest snapshots when a store migrated from before it
    /// has snapshots but no current health yet.
    #[tracing::instrument(level = "debug", skip_all)]
    pub(crate) async fn backfill_health_current(&self) -> Result<()> {
        let latest: Option<String> = sqlx::query(
            "SELECT (SELECT max(day) FROM health_snapshot) WHERE NOT EXISTS (SELECT 1 FROM health_current)",
        )
        .fetch_optional(self.pool())
        .await?
        .and_then(|r| r.get(0));
        if let Some(as_of) = opt_day(latest)? {
            self.refresh_health_current(as_of).await?;
        }
        Ok(())
    }

    /// The day `health_current` was last computed for, if ever.
    #[cfg(test)]
    pub(crate) async fn health_current_as_of(&self) -> Result<Option<NaiveDate>> {
        let v: Option<String> = sqlx::query("SELECT max(as_of) FROM health_current")
            .fetch_one(self.pool())
            .await?
            .get(0);
        opt_day(v)
    }

    /// Active accounts with their current health, by name, in one query; renewals counted from
    /// `today`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn portfolio_records(&self, today: NaiveDate) -> Result<Vec<TableRecord>> {
        let raw: Vec<RawRow> = self
            .json_rows(sqlx::query(
                "SELECT json_group_array(json_array(
                    a.id, a.name, a.segment, a.industry, a.owner, a.lifecycle_stage, a.arr, a.currency,
                    a.renewal_date, h.day, h.score, h.band, h.previous_score,
                    json(coalesce(h.trend, '[]')), r.probability) ORDER BY a.name, a.id)
                 FROM account a LEFT JOIN health_current h ON h.account_id = a.id
                    LEFT JOIN churn_risk r ON r.account_id = a.id
                 WHERE a.deleted = 0 AND a.churned_on IS NULL",
            ))
            .await?;
        raw.into_iter()
            .map(|r| {
                let stage = LifecycleStage::parse(&r.5).unwrap_or(LifecycleStage::Adoption);
                let renewal_date = r.8.as_deref().map(parse_day).transpose()?;
                Ok(TableRecord {
                    scored_on: r.9.as_deref().map(parse_day).transpose()?,
                    row: PortfolioRow {
                        id: r.0,
                        name: r.1,
                        segment: r.2,
                        industry: r.3,
                        owner: r.4,
                        stage,
                        arr: r.6,
                        currency: r.7,
                        days_to_renewal: renewal_date.map(|d| (d - today).num_days()),
                        renewal_date,
                        delta: r.10.zip(r.12).map(|(l, p)| l - p),
                        score: r.10,
                        band: r.11.as_deref().and_then(Band::parse),
                        trend: r.13,
                        risk: r.14,
                    },
                })
            })
            .collect()
    }
}

impl Store {
    /// What every account's (or those in `only`) lifecycle stage is derived from on `today`
    /// (churned ones included).
    pub async fn stage_facts(
        &self,
        today: NaiveDate,
        only: Option<&[i64]>,
    ) -> Result<Vec<crate::domain::views::StageFacts>> {
        let only = only.map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
        type Raw = (
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let raw: Vec<Raw> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(a.id, a.contract_start, a.renewal_date, a.churned_on,
                        (SELECT h.band FROM health_current h WHERE h.account_id = a.id AND h.day = ?1),
                        EXISTS (SELECT 1 FROM deal d WHERE d.account_id = a.id AND d.deleted = 0 AND d.kind = 'expansion' AND d.status = 'open'),
                        (SELECT max(d.close_date) FROM deal d WHERE d.account_id = a.id AND d.deleted = 0 AND d.kind = 'expansion'
                            AND d.status = 'won' AND d.close_date <= ?1),
                        (SELECT min(m.achieved_on) FROM milestone m WHERE m.account_id = a.id AND m.kind = 'first_value'
                            AND m.achieved_on IS NOT NULL),
                        CASE WHEN a.stage_since IS NOT NULL THEN a.lifecycle_stage
                            ELSE (SELECT l.stage FROM lifecycle_history l WHERE l.account_id = a.id
                                  ORDER BY l.entered_on DESC, l.rowid DESC LIMIT 1) END))
                     FROM account a WHERE a.deleted = 0
                        AND (?2 IS NULL OR a.id IN (SELECT value FROM json_each(?2)))",
                )
                .bind(day(today))
                .bind(&only),
            )
            .await?;
        raw.into_iter()
            .map(
                |(id, start, renewal, churned, band, open, won, first, stage)| {
                    Ok(crate::domain::views::StageFacts {
                        account_id: id,
                        contract_start: opt_day(start)?,
                        renewal_date: opt_day(renewal)?,
                        churned_on: opt_day(churned)?,
                        band: band.as_deref().and_then(Band::parse),
                        expansion_open: open != 0,
                        expansion_won_on: opt_day(won)?,
                        first_value_on: opt_day(first)?,
                        current: stage.as_deref().and_then(LifecycleStage::parse),
                    })
                },
            )
            .collect()
    }

    /// Records lifecycle transitions on `today`: the account's stage and since when, and a
    /// history row, and starts the handoff checklists they imply. Accounts never derived before
    /// get the day their stage began, where known.
    pub async fn apply_stages(
        &self,
        changes: &[(i64, LifecycleStage)],
        handoffs: &[crate::domain::journey::NewHandoff],
        today: NaiveDate,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        super::journey::start_handoffs_tx(&mut tx, handoffs).await?;
        for (id, stage) in changes {
            sqlx::query("UPDATE account SET lifecycle_stage = ?, stage_since = ? WHERE id = ?")
                .bind(stage.as_str())
                .bind(day(today))
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO lifecycle_history (account_id, stage, entered_on) VALUES (?, ?, ?)
                 ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(stage.as_str())
            .bind(day(today))
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE account SET stage_since = coalesce(
                (SELECT max(entered_on) FROM lifecycle_history l WHERE l.account_id = account.id AND l.stage = account.lifecycle_stage),
                ?)
             WHERE stage_since IS NULL AND deleted = 0",
        )
        .bind(day(today))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
