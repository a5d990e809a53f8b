//! Health inputs aggregated in SQL: one query per measure, run concurrently on the pool's
//! connections (WAL readers do not block). Same definitions as `demo::facts`; a test holds the
//! two equal.

use std::collections::HashMap;

use chrono::{Duration, FixedOffset, NaiveDate};
use sqlx::Row;

use super::{day, parse_day, parse_ts, ts, Store};
use crate::domain::health::{
    Departure, HealthInputs, RelationshipFacts, SupportFacts, SurveyFacts, UsageFacts,
    DEPARTURE_DAYS, SURVEY_WINDOW_DAYS, USAGE_WINDOW_DAYS,
};
use crate::error::Result;

/// The first instant of the user's local day `d`, in the stored form.
fn local_midnight(d: NaiveDate, offset: FixedOffset) -> String {
    let utc = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
        - Duration::seconds(offset.local_minus_utc() as i64);
    ts(utc)
}

/// The user's local day of a stored instant.
fn local_day(stored: &str, offset: FixedOffset) -> Result<NaiveDate> {
    Ok((parse_ts(stored)? + Duration::seconds(offset.local_minus_utc() as i64)).date_naive())
}

impl Store {
    /// Health inputs on the user's local day `at` (UTC offset `offset`) for every active (not
    /// churned, not deleted) account, or for those in `only`.
    pub async fn health_inputs(
        &self,
        at: NaiveDate,
        offset: FixedOffset,
        only: Option<&[i64]>,
    ) -> Result<Vec<HealthInputs>> {
        let w = Duration::days(USAGE_WINDOW_DAYS);
        debug_assert_eq!(USAGE_WINDOW_DAYS, 30);
        let at_s = day(at);
        // Timestamps are fixed-width RFC 3339 UTC, so "before the next local midnight" is a text range.
        let next_midnight = local_midnight(at + Duration::days(1), offset);
        let survey_from = local_midnight(at - Duration::days(SURVEY_WINDOW_DAYS - 1), offset);
        let pool = self.pool();
        let only = only.map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));

        let accounts = sqlx::query(
            "SELECT id, segment, contract_start, seats_purchased FROM account
             WHERE deleted = 0 AND churned_on IS NULL AND (?1 IS NULL OR id IN (SELECT value FROM json_each(?1))) ORDER BY id",
        )
        .bind(&only)
        .fetch_all(pool);
        // Each account's latest usage day, and each window's sum, are index seeks on the
        // (account_id, day) key; the feed day of a source (a connection, or the demo) is the
        // latest day any of its accounts has. Windows end on the feed day. Per-account seeks beat
        // one join grouped over the 60-day rows by ~3× at 10,000 accounts, and the pages read are
        // the windows' own: the first usage day is only looked up when it falls inside them.
        let usage = sqlx::query(
            "WITH per AS MATERIALIZED (
                SELECT id AS account_id, connection_id,
                    (SELECT max(day) FROM usage_daily WHERE account_id = account.id AND day <= ?1) AS last_day
                FROM account WHERE deleted = 0 AND churned_on IS NULL
            ), feed AS (
                SELECT connection_id AS cid, max(last_day) AS feed_day FROM per GROUP BY connection_id
            ), last AS (
                SELECT p.account_id, p.last_day, f.feed_day,
                    date(f.feed_day, '-7 days') AS d7, date(f.feed_day, '-30 days') AS d30,
                    date(f.feed_day, '-60 days') AS d60
                FROM per p JOIN feed f ON f.cid IS p.connection_id
                WHERE p.last_day IS NOT NULL AND (?2 IS NULL OR p.account_id IN (SELECT value FROM json_each(?2)))
            )
            SELECT account_id,
                CASE WHEN EXISTS (SELECT 1 FROM usage_daily WHERE account_id = l.account_id AND day <= l.d60)
                    THEN l.d60
                    ELSE (SELECT min(day) FROM usage_daily WHERE account_id = l.account_id) END,
                last_day, feed_day,
                (SELECT coalesce(sum(active_users), 0) FROM usage_daily
                 WHERE account_id = l.account_id AND day > l.d7 AND day <= l.feed_day),
                (SELECT coalesce(sum(active_users), 0) FROM usage_daily
                 WHERE account_id = l.account_id AND day > l.d30 AND day <= l.feed_day),
                (SELECT coalesce(sum(active_users), 0) FROM usage_daily
                 WHERE account_id = l.account_id AND day > l.d60 AND day <= l.d30)
            FROM last l",
        )
        .bind(&at_s)
        .bind(&only)
        .fetch_all(pool);
        let touches = sqlx::query(
            "SELECT id, (SELECT max(occurred_at) FROM activity
                         WHERE account_id = account.id AND two_way = 1 AND deleted = 0 AND occurred_at < ?1)
             FROM account WHERE deleted = 0 AND churned_on IS NULL AND (?2 IS NULL OR id IN (SELECT value FROM json_each(?2)))",
        )
        .bind(&next_midnight)
        .bind(&only)
        .fetch_all(pool);
        let champions = sqlx::query(
            "SELECT account_id,
                sum(is_champion AND (left_company = 0 OR left_on > ?1)),
                sum(is_sponsor AND (left_company = 0 OR left_on > ?1))
             FROM contact WHERE deleted = 0 AND (is_champion OR is_sponsor) AND (?2 IS NULL OR account_id IN (SELECT value FROM json_each(?2)))
             GROUP BY account_id",
        )
        .bind(&at_s)
        .bind(&only)
        .fetch_all(pool);
        let departures = sqlx::query(
            "SELECT account_id, name, is_champion, left_on FROM contact
             WHERE deleted = 0 AND (is_champion OR is_sponsor) AND left_company = 1
                AND left_on <= ?1 AND left_on > ?2 AND (?3 IS NULL OR account_id IN (SELECT value FROM json_each(?3)))
             ORDER BY left_on, is_champion",
        )
        .bind(&at_s)
        .bind(day(at - Duration::days(DEPARTURE_DAYS)))
        .bind(&only)
        .fetch_all(pool);
        // Per-account seeks: the open high-priority tickets and the latest close have indexes of
        // their own (migration 0005), so no account's whole ticket history is aggregated.
        let support = sqlx::query(
            "SELECT id,
                (SELECT count(*) FROM ticket INDEXED BY ticket_urgent WHERE account_id = account.id
                    AND deleted = 0 AND priority IN ('high', 'urgent')
                    AND (closed_on IS NULL OR closed_on > ?1) AND opened_on <= ?1),
                (SELECT count(*) FROM ticket WHERE account_id = account.id AND deleted = 0
                    AND opened_on > ?2 AND opened_on <= ?1),
                (SELECT count(*) FROM ticket WHERE account_id = account.id AND deleted = 0
                    AND opened_on > ?3 AND opened_on <= ?2),
                (SELECT max(opened_on) FROM ticket WHERE account_id = account.id AND deleted = 0
                    AND opened_on <= ?1),
                (SELECT max(closed_on) FROM ticket WHERE account_id = account.id AND deleted = 0
                    AND closed_on <= ?1)
             FROM account WHERE deleted = 0 AND churned_on IS NULL AND (?4 IS NULL OR id IN (SELECT value FROM json_each(?4)))",
        )
        .bind(&at_s)
        .bind(day(at - w))
        .bind(day(at - w - w))
        .bind(&only)
        .fetch_all(pool);
        let surveys = sqlx::query(
            "SELECT a.id,
                sum(s.kind = 'nps' AND s.score >= 9), sum(s.kind = 'nps' AND s.score <= 6), sum(s.kind = 'nps'),
                sum(s.kind = 'csat' AND s.score >= 4), sum(s.kind = 'csat'),
                max(s.captured_at)
             FROM account a CROSS JOIN survey_response s INDEXED BY survey_account ON s.account_id = a.id
                AND s.captured_at >= ?2 AND s.captured_at < ?1
             WHERE a.deleted = 0 AND a.churned_on IS NULL AND (?3 IS NULL OR a.id IN (SELECT value FROM json_each(?3)))
                AND s.kind IN ('nps', 'csat') AND s.deleted = 0
             GROUP BY a.id",
        )
        .bind(&next_midnight)
        .bind(&survey_from)
        .bind(&only)
        .fetch_all(pool);
        let sentiment = sqlx::query(
            "SELECT s.account_id, s.value, s.set_at FROM account a JOIN am_sentiment s ON s.id = (
                SELECT id FROM am_sentiment WHERE account_id = a.id AND set_at < ?1
                ORDER BY set_at DESC, id DESC LIMIT 1)
             WHERE a.deleted = 0 AND a.churned_on IS NULL AND (?2 IS NULL OR a.id IN (SELECT value FROM json_each(?2)))",
        )
        .bind(&next_midnight)
        .bind(&only)
        .fetch_all(pool);
        let (accounts, usage, touches, champions, departures, support, surveys, sentiment) = tokio::try_join!(
            accounts, usage, touches, champions, departures, support, surveys, sentiment
        )?;

        let mut usage_by = HashMap::with_capacity(usage.len());
        for r in usage {
            usage_by.insert(
                r.get::<i64, _>(0),
                UsageFacts::from_sums(
                    parse_day(r.get(1))?,
                    parse_day(r.get(2))?,
                    parse_day(r.get(3))?,
                    at,
                    r.get::<i64, _>(4) as f64,
                    r.get::<i64, _>(5) as f64,
                    r.get::<i64, _>(6) as f64,
                ),
            );
        }
        let mut touch_by = HashMap::with_capacity(touches.len());
        for r in touches {
            if let Some(t) = r.get::<Option<&str>, _>(1) {
                touch_by.insert(r.get::<i64, _>(0), local_day(t, offset)?);
            }
        }
        let mut people: HashMap<i64, RelationshipFacts> = HashMap::new();
        for r in champions {
            let f = people.entry(r.get(0)).or_default();
            f.champions = r.get(1);
            f.sponsors = r.get(2);
        }
        // Ordered by day: the latest departure wins.
        for r in departures {
            people.entry(r.get(0)).or_default().departed = Some(Departure {
                name: r.get(1),
                champion: r.get(2),
                on: parse_day(r.get(3))?,
            });
        }
        let mut support_by: HashMap<i64, SupportFacts> = HashMap::with_capacity(support.len());
        for r in support {
            let opened: Option<&str> = r.get(4);
            let closed: Option<&str> = r.get(5);
            let Some(latest) = opened.max(closed) else {
                continue;
            };
            support_by.insert(
                r.get(0),
                SupportFacts {
                    open_high: r.get(1),
                    opened_30: r.get(2),
                    opened_prev_30: r.get(3),
                    latest: Some(parse_day(latest)?),
                },
            );
        }
        let mut survey_by = HashMap::with_capacity(surveys.len());
        for r in surveys {
            survey_by.insert(
                r.get::<i64, _>(0),
                SurveyFacts {
                    nps_promoters: r.get(1),
                    nps_detractors: r.get(2),
                    nps_count: r.get(3),
                    csat_satisfied: r.get(4),
                    csat_count: r.get(5),
                    latest: local_day(r.get(6), offset)?,
                },
            );
        }
        let mut sentiment_by = HashMap::with_capacity(sentiment.len());
        for r in sentiment {
            sentiment_by.insert(
                r.get::<i64, _>(0),
                (r.get::<i64, _>(1), local_day(r.get(2), offset)?),
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
                    relationship: people.remove(&id).unwrap_or_default(),
                    support: support_by.get(&id).copied().unwrap_or_default(),
                    surveys: survey_by.get(&id).copied(),
                    sentiment: sentiment_by.get(&id).copied(),
                })
            })
            .collect()
    }
}
