//! The client advisory program: membership set in Rapport (kept apart from what the CRM says,
//! so a sync never undoes it) with its outbox entry, and the members with their last feedback.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::capture::{insert_entry, NewEntry};
use super::{opt_day, parse_ts, ts, Store};
use crate::domain::capture::{OutboxState, WriteKind, WritePayload};
use crate::domain::followup::AdvisoryMember;
use crate::domain::SurveyKind;
use crate::error::{Error, Result};

/// A contact as the advisory write needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct AdvisoryTarget {
    pub account_id: i64,
    pub name: String,
    /// Where the flag goes: the account's connection and the contact's id in that CRM (none
    /// for demo contacts or people not in the CRM yet).
    pub connection_id: Option<i64>,
    pub crm_id: Option<String>,
    pub member: bool,
}

impl Store {
    pub async fn advisory_target(&self, contact_id: i64) -> Result<AdvisoryTarget> {
        let r = sqlx::query(
            "SELECT c.account_id, c.name, a.connection_id,
                    CASE WHEN c.crm IN ('hubspot', 'salesforce') THEN c.crm_id END,
                    coalesce(c.advisory_set, c.is_advisory)
             FROM contact c JOIN account a ON a.id = c.account_id AND a.deleted = 0
             WHERE c.id = ? AND c.deleted = 0",
        )
        .bind(contact_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Contact {contact_id}")))?;
        Ok(AdvisoryTarget {
            account_id: r.get(0),
            name: r.get(1),
            connection_id: r.get(2),
            crm_id: r.get(3),
            member: r.get::<i64, _>(4) != 0,
        })
    }

    /// Sets the contact's membership and, when it has a CRM to tell, queues the write, in one
    /// transaction. Returns the outbox entry's id.
    pub async fn set_advisory(
        &self,
        contact_id: i64,
        member: bool,
        now: DateTime<Utc>,
        write: Option<(i64, &str, &WritePayload)>,
    ) -> Result<Option<i64>> {
        let mut tx = self.write_tx().await?;
        let at = ts(now);
        let account_id: i64 = sqlx::query_scalar(
            "UPDATE contact SET advisory_set = ?, advisory_set_at = ? WHERE id = ? AND deleted = 0 RETURNING account_id",
        )
        .bind(member)
        .bind(&at)
        .bind(contact_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::NotFound(format!("Contact {contact_id}")))?;
        let mut entry = None;
        if let Some((conn, key, payload)) = write {
            entry = Some(
                insert_entry(
                    &mut tx,
                    NewEntry {
                        key,
                        connection_id: conn,
                        account_id,
                        kind: WriteKind::Advisory,
                        record_id: contact_id,
                        payload,
                    },
                    &at,
                )
                .await?,
            );
        }
        tx.commit().await?;
        Ok(entry)
    }

    /// `(contact id, account name)` of the live contacts with this email (any case).
    pub async fn contacts_by_email(&self, email: &str) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT c.id, a.name FROM contact c JOIN account a ON a.id = c.account_id AND a.deleted = 0
             WHERE c.deleted = 0 AND lower(c.email) = lower(?) ORDER BY a.name",
        )
        .bind(email.trim())
        .fetch_all(self.pool())
        .await?)
    }

    /// Every member of the advisory program (of live accounts), by account then name.
    pub async fn advisory_members(&self) -> Result<Vec<AdvisoryMember>> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, c.email, c.title, a.id, a.name, s.kind, s.score, s.captured_at, c.last_engaged,
                    c.advisory_set IS NOT NULL,
                    (SELECT o.state FROM outbox o WHERE o.kind = 'advisory' AND o.record_id = c.id ORDER BY o.id DESC LIMIT 1)
             FROM contact c
             JOIN account a ON a.id = c.account_id AND a.deleted = 0
             LEFT JOIN survey_response s ON s.id = (
                 SELECT s2.id FROM survey_response s2 WHERE s2.contact_id = c.id AND s2.deleted = 0
                 ORDER BY s2.captured_at DESC LIMIT 1)
             WHERE c.deleted = 0 AND coalesce(c.advisory_set, c.is_advisory) = 1
             ORDER BY a.name, c.name",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(AdvisoryMember {
                    contact_id: r.get(0),
                    name: r.get(1),
                    email: r.get(2),
                    title: r.get(3),
                    account_id: r.get(4),
                    account: r.get(5),
                    last_kind: r
                        .get::<Option<String>, _>(6)
                        .as_deref()
                        .and_then(SurveyKind::parse),
                    last_score: r.get(7),
                    last_feedback_at: r
                        .get::<Option<String>, _>(8)
                        .as_deref()
                        .map(parse_ts)
                        .transpose()?,
                    last_engaged: opt_day(r.get(9))?,
                    set_here: r.get(10),
                    delivery: r
                        .get::<Option<String>, _>(11)
                        .as_deref()
                        .and_then(OutboxState::parse),
                })
            })
            .collect()
    }
}
