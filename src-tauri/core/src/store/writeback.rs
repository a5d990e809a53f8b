//! Score write-back: which connections opted in, what each account's CRM fields were last told,
//! and the outbox entries that carry a changed score there.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;

use super::capture::{insert_entry, NewEntry};
use super::{parse_day, parse_ts, ts, Store};
use crate::domain::capture::{HealthWrite, WriteKind, WritePayload};
use crate::error::{Error, Result};

/// How a connection's score write-back stands, for its card.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WritebackFacts {
    pub on: bool,
    /// Accounts whose score the CRM holds as Rapport last computed it.
    pub delivered: i64,
    /// Score writes still on their way.
    pub waiting: i64,
    pub last_delivered_at: Option<DateTime<Utc>>,
    /// What the CRM lacks, as the newest waiting score write was told (a missing field or scope).
    pub setup: Option<String>,
}

/// The subject line the outbox shows for a score write.
fn summary(h: &HealthWrite) -> String {
    match (h.score, &h.band) {
        (Some(s), Some(b)) => format!("Health score {s} ({b})"),
        (Some(s), None) => format!("Health score {s}"),
        _ => "Health score cleared (not enough data to score)".into(),
    }
}

impl Store {
    /// Turns a connection's write-back on or off. Off drops the score writes not yet sent and
    /// forgets what was sent, so turning it on again writes every account afresh.
    pub async fn set_score_writeback(&self, connection_id: i64, on: bool) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let n = sqlx::query("UPDATE crm_connection SET score_writeback = ? WHERE id = ?")
            .bind(on)
            .bind(connection_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound(format!("Connection {connection_id}")));
        }
        if !on {
            sqlx::query(
                "DELETE FROM outbox WHERE connection_id = ? AND kind = 'score' AND state IN ('pending', 'unconfirmed', 'failed')",
            )
            .bind(connection_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM score_sent WHERE connection_id = ?")
                .bind(connection_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The connections that write scores back.
    pub async fn score_writeback_connections(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM crm_connection WHERE score_writeback = 1 ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn writeback_facts(&self, connection_id: i64) -> Result<WritebackFacts> {
        let r = sqlx::query(
            "SELECT c.score_writeback,
                (SELECT count(DISTINCT account_id) FROM outbox WHERE connection_id = c.id AND kind = 'score' AND state = 'delivered'),
                (SELECT count(*) FROM outbox WHERE connection_id = c.id AND kind = 'score' AND state != 'delivered'),
                (SELECT max(delivered_at) FROM outbox WHERE connection_id = c.id AND kind = 'score'),
                (SELECT last_error FROM outbox WHERE connection_id = c.id AND kind = 'score'
                    AND state != 'delivered' AND error_code IN ('crm_setup', 'crm_scope')
                    ORDER BY updated_at DESC LIMIT 1)
             FROM crm_connection c WHERE c.id = ?",
        )
        .bind(connection_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("Connection {connection_id}")))?;
        Ok(WritebackFacts {
            on: r.get::<i64, _>(0) != 0,
            delivered: r.get(1),
            waiting: r.get(2),
            last_delivered_at: r
                .get::<Option<String>, _>(3)
                .as_deref()
                .map(parse_ts)
                .transpose()?,
            setup: r.get(4),
        })
    }

    /// Queues a write for every active account of the connection whose current score or band differs
    /// from what its CRM fields were last sent, in one transaction with the record of it. A
    /// write still waiting for the same account takes the new values instead of a second entry
    /// (only the newest score matters). Returns how many accounts were queued.
    pub async fn queue_score_writes(
        &self,
        connection_id: i64,
        now: DateTime<Utc>,
        mut new_key: impl FnMut() -> String,
    ) -> Result<usize> {
        let mut tx = self.write_tx().await?;
        let on: Option<i64> =
            sqlx::query_scalar("SELECT score_writeback FROM crm_connection WHERE id = ?")
                .bind(connection_id)
                .fetch_optional(&mut *tx)
                .await?;
        if on != Some(1) {
            return Ok(0);
        }
        let changed = sqlx::query(
            "SELECT a.id, a.crm_id, h.score, h.band, h.as_of
             FROM account a JOIN health_current h ON h.account_id = a.id
             LEFT JOIN score_sent s ON s.connection_id = a.connection_id AND s.account_id = a.id
             WHERE a.connection_id = ? AND a.deleted = 0 AND a.churned_on IS NULL
               AND a.crm IN ('hubspot', 'salesforce')
               AND (s.account_id IS NULL OR s.score IS NOT h.score OR s.band IS NOT h.band)
             ORDER BY a.id",
        )
        .bind(connection_id)
        .fetch_all(&mut *tx)
        .await?;
        let at = ts(now);
        for r in &changed {
            let account_id: i64 = r.get(0);
            let health = HealthWrite {
                score: r.get(2),
                band: r.get(3),
                as_of: parse_day(r.get(4))?,
            };
            let payload = WritePayload {
                account_crm_id: r.get(1),
                contact_crm_ids: vec![],
                new_contact: None,
                at: now,
                subject: summary(&health),
                body: String::new(),
                feedback: None,
                due_on: None,
                advisory: None,
                health: Some(health.clone()),
                owner_crm_id: None,
            };
            let json =
                serde_json::to_string(&payload).map_err(|e| Error::Storage(e.to_string()))?;
            // A refused write is replaced by the new one; one in flight is left to finish.
            sqlx::query(
                "DELETE FROM outbox WHERE connection_id = ? AND account_id = ? AND kind = 'score' AND state = 'failed'",
            )
            .bind(connection_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
            let merged = sqlx::query(
                "UPDATE outbox SET payload = ?, updated_at = ?
                 WHERE connection_id = ? AND account_id = ? AND kind = 'score' AND state IN ('pending', 'unconfirmed')",
            )
            .bind(&json)
            .bind(&at)
            .bind(connection_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if merged == 0 {
                insert_entry(
                    &mut tx,
                    NewEntry {
                        key: &new_key(),
                        connection_id,
                        account_id,
                        kind: WriteKind::Score,
                        record_id: account_id,
                        payload: &payload,
                    },
                    &at,
                )
                .await?;
            }
            sqlx::query(
                "INSERT INTO score_sent (connection_id, account_id, score, band, as_of, queued_at)
                 VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT (connection_id, account_id) DO UPDATE SET
                    score = excluded.score, band = excluded.band, as_of = excluded.as_of, queued_at = excluded.queued_at",
            )
            .bind(connection_id)
            .bind(account_id)
            .bind(health.score)
            .bind(&health.band)
            .bind(super::day(health.as_of))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(changed.len())
    }

    /// The day each account's CRM fields were last sent a score for (tests, the CLI).
    pub async fn score_sent(
        &self,
        connection_id: i64,
    ) -> Result<Vec<(i64, Option<i64>, NaiveDate)>> {
        let rows = sqlx::query(
            "SELECT account_id, score, as_of FROM score_sent WHERE connection_id = ? ORDER BY account_id",
        )
        .bind(connection_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.get(0), r.get(1), parse_day(r.get(2))?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::{Clock, Crm};
    use crate::secrets::{DbKey, KeySource};
    use crate::sync::{AuthKind, NewConnection, Settings};

    /// A demo book whose first three active accounts are made a HubSpot connection's, scored.
    async fn book(dir: &std::path::Path) -> (crate::Rapport, i64, Vec<i64>, DateTime<Utc>) {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let r = crate::Rapport::open_with_key(
            dir,
            &DbKey::random(),
            KeySource::Keychain,
            Clock::fixed(at, 0),
        )
        .await
        .unwrap();
        r.generate_demo(12, 3, at).await.unwrap();
        r.rescore(at.date_naive()).await.unwrap();
        let c = r
            .store()
            .add_connection(
                &NewConnection {
                    name: "hs".into(),
                    crm: Crm::Hubspot,
                    base_url: "https://api.hubapi.com".into(),
                    auth: AuthKind::Token,
                    settings: Settings::default(),
                },
                at,
            )
            .await
            .unwrap();
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT a.id FROM account a JOIN health_current h ON h.account_id = a.id
             WHERE a.churned_on IS NULL ORDER BY a.id LIMIT 3",
        )
        .fetch_all(r.store().pool())
        .await
        .unwrap();
        for (i, id) in ids.iter().enumerate() {
            sqlx::query(
                "UPDATE account SET crm = 'hubspot', crm_id = ?, connection_id = ? WHERE id = ?",
            )
            .bind(format!("90{i}"))
            .bind(c.id)
            .bind(id)
            .execute(r.store().pool())
            .await
            .unwrap();
        }
        (r, c.id, ids, at)
    }

    async fn set_score(s: &Store, account: i64, score: i64, band: &str) {
        sqlx::query("UPDATE health_current SET score = ?, band = ? WHERE account_id = ?")
            .bind(score)
            .bind(band)
            .bind(account)
            .execute(s.pool())
            .await
            .unwrap();
    }

    async fn open_scores(s: &Store, conn: i64) -> Vec<(i64, String)> {
        s.outbox_open(conn)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == WriteKind::Score)
            .map(|e| (e.account_id, e.payload.subject))
            .collect()
    }

    #[tokio::test]
    async fn only_changed_scores_are_queued_and_a_waiting_write_takes_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let (r, conn, ids, at) = book(dir.path()).await;
        let s = r.store();
        let mut n = 0;
        let mut key = || {
            n += 1;
            format!("key{n}")
        };
        assert_eq!(
            s.queue_score_writes(conn, at, &mut key).await.unwrap(),
            0,
            "off"
        );
        s.set_score_writeback(conn, true).await.unwrap();
        assert_eq!(s.queue_score_writes(conn, at, &mut key).await.unwrap(), 3);
        assert_eq!(
            s.queue_score_writes(conn, at, &mut key).await.unwrap(),
            0,
            "nothing changed since"
        );
        // Two moves before the sender runs: still one entry, now saying the second.
        set_score(s, ids[1], 44, "red").await;
        assert_eq!(s.queue_score_writes(conn, at, &mut key).await.unwrap(), 1);
        set_score(s, ids[1], 91, "green").await;
        assert_eq!(s.queue_score_writes(conn, at, &mut key).await.unwrap(), 1);
        let open = open_scores(s, conn).await;
        assert_eq!(open.len(), 3);
        assert!(open.contains(&(ids[1], "Health score 91 (green)".to_string())));
        // An unscored account clears its fields rather than keep a stale score.
        sqlx::query("UPDATE health_current SET score = NULL, band = NULL WHERE account_id = ?")
            .bind(ids[2])
            .execute(s.pool())
            .await
            .unwrap();
        s.queue_score_writes(conn, at, &mut key).await.unwrap();
        assert!(open_scores(s, conn).await.contains(&(
            ids[2],
            "Health score cleared (not enough data to score)".to_string()
        )));
        // A churned account is not written.
        sqlx::query("UPDATE account SET churned_on = '2026-11-20' WHERE id = ?")
            .bind(ids[0])
            .execute(s.pool())
            .await
            .unwrap();
        set_score(s, ids[0], 12, "red").await;
        assert_eq!(s.queue_score_writes(conn, at, &mut key).await.unwrap(), 0);

        // Off drops what was not sent and forgets what was; on again writes every account.
        s.set_score_writeback(conn, false).await.unwrap();
        assert!(open_scores(s, conn).await.is_empty());
        assert!(s.score_sent(conn).await.unwrap().is_empty());
        s.set_score_writeback(conn, true).await.unwrap();
        assert_eq!(s.queue_score_writes(conn, at, &mut key).await.unwrap(), 2);
        let f = s.writeback_facts(conn).await.unwrap();
        assert_eq!((f.on, f.waiting, f.delivered), (true, 2, 0));
    }

    async fn deliver_all(s: &Store, conn: i64, at: DateTime<Utc>) {
        for e in s.outbox_open(conn).await.unwrap() {
            let u = crate::store::OutboxUpdate {
                state: crate::domain::capture::OutboxState::Delivered,
                attempts: 1,
                next_attempt_at: at,
                last_error: None,
                crm_id: Some(e.payload.account_crm_id.clone()),
                delivered_at: Some(at),
            };
            s.outbox_update(e.id, &u, at).await.unwrap();
        }
    }

    #[tokio::test]
    async fn the_outbox_keeps_one_delivered_score_per_account() {
        let dir = tempfile::tempdir().unwrap();
        let (r, conn, ids, at) = book(dir.path()).await;
        let s = r.store();
        let mut n = 0;
        let mut key = || {
            n += 1;
            format!("key{n}")
        };
        s.set_score_writeback(conn, true).await.unwrap();
        s.queue_score_writes(conn, at, &mut key).await.unwrap();
        deliver_all(s, conn, at).await;
        // A day of changes, each written: the superseded writes leave the outbox.
        for (score, band) in [(30, "red"), (60, "yellow"), (80, "green")] {
            set_score(s, ids[0], score, band).await;
            s.queue_score_writes(conn, at, &mut key).await.unwrap();
            let f = s.writeback_facts(conn).await.unwrap();
            assert_eq!(
                (f.delivered, f.waiting),
                (3, 1),
                "the old value counts as written until the new one is"
            );
            deliver_all(s, conn, at).await;
        }
        let scores: Vec<_> = s
            .outbox_entries(Some(ids[0]))
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == WriteKind::Score)
            .map(|e| e.summary)
            .collect();
        assert_eq!(scores, ["Health score 80 (green)"]);
        assert_eq!(s.writeback_facts(conn).await.unwrap().delivered, 3);
    }
}
