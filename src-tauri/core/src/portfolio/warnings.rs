//! Early warnings in the app: the rules run after every scoring (sync, rescore, a new day) and at
//! start; the Warnings view, the user's snoozes and resolutions, and the rule settings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Rapport;
use crate::domain::health::HealthInputs;
use crate::domain::risk::{AlertAction, AlertChanges, AlertQuery, AlertView, RuleSet};
use crate::error::{Error, Result};
use crate::risk::{self, RuleSpec};

/// Meta key: the day and rule-set version the whole book was last evaluated for.
const META_EVALUATED: &str = "warnings.evaluated";
/// Meta key: "off" when the user turned desktop notifications off.
const META_NOTIFY: &str = "warnings.notify";

/// A desktop notification of new critical warnings, batched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Notice {
    pub title: String,
    pub body: String,
    pub alerts: Vec<i64>,
}

/// The notification for `new` critical alerts (id, account, summary), most ARR first.
pub fn notice(new: &[(i64, String, String)]) -> Option<Notice> {
    let (first, rest) = new.split_first()?;
    let (title, body) = match rest {
        [] => (
            "New critical warning".to_string(),
            format!("{}: {}", first.1, first.2),
        ),
        [second] => (
            "2 new critical warnings".to_string(),
            format!("{} and {}.", first.1, second.1),
        ),
        [second, more @ ..] => (
            format!("{} new critical warnings", new.len()),
            format!("{}, {} and {} more.", first.1, second.1, more.len()),
        ),
    };
    Some(Notice {
        title,
        body,
        alerts: new.iter().map(|a| a.0).collect(),
    })
}

/// Open alerts by severity, for the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct WarningCounts {
    pub critical: i64,
    pub warning: i64,
    pub info: i64,
    pub snoozed: i64,
    /// Open alerts the user has not had on screen yet.
    pub unseen: i64,
}

impl From<[i64; 5]> for WarningCounts {
    fn from([critical, warning, info, snoozed, unseen]: [i64; 5]) -> Self {
        WarningCounts {
            critical,
            warning,
            info,
            snoozed,
            unseen,
        }
    }
}

/// The Warnings view: the alerts, their counts, and what the filters can choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WarningsView {
    /// The first rows matching the query, most severe and most ARR first.
    pub alerts: Vec<AlertView>,
    /// How many match in all, and the ARR of their accounts with an open one.
    pub totals: crate::domain::risk::AlertTotals,
    pub counts: WarningCounts,
    /// The day the rules last ran over the book.
    pub evaluated_on: Option<NaiveDate>,
    pub rules_version: i64,
    /// What the filters can choose from.
    pub facets: crate::domain::risk::AlertFacets,
}

/// One rule in Settings: what it is, and how the user has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleView {
    pub spec: RuleSpec,
    pub rule: crate::domain::risk::Rule,
}

/// The rule settings screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RulesView {
    pub version: i64,
    pub rules: Vec<RuleView>,
}

/// The name state changes are recorded under: the signed-in OS user.
pub fn user_name() -> String {
    ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "you".into())
}

impl Rapport {
    /// The rule set in force, completed to today's rules.
    pub async fn rule_set(&self) -> Result<RuleSet> {
        Ok(match self.store.rule_set().await? {
            Some((version, json)) => {
                let rules = serde_json::from_str(&json)
                    .map_err(|e| Error::Storage(format!("the saved rules did not decode: {e}")))?;
                risk::complete(RuleSet { version, rules })
            }
            None => risk::defaults(),
        })
    }

    pub async fn rules(&self) -> Result<RulesView> {
        let set = self.rule_set().await?;
        Ok(RulesView {
            version: set.version,
            rules: set
                .rules
                .into_iter()
                .map(|rule| RuleView {
                    spec: risk::spec(rule.id),
                    rule,
                })
                .collect(),
        })
    }

    /// Saves the user's rules as a new version and evaluates the book under them at once.
    pub async fn save_rules(&self, set: RuleSet) -> Result<RulesView> {
        let problems = risk::check(&set);
        if !problems.is_empty() {
            return Err(Error::InvalidInput(problems.join(" ")));
        }
        let set = risk::complete(set);
        let json = serde_json::to_string(&set.rules)
            .map_err(|e| Error::Storage(format!("the rules did not encode: {e}")))?;
        self.store
            .save_rule_set(&json, self.clock.now(), &user_name())
            .await?;
        self.evaluate_book(self.today()).await?;
        self.rules().await
    }

    /// Runs the rules over the accounts in `inputs` (their health inputs for `today`, just
    /// scored) and stores what fires; `scope` is `None` when `inputs` is the whole book.
    pub(super) async fn evaluate_rules(
        &self,
        inputs: &[HealthInputs],
        today: NaiveDate,
        scope: Option<&[i64]>,
    ) -> Result<AlertChanges> {
        let set = self.rule_set().await?;
        let facts = self
            .store
            .risk_facts(inputs, today, self.clock.offset(), risk::windows(&set))
            .await?;
        let fired = risk::evaluate(&facts, &set);
        let disabled: Vec<_> = set
            .rules
            .iter()
            .filter(|r| !r.enabled)
            .map(|r| r.id)
            .collect();
        let now = self.clock.now();
        let mut changes = self
            .store
            .apply_alerts(&fired, scope, &disabled, set.version, now)
            .await?;
        changes
            .reopened
            .extend(self.store.wake_snoozed(today, now).await?);
        if scope.is_none() {
            self.store
                .set_meta(META_EVALUATED, &format!("{today}/{}", set.version))
                .await?;
        }
        Ok(changes)
    }

    /// Evaluates every active account for `today`.
    pub async fn evaluate_book(&self, today: NaiveDate) -> Result<AlertChanges> {
        let inputs = self
            .store
            .health_inputs(today, self.clock.offset(), None)
            .await?;
        self.evaluate_rules(&inputs, today, None).await
    }

    /// Evaluates the book when it was not yet evaluated for `today` under the rules in force
    /// (a store that predates the rules, or one opened on a day already scored).
    pub async fn evaluate_if_due(&self, today: NaiveDate) -> Result<Option<AlertChanges>> {
        let version = self.rule_set().await?.version;
        let done = self.store.meta(META_EVALUATED).await?;
        if done.as_deref() == Some(format!("{today}/{version}").as_str()) {
            return Ok(None);
        }
        self.evaluate_book(today).await.map(Some)
    }

    /// The day the whole book was last evaluated.
    async fn evaluated_on(&self) -> Result<Option<NaiveDate>> {
        Ok(self
            .store
            .meta(META_EVALUATED)
            .await?
            .and_then(|v| v.split('/').next().and_then(|d| d.parse().ok())))
    }

    /// Every open alert (or every alert, with `all`), most severe and most ARR first.
    pub async fn warnings(&self, all: bool) -> Result<WarningsView> {
        self.warnings_matching(&AlertQuery {
            all,
            ..AlertQuery::default()
        })
        .await
    }

    /// The Warnings view: the first `q.limit` alerts matching its filters, how many match, and
    /// what the filters can choose from. A book of thousands is drawn a page at a time, so the
    /// view never decodes (nor sends over IPC) rows nobody has scrolled to.
    pub async fn warnings_matching(&self, q: &AlertQuery) -> Result<WarningsView> {
        self.store
            .wake_snoozed(self.today(), self.clock.now())
            .await?;
        let (mut alerts, book) = tokio::try_join!(
            self.store.alerts_matching(q, None),
            self.store.alert_book(q.all)
        )?;
        let (totals, facets, counts) = crate::risk::book::summarize(&book, q);
        self.hint_playbooks(&mut alerts).await?;
        Ok(WarningsView {
            alerts,
            totals,
            counts: counts.into(),
            evaluated_on: self.evaluated_on().await?,
            rules_version: self.rule_set().await?.version,
            facets,
        })
    }

    /// Open-alert counts for the home screen.
    pub async fn warning_counts(&self) -> Result<WarningCounts> {
        Ok(self.store.alert_counts().await?.into())
    }

    /// One account's alerts, every state, for its panel on the account view.
    pub async fn account_alerts(&self, id: i64) -> Result<Vec<AlertView>> {
        let mut alerts = self.store.alerts(true, Some(id)).await?;
        self.hint_playbooks(&mut alerts).await?;
        Ok(alerts)
    }

    /// Snoozes, resolves or reopens the alerts `ids`.
    pub async fn act_on_warnings(&self, ids: &[i64], action: &AlertAction) -> Result<usize> {
        if ids.is_empty() {
            return Err(Error::InvalidInput("Choose at least one warning.".into()));
        }
        if let AlertAction::SnoozeUntil { until } = action {
            if *until <= self.today() {
                return Err(Error::InvalidInput(
                    "Snooze until a day after today, or until the warning changes.".into(),
                ));
            }
        }
        self.store
            .act_on_alerts(ids, action, &user_name(), self.clock.now())
            .await
    }

    /// Whether new critical warnings are notified on the desktop (on unless turned off).
    pub async fn notifications_on(&self) -> Result<bool> {
        Ok(self.store.meta(META_NOTIFY).await?.as_deref() != Some("off"))
    }

    pub async fn set_notifications(&self, on: bool) -> Result<()> {
        self.store
            .set_meta(META_NOTIFY, if on { "on" } else { "off" })
            .await
    }

    /// The notification due for critical warnings the user has not seen and was not told of,
    /// batched into one, and marks them told; `None` when there are none or notifications are off.
    pub async fn take_notice(&self) -> Result<Option<Notice>> {
        if !self.notifications_on().await? {
            return Ok(None);
        }
        let Some(n) = notice(&self.store.critical_to_notify().await?) else {
            return Ok(None);
        };
        self.store
            .mark_alerts_notified(&n.alerts, self.clock.now())
            .await?;
        Ok(Some(n))
    }

    /// Records that the user has had the alerts `ids` on screen.
    pub async fn mark_warnings_seen(&self, ids: &[i64]) -> Result<()> {
        self.store.mark_alerts_seen(ids, self.clock.now()).await
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone, Utc};

    use super::*;
    use crate::domain::risk::{AlertState, RuleId};
    use crate::domain::Clock;
    use crate::secrets::{DbKey, KeySource};

    async fn book(dir: &std::path::Path) -> (Rapport, NaiveDate) {
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
        r.score_changes(at.date_naive()).await.unwrap();
        (r, at.date_naive())
    }

    /// Urgent tickets opened on `day` for `account`, or marked deleted / restored.
    async fn tickets(r: &Rapport, account: i64, day: NaiveDate, n: usize) {
        for i in 0..n {
            sqlx::query(
                "INSERT INTO ticket (account_id, crm, crm_id, subject, priority, status, opened_on, updated_at, synced_at)
                 VALUES (?, 'demo', ?, 'Outage', 'urgent', 'open', ?, '2026-11-24T10:00:00.000Z', '2026-11-24T10:00:00.000Z')",
            )
            .bind(account)
            .bind(format!("spike-{account}-{i}"))
            .bind(day.to_string())
            .execute(r.store().pool())
            .await
            .unwrap();
        }
    }

    async fn set_deleted(r: &Rapport, account: i64, deleted: bool) {
        sqlx::query("UPDATE ticket SET deleted = ? WHERE account_id = ? AND crm_id LIKE 'spike-%'")
            .bind(deleted)
            .bind(account)
            .execute(r.store().pool())
            .await
            .unwrap();
        // A sync's writes mark the account for scoring the same way.
        r.rescore(r.today()).await.unwrap();
    }

    async fn spike(r: &Rapport, account: i64) -> Option<AlertView> {
        r.account_alerts(account)
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.rule == RuleId::TicketSpike)
    }

    /// An account the demo gave no high-priority tickets in the last 14 days.
    async fn calm_account(r: &Rapport, day: NaiveDate) -> i64 {
        sqlx::query_scalar(
            "SELECT id FROM account a WHERE churned_on IS NULL AND NOT EXISTS (
                SELECT 1 FROM ticket t WHERE t.account_id = a.id AND t.priority IN ('high', 'urgent')
                AND t.opened_on > ?) ORDER BY id LIMIT 1",
        )
        .bind((day - Duration::days(14)).to_string())
        .fetch_one(r.store().pool())
        .await
        .unwrap()
    }

    #[tokio::test]
    async fn the_same_condition_is_one_alert_however_often_the_rules_run() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = book(dir.path()).await;
        let first = r.warnings(true).await.unwrap().alerts;
        assert!(
            !first.is_empty(),
            "a 40-account demo book has some early warnings"
        );
        r.rescore(day).await.unwrap();
        r.evaluate_book(day).await.unwrap();
        let again = r.warnings(true).await.unwrap().alerts;
        let ids = |v: &[AlertView]| v.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(&again), ids(&first));
        // Open ones sorted by severity, then by ARR at stake.
        let open = r.warnings(false).await.unwrap().alerts;
        for w in open.windows(2) {
            assert!(
                w[0].severity > w[1].severity
                    || (w[0].severity == w[1].severity && w[0].arr >= w[1].arr),
                "{:?} before {:?}",
                (w[0].severity, w[0].arr),
                (w[1].severity, w[1].arr)
            );
        }
    }

    #[tokio::test]
    async fn a_resolved_alert_stays_resolved_while_it_holds_and_reopens_when_it_comes_back() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = book(dir.path()).await;
        let id = calm_account(&r, day).await;
        assert_eq!(spike(&r, id).await, None);
        tickets(&r, id, day, 3).await;
        assert_eq!(
            r.score_changes(day).await.unwrap(),
            super::super::Scored::Changed(1)
        );
        let a = spike(&r, id)
            .await
            .expect("three urgent tickets today are a spike");
        assert_eq!(a.state, AlertState::Open);
        assert!(!a.seen);
        assert_eq!(
            a.summary,
            "3 high-priority tickets opened in 14 days (the first on 24 Nov 2026)."
        );

        r.act_on_warnings(&[a.id], &AlertAction::Resolve)
            .await
            .unwrap();
        r.rescore(day).await.unwrap();
        let still = spike(&r, id).await.unwrap();
        assert_eq!(
            (still.id, still.state),
            (a.id, AlertState::Resolved),
            "no re-fire while it holds"
        );
        assert_eq!(still.state_by.as_deref(), Some(user_name().as_str()));

        set_deleted(&r, id, true).await;
        assert!(spike(&r, id).await.unwrap().cleared_at.is_some());
        set_deleted(&r, id, false).await;
        let back = spike(&r, id).await.unwrap();
        assert_eq!(
            (back.id, back.state),
            (a.id, AlertState::Open),
            "the same alert, open again"
        );
        assert_eq!(back.cleared_at, None);
        let h = r.store().alert_history(a.id).await.unwrap();
        let notes: Vec<&str> = h.iter().map(|e| e.3.as_str()).collect();
        assert_eq!(notes, ["Resolved.", "It fired again after it had cleared."]);
    }

    #[tokio::test]
    async fn an_open_alert_whose_condition_clears_is_resolved_by_rapport_and_comes_back_if_it_does()
    {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = book(dir.path()).await;
        let id = calm_account(&r, day).await;
        tickets(&r, id, day, 3).await;
        r.score_changes(day).await.unwrap();
        let a = spike(&r, id).await.unwrap();
        set_deleted(&r, id, true).await;
        let gone = spike(&r, id).await.unwrap();
        assert_eq!(gone.state, AlertState::Resolved);
        assert_eq!(gone.state_by.as_deref(), Some(crate::store::RAPPORT));
        assert!(!r
            .warnings(false)
            .await
            .unwrap()
            .alerts
            .iter()
            .any(|x| x.id == a.id));
        set_deleted(&r, id, false).await;
        assert_eq!(spike(&r, id).await.unwrap().state, AlertState::Open);
        let notes: Vec<String> = r
            .store()
            .alert_history(a.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.3)
            .collect();
        assert_eq!(
            notes,
            [
                "Its condition no longer holds.",
                "It fired again after it had cleared."
            ]
        );
    }

    #[tokio::test]
    async fn snoozes_end_on_their_day_or_when_the_condition_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = book(dir.path()).await;
        let id = calm_account(&r, day).await;
        tickets(&r, id, day, 3).await;
        r.score_changes(day).await.unwrap();
        let a = spike(&r, id).await.unwrap();

        let err = r
            .act_on_warnings(&[a.id], &AlertAction::SnoozeUntil { until: day })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)));
        r.act_on_warnings(&[a.id], &AlertAction::SnoozeUntilChange)
            .await
            .unwrap();
        r.rescore(day).await.unwrap();
        assert_eq!(
            spike(&r, id).await.unwrap().state,
            AlertState::Snoozed,
            "nothing changed"
        );
        assert!(!r
            .warnings(false)
            .await
            .unwrap()
            .alerts
            .iter()
            .any(|x| x.id == a.id));
        set_deleted(&r, id, true).await;
        set_deleted(&r, id, false).await;
        assert_eq!(
            spike(&r, id).await.unwrap().state,
            AlertState::Open,
            "it cleared and came back"
        );

        let until = day + Duration::days(3);
        r.act_on_warnings(&[a.id], &AlertAction::SnoozeUntil { until })
            .await
            .unwrap();
        r.store()
            .wake_snoozed(day + Duration::days(2), r.clock().now())
            .await
            .unwrap();
        assert_eq!(spike(&r, id).await.unwrap().state, AlertState::Snoozed);
        r.store()
            .wake_snoozed(until, r.clock().now())
            .await
            .unwrap();
        assert_eq!(spike(&r, id).await.unwrap().state, AlertState::Open);
    }

    #[test]
    fn a_notice_batches_new_critical_warnings_in_one_sentence() {
        let a = |id: i64, name: &str| (id, name.to_string(), format!("Summary {id}."));
        assert_eq!(notice(&[]), None);
        let one = notice(&[a(1, "Acme")]).unwrap();
        assert_eq!(
            (one.title.as_str(), one.body.as_str()),
            ("New critical warning", "Acme: Summary 1.")
        );
        let two = notice(&[a(1, "Acme"), a(2, "Birch")]).unwrap();
        assert_eq!(two.body, "Acme and Birch.");
        let four = notice(&[a(1, "Acme"), a(2, "Birch"), a(3, "Cobalt"), a(4, "Dune")]).unwrap();
        assert_eq!(four.title, "4 new critical warnings");
        assert_eq!(four.body, "Acme, Birch and 2 more.");
        assert_eq!(four.alerts, [1, 2, 3, 4]);
    }

    #[tokio::test]
    async fn critical_warnings_are_notified_once_never_when_seen_and_not_when_turned_off() {
        let dir = tempfile::tempdir().unwrap();
        let (r, day) = book(dir.path()).await;
        let open = r.warnings(false).await.unwrap().alerts;
        let critical: Vec<i64> = open
            .iter()
            .filter(|a| a.severity == crate::domain::risk::Severity::Critical)
            .map(|a| a.id)
            .collect();
        assert!(critical.len() >= 2, "the demo book has critical warnings");
        // One the user has already seen is not in the notification.
        r.mark_warnings_seen(&critical[..1]).await.unwrap();
        let n = r.take_notice().await.unwrap().unwrap();
        let mut expected = critical[1..].to_vec();
        let mut got = n.alerts.clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
        assert_eq!(
            r.take_notice().await.unwrap(),
            None,
            "each alert is notified once"
        );

        // A new critical alert later is notified alone; with notifications off, not at all.
        let id = calm_account(&r, day).await;
        sqlx::query("UPDATE contact SET left_company = 1, left_on = ? WHERE account_id = ? AND is_champion = 1")
            .bind((day - Duration::days(2)).to_string())
            .bind(id)
            .execute(r.store().pool())
            .await
            .unwrap();
        r.set_notifications(false).await.unwrap();
        r.rescore(day).await.unwrap();
        assert_eq!(r.take_notice().await.unwrap(), None);
        r.set_notifications(true).await.unwrap();
        let later = r
            .take_notice()
            .await
            .unwrap()
            .expect("the champion who left");
        assert_eq!(later.title, "New critical warning");
        assert!(later.body.contains("left on"), "{}", later.body);
    }

    #[tokio::test]
    async fn saving_rules_makes_a_new_version_and_reevaluates_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let (r, _day) = book(dir.path()).await;
        let before = r.warnings(false).await.unwrap();
        let quiet = before
            .alerts
            .iter()
            .filter(|a| a.rule == RuleId::NoTouch)
            .count();
        assert!(quiet > 0, "the demo has accounts gone quiet");
        assert_eq!(before.rules_version, 0);

        let mut set = r.rule_set().await.unwrap();
        set.rules
            .iter_mut()
            .find(|x| x.id == RuleId::NoTouch)
            .unwrap()
            .enabled = false;
        let saved = r.save_rules(set.clone()).await.unwrap();
        assert_eq!(saved.version, 1);
        let after = r.warnings(true).await.unwrap();
        assert_eq!(after.rules_version, 1);
        for a in after.alerts.iter().filter(|a| a.rule == RuleId::NoTouch) {
            assert_eq!(a.state, AlertState::Resolved, "{a:?}");
            assert_eq!(a.state_by.as_deref(), Some(crate::store::RAPPORT));
        }

        set.rules[0].params.insert("drop_pct".into(), 0.0);
        let err = r.save_rules(set).await.unwrap_err();
        assert!(
            err.to_string().contains("must be between 5 and 90"),
            "{err}"
        );
        assert_eq!(
            r.rule_set().await.unwrap().version,
            1,
            "a refused set is not saved"
        );
    }

    #[tokio::test]
    async fn the_view_draws_a_page_of_what_the_filters_match_with_the_totals_of_all_of_it() {
        let dir = tempfile::tempdir().unwrap();
        let (r, _) = book(dir.path()).await;
        let full = r.warnings(false).await.unwrap();
        let all = &full.alerts;
        assert!(
            all.len() > 10,
            "a 40-account book has more than a page of warnings"
        );

        let q = AlertQuery {
            severity: Some(crate::domain::risk::Severity::Warning),
            limit: Some(5),
            ..AlertQuery::default()
        };
        let page = r.warnings_matching(&q).await.unwrap();
        let want: Vec<&AlertView> = all
            .iter()
            .filter(|a| a.severity == crate::domain::risk::Severity::Warning)
            .collect();
        let ids = |v: &[&AlertView]| v.iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(
            page.alerts.iter().map(|a| a.id).collect::<Vec<_>>(),
            ids(&want[..5.min(want.len())])
        );
        assert_eq!(page.totals.matching, want.len() as i64);
        let mut arr = std::collections::BTreeMap::new();
        for a in &want {
            arr.insert(a.account_id, a.arr);
        }
        let stake: f64 = arr.values().sum();
        assert!(
            (page.totals.open_arr - stake).abs() < 1e-6,
            "{} vs {stake}",
            page.totals.open_arr
        );

        // Segment and rule together; the facets list what every open warning has.
        let seg = all[0].segment.clone();
        let rule = all[0].rule;
        let q = AlertQuery {
            segment: Some(seg.clone()),
            rule: Some(rule),
            ..AlertQuery::default()
        };
        let page = r.warnings_matching(&q).await.unwrap();
        let want: Vec<i64> = all
            .iter()
            .filter(|a| a.segment == seg && a.rule == rule)
            .map(|a| a.id)
            .collect();
        assert_eq!(page.alerts.iter().map(|a| a.id).collect::<Vec<_>>(), want);
        let mut segments: Vec<String> = all
            .iter()
            .map(|a| a.segment.clone())
            .filter(|s| !s.is_empty())
            .collect();
        segments.sort();
        segments.dedup();
        assert_eq!(page.facets.segments, segments);
        let mut rules: Vec<RuleId> = all.iter().map(|a| a.rule).collect();
        rules.sort_by_key(|r| r.as_str());
        rules.dedup();
        let got: Vec<RuleId> = page.facets.rules.iter().map(|c| c.id).collect();
        assert_eq!(got, rules);
        assert_eq!(page.facets.rules[0].label, rules[0].label());

        // A filter that matches nothing: no rows, and totals of zero (not a decoding error).
        let none = AlertQuery {
            owner: Some("Nobody at all".into()),
            ..AlertQuery::default()
        };
        let page = r.warnings_matching(&none).await.unwrap();
        assert!(page.alerts.is_empty());
        assert_eq!(page.counts, r.warning_counts().await.unwrap());
        assert_eq!((page.totals.matching, page.totals.open_arr), (0, 0.0));
    }
}
