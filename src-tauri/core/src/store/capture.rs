//! Captures (feedback, notes, sentiment) with their outbox entries, drafts, and the outbox's
//! own bookkeeping for the sender.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{parse_ts, ts, Store};
use crate::domain::capture::{
    CaptureForm, ContactFacts, OutboxEntryView, OutboxRecord, OutboxState, Speaker, WriteKind,
    WritePayload,
};
use crate::error::{Error, ErrorCode, IpcError, Result};

/// Where an account's writes go.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountTarget {
    /// `None` for demo accounts: nothing to tell a CRM.
    pub connection_id: Option<i64>,
    pub crm: String,
    pub crm_id: String,
    /// The account owner's id in the CRM: the AM's own tasks are assigned to it.
    pub owner_crm_id: Option<String>,
}

/// A new capture: the form (valid), what the CRM will read, and the key it goes under.
pub struct NewCapture<'a> {
    pub form: &'a CaptureForm,
    pub payload: &'a WritePayload,
    pub key: &'a str,
    pub now: DateTime<Utc>,
    /// The form's draft is done with (false when the app wrote the capture itself, e.g. a
    /// milestone update's note, and the user's own note draft must stay).
    pub ends_draft: bool,
}

/// How an attempt ended, as the store records it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxUpdate {
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<IpcError>,
    pub crm_id: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

const VIEW_COLUMNS: &str = "o.id, o.idempotency_key, c.name, o.account_id, a.name, o.kind, o.payload, o.state,
    o.attempts, o.next_attempt_at, o.error_code, o.last_error, o.crm_id, o.created_at, o.delivered_at, c.crm, c.base_url, a.crm_id";

fn view_of(r: &sqlx::sqlite::SqliteRow) -> Result<OutboxEntryView> {
    let payload: WritePayload = serde_json::from_str(r.get(6))
        .map_err(|e| Error::Storage(format!("an unreadable outbox entry: {e}")))?;
    let code: Option<String> = r.get(10);
    let crm_id: Option<String> = r.get(12);
    let crm: String = r.get(15);
    let base: String = r.get(16);
    let kind = WriteKind::parse(r.get(5)).unwrap_or(WriteKind::Note);
    Ok(OutboxEntryView {
        id: r.get(0),
        key: r.get(1),
        connection: r.get(2),
        account_id: r.get(3),
        account: r.get(4),
        kind,
        summary: payload.subject.clone(),
        state: OutboxState::parse(r.get(7)).unwrap_or(OutboxState::Pending),
        attempts: r.get(8),
        next_attempt_at: parse_ts(r.get(9))?,
        last_error: code.map(|c| IpcError {
            code: ErrorCode::parse(&c),
            message: r.get::<Option<String>, _>(11).unwrap_or_default(),
        }),
        crm_url: crm_id
            .as_deref()
            .map(|id| crm_record_url(&crm, &base, kind, id, r.get(17))),
        crm_id,
        created_at: parse_ts(r.get(13))?,
        delivered_at: r
            .get::<Option<String>, _>(14)
            .as_deref()
            .map(parse_ts)
            .transpose()?,
    })
}

/// Where a delivered record opens in the CRM's own screens.
fn crm_record_url(
    crm: &str,
    base: &str,
    kind: WriteKind,
    id: &str,
    account_crm_id: String,
) -> String {
    let base = base.trim_end_matches('/');
    if crm == "salesforce" {
        // The instance's Lightning address serves /{id} for any record.
        format!("{base}/{id}")
    } else {
        // HubSpot notes open on their company's record; the web app lives beside the API host.
        let app = if base.contains("api.hubapi.com") {
            "https://app.hubspot.com".to_string()
        } else {
            base.to_string()
        };
        match kind {
            // Updates land on the record itself: the company (0-2) or the contact (0-1).
            WriteKind::Score => format!("{app}/contacts/_/record/0-2/{id}"),
            WriteKind::Advisory => format!("{app}/contacts/_/record/0-1/{id}"),
            // Feedback in the portal's custom object carries its type: `2-…:id`.
            _ if id.contains(':') => {
                let (ty, rec) = id.split_once(':').unwrap_or((id, id));
                format!("{app}/contacts/_/record/{ty}/{rec}")
            }
            _ => format!("{app}/contacts/_/record/0-2/{account_crm_id}/view/1?engagement={id}"),
        }
    }
}

fn record_of(r: &sqlx::sqlite::SqliteRow) -> Result<OutboxRecord> {
    let code: Option<String> = r.get(9);
    Ok(OutboxRecord {
        id: r.get(0),
        key: r.get(1),
        connection_id: r.get(2),
        account_id: r.get(3),
        kind: WriteKind::parse(r.get(4)).unwrap_or(WriteKind::Note),
        payload: serde_json::from_str(r.get(5))
            .map_err(|e| Error::Storage(format!("an unreadable outbox entry: {e}")))?,
        state: OutboxState::parse(r.get(6)).unwrap_or(OutboxState::Pending),
        attempts: r.get(7),
        next_attempt_at: parse_ts(r.get(8))?,
        last_error: code.map(|c| IpcError {
            code: ErrorCode::parse(&c),
            message: r.get::<Option<String>, _>(10).unwrap_or_default(),
        }),
        last_attempt_at: r
            .get::<Option<String>, _>(11)
            .as_deref()
            .map(parse_ts)
            .transpose()?,
        crm_id: r.get(12),
        created_at: parse_ts(r.get(13))?,
        delivered_at: r
            .get::<Option<String>, _>(14)
            .as_deref()
            .map(parse_ts)
            .transpose()?,
    })
}

/// A new outbox entry: the key it goes under, where it goes, the local row it writes, and what
/// the CRM reads.
pub(super) struct NewEntry<'a> {
    pub key: &'a str,
    pub connection_id: i64,
    pub account_id: i64,
    pub kind: WriteKind,
    pub record_id: i64,
    pub payload: &'a WritePayload,
}

/// Queues `e` in the caller's transaction (with the local row it writes); returns its id.
pub(super) async fn insert_entry(
    tx: &mut sqlx::SqliteConnection,
    e: NewEntry<'_>,
    now: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO outbox (idempotency_key, connection_id, account_id, kind, record_id, payload,
            state, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id",
    )
    .bind(e.key)
    .bind(e.connection_id)
    .bind(e.account_id)
    .bind(e.kind.as_str())
    .bind(e.record_id)
    .bind(serde_json::to_string(e.payload).map_err(|err| Error::Storage(err.to_string()))?)
    .bind(now)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?)
}

const RECORD_COLUMNS: &str =
    "id, idempotency_key, connection_id, account_id, kind, payload, state, attempts,
    next_attempt_at, error_code, last_error, last_attempt_at, crm_id, created_at, delivered_at";

impl Store {
    /// The account's live contacts, for the forms and their checks.
    pub async fn capture_contacts(&self, account_id: i64) -> Result<Vec<ContactFacts>> {
        let rows = sqlx::query(
            "SELECT id, name, email, CASE WHEN crm IN ('hubspot', 'salesforce') THEN crm_id END
             FROM contact WHERE account_id = ? AND deleted = 0 ORDER BY name",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| ContactFacts {
                id: r.get(0),
                name: r.get(1),
                email: r.get(2),
                crm_id: r.get(3),
            })
            .collect())
    }

    /// Where the account's writes go; `NotFound` for an unknown or deleted account.
    pub async fn account_target(&self, account_id: i64) -> Result<AccountTarget> {
        let row = sqlx::query(
            "SELECT connection_id, crm, crm_id, owner_crm_id FROM account WHERE id = ? AND deleted = 0",
        )
        .bind(account_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Account {account_id}")))?;
        Ok(AccountTarget {
            connection_id: row.get(0),
            crm: row.get(1),
            crm_id: row.get(2),
            owner_crm_id: row.get(3),
        })
    }

    /// Saves a capture: its local row (which counts in scores at once), its outbox entry when the
    /// account has a CRM, and the end of its draft, in one transaction. Returns the entry's id.
    pub async fn save_capture(
        &self,
        c: NewCapture<'_>,
        target: &AccountTarget,
    ) -> Result<Option<i64>> {
        let mut tx = self.write_tx().await?;
        let now = ts(c.now);
        let at = ts(c.payload.at);
        let account_id = c.form.account_id();
        let record_id: i64 = match c.form {
            CaptureForm::Feedback(f) => {
                let fb = c.payload.feedback.as_ref().ok_or_else(|| Error::Storage("feedback without its payload".into()))?;
                let (contact_id, speaker) = match &f.speaker {
                    Speaker::Contact { id } => (Some(*id), String::new()),
                    Speaker::New { name, email } => (None, format!("{} <{}>", name.trim(), email.trim())),
                    Speaker::Unknown => (None, String::new()),
                };
                sqlx::query_scalar(
                    "INSERT INTO survey_response (connection_id, account_id, contact_id, crm, kind, score, verbatim,
                        channel, themes, captured_at, origin, sync_state, tags, speaker, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, '[]', ?, 'local', 'local', ?, ?, ?) RETURNING id",
                )
                .bind(target.connection_id)
                .bind(account_id)
                .bind(contact_id)
                .bind(&target.crm)
                .bind(fb.kind.as_str())
                .bind(fb.score)
                .bind(&fb.verbatim)
                .bind(fb.channel.as_str())
                .bind(&at)
                .bind(serde_json::to_string(&fb.tags).unwrap_or_else(|_| "[]".into()))
                .bind(speaker)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?
            }
            CaptureForm::Note(f) => {
                // Notes with attendees record a conversation with the client: a two-way touch.
                let met = !f.attendees.is_empty();
                sqlx::query_scalar(
                    "INSERT INTO activity (connection_id, account_id, contact_id, crm, crm_id, kind, direction,
                        occurred_at, team, summary, two_way, updated_at, synced_at, origin)
                     VALUES (?, ?, ?, 'local', ?, ?, ?, ?, 'cs', ?, ?, ?, ?, 'local') RETURNING id",
                )
                .bind(target.connection_id)
                .bind(account_id)
                .bind(f.attendees.first())
                .bind(format!("local:{}", c.key))
                .bind(if met { "meeting" } else { "note" })
                .bind(if met { "two_way" } else { "internal" })
                .bind(&at)
                .bind(&c.payload.body)
                .bind(met)
                .bind(&now)
                .bind(&now)
                .fetch_one(&mut *tx)
                .await?
            }
            CaptureForm::Sentiment(f) => {
                sqlx::query_scalar("INSERT INTO am_sentiment (account_id, value, note, set_at) VALUES (?, ?, ?, ?) RETURNING id")
                    .bind(account_id)
                    .bind(f.value)
                    .bind(f.reason.trim())
                    .bind(&now)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        let entry = match target.connection_id {
            Some(conn) => Some(
                insert_entry(
                    &mut tx,
                    NewEntry {
                        key: c.key,
                        connection_id: conn,
                        account_id,
                        kind: c.form.kind(),
                        record_id,
                        payload: c.payload,
                    },
                    &now,
                )
                .await?,
            ),
            None => None,
        };
        if c.ends_draft {
            sqlx::query("DELETE FROM capture_draft WHERE account_id = ? AND form = ?")
                .bind(account_id)
                .bind(c.form.kind().as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(entry)
    }

    /// Keeps what a form holds (replacing the account's previous draft of that form).
    pub async fn save_draft(&self, form: &CaptureForm, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO capture_draft (account_id, form, body, saved_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (account_id, form) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
        )
        .bind(form.account_id())
        .bind(form.kind().as_str())
        .bind(serde_json::to_string(form).map_err(|e| Error::Storage(e.to_string()))?)
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The account's drafts, newest first.
    pub async fn drafts(&self, account_id: i64) -> Result<Vec<(CaptureForm, DateTime<Utc>)>> {
        let rows = sqlx::query(
            "SELECT body, saved_at FROM capture_draft WHERE account_id = ? ORDER BY saved_at DESC",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .filter_map(|r| {
                // A draft from an older form layout that no longer reads is skipped, not fatal.
                let form: CaptureForm = serde_json::from_str(r.get(0)).ok()?;
                Some(parse_ts(r.get(1)).map(|t| (form, t)))
            })
            .collect()
    }

    pub async fn discard_draft(&self, account_id: i64, kind: WriteKind) -> Result<()> {
        sqlx::query("DELETE FROM capture_draft WHERE account_id = ? AND form = ?")
            .bind(account_id)
            .bind(kind.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Every outbox entry (optionally one account's), newest first.
    pub async fn outbox_entries(&self, account_id: Option<i64>) -> Result<Vec<OutboxEntryView>> {
        let rows = sqlx::query(&format!(
            "SELECT {VIEW_COLUMNS} FROM outbox o JOIN crm_connection c ON c.id = o.connection_id
             JOIN account a ON a.id = o.account_id
             WHERE ?1 IS NULL OR o.account_id = ?1 ORDER BY o.created_at DESC, o.id DESC"
        ))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(view_of).collect()
    }

    /// One entry as the screens show it.
    pub async fn outbox_entry(&self, id: i64) -> Result<OutboxEntryView> {
        let row = sqlx::query(&format!(
            "SELECT {VIEW_COLUMNS} FROM outbox o JOIN crm_connection c ON c.id = o.connection_id
             JOIN account a ON a.id = o.account_id WHERE o.id = ?"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Outbox entry {id}")))?;
        view_of(&row)
    }

    /// How many entries are not delivered yet.
    pub async fn outbox_waiting(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM outbox WHERE state != 'delivered'")
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Entries the app stopped in the middle of sending (a crash, a quit, `kill -9`) may have
    /// reached the CRM: they become unconfirmed, to be looked up before any resend.
    pub async fn outbox_recover(&self) -> Result<u64> {
        Ok(
            sqlx::query("UPDATE outbox SET state = 'unconfirmed' WHERE state = 'sending'")
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }

    /// Every entry not delivered and not failed, oldest first (the order each record was captured in).
    pub async fn outbox_open(&self, connection_id: i64) -> Result<Vec<OutboxRecord>> {
        let rows = sqlx::query(&format!(
            "SELECT {RECORD_COLUMNS} FROM outbox WHERE connection_id = ? AND state IN ('pending', 'unconfirmed', 'sending')
             ORDER BY created_at, id"
        ))
        .bind(connection_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(record_of).collect()
    }

    /// How many of a connection's entries the CRM refused for good.
    pub async fn outbox_failed(&self, connection_id: i64) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM outbox WHERE connection_id = ? AND state = 'failed'",
        )
        .bind(connection_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// Connections with entries on their way.
    pub async fn outbox_connections(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT connection_id FROM outbox WHERE state IN ('pending', 'unconfirmed', 'sending') ORDER BY 1",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Marks an entry as being sent (before the request leaves), so a crash leaves it unconfirmed.
    pub async fn outbox_sending(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET state = 'sending', last_attempt_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(ts(now))
        .bind(ts(now))
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records how an attempt ended. On delivery the local row takes the CRM's id, so the next
    /// sync updates that row instead of adding the same record a second time.
    pub async fn outbox_update(&self, id: i64, u: &OutboxUpdate, now: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE outbox SET state = ?, attempts = ?, next_attempt_at = ?, error_code = ?, last_error = ?,
                crm_id = coalesce(?, crm_id), delivered_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(u.state.as_str())
        .bind(u.attempts)
        .bind(ts(u.next_attempt_at))
        .bind(u.last_error.as_ref().map(|e| e.code.as_str()))
        .bind(u.last_error.as_ref().map(|e| e.message.clone()))
        .bind(&u.crm_id)
        .bind(u.delivered_at.map(ts))
        .bind(ts(now))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let (OutboxState::Delivered, Some(crm_id)) = (u.state, &u.crm_id) {
            let (kind, record): (String, i64) =
                sqlx::query_as("SELECT kind, record_id FROM outbox WHERE id = ?")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            // Only notes come back through the sync (as activities); feedback and sentiment
            // stay local rows, whatever record the CRM filed them as.
            if WriteKind::parse(&kind) == Some(WriteKind::Note) {
                let table = "activity";
                // Another row of that connection may already hold the id (a sync ran between
                // the write and its answer): then the CRM's row stands and the local one goes.
                let sql = format!(
                    "UPDATE OR IGNORE {table} SET crm = (SELECT c.crm FROM crm_connection c JOIN outbox o ON o.connection_id = c.id WHERE o.id = ?1),
                        crm_id = ?2 WHERE id = ?3"
                );
                let changed = sqlx::query(&sql)
                    .bind(id)
                    .bind(crm_id)
                    .bind(record)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() == 0 {
                    sqlx::query(&format!(
                        "DELETE FROM {table} WHERE id = ? AND origin = 'local'"
                    ))
                    .bind(record)
                    .execute(&mut *tx)
                    .await?;
                }
            } else if WriteKind::parse(&kind) == Some(WriteKind::Score) {
                // Only the newest score written matters: the ones it supersedes go, so the
                // outbox keeps one delivered score per account rather than one per change.
                sqlx::query(
                    "DELETE FROM outbox WHERE kind = 'score' AND state = 'delivered' AND id != ?1
                       AND (connection_id, account_id) = (SELECT connection_id, account_id FROM outbox WHERE id = ?1)",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            } else if WriteKind::parse(&kind) == Some(WriteKind::Task) {
                sqlx::query("UPDATE task SET crm_task_id = ? WHERE id = ?")
                    .bind(crm_id)
                    .bind(record)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// A failed entry goes back in the queue (the user fixed what the CRM refused).
    pub async fn outbox_retry(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let n = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state IN ('failed', 'pending')",
        )
        .bind(ts(now))
        .bind(ts(now))
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::NotFound(format!(
                "A failed or waiting outbox entry {id}"
            )));
        }
        Ok(())
    }
}
