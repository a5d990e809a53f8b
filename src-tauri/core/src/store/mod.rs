//! The encrypted local cache: SQLCipher through sqlx, migrations, and every query the app runs.
//! No SQL lives outside this module.

mod adoption;
mod advisory;
mod alerts;
mod capture;
mod churn;
mod current;
mod expansion;
mod feedback;
mod followup;
mod health;
mod inputs;
mod journey;
mod playbooks;
mod read;
mod scoring;
mod success;
mod sync;
mod tasks;
#[rustfmt::skip]
mod upsert;
#[cfg(test)]
mod tests;
mod usage;
mod value;
mod write;
mod writeback;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::error::{Error, Result};
use crate::secrets::DbKey;

pub use crate::domain::views::RetentionInputs;
pub use advisory::AdvisoryTarget;
pub use alerts::RAPPORT;
pub use capture::{AccountTarget, NewCapture, OutboxUpdate};
pub use churn::RiskScore;
pub use current::{TableRecord, TREND_DAYS};
pub use expansion::NewHandoff;
pub use feedback::Tags;
pub use followup::{Decision, NewTask};
pub use health::SnapshotRow;
pub use playbooks::NewRun;
pub use read::AccountRecord;
pub use scoring::ScoredFor;
pub use success::MilestoneWrite;
pub use sync::{PageCounts, SyncRunRecord};
pub use tasks::{TaskFacts, TaskQuery};
pub use usage::UsageWrite;
pub use value::ValueWrite;
pub use writeback::WritebackFacts;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "rapport.db";

/// Rows per multi-row INSERT: 1,000 keeps each statement well under SQLite's variable limit and
/// measured 100× faster than row-at-a-time inserts (DESIGN §8).
pub(crate) const BATCH_ROWS: usize = 1000;

/// Page cache of each pooled connection (64 MiB): 10,000-account aggregates stay in memory
/// (16 MiB made a full rescore ~70 % slower); idle connections close, which frees it.
pub(crate) const CACHE_SIZE_PRAGMA: &str = "-65536";
/// Page cache of the one connection doing a bulk load (128 MiB).
pub(crate) const BULK_CACHE_SIZE_PRAGMA: &str = "PRAGMA cache_size = -131072";

/// Meta keys.
pub const META_DEMO_SEED: &str = "demo_seed";
pub const META_DATA_AS_OF: &str = "data_as_of";
pub const META_SOURCE: &str = "source";
/// The KPI tiles as last computed, with their day (migration 0007 drops them when needed).
pub const META_KPI_CACHE: &str = "kpi.cache";

/// An open, migrated, encrypted store.
#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./src/store/migrations");

impl Store {
    /// Opens (creating if absent) the encrypted database `rapport.db` in `data_dir`.
    /// A wrong key or a damaged file is reported without writing anything to the file.
    pub async fn open(data_dir: &Path, key: &DbKey) -> Result<Store> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DB_FILE);
        Self::open_file(&path, key).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn open_file(path: &Path, key: &DbKey) -> Result<Store> {
        // OpenSSL initialised implicitly (by SQLCipher's first cipher call) frees its state in an
        // exit handler, while connection threads may still be encrypting pages: heap corruption
        // at exit. openssl-sys initialises it once, without that handler.
        openssl_sys::init();
        let existed = path.exists();
        if existed {
            check_header(path)?;
        }
        // sqlx logs each statement it runs, the connection's `PRAGMA key` included: no statement
        // of a keyed connection is ever logged, or RUST_LOG=sqlx=debug would print the key.
        let base = sqlx::ConnectOptions::disable_statement_logging(
            SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
                .map_err(|e| Error::Storage(e.to_string()))?
                .pragma("key", key.pragma_value().to_string())
                .busy_timeout(Duration::from_secs(5)),
        );
        // Probe with one plain connection first: a wrong key fails here, before any pragma that
        // writes (journal mode), and without disturbing another process that has the file open.
        let probe_opts = base.clone().create_if_missing(!existed);
        let opts = base
            .create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // Page cache per connection; bulk loads raise it for their own connection.
            .pragma("cache_size", CACHE_SIZE_PRAGMA);
        {
            use sqlx::ConnectOptions;
            let mut conn = probe_opts
                .connect()
                .await
                .map_err(|e| classify_open_error(path, e))?;
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM sqlite_master")
                .fetch_one(&mut conn)
                .await
                .map_err(|e| classify_open_error(path, e))?;
            use sqlx::Connection;
            conn.close().await.ok();
        }
        // Migrations run on their own connection with foreign keys off: a migration that rebuilds
        // a table (SQLite cannot change a UNIQUE constraint in place) must not cascade.
        let migrations = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone().foreign_keys(false))
            .await
            .map_err(|e| classify_open_error(path, e))?;
        MIGRATOR.run(&migrations).await?;
        migrations.close().await;
        // Connections (and their page caches) opened for a burst of concurrent reads are closed
        // again once idle; reopening one costs well under a millisecond with a raw key.
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .min_connections(1)
            .idle_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(|e| classify_open_error(path, e))?;
        let store = Store {
            pool,
            path: path.to_path_buf(),
        };
        store.backfill_health_current().await?;
        Ok(store)
    }

    /// Runs a query whose one column is a JSON array of rows (built with `json_group_array`) and
    /// decodes it in one serde pass: for thousands of rows this is several times cheaper than
    /// sqlx's value-by-value decode.
    pub(crate) async fn json_rows<'q, T: serde::de::DeserializeOwned>(
        &self,
        q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    ) -> Result<Vec<T>> {
        use sqlx::Row;
        let json: Option<String> = q.fetch_one(self.pool()).await?.get(0);
        serde_json::from_str(json.as_deref().unwrap_or("[]"))
            .map_err(|e| Error::Storage(format!("rows did not decode: {e}")))
    }

    /// A write transaction that takes the write lock up front (`BEGIN IMMEDIATE`): concurrent
    /// writers then wait their turn (busy timeout) instead of failing to upgrade a read lock.
    pub(crate) async fn write_tx(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool().begin_with("BEGIN IMMEDIATE").await?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool and checkpoints the WAL into the main file.
    pub async fn close(self) {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = ?")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    pub async fn set_meta(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Accounts on the books: neither churned nor deleted.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn active_account_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM account WHERE deleted = 0 AND churned_on IS NULL",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// Renames an account locally (an AM's correction; also how tests plant hostile names).
    pub async fn rename_account(&self, id: i64, name: &str) -> Result<()> {
        let done = sqlx::query("UPDATE account SET name = ? WHERE id = ?")
            .bind(name)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound(format!("Account {id}")));
        }
        Ok(())
    }

    /// Number of accounts in the cache, churned included (deleted ones excluded).
    pub async fn account_count(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM account WHERE deleted = 0")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// A plain SQLite file is not ours; anything else that fails to open is a key or damage problem.
fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path)?;
    let n = f.read(&mut head)?;
    if n == 16 && &head == b"SQLite format 3\0" {
        return Err(Error::Corrupt {
            path: path.display().to_string(),
            detail: "it is an unencrypted SQLite file".into(),
        });
    }
    if n > 0 && n < 16 {
        return Err(Error::Corrupt {
            path: path.display().to_string(),
            detail: "the file is truncated".into(),
        });
    }
    Ok(())
}

fn classify_open_error(path: &Path, e: sqlx::Error) -> Error {
    let msg = e.to_string();
    match &e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("26") => {
            Error::WrongKey(path.display().to_string())
        }
        sqlx::Error::Database(db) if db.code().as_deref() == Some("11") => Error::Corrupt {
            path: path.display().to_string(),
            detail: msg,
        },
        _ => Error::Storage(msg),
    }
}

pub(crate) fn day(d: chrono::NaiveDate) -> String {
    // `Display` writes ISO 8601 `%Y-%m-%d` for years 0–9999 without parsing a format string.
    d.to_string()
}

pub(crate) fn parse_day(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| Error::Storage(format!("bad date {s:?} in the database: {e}")))
}

pub(crate) fn opt_day(s: Option<String>) -> Result<Option<chrono::NaiveDate>> {
    s.as_deref().map(parse_day).transpose()
}

/// An instant as stored: RFC 3339 UTC with milliseconds, fixed width, so text order is time
/// order and two edits within one second stay apart.
pub(crate) fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The first instant of day `d` (UTC), in the stored form, for range bounds.
pub(crate) fn midnight(d: chrono::NaiveDate) -> String {
    format!("{}T00:00:00.000Z", day(d))
}

pub(crate) fn parse_ts(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| Error::Storage(format!("bad timestamp {s:?} in the database: {e}")))
}
