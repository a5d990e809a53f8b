//! The churn model's history in the store: past renewals with their outcomes, point-in-time
//! facts (only data dated before each as-of day), and the scores the model gives today.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::QueryBuilder;

use super::{day, opt_day, parse_day, ts, Store};
use crate::domain::risk::{ChurnFacts, Outcome};
use crate::error::{Error, Result};

/// One account's churn risk as last computed.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskScore {
    pub account_id: i64,
    pub probability: f64,
    /// The drivers as JSON (the analytics layer's `Driver` list).
    pub drivers: String,
}

#[derive(Deserialize)]
struct RawFacts(
    usize,
    i64,
    String,
    f64,
    Option<String>,
    (Option<f64>, Option<f64>, Option<f64>, Option<f64>),
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
    Option<f64>,
    Option<String>,
    Option<i64>,
    Option<f64>,
    Option<i64>,
);

impl Store {
    /// Every renewal decided on or before `today`, oldest first: renewal deals won or lost, and
    /// churned accounts with no lost renewal deal (churned on their churn day).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn renewal_outcomes(&self, today: NaiveDate) -> Result<Vec<Outcome>> {
        let rows: Vec<(i64, String, i64, f64, i64)> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(aid, d, lost, arr, expanded) ORDER BY d, aid) FROM (
                        SELECT d.account_id AS aid, d.close_date AS d, d.status = 'lost' AS lost, d.amount AS arr,
                            EXISTS (SELECT 1 FROM deal e WHERE e.account_id = d.account_id AND e.deleted = 0
                                AND e.kind = 'expansion' AND e.status = 'won'
                                AND e.close_date >= d.close_date AND e.close_date <= date(d.close_date, '+60 days')) AS expanded
                        FROM deal d JOIN account a ON a.id = d.account_id AND a.deleted = 0
                        WHERE d.deleted = 0 AND d.kind = 'renewal' AND d.status IN ('won', 'lost') AND d.close_date <= ?1
                        UNION ALL
                        SELECT a.id, a.churned_on, 1, a.arr, 0 FROM account a
                        WHERE a.deleted = 0 AND a.churned_on IS NOT NULL AND a.churned_on <= ?1
                          AND NOT EXISTS (SELECT 1 FROM deal d WHERE d.account_id = a.id AND d.deleted = 0
                                          AND d.kind = 'renewal' AND d.status = 'lost'))",
                )
                .bind(day(today)),
            )
            .await?;
        rows.into_iter()
            .map(|(account_id, d, churned, arr, expanded)| {
                Ok(Outcome {
                    account_id,
                    renewal: parse_day(&d)?,
                    churned: churned == 1,
                    arr,
                    expanded: expanded == 1,
                })
            })
            .collect()
    }

    /// What was known about each `(account, as_of, ARR)` before its as-of day, in the same order.
    /// A departure with no date counts as known only from `today` on.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn churn_facts(
        &self,
        points: &[(i64, NaiveDate, f64)],
        today: NaiveDate,
    ) -> Result<Vec<ChurnFacts>> {
        let json = serde_json::to_string(
            &points
                .iter()
                .map(|(a, d, arr)| (a, day(*d), arr))
                .collect::<Vec<_>>(),
        )
        .map_err(|e| Error::Storage(format!("points did not encode: {e}")))?;
        let raw: Vec<RawFacts> = self
            .json_rows(
                sqlx::query(
                    "WITH p AS MATERIALIZED (
                        SELECT k, aid, d, arr, date(d, '-7 days') AS d7, date(d, '-30 days') AS d30,
                            date(d, '-60 days') AS d60, date(d, '-90 days') AS d90, date(d, '-120 days') AS d120
                        FROM (SELECT j.key AS k, json_extract(j.value, '$[0]') AS aid, json_extract(j.value, '$[1]') AS d,
                            json_extract(j.value, '$[2]') AS arr FROM json_each(?1) j))
                     SELECT json_group_array(json_array(p.k, p.aid, p.d, p.arr, a.contract_start,
                        -- The four usage windows in one index range scan per point.
                        json((SELECT json_array(avg(CASE WHEN day >= p.d30 THEN active_users END),
                                avg(CASE WHEN day >= p.d60 AND day < p.d30 THEN active_users END),
                                avg(CASE WHEN day >= p.d7 THEN active_users END),
                                avg(CASE WHEN day < p.d90 THEN active_users END))
                         FROM usage_daily WHERE account_id = p.aid AND day >= p.d120 AND day < p.d)),
                        CASE WHEN EXISTS (SELECT 1 FROM deal WHERE account_id = p.aid AND deleted = 0 AND status = 'won'
                                AND kind IN ('expansion', 'contraction') AND close_date >= p.d)
                            THEN NULL ELSE a.seats_purchased END,
                        (SELECT count(*) FROM contact WHERE account_id = p.aid AND deleted = 0 AND (is_champion OR is_sponsor)
                            AND left_company = 1 AND left_on < p.d AND left_on >= date(p.d, '-365 days')),
                        (SELECT count(*) FROM contact WHERE account_id = p.aid AND deleted = 0 AND (is_champion OR is_sponsor)
                            AND NOT (left_company = 1 AND (left_on < p.d OR (left_on IS NULL AND p.d >= ?2)))),
                        (SELECT count(*) FROM ticket INDEXED BY ticket_health WHERE account_id = p.aid AND deleted = 0
                            AND opened_on >= p.d90 AND opened_on < p.d AND priority IN ('high', 'urgent')),
                        (SELECT count(*) FROM ticket INDEXED BY ticket_health WHERE account_id = p.aid AND deleted = 0
                            AND opened_on >= p.d90 AND opened_on < p.d),
                        (SELECT avg(score) FROM survey_response WHERE account_id = p.aid AND deleted = 0 AND kind = 'nps'
                            AND captured_at >= date(p.d, '-180 days') AND captured_at < p.d),
                        (SELECT max(occurred_at) FROM activity WHERE account_id = p.aid AND two_way = 1 AND deleted = 0
                            AND occurred_at < p.d),
                        (SELECT score FROM health_snapshot WHERE account_id = p.aid AND day < p.d
                            AND day >= date(p.d, '-14 days') AND score IS NOT NULL ORDER BY day DESC LIMIT 1),
                        (SELECT avg(score) FROM survey_response WHERE account_id = p.aid AND deleted = 0 AND kind = 'csat'
                            AND captured_at >= date(p.d, '-180 days') AND captured_at < p.d),
                        (SELECT value FROM am_sentiment WHERE account_id = p.aid AND set_at < p.d
                            AND set_at >= date(p.d, '-180 days') ORDER BY set_at DESC, id DESC LIMIT 1)))
                     FROM p JOIN account a ON a.id = p.aid",
                )
                .bind(&json)
                .bind(day(today)),
            )
            .await?;
        let mut out: Vec<Option<ChurnFacts>> = vec![None; points.len()];
        for r in raw {
            let as_of = parse_day(&r.2)?;
            out[r.0] = Some(ChurnFacts {
                account_id: r.1,
                as_of,
                arr: r.3,
                contract_start: opt_day(r.4)?,
                active_30: r.5 .0,
                active_prev_30: r.5 .1,
                active_7: r.5 .2,
                active_q_ago: r.5 .3,
                seats: r.6,
                champions_left: r.7,
                champions: r.8,
                high_tickets_90: r.9,
                tickets_90: r.10,
                nps_avg: r.11,
                last_touch: r
                    .12
                    .as_deref()
                    .map(|t| parse_day(&t[..10.min(t.len())]))
                    .transpose()?,
                health: r.13,
                csat_avg: r.14,
                sentiment: r.15,
            });
        }
        out.into_iter()
            .zip(points)
            .map(|(f, (a, _, _))| f.ok_or_else(|| Error::NotFound(format!("Account {a}"))))
            .collect()
    }

    /// Replaces the stored churn scores with `scores`, computed on `as_of`.
    pub async fn save_risk_scores(
        &self,
        scores: &[RiskScore],
        as_of: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query("DELETE FROM churn_risk")
            .execute(&mut *tx)
            .await?;
        for chunk in scores.chunks(500) {
            let mut q = QueryBuilder::new(
                "INSERT INTO churn_risk (account_id, probability, drivers, as_of, computed_at) ",
            );
            q.push_values(chunk, |mut b, s| {
                b.push_bind(s.account_id)
                    .push_bind(s.probability)
                    .push_bind(&s.drivers)
                    .push_bind(day(as_of))
                    .push_bind(ts(now));
            });
            q.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every stored churn score with its day.
    pub async fn risk_scores(&self) -> Result<Vec<(RiskScore, NaiveDate)>> {
        let rows: Vec<(i64, f64, String, String)> = self
            .json_rows(sqlx::query(
                "SELECT json_group_array(json_array(account_id, probability, drivers, as_of)) FROM churn_risk",
            ))
            .await?;
        rows.into_iter()
            .map(|(account_id, probability, drivers, d)| {
                Ok((
                    RiskScore {
                        account_id,
                        probability,
                        drivers,
                    },
                    parse_day(&d)?,
                ))
            })
            .collect()
    }
}
