//! Batched multi-row upserts of synced rows (DESIGN §8: one INSERT per row caps near 20k rows/s),
//! keyed on the connection and the CRM id. A row is only overwritten by a strictly newer copy
//! (CRM modification time, to the millisecond), so look-back re-reads, a lagging search index and
//! out-of-order pages can never roll data back, and re-reading a page counts nothing as changed.

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::{day, ts, BATCH_ROWS};
use crate::domain::sync::{Connection, PageRows};
use crate::error::Result;

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
    // modify; otherwise only a newer copy is written.
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
    const CHANGED: &str = "updated_at = excluded.updated_at, synced_at = excluded.synced_at, deleted = 0, deleted_at = NULL";
    match rows {
        PageRows::Accounts(v) => {
            // A record without an ARR value keeps the ARR derived from its deals (arr_source
            // 'deals'), which the service works out after the sync.
            batch!(v, "INSERT INTO account (connection_id, crm, crm_id, name, domain, industry, segment, owner, owner_crm_id, lifecycle_stage, arr, mrr, arr_source, currency, contract_start, renewal_date, seats_purchased, crm_churned_on, updated_at, synced_at) ",
                format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET name = excluded.name, domain = excluded.domain,
                  industry = excluded.industry, owner = excluded.owner, owner_crm_id = excluded.owner_crm_id,
                  segment = CASE WHEN excluded.arr_source = 'crm' THEN excluded.segment ELSE account.segment END,
                  lifecycle_stage = CASE WHEN account.stage_since IS NULL THEN excluded.lifecycle_stage ELSE account.lifecycle_stage END,
                  arr = CASE WHEN excluded.arr_source = 'crm' THEN excluded.arr ELSE account.arr END,
                  mrr = CASE WHEN excluded.arr_source = 'crm' THEN excluded.mrr ELSE account.mrr END,
                  arr_source = CASE WHEN excluded.arr_source = 'crm' THEN 'crm' WHEN account.arr_source = 'crm' THEN 'none' ELSE account.arr_source END,
                  currency = excluded.currency,
                  contract_start = coalesce(excluded.contract_start, CASE WHEN account.contract_source IS NOT NULL THEN account.contract_start END),
                  contract_source = CASE WHEN excluded.contract_start IS NOT NULL THEN NULL ELSE account.contract_source END,
                  renewal_date = coalesce(excluded.renewal_date, CASE WHEN account.renewal_source IS NOT NULL THEN account.renewal_date END),
                  renewal_source = CASE WHEN excluded.renewal_date IS NOT NULL THEN NULL ELSE account.renewal_source END,
                  seats_purchased = excluded.seats_purchased,
                  crm_churned_on = excluded.crm_churned_on, {CHANGED}
                  WHERE excluded.updated_at > account.updated_at{any}"),
                |b, a| {
                    let arr = a.arr.unwrap_or(0.0);
                    b.push_bind(conn.id).push_bind(crm).push_bind(&a.crm_id).push_bind(&a.name).push_bind(&a.domain)
                        .push_bind(&a.industry).push_bind(&a.segment).push_bind(&a.owner).push_bind(&a.owner_crm_id).push_bind(a.stage.as_str())
                        .push_bind(arr).push_bind(arr / 12.0)
                        .push_bind(if a.arr.is_some() { "crm" } else { "none" }).push_bind(&a.currency)
                        .push_bind(a.contract_start.map(day)).push_bind(a.renewal_date.map(day))
                        .push_bind(a.seats_purchased).push_bind(a.churned_on.map(day))
                        .push_bind(ts(a.updated_at)).push_bind(now);
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
                    .push(" FROM v JOIN account a ON a.connection_id = ")
                    .push_bind(conn.id)
                    .push(" AND a.crm_id = v.crm_id WHERE true ON CONFLICT (account_id, day) DO UPDATE SET active_users = excluded.active_users, seats_used = excluded.seats_used, source = excluded.source");
                qb.build().execute(&mut **tx).await?;
            }
        }
        // A contact whose company association disappeared has left it: it stays on the account,
        // marked as left on the day of the change.
        PageRows::Contacts(v) => batch!(v, "INSERT INTO contact (connection_id, crm, crm_id, account_crm_id, name, email, title, is_champion, is_sponsor, is_decision_maker, is_advisory, left_company, left_on, left_reason, updated_at, synced_at) ",
            format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET
              account_crm_id = coalesce(excluded.account_crm_id, contact.account_crm_id),
              name = excluded.name, email = excluded.email,
              title = excluded.title, is_champion = excluded.is_champion, is_sponsor = excluded.is_sponsor,
              is_decision_maker = excluded.is_decision_maker, is_advisory = excluded.is_advisory,
              left_company = CASE WHEN excluded.left_company = 1 OR (excluded.account_crm_id IS NULL AND contact.account_crm_id IS NOT NULL) THEN 1 ELSE 0 END,
              left_on = CASE WHEN excluded.left_company = 1 THEN coalesce(contact.left_on, excluded.left_on)
                             WHEN excluded.account_crm_id IS NULL AND contact.account_crm_id IS NOT NULL THEN coalesce(contact.left_on, substr(excluded.updated_at, 1, 10))
                             ELSE NULL END,
              left_reason = CASE WHEN excluded.left_company = 1 THEN excluded.left_reason
                             WHEN excluded.account_crm_id IS NULL AND contact.account_crm_id IS NOT NULL THEN 'no longer associated with the company in the CRM'
                             ELSE NULL END,
              {CHANGED}
              WHERE excluded.updated_at > contact.updated_at{any}"),
            |b, c| {
                b.push_bind(conn.id).push_bind(crm).push_bind(&c.crm_id).push_bind(&c.account_crm_id).push_bind(&c.name).push_bind(&c.email)
                    .push_bind(&c.title).push_bind(c.champion).push_bind(c.sponsor).push_bind(c.decision_maker)
                    .push_bind(c.advisory).push_bind(c.left_on.is_some()).push_bind(c.left_on.map(day)).push_bind(&c.left_reason)
                    .push_bind(ts(c.updated_at)).push_bind(now);
            }),
        PageRows::Deals(v) => batch!(v, "INSERT INTO deal (connection_id, crm, crm_id, account_crm_id, name, kind, amount, currency, stage, close_date, status, updated_at, synced_at) ",
            format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, name = excluded.name, kind = excluded.kind,
              amount = excluded.amount, currency = excluded.currency, stage = excluded.stage, close_date = excluded.close_date, status = excluded.status, {CHANGED}
              WHERE excluded.updated_at > deal.updated_at{any}"),
            |b, d| {
                b.push_bind(conn.id).push_bind(crm).push_bind(&d.crm_id).push_bind(&d.account_crm_id).push_bind(&d.name).push_bind(d.kind.as_str())
                    .push_bind(d.amount).push_bind(&d.currency).push_bind(&d.stage).push_bind(day(d.close_date)).push_bind(d.status.as_str())
                    .push_bind(ts(d.updated_at)).push_bind(now);
            }),
        PageRows::Tickets(v) => batch!(v, "INSERT INTO ticket (connection_id, crm, crm_id, account_crm_id, subject, priority, status, opened_on, closed_on, updated_at, synced_at) ",
            format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, subject = excluded.subject,
              priority = excluded.priority, status = excluded.status, opened_on = excluded.opened_on, closed_on = excluded.closed_on, {CHANGED}
              WHERE excluded.updated_at > ticket.updated_at{any}"),
            |b, t| {
                b.push_bind(conn.id).push_bind(crm).push_bind(&t.crm_id).push_bind(&t.account_crm_id).push_bind(&t.subject).push_bind(&t.priority)
                    .push_bind(&t.status).push_bind(day(t.opened_on)).push_bind(t.closed_on.map(day))
                    .push_bind(ts(t.updated_at)).push_bind(now);
            }),
        PageRows::Activities(v) => batch!(v, "INSERT INTO activity (connection_id, crm, crm_id, account_crm_id, kind, direction, occurred_at, summary, two_way, updated_at, synced_at) ",
            format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id,
              kind = CASE WHEN activity.origin = 'local' THEN activity.kind ELSE excluded.kind END,
              direction = CASE WHEN activity.origin = 'local' THEN activity.direction ELSE excluded.direction END,
              occurred_at = excluded.occurred_at, summary = excluded.summary,
              two_way = CASE WHEN activity.origin = 'local' THEN activity.two_way ELSE excluded.two_way END, {CHANGED}
              WHERE excluded.updated_at > activity.updated_at{any}"),
            |b, a| {
                b.push_bind(conn.id).push_bind(crm).push_bind(&a.crm_id).push_bind(&a.account_crm_id).push_bind(a.kind).push_bind(&a.direction)
                    .push_bind(ts(a.occurred_at)).push_bind(&a.summary).push_bind(a.two_way)
                    .push_bind(ts(a.updated_at)).push_bind(now);
            }),
        PageRows::Surveys(v) => batch!(v, "INSERT INTO survey_response (connection_id, crm, crm_id, account_crm_id, kind, score, verbatim, channel, captured_at, origin, sync_state, updated_at, synced_at) ",
            format!(" ON CONFLICT (connection_id, crm_id) DO UPDATE SET account_crm_id = excluded.account_crm_id, kind = excluded.kind, score = excluded.score,
              verbatim = excluded.verbatim, captured_at = excluded.captured_at, {CHANGED}
              WHERE excluded.updated_at > coalesce(survey_response.updated_at, ''){any}"),
            |b, s| {
                b.push_bind(conn.id).push_bind(crm).push_bind(&s.crm_id).push_bind(&s.account_crm_id).push_bind(s.kind.as_str()).push_bind(s.score)
                    .push_bind(&s.verbatim).push_bind(crm).push_bind(ts(s.captured_at)).push_bind("crm").push_bind("synced")
                    .push_bind(ts(s.updated_at)).push_bind(now);
            }),
        PageRows::Deleted(_) => {}
    }
    Ok(n)
}
