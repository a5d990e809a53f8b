//! Adoption in the store: an account's daily usage over a year with its feature events, the
//! key features' names, and each account's recent utilisation and feature breadth.

use chrono::{Duration, NaiveDate};

use super::{day, opt_day, parse_day, Store};
use crate::domain::adoption::{AdoptionFacts, UsageRecord};
use crate::error::Result;

fn feature_events(json: Option<&str>) -> Vec<(i64, i64)> {
    let Some(j) = json else { return Vec::new() };
    serde_json::from_str::<std::collections::BTreeMap<String, i64>>(j)
        .map(|m| {
            m.into_iter()
                .filter_map(|(k, v)| k.parse().ok().map(|k| (k, v)))
                .collect()
        })
        .unwrap_or_default()
}

impl Store {
    /// The latest day any account has usage for.
    pub async fn latest_usage_day(&self) -> Result<Option<NaiveDate>> {
        let d: Option<String> = sqlx::query_scalar("SELECT max(day) FROM usage_daily")
            .fetch_one(self.pool())
            .await?;
        opt_day(d)
    }

    /// An account's usage from `from` on, oldest first.
    pub async fn usage_since(&self, account_id: i64, from: NaiveDate) -> Result<Vec<UsageRecord>> {
        let rows: Vec<(String, i64, i64, Option<String>)> = sqlx::query_as(
            "SELECT day, active_users, seats_used, features FROM usage_daily
             WHERE account_id = ? AND day >= ? ORDER BY day",
        )
        .bind(account_id)
        .bind(day(from))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(d, active_users, seats_used, f)| {
                Ok(UsageRecord {
                    day: parse_day(&d)?,
                    active_users,
                    seats_used,
                    features: feature_events(f.as_deref()),
                })
            })
            .collect()
    }

    /// The key features the book knows, by id.
    pub async fn feature_names(&self) -> Result<Vec<(i64, String)>> {
        Ok(
            sqlx::query_as("SELECT id, name FROM usage_feature_name ORDER BY id")
                .fetch_all(self.pool())
                .await?,
        )
    }

    /// Each live account's 7-day average active users to `as_of` and to 90 days earlier, and
    /// how many key features it used in the 30 days to `as_of`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn adoption_facts(&self, as_of: NaiveDate) -> Result<Vec<AdoptionFacts>> {
        let then = as_of - Duration::days(90);
        let rows = self
            .json_rows::<(i64, String, String, f64, i64, Option<f64>, Option<f64>, i64)>(
                sqlx::query(
                    "SELECT json_group_array(json_array(a.id, a.name, a.owner, a.arr, a.seats_purchased,
                        (SELECT avg(u.active_users) FROM usage_daily u WHERE u.account_id = a.id AND u.day > ?2 AND u.day <= ?1),
                        (SELECT avg(u.active_users) FROM usage_daily u WHERE u.account_id = a.id AND u.day > ?4 AND u.day <= ?3),
                        (SELECT count(DISTINCT f.key) FROM usage_daily u, json_each(coalesce(u.features, '{}')) f
                          WHERE u.account_id = a.id AND u.day > ?5 AND u.day <= ?1 AND f.value > 0)))
                     FROM account a WHERE a.deleted = 0 AND a.churned_on IS NULL",
                )
                .bind(day(as_of))
                .bind(day(as_of - Duration::days(7)))
                .bind(day(then))
                .bind(day(then - Duration::days(7)))
                .bind(day(as_of - Duration::days(30))),
            )
            .await?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    account_id,
                    name,
                    owner,
                    arr,
                    seats_purchased,
                    active_7,
                    active_7_then,
                    breadth,
                )| {
                    AdoptionFacts {
                        account_id,
                        name,
                        owner,
                        arr,
                        seats_purchased,
                        active_7,
                        active_7_then,
                        breadth: breadth as u32,
                    }
                },
            )
            .collect())
    }
}
