//! What the book-level value figures read: each account's contract start and the days its
//! first-value and full-value milestones were achieved.

use super::{opt_day, parse_day, Store};
use crate::domain::value::TtvFacts;
use crate::error::Result;

/// One account as the time-to-value query lists it (serde reads a struct from a JSON array).
#[derive(serde::Deserialize)]
struct TtvRow {
    id: i64,
    name: String,
    owner: String,
    arr: f64,
    start: Option<String>,
    churned: Option<String>,
    first: Option<String>,
    full: Option<String>,
    first_due: Option<String>,
    has_first: i64,
}

impl Store {
    /// Every account on the books with a contract start, and how many have none.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn ttv_facts(&self) -> Result<(Vec<TtvFacts>, i64)> {
        let rows: Vec<TtvRow> = self
            .json_rows(sqlx::query(
                "SELECT json_group_array(json_array(a.id, a.name, a.owner, a.arr, a.contract_start,
                        a.churned_on, m.first, m.full, m.first_due, coalesce(m.has_first, 0)))
                 FROM account a LEFT JOIN (
                    SELECT account_id,
                        min(CASE WHEN kind = 'first_value' THEN achieved_on END) AS first,
                        min(CASE WHEN kind = 'full_value' THEN achieved_on END) AS full,
                        min(CASE WHEN kind = 'first_value' AND achieved_on IS NULL THEN target_date END) AS first_due,
                        max(kind = 'first_value') AS has_first
                    FROM milestone WHERE kind IN ('first_value', 'full_value') GROUP BY account_id
                 ) m ON m.account_id = a.id
                 WHERE a.deleted = 0",
            ))
            .await?;
        let mut without_start = 0;
        let mut facts = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(start) = r.start else {
                without_start += 1;
                continue;
            };
            facts.push(TtvFacts {
                account_id: r.id,
                account: r.name,
                owner: r.owner,
                arr: r.arr,
                contract_start: parse_day(&start)?,
                churned_on: opt_day(r.churned)?,
                first_value_on: opt_day(r.first)?,
                full_value_on: opt_day(r.full)?,
                first_value_due: opt_day(r.first_due)?,
                has_first_value_milestone: r.has_first != 0,
            });
        }
        Ok((facts, without_start))
    }
}
