//! Churn risk in the app: the model is fitted on the book's own renewals once per scoring day,
//! proves itself on held-out time, and scores every active account with its drivers.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Rapport;
use crate::domain::risk::ChurnFacts;
use crate::error::{Error, Result};
use crate::kpi::{KpiStatus, KpiTile};
use crate::risk::churn::{self, BacktestReport, Driver, Labelled, LEAD_DAYS};
use crate::risk::model::Model;
use crate::store::RiskScore;

/// Meta keys: the last report (JSON) and the day it was computed for.
const META_REPORT: &str = "churn.report";

/// Renewals within this many days count in "ARR at risk".
pub const AT_RISK_DAYS: i64 = 180;

/// The model report screen, and `rapport model backtest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ModelReport {
    /// The day the model was fitted and the accounts scored.
    pub as_of: NaiveDate,
    pub outcomes: usize,
    /// Past renewals left out: no usage on record in the two months before their as-of day.
    pub left_out: usize,
    pub churned: usize,
    /// Why there is no model, when there is none (too few outcomes): the rules alone flag risk.
    pub fallback: Option<String>,
    pub backtest: Option<BacktestReport>,
    /// Accounts scored today.
    pub scored: usize,
    /// How retention playbooks' runs ended (read fresh with each report, never kept).
    #[serde(default)]
    pub playbooks: Vec<crate::domain::playbook::PlaybookOutcomes>,
}

/// One account's churn risk for its risk card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountRisk {
    pub probability: f64,
    pub as_of: NaiveDate,
    pub drivers: Vec<Driver>,
    /// The model's held-out quality, for the card's footnote.
    pub roc_auc: Option<f64>,
    pub threshold: f64,
}

impl Rapport {
    /// Fits the churn model on the history known on `today`, backtests it, and scores every
    /// active account; keeps the report. Below the minimum history, clears the scores and says so.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn refresh_risk(&self, today: NaiveDate) -> Result<ModelReport> {
        let outcomes = self.store.renewal_outcomes(today).await?;
        // Renewals whose as-of day lies before any data are still labelled; their features are
        // blank and take the training medians.
        let points: Vec<(i64, NaiveDate, f64)> = outcomes
            .iter()
            .map(|o| (o.account_id, o.renewal - Duration::days(LEAD_DAYS), o.arr))
            .collect();
        let facts = self.store.churn_facts(&points, today).await?;
        // A renewal counts when the store describes the two months before its as-of day: older
        // ones (before the usage feed began) would teach the model that "no data" means "renews".
        let all = outcomes.len();
        let events: Vec<Labelled> = outcomes
            .into_iter()
            .zip(facts)
            .filter(|(_, f)| f.active_30.is_some() && f.active_prev_30.is_some())
            .map(|(outcome, facts)| Labelled { outcome, facts })
            .collect();
        let churned = events.iter().filter(|e| e.outcome.churned).count();
        let mut report = ModelReport {
            as_of: today,
            outcomes: events.len(),
            left_out: all - events.len(),
            churned,
            fallback: None,
            backtest: None,
            scored: 0,
            playbooks: Vec::new(),
        };
        let cut = match churn::split(&events) {
            Ok(cut) => cut,
            Err(why) => {
                report.fallback = Some(why);
                self.store
                    .save_risk_scores(&[], today, self.clock.now())
                    .await?;
                self.keep_report(&report).await?;
                return Ok(report);
            }
        };
        // Lead time: held-out churners scored every 30 days from 180 days before renewal; the
        // latest LEAD_SAMPLE of them are enough for a median.
        let mut test_churners: Vec<usize> = (cut..events.len())
            .filter(|&i| events[i].outcome.churned)
            .collect();
        let skip = test_churners.len().saturating_sub(churn::LEAD_SAMPLE);
        test_churners.drain(..skip);
        let mut lead_points = Vec::new();
        for &i in &test_churners {
            let o = &events[i].outcome;
            for d in churn::lead_days(o.renewal) {
                lead_points.push((o.account_id, d, o.arr));
            }
        }
        let lead_facts = self.store.churn_facts(&lead_points, today).await?;
        let per = churn::lead_offsets().len();
        let lead: Vec<(usize, Vec<ChurnFacts>)> = test_churners
            .iter()
            .enumerate()
            .map(|(n, &i)| (i, lead_facts[n * per..(n + 1) * per].to_vec()))
            .collect();
        let (_, mut bt) = churn::backtest(&events, cut, &lead)?;
        let (patterns, text) = churn::patterns(&events);
        bt.patterns = patterns;
        bt.patterns_text = text;

        // The model in use learns from every outcome; the backtest vouches for the method.
        let rows: Vec<Vec<Option<f64>>> =
            events.iter().map(|e| churn::features(&e.facts)).collect();
        let labels: Vec<bool> = events.iter().map(|e| e.outcome.churned).collect();
        // The penalty the backtest's cross-validation chose: the method it vouched for.
        let model = Model::fit_with(churn::feature_names(), &rows, &labels, bt.alpha)?;
        bt.weights = churn::weights(&model);
        let accounts = self.store.active_accounts().await?;
        let now_points: Vec<(i64, NaiveDate, f64)> =
            accounts.iter().map(|a| (a.id, today, a.arr)).collect();
        let now_facts = self.store.churn_facts(&now_points, today).await?;
        let scores: Vec<RiskScore> = now_facts
            .iter()
            .map(|f| RiskScore {
                account_id: f.account_id,
                probability: model.predict(&churn::features(f)),
                drivers: serde_json::to_string(&churn::drivers(&model, f, 3))
                    .unwrap_or_else(|_| "[]".into()),
            })
            .collect();
        self.store
            .save_risk_scores(&scores, today, self.clock.now())
            .await?;
        report.scored = scores.len();
        report.backtest = Some(bt);
        self.keep_report(&report).await?;
        // "ARR at risk" follows the new probabilities.
        self.refresh_kpis(today).await?;
        Ok(report)
    }

    async fn keep_report(&self, r: &ModelReport) -> Result<()> {
        let json = serde_json::to_string(r)
            .map_err(|e| Error::Storage(format!("the report did not encode: {e}")))?;
        self.store.set_meta(META_REPORT, &json).await
    }

    /// The model report as last computed, or computed now when there is none for `today`.
    pub async fn model_report(&self, today: NaiveDate) -> Result<ModelReport> {
        let kept = match self.store.meta(META_REPORT).await? {
            Some(json) => serde_json::from_str::<ModelReport>(&json)
                .ok()
                .filter(|r| r.as_of == today),
            None => None,
        };
        let mut report = match kept {
            Some(r) => r,
            None => self.refresh_risk(today).await?,
        };
        report.playbooks = self.playbook_outcomes().await?;
        Ok(report)
    }

    /// The kept report, whatever its day (reads never fit the model).
    pub(super) async fn kept_report(&self) -> Result<Option<ModelReport>> {
        Ok(self
            .store
            .meta(META_REPORT)
            .await?
            .and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// One account's risk card, when the model scored it.
    pub async fn account_risk(&self, id: i64) -> Result<Option<AccountRisk>> {
        let Some((s, as_of)) = self
            .store
            .risk_scores()
            .await?
            .into_iter()
            .find(|(s, _)| s.account_id == id)
        else {
            return Ok(None);
        };
        let bt = self.kept_report().await?.and_then(|r| r.backtest);
        Ok(Some(AccountRisk {
            probability: s.probability,
            as_of,
            drivers: serde_json::from_str(&s.drivers).unwrap_or_default(),
            roc_auc: bt.as_ref().and_then(|b| b.roc_auc),
            threshold: bt.map_or(0.5, |b| b.threshold),
        }))
    }
}

/// "ARR at risk": Σ ARR × churn probability over renewals in the next [`AT_RISK_DAYS`].
pub fn arr_at_risk_tile(rows: &[super::PortfolioRow]) -> KpiTile {
    let due: Vec<&super::PortfolioRow> = rows
        .iter()
        .filter(|r| {
            r.days_to_renewal
                .is_some_and(|d| (0..=AT_RISK_DAYS).contains(&d))
        })
        .collect();
    let scored = due.iter().filter(|r| r.risk.is_some()).count();
    let value = (scored > 0).then(|| {
        due.iter()
            .filter_map(|r| r.risk.map(|p| p * r.arr))
            .sum::<f64>()
    });
    KpiTile {
        id: "arr_at_risk".into(),
        label: "ARR at risk".into(),
        value,
        display: value.map_or("—".into(), super::kpis::money),
        target: None,
        status: if value.is_some() { KpiStatus::Info } else { KpiStatus::NoData },
        period: format!("renewing in {AT_RISK_DAYS} days"),
        detail: match value {
            Some(_) => format!(
                "Σ ARR × churn probability over the {} accounts renewing in the next {AT_RISK_DAYS} days.",
                due.len()
            ),
            None => "The churn model has too little renewal history to score accounts yet; the early warnings flag risk meanwhile.".into(),
        },
        series: vec![],
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::Clock;
    use crate::secrets::{DbKey, KeySource};

    async fn book(dir: &std::path::Path, accounts: usize) -> (Rapport, NaiveDate) {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 12, 0, 0).unwrap();
        let r = Rapport::open_with_key(
            dir,
            &DbKey::random(),
            KeySource::Keychain,
            Clock::fixed(at, 0),
        )
        .await
        .unwrap();
        r.generate_demo(accounts, 2026, at).await.unwrap();
        r.score_changes(at.date_naive()).await.unwrap();
        (r, at.date_naive())
    }

    /// Everything that would warn of churn, dated from `from` on, for `account`.
    async fn plant(r: &Rapport, account: i64, from: NaiveDate) {
        let pool = r.store().pool();
        let t = |d: i64| format!("{}T10:00:00.000Z", from + Duration::days(d));
        for i in 0..6 {
            sqlx::query(
                "INSERT INTO ticket (account_id, crm, crm_id, subject, priority, status, opened_on, updated_at, synced_at)
                 VALUES (?, 'demo', ?, 'Outage', 'urgent', 'open', ?, ?, ?)",
            )
            .bind(account)
            .bind(format!("planted-{from}-{i}"))
            .bind((from + Duration::days(i)).to_string())
            .bind(t(i))
            .bind(t(i))
            .execute(pool)
            .await
            .unwrap();
        }
        sqlx::query("INSERT INTO survey_response (account_id, crm, crm_id, kind, score, captured_at) VALUES (?, 'demo', ?, 'nps', 0, ?)")
            .bind(account)
            .bind(format!("planted-nps-{from}"))
            .bind(t(0))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO am_sentiment (account_id, value, set_at) VALUES (?, 1, ?)")
            .bind(account)
            .bind(t(1))
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("UPDATE usage_daily SET active_users = 0 WHERE account_id = ? AND day >= ?")
            .bind(account)
            .bind(from.to_string())
            .execute(pool)
            .await
            .unwrap();
        sqlx::query(
            "UPDATE contact SET left_company = 1, left_on = ? WHERE account_id = ? AND (is_champion OR is_sponsor)",
        )
        .bind((from + Duration::days(2)).to_string())
        .bind(account)
        .execute(pool)
        .await
        .unwrap();
    }

    #[tokio::test]
    async fn what_happened_after_the_as_of_day_is_invisible_to_the_model() {
        let dir = tempfile::tempdir().unwrap();
        let (r, today) = book(dir.path(), 150).await;
        let before = r.refresh_risk(today).await.unwrap();
        let bt = before
            .backtest
            .clone()
            .expect("the default demo book has enough renewals");
        // A renewal in the held-out period that renewed, and the day its features are taken at.
        let outcomes = r.store().renewal_outcomes(today).await.unwrap();
        let o = outcomes
            .iter()
            .find(|o| {
                !o.churned && o.renewal >= bt.test.from && o.renewal < today - Duration::days(30)
            })
            .unwrap()
            .clone();
        let as_of = o.renewal - Duration::days(LEAD_DAYS);
        let point = [(o.account_id, as_of, o.arr)];
        let seen = r.store().churn_facts(&point, today).await.unwrap();

        // Tickets, a detractor, the AM's worst sentiment, usage at zero and the champions gone,
        // all dated on the as-of day or after it.
        plant(&r, o.account_id, as_of).await;
        assert_eq!(r.store().churn_facts(&point, today).await.unwrap(), seen);
        let after = r.refresh_risk(today).await.unwrap().backtest.unwrap();
        assert_eq!(after.roc_auc, bt.roc_auc);
        assert_eq!(after.weights, bt.weights);

        // The same signals a week before the as-of day are seen: the check above could fail.
        plant(&r, o.account_id, as_of - Duration::days(7)).await;
        let now = r.store().churn_facts(&point, today).await.unwrap();
        assert_eq!(now[0].high_tickets_90, seen[0].high_tickets_90 + 6);
        assert_eq!(now[0].sentiment, Some(1));
        assert!(now[0].champions_left >= 1);
        assert_ne!(now[0].active_7, seen[0].active_7);
    }

    #[tokio::test]
    async fn the_backtest_trains_on_earlier_renewals_and_tests_on_later_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (r, today) = book(dir.path(), 150).await;
        let rep = r.refresh_risk(today).await.unwrap();
        let bt = rep.backtest.unwrap();
        assert!(
            bt.train.to <= bt.test.from,
            "{:?} vs {:?}",
            bt.train,
            bt.test
        );
        assert_eq!(bt.train.renewals + bt.test.renewals, rep.outcomes);
        // 70 / 30 of the renewals with data, rounded.
        assert_eq!(
            bt.train.renewals,
            ((rep.outcomes as f64) * 0.7).round() as usize
        );
        let auc = bt.roc_auc.unwrap();
        assert!(auc > 0.5 && bt.health_auc.is_some(), "{auc}");
        let (gap, (lo, hi)) = (bt.auc_gap.unwrap(), bt.auc_gap_interval.unwrap());
        assert!(lo <= gap && gap <= hi, "{gap} outside ({lo}, {hi})");
        assert_eq!(
            bt.calibration.iter().map(|c| c.count).sum::<usize>(),
            bt.test.renewals
        );
        assert_eq!(
            rep.scored as i64,
            r.store().active_account_count().await.unwrap()
        );
        // Every active account has a probability in the table, and the card reads it.
        let p = r.portfolio(today).await.unwrap();
        assert!(p
            .rows
            .iter()
            .all(|row| row.risk.is_some_and(|x| (0.0..=1.0).contains(&x))));
        let tile = p.kpis.iter().find(|t| t.id == "arr_at_risk").unwrap();
        let expected: f64 = p
            .rows
            .iter()
            .filter(|row| {
                row.days_to_renewal
                    .is_some_and(|d| (0..=AT_RISK_DAYS).contains(&d))
            })
            .map(|row| row.arr * row.risk.unwrap())
            .sum();
        assert!((tile.value.unwrap() - expected).abs() < 1e-6);
        let card = r.account_risk(p.rows[0].id).await.unwrap().unwrap();
        assert_eq!(Some(card.probability), p.rows[0].risk);
    }

    #[tokio::test]
    async fn a_small_book_falls_back_to_the_rules_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (r, today) = book(dir.path(), 12).await;
        let rep = r.refresh_risk(today).await.unwrap();
        assert!(rep.backtest.is_none());
        let why = rep.fallback.unwrap();
        assert!(
            why.contains("at least 40 past renewals") && why.contains("early-warning rules alone"),
            "{why}"
        );
        let p = r.portfolio(today).await.unwrap();
        assert!(p.rows.iter().all(|row| row.risk.is_none()));
        assert_eq!(
            p.kpis.iter().find(|t| t.id == "arr_at_risk").unwrap().value,
            None
        );
    }
}
