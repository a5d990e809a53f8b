//! Usage imported from CSV: the accounts lines are matched against, and the import itself as
//! one transaction of batched upserts that write only days that differ (so a re-import changes
//! nothing), features merged into the day's, the touched accounts marked for scoring once.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::QueryBuilder;

use super::scoring::META_BULK_WRITE;
use super::{day, ts, Store};
use crate::domain::usage::{ImportPhase, ImportProgress, ImportReport, UsageRow};
use crate::error::Result;

/// Rows per statement: up to 7 binds each stays well under SQLite's variable limit (500 rows
/// measured no faster here).
const CHUNK: usize = 2_000;

/// An import to write: the good rows, their feature values (row after row), which columns the
/// file has, and who imports it.
pub struct UsageWrite<'a> {
    pub file_name: &'a str,
    pub rows: &'a [UsageRow],
    pub features: &'a [String],
    pub feature_values: &'a [i64],
    pub has_active: bool,
    pub has_seats: bool,
    pub rows_read: u64,
    pub rows_skipped: u64,
    pub by: &'a str,
    pub now: DateTime<Utc>,
}

impl Store {
    /// `(id, crm id, domain, name)` of every live account, to match lines with.
    pub async fn usage_accounts(&self) -> Result<Vec<(i64, String, String, String)>> {
        self.json_rows(sqlx::query(
            "SELECT json_group_array(json_array(id, crm_id, domain, name)) FROM account WHERE deleted = 0",
        ))
        .await
    }

    /// Writes the import; `progress` hears rows written. The counts say how many days were new
    /// or changed and how many the store had already.
    pub async fn import_usage(
        &self,
        w: &UsageWrite<'_>,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportReport> {
        let mut tx = self.write_tx().await?;
        // A cache large enough for the pages a big file touches, back to normal after.
        sqlx::query(super::BULK_CACHE_SIZE_PRAGMA)
            .execute(&mut *tx)
            .await?;
        // Per-row scoring marks would double the work: the accounts are marked once below. The
        // triggers that make them are set aside for the transaction (even skipped, a trigger
        // costs each row a program run) and put back from their own stored definitions.
        sqlx::query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')")
            .bind(META_BULK_WRITE)
            .execute(&mut *tx)
            .await?;
        let triggers: Vec<(String, String)> = sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'usage_daily'",
        )
        .fetch_all(&mut *tx)
        .await?;
        for (name, _) in &triggers {
            sqlx::query(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))
                .execute(&mut *tx)
                .await?;
        }
        let mut feature_ids = Vec::with_capacity(w.features.len());
        for name in w.features {
            sqlx::query("INSERT OR IGNORE INTO usage_feature_name (name) VALUES (?)")
                .bind(name)
                .execute(&mut *tx)
                .await?;
            let id: i64 = sqlx::query_scalar("SELECT id FROM usage_feature_name WHERE name = ?")
                .bind(name)
                .fetch_one(&mut *tx)
                .await?;
            feature_ids.push(id);
        }
        let nf = w.features.len();
        let (a, s, f) = (w.has_active, w.has_seats, nf > 0);
        let mut cols = vec!["account_id", "day"];
        for (on, c) in [(a, "active_users"), (s, "seats_used")] {
            if on {
                cols.push(c);
            }
        }
        if f {
            cols.extend(["feature_events", "features"]);
        }
        let head = format!("INSERT INTO usage_daily ({}, source) ", cols.join(", "));
        // A file's features are merged into the day's (another file may bring other features);
        // the day is written only when something differs, so a re-import writes nothing.
        let mut set: Vec<String> = Vec::new();
        let mut old: Vec<String> = Vec::new();
        let mut new: Vec<String> = Vec::new();
        for (on, c) in [(a, "active_users"), (s, "seats_used")] {
            if on {
                set.push(format!("{c} = excluded.{c}"));
                old.push(format!("usage_daily.{c}"));
                new.push(format!("excluded.{c}"));
            }
        }
        if f {
            let merged = "json_patch(coalesce(usage_daily.features, '{}'), excluded.features)";
            set.push(format!("features = {merged}"));
            set.push(format!(
                "feature_events = (SELECT coalesce(sum(value), 0) FROM json_each({merged}))"
            ));
            old.push("usage_daily.features".into());
            new.push(merged.into());
        }
        let tail = format!(
            " ON CONFLICT (account_id, day) DO UPDATE SET {}, source = 'csv' WHERE ({}) IS NOT ({})",
            set.join(", "),
            old.join(", "),
            new.join(", "),
        );
        let total = w.rows.len() as u64;
        let mut written = 0u64;
        let mut done = 0u64;
        let mut json = String::new();
        // In key order: the table's B-tree then fills pages front to back instead of splitting
        // them (a usage export often lists each account's days newest first).
        let mut order: Vec<usize> = (0..w.rows.len()).collect();
        order.sort_unstable_by_key(|&i| (w.rows[i].account_id, w.rows[i].day));
        for chunk in order.chunks(CHUNK) {
            let mut qb: QueryBuilder<sqlx::Sqlite> = QueryBuilder::new(&head);
            qb.push_values(chunk.iter().map(|&i| (i, &w.rows[i])), |mut b, (i, r)| {
                b.push_bind(r.account_id).push_bind(day(r.day));
                if a {
                    b.push_bind(r.active_users.unwrap_or(0));
                }
                if s {
                    b.push_bind(r.seats_used.unwrap_or(0));
                }
                if f {
                    let values = &w.feature_values[i * nf..(i + 1) * nf];
                    json.clear();
                    json.push('{');
                    for (k, (id, v)) in feature_ids.iter().zip(values).enumerate() {
                        if k > 0 {
                            json.push(',');
                        }
                        let _ = write!(json, "\"{id}\":{v}");
                    }
                    json.push('}');
                    b.push_bind(values.iter().sum::<i64>())
                        .push_bind(json.clone());
                }
                b.push("'csv'");
            });
            qb.push(&tail);
            written += qb.build().execute(&mut *tx).await?.rows_affected();
            done += chunk.len() as u64;
            progress(ImportProgress {
                phase: ImportPhase::Writing,
                done,
                total,
            });
        }
        let mut ids: Vec<i64> = w.rows.iter().map(|r| r.account_id).collect();
        ids.sort_unstable();
        ids.dedup();
        for (_, sql) in &triggers {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM meta WHERE key = ?")
            .bind(META_BULK_WRITE)
            .execute(&mut *tx)
            .await?;
        if written > 0 {
            let json = serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into());
            sqlx::query(
                "UPDATE score_dirty SET claimed = 0 WHERE account_id IN (SELECT value FROM json_each(?))",
            )
            .bind(&json)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO score_dirty (account_id) SELECT value FROM json_each(?)
                 WHERE value NOT IN (SELECT account_id FROM score_dirty)",
            )
            .bind(&json)
            .execute(&mut *tx)
            .await?;
        }
        let first: Option<NaiveDate> = w.rows.iter().map(|r| r.day).min();
        let last: Option<NaiveDate> = w.rows.iter().map(|r| r.day).max();
        let report = ImportReport {
            file_name: w.file_name.to_string(),
            rows_read: w.rows_read,
            rows_written: written,
            rows_unchanged: total - written,
            rows_skipped: w.rows_skipped,
            accounts: ids.len() as u64,
            features: w.features.to_vec(),
            first_day: first,
            last_day: last,
            rescored: 0,
        };
        sqlx::query(
            "INSERT INTO usage_import (file_name, imported_at, imported_by, rows_read, rows_written,
                rows_unchanged, rows_skipped, accounts, first_day, last_day)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(w.file_name)
        .bind(ts(w.now))
        .bind(w.by)
        .bind(report.rows_read as i64)
        .bind(report.rows_written as i64)
        .bind(report.rows_unchanged as i64)
        .bind(report.rows_skipped as i64)
        .bind(report.accounts as i64)
        .bind(first.map(day))
        .bind(last.map(day))
        .execute(&mut *tx)
        .await?;
        sqlx::query(&format!("PRAGMA cache_size = {}", super::CACHE_SIZE_PRAGMA))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(report)
    }
}
