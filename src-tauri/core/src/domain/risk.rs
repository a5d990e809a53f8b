//! Early warnings (DESIGN §4 "Early-warning rules"): the personal rule set, the facts the rules
//! read per account, the alerts they fire and the alerts' states, as stored and as shown.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::health::{Band, Departure, UsageFacts};
use super::SurveyKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Critical]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// The early-warning rules Rapport knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    UsageDrop,
    HealthDrop,
    RelationshipLeft,
    RenewalAtRisk,
    NoTouch,
    BadSurvey,
    TicketSpike,
    SeatUtilisation,
    FirstValueLate,
    MilestoneStuck,
    StageStalled,
}

impl RuleId {
    pub const ALL: [RuleId; 11] = [
        RuleId::UsageDrop,
        RuleId::HealthDrop,
        RuleId::RelationshipLeft,
        RuleId::RenewalAtRisk,
        RuleId::NoTouch,
        RuleId::BadSurvey,
        RuleId::TicketSpike,
        RuleId::SeatUtilisation,
        RuleId::FirstValueLate,
        RuleId::MilestoneStuck,
        RuleId::StageStalled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::UsageDrop => "usage_drop",
            RuleId::HealthDrop => "health_drop",
            RuleId::RelationshipLeft => "relationship_left",
            RuleId::RenewalAtRisk => "renewal_at_risk",
            RuleId::NoTouch => "no_touch",
            RuleId::BadSurvey => "bad_survey",
            RuleId::TicketSpike => "ticket_spike",
            RuleId::SeatUtilisation => "seat_utilisation",
            RuleId::FirstValueLate => "first_value_late",
            RuleId::MilestoneStuck => "milestone_stuck",
            RuleId::StageStalled => "stage_stalled",
        }
    }
    pub fn parse(s: &str) -> Option<RuleId> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    /// The rule's name as the Warnings view and Settings show it.
    pub fn label(self) -> &'static str {
        match self {
            RuleId::UsageDrop => "Usage dropping",
            RuleId::HealthDrop => "Health falling fast",
            RuleId::RelationshipLeft => "Champion or sponsor left",
            RuleId::RenewalAtRisk => "Renewal at risk",
            RuleId::NoTouch => "Gone quiet",
            RuleId::BadSurvey => "Unhappy survey answer",
            RuleId::TicketSpike => "High-priority ticket spike",
            RuleId::SeatUtilisation => "Seats unused",
            RuleId::FirstValueLate => "First value late",
            RuleId::MilestoneStuck => "Milestone stuck",
            RuleId::StageStalled => "Stalled in a stage",
        }
    }
}

/// One rule as the user set it: on or off, its base severity, and its thresholds by key (see
/// `risk::rules::spec` for each rule's keys, units and bounds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Rule {
    pub id: RuleId,
    pub enabled: bool,
    pub severity: Severity,
    pub params: BTreeMap<String, f64>,
}

impl Rule {
    /// The threshold `key`, or 0 when the set lacks it (a set saved before the key existed is
    /// completed from the defaults when read, so this is a last resort).
    pub fn param(&self, key: &str) -> f64 {
        self.params.get(key).copied().unwrap_or_default()
    }
}

/// The user's rules, versioned: every save is a new version, and alerts name the version that
/// fired them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleSet {
    /// 0 for the built-in defaults never saved.
    pub version: i64,
    pub rules: Vec<Rule>,
}

impl RuleSet {
    pub fn rule(&self, id: RuleId) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id && r.enabled)
    }
}

/// A survey answer the bad-survey rule may fire on.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyAnswer {
    pub id: i64,
    pub kind: SurveyKind,
    pub score: i64,
    pub on: NaiveDate,
    pub who: String,
}

/// Everything the rules read about one active account on one day, already aggregated.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskFacts {
    pub account_id: i64,
    pub at: NaiveDate,
    /// `None` when the CRM holds no contract start (nor a won deal to date it from).
    pub contract_start: Option<NaiveDate>,
    pub renewal_date: Option<NaiveDate>,
    pub seats_purchased: i64,
    pub usage: Option<UsageFacts>,
    pub last_two_way_touch: Option<NaiveDate>,
    /// The latest champion or sponsor who left, within the departure window.
    pub departed: Option<Departure>,
    /// Today's score and band, if scored.
    pub score: Option<(i64, Band)>,
    /// Scores of the days before today within the health-drop window, oldest first.
    pub recent_scores: Vec<(NaiveDate, i64)>,
    /// Survey answers within the bad-survey window, oldest first.
    pub answers: Vec<SurveyAnswer>,
    /// Days high or urgent tickets were opened within the ticket-spike window, oldest first.
    pub high_tickets: Vec<NaiveDate>,
    /// The account's first-value milestone, if its success plan has one.
    pub first_value: Option<FirstValue>,
    /// Its success plans' milestones not yet reached.
    pub milestones: Vec<super::success::MilestoneRecord>,
    /// Its lifecycle stage and the day it entered it.
    pub stage: Option<(super::LifecycleStage, NaiveDate)>,
}

/// A first-value milestone: when it was due, and when it was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstValue {
    pub target: NaiveDate,
    pub achieved: Option<NaiveDate>,
}

/// How far back the store must look for the rules to see what they need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiskWindows {
    pub score_days: i64,
    pub survey_days: i64,
    pub ticket_days: i64,
}

/// One figure behind an alert, with the day it is from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Evidence {
    pub label: String,
    pub value: String,
    pub on: Option<NaiveDate>,
}

/// A rule holding for an account on the evaluated day. `period` makes the dedup key: the same
/// condition (account, rule, period) is one alert however many times it is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired {
    pub account_id: i64,
    pub rule: RuleId,
    pub severity: Severity,
    pub period: String,
    /// The alert in one sentence, e.g. "Active users fell 34 % month over month (1,204 → 795)."
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

impl Fired {
    pub fn dedup_key(&self) -> String {
        format!("{}:{}:{}", self.account_id, self.rule.as_str(), self.period)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Open,
    Snoozed,
    Resolved,
}

impl AlertState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertState::Open => "open",
            AlertState::Snoozed => "snoozed",
            AlertState::Resolved => "resolved",
        }
    }
    pub fn parse(s: &str) -> Option<AlertState> {
        [AlertState::Open, AlertState::Snoozed, AlertState::Resolved]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What the user does to alerts from the Warnings view or the CLI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlertAction {
    /// Hidden until the day given (it reopens that morning).
    SnoozeUntil {
        until: NaiveDate,
    },
    /// Hidden until the condition changes: its severity moves, or it clears and fires again.
    SnoozeUntilChange,
    Resolve,
    Reopen,
}

/// One alert as the Warnings view, the account view and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertView {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub segment: String,
    pub owner: String,
    pub arr: f64,
    pub currency: String,
    pub rule: RuleId,
    pub rule_label: String,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Vec<Evidence>,
    pub state: AlertState,
    pub fired_at: DateTime<Utc>,
    /// When its figures last changed (it still holds unless `cleared_at` is set).
    pub updated_at: DateTime<Utc>,
    /// Since when the condition no longer holds, if it cleared.
    pub cleared_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<NaiveDate>,
    pub snooze_until_change: bool,
    /// Who last changed its state, and when (`None` while it is as the rules left it).
    pub state_by: Option<String>,
    pub state_at: Option<DateTime<Utc>>,
    pub rules_version: i64,
    /// The user has had it on screen (or been notified of it).
    pub seen: bool,
    /// The playbook its rule suggests, and the account's run of it if one is going.
    pub playbook: Option<super::playbook::PlaybookHint>,
}

/// Which alerts the Warnings view asks for: the filters, and how many rows it draws.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertQuery {
    /// Snoozed and resolved ones too.
    pub all: bool,
    pub severity: Option<Severity>,
    pub rule: Option<RuleId>,
    pub segment: Option<String>,
    pub owner: Option<String>,
    /// At most this many rows, most severe and most ARR first (`None`: every one).
    pub limit: Option<u32>,
}

/// How many alerts match a query, and the ARR of the accounts with an open one among them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertTotals {
    pub matching: i64,
    pub open_arr: f64,
}

/// A rule as a filter offers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleChoice {
    pub id: RuleId,
    pub label: String,
}

/// What the Warnings view's filters can choose from (every alert shown, whatever the filters).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct AlertFacets {
    pub rules: Vec<RuleChoice>,
    pub segments: Vec<String>,
    pub owners: Vec<String>,
}

/// One alert of an active account reduced to what the Warnings view's totals, counts and filter
/// choices need (the rows themselves come a page at a time).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertBrief {
    pub account_id: i64,
    pub segment: String,
    pub owner: String,
    pub arr: f64,
    pub rule: RuleId,
    pub severity: Severity,
    pub state: AlertState,
    pub seen: bool,
}

/// What one evaluation changed in the stored alerts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertChanges {
    /// Alerts new this evaluation (ids), and the critical ones among them.
    pub new: Vec<i64>,
    pub new_critical: Vec<i64>,
    /// Resolved alerts that fired again after clearing, and snoozed ones woken by a change.
    pub reopened: Vec<i64>,
    /// Alerts whose condition stopped holding.
    pub cleared: usize,
}

/// A renewal that happened: the account renewed, or did not (churned).
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub account_id: i64,
    pub renewal: NaiveDate,
    pub churned: bool,
    /// The ARR at stake: the renewal's amount, else the account's ARR.
    pub arr: f64,
    /// An expansion was won within 60 days after it (success patterns).
    pub expanded: bool,
}

/// What the store knew about an account on `as_of`, for the churn model. Every figure uses only
/// data dated before `as_of` (no leakage from what happened later).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChurnFacts {
    pub account_id: i64,
    pub as_of: NaiveDate,
    pub arr: f64,
    pub contract_start: Option<NaiveDate>,
    /// Mean daily active users over the 30 days before `as_of`, the 30 before those, and the 7
    /// before `as_of` (over the days with a usage row; `None` without one).
    pub active_30: Option<f64>,
    pub active_prev_30: Option<f64>,
    pub active_7: Option<f64>,
    /// Seats bought; `None` when seats changed after `as_of` (the CRM keeps no seat history).
    pub seats: Option<i64>,
    /// Champions and sponsors who left in the year before `as_of`, and those still there.
    pub champions_left: i64,
    pub champions: i64,
    /// Tickets opened in the 90 days before `as_of`: high or urgent, and all.
    pub high_tickets_90: i64,
    pub tickets_90: i64,
    /// Mean daily active users over the 30 days that ended 90 days before `as_of` (a quarter's trend).
    pub active_q_ago: Option<f64>,
    /// Mean NPS and CSAT answers over the 180 days before `as_of`.
    pub nps_avg: Option<f64>,
    pub csat_avg: Option<f64>,
    /// The AM's latest sentiment (1–5) set in the 180 days before `as_of`.
    pub sentiment: Option<i64>,
    pub last_touch: Option<NaiveDate>,
    /// The latest health score kept in the 14 days before `as_of`.
    pub health: Option<i64>,
}
