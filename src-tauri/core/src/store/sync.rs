//! CRM connections, sync cursors and runs, and each page's batched upserts committed together
//! with its cursor, so a sync killed at any point resumes with nothing lost or doubled.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};

use super::{day, parse_ts, ts, Store, BATCH_ROWS, META_SOURCE};
use crate::domain::sync::{AuthKind, Connection, NewConnection, PageRows, Settings};
use crate::domain::Crm;
use crate::error::{Error, ErrorCode, IpcError, Result};

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
    pub error: Option<IpcError>,
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

    /// Removes a connection with every row it brought in: accounts with everything kept about
    /// them, and the synced children (orphans included).
    pub async fn remove_connection(&self, id: i64) -> Result<()> {
        let mut tx = self.write_tx().await?;
        for t in CHILD_TABLES.iter().chain(&["account"]) {
            sqlx::query(&format!("DELETE FROM {t} WHERE connection_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
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
        error: Option<&IpcError>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let code = error.map(|e| e.code.as_str());
        sqlx::query("UPDATE sync_run SET finished_at = ?, errors = errors + ?, error_message = ?, error_code = ? WHERE id = ? ")
            .bind(ts(now))
            .bind(error.is_some() as i64)
            .bind(error.map(|e| e.message.as_str()))
            .bind(code)
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
            "SELECT c.name, r.object_type, r.started_at, r.finished_at, r.fetched, r.upserted, r.deleted, r.errors, r.error_message, r.error_code
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
                error: r.get::<Option<String>, _>(8).map(|message| IpcError {
                    code: r
                        .get::<Option<String>, _>(9)
                        .map_or(ErrorCode::Internal, |c| ErrorCode::parse(&c)),
                    message,
                }),
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
        today: chrono::NaiveDate,
        force: bool,
    ) -> Result<PageCounts> {
        let mut tx = self.write_tx().await?;
        leave_demo(&mut tx).await?;
        let now_s = ts(now);
        let mut counts = PageCounts {
            fetched,
            ..PageCounts::default()
        };
        match rows {
            PageRows::Deleted(ids) => {
                for chunk in ids.chunks(BATCH_ROWS) {
                    let mut qb: QueryBuilder<Sqlite> =
                        QueryBuilder::new(format!("UPDATE {table} SET deleted = 1, deleted_at = "));
                    qb.push_bind(&now_s)
                        .push(", synced_at = ")
                        .push_bind(&now_s);
                    qb.push(" WHERE deleted = 0 AND connection_id = ")
                        .push_bind(conn.id);
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
                    super::upsert::rows(&mut tx, conn, rows, &now_s, day(today), force).await?
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

    /// Points a connection's synced children at their account by the parent's CRM id (after a
    /// sync, since a company can arrive after its contacts). Returns how many rows moved.
    pub async fn relink_children(&self, connection_id: i64) -> Result<u64> {
        let mut tx = self.write_tx().await?;
        let mut changed = 0;
        for t in CHILD_TABLES {
            changed += sqlx::query(&format!(
                "UPDATE {t} SET account_id = (SELECT a.id FROM account a WHERE a.connection_id = {t}.connection_id AND a.crm_id = {t}.account_crm_id)
                 WHERE connection_id = ?1 AND account_crm_id IS NOT NULL AND account_id IS NOT
                       (SELECT a.id FROM account a WHERE a.connection_id = {t}.connection_id AND a.crm_id = {t}.account_crm_id)"
            ))
            .bind(connection_id)
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
        Ok(sqlx::query_scalar(&format!(
            "SELECT count(*) FROM {table} WHERE crm = ? AND deleted = 0"
        ))
        .bind(crm.as_str())
        .fetch_one(self.pool())
        .await?)
    }

    /// Saves what a connection's mapping could not find (sentences for the connections screen).
    pub async fn set_connection_notes(&self, connection_id: i64, notes: &[String]) -> Result<()> {
        sqlx::query("UPDATE crm_connection SET notes = ? WHERE id = ?")
            .bind(serde_json::to_string(notes).unwrap_or_else(|_| "[]".into()))
            .bind(connection_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    pub async fn connection_notes(&self, connection_id: i64) -> Result<Vec<String>> {
        let v: Option<String> = sqlx::query_scalar("SELECT notes FROM crm_connection WHERE id = ?")
            .bind(connection_id)
            .fetch_optional(self.pool())
            .await?;
        Ok(v.and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default())
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

impl Store {
    /// Each synced account of a connection with its deals, for deriving what the CRM lacks.
    pub async fn derivation_inputs(
        &self,
        connection_id: i64,
    ) -> Result<Vec<crate::domain::sync::AccountFacts>> {
        type Raw = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Vec<(String, String, f64, String)>,
        );
        let raw: Vec<Raw> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(a.id, a.arr_source, a.contract_start, a.contract_source,
                        a.renewal_date, a.renewal_source, a.crm_churned_on,
                        (SELECT json_group_array(json_array(d.kind, d.status, d.amount, d.close_date))
                         FROM deal d WHERE d.account_id = a.id AND d.deleted = 0)))
                     FROM account a WHERE a.connection_id = ? AND a.deleted = 0",
                )
                .bind(connection_id),
            )
            .await?;
        raw.into_iter()
            .map(
                |(id, arr_source, start, start_src, renewal, renewal_src, churn, deals)| {
                    let from_crm = |v: Option<String>,
                                    src: Option<String>|
                     -> Result<Option<chrono::NaiveDate>> {
                        match src {
                            Some(_) => Ok(None),
                            None => super::opt_day(v),
                        }
                    };
                    Ok(crate::domain::sync::AccountFacts {
                        account_id: id,
                        arr_from_crm: arr_source == "crm",
                        crm_contract_start: from_crm(start, start_src)?,
                        crm_renewal_date: from_crm(renewal, renewal_src)?,
                        crm_churned_on: super::opt_day(churn)?,
                        deals: deals
                            .into_iter()
                            .map(|(k, s, a, d)| {
                                Ok((
                                    crate::domain::DealKind::parse(&k)
                                        .unwrap_or(crate::domain::DealKind::Other),
                                    crate::domain::DealStatus::parse(&s)
                                        .unwrap_or(crate::domain::DealStatus::Open),
                                    a,
                                    super::parse_day(&d)?,
                                ))
                            })
                            .collect::<Result<_>>()?,
                    })
                },
            )
            .collect()
    }

    /// Writes what derivation concluded; returns the ids of accounts whose churn state changed.
    pub async fn apply_derived(
        &self,
        derived: &[crate::domain::sync::Derived],
        segments: impl Fn(f64) -> &'static str,
    ) -> Result<Vec<i64>> {
        let mut tx = self.write_tx().await?;
        let mut churn_changed = Vec::new();
        for d in derived {
            if let Some(arr) = d.arr {
                sqlx::query("UPDATE account SET arr = ?, mrr = ?, segment = ?, arr_source = CASE WHEN ? > 0 THEN 'deals' ELSE 'none' END WHERE id = ?")
                    .bind(arr)
                    .bind(arr / 12.0)
                    .bind(segments(arr))
                    .bind(arr)
                    .bind(d.account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(start) = d.contract_start {
                sqlx::query(
                    "UPDATE account SET contract_start = ?, contract_source = 'deals' WHERE id = ?",
                )
                .bind(day(start))
                .bind(d.account_id)
                .execute(&mut *tx)
                .await?;
            }
            if let Some((renewal, source)) = d.renewal {
                sqlx::query("UPDATE account SET renewal_date = ?, renewal_source = ? WHERE id = ?")
                    .bind(day(renewal))
                    .bind(source)
                    .bind(d.account_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let done = sqlx::query(
                "UPDATE account SET churned_on = ?1, churn_source = ?2 WHERE id = ?3
                 AND (churned_on IS NOT ?1 OR churn_source IS NOT ?2)",
            )
            .bind(d.churn.map(|c| day(c.0)))
            .bind(d.churn.map(|c| c.1))
            .bind(d.account_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() > 0 {
                churn_changed.push(d.account_id);
            }
        }
        tx.commit().await?;
        Ok(churn_changed)
    }
}

/// The synced columns of each table that the CRM decides (no local ids or sync times), for
/// comparing two stores row by row; children name their account by its CRM id.
const SYNCED_COLUMNS: &[(&str, &str)] = &[
    ("account", "t.name, t.domain, t.industry, t.owner, t.arr, t.currency, t.contract_start, t.renewal_date, t.seats_purchased, t.updated_at"),
    ("contact", "t.name, t.email, t.title, t.is_champion, t.is_sponsor, t.left_company, t.left_on, t.updated_at"),
    ("deal", "t.name, t.kind, t.amount, t.stage, t.close_date, t.status, t.updated_at"),
    ("ticket", "t.subject, t.priority, t.status, t.opened_on, t.closed_on, t.updated_at"),
    ("activity", "t.kind, t.direction, t.occurred_at, t.summary, t.two_way, t.updated_at"),
    ("survey_response", "t.kind, t.score, t.verbatim, t.captured_at, t.updated_at"),
];

impl Store {
    /// Every synced row of `table` as one line of JSON (CRM id, the CRM's values, the linked
    /// account's CRM id, the deletion flag), sorted: two stores synced from the same CRM state
    /// give the same lines whatever happened on the way.
    pub async fn synced_rows(&self, table: &str) -> Result<Vec<String>> {
        let (_, cols) = SYNCED_COLUMNS
            .iter()
            .find(|(t, _)| *t == table)
            .ok_or_else(|| Error::InvalidInput(format!("{table} is not a synced table")))?;
        let link = if table == "account" {
            "NULL"
        } else {
            "(SELECT a.crm_id FROM account a WHERE a.id = t.account_id)"
        };
        let mut rows: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT json_array(t.crm_id, {cols}, {link}, t.deleted) FROM {table} t WHERE t.connection_id IS NOT NULL"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.sort();
        Ok(rows)
    }
}
