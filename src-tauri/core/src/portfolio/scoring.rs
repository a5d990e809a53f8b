//! When scores are computed: after the inputs change (only the accounts touched) and once per
//! new day, never on a read. Reads show the scores as last computed, with their day.

use chrono::NaiveDate;

use super::{kpis, Rapport};
use crate::domain::health::MODEL_VERSION;
use crate::error::Result;
use crate::health::{self, Snapshot};
use crate::store::ScoredFor;

/// What a call to [`Rapport::score_changes`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scored {
    /// Nothing had changed since the last scoring of that day.
    Nothing,
    /// Only the accounts whose inputs changed, this many.
    Changed(usize),
    /// Every active account, this many: a new day, a usage feed that moved, a new model, or a
    /// store never scored.
    All(usize),
}

impl Scored {
    pub fn count(self) -> usize {
        match self {
            Scored::Nothing => 0,
            Scored::Changed(n) | Scored::All(n) => n,
        }
    }
}

impl Rapport {
    /// Brings the scores up to date for `today`: every account on a day not scored yet, or when a
    /// usage source reports a newer day, or the model changed; otherwise only the accounts whose
    /// inputs were written since they were last scored; nothing when nothing changed.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn score_changes(&self, today: NaiveDate) -> Result<Scored> {
        let _one = self.scoring.lock().await;
        let last = self.store.scored_for().await?;
        let changed = self.store.claim_changed_accounts().await?;
        let same_day = last.day == Some(today) && last.model.as_deref() == Some(MODEL_VERSION);
        if same_day && changed.is_empty() {
            // Tiles a write dropped since (migration 0007) are computed again now.
            if kpis::cached(&self.store, today).await?.is_none() {
                self.refresh_kpis(today).await?;
            }
            // A store that predates the rules, or new rules saved elsewhere, are evaluated now.
            self.evaluate_if_due(today).await?;
            return Ok(Scored::Nothing);
        }
        let feeds = self.store.usage_feeds().await?;
        let done = if same_day && last.feeds.as_deref() == Some(feeds.as_str()) {
            Scored::Changed(self.score(today, Some(&changed)).await?)
        } else {
            let n = self.score(today, None).await?;
            self.store
                .set_scored_for(&ScoredFor {
                    day: Some(today),
                    model: Some(MODEL_VERSION.to_string()),
                    feeds: Some(feeds),
                })
                .await?;
            Scored::All(n)
        };
        self.store.release_scored_accounts().await?;
        // Churn risk is a daily figure: the model is fitted again when the whole book was scored
        // (and the tiles follow it).
        if matches!(done, Scored::All(_)) {
            self.refresh_risk(today).await?;
        } else {
            self.refresh_kpis(today).await?;
        }
        // Connections that write scores back hear of the ones that changed.
        self.queue_score_writes().await?;
        Ok(done)
    }

    /// Computes the KPI tiles for `today` over the scores just written, and keeps them for reads.
    pub(super) async fn refresh_kpis(&self, today: NaiveDate) -> Result<()> {
        let table = self.portfolio_table(today).await?;
        kpis::refresh(&self.store, &table, today).await
    }

    /// Scores every active account for `today` now, whatever changed (benchmarks, tools).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn rescore(&self, today: NaiveDate) -> Result<usize> {
        let _one = self.scoring.lock().await;
        let n = self.score(today, None).await?;
        self.refresh_kpis(today).await?;
        self.queue_score_writes().await?;
        Ok(n)
    }

    /// Scores the active accounts (all, or those in `only`) for `today`, stores the snapshots and
    /// moves accounts whose lifecycle stage the evidence changed. Returns how many were scored.
    async fn score(&self, today: NaiveDate, only: Option<&[i64]>) -> Result<usize> {
        let inputs = self
            .store
            .health_inputs(today, self.clock.offset(), only)
            .await?;
        let snaps: Vec<Snapshot> = inputs
            .iter()
            .map(|i| Snapshot::from(&health::score(i)))
            .collect();
        self.store.upsert_snapshots(&snaps).await?;
        let facts = self.store.stage_facts(today, only).await?;
        let changes = crate::lifecycle::transitions(&facts, today);
        let moves: Vec<_> = changes
            .iter()
            .map(|&(id, to)| {
                let from = facts
                    .iter()
                    .find(|f| f.account_id == id)
                    .and_then(|f| f.current);
                (id, from, to)
            })
            .collect();
        let handoffs = crate::lifecycle::handoff::started(
            &moves,
            &crate::lifecycle::handoff::default_templates(),
            today,
        );
        self.store.apply_stages(&changes, &handoffs, today).await?;
        // The early warnings read the scores just written.
        self.evaluate_rules(&inputs, today, only).await?;
        Ok(snaps.len())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};
    use sqlx::Row;

    use super::*;
    use crate::domain::Clock;
    use crate::secrets::{DbKey, KeySource};

    async fn demo_book(dir: &std::path::Path) -> (Rapport, NaiveDate) {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let r = Rapport::open_with_key(
            dir,
            &DbKey::random(),
            KeySource::Keychain,
            Clock::fixed(at, 0),
        )
        .await
        .unwrap();
        r.generate_demo(40, 7, at).await.unwrap();
        (r, at.date_naive())
    }

    async fn active(r: &Rapport) -> usize {
        r.store().active_account_count().await.unwrap() as usize
    }

    /// Every snapshot of `day` as (account, score, band, components), in account order.
    async fn snapshots(
        r: &Rapport,
        day: NaiveDate,
    ) -> Vec<(i64, Option<i64>, Option<String>, String)> {
        sqlx::query("SELECT account_id, score, band, components FROM health_snapshot WHERE day = ? ORDER BY account_id")
            .bind(day.to_string())
            .fetch_all(r.store().pool())
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
            .collect()
    }

    #[tokio::test]
    async fn a_day_is_scored_once_and_reads_do_not_score() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = demo_book(dir.path()).await;
        let n = active(&r).await;
        assert_eq!(r.score_changes(day).await.unwrap(), Scored::All(n));
        assert_eq!(r.score_changes(day).await.unwrap(), Scored::Nothing);
        r.portfolio(day).await.unwrap();
        let first = r.store().claim_changed_accounts().await.unwrap();
        assert!(first.is_empty(), "a read marked {first:?} for scoring");
        assert_eq!(
            r.score_changes(day + Duration::days(1)).await.unwrap(),
            Scored::All(n),
            "a new day moves every window"
        );
    }

    #[tokio::test]
    async fn a_changed_input_rescores_only_its_account_to_what_a_full_rescore_gives() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = demo_book(dir.path()).await;
        r.score_changes(day).await.unwrap();
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM account WHERE deleted = 0 AND churned_on IS NULL ORDER BY id LIMIT 2",
        )
        .fetch_all(r.store().pool())
        .await
        .unwrap();
        let (hit, renamed) = (ids[0], ids[1]);
        // Two urgent tickets open since yesterday (a sync's write), and a rename (not an input).
        for n in 0..2 {
            sqlx::query(
                "INSERT INTO ticket (account_id, crm, crm_id, subject, priority, status, opened_on, updated_at, synced_at)
                 VALUES (?, 'demo', ?, 'Outage', 'urgent', 'open', ?, '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z')",
            )
            .bind(hit)
            .bind(format!("t-new-{n}"))
            .bind((day - Duration::days(1)).to_string())
            .execute(r.store().pool())
            .await
            .unwrap();
        }
        r.store()
            .rename_account(renamed, "Renamed Ltd")
            .await
            .unwrap();
        let before = snapshots(&r, day).await;

        assert_eq!(r.score_changes(day).await.unwrap(), Scored::Changed(1));
        let partial = snapshots(&r, day).await;
        let moved: Vec<i64> = before
            .iter()
            .zip(&partial)
            .filter(|(a, b)| a != b)
            .map(|(a, _)| a.0)
            .collect();
        assert_eq!(
            moved,
            vec![hit],
            "only the account with new tickets changes"
        );

        r.rescore(day).await.unwrap();
        assert_eq!(
            snapshots(&r, day).await,
            partial,
            "partial scoring = full scoring"
        );
        assert_eq!(r.score_changes(day).await.unwrap(), Scored::Nothing);
    }

    #[tokio::test]
    async fn a_usage_feed_reporting_a_newer_day_rescores_everything() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = demo_book(dir.path()).await;
        let next = day + Duration::days(1);
        let n = active(&r).await;
        assert_eq!(r.score_changes(next).await.unwrap(), Scored::All(n));
        let id: i64 = sqlx::query_scalar("SELECT min(id) FROM account WHERE churned_on IS NULL")
            .fetch_one(r.store().pool())
            .await
            .unwrap();
        sqlx::query("INSERT INTO usage_daily (account_id, day, active_users, seats_used) VALUES (?, ?, 3, 3)")
            .bind(id)
            .bind(next.to_string())
            .execute(r.store().pool())
            .await
            .unwrap();
        // Every other account's windows now end a day later, with a day of no usage in them.
        assert_eq!(r.score_changes(next).await.unwrap(), Scored::All(n));
    }

    #[tokio::test]
    async fn a_write_while_its_account_is_being_scored_is_scored_next_time() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = demo_book(dir.path()).await;
        r.score_changes(day).await.unwrap();
        let id: i64 = sqlx::query_scalar("SELECT min(id) FROM account WHERE churned_on IS NULL")
            .fetch_one(r.store().pool())
            .await
            .unwrap();
        let seats = |v: i64| {
            sqlx::query("UPDATE account SET seats_purchased = ? WHERE id = ?")
                .bind(v)
                .bind(id)
                .execute(r.store().pool())
        };
        // Sync writes are upserts; the marks must not clash with an account already marked.
        let usage = |users: i64| {
            sqlx::query(
                "INSERT INTO usage_daily (account_id, day, active_users, seats_used) VALUES (?, ?, ?, 1)
                 ON CONFLICT (account_id, day) DO UPDATE SET active_users = excluded.active_users",
            )
            .bind(id)
            .bind(day.to_string())
            .bind(users)
            .execute(r.store().pool())
        };
        seats(500).await.unwrap();
        usage(7).await.unwrap();
        usage(8).await.unwrap();
        assert_eq!(r.store().claim_changed_accounts().await.unwrap(), vec![id]);
        usage(9).await.unwrap(); // lands while the claimed accounts are scored
        r.store().release_scored_accounts().await.unwrap();
        assert_eq!(r.store().claim_changed_accounts().await.unwrap(), vec![id]);
        seats(501).await.unwrap();
    }
}
