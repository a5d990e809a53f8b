//! The customer journey (DESIGN §3 "lifecycle"): each account's stage history as the journey
//! view reads it, what that view shows, and the handoff checklists that stage changes start.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::playbook::Team;
use super::LifecycleStage;

/// One account's stage history, oldest first, as the journey rules read it.
#[derive(Debug, Clone, PartialEq)]
pub struct JourneyFacts {
    pub account_id: i64,
    pub name: String,
    pub arr: f64,
    /// Each stage the account entered and the day it did, oldest first.
    pub history: Vec<(LifecycleStage, NaiveDate)>,
}

/// How long an account is expected to stay in a stage before it counts as stalled; stages
/// without one end on a date by definition (onboarding, renewal) or are where an account should
/// stay (value, churned).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct StageExpectations {
    pub adoption_days: i64,
    pub expansion_days: i64,
    pub at_risk_days: i64,
}

impl Default for StageExpectations {
    fn default() -> Self {
        StageExpectations {
            adoption_days: 120,
            expansion_days: 120,
            at_risk_days: 60,
        }
    }
}

impl StageExpectations {
    pub fn days(&self, stage: LifecycleStage) -> Option<i64> {
        match stage {
            LifecycleStage::Adoption => Some(self.adoption_days),
            LifecycleStage::Expansion => Some(self.expansion_days),
            LifecycleStage::AtRisk => Some(self.at_risk_days),
            _ => None,
        }
    }
}

/// One stage over the chosen period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageSummary {
    pub stage: LifecycleStage,
    /// Accounts in the stage today.
    pub now: u32,
    pub arr_now: f64,
    /// Accounts that entered it within the period.
    pub entered: u32,
    /// Accounts that left it within the period.
    pub left: u32,
    /// Median days in the stage of the stays that began in the period, counting stays still
    /// under way (Kaplan–Meier); `None` with fewer than half of them over.
    pub median_days: Option<f64>,
    pub expected_days: Option<i64>,
    /// Of the stays that began in the period, how many went past the expected time.
    pub overran: u32,
    /// Accounts stalled in the stage today.
    pub stalled_now: u32,
    pub stalled_arr: f64,
    /// Where accounts went after overrunning the stage, most common first.
    pub after_stall: Vec<StageCount>,
}

/// A stage and how many accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageCount {
    pub stage: LifecycleStage,
    pub accounts: u32,
}

/// Accounts moving from one stage to another within the period; `from` is `None` for accounts
/// whose history begins there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageFlow {
    pub from: Option<LifecycleStage>,
    pub to: LifecycleStage,
    pub accounts: u32,
    pub arr: f64,
}

/// An account in a stage longer than expected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StalledAccount {
    pub account_id: i64,
    pub name: String,
    pub arr: f64,
    pub stage: LifecycleStage,
    #[ts(type = "string")]
    pub since: NaiveDate,
    pub days: i64,
    pub expected_days: i64,
}

/// How renewals decided in the period went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RenewalTally {
    pub renewed: u32,
    pub churned: u32,
    pub renewed_arr: f64,
    pub churned_arr: f64,
}

/// Renewals of accounts that stalled somewhere in the year before, against those that did not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct RenewalByStall {
    pub stalled: RenewalTally,
    pub not_stalled: RenewalTally,
}

/// The journey view: flows, time per stage, friction and stalled accounts over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JourneyView {
    #[ts(type = "string")]
    pub from: NaiveDate,
    #[ts(type = "string")]
    pub to: NaiveDate,
    pub expectations: StageExpectations,
    pub stages: Vec<StageSummary>,
    pub flows: Vec<StageFlow>,
    pub stalled: Vec<StalledAccount>,
    pub renewals: RenewalByStall,
    pub handoffs: Vec<HandoffView>,
    /// The freshest stage change on record.
    #[ts(type = "string | null")]
    pub as_of: Option<NaiveDate>,
    /// Accounts in each stage week by week through the period.
    pub mix: Vec<StageMix>,
    /// The mix as a stacked chart, in both themes; `None` with no history in the period.
    pub chart_svg: Option<String>,
    pub chart_svg_dark: Option<String>,
}

/// How many accounts were in each stage on a day, in the order of `LifecycleStage::ALL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageMix {
    #[ts(type = "string")]
    pub day: NaiveDate,
    pub counts: Vec<u32>,
}

/// One account's stays, oldest first, for the account view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StageStay {
    pub stage: LifecycleStage,
    #[ts(type = "string")]
    pub from: NaiveDate,
    /// `None` while under way.
    #[ts(type = "string | null")]
    pub to: Option<NaiveDate>,
    pub days: i64,
    pub expected_days: Option<i64>,
    pub stalled: bool,
}

/// A checklist template: which stage change starts it, its items and who owns each, and how
/// long the teams have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoffTemplate {
    pub key: String,
    pub name: String,
    /// The stages whose leaving starts it (`None`: an account first seen); empty for any.
    pub from: Vec<Option<LifecycleStage>>,
    /// The stage entered; `None` for any but churned.
    pub to: Option<LifecycleStage>,
    pub due_days: i64,
    pub items: Vec<HandoffItemTemplate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoffItemTemplate {
    pub text: String,
    pub team: Team,
}

/// A checklist to create for an account, as started by a stage change.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHandoff {
    pub account_id: i64,
    pub template: HandoffTemplate,
    /// The stage the account left and the one it entered.
    pub from: Option<LifecycleStage>,
    pub to: LifecycleStage,
    pub started_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// A started checklist as the screens show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoffView {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub name: String,
    pub from: Option<LifecycleStage>,
    pub to: LifecycleStage,
    #[ts(type = "string")]
    pub started_on: NaiveDate,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    pub items: Vec<HandoffItemView>,
    /// Items left past the due day.
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandoffItemView {
    pub id: i64,
    pub text: String,
    pub team: Team,
    #[ts(type = "string | null")]
    pub done_on: Option<NaiveDate>,
}

/// The account view's journey panel: the stays, and the account's checklists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountJourney {
    pub stays: Vec<StageStay>,
    pub handoffs: Vec<HandoffView>,
}
