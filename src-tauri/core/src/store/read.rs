//! Reads for the portfolio and account screens and for book-level KPIs.

use chrono::NaiveDate;
use sqlx::Row;

use super::{midnight, opt_day, parse_day, parse_ts, Store};
use crate::domain::views::{
    ActivityView, ContactView, DealView, FeedbackView, RetentionInputs, TicketView,
};
use crate::domain::{Crm, DealKind, DealStatus, LifecycleStage, SurveyKind};
use crate::error::{Error, Result};

/// An account row as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRecord {
    pub id: i64,
    pub crm: Crm,
    pub crm_id: String,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub segment: String,
    pub tier: String,
    pub owner: String,
    pub stage: LifecycleStage,
    pub arr: f64,
    pub mrr: f64,
    pub currency: String,
    pub contract_start: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    pub seats_purchased: i64,
    pub churned_on: Option<NaiveDate>,
    /// Where ARR came from: `crm`, `deals` (derived) or `none`.
    pub arr_source: String,
    /// `None`: from the CRM; else how the date was derived (`deals`, `anniversary`).
    pub contract_source: Option<String>,
    pub renewal_source: Option<String>,
    /// `crm`, `deals`, `demo`; `None` while on the books.
    pub churn_source: Option<String>,
    /// The day the current lifecycle stage was entered, once derived.
    pub stage_since: Option<NaiveDate>,
}

const ACCOUNT_COLUMNS: &str = "id, crm, crm_id, name, domain, industry, segment, tier, owner, lifecycle_stage, arr, mrr, currency, contract_start, renewal_date, seats_purchased, churned_on, arr_source, contract_source, renewal_source, churn_source, stage_since";

fn account_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<AccountRecord> {
    Ok(AccountRecord {
        id: r.get(0),
        crm: Crm::parse(r.get(1)).unwrap_or(Crm::Demo),
        crm_id: r.get(2),
        name: r.get(3),
        domain: r.get(4),
        industry: r.get(5),
        segment: r.get(6),
        tier: r.get(7),
        owner: r.get(8),
        stage: LifecycleStage::parse(r.get(9)).unwrap_or(LifecycleStage::Adoption),
        arr: r.get(10),
        mrr: r.get(11),
        currency: r.get(12),
        contract_start: opt_day(r.get(13))?,
        renewal_date: opt_day(r.get(14))?,
        seats_purchased: r.get(15),
        churned_on: opt_day(r.get(16))?,
        arr_source: r.get(17),
        contract_source: r.get(18),
        renewal_source: r.get(19),
        churn_source: r.get(20),
        stage_since: opt_day(r.get(21))?,
    })
}

impl Store {
    /// Accounts still on the books (not churned, not deleted), by name.
    pub async fn active_accounts(&self) -> Result<Vec<AccountRecord>> {
        sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account WHERE deleted = 0 AND churned_on IS NULL ORDER BY name"
        ))
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(account_from_row)
        .collect()
    }

    pub async fn account(&self, id: i64) -> Result<AccountRecord> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account WHERE id = ? AND deleted = 0"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Account {id}")))?;
        account_from_row(&row)
    }

    /// Finds accounts whose name contains `needle` (case-insensitive), best match first.
    pub async fn find_accounts(&self, needle: &str) -> Result<Vec<AccountRecord>> {
        sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM account WHERE deleted = 0 AND instr(lower(name), lower(?1)) > 0
             ORDER BY lower(name) = lower(?1) DESC, length(name), name LIMIT 20"
        ))
        .bind(needle)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(account_from_row)
        .collect()
    }

    pub async fn contacts(&self, account_id: i64) -> Result<Vec<ContactView>> {
        sqlx::query(
            "SELECT id, name, email, title, is_champion, is_sponsor, is_decision_maker, coalesce(advisory_set, is_advisory), last_engaged, left_on, left_reason
             FROM contact WHERE account_id = ? AND deleted = 0
             ORDER BY left_company, is_champion DESC, is_sponsor DESC, is_decision_maker DESC, name",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(ContactView {
                id: r.get(0),
                name: r.get(1),
                email: r.get(2),
                title: r.get(3),
                champion: r.get(4),
                sponsor: r.get(5),
                decision_maker: r.get(6),
                advisory: r.get(7),
                last_engaged: opt_day(r.get(8))?,
                left_on: opt_day(r.get(9))?,
                left_reason: r.get(10),
            })
        })
        .collect()
    }

    pub async fn open_deals(&self, account_id: i64) -> Result<Vec<DealView>> {
        sqlx::query(
            "SELECT id, name, kind, amount, stage, close_date, status FROM deal
             WHERE account_id = ? AND deleted = 0 AND status = 'open' ORDER BY close_date",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(DealView {
                id: r.get(0),
                name: r.get(1),
                kind: DealKind::parse(r.get(2)).unwrap_or(DealKind::New),
                amount: r.get(3),
                stage: r.get(4),
                close_date: parse_day(r.get(5))?,
                status: DealStatus::parse(r.get(6)).unwrap_or(DealStatus::Open),
            })
        })
        .collect()
    }

    /// Open tickets first, then the most recent, at most `limit`.
    pub async fn tickets(&self, account_id: i64, limit: i64) -> Result<Vec<TicketView>> {
        sqlx::query(
            "SELECT id, subject, priority, status, opened_on, closed_on, csat FROM ticket
             WHERE account_id = ? AND deleted = 0
             ORDER BY closed_on IS NOT NULL, opened_on DESC LIMIT ?",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(TicketView {
                id: r.get(0),
                subject: r.get(1),
                priority: r.get(2),
                status: r.get(3),
                opened_on: parse_day(r.get(4))?,
                closed_on: opt_day(r.get(5))?,
                csat: r.get(6),
            })
        })
        .collect()
    }

    /// When the account last had a two-way conversation (a meeting, a call, a reply), if ever.
    pub async fn last_two_way_touch(
        &self,
        account_id: i64,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let at: Option<String> = sqlx::query_scalar(
            "SELECT max(occurred_at) FROM activity WHERE account_id = ? AND two_way = 1 AND deleted = 0",
        )
        .bind(account_id)
        .fetch_one(self.pool())
        .await?;
        at.as_deref().map(parse_ts).transpose()
    }

    pub async fn recent_activities(
        &self,
        account_id: i64,
        limit: i64,
    ) -> Result<Vec<ActivityView>> {
        sqlx::query(
            "SELECT a.id, a.kind, a.direction, a.team, a.occurred_at, a.summary, c.name, a.origin = 'local'
             FROM activity a LEFT JOIN contact c ON c.id = a.contact_id
             WHERE a.account_id = ? AND a.deleted = 0
               -- Feedback and sentiment written to a CRM as notes come back through the sync;
               -- they show as feedback, not a second time as activity.
               AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.connection_id = a.connection_id
                   AND o.crm_id = a.crm_id AND o.kind != 'note')
             ORDER BY a.occurred_at DESC LIMIT ?",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(ActivityView {
                id: r.get(0),
                kind: r.get(1),
                direction: r.get(2),
                team: r.get(3),
                at: parse_ts(r.get(4))?,
                summary: r.get(5),
                contact: r.get(6),
                captured_here: r.get(7),
            })
        })
        .collect()
    }

    pub async fn recent_feedback(&self, account_id: i64, limit: i64) -> Result<Vec<FeedbackView>> {
        sqlx::query(
            "SELECT s.kind, s.score, s.verbatim, s.channel, s.captured_at, coalesce(c.name, nullif(s.speaker, '')), s.origin = 'local'
             FROM survey_response s LEFT JOIN contact c ON c.id = s.contact_id
             WHERE s.account_id = ? AND s.deleted = 0 AND (s.kind = 'nps' OR s.verbatim != '')
             ORDER BY s.captured_at DESC LIMIT ?",
        )
        .bind(account_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(FeedbackView {
                kind: SurveyKind::parse(r.get(0)).unwrap_or(SurveyKind::Nps),
                score: r.get(1),
                verbatim: r.get(2),
                channel: r.get(3),
                captured_at: parse_ts(r.get(4))?,
                contact: r.get(5),
                captured_here: r.get(6),
            })
        })
        .collect()
    }

    /// Scores of `kind` responses captured from `from` (inclusive) to `to` (inclusive).
    /// `(day captured, score)` of every `kind` response captured from `from` to `to` inclusive.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn survey_scores(
        &self,
        kind: SurveyKind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(NaiveDate, i64)>> {
        // SQLite counts responses per day and score; a few thousand groups instead of every row.
        let counts: Vec<(NaiveDate, i64, usize)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(d, score, n)) FROM (
                        SELECT substr(captured_at, 1, 10) AS d, score, count(*) AS n FROM survey_response
                        WHERE kind = ? AND captured_at >= ? AND captured_at < ? AND deleted = 0 GROUP BY d, score)",
                )
                .bind(kind.as_str())
                .bind(midnight(from))
                .bind(midnight(to + chrono::Duration::days(1))),
            )
            .await?;
        Ok(counts
            .into_iter()
            .flat_map(|(d, score, n)| std::iter::repeat_n((d, score), n))
            .collect())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn retention_inputs(&self) -> Result<RetentionInputs> {
        let (accounts, deals) = tokio::try_join!(
            // Deleted accounts stay: they were in the cohorts of their day.
            self.json_rows(sqlx::query(
                "SELECT json_group_array(json_object('id', id, 'contract_start', contract_start,
                    'churned_on', churned_on, 'deleted_on', CASE WHEN deleted = 1 THEN substr(coalesce(deleted_at, synced_at), 1, 10) END,
                    'arr', arr)) FROM account
                 WHERE contract_start IS NOT NULL",
            )),
            self.json_rows(sqlx::query(
                "SELECT json_group_array(json_array(account_id, kind, status, amount, close_date)) FROM deal
                 WHERE deleted = 0 AND status != 'open' AND account_id IS NOT NULL",
            )),
        )?;
        Ok(RetentionInputs { accounts, deals })
    }
}
