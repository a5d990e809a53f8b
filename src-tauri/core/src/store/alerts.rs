//! Early warnings in the store: the facts the rules read beyond the health inputs, the versioned
//! rule set, and the alerts with their states (dedup on account + rule + period).

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::{QueryBuilder, Row};

use super::{day, opt_day, parse_day, parse_ts, ts, Store};
use crate::domain::health::{Band, HealthInputs};
use crate::domain::risk::{
    AlertAction, AlertBrief, AlertChanges, AlertQuery, AlertState, AlertView, Evidence, Fired,
    FirstValue, RiskFacts, RiskWindows, RuleId, Severity, SurveyAnswer,
};
use crate::domain::{LifecycleStage, SurveyKind};
use crate::error::{Error, Result};

/// Who the rules' own state changes are recorded as.
pub const RAPPORT: &str = "Rapport";

/// One stored alert as the evaluation compares it with what fires now.
struct Existing {
    id: i64,
    state: AlertState,
    severity: Severity,
    summary: String,
    evidence: String,
    cleared_at: Option<String>,
    until_change: bool,
}

#[derive(Deserialize)]
struct RawAlert(
    i64,
    i64,
    String,
    String,
    String,
    f64,
    String,
    String,
    String,
    String,
    // The evidence, decoded in the same pass as the row (stored as JSON, embedded as JSON).
    Vec<Evidence>,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
);

/// One alert of `alert_book` as SQLite's JSON array gives it: account id, segment, owner, ARR,
/// id, renewal, score, band, contract start, lifecycle stage, in it since.
type AcctRow = (
    i64,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// rule, severity, state, seen.
type BriefRow = (i64, String, String, f64, String, String, String, bool);

impl Store {
    /// The rules' facts for the accounts in `inputs` (their health inputs for day `at`), reading
    /// as far back as `w` asks.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn risk_facts(
        &self,
        inputs: &[HealthInputs],
        at: NaiveDate,
        offset: FixedOffset,
        w: RiskWindows,
    ) -> Result<Vec<RiskFacts>> {
        let ids = serde_json::to_string(&inputs.iter().map(|i| i.account_id).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into());
        let at_s = day(at);
        let accounts = self.json_rows::<AcctRow>(
            sqlx::query(
                "SELECT json_group_array(json_array(a.id, a.renewal_date, h.score, h.band, a.contract_start, a.lifecycle_stage, a.stage_since))
                 FROM account a LEFT JOIN health_snapshot h ON h.account_id = a.id AND h.day = ?2
                 WHERE a.id IN (SELECT value FROM json_each(?1))",
            )
            .bind(&ids)
            .bind(&at_s),
        );
        let scores = self.json_rows::<(i64, String, i64)>(
            sqlx::query(
                "SELECT json_group_array(json_array(h.account_id, h.day, h.score))
                 FROM json_each(?1) j JOIN health_snapshot h INDEXED BY health_snapshot_trend
                    ON h.account_id = j.value AND h.day >= ?2 AND h.day < ?3
                 WHERE h.score IS NOT NULL",
            )
            .bind(&ids)
            .bind(day(at - Duration::days(w.score_days)))
            .bind(&at_s),
        );
        // Answers captured before the next local midnight and within the window, oldest first.
        let local = |d: NaiveDate| {
            ts(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
                - Duration::seconds(offset.local_minus_utc() as i64))
        };
        let answers = self.json_rows::<(i64, i64, String, i64, String, Option<String>)>(
            sqlx::query(
                "SELECT json_group_array(json_array(s.account_id, s.id, s.kind, s.score, s.captured_at, c.name))
                 FROM (SELECT s.* FROM json_each(?1) j JOIN survey_response s INDEXED BY survey_account
                        ON s.account_id = j.value AND s.captured_at >= ?2 AND s.captured_at < ?3
                       WHERE s.deleted = 0 AND s.kind IN ('nps', 'csat') ORDER BY s.captured_at, s.id) s
                 LEFT JOIN contact c ON c.id = s.contact_id",
            )
            .bind(&ids)
            .bind(local(at - Duration::days(w.survey_days)))
            .bind(local(at + Duration::days(1))),
        );
        let tickets = self.json_rows::<(i64, String)>(
            sqlx::query(
                "SELECT json_group_array(json_array(t.account_id, t.opened_on))
                 FROM json_each(?1) j JOIN ticket t INDEXED BY ticket_health
                    ON t.account_id = j.value AND t.opened_on > ?2 AND t.opened_on <= ?3
                 WHERE t.deleted = 0 AND t.priority IN ('high', 'urgent')",
            )
            .bind(&ids)
            .bind(day(at - Duration::days(w.ticket_days)))
            .bind(&at_s),
        );
        let first_value = self.json_rows::<(i64, String, Option<String>)>(
            sqlx::query(
                "SELECT json_group_array(json_array(account_id, target, achieved)) FROM (
                    SELECT m.account_id, min(m.target_date) AS target, min(m.achieved_on) AS achieved
                    FROM json_each(?1) j JOIN milestone m ON m.account_id = j.value AND m.kind = 'first_value'
                    GROUP BY m.account_id)",
            )
            .bind(&ids),
        );
        let milestones = self.open_milestones_of(&ids);
        let (accounts, scores, answers, tickets, first_value, milestones) =
            tokio::try_join!(accounts, scores, answers, tickets, first_value, milestones)?;
        let mut milestones_by: HashMap<i64, Vec<_>> = HashMap::new();
        for m in milestones {
            milestones_by.entry(m.account_id).or_default().push(m);
        }

        type Acct = (
            Option<NaiveDate>,
            Option<(i64, Band)>,
            Option<NaiveDate>,
            Option<(LifecycleStage, NaiveDate)>,
        );
        let mut acct: HashMap<i64, Acct> = HashMap::new();
        for (id, renewal, score, band, start, stage, since) in accounts {
            let scored = match (score, band.as_deref().and_then(Band::parse)) {
                (Some(s), Some(b)) => Some((s, b)),
                _ => None,
            };
            let stage = match (
                stage.as_deref().and_then(LifecycleStage::parse),
                opt_day(since)?,
            ) {
                (Some(s), Some(d)) => Some((s, d)),
                _ => None,
            };
            acct.insert(id, (opt_day(renewal)?, scored, opt_day(start)?, stage));
        }
        let mut score_by: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
        for (id, d, s) in scores {
            score_by.entry(id).or_default().push((parse_day(&d)?, s));
        }
        let mut answer_by: HashMap<i64, Vec<SurveyAnswer>> = HashMap::new();
        for (account, id, kind, score, at_t, who) in answers {
            let t = parse_ts(&at_t)?;
            answer_by.entry(account).or_default().push(SurveyAnswer {
                id,
                kind: SurveyKind::parse(&kind).unwrap_or(SurveyKind::Nps),
                score,
                on: (t + Duration::seconds(offset.local_minus_utc() as i64)).date_naive(),
                who: who.unwrap_or_default(),
            });
        }
        let mut ticket_by: HashMap<i64, Vec<NaiveDate>> = HashMap::new();
        for (id, d) in tickets {
            ticket_by.entry(id).or_default().push(parse_day(&d)?);
        }
        let mut fv_by: HashMap<i64, FirstValue> = HashMap::new();
        for (id, target, achieved) in first_value {
            fv_by.insert(
                id,
                FirstValue {
                    target: parse_day(&target)?,
                    achieved: opt_day(achieved)?,
                },
            );
        }
        Ok(inputs
            .iter()
            .map(|i| {
                let (renewal_date, score, contract_start, stage) =
                    acct.get(&i.account_id).copied().unwrap_or_default();
                let mut recent = score_by.remove(&i.account_id).unwrap_or_default();
                recent.sort();
                let mut high = ticket_by.remove(&i.account_id).unwrap_or_default();
                high.sort();
                RiskFacts {
                    account_id: i.account_id,
                    at,
                    contract_start,
                    renewal_date,
                    seats_purchased: i.seats_purchased,
                    usage: i.usage,
                    last_two_way_touch: i.last_two_way_touch,
                    departed: i.relationship.departed.clone(),
                    score,
                    recent_scores: recent,
                    answers: answer_by.remove(&i.account_id).unwrap_or_default(),
                    high_tickets: high,
                    first_value: fv_by.get(&i.account_id).copied(),
                    milestones: milestones_by.remove(&i.account_id).unwrap_or_default(),
                    stage,
                }
            })
            .collect())
    }

    /// The rule set in force: its version and its JSON, if the user ever saved one.
    pub async fn rule_set(&self) -> Result<Option<(i64, String)>> {
        Ok(
            sqlx::query("SELECT version, rules FROM rule_set ORDER BY version DESC LIMIT 1")
                .fetch_optional(self.pool())
                .await?
                .map(|r| (r.get(0), r.get(1))),
        )
    }

    /// Saves `rules` (JSON) as the next version and returns that version.
    pub async fn save_rule_set(&self, rules: &str, now: DateTime<Utc>, by: &str) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        let version: i64 = sqlx::query_scalar("SELECT coalesce(max(version), 0) + 1 FROM rule_set")
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO rule_set (version, rules, saved_at, saved_by) VALUES (?, ?, ?, ?)",
        )
        .bind(version)
        .bind(rules)
        .bind(ts(now))
        .bind(by)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Brings the stored alerts of the evaluated accounts (`scope`; `None`: all) in line with what
    /// fires now: new conditions become open alerts; a resolved alert whose condition cleared and
    /// holds again reopens; a snooze "until it changes" ends when its severity moves; alerts that
    /// no longer hold (a threshold raised, a rule turned off, the situation mended) are marked
    /// cleared and, unless the user resolved them already, resolved by Rapport.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn apply_alerts(
        &self,
        fired: &[Fired],
        scope: Option<&[i64]>,
        disabled: &[RuleId],
        rules_version: i64,
        now: DateTime<Utc>,
    ) -> Result<AlertChanges> {
        let scope_json =
            scope.map(|ids| serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()));
        let now_s = ts(now);
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "SELECT id, dedup_key, state, severity, summary, evidence, cleared_at, snooze_until_change
             FROM alert WHERE ?1 IS NULL OR account_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&scope_json)
        .fetch_all(&mut *tx)
        .await?;
        let mut existing: HashMap<String, Existing> = HashMap::with_capacity(rows.len());
        for r in rows {
            existing.insert(
                r.get(1),
                Existing {
                    id: r.get(0),
                    state: AlertState::parse(r.get(2)).unwrap_or(AlertState::Open),
                    severity: Severity::parse(r.get(3)).unwrap_or(Severity::Info),
                    summary: r.get(4),
                    evidence: r.get(5),
                    cleared_at: r.get(6),
                    until_change: r.get::<i64, _>(7) == 1,
                },
            );
        }
        let mut changes = AlertChanges::default();
        let mut fresh = Vec::new();
        for f in fired {
            let key = f.dedup_key();
            let evidence = serde_json::to_string(&f.evidence).unwrap_or_else(|_| "[]".into());
            let Some(e) = existing.remove(&key) else {
                fresh.push((f, key, evidence));
                continue;
            };
            let came_back = e.cleared_at.is_some();
            let reopen = match e.state {
                AlertState::Resolved => came_back,
                AlertState::Snoozed => e.until_change && (came_back || e.severity != f.severity),
                AlertState::Open => false,
            };
            let same = !came_back
                && !reopen
                && e.severity == f.severity
                && e.summary == f.summary
                && e.evidence == evidence;
            if same {
                continue;
            }
            sqlx::query(
                "UPDATE alert SET severity = ?2, summary = ?3, evidence = ?4, last_fired_at = ?5,
                    cleared_at = NULL, rules_version = ?6,
                    state = CASE WHEN ?7 THEN 'open' ELSE state END,
                    snoozed_until = CASE WHEN ?7 THEN NULL ELSE snoozed_until END,
                    snooze_until_change = CASE WHEN ?7 THEN 0 ELSE snooze_until_change END,
                    resolved_at = CASE WHEN ?7 THEN NULL ELSE resolved_at END,
                    seen_at = CASE WHEN ?7 THEN NULL ELSE seen_at END,
                    state_by = CASE WHEN ?7 THEN ?8 ELSE state_by END,
                    state_at = CASE WHEN ?7 THEN ?5 ELSE state_at END
                 WHERE id = ?1",
            )
            .bind(e.id)
            .bind(f.severity.as_str())
            .bind(&f.summary)
            .bind(&evidence)
            .bind(&now_s)
            .bind(rules_version)
            .bind(reopen)
            .bind(RAPPORT)
            .execute(&mut *tx)
            .await?;
            if reopen {
                let note = if e.state == AlertState::Resolved {
                    "It fired again after it had cleared."
                } else {
                    "Its condition changed while it was snoozed."
                };
                history(&mut tx, e.id, &now_s, AlertState::Open, RAPPORT, note).await?;
                changes.reopened.push(e.id);
                if f.severity == Severity::Critical {
                    changes.new_critical.push(e.id);
                }
            }
        }
        for chunk in fresh.chunks(300) {
            let mut q = QueryBuilder::new(
                "INSERT INTO alert (account_id, rule, severity, fired_at, evidence, state, dedup_key, period, summary, last_fired_at, rules_version) ",
            );
            q.push_values(chunk, |mut b, (f, key, evidence)| {
                b.push_bind(f.account_id)
                    .push_bind(f.rule.as_str())
                    .push_bind(f.severity.as_str())
                    .push_bind(&now_s)
                    .push_bind(evidence)
                    .push_bind("open")
                    .push_bind(key)
                    .push_bind(&f.period)
                    .push_bind(&f.summary)
                    .push_bind(&now_s)
                    .push_bind(rules_version);
            });
            q.push(" RETURNING id, severity");
            for r in q.build().fetch_all(&mut *tx).await? {
                let id: i64 = r.get(0);
                changes.new.push(id);
                if r.get::<&str, _>(1) == "critical" {
                    changes.new_critical.push(id);
                }
            }
        }
        // What no longer holds is marked cleared once; an open or snoozed one is resolved by
        // Rapport (it reopens if the condition comes back), saying whether its rule was turned off.
        let gone: Vec<(i64, bool, AlertState)> = existing
            .into_iter()
            .filter(|(_, e)| e.cleared_at.is_none() || e.state != AlertState::Resolved)
            .map(|(key, e)| {
                let off = key
                    .split(':')
                    .nth(1)
                    .and_then(RuleId::parse)
                    .is_some_and(|r| disabled.contains(&r));
                (e.id, off, e.state)
            })
            .collect();
        for (id, off, state) in gone {
            sqlx::query("UPDATE alert SET cleared_at = coalesce(cleared_at, ?2) WHERE id = ?1")
                .bind(id)
                .bind(&now_s)
                .execute(&mut *tx)
                .await?;
            changes.cleared += 1;
            if state != AlertState::Resolved {
                sqlx::query(
                    "UPDATE alert SET state = 'resolved', resolved_at = ?2, state_by = ?3, state_at = ?2,
                        snoozed_until = NULL, snooze_until_change = 0 WHERE id = ?1",
                )
                .bind(id)
                .bind(&now_s)
                .bind(RAPPORT)
                .execute(&mut *tx)
                .await?;
                let note = if off {
                    "Its rule was turned off."
                } else {
                    "Its condition no longer holds."
                };
                history(&mut tx, id, &now_s, AlertState::Resolved, RAPPORT, note).await?;
            }
        }
        tx.commit().await?;
        Ok(changes)
    }

    /// Snoozed alerts whose day has come are open again.
    pub async fn wake_snoozed(&self, today: NaiveDate, now: DateTime<Utc>) -> Result<Vec<i64>> {
        // Read first: most views wake nothing, and need not queue behind a sync for the write lock.
        let due: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM alert WHERE state = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?",
        )
        .bind(day(today))
        .fetch_one(self.pool())
        .await?;
        if due == 0 {
            return Ok(Vec::new());
        }
        let mut tx = self.write_tx().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE alert SET state = 'open', snoozed_until = NULL, state_by = ?2, state_at = ?3, seen_at = NULL
             WHERE state = 'snoozed' AND snoozed_until IS NOT NULL AND snoozed_until <= ?1 RETURNING id",
        )
        .bind(day(today))
        .bind(RAPPORT)
        .bind(ts(now))
        .fetch_all(&mut *tx)
        .await?;
        for id in &ids {
            history(
                &mut tx,
                *id,
                &ts(now),
                AlertState::Open,
                RAPPORT,
                "Its snooze ended.",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Alerts of active accounts, most severe first, then by ARR at stake: the open ones, or all
    /// with `all`; only `account`'s when given.
    pub async fn alerts(&self, all: bool, account: Option<i64>) -> Result<Vec<AlertView>> {
        let q = AlertQuery {
            all,
            ..AlertQuery::default()
        };
        self.alerts_matching(&q, account).await
    }

    /// The first `q.limit` alerts matching `q`, in the Warnings view's order.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn alerts_matching(
        &self,
        q: &AlertQuery,
        account: Option<i64>,
    ) -> Result<Vec<AlertView>> {
        let sql = format!(
            "SELECT json_group_array(json_array(id, account_id, name, segment, owner, arr, currency, rule,
                severity, summary, CASE WHEN json_valid(evidence) THEN json(evidence) ELSE json('[]') END,
                state, fired_at, coalesce(last_fired_at, fired_at), cleared_at, snoozed_until,
                snooze_until_change, state_by, state_at, rules_version, seen_at)
                ORDER BY state_rank, severity_rank, arr DESC, fired_at DESC, id)
             FROM (SELECT x.*, a.name, a.segment, a.owner, a.arr, a.currency,
                    CASE x.state WHEN 'open' THEN 0 WHEN 'snoozed' THEN 1 ELSE 2 END AS state_rank,
                    CASE x.severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END AS severity_rank
                   FROM {MATCHING}
                   ORDER BY state_rank, severity_rank, a.arr DESC, x.fired_at DESC, x.id
                   LIMIT ?7)"
        );
        let raw: Vec<RawAlert> = self
            .json_rows(
                bind_query(sqlx::query(&sql), q, account).bind(q.limit.map_or(-1, i64::from)),
            )
            .await?;
        raw.into_iter()
            .map(|r| {
                let rule = RuleId::parse(&r.7).ok_or_else(|| {
                    Error::Storage(format!("unknown rule {:?} in the database", r.7))
                })?;
                Ok(AlertView {
                    id: r.0,
                    account_id: r.1,
                    account_name: r.2,
                    segment: r.3,
                    owner: r.4,
                    arr: r.5,
                    currency: r.6,
                    rule,
                    rule_label: rule.label().into(),
                    severity: Severity::parse(&r.8).unwrap_or(Severity::Info),
                    summary: r.9,
                    evidence: r.10,
                    state: AlertState::parse(&r.11).unwrap_or(AlertState::Open),
                    fired_at: parse_ts(&r.12)?,
                    updated_at: parse_ts(&r.13)?,
                    cleared_at: r.14.as_deref().map(parse_ts).transpose()?,
                    snoozed_until: opt_day(r.15)?,
                    snooze_until_change: r.16 == 1,
                    state_by: r.17,
                    state_at: r.18.as_deref().map(parse_ts).transpose()?,
                    rules_version: r.19,
                    seen: r.20.is_some(),
                    playbook: None,
                })
            })
            .collect()
    }

    /// Every unresolved alert of an active account (every alert with `all`), reduced to what the
    /// Warnings view's totals, counts and filter choices need: one covered walk of the alerts
    /// (migration 0017's indexes) instead of one per figure.
    pub async fn alert_book(&self, all: bool) -> Result<Vec<AlertBrief>> {
        let raw: Vec<BriefRow> = self
            .json_rows(
                sqlx::query(
                    "SELECT json_group_array(json_array(x.account_id, a.segment, a.owner, a.arr, x.rule,
                        x.severity, x.state, json(CASE WHEN x.seen_at IS NULL THEN 'false' ELSE 'true' END)))
                     FROM alert x JOIN account a ON a.id = x.account_id AND a.deleted = 0 AND a.churned_on IS NULL
                     WHERE ?1 OR x.state != 'resolved'",
                )
                .bind(all),
            )
            .await?;
        raw.into_iter()
            .map(|r| {
                Ok(AlertBrief {
                    rule: RuleId::parse(&r.4).ok_or_else(|| {
                        Error::Storage(format!("unknown rule {:?} in the database", r.4))
                    })?,
                    account_id: r.0,
                    segment: r.1,
                    owner: r.2,
                    arr: r.3,
                    severity: Severity::parse(&r.5).ok_or_else(|| {
                        Error::Storage(format!("unknown severity {:?} in the database", r.5))
                    })?,
                    state: AlertState::parse(&r.6).ok_or_else(|| {
                        Error::Storage(format!("unknown alert state {:?} in the database", r.6))
                    })?,
                    seen: r.7,
                })
            })
            .collect()
    }

    /// Open alerts of active accounts by severity (critical, warning, info), the snoozed ones, and
    /// the open ones not yet seen.
    pub async fn alert_counts(&self) -> Result<[i64; 5]> {
        let r = sqlx::query(
            "SELECT coalesce(sum(x.state = 'open' AND x.severity = 'critical'), 0),
                coalesce(sum(x.state = 'open' AND x.severity = 'warning'), 0),
                coalesce(sum(x.state = 'open' AND x.severity = 'info'), 0),
                coalesce(sum(x.state = 'snoozed'), 0),
                coalesce(sum(x.state = 'open' AND x.seen_at IS NULL), 0)
             FROM alert x JOIN account a ON a.id = x.account_id AND a.deleted = 0 AND a.churned_on IS NULL
             WHERE x.state != 'resolved'",
        )
        .fetch_one(self.pool())
        .await?;
        Ok([r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)])
    }

    /// Applies the user's `action` to the alerts `ids`; returns how many changed.
    pub async fn act_on_alerts(
        &self,
        ids: &[i64],
        action: &AlertAction,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let now_s = ts(now);
        let (state, until, until_change, note) = match action {
            AlertAction::SnoozeUntil { until } => (
                AlertState::Snoozed,
                Some(day(*until)),
                false,
                format!("Snoozed until {until}."),
            ),
            AlertAction::SnoozeUntilChange => (
                AlertState::Snoozed,
                None,
                true,
                "Snoozed until it changes.".to_string(),
            ),
            AlertAction::Resolve => (AlertState::Resolved, None, false, "Resolved.".to_string()),
            AlertAction::Reopen => (AlertState::Open, None, false, "Reopened.".to_string()),
        };
        let mut tx = self.write_tx().await?;
        let mut n = 0;
        for id in ids {
            let done = sqlx::query(
                "UPDATE alert SET state = ?2, snoozed_until = ?3, snooze_until_change = ?4, state_by = ?5,
                    state_at = ?6, seen_at = coalesce(seen_at, ?6),
                    resolved_at = CASE WHEN ?2 = 'resolved' THEN ?6 ELSE NULL END
                 WHERE id = ?1",
            )
            .bind(id)
            .bind(state.as_str())
            .bind(&until)
            .bind(until_change)
            .bind(by)
            .bind(&now_s)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(Error::NotFound(format!("Early warning {id}")));
            }
            history(&mut tx, *id, &now_s, state, by, &note).await?;
            n += 1;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Open critical alerts of active accounts the user has neither seen nor been notified of,
    /// most ARR first: (id, account name, summary).
    pub async fn critical_to_notify(&self) -> Result<Vec<(i64, String, String)>> {
        self.json_rows(sqlx::query(
            "SELECT json_group_array(json_array(x.id, a.name, x.summary) ORDER BY a.arr DESC, x.id)
             FROM alert x JOIN account a ON a.id = x.account_id AND a.deleted = 0 AND a.churned_on IS NULL
             WHERE x.state = 'open' AND x.severity = 'critical' AND x.seen_at IS NULL AND x.notified_at IS NULL",
        ))
        .await
    }

    /// Records that the alerts `ids` were in a notification.
    pub async fn mark_alerts_notified(&self, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE alert SET notified_at = ?2 WHERE notified_at IS NULL AND id IN (SELECT value FROM json_each(?1))",
        )
        .bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks the alerts `ids` seen (on screen, or notified).
    pub async fn mark_alerts_seen(&self, ids: &[i64], now: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "UPDATE alert SET seen_at = ?2 WHERE seen_at IS NULL AND id IN (SELECT value FROM json_each(?1))",
        )
        .bind(serde_json::to_string(ids).unwrap_or_else(|_| "[]".into()))
        .bind(ts(now))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// An alert's state changes, oldest first: (when, state, by whom, note).
    pub async fn alert_history(
        &self,
        id: i64,
    ) -> Result<Vec<(DateTime<Utc>, AlertState, String, String)>> {
        sqlx::query(
            "SELECT at, state, by_whom, note FROM alert_history WHERE alert_id = ? ORDER BY at, id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| {
            Ok((
                parse_ts(r.get(0))?,
                AlertState::parse(r.get(1)).unwrap_or(AlertState::Open),
                r.get(2),
                r.get(3),
            ))
        })
        .collect()
    }
}

/// The alerts of active accounts a query matches, as `x` (the alert) joined to `a` (its
/// account); parameters ?1–?6 are bound by `bind_query`.
const MATCHING: &str = "alert x JOIN account a ON a.id = x.account_id AND a.deleted = 0 AND a.churned_on IS NULL
    WHERE (?1 OR x.state = 'open') AND (?2 IS NULL OR x.account_id = ?2) AND (?3 IS NULL OR x.severity = ?3)
      AND (?4 IS NULL OR x.rule = ?4) AND (?5 IS NULL OR a.segment = ?5) AND (?6 IS NULL OR a.owner = ?6)";

fn bind_query<'q>(
    sql: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    q: &'q AlertQuery,
    account: Option<i64>,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    sql.bind(q.all)
        .bind(account)
        .bind(q.severity.map(|s| s.as_str()))
        .bind(q.rule.map(|r| r.as_str()))
        .bind(q.segment.as_deref())
        .bind(q.owner.as_deref())
}

async fn history(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
    at: &str,
    state: AlertState,
    by: &str,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO alert_history (alert_id, at, state, by_whom, note) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(at)
    .bind(state.as_str())
    .bind(by)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
