//! Health inputs aggregated in SQL, and snapshot reads. Same definitions as `demo::facts`.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sqlx::Row;

use super::{day, midnight, parse_day, Store};
use crate::domain::health::{
    Band, Component, HealthInputs, Measure, Snapshot, SupportFacts, SurveyFacts, UsageFacts,
    SURVEY_WINDOW_DAYS, USAGE_WINDOW_DAYS,
};
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
    /// Health inputs on day `at` for every active (not churned, not deleted) account, or for one.
    /// The six aggregates run concurrently on the pool's connections (WAL readers do not block).
    pub async fn health_inputs(
        &self,
        at: NaiveDate,
        only: Option<i64>,
    ) -> Result<Vec<HealthInputs>> {
        let w = Duration::days(USAGE_WINDOW_DAYS);
        debug_assert_eq!(USAGE_WINDOW_DAYS, 30);
        let at_s = day(at);
        // Timestamps are fixed-width RFC 3339 UTC, so "before the next midnight" is a text range.
        let next_midnight = midnight(at + Duration::days(1));
        let survey_from = midnight(at - Duration::days(SURVEY_WINDOW_DAYS - 1));
        let pool = self.pool();

        let accounts = sqlx::query(
            "SELECT id, segment, contract_start, seats_purchased FROM account
             WHERE deleted = 0 AND churned_on IS NULL AND (?1 IS NULL OR id = ?1) ORDER BY id",
        )
        .bind(only)
        .fetch_all(pool);
        // Usage windows are anchored on each account's latest usage day on or before `at`; that
        // day is one index seek on the (account_id, day) key per account.
        let usage = sqlx::query(
            "WITH last AS MATERIALIZED (
                SELECT account_id, last_day, date(last_day, '-7 days') AS d7,
                       date(last_day, '-30 days') AS d30, date(last_day, '-60 days') AS d60
                FROM (SELECT id AS account_id,
                             (SELECT max(day) FROM usage_daily WHERE account_id = account.id AND day <= ?1) AS last_day
                      FROM account WHERE deleted = 0 AND churned_on IS NULL AND (?2 IS NULL OR id = ?2))
                WHERE last_day IS NOT NULL
            )
            SELECT u.account_id, l.last_day,
                sum(CASE WHEN u.day > l.d7 THEN u.active_users ELSE 0 END),
                sum(CASE WHEN u.day > l.d30 THEN u.active_users ELSE 0 END),
                sum(u.day > l.d30),
                sum(CASE WHEN u.day <= l.d30 THEN u.active_users ELSE 0 END),
                sum(u.day <= l.d30),
                sum(u.day > l.d7)
            FROM last l CROSS JOIN usage_daily u ON u.account_id = l.account_id
                AND u.day > l.d60 AND u.day <= l.last_day
            GROUP BY u.account_id",
        )
        .bind(&at_s)
        .bind(only)
        .fetch_all(pool);
        let touches = sqlx::query(
            "SELECT id, (SELECT substr(max(occurred_at), 1, 10) FROM activity
                         WHERE account_id = account.id AND two_way = 1 AND deleted = 0 AND occurred_at < ?1)
             FROM account WHERE deleted = 0 AND churned_on IS NULL AND (?2 IS NULL OR id = ?2)",
        )
        .bind(&next_midnight)
        .bind(only)
        .fetch_all(pool);
        let support = sqlx::query(
            "SELECT account_id,
                sum(CASE WHEN priority IN ('high', 'urgent') AND (closed_on IS NULL OR closed_on > ?1) THEN 1 ELSE 0 END),
                sum(CASE WHEN opened_on > ?2 THEN 1 ELSE 0 END),
                sum(CASE WHEN opened_on <= ?2 AND opened_on > ?3 THEN 1 ELSE 0 END)
             FROM ticket WHERE deleted = 0 AND opened_on <= ?1 AND (?4 IS NULL OR account_id = ?4)
             GROUP BY account_id",
        )
        .bind(&at_s)
        .bind(day(at - w))
        .bind(day(at - w - w))
        .bind(only)
        .fetch_all(pool);
        let surveys = sqlx::query(
            "SELECT a.id,
                avg(CASE WHEN s.kind = 'nps' THEN s.score END), sum(s.kind = 'nps'),
                avg(CASE WHEN s.kind = 'csat' THEN s.score END), sum(s.kind = 'csat'),
                max(substr(s.captured_at, 1, 10))
             FROM account a CROSS JOIN survey_response s INDEXED BY survey_account ON s.account_id = a.id
                AND s.captured_at >= ?2 AND s.captured_at < ?1
             WHERE a.deleted = 0 AND a.churned_on IS NULL AND (?3 IS NULL OR a.id = ?3)
                AND s.kind IN ('nps', 'csat') AND s.deleted = 0
             GROUP BY a.id",
        )
        .bind(&next_midnight)
        .bind(&survey_from)
        .bind(only)
        .fetch_all(pool);
        let sentiment = sqlx::query(
            "SELECT account_id, value, substr(set_at, 1, 10) FROM (
                SELECT account_id, value, set_at,
                       row_number() OVER (PARTITION BY account_id ORDER BY set_at DESC, id DESC) AS n
                FROM am_sentiment WHERE set_at < ?1 AND (?2 IS NULL OR account_id = ?2)
             ) WHERE n = 1",
        )
        .bind(&next_midnight)
        .bind(only)
        .fetch_all(pool);
        let (accounts, usage, touches, support, surveys, sentiment) =
            tokio::try_join!(accounts, usage, touches, support, surveys, sentiment)?;

        let mut usage_by = HashMap::with_capacity(usage.len());
        for r in usage {
            usage_by.insert(
                r.get::<i64, _>(0),
                UsageFacts {
                    last_day: parse_day(r.get(1))?,
                    // Averaged over the days that have figures: a newly synced account has only a few.
                    active_avg_7: r.get::<i64, _>(2) as f64 / r.get::<i64, _>(7).max(1) as f64,
                    sum_30: r.get::<i64, _>(3) as f64,
                    days_30: r.get(4),
                    sum_prev_30: r.get::<i64, _>(5) as f64,
                    days_prev_30: r.get(6),
                },
            );
        }
        let mut touch_by = HashMap::with_capacity(touches.len());
        for r in touches {
            if let Some(d) = r.get::<Option<&str>, _>(1) {
                touch_by.insert(r.get::<i64, _>(0), parse_day(d)?);
            }
        }
        let support_by: HashMap<i64, SupportFacts> = support
            .into_iter()
            .map(|r| {
                let facts = SupportFacts {
                    open_high: r.get(1),
                    opened_30: r.get(2),
                    opened_prev_30: r.get(3),
                };
                (r.get(0), facts)
            })
            .collect();
        let mut survey_by = HashMap::with_capacity(surveys.len());
        for r in surveys {
            survey_by.insert(
                r.get::<i64, _>(0),
                SurveyFacts {
                    nps_avg: r.get(1),
                    nps_count: r.get(2),
                    csat_avg: r.get(3),
                    csat_count: r.get(4),
                    latest: parse_day(r.get(5))?,
                },
            );
        }
        let mut sentiment_by = HashMap::with_capacity(sentiment.len());
        for r in sentiment {
            sentiment_by.insert(
                r.get::<i64, _>(0),
                (r.get::<i64, _>(1), parse_day(r.get(2))?),
            );
        }
        accounts
            .into_iter()
            .map(|r| {
                let id: i64 = r.get(0);
                Ok(HealthInputs {
                    account_id: id,
                    at,
                    segment: r.get(1),
                    contract_start: parse_day(r.get::<Option<&str>, _>(2).unwrap_or("1970-01-01"))?,
                    seats_purchased: r.get(3),
                    usage: usage_by.get(&id).copied(),
                    last_two_way_touch: touch_by.get(&id).copied(),
                    support: support_by.get(&id).copied().unwrap_or_default(),
                    surveys: survey_by.get(&id).copied(),
                    sentiment: sentiment_by.get(&id).copied(),
                })
            })
            .collect()
    }

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
