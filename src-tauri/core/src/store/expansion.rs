//! What expansion reads (each live account's seats, tier, health, seat utilisation as the latest
//! score read it, promoters, open and won expansion deals, handoffs) and the handoff itself: the
//! record, the sales task and, for a CRM account, its outbox entry, in one transaction.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::capture::{insert_entry, NewEntry};
use super::health::decode_components;
use super::tasks::add_note;
use super::{day, opt_day, parse_day, ts, Store};
use crate::domain::capture::{WriteKind, WritePayload};
use crate::domain::expansion::{ExpansionFacts, ExpansionKind, Handoff};
use crate::domain::health::{Band, Measure};
use crate::error::{Error, Result};

/// One account as the expansion query lists it (serde reads a struct from a JSON array).
#[derive(serde::Deserialize)]
struct Row {
    id: i64,
    name: String,
    owner: String,
    tier: String,
    seats: i64,
    arr: f64,
    currency: String,
    band: Option<String>,
    score: Option<i64>,
    trend: Option<String>,
    components: Option<String>,
    promoter: Option<i64>,
    promoter_at: Option<String>,
    promoter_who: Option<String>,
    open_expansion: Option<f64>,
    handoff: Option<i64>,
    kind: Option<String>,
    handoff_seats: Option<i64>,
    handoff_value: Option<f64>,
    handed_on: Option<String>,
    handed_by: Option<String>,
    task_id: Option<i64>,
    won: Option<f64>,
    won_on: Option<String>,
}

/// A handoff to record with the sales task it makes.
pub struct NewHandoff<'a> {
    pub account_id: i64,
    pub kind: ExpansionKind,
    pub seats: i64,
    pub estimated_value: f64,
    pub currency: &'a str,
    pub evidence: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub due_on: NaiveDate,
    pub by: &'a str,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// Refused while an earlier handoff is newer than this.
    pub open_since: NaiveDate,
    /// For a CRM account: the connection, the key and what the CRM task says.
    pub crm: Option<(i64, String, &'a WritePayload)>,
}

impl Store {
    /// Every live account with the facts its expansion signals read on `today`.
    #[tracing::instrument(level = "debug", skip(self))]
    pub async fn expansion_facts(&self, today: NaiveDate) -> Result<Vec<ExpansionFacts>> {
        let rows: Vec<Row> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(a.id, a.name, a.owner, a.tier, a.seats_purchased,
                        a.arr, a.currency, h.band, h.score, h.trend, s.components,
                        p.score, p.captured_at, p.who, e.amount,
                        x.id, x.kind, x.seats, x.estimated_value, x.handed_on, x.handed_by, x.task_id,
                        w.amount, w.last))
                     FROM account a
                     LEFT JOIN health_current h ON h.account_id = a.id
                     LEFT JOIN health_snapshot s ON s.account_id = a.id AND s.day = h.day
                     LEFT JOIN (
                        SELECT r.account_id, r.score, r.captured_at, c.name AS who,
                            row_number() OVER (PARTITION BY r.account_id ORDER BY r.captured_at DESC) AS n
                        FROM survey_response r LEFT JOIN contact c ON c.id = r.contact_id
                        WHERE r.kind = 'nps' AND r.score >= 9 AND r.captured_at >= ?1
                     ) p ON p.account_id = a.id AND p.n = 1
                     LEFT JOIN (
                        SELECT account_id, sum(amount) AS amount FROM deal
                        WHERE deleted = 0 AND kind = 'expansion' AND status = 'open' GROUP BY account_id
                     ) e ON e.account_id = a.id
                     LEFT JOIN (
                        SELECT *, row_number() OVER (PARTITION BY account_id ORDER BY handed_on DESC, id DESC) AS n
                        FROM expansion_handoff
                     ) x ON x.account_id = a.id AND x.n = 1
                     LEFT JOIN (
                        SELECT d.account_id, sum(d.amount) AS amount, max(d.close_date) AS last
                        FROM deal d JOIN (
                            SELECT account_id, max(handed_on) AS since FROM expansion_handoff GROUP BY account_id
                        ) hx ON hx.account_id = d.account_id AND d.close_date >= hx.since
                        WHERE d.deleted = 0 AND d.kind = 'expansion' AND d.status = 'won'
                        GROUP BY d.account_id
                     ) w ON w.account_id = a.id
                     WHERE a.deleted = 0 AND a.churned_on IS NULL",
                )
                .bind(day(today - Duration::days(180))),
            )
            .await?;
        rows.into_iter()
            .map(|r| {
                let seats = r
                    .components
                    .as_deref()
                    .map(decode_components)
                    .unwrap_or_default()
                    .into_iter()
                    .find(|c| c.measure == Measure::SeatUtilisation);
                let trend: Vec<i64> = r
                    .trend
                    .as_deref()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default();
                let handoff = match (r.handoff, r.kind.as_deref().and_then(ExpansionKind::parse)) {
                    (Some(id), Some(kind)) => Some(Handoff {
                        id,
                        kind,
                        seats: r.handoff_seats.unwrap_or_default(),
                        estimated_value: r.handoff_value.unwrap_or_default(),
                        handed_on: parse_day(r.handed_on.as_deref().unwrap_or_default())?,
                        handed_by: r.handed_by.unwrap_or_default(),
                        task_id: r.task_id,
                    }),
                    _ => None,
                };
                let promoter = match (r.promoter, r.promoter_at) {
                    (Some(score), Some(at)) => Some((
                        score,
                        parse_day(at.get(..10).unwrap_or_default())?,
                        r.promoter_who.unwrap_or_default(),
                    )),
                    _ => None,
                };
                Ok(ExpansionFacts {
                    account_id: r.id,
                    account: r.name,
                    owner: r.owner,
                    tier: r.tier,
                    seats: r.seats,
                    arr: r.arr,
                    currency: r.currency,
                    band: r.band.as_deref().and_then(Band::parse),
                    score: r.score,
                    score_before: trend.first().copied(),
                    utilisation: seats.as_ref().and_then(|c| c.raw),
                    usage_on: seats.and_then(|c| c.input_on),
                    promoter,
                    open_expansion: r.open_expansion,
                    handoff,
                    won_since: match (r.won, opt_day(r.won_on)?) {
                        (Some(amount), Some(on)) => Some((amount, on)),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// Each live account's tier, ARR, seats and currency, for the estimated price book.
    pub async fn tier_prices(&self) -> Result<Vec<(String, f64, i64, String)>> {
        self.json_rows(sqlx::query(
            "SELECT json_group_array(json_array(tier, arr, seats_purchased, currency)) FROM account
             WHERE deleted = 0 AND churned_on IS NULL",
        ))
        .await
    }

    /// Records a handoff and its sales task (and the task's CRM write); returns the task and
    /// outbox ids. Refused while an earlier handoff of the account is still with sales.
    pub async fn hand_off(&self, h: &NewHandoff<'_>) -> Result<(i64, Option<i64>)> {
        let mut tx = self.write_tx().await?;
        let open: Option<String> = sqlx::query_scalar(
            "SELECT max(handed_on) FROM expansion_handoff WHERE account_id = ? AND handed_on >= ?",
        )
        .bind(h.account_id)
        .bind(day(h.open_since))
        .fetch_one(&mut *tx)
        .await?;
        if let Some(on) = open {
            return Err(Error::InvalidInput(format!(
                "This opportunity was handed to sales on {on} already."
            )));
        }
        let now = ts(h.now);
        let task_id: i64 = sqlx::query_scalar(
            "INSERT INTO task (account_id, title, description, owner_team, owner, due_on, status, created_at)
             VALUES (?, ?, ?, 'sales', '', ?, 'open', ?) RETURNING id",
        )
        .bind(h.account_id)
        .bind(h.title)
        .bind(h.description)
        .bind(day(h.due_on))
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        add_note(
            &mut tx,
            task_id,
            "event",
            &now,
            h.by,
            "Expansion opportunity handed to sales.",
        )
        .await?;
        sqlx::query(
            "INSERT INTO expansion_handoff (account_id, kind, seats, estimated_value, currency, evidence,
                task_id, handed_on, handed_at, handed_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(h.account_id)
        .bind(h.kind.as_str())
        .bind(h.seats)
        .bind(h.estimated_value)
        .bind(h.currency)
        .bind(h.evidence)
        .bind(task_id)
        .bind(day(h.today))
        .bind(&now)
        .bind(h.by)
        .execute(&mut *tx)
        .await?;
        let entry = match &h.crm {
            Some((connection_id, key, payload)) => Some(
                insert_entry(
                    &mut tx,
                    NewEntry {
                        key,
                        connection_id: *connection_id,
                        account_id: h.account_id,
                        kind: WriteKind::Task,
                        record_id: task_id,
                        payload,
                    },
                    &now,
                )
                .await?,
            ),
            None => None,
        };
        tx.commit().await?;
        Ok((task_id, entry))
    }
}
