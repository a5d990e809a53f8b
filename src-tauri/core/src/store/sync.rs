//! CRM connections, sync cursors and runs, and each page's batched upserts committed together
//! with its cursor, so a sync killed at any point resumes with nothing lost or doubled.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use super::{day, parse_ts, ts, Store, BATCH_ROWS, META_SOURCE};
use crate::domain::sync::{AuthKind, Connection, NewConnection, PageRows, Settings};
use crate::domain::Crm;
use crate::error::{Error, Result};

/// Child tables that point at an account through `account_crm_id`.
const CHILD_TABLES: &[&str] = &["contact", "deal", "ticket", "activity", "survey_response"];

/// Counters of one page, added to its run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageCounts {
    pub fetched: u64,
    pub upserted: u64,
    pub deleted: u64,
}

/// A finished or running sync of one object type.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRunRecord {
    pub connection: String,
    pub object_type: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub fetched: u64,
    pub upserted: u64,
    pub deleted: u64,
    pub errors: u64,
    pub error_message: Option<String>,
}

fn connection_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<Connection> {
    let crm: String = r.get(2);
    let auth: String = r.get(4);
    let settings: String = r.get(5);
    Ok(Connection {
        id: r.get(0),
        name: r.get(1),
        crm: Crm::parse(&crm).ok_or_else(|| Error::Storage(format!("unknown CRM {crm:?}")))?,
        base_url: r.get(3),
        auth: AuthKind::parse(&auth)
            .ok_or_else(|| Error::Storage(format!("unknown auth kind {auth:?}")))?,
        settings: serde_json::from_str::<Settings>(&settings).unwrap_or_default(),
        created_at: parse_ts(r.get(6))?,
    })
}

impl Store {
    pub async fn add_connection(
        &self,
        c: &NewConnection,
        now: DateTime<Utc>,
    ) -> Result<Connection> {
        let settings =
            serde_json::to_string(&c.settings).map_err(|e| Error::Storage(e.to_string()))?;
        let id = sqlx::query(
            "INSERT INTO crm_connection (name, crm, base_url, auth_kind, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.name)
        .bind(c.crm.as_str())
        .bind(&c.base_url)
        .bind(c.auth.as_str())
        .bind(settings)
        .bind(ts(now))
        .execute(self.pool())
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                Error::InvalidInput(format!("A connection named {:?} already exists.", c.name))
            }
            _ => e.into(),
        })?
        .last_insert_rowid();
        self.connection_by_id(id).await
    }

    pub async fn update_connection(&self, c: &Connection) -> Result<()> {
        let settings =
            serde_json::to_string(&c.settings).map_err(|e| Error::Storage(e.to_string()))?;
        sqlx::query("UPDATE crm_connection SET name = ?, base_url = ?, auth_kind = ?, settings = ? WHERE id = ?")
            .bind(&c.name)
            .bind(&c.base_url)
            .bind(c.auth.as_str())
            .bind(settings)
            .bind(c.id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    async fn connection_by_id(&self, id: i64) -> Result<Connection> {
        let row = sqlx::query("SELECT id, name, crm, base_url, auth_kind, settings, created_at FROM crm_connection WHERE id = ?")
            .bind(id)
            .fetch_one(self.pool())
            .await?;
        connection_from_row(&row)
    }

    pub async fn connections(&self) -> Result<Vec<Connection>> {
        sqlx::query("SELECT id, name, crm, base_url, auth_kind, settings, created_at FROM crm_connection ORDER BY name")
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(connection_from_row)
            .collect()
    }

    /// Removes a connection with the accounts (and their children) it brought in.
    pub async fn remove_connection(&self, id: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM account WHERE connection_id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM crm_connection WHERE id = ?")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The saved cursor (JSON) of one object type of a connection.
    pub async fn sync_cursor(
        &self,
        connection_id: i64,
        object_type: &str,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT cursor FROM sync_state WHERE connection_id = ? AND object_type = ?",
        )
        .bind(connection_id)
        .bind(object_type)
        .fetch_optional(self.pool())
        .await?
        .flatten())
    }

    /// When a connection last finished syncing every object type, if ever.
    pub async fn last_synced(&self, connection_id: i64) -> Result<Option<DateTime<Utc>>> {
        let v: Option<String> = sqlx::query_scalar(
            "SELECT min(last_success_at) FROM sync_state WHERE connection_id = ?
             HAVING count(*) = count(last_success_at)",
        )
        .bind(connection_id)
        .fetch_optional(self.pool())
        .await?
        .flatten();
        v.as_deref().map(parse_ts).transpose()
    }

    pub async fn start_run(
        &self,
        connection_id: i64,
        object_type: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(sqlx::query(
            "INSERT INTO sync_run (connection_id, object_type, started_at) VALUES (?, ?, ?)",
        )
        .bind(connection_id)
        .bind(object_type)
        .bind(ts(now))
        .execute(self.pool())
        .await?
        .last_insert_rowid())
    }

    /// Closes a run; a successful one also stamps the object type's last success.
    pub async fn finish_run(
        &self,
        run_id: i64,
        connection_id: i64,
        object_type: &str,
        error: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("UPDATE sync_run SET finished_at = ?, errors = errors + ?, error_message = ? WHERE id = ?")
            .bind(ts(now))
            .bind(error.is_some() as i64)
            .bind(error)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        if error.is_none() {
            sqlx::query("UPDATE sync_state SET last_success_at = ? WHERE connection_id = ? AND object_type = ?")
                .bind(ts(now))
                .bind(connection_id)
                .bind(object_type)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The most recent runs, newest first.
    pub async fn sync_runs(&self, limit: i64) -> Result<Vec<SyncRunRecord>> {
        sqlx::query(
            "SELECT c.name, r.object_type, r.started_at, r.finished_at, r.fetched, r.upserted, r.deleted, r.errors, r.error_message
             FROM sync_run r JOIN crm_connection c ON c.id = r.connection_id ORDER BY r.id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            Ok(SyncRunRecord {
                connection: r.get(0),
                object_type: r.get(1),
                started_at: parse_ts(r.get(2))?,
                finished_at: r.get::<Option<&str>, _>(3).map(parse_ts).transpose()?,
                fetched: r.get::<i64, _>(4) as u64,
                upserted: r.get::<i64, _>(5) as u64,
                deleted: r.get::<i64, _>(6) as u64,
                errors: r.get::<i64, _>(7) as u64,
                error_message: r.get(8),
            })
        })
        .collect()
    }

    /// Stores one page: its rows, the object type's new cursor and the run's counters, in one
    /// transaction. Returns how many rows were inserted or changed and how many marked deleted;
    /// `force` (a full resync) rewrites rows even when the CRM did not modify them.
    #[allow(clippy::too_many_arguments)]
    pub async fn apply_page(
        &self,
        conn: &Connection,
        object_type: &str,
        table: &str,
        rows: &PageRows,
        cursor: &str,
        run_id: i64,
        fetched: u64,
        now: DateTime<Utc>,
        force: bool,
    ) -> Result<PageCounts> {
        let mut tx = self.write_tx().await?;
        leave_demo(&mut tx).await?;
        let crm = conn.crm.as_str();
        let now_s = ts(now);
        let mut counts = PageCounts {
            fetched,
            ..PageCounts::default()
        };
        match rows {
            PageRows::Deleted(ids) => {
                for chunk in ids.chunks(BATCH_ROWS) {
                    let mut qb: QueryBuilder<Sqlite> =
                        QueryBuilder::new(format!("UPDATE {table} SET deleted = 1, synced_at = "));
                    qb.push_bind(&now_s);
                    qb.push(" WHERE deleted = 0 AND crm = ").push_bind(crm);
                    qb.push(" AND crm_id IN (");
                    let mut sep = qb.separated(", ");
                    for id in chunk {
                        sep.push_bind(id);
                    }
                    qb.push(")");
                    counts.deleted += qb.build().execute(&mut *tx).await?.rows_affected();
                }
            }
            _ => {
                counts.upserted =
                    super::upsert::rows(&mut tx, conn, rows, &now_s, day(now.date_naive()), force)
                        .await?
            }
        }
        sqlx::query(
            "INSERT INTO sync_state (connection_id, object_type, cursor) VALUES (?, ?, ?)
             ON CONFLICT (connection_id, object_type) DO UPDATE SET cursor = excluded.cursor",
        )
        .bind(conn.id)
        .bind(object_type)
        .bind(cursor)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE sync_run SET fetched = fetched + ?, upserted = upserted + ?, deleted = deleted + ? WHERE id = ?")
            .bind(counts.fetched as i64)
            .bind(counts.upserted as i64)
            .bind(counts.deleted as i64)
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// Points synced children at their account by the parent's CRM id (after a sync, since a
    /// company can arrive after its contacts). Returns the ids of accounts whose children moved.
    pub async fn relink_children(&self) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let mut changed = 0;
        for t in CHILD_TABLES {
            changed += sqlx::query(&format!(
                "UPDATE {t} SET account_id = (SELECT a.id FROM account a WHERE a.crm = {t}.crm AND a.crm_id = {t}.account_crm_id)
                 WHERE account_crm_id IS NOT NULL AND account_id IS NOT
                       (SELECT a.id FROM account a WHERE a.crm = {t}.crm AND a.crm_id = {t}.account_crm_id)"
            ))
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Rows of a synced table not marked deleted, from one CRM.
    pub async fn live_rows(&self, table: &str, crm: Crm) -> Result<i64> {
        if !CHILD_TABLES.contains(&table) && table != "account" {
            return Err(Error::InvalidInput(format!(
                "{table} is not a synced table"
            )));
        }
        let deleted = if table == "survey_response" {
            ""
        } else {
            " AND deleted = 0"
        };
        Ok(sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE crm = ?{deleted}"
        ))
        .bind(crm.as_str())
        .fetch_one(self.pool())
        .await?)
    }

    /// Ids of active accounts that came from a CRM, for rescoring after a sync.
    pub async fn synced_account_ids(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM account WHERE crm != 'demo' AND deleted = 0 AND churned_on IS NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?)
    }
}

/// The first synced page replaces the demo portfolio: demo rows go, the source becomes the CRM.
async fn leave_demo(tx: &mut Transaction<'_, Sqlite>) -> Result<()> {
    let source: Option<String> = sqlx::query_scalar("SELECT value FROM meta WHERE key = ?")
        .bind(META_SOURCE)
        .fetch_optional(&mut **tx)
        .await?;
    if source.as_deref() == Some("crm") {
        return Ok(());
    }
    for t in super::write::DATA_TABLES {
        sqlx::query(&format!("DELETE FROM {t}"))
            .execute(&mut **tx)
            .await?;
    }
    for k in [super::META_DEMO_SEED, super::META_DATA_AS_OF] {
        sqlx::query("DELETE FROM meta WHERE key = ?")
            .bind(k)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("INSERT INTO meta (key, value) VALUES (?, 'crm') ON CONFLICT(key) DO UPDATE SET value = excluded.value")
        .bind(META_SOURCE)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
