//! Bulk writes: multi-row INSERTs of ~500 rows each inside one transaction.

use sqlx::{QueryBuilder, Sqlite, Transaction};

use super::{day, ts, Store, BATCH_ROWS, META_DATA_AS_OF, META_DEMO_SEED, META_SOURCE};
use crate::domain::dataset::DemoData;
use crate::domain::health::Snapshot;
use crate::domain::UsageDay;
use crate::error::Result;

/// Tables holding synced or generated client data, children first.
pub(super) const DATA_TABLES: &[&str] = &[
    "outbox",
    "followup",
    "capture_draft",
    "health_current",
    "health_snapshot",
    "alert",
    "churn_risk",
    "task",
    "playbook_run",
    "value_entry",
    "milestone",
    "success_plan",
    "lifecycle_history",
    "handoff_item",
    "handoff",
    "qbr_commitment",
    "qbr",
    "am_sentiment",
    "survey_response",
    "usage_daily",
    "usage_feature_name",
    "activity",
    "ticket",
    "deal",
    "contact",
    "account",
];

/// Days back the demo's key-feature events go (what the adoption screens read).
const DEMO_FEATURE_DAYS: i64 = 200;

/// The demo's key features, and each day's events split among them: everyone uses
/// dashboards, most use reports, and the others come one by one as a client's contract ages,
/// for some clients only, so breadth differs and grows.
async fn demo_features_tx(
    tx: &mut Transaction<'_, Sqlite>,
    today: chrono::NaiveDate,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO usage_feature_name (id, name) VALUES
            (1, 'Dashboards'), (2, 'Reports'), (3, 'Alerts'), (4, 'Integrations'), (5, 'API'), (6, 'Mobile app')",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE usage_daily SET features = (SELECT json_object(
            '1', u.fe * 40 / 100,
            '2', CASE WHEN u.aid % 5 != 0 THEN u.fe / 4 ELSE 0 END,
            '3', CASE WHEN u.aid % 3 != 0 AND u.age >= 60 THEN u.fe * 15 / 100 ELSE 0 END,
            '4', CASE WHEN u.aid % 4 IN (1, 2) AND u.age >= 150 THEN u.fe / 10 ELSE 0 END,
            '5', CASE WHEN u.aid % 7 IN (0, 3) AND u.age >= 240 THEN u.fe / 20 ELSE 0 END,
            '6', CASE WHEN u.aid % 2 = 0 AND u.age >= 300 THEN u.fe / 12 ELSE 0 END)
          FROM (SELECT usage_daily.account_id AS aid, usage_daily.feature_events AS fe,
                  julianday(usage_daily.day) - julianday(coalesce(
                    (SELECT contract_start FROM account WHERE id = usage_daily.account_id), usage_daily.day)) AS age) u)
         WHERE day >= ? AND feature_events > 0",
    )
    .bind(day(today - chrono::Duration::days(DEMO_FEATURE_DAYS)))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Inserts `rows` in chunks of [`BATCH_ROWS`], binding each row with `bind`.
async fn insert_chunks<'a, T>(
    tx: &mut Transaction<'a, Sqlite>,
    head: &str,
    rows: &[T],
    mut bind: impl FnMut(sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, &T),
) -> Result<()> {
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(head);
        qb.push_values(chunk, &mut bind);
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

impl Store {
    /// Replaces all client data with a generated demo portfolio, atomically.
    pub async fn replace_with_demo(&self, d: &DemoData) -> Result<()> {
        let mut conn = self.pool().acquire().await?;
        sqlx::query(super::BULK_CACHE_SIZE_PRAGMA)
            .execute(&mut *conn)
            .await?;
        let result = replace_with_demo_on(&mut conn, d).await;
        sqlx::query(&format!("PRAGMA cache_size = {}", super::CACHE_SIZE_PRAGMA))
            .execute(&mut *conn)
            .await?;
        drop(conn);
        result?;
        // Fold the large WAL into the main file now rather than in the next writer's commit.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Upserts daily usage rows in batches, in one transaction.
    pub async fn upsert_usage(&self, rows: &[UsageDay], source: &str) -> Result<()> {
        let mut tx = self.write_tx().await?;
        insert_usage_tx(&mut tx, rows, source).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes health snapshots (one per account and day, replacing that day's earlier one) and
    /// refreshes those accounts' current health.
    pub async fn upsert_snapshots(&self, snaps: &[Snapshot]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        upsert_snapshots_tx(&mut tx, snaps).await?;
        if let Some(as_of) = snaps.iter().map(|s| s.day).max() {
            let ids: Vec<i64> = snaps.iter().map(|s| s.account_id).collect();
            super::current::refresh_tx(&mut tx, as_of, Some(&ids)).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_usage_tx(
    tx: &mut Transaction<'_, Sqlite>,
    rows: &[UsageDay],
    source: &str,
) -> Result<()> {
    for chunk in rows.chunks(BATCH_ROWS) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO usage_daily (account_id, day, active_users, seats_used, feature_events, source) ",
        );
        qb.push_values(chunk, |mut b, u| {
            b.push_bind(u.account_id)
                .push_bind(day(u.day))
                .push_bind(u.active_users)
                .push_bind(u.seats_used)
                .push_bind(u.feature_events)
                .push_bind(source);
        });
        qb.push(" ON CONFLICT (account_id, day) DO UPDATE SET active_users = excluded.active_users, seats_used = excluded.seats_used, feature_events = excluded.feature_events, source = excluded.source");
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

async fn upsert_snapshots_tx(tx: &mut Transaction<'_, Sqlite>, snaps: &[Snapshot]) -> Result<()> {
    for chunk in snaps.chunks(BATCH_ROWS) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO health_snapshot (account_id, day, score, band, profile, model_version, components) ",
        );
        qb.push_values(chunk, |mut b, s| {
            b.push_bind(s.account_id)
                .push_bind(day(s.day))
                .push_bind(s.score)
                .push_bind(s.band.map(|x| x.as_str()))
                .push_bind(s.profile.clone())
                .push_bind(s.model_version.clone())
                .push_bind(super::health::encode_components(&s.components));
        });
        qb.push(" ON CONFLICT (account_id, day) DO UPDATE SET score = excluded.score, band = excluded.band, profile = excluded.profile, model_version = excluded.model_version, components = excluded.components");
        qb.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// The demo load itself, in one transaction on `conn`.
async fn replace_with_demo_on(conn: &mut sqlx::SqliteConnection, d: &DemoData) -> Result<()> {
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?;
    super::scoring::begin_bulk(&mut tx).await?;

    for t in DATA_TABLES {
        sqlx::query(&format!("DELETE FROM {t}"))
            .execute(&mut *tx)
            .await?;
    }
    // Building an index once over sorted keys beats keeping it up to date through millions of
    // inserts in another order; the definitions are restored verbatim from the schema.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
         AND tbl_name IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(DATA_TABLES).unwrap_or_default())
    .fetch_all(&mut *tx)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\""))
            .execute(&mut *tx)
            .await?;
    }
    let mut t = std::time::Instant::now();
    let mut lap = |what: &str| {
        tracing::debug!(ms = t.elapsed().as_millis() as u64, "demo write: {what}");
        t = std::time::Instant::now();
    };
    let now = ts(d.as_of);
    let now = now.as_str();
    insert_chunks(&mut tx, "INSERT INTO account (id, crm, crm_id, name, domain, industry, segment, tier, owner, lifecycle_stage, arr, mrr, currency, contract_start, renewal_date, seats_purchased, churned_on, updated_at, synced_at) ", &d.accounts, |mut b, a| {
        b.push_bind(a.id).push_bind(a.crm.as_str()).push_bind(a.crm_id.clone()).push_bind(a.name.clone())
            .push_bind(a.domain.clone()).push_bind(a.industry.clone()).push_bind(a.segment.clone())
            .push_bind(a.tier.clone()).push_bind(a.owner.clone()).push_bind(a.stage.as_str())
            .push_bind(a.arr).push_bind(a.arr / 12.0).push_bind(a.currency.clone())
            .push_bind(day(a.contract_start)).push_bind(a.renewal_date.map(day))
            .push_bind(a.seats_purchased).push_bind(a.churned_on.map(day))
            .push_bind(ts(a.updated_at)).push_bind(now.to_string());
    }).await?;
    insert_chunks(&mut tx, "INSERT INTO contact (id, account_id, crm, crm_id, name, email, title, is_champion, is_sponsor, is_decision_maker, is_advisory, last_engaged, left_company, left_on, updated_at, synced_at) ", &d.contacts, |mut b, c| {
        b.push_bind(c.id).push_bind(c.account_id).push_bind("demo").push_bind(c.crm_id.clone())
            .push_bind(c.name.clone()).push_bind(c.email.clone()).push_bind(c.title.clone())
            .push_bind(c.champion).push_bind(c.sponsor).push_bind(c.decision_maker).push_bind(c.advisory)
            .push_bind(c.last_engaged.map(day)).push_bind(c.left_on.is_some()).push_bind(c.left_on.map(day))
            .push_bind(now.to_string()).push_bind(now.to_string());
    }).await?;
    insert_chunks(&mut tx, "INSERT INTO deal (id, account_id, crm, crm_id, name, kind, amount, stage, close_date, status, updated_at, synced_at) ", &d.deals, |mut b, x| {
        b.push_bind(x.id).push_bind(x.account_id).push_bind("demo").push_bind(x.crm_id.clone())
            .push_bind(x.name.clone()).push_bind(x.kind.as_str()).push_bind(x.amount).push_bind(x.stage.clone())
            .push_bind(day(x.close_date)).push_bind(x.status.as_str())
            .push_bind(now.to_string()).push_bind(now.to_string());
    }).await?;
    insert_chunks(&mut tx, "INSERT INTO ticket (id, account_id, crm, crm_id, subject, priority, status, opened_on, closed_on, csat, updated_at, synced_at) ", &d.tickets, |mut b, t| {
        b.push_bind(t.id).push_bind(t.account_id).push_bind("demo").push_bind(t.crm_id.clone())
            .push_bind(t.subject.clone()).push_bind(t.priority.clone()).push_bind(t.status.clone())
            .push_bind(day(t.opened_on)).push_bind(t.closed_on.map(day)).push_bind(t.csat)
            .push_bind(now.to_string()).push_bind(now.to_string());
    }).await?;
    insert_chunks(&mut tx, "INSERT INTO activity (id, account_id, contact_id, crm, crm_id, kind, direction, occurred_at, team, summary, two_way, updated_at, synced_at) ", &d.activities, |mut b, a| {
        b.push_bind(a.id).push_bind(a.account_id).push_bind(a.contact_id).push_bind("demo")
            .push_bind(a.crm_id.clone()).push_bind(a.kind.clone()).push_bind(a.direction.clone())
            .push_bind(ts(a.at)).push_bind(a.team.clone()).push_bind(a.summary.clone())
            .push_bind(a.is_two_way()).push_bind(now.to_string()).push_bind(now.to_string());
    }).await?;
    insert_usage_tx(&mut tx, &d.usage, "demo").await?;
    demo_features_tx(&mut tx, d.today).await?;
    lap("accounts, people, deals, tickets, activities, usage");
    insert_chunks(&mut tx, "INSERT INTO survey_response (id, account_id, contact_id, crm, crm_id, kind, score, verbatim, channel, captured_at, origin, sync_state) ", &d.surveys, |mut b, s| {
        b.push_bind(s.id).push_bind(s.account_id).push_bind(s.contact_id).push_bind("demo")
            .push_bind(format!("demo-survey-{:09}", s.id)).push_bind(s.kind.as_str()).push_bind(s.score)
            .push_bind(s.verbatim.clone()).push_bind(s.channel.clone()).push_bind(ts(s.captured_at))
            .push_bind("crm").push_bind("synced");
    }).await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO am_sentiment (account_id, value, note, set_at) ",
        &d.sentiments,
        |mut b, s| {
            b.push_bind(s.account_id)
                .push_bind(s.value)
                .push_bind(s.note.clone())
                .push_bind(ts(s.set_at));
        },
    )
    .await?;
    insert_chunks(&mut tx, "INSERT INTO success_plan (id, account_id, objective, metric, baseline, current_value, target, created_on) ", &d.plans, |mut b, p| {
        b.push_bind(p.id).push_bind(p.account_id).push_bind(p.objective.clone()).push_bind(p.metric.clone())
            .push_bind(p.baseline).push_bind(p.current).push_bind(p.target).push_bind(day(p.created_on));
    }).await?;
    insert_chunks(&mut tx, "INSERT INTO milestone (id, plan_id, account_id, name, kind, target_date, achieved_on, status,
            metric, unit, baseline, current_value, target_value, current_on, start_on, owner, position) ", &d.milestones, |mut b, m| {
        b.push_bind(m.id).push_bind(m.plan_id).push_bind(m.account_id).push_bind(m.name.clone())
            .push_bind(m.kind.clone()).push_bind(day(m.target_date)).push_bind(m.achieved_on.map(day))
            .push_bind(m.status.clone()).push_bind(m.metric.clone()).push_bind(m.unit.clone())
            .push_bind(m.baseline).push_bind(m.current).push_bind(m.target)
            .push_bind(m.current_on.map(day))
            .push_bind(day(m.start_on)).push_bind(m.owner.clone()).push_bind(m.position);
    }).await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO value_entry (account_id, milestone_id, recorded_on, description, amount,
            category, measured_how, confirmation) ",
        &d.value_entries,
        |mut b, v| {
            b.push_bind(v.account_id)
                .push_bind(v.milestone_id)
                .push_bind(day(v.recorded_on))
                .push_bind(v.description.clone())
                .push_bind(v.amount)
                .push_bind(v.category.as_str())
                .push_bind(v.measured_how.clone())
                .push_bind(v.confirmation.as_str());
        },
    )
    .await?;
    insert_chunks(
        &mut tx,
        "INSERT INTO lifecycle_history (account_id, stage, entered_on) ",
        &d.lifecycle,
        |mut b, l| {
            b.push_bind(l.account_id)
                .push_bind(l.stage.as_str())
                .push_bind(day(l.entered_on));
        },
    )
    .await?;
    let started: Vec<_> = d.handoffs.iter().map(|h| h.handoff.clone()).collect();
    super::journey::start_handoffs_tx(&mut tx, &started).await?;
    for h in &d.handoffs {
        for (position, done) in h.done.iter().enumerate() {
            let Some(done) = done else { continue };
            sqlx::query(
                "UPDATE handoff_item SET done_on = ?1 WHERE position = ?2 AND handoff_id =
                    (SELECT id FROM handoff WHERE account_id = ?3 AND template = ?4 AND started_on = ?5)",
            )
            .bind(day(*done))
            .bind(position as i64)
            .bind(h.handoff.account_id)
            .bind(&h.handoff.template.key)
            .bind(day(h.handoff.started_on))
            .execute(&mut *tx)
            .await?;
        }
    }
    upsert_snapshots_tx(&mut tx, &d.snapshots).await?;
    lap("snapshots");
    for (_, sql) in &indexes {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    lap("indexes");
    if let Some(as_of) = d.snapshots.iter().map(|s| s.day).max() {
        super::current::refresh_tx(&mut tx, as_of, None).await?;
    }
    lap("current health");
    for (k, v) in [
        (META_DEMO_SEED, d.seed.to_string()),
        (META_DATA_AS_OF, now.to_string()),
        (META_SOURCE, "demo".to_string()),
    ] {
        sqlx::query("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(k).bind(v).execute(&mut *tx).await?;
    }
    super::scoring::end_bulk(&mut tx).await?;
    tx.commit().await?;
    lap("commit");
    Ok(())
}

impl Store {
    /// Carries a connection's CRM usage figures forward to `today`. A CRM holds usage as a level
    /// on the company record (seats used, active users), and an incremental sync only reads the
    /// records that changed: after a complete sync, the unchanged ones still hold their values,
    /// so each day since their last row gets that value (at most 60 days, what the windows use).
    pub async fn carry_usage_forward(
        &self,
        connection_id: i64,
        source: &str,
        today: chrono::NaiveDate,
    ) -> Result<u64> {
        let latest: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT u.account_id, u.day, u.active_users, u.seats_used FROM account a
             JOIN usage_daily u ON u.account_id = a.id
                AND u.day = (SELECT max(day) FROM usage_daily WHERE account_id = a.id)
             WHERE a.connection_id = ? AND a.deleted = 0 AND u.source = ? AND u.day < ?",
        )
        .bind(connection_id)
        .bind(source)
        .bind(day(today))
        .fetch_all(self.pool())
        .await?;
        let mut rows = Vec::new();
        for (account_id, last, active_users, seats_used) in latest {
            let last = super::parse_day(&last)?;
            let from = (last + chrono::Duration::days(1)).max(today - chrono::Duration::days(59));
            let mut d = from;
            while d <= today {
                rows.push(UsageDay {
                    account_id,
                    day: d,
                    active_users,
                    seats_used,
                    feature_events: 0,
                });
                d += chrono::Duration::days(1);
            }
        }
        let n = rows.len() as u64;
        if n > 0 {
            self.upsert_usage(&rows, source).await?;
        }
        Ok(n)
    }
}
