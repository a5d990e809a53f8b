//! Health inputs aggregated in SQL, and snapshot reads. Same definitions as `demo::facts`.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use sqlx::Row;

use super::{day, parse_day, Store};
use crate::error::Result;
use crate::health::{
    Band, Component, HealthInputs, Snapshot, SupportFacts, SurveyFacts, UsageFacts,
    SURVEY_WINDOW_DAYS, USAGE_WINDOW_DAYS,
};

/// A stored snapshot's score, for trends.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    pub account_id: i64,
    pub day: NaiveDate,
    pub score: Option<i64>,
    pub band: Option<Band>,
}

fn profile_name(id: &str) -> String {
    [
        crate::health::STANDARD,
        crate::health::ENTERPRISE,
        crate::health::ONBOARDING,
    ]
    .iter()
    .find(|p| p.id == id)
    .map_or_else(|| id.to_string(), |p| p.name.to_string())
}

impl Store {
    /// Health inputs on day `at` for every active (not churned, not deleted) account, or for one.
    pub async fn health_inputs(
        &self,
        at: NaiveDate,
        only: Option<i64>,
    ) -> Result<Vec<HealthInputs>> {
        let w = Duration::days(USAGE_WINDOW_DAYS);
        let at_s = day(at);
        let filter = "deleted = 0 AND churned_on IS NULL AND (?1 IS NULL OR id = ?1)";
        let accounts = sqlx::query(&format!(
            "SELECT id, segment, contract_start, seats_purchased FROM account WHERE {filter} ORDER BY id"
        ))
        .bind(only)
        .fetch_all(self.pool())
        .await?;

        // Usage: windows anchored on each account's latest usage day on or before `at`.
        let usage_rows = sqlx::query(
            "WITH last AS (
                SELECT account_id, max(day) AS last_day FROM usage_daily
                WHERE day <= ?1 AND (?2 IS NULL OR account_id = ?2) GROUP BY account_id
            )
            SELECT u.account_id, l.last_day,
                sum(CASE WHEN u.day > date(l.last_day, '-7 days') THEN u.active_users ELSE 0 END),
                sum(CASE WHEN u.day > date(l.last_day, '-30 days') THEN u.active_users ELSE 0 END),
                sum(CASE WHEN u.day > date(l.last_day, '-30 days') THEN 1 ELSE 0 END),
                sum(CASE WHEN u.day <= date(l.last_day, '-30 days') THEN u.active_users ELSE 0 END),
                sum(CASE WHEN u.day <= date(l.last_day, '-30 days') THEN 1 ELSE 0 END)
            FROM last l JOIN usage_daily u ON u.account_id = l.account_id
                AND u.day > date(l.last_day, '-60 days') AND u.day <= l.last_day
            GROUP BY u.account_id",
        )
        .bind(&at_s)
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        let mut usage = HashMap::new();
        for r in usage_rows {
            let s7: i64 = r.get(2);
            usage.insert(
                r.get::<i64, _>(0),
                UsageFacts {
                    last_day: parse_day(r.get(1))?,
                    active_avg_7: s7 as f64 / 7.0,
                    sum_30: r.get::<i64, _>(3) as f64,
                    days_30: r.get(4),
                    sum_prev_30: r.get::<i64, _>(5) as f64,
                    days_prev_30: r.get(6),
                },
            );
        }
        debug_assert_eq!(USAGE_WINDOW_DAYS, 30);

        let touches: HashMap<i64, NaiveDate> = sqlx::query(
            "SELECT account_id, max(substr(occurred_at, 1, 10)) FROM activity
             WHERE two_way = 1 AND deleted = 0 AND substr(occurred_at, 1, 10) <= ?1
               AND (?2 IS NULL OR account_id = ?2)
             GROUP BY account_id",
        )
        .bind(&at_s)
        .bind(only)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| Ok((r.get(0), parse_day(r.get(1))?)))
        .collect::<Result<_>>()?;

        let support: HashMap<i64, SupportFacts> = sqlx::query(
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
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(|r| {
            (
                r.get(0),
                SupportFacts {
                    open_high: r.get(1),
                    opened_30: r.get(2),
                    opened_prev_30: r.get(3),
                },
            )
        })
        .collect();

        let mut surveys = HashMap::new();
        for r in sqlx::query(
            "SELECT account_id,
                avg(CASE WHEN kind = 'nps' THEN score END), sum(kind = 'nps'),
                avg(CASE WHEN kind = 'csat' THEN score END), sum(kind = 'csat'),
                max(substr(captured_at, 1, 10))
             FROM survey_response
             WHERE kind IN ('nps', 'csat') AND substr(captured_at, 1, 10) <= ?1
               AND substr(captured_at, 1, 10) > ?2 AND (?3 IS NULL OR account_id = ?3)
             GROUP BY account_id",
        )
        .bind(&at_s)
        .bind(day(at - Duration::days(SURVEY_WINDOW_DAYS)))
        .bind(only)
        .fetch_all(self.pool())
        .await?
        {
            surveys.insert(
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

        let mut sentiment = HashMap::new();
        for r in sqlx::query(
            "SELECT account_id, value, substr(set_at, 1, 10) FROM (
                SELECT account_id, value, set_at,
                       row_number() OVER (PARTITION BY account_id ORDER BY set_at DESC, id DESC) AS n
                FROM am_sentiment WHERE substr(set_at, 1, 10) <= ?1 AND (?2 IS NULL OR account_id = ?2)
             ) WHERE n = 1",
        )
        .bind(&at_s)
        .bind(only)
        .fetch_all(self.pool())
        .await?
        {
            sentiment.insert(r.get::<i64, _>(0), (r.get::<i64, _>(1), parse_day(r.get(2))?));
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
                    usage: usage.get(&id).copied(),
                    last_two_way_touch: touches.get(&id).copied(),
                    support: support.get(&id).copied().unwrap_or_default(),
                    surveys: surveys.get(&id).copied(),
                    sentiment: sentiment.get(&id).copied(),
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
            let components: Vec<Component> = serde_json::from_str(r.get(5)).unwrap_or_default();
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
    pub async fn score_history(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        only: Option<i64>,
    ) -> Result<HashMap<i64, Vec<SnapshotRow>>> {
        let rows = sqlx::query(
            "SELECT account_id, day, score, band FROM health_snapshot
             WHERE day >= ? AND day <= ? AND (? IS NULL OR account_id = ?) ORDER BY account_id, day",
        )
        .bind(day(from))
        .bind(day(to))
        .bind(only)
        .bind(only)
        .fetch_all(self.pool())
        .await?;
        let mut out: HashMap<i64, Vec<SnapshotRow>> = HashMap::new();
        for r in rows {
            let id: i64 = r.get(0);
            out.entry(id).or_default().push(SnapshotRow {
                account_id: id,
                day: parse_day(r.get(1))?,
                score: r.get(2),
                band: r.get::<Option<&str>, _>(3).and_then(Band::parse),
            });
        }
        Ok(out)
    }
}
