//! What scoring needs to know to score only what changed: the accounts whose inputs were written
//! since they were last scored (marked by triggers, migration 0006), and what the last full
//! scoring was done for.

use chrono::NaiveDate;
use sqlx::Row;

use super::{opt_day, Store};
use crate::error::Result;

/// Meta key set while a bulk load writes (the triggers then skip their marks).
pub(super) const META_BULK_WRITE: &str = "scoring.bulk_write";
const META_SCORED_DAY: &str = "scoring.day";
const META_SCORED_MODEL: &str = "scoring.model";
const META_SCORED_FEEDS: &str = "scoring.feeds";

/// What the last full scoring was done for. Any of it changing means every account's score may
/// have moved: a new day moves every window, a usage feed reporting a newer day moves the usage
/// windows of all its accounts, a new model changes every score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScoredFor {
    pub day: Option<NaiveDate>,
    pub model: Option<String>,
    /// Each usage source's latest day, as JSON (see [`Store::usage_feeds`]).
    pub feeds: Option<String>,
}

impl Store {
    /// Marks every account whose inputs were written as being scored now, and returns them. A
    /// write while they are scored marks the account again, so it is scored next time.
    pub async fn claim_changed_accounts(&self) -> Result<Vec<i64>> {
        // A read (the CLI, the app's scorer every minute) usually finds nothing marked: then it
        // writes nothing either.
        let any: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM score_dirty)")
            .fetch_one(self.pool())
            .await?;
        if !any {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "UPDATE score_dirty SET claimed = 1
             WHERE account_id IN (SELECT id FROM account) RETURNING account_id",
        )
        .fetch_all(self.pool())
        .await?;
        sqlx::query("DELETE FROM score_dirty WHERE account_id NOT IN (SELECT id FROM account)")
            .execute(self.pool())
            .await?;
        let mut ids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
        ids.sort_unstable();
        Ok(ids)
    }

    /// Forgets the claimed accounts once they are scored.
    pub async fn release_scored_accounts(&self) -> Result<()> {
        sqlx::query("DELETE FROM score_dirty WHERE claimed = 1")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Each usage source's (connection's, or the demo's) latest usage day, as a JSON object: the
    /// day its accounts' usage windows end on. Per-account seeks on the (account_id, day) key.
    pub async fn usage_feeds(&self) -> Result<String> {
        let v: Option<String> = sqlx::query(
            "SELECT json_group_object(coalesce(cid, 'local'), last) FROM (
                SELECT connection_id AS cid,
                    max((SELECT max(day) FROM usage_daily WHERE account_id = a.id)) AS last
                FROM account a GROUP BY connection_id ORDER BY connection_id)",
        )
        .fetch_one(self.pool())
        .await?
        .get(0);
        Ok(v.unwrap_or_else(|| "{}".into()))
    }

    pub async fn scored_for(&self) -> Result<ScoredFor> {
        Ok(ScoredFor {
            day: opt_day(self.meta(META_SCORED_DAY).await?)?,
            model: self.meta(META_SCORED_MODEL).await?,
            feeds: self.meta(META_SCORED_FEEDS).await?,
        })
    }

    /// Records a full scoring.
    pub async fn set_scored_for(&self, s: &ScoredFor) -> Result<()> {
        let mut tx = self.write_tx().await?;
        for (k, v) in [
            (META_SCORED_DAY, s.day.map(super::day)),
            (META_SCORED_MODEL, s.model.clone()),
            (META_SCORED_FEEDS, s.feeds.clone()),
        ] {
            sqlx::query("DELETE FROM meta WHERE key = ?")
                .bind(k)
                .execute(&mut *tx)
                .await?;
            if let Some(v) = v {
                sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?)")
                    .bind(k)
                    .bind(v)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// In a bulk load's transaction: stop marking accounts, and forget the last full scoring, so
/// the next scoring scores everything once instead.
pub(super) async fn begin_bulk(conn: &mut sqlx::SqliteConnection) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')")
        .bind(META_BULK_WRITE)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM meta WHERE key = ?")
        .bind(META_SCORED_DAY)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM score_dirty")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends [`begin_bulk`], in the same transaction.
pub(super) async fn end_bulk(conn: &mut sqlx::SqliteConnection) -> Result<()> {
    sqlx::query("DELETE FROM meta WHERE key = ?")
        .bind(META_BULK_WRITE)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
