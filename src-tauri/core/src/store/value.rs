//! Value realization in the store: what time-to-value reads (each account's contract start and
//! the days its first-value and full-value milestones were achieved) and the value ledger.

use chrono::{DateTime, NaiveDate, Utc};

use super::{day, opt_day, parse_day, parse_ts, ts, Store};
use crate::domain::value::{
    Confirmation, ContactChoice, TtvFacts, UsageFigure, UsageMetric, ValueCategory, ValueEntryForm,
    ValueRecord,
};
use crate::error::{Error, Result};

/// One account as the time-to-value query lists it (serde reads a struct from a JSON array).
#[derive(serde::Deserialize)]
struct TtvRow {
    id: i64,
    name: String,
    owner: String,
    arr: f64,
    start: Option<String>,
    churned: Option<String>,
    first: Option<String>,
    full: Option<String>,
    first_due: Option<String>,
    has_first: i64,
}

impl Store {
    /// Every account on the books with a contract start, and how many have none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn ttv_facts(&self) -> Result<(Vec<TtvFacts>, i64)> {
        let rows: Vec<TtvRow> = self
            .json_rows(sqlx::query(
                "SELECT json_group_array(json_array(a.id, a.name, a.owner, a.arr, a.contract_start,
                        a.churned_on, m.first, m.full, m.first_due, coalesce(m.has_first, 0)))
                 FROM account a LEFT JOIN (
                    SELECT account_id,
                        min(CASE WHEN kind = 'first_value' THEN achieved_on END) AS first,
                        min(CASE WHEN kind = 'full_value' THEN achieved_on END) AS full,
                        min(CASE WHEN kind = 'first_value' AND achieved_on IS NULL THEN target_date END) AS first_due,
                        max(kind = 'first_value') AS has_first
                    FROM milestone WHERE kind IN ('first_value', 'full_value') GROUP BY account_id
                 ) m ON m.account_id = a.id
                 WHERE a.deleted = 0",
            ))
            .await?;
        let mut without_start = 0;
        let mut facts = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(start) = r.start else {
                without_start += 1;
                continue;
            };
            facts.push(TtvFacts {
                account_id: r.id,
                account: r.name,
                owner: r.owner,
                arr: r.arr,
                contract_start: parse_day(&start)?,
                churned_on: opt_day(r.churned)?,
                first_value_on: opt_day(r.first)?,
                full_value_on: opt_day(r.full)?,
                first_value_due: opt_day(r.first_due)?,
                has_first_value_milestone: r.has_first != 0,
            });
        }
        Ok((facts, without_start))
    }
}

/// A value entry row (serde reads a struct from a JSON array in order).
#[derive(serde::Deserialize)]
struct ValueRow {
    id: i64,
    account_id: i64,
    category: String,
    description: String,
    amount: f64,
    currency: String,
    measured_how: String,
    evidence: String,
    evidence_url: String,
    usage_metric: Option<String>,
    usage_value: Option<f64>,
    usage_on: Option<String>,
    recorded_on: String,
    milestone_id: Option<i64>,
    milestone: Option<String>,
    confirmed_by: Option<i64>,
    confirmed_by_name: Option<String>,
    confirmation: String,
    updated_at: Option<String>,
}

/// A value entry to write: the form, its currency resolved and the usage figure it cites.
pub struct ValueWrite<'a> {
    pub form: &'a ValueEntryForm,
    pub currency: String,
    pub usage: Option<UsageFigure>,
    pub now: DateTime<Utc>,
}

impl Store {
    /// The account's value entries with the names of their milestone and confirming contact.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn value_records(&self, account_id: i64) -> Result<Vec<ValueRecord>> {
        let rows: Vec<ValueRow> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(v.id, v.account_id, v.category, v.description,
                        v.amount, v.currency, v.measured_how, v.evidence, v.evidence_url, v.usage_metric,
                        v.usage_value, v.usage_on, v.recorded_on, v.milestone_id, m.name, v.confirmed_by,
                        c.name, v.confirmation, v.updated_at))
                     FROM value_entry v
                     LEFT JOIN milestone m ON m.id = v.milestone_id
                     LEFT JOIN contact c ON c.id = v.confirmed_by
                     WHERE v.account_id = ?",
                )
                .bind(account_id),
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                let usage = match (
                    r.usage_metric.as_deref().and_then(UsageMetric::parse),
                    r.usage_value,
                    r.usage_on,
                ) {
                    (Some(metric), Some(value), Some(on)) => Some(UsageFigure {
                        metric,
                        value,
                        on: parse_day(&on)?,
                    }),
                    _ => None,
                };
                Ok(ValueRecord {
                    id: r.id,
                    account_id: r.account_id,
                    category: ValueCategory::parse(&r.category).unwrap_or(ValueCategory::Other),
                    description: r.description,
                    amount: r.amount,
                    currency: r.currency,
                    measured_how: r.measured_how,
                    evidence: r.evidence,
                    evidence_url: r.evidence_url,
                    usage,
                    recorded_on: parse_day(&r.recorded_on)?,
                    milestone_id: r.milestone_id,
                    milestone: r.milestone,
                    confirmed_by: r.confirmed_by,
                    confirmed_by_name: r.confirmed_by_name,
                    confirmation: Confirmation::parse(&r.confirmation)
                        .unwrap_or(Confirmation::Unconfirmed),
                    updated_at: r.updated_at.as_deref().map(parse_ts).transpose()?,
                })
            })
            .collect()
    }

    /// The account's contacts still with the company, who can confirm a value entry.
    pub async fn value_contacts(&self, account_id: i64) -> Result<Vec<ContactChoice>> {
        let rows: Vec<(i64, String, String)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(id, name, title)) FROM (
                        SELECT id, name, title FROM contact
                        WHERE account_id = ? AND deleted = 0 AND left_company = 0
                        ORDER BY is_sponsor DESC, is_decision_maker DESC, is_champion DESC, name)",
                )
                .bind(account_id),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, title)| ContactChoice { id, name, title })
            .collect())
    }

    /// Whether the milestone and the contact (each when given) belong to the account.
    pub async fn value_links_belong(
        &self,
        account_id: i64,
        milestone_id: Option<i64>,
        contact_id: Option<i64>,
    ) -> Result<(bool, bool)> {
        let (m, c): (i64, i64) = sqlx::query_as(
            "SELECT
                ?2 IS NULL OR EXISTS (SELECT 1 FROM milestone WHERE id = ?2 AND account_id = ?1),
                ?3 IS NULL OR EXISTS (SELECT 1 FROM contact WHERE id = ?3 AND account_id = ?1 AND deleted = 0)",
        )
        .bind(account_id)
        .bind(milestone_id)
        .bind(contact_id)
        .fetch_one(self.pool())
        .await?;
        Ok((m != 0, c != 0))
    }

    /// The usage figure as it stood on `on`: the latest day with usage on or before it.
    pub async fn usage_figure(
        &self,
        account_id: i64,
        metric: UsageMetric,
        on: NaiveDate,
    ) -> Result<Option<UsageFigure>> {
        let column = match metric {
            UsageMetric::ActiveUsers => "active_users",
            UsageMetric::SeatsUsed => "seats_used",
            UsageMetric::FeatureEvents => "feature_events",
        };
        let row: Option<(String, f64)> = sqlx::query_as(&format!(
            "SELECT day, CAST({column} AS REAL) FROM usage_daily
             WHERE account_id = ? AND day <= ? ORDER BY day DESC LIMIT 1"
        ))
        .bind(account_id)
        .bind(day(on))
        .fetch_optional(self.pool())
        .await?;
        row.map(|(d, value)| {
            Ok(UsageFigure {
                metric,
                value,
                on: parse_day(&d)?,
            })
        })
        .transpose()
    }

    /// Creates or updates a value entry and ends its draft; returns its id.
    pub async fn save_value_entry(&self, w: ValueWrite<'_>) -> Result<i64> {
        let f = w.form;
        let recorded = f
            .recorded_on
            .ok_or_else(|| Error::InvalidInput("A value entry needs its day.".into()))?;
        let amount = f
            .amount
            .ok_or_else(|| Error::InvalidInput("A value entry needs an amount.".into()))?;
        let (metric, value, on) = match &w.usage {
            Some(u) => (Some(u.metric.as_str()), Some(u.value), Some(day(u.on))),
            None => (None, None, None),
        };
        let mut tx = self.write_tx().await?;
        let q = match f.id {
            Some(_) => {
                "UPDATE value_entry SET category = ?2, description = ?3, amount = ?4, currency = ?5,
                    measured_how = ?6, evidence = ?7, evidence_url = ?8, usage_metric = ?9,
                    usage_value = ?10, usage_on = ?11, recorded_on = ?12, milestone_id = ?13,
                    confirmed_by = ?14, confirmation = ?15, updated_at = ?16
                 WHERE id = ?17 AND account_id = ?1 RETURNING id"
            }
            None => {
                "INSERT INTO value_entry (account_id, category, description, amount, currency,
                    measured_how, evidence, evidence_url, usage_metric, usage_value, usage_on,
                    recorded_on, milestone_id, confirmed_by, confirmation, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                 RETURNING id"
            }
        };
        let id: Option<i64> = sqlx::query_scalar(q)
            .bind(f.account_id)
            .bind(f.category.as_str())
            .bind(f.description.trim())
            .bind(amount)
            .bind(&w.currency)
            .bind(f.measured_how.trim())
            .bind(f.evidence.trim())
            .bind(f.evidence_url.trim())
            .bind(metric)
            .bind(value)
            .bind(on)
            .bind(day(recorded))
            .bind(f.milestone_id)
            .bind(f.confirmed_by)
            .bind(f.confirmation.as_str())
            .bind(ts(w.now))
            .bind(f.id)
            .fetch_optional(&mut *tx)
            .await?;
        let id = id.ok_or_else(|| Error::NotFound("That value entry".into()))?;
        let target = match f.id {
            Some(id) => format!("value:{id}"),
            None => "value:new".into(),
        };
        super::success::end_draft(&mut tx, f.account_id, &target).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn delete_value_entry(&self, account_id: i64, id: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query("DELETE FROM value_entry WHERE id = ? AND account_id = ?")
            .bind(id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        super::success::found(done, "That value entry")?;
        super::success::end_draft(&mut tx, account_id, &format!("value:{id}")).await?;
        tx.commit().await?;
        Ok(())
    }
}
