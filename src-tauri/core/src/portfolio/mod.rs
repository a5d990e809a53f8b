//! The application service: opens the encrypted store, keeps the demo portfolio, rescores, and
//! builds what the screens and the CLI show. The Tauri commands and the CLI both call this.

mod adoption;
#[cfg(test)]
mod adoption_tests;
mod capture;
mod crm;
mod expansion;
mod feedback;
mod followup;
mod journey;
#[cfg(test)]
mod journey_tests;
mod kpis;
mod playbooks;
mod risk;
mod scoring;
mod sign_in;
mod success;
mod usage;
mod value;
mod view;
mod warnings;
mod writeback;

/// How many touchpoints the account's timeline holds (filtered by team in the view).
pub const TIMELINE_ITEMS: i64 = 80;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::demo::{self, DemoOptions};
use crate::domain::Clock;
use crate::error::{Error, Result};
use crate::health::{self, Band};
use crate::secrets::{self, KeySource};
use crate::store::{Store, DB_FILE, META_DATA_AS_OF, META_DEMO_SEED, META_SOURCE};

pub use crm::HUBSPOT_API;
pub use feedback::ExportReport;
pub use followup::Accepted;
pub use playbooks::{PlaybookSaved, RunStarted};
pub use risk::{AccountRisk, ModelReport, AT_RISK_DAYS};
pub use scoring::Scored;
pub use success::DUE_SOON_DAYS;
pub use value::WAITING_SHOWN;
pub use view::*;
pub use warnings::{notice, user_name, Notice, RuleView, RulesView, WarningCounts, WarningsView};
pub use writeback::{writeback_fields, WritebackView};

/// Accounts in the default demo portfolio.
pub const DEFAULT_DEMO_ACCOUNTS: usize = 150;
/// Seed of the default demo portfolio.
pub const DEFAULT_DEMO_SEED: u64 = 2026;

/// The account table with its band counts.
pub struct PortfolioTable {
    pub scored_on: Option<NaiveDate>,
    pub distribution: HealthDistribution,
    pub rows: Vec<PortfolioRow>,
}

/// Where the data lives, how to unlock it, and the clock everything time-dependent reads.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub data_dir: PathBuf,
    /// Used when no keychain is reachable, or when the store was created in passphrase mode.
    pub passphrase: Option<String>,
    /// The passphrase typed a second time, when it creates a new store: one typo would otherwise
    /// lock the data away for good.
    pub confirm: Option<String>,
    pub clock: Clock,
}

impl OpenOptions {
    pub fn new(data_dir: impl Into<PathBuf>, clock: Clock) -> OpenOptions {
        OpenOptions {
            data_dir: data_dir.into(),
            passphrase: None,
            confirm: None,
            clock,
        }
    }
}

/// An unlocked Rapport data directory.
pub struct Rapport {
    store: Store,
    data_dir: PathBuf,
    key_source: KeySource,
    clock: Clock,
    /// One scoring at a time: two would claim and score the same accounts twice.
    scoring: tokio::sync::Mutex<()>,
    /// One outbox send at a time: two would send the same entries.
    sending: tokio::sync::Mutex<()>,
    /// Syncs and outbox sends take turns: each paces itself to the connection's request budget,
    /// so together they would spend up to twice it.
    crm_io: tokio::sync::Mutex<()>,
}

/// How ARR was arrived at, when not from the CRM's own field.
fn arr_note(source: &str) -> Option<String> {
    match source {
        "deals" => Some("ARR is worked out from the won deals (new + renewal + expansion − contraction of the last 12 months, or the latest won contract): the CRM holds no ARR value for this account.".into()),
        "none" => Some("No ARR on record: the CRM holds no ARR value for this account and no won deal that still stands.".into()),
        _ => None,
    }
}

/// How the contract dates were arrived at, when not from the CRM's own fields.
fn dates_note(contract: Option<&str>, renewal: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if contract == Some("deals") {
        parts.push("the contract start is the first won deal's close date");
    }
    match renewal {
        Some("deals") => parts.push("the renewal date is the open renewal deal's close date"),
        Some("anniversary") => parts.push("the renewal date is the contract's next anniversary"),
        _ => {}
    }
    (!parts.is_empty()).then(|| {
        let mut s = parts.join("; ");
        s[..1].make_ascii_uppercase();
        format!("{s} (the CRM holds no date).")
    })
}

/// The data directory: `--data-dir`, else `RAPPORT_DATA_DIR`, else the OS app-data directory.
pub fn default_data_dir() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("RAPPORT_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("app", "rapport", "Rapport")
        .map(|p| p.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::Io("No home directory to keep Rapport's data in; pass --data-dir.".into())
        })
}

impl Rapport {
    /// Finds the key (keychain, or passphrase as the fallback) and opens the store.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn open(opts: &OpenOptions) -> Result<Rapport> {
        let dir = &opts.data_dir;
        std::fs::create_dir_all(dir)?;
        let db_exists = dir.join(DB_FILE).exists();
        let passphrase = opts.passphrase.clone().or_else(|| {
            std::env::var(secrets::PASSPHRASE_ENV)
                .ok()
                .filter(|p| !p.is_empty())
        });
        let (key, source) = if secrets::uses_passphrase(dir) {
            let pw = passphrase.ok_or(Error::PassphraseRequired)?;
            (secrets::passphrase_key(dir, &pw)?, KeySource::Passphrase)
        } else {
            match secrets::keychain_key(dir, db_exists) {
                Ok(k) => (k, KeySource::Keychain),
                Err(Error::KeychainUnavailable(why)) => match passphrase {
                    Some(pw) if !db_exists => {
                        if opts.confirm.as_ref().is_some_and(|c| *c != pw) {
                            return Err(Error::InvalidInput(
                                "The two passphrases are not the same. Nothing was created: type the new passphrase twice.".into(),
                            ));
                        }
                        tracing::warn!(
                            "keychain unavailable ({why}); using a passphrase-derived key"
                        );
                        (secrets::passphrase_key(dir, &pw)?, KeySource::Passphrase)
                    }
                    _ => return Err(Error::KeychainUnavailable(why)),
                },
                Err(e) => return Err(e),
            }
        };
        let store = Store::open(dir, &key).await?;
        Ok(Rapport {
            store,
            data_dir: dir.clone(),
            key_source: source,
            clock: opts.clock.clone(),
            scoring: Default::default(),
            sending: Default::default(),
            crm_io: Default::default(),
        })
    }

    /// Opens a data directory with a key the caller already holds (benchmarks, tools).
    pub async fn open_with_key(
        data_dir: &Path,
        key: &secrets::DbKey,
        source: KeySource,
        clock: Clock,
    ) -> Result<Rapport> {
        Ok(Rapport {
            store: Store::open(data_dir, key).await?,
            data_dir: data_dir.to_path_buf(),
            key_source: source,
            clock,
            scoring: Default::default(),
            sending: Default::default(),
            crm_io: Default::default(),
        })
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The user's local date: the day scores and renewals are counted for.
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub async fn close(self) {
        self.store.close().await;
    }

    /// On an empty store with no CRM connected, generates the default demo portfolio. Returns
    /// true if it did. A connected CRM's book stays empty until its first sync.
    pub async fn ensure_demo(&self, now: DateTime<Utc>) -> Result<bool> {
        if self.store.account_count().await? > 0 || !self.store.connections().await?.is_empty() {
            return Ok(false);
        }
        self.generate_demo(DEFAULT_DEMO_ACCOUNTS, DEFAULT_DEMO_SEED, now)
            .await?;
        Ok(true)
    }

    /// Replaces the store's client data with a freshly generated demo portfolio and scores it.
    pub async fn generate_demo(
        &self,
        accounts: usize,
        seed: u64,
        now: DateTime<Utc>,
    ) -> Result<demo::DemoData> {
        if !(1..=50_000).contains(&accounts) {
            return Err(Error::InvalidInput(
                "The demo portfolio holds between 1 and 50,000 accounts.".into(),
            ));
        }
        // The next sync would replace the demo again with only what changed lately.
        let connected: Vec<String> = self
            .store
            .connections()
            .await?
            .into_iter()
            .map(|c| c.name)
            .collect();
        if !connected.is_empty() {
            return Err(Error::InvalidInput(format!(
                "A CRM is connected ({}), so the portfolio is your real data. Disconnect it first to explore the demo.",
                connected.join(", ")
            )));
        }
        let data = demo::generate(DemoOptions {
            accounts,
            seed,
            as_of: now,
            today: self.clock.local_day(now),
        });
        self.store.replace_with_demo(&data).await?;
        Ok(data)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn status(&self) -> Result<AppStatus> {
        let source = self.store.meta(META_SOURCE).await?;
        let as_of = self.store.meta(META_DATA_AS_OF).await?;
        Ok(AppStatus {
            demo: source.as_deref() == Some("demo"),
            demo_seed: self.store.meta(META_DEMO_SEED).await?,
            data_as_of: as_of
                .as_deref()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.with_timezone(&Utc)),
            key_source: self.key_source.as_str().to_string(),
            data_dir: self.data_dir.display().to_string(),
            accounts: self.store.active_account_count().await?,
            outbox_waiting: self.store.outbox_waiting().await?,
        })
    }

    /// The home screen for `today`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn portfolio(&self, today: NaiveDate) -> Result<Portfolio> {
        let (table, cached, status, warnings, tasks) = tokio::try_join!(
            self.portfolio_table(today),
            kpis::cached(&self.store, today),
            self.status(),
            self.warning_counts(),
            self.task_counts()
        )?;
        // Kept from the last scoring; computed here only when none are kept for this day.
        let kpis = match cached {
            Some(tiles) => tiles,
            None => kpis::compute(&self.store, &table, today).await?,
        };
        Ok(Portfolio {
            scored_on: table.scored_on,
            status,
            kpis,
            distribution: table.distribution,
            rows: table.rows,
            warnings,
            tasks,
        })
    }

    /// The account table of the home screen: every active account with its latest score,
    /// change since the previous snapshot and 90-day trend.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn portfolio_table(&self, today: NaiveDate) -> Result<PortfolioTable> {
        let records = self.store.portfolio_records(today).await?;
        let mut distribution = HealthDistribution::default();
        let mut scored_on = None;
        let rows: Vec<PortfolioRow> = records
            .into_iter()
            .map(|r| {
                match r.row.band {
                    Some(Band::Green) => distribution.green += 1,
                    Some(Band::Yellow) => distribution.yellow += 1,
                    Some(Band::Red) => distribution.red += 1,
                    None => distribution.unscored += 1,
                }
                scored_on = scored_on.max(r.scored_on);
                r.row
            })
            .collect();
        Ok(PortfolioTable {
            scored_on,
            distribution,
            rows,
        })
    }

    /// Resolves a numeric id or a (part of a) name to one account id.
    pub async fn resolve_account(&self, id_or_name: &str) -> Result<i64> {
        if let Ok(id) = id_or_name.trim().parse::<i64>() {
            return Ok(self.store.account(id).await?.id);
        }
        let found = self.store.find_accounts(id_or_name.trim()).await?;
        match found.as_slice() {
            [] => Err(Error::NotFound(format!(
                "An account named like {id_or_name:?}"
            ))),
            [one] => Ok(one.id),
            [first, ..] if first.name.eq_ignore_ascii_case(id_or_name.trim()) => Ok(first.id),
            many => Err(Error::InvalidInput(format!(
                "{} accounts match {id_or_name:?}: {}. Be more specific or use the id.",
                many.len(),
                many.iter()
                    .take(5)
                    .map(|a| format!("{} (id {})", a.name, a.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The account screen for `today`.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn account_detail(&self, id: i64, today: NaiveDate) -> Result<AccountDetail> {
        let a = self.store.account(id).await?;
        let (latest, previous) = self.store.latest_snapshots(id, today).await?;
        let history = self
            .store
            .score_history(today - Duration::days(366), today, Some(id))
            .await?;
        let points: Vec<(NaiveDate, i64)> = history
            .get(&id)
            .map(|h| {
                h.iter()
                    .filter_map(|s| s.score.map(|v| (s.day, v)))
                    .collect()
            })
            .unwrap_or_default();
        let touched = self
            .store
            .last_two_way_touch(id)
            .await?
            .map(|t| self.clock.local_day(t));
        let title = format!("{} — health score, last 12 months", a.name);
        let chart = |theme| crate::charts::health_trend_svg(&title, &points, today, 12, theme);
        let trend_svg = chart(crate::charts::ChartTheme::Light)?;
        let trend_svg_dark = chart(crate::charts::ChartTheme::Dark)?;
        Ok(AccountDetail {
            health: latest
                .as_ref()
                .map(|l| health::explain(l, previous.as_ref())),
            trend_svg,
            trend_svg_dark,
            contacts: self.store.contacts(id).await?,
            open_deals: self.store.open_deals(id).await?,
            tickets: self.store.tickets(id, 15).await?,
            feedback: self.store.recent_feedback(id, 8).await?,
            timeline: self.store.recent_activities(id, TIMELINE_ITEMS).await?,
            alerts: self.account_alerts(id).await?,
            journey: self.account_journey(id).await?,
            adoption: self.account_adoption(id).await?,
            runs: self.account_runs(id).await?,
            risk: self.account_risk(id).await?,
            status: self.status().await?,
            header: AccountHeader {
                id: a.id,
                days_to_renewal: a.renewal_date.map(|r| (r - today).num_days()),
                last_two_way_on: touched,
                days_since_two_way: touched.map(|d| (today - d).num_days().max(0)),
                name: a.name,
                domain: a.domain,
                industry: a.industry,
                segment: a.segment,
                tier: a.tier,
                owner: a.owner,
                stage: a.stage,
                arr: a.arr,
                mrr: a.mrr,
                currency: a.currency,
                contract_start: a.contract_start.unwrap_or(today),
                renewal_date: a.renewal_date,
                seats_purchased: a.seats_purchased,
                arr_note: arr_note(&a.arr_source),
                days_in_stage: a.stage_since.map(|d| (today - d).num_days().max(0)),
                stage_since: a.stage_since,
                dates_note: dates_note(a.contract_source.as_deref(), a.renewal_source.as_deref()),
                crm: a.crm,
                crm_id: a.crm_id,
                churned_on: a.churned_on,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::sync::{AuthKind, NewConnection, Settings};
    use crate::domain::Crm;
    use crate::secrets::DbKey;

    /// A new store on a clock fixed at 24 Nov 2026, 12:00 UTC.
    async fn fresh_store() -> (tempfile::TempDir, Rapport, DateTime<Utc>) {
        let dir = tempfile::tempdir().unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let r = Rapport::open_with_key(
            dir.path(),
            &DbKey::random(),
            KeySource::Keychain,
            Clock::fixed(at, 0),
        )
        .await
        .unwrap();
        (dir, r, at)
    }

    #[tokio::test]
    async fn a_connected_crm_with_no_accounts_yet_opens_empty_instead_of_failing() {
        let (_dir, r, at) = fresh_store().await;
        r.store()
            .add_connection(
                &NewConnection {
                    name: "Acme portal".into(),
                    crm: Crm::Hubspot,
                    base_url: "https://api.hubapi.com".into(),
                    auth: AuthKind::Token,
                    settings: Settings::default(),
                },
                at,
            )
            .await
            .unwrap();
        // Connected, not synced yet: the book is the CRM's, and empty until the first sync.
        assert!(!r.ensure_demo(at).await.unwrap());
        let p = r.portfolio(r.today()).await.unwrap();
        assert!(p.rows.is_empty());
        assert!(!p.status.demo);
    }

    #[tokio::test]
    async fn kpi_tiles_kept_at_scoring_are_the_tiles_the_data_gives() {
        let (_dir, r, at) = fresh_store().await;
        r.generate_demo(80, 5, at).await.unwrap();
        let today = r.today();
        assert!(matches!(r.score_changes(today).await.unwrap(), Scored::All(n) if n > 60));
        async fn fresh(r: &Rapport, today: NaiveDate) -> Vec<crate::kpi::KpiTile> {
            let table = r.portfolio_table(today).await.unwrap();
            kpis::compute(&r.store, &table, today).await.unwrap()
        }
        let before = r.portfolio(today).await.unwrap().kpis;
        assert!(
            kpis::cached(&r.store, today).await.unwrap().is_some(),
            "kept at scoring"
        );
        assert_eq!(before, fresh(&r, today).await);
        // Another day is never served yesterday's tiles.
        assert!(kpis::cached(&r.store, today.succ_opt().unwrap())
            .await
            .unwrap()
            .is_none());

        // Usage of a quarter of the book collapses: those accounts are scored again, and the
        // kept tiles follow the new scores.
        let ids: Vec<i64> = r
            .portfolio(today)
            .await
            .unwrap()
            .rows
            .iter()
            .take(20)
            .map(|x| x.id)
            .collect();
        let usage: Vec<crate::domain::UsageDay> = ids
            .iter()
            .flat_map(|&account_id| {
                (0..30).map(move |back| crate::domain::UsageDay {
                    account_id,
                    day: today - Duration::days(back),
                    active_users: 0,
                    seats_used: 0,
                    feature_events: 0,
                })
            })
            .collect();
        r.store.upsert_usage(&usage, "demo").await.unwrap();
        r.score_changes(today).await.unwrap();
        let after = r.portfolio(today).await.unwrap().kpis;
        assert_eq!(after, fresh(&r, today).await);
        assert_ne!(after, before, "the tiles moved with the scores");
    }
}
