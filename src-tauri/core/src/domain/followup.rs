//! Closing the loop on unhappy feedback: a detractor (NPS 0–6) or a CSAT of 1–2 proposes a
//! follow-up task, which the AM accepts (as a CRM task, optionally with an escalation to support
//! or sales), edits, or dismisses with a reason.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::capture::OutboxState;
use super::SurveyKind;

/// Another team the follow-up is escalated to, as a task of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Escalation {
    None,
    Support,
    Sales,
}

impl Escalation {
    pub fn as_str(self) -> &'static str {
        match self {
            Escalation::None => "none",
            Escalation::Support => "support",
            Escalation::Sales => "sales",
        }
    }
    pub fn parse(s: &str) -> Option<Escalation> {
        [Escalation::None, Escalation::Support, Escalation::Sales]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Waiting for the AM's decision.
    Proposed,
    Accepted,
    Dismissed,
}

/// One task a follow-up made, with how far it is on its way to the CRM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowUpTask {
    pub task_id: i64,
    pub title: String,
    /// `cs` for the AM's own, `support` or `sales` for an escalation.
    pub team: String,
    #[ts(type = "string | null")]
    pub due_on: Option<NaiveDate>,
    /// The outbox entry that carries it (none for demo accounts).
    pub outbox_id: Option<i64>,
    pub delivery: Option<OutboxState>,
}

/// A response that calls for a follow-up, and what was decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FollowUpView {
    pub response_id: i64,
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub kind: SurveyKind,
    pub score: i64,
    pub verbatim: String,
    pub contact: Option<String>,
    #[ts(type = "string")]
    pub captured_at: DateTime<Utc>,
    pub state: FollowUpState,
    /// The proposal's (or the accepted task's) title.
    pub title: String,
    /// Two business days after the response, or the day the AM chose.
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    pub escalation: Escalation,
    /// Why it was dismissed.
    pub reason: String,
    #[ts(type = "string | null")]
    pub decided_at: Option<DateTime<Utc>>,
    pub tasks: Vec<FollowUpTask>,
}

/// The AM's acceptance of a proposal, as edited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AcceptFollowUp {
    pub response_id: i64,
    pub title: String,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    pub escalation: Escalation,
    /// What the escalated team should know (optional).
    pub note: String,
}

/// A follow-up's response facts as the store reads them, before the rules decide.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpFacts {
    pub view: FollowUpView,
    /// The speaker's CRM id, when they have one.
    pub contact_crm_id: Option<String>,
    /// None when no decision was taken yet.
    pub decided: Option<FollowUpState>,
}

/// A member of the client advisory program, with how recently they spoke and were engaged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AdvisoryMember {
    pub contact_id: i64,
    pub name: String,
    pub email: String,
    pub title: String,
    pub account_id: i64,
    pub account: String,
    /// Their newest survey response: kind, score, when.
    pub last_kind: Option<SurveyKind>,
    pub last_score: Option<i64>,
    #[ts(type = "string | null")]
    pub last_feedback_at: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub last_engaged: Option<NaiveDate>,
    /// Set in Rapport (rather than read from the CRM), and how far that is on its way there.
    pub set_here: bool,
    pub delivery: Option<OutboxState>,
}
