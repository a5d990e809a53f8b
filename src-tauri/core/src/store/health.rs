//! Snapshot reads and the compact form components are stored in.

use std::collections::HashMap;

use chrono::NaiveDate;
use sqlx::Row;

use super::{day, parse_day, Store};
use crate::domain::health::{Band, Component, Measure, Snapshot};
use crate::error::Result;

/// A stored snapshot's score, for trends.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    pub account_id: i64,
    pub day: NaiveDate,
    pub score: Option<i64>,
    pub band: Option<Band>,
}

/// A component as stored: label, share and contribution are derived again on read, so a snapshot
/// row stays small (`[measure, raw, raw_text, score, weight, effective_weight, input_on, age]`).
type StoredComponent = (
    Measure,
    Option<f64>,
    String,
    Option<f64>,
    f64,
    f64,
    Option<NaiveDate>,
    Option<i64>,
);

pub(crate) fn encode_components(components: &[Component]) -> String {
    let stored: Vec<StoredComponent> = components
        .iter()
        .map(|c| {
            (
                c.measure,
                c.raw,
                c.raw_text.clone(),
                c.score,
                c.weight,
                c.effective_weight,
                c.input_on,
                c.age_days,
            )
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn decode_components(json: &str) -> Vec<Component> {
    let stored: Vec<StoredComponent> = serde_json::from_str(json).unwrap_or_default();
    let total: f64 = stored.iter().map(|c| c.5).sum();
    stored
        .into_iter()
        .map(
            |(measure, raw, raw_text, score, weight, effective_weight, input_on, age_days)| {
                let share = if total > 0.0 {
                    effective_weight / total
                } else {
                    0.0
                };
                Component {
                    measure,
                    label: measure.label().to_string(),
                    raw,
                    raw_text,
                    score,
                    weight,
                    effective_weight,
                    share,
                    contribution: score.map_or(0.0, |s| s * share),
                    input_on,
                    age_days,
                    missing: score.is_none(),
                    stale: score.is_some() && effective_weight + 1e-9 < weight,
                }
            },
        )
        .collect()
}

fn profile_name(id: &str) -> String {
    [
        crate::domain::health::STANDARD,
        crate::domain::health::ENTERPRISE,
        crate::domain::health::ONBOARDING,
    ]
    .iter()
    .find(|p| p.id == id)
    .map_or_else(|| id.to_string(), |p| p.name.to_string())
}

impl Store {
    /// The latest snapshot on or before `day` and the one before it, for one account.
    pub async fn latest_snapshots(
        &self,
        account_id: i64,
        on_or_before: NaiveDate,
    ) -> Result<(Option<Snapshot>, Option<Snapshot>)> {
        let rows = sqlx::query(
            "SELECT day, score, band, profile, model_version, components FROM health_snapshot
             WHERE account_id = ? AND day <= ? ORDER BY day DESC LIMIT 2",
        )
        .bind(account_id)
        .bind(day(on_or_before))
        .fetch_all(self.pool())
        .await?;
        let mut snaps = rows.into_iter().map(|r| {
            let profile: String = r.get(3);
            let components = decode_components(r.get(5));
            Ok::<_, crate::Error>(Snapshot {
                account_id,
                day: parse_day(r.get(0))?,
                score: r.get(1),
                band: r.get::<Option<&str>, _>(2).and_then(Band::parse),
                profile_name: profile_name(&profile),
                profile,
                model_version: r.get(4),
                components,
            })
        });
        let latest = snaps.next().transpose()?;
        let previous = snaps.next().transpose()?;
        Ok((latest, previous))
    }

    /// Scores of every account from `from` to `to`, ascending by day, grouped per account.
    /// SQLite does the grouping (one row per account), which keeps 10,000 accounts fast.
    pub async fn score_history(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        only: Option<i64>,
    ) -> Result<HashMap<i64, Vec<SnapshotRow>>> {
        let rows = sqlx::query(
            "SELECT account_id, group_concat(day || ' ' || coalesce(score, '') || ' ' || coalesce(band, ''), ',')
             FROM (SELECT account_id, day, score, band FROM health_snapshot
                   WHERE day >= ?1 AND day <= ?2 AND (?3 IS NULL OR account_id = ?3) ORDER BY account_id, day)
             GROUP BY account_id",
        )
        .bind(day(from))
        .bind(day(to))
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        let mut out = HashMap::with_capacity(rows.len());
        for r in rows {
            let id: i64 = r.get(0);
            let list: &str = r.get(1);
            let mut v = Vec::new();
            for item in list.split(',') {
                let mut parts = item.split(' ');
                let (Some(d), Some(score), Some(band)) = (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                v.push(SnapshotRow {
                    account_id: id,
                    day: parse_day(d)?,
                    score: score.parse().ok(),
                    band: Band::parse(band),
                });
            }
            v.sort_by_key(|s| s.day);
            out.insert(id, v);
        }
        Ok(out)
    }
}
