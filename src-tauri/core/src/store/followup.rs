//! Follow-ups on unhappy feedback: the responses that may call for one, the AM's decisions, and
//! accepting one as tasks with their outbox entries in one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::capture::{insert_entry, NewEntry};
use super::{day, parse_day, parse_ts, ts, AccountTarget, Store};
use crate::domain::capture::{OutboxState, WriteKind, WritePayload};
use crate::domain::followup::{
    Escalation, FollowUpFacts, FollowUpState, FollowUpTask, FollowUpView,
};
use crate::domain::SurveyKind;
use crate::error::{Error, Result};

/// A task to make on acceptance: its team, what the CRM gets, and the key it goes under.
pub struct NewTask<'a> {
    pub team: &'a str,
    pub payload: &'a WritePayload,
    pub key: String,
}

/// The AM's decision as the store records it.
pub struct Decision<'a> {
    pub response_id: i64,
    pub account_id: i64,
    pub state: FollowUpState,
    pub title: &'a str,
    pub due_on: NaiveDate,
    pub escalation: Escalation,
    pub reason: &'a str,
    pub owner: &'a str,
    pub now: DateTime<Utc>,
}

impl Store {
    /// NPS and CSAT responses captured since `since` that may call for a follow-up (the rules
    /// decide), of live accounts, newest first, with any decision and its tasks.
    pub async fn followup_facts(
        &self,
        since: DateTime<Utc>,
        account_id: Option<i64>,
    ) -> Result<Vec<FollowUpFacts>> {
        let rows = sqlx::query(
            "SELECT s.id, a.id, a.name, a.owner, s.kind, s.score, s.verbatim, coalesce(c.name, nullif(s.speaker, '')),
                    s.captured_at, f.state, f.title, f.due_on, f.escalation, f.reason, f.decided_at,
                    CASE WHEN c.deleted = 0 AND c.crm IN ('hubspot', 'salesforce') THEN c.crm_id END
             FROM survey_response s
             JOIN account a ON a.id = s.account_id AND a.deleted = 0
             LEFT JOIN contact c ON c.id = s.contact_id
             LEFT JOIN followup f ON f.response_id = s.id
             WHERE s.deleted = 0 AND s.captured_at >= ? AND s.kind IN ('nps', 'csat') AND s.score <= 6
               AND (? IS NULL OR a.id = ?)
             ORDER BY s.captured_at DESC, s.id DESC",
        )
        .bind(ts(since))
        .bind(account_id)
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let decided = r.get::<Option<String>, _>(9).map(|s| {
                if s == "dismissed" {
                    FollowUpState::Dismissed
                } else {
                    FollowUpState::Accepted
                }
            });
            let due: Option<String> = r.get(11);
            out.push(FollowUpFacts {
                view: FollowUpView {
                    response_id: r.get(0),
                    account_id: r.get(1),
                    account: r.get(2),
                    owner: r.get(3),
                    kind: SurveyKind::parse(r.get(4)).unwrap_or(SurveyKind::Nps),
                    score: r.get(5),
                    verbatim: r.get(6),
                    contact: r.get(7),
                    captured_at: parse_ts(r.get(8))?,
                    state: decided.unwrap_or(FollowUpState::Proposed),
                    title: r.get::<Option<String>, _>(10).unwrap_or_default(),
                    // Filled by the rules for proposals.
                    due_on: match due {
                        Some(d) => parse_day(&d)?,
                        None => NaiveDate::MIN,
                    },
                    escalation: r
                        .get::<Option<String>, _>(12)
                        .as_deref()
                        .and_then(Escalation::parse)
                        .unwrap_or(Escalation::None),
                    reason: r.get::<Option<String>, _>(13).unwrap_or_default(),
                    decided_at: r
                        .get::<Option<String>, _>(14)
                        .as_deref()
                        .map(parse_ts)
                        .transpose()?,
                    tasks: Vec::new(),
                },
                contact_crm_id: r.get(15),
                decided,
            });
        }
        let accepted: Vec<i64> = out
            .iter()
            .filter(|f| f.decided == Some(FollowUpState::Accepted))
            .map(|f| f.view.response_id)
            .collect();
        if !accepted.is_empty() {
            let tasks = sqlx::query(
                "SELECT t.response_id, t.id, t.title, t.owner_team, t.due_on, o.id, o.state
                 FROM task t LEFT JOIN outbox o ON o.kind = 'task' AND o.record_id = t.id
                 WHERE t.response_id IN (SELECT value FROM json_each(?)) ORDER BY t.id",
            )
            .bind(serde_json::to_string(&accepted).unwrap_or_default())
            .fetch_all(self.pool())
            .await?;
            for t in tasks {
                let rid: i64 = t.get(0);
                if let Some(f) = out.iter_mut().find(|f| f.view.response_id == rid) {
                    f.view.tasks.push(FollowUpTask {
                        task_id: t.get(1),
                        title: t.get(2),
                        team: t.get(3),
                        due_on: t
                            .get::<Option<String>, _>(4)
                            .as_deref()
                            .map(parse_day)
                            .transpose()?,
                        outbox_id: t.get(5),
                        delivery: t
                            .get::<Option<String>, _>(6)
                            .as_deref()
                            .and_then(OutboxState::parse),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Records a decision; an acceptance also makes its tasks and, for a CRM account, their
    /// outbox entries, all in one transaction. A response decided once cannot be decided again.
    pub async fn decide_followup(
        &self,
        d: &Decision<'_>,
        tasks: &[NewTask<'_>],
        target: &AccountTarget,
    ) -> Result<Vec<i64>> {
        let mut tx = self.write_tx().await?;
        let now = ts(d.now);
        let inserted = sqlx::query(
            "INSERT OR IGNORE INTO followup (response_id, account_id, state, title, due_on, escalation, reason, decided_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(d.response_id)
        .bind(d.account_id)
        .bind(if d.state == FollowUpState::Dismissed { "dismissed" } else { "accepted" })
        .bind(d.title)
        .bind(day(d.due_on))
        .bind(d.escalation.as_str())
        .bind(d.reason)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Err(Error::InvalidInput(
                "This follow-up was already decided.".into(),
            ));
        }
        let mut entries = Vec::new();
        for t in tasks {
            let task_id: i64 = sqlx::query_scalar(
                "INSERT INTO task (account_id, title, owner_team, owner, due_on, status, created_at, response_id)
                 VALUES (?, ?, ?, ?, ?, 'open', ?, ?) RETURNING id",
            )
            .bind(d.account_id)
            .bind(&t.payload.subject)
            .bind(t.team)
            .bind(if t.team == "cs" { d.owner } else { "" })
            .bind(t.payload.due_on.map(day))
            .bind(&now)
            .bind(d.response_id)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(conn) = target.connection_id {
                let id: i64 = insert_entry(
                    &mut tx,
                    NewEntry {
                        key: &t.key,
                        connection_id: conn,
                        account_id: d.account_id,
                        kind: WriteKind::Task,
                        record_id: task_id,
                        payload: t.payload,
                    },
                    &now,
                )
                .await?;
                entries.push(id);
            }
        }
        tx.commit().await?;
        Ok(entries)
    }
}
