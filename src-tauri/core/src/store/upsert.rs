//! Batched multi-row upserts of synced rows (DESIGN §8: one INSERT per row caps near 20k rows/s).
//! A row whose CRM modification time is unchanged is left alone, so re-reading a page counts
//! nothing as changed.

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::{day, ts, BATCH_ROWS};
use crate::error::Result;
use crate::domain::sync::{Connection, PageRows};

/// Upserts `rows`; returns how many were inserted or changed.
pub(super) async fn rows(
    tx: &mut Transaction<'_, Sqlite>,
    conn: &Connection,
    rows: &PageRows,
    now: &str,
    today: String,
    force: bool,
) -> Result<u64> {
    // A full resync rewrites every row, so a changed field mapping reaches rows the CRM did not
    // modify; otherwise an unchanged modification time means nothing to write.
    let any = if force { " OR 1" } else { "" };
    let crm = conn.crm.as_str();
    let mut n = 0;
    macro_rules! batch {
        ($items:expr, $head:expr, $tail:expr, |$b:ident, $r:ident| $bind:block) => {
            for chunk in $items.chunks(BATCH_ROWS) {
                let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new($head);
                qb.push_values(chunk, |mut $b, $r| $bind);
                qb.push($tail);
                n += qb.build().execute(&mut **tx).await?.rows_affected();
            }
        };
    }
    const CHANGED: &str = "updated_at = excluded.updated_at, synced_at = excluded.synced_at, deleted = 0";
    match rows {
        PageRows::Accounts(v) => {
            batch!(v, "INSERT INTO account (crm, crm_id, connection_id, name, domain, industry, segment, owner, lifecycle_stage, arr, mrr, currency, contract_start, renewal_date, seats_purchased, updated_at, synced_at) ",
                format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET connection_id = excluded.connection_id, name = excluded.name, domain = excluded.domain,
                  industry = excluded.industry, segment = excluded.segment, owner = excluded.owner, lifecycle_stage = excluded.lifecycle_stage,
                  arr = excluded.arr, mrr = excluded.mrr, currency = excluded.currency, contract_start = excluded.contract_start,
                  renewal_date = excluded.renewal_date, seats_purchased = excluded.seats_purchased, {CHANGED}
                  WHERE account.updated_at != excluded.updated_at OR account.deleted = 1{any}"),
                |b, a| {
                    b.push_bind(crm).push_bind(&a.crm_id).push_bind(conn.id).push_bind(&a.name).push_bind(&a.domain)
                        .push_bind(&a.industry).push_bind(&a.segment).push_bind(&a.owner).push_bind(a.stage.as_str())
                        .push_bind(a.arr).push_bind(a.arr / 12.0).push_bind(&a.currency)
                        .push_bind(a.contract_start.map(day)).push_bind(a.renewal_date.map(day))
                        .push_bind(a.seats_purchased).push_bind(ts(a.updated_at)).push_bind(now);
                });
            // Usage figures on the record become today's usage row for the account.
            let usage: Vec<_> = v
                .iter()
                .filter(|a| a.seats_used.is_some() || a.active_users.is_some())
                .collect();
            for chunk in usage.chunks(BATCH_ROWS) {
                let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("WITH v (crm_id, active_users, seats_used) AS (");
                qb.push_values(chunk, |mut b, a| {
                    b.push_bind(&a.crm_id).push_bind(a.active_users.unwrap_or(0)).push_bind(a.seats_used.unwrap_or(0));
                });
                qb.push(") INSERT INTO usage_daily (account_id, day, active_users, seats_used, feature_events, source) SELECT a.id, ")
                    .push_bind(&today)
                    .push(", v.active_users, v.seats_used, 0, ")
                    .push_bind(crm)
                    .push(" FROM v JOIN account a ON a.crm = ")
                    .push_bind(crm)
                    .push(" AND a.crm_id = v.crm_id WHERE true ON CONFLICT (account_id, day) DO UPDATE SET active_users = excluded.active_users, seats_used = excluded.seats_used, source = excluded.source");
                qb.build().execute(&mut **tx).await?;
            }
        }
        PageRows::Contacts(v) => batch!(v, "INSERT INTO contact (crm, crm_id, account_crm_id, name, email, title, is_champion, is_sponsor, is_decision_maker, is_advisory, updated_at, synced_at) ",
            format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, name = excluded.name, email = excluded.email,
              title = excluded.title, is_champion = excluded.is_champion, is_sponsor = excluded.is_sponsor,
              is_decision_maker = excluded.is_decision_maker, is_advisory = excluded.is_advisory, {CHANGED}
              WHERE contact.updated_at != excluded.updated_at OR contact.deleted = 1{any}"),
            |b, c| {
                b.push_bind(crm).push_bind(&c.crm_id).push_bind(&c.account_crm_id).push_bind(&c.name).push_bind(&c.email)
                    .push_bind(&c.title).push_bind(c.champion).push_bind(c.sponsor).push_bind(c.decision_maker)
                    .push_bind(c.advisory).push_bind(ts(c.updated_at)).push_bind(now);
            }),
        PageRows::Deals(v) => batch!(v, "INSERT INTO deal (crm, crm_id, account_crm_id, name, kind, amount, stage, close_date, status, updated_at, synced_at) ",
            format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, name = excluded.name, kind = excluded.kind,
              amount = excluded.amount, stage = excluded.stage, close_date = excluded.close_date, status = excluded.status, {CHANGED}
              WHERE deal.updated_at != excluded.updated_at OR deal.deleted = 1{any}"),
            |b, d| {
                b.push_bind(crm).push_bind(&d.crm_id).push_bind(&d.account_crm_id).push_bind(&d.name).push_bind(d.kind.as_str())
                    .push_bind(d.amount).push_bind(&d.stage).push_bind(day(d.close_date)).push_bind(d.status.as_str())
                    .push_bind(ts(d.updated_at)).push_bind(now);
            }),
        PageRows::Tickets(v) => batch!(v, "INSERT INTO ticket (crm, crm_id, account_crm_id, subject, priority, status, opened_on, closed_on, updated_at, synced_at) ",
            format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, subject = excluded.subject,
              priority = excluded.priority, status = excluded.status, opened_on = excluded.opened_on, closed_on = excluded.closed_on, {CHANGED}
              WHERE ticket.updated_at != excluded.updated_at OR ticket.deleted = 1{any}"),
            |b, t| {
                b.push_bind(crm).push_bind(&t.crm_id).push_bind(&t.account_crm_id).push_bind(&t.subject).push_bind(&t.priority)
                    .push_bind(&t.status).push_bind(day(t.opened_on)).push_bind(t.closed_on.map(day))
                    .push_bind(ts(t.updated_at)).push_bind(now);
            }),
        PageRows::Activities(v) => batch!(v, "INSERT INTO activity (crm, crm_id, account_crm_id, kind, direction, occurred_at, summary, two_way, updated_at, synced_at) ",
            format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, kind = excluded.kind,
              direction = excluded.direction, occurred_at = excluded.occurred_at, summary = excluded.summary, two_way = excluded.two_way, {CHANGED}
              WHERE activity.updated_at != excluded.updated_at OR activity.deleted = 1{any}"),
            |b, a| {
                b.push_bind(crm).push_bind(&a.crm_id).push_bind(&a.account_crm_id).push_bind(a.kind).push_bind(&a.direction)
                    .push_bind(ts(a.occurred_at)).push_bind(&a.summary).push_bind(a.two_way)
                    .push_bind(ts(a.updated_at)).push_bind(now);
            }),
        PageRows::Surveys(v) => batch!(v, "INSERT INTO survey_response (crm, crm_id, account_crm_id, kind, score, verbatim, channel, captured_at, origin, sync_state) ",
            format!(" ON CONFLICT (crm, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, kind = excluded.kind, score = excluded.score,
              verbatim = excluded.verbatim, captured_at = excluded.captured_at
              WHERE survey_response.score != excluded.score OR survey_response.verbatim != excluded.verbatim
                 OR survey_response.account_crm_id IS NOT excluded.account_crm_id{any}"),
            |b, s| {
                b.push_bind(crm).push_bind(&s.crm_id).push_bind(&s.account_crm_id).push_bind(s.kind.as_str()).push_bind(s.score)
                    .push_bind(&s.verbatim).push_bind(crm).push_bind(ts(s.captured_at)).push_bind("crm").push_bind("synced");
            }),
        PageRows::Deleted(_) => {}
    }
    Ok(n)
}
