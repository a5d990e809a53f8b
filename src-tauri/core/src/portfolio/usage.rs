//! Usage CSV import for the app and the command line: a preview with the column mapping and a
//! validation report before anything is written, then the import (all or nothing, unless the
//! bad lines are to be skipped), idempotent, with progress, and the touched accounts rescored.

use std::path::Path;

use super::warnings::user_name;
use super::{Rapport, Scored};
use crate::domain::usage::{
    ColumnMapping, ColumnRole, ImportPhase, ImportPreview, ImportProgress, ImportReport, PreviewRow,
};
use crate::error::{Error, Result};
use crate::store::UsageWrite;
use crate::usage::{self as rules, AccountIndex, Parsed};

/// Lines shown in a preview.
const SAMPLE_ROWS: usize = 20;

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

async fn read(path: &Path) -> Result<Vec<u8>> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| Error::InvalidInput(format!("{} cannot be opened: {e}.", path.display())))?;
    if meta.len() > rules::MAX_BYTES {
        return Err(Error::InvalidInput(format!(
            "{} is {} MB; files up to {} MB can be imported. Split it and import the parts.",
            file_name(path),
            meta.len() / 1_048_576,
            rules::MAX_BYTES / 1_048_576
        )));
    }
    tokio::fs::read(path)
        .await
        .map_err(|e| Error::InvalidInput(format!("{} cannot be read: {e}.", path.display())))
}

impl Rapport {
    /// Reads the file with `mapping` (guessed from its headers when `None`) and says what an
    /// import would do. Nothing is written.
    pub async fn preview_usage(
        &self,
        path: &Path,
        mapping: Option<ColumnMapping>,
    ) -> Result<ImportPreview> {
        let bytes = read(path).await?;
        let headers = rules::headers(&bytes).map_err(Error::InvalidInput)?;
        let mapping = mapping.unwrap_or_else(|| rules::guess_mapping(&headers));
        let mapping_errors = rules::check_mapping(&mapping, headers.len());
        let mut preview = ImportPreview {
            file_name: file_name(path),
            headers,
            mapping,
            mapping_errors,
            features: Vec::new(),
            sample: Vec::new(),
            rows_total: 0,
            rows_ok: 0,
            issues: Vec::new(),
            issues_total: 0,
            unmatched: 0,
            ambiguous: 0,
            accounts: 0,
            first_day: None,
            last_day: None,
        };
        if !preview.mapping_errors.is_empty() {
            return Ok(preview);
        }
        let (p, ix) = self
            .parse_usage(bytes, &preview.mapping, &mut |_| {})
            .await?;
        let nf = p.features.len();
        preview.sample = p
            .rows
            .iter()
            .take(SAMPLE_ROWS)
            .enumerate()
            .map(|(i, r)| PreviewRow {
                line: r.line,
                account_id: r.account_id,
                account: ix.name(r.account_id).to_string(),
                day: r.day,
                active_users: r.active_users,
                seats_used: r.seats_used,
                features: p.feature_values[i * nf..(i + 1) * nf].to_vec(),
            })
            .collect();
        let mut ids: Vec<i64> = p.rows.iter().map(|r| r.account_id).collect();
        ids.sort_unstable();
        ids.dedup();
        preview.accounts = ids.len() as u64;
        preview.first_day = p.rows.iter().map(|r| r.day).min();
        preview.last_day = p.rows.iter().map(|r| r.day).max();
        preview.rows_total = p.rows_total;
        preview.rows_ok = p.rows.len() as u64;
        preview.issues_total = p.issues.total;
        preview.issues = p.issues.kept;
        preview.unmatched = p.unmatched;
        preview.ambiguous = p.ambiguous;
        preview.features = p.features;
        Ok(preview)
    }

    /// Reads the file off the async threads (a million lines take a while).
    async fn parse_usage(
        &self,
        bytes: Vec<u8>,
        mapping: &ColumnMapping,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<(Parsed, AccountIndex)> {
        let accounts = self.store.usage_accounts().await?;
        let mapping = mapping.clone();
        let today = self.today();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let work = tokio::task::spawn_blocking(move || {
            let ix = AccountIndex::new(&accounts);
            let parsed = rules::parse(&bytes, &mapping, &ix, today, &mut |done, total| {
                let _ = tx.send(ImportProgress {
                    phase: ImportPhase::Reading,
                    done,
                    total,
                });
            });
            parsed.map(|p| (p, ix))
        });
        while let Some(p) = rx.recv().await {
            progress(p);
        }
        work.await
            .map_err(|e| Error::Io(format!("reading the file stopped: {e}")))?
            .map_err(Error::InvalidInput)
    }

    /// Imports the file with `mapping`. With bad lines and `skip_bad` unset, nothing is written;
    /// importing the same file again changes nothing. The accounts touched are rescored.
    pub async fn import_usage(
        &self,
        path: &Path,
        mapping: &ColumnMapping,
        skip_bad: bool,
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportReport> {
        let bytes = read(path).await?;
        let headers = rules::headers(&bytes).map_err(Error::InvalidInput)?;
        if let Some(e) = rules::check_mapping(mapping, headers.len())
            .into_iter()
            .next()
        {
            return Err(Error::InvalidInput(e));
        }
        let (p, _) = self.parse_usage(bytes, mapping, progress).await?;
        if p.issues.total > 0 && !skip_bad {
            let first = &p.issues.kept[0];
            return Err(Error::InvalidInput(format!(
                "{} of {} lines cannot be imported (line {}: {}), so nothing was imported. Fix them, or skip the bad lines.",
                p.issues.total, p.rows_total, first.line, first.message
            )));
        }
        let has = |r: ColumnRole| mapping.roles.contains(&r);
        let by = user_name();
        let mut report = self
            .store
            .import_usage(
                &UsageWrite {
                    file_name: &file_name(path),
                    rows: &p.rows,
                    features: &p.features,
                    feature_values: &p.feature_values,
                    has_active: has(ColumnRole::ActiveUsers),
                    has_seats: has(ColumnRole::SeatsUsed),
                    rows_read: p.rows_total,
                    rows_skipped: p.issues.total,
                    by: &by,
                    now: self.clock.now(),
                },
                progress,
            )
            .await?;
        progress(ImportProgress {
            phase: ImportPhase::Scoring,
            done: 0,
            total: report.accounts,
        });
        report.rescored = match self.score_changes(self.today()).await? {
            Scored::Nothing => 0,
            Scored::Changed(n) | Scored::All(n) => n as u64,
        };
        Ok(report)
    }
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
