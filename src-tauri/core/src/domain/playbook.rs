//! Retention playbooks (DESIGN §1 moment 4): templates of steps for the teams that act on a risk,
//! their runs per account with the outcome, and the tasks the steps become.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::capture::OutboxState;
use super::risk::RuleId;

/// The team a step or task belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Team {
    Cs,
    Sales,
    Support,
    Delivery,
    Executive,
}

impl Team {
    pub const ALL: [Team; 5] = [
        Team::Cs,
        Team::Sales,
        Team::Support,
        Team::Delivery,
        Team::Executive,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Team::Cs => "cs",
            Team::Sales => "sales",
            Team::Support => "support",
            Team::Delivery => "delivery",
            Team::Executive => "executive",
        }
    }
    pub fn parse(s: &str) -> Option<Team> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
    /// The team's name as people say it.
    pub fn label(self) -> &'static str {
        match self {
            Team::Cs => "Customer success",
            Team::Sales => "Sales",
            Team::Support => "Support",
            Team::Delivery => "Delivery",
            Team::Executive => "Executive sponsor",
        }
    }
}

/// One step of a playbook: what to do, which team does it, and how many days after the start
/// it is due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlaybookStep {
    pub title: String,
    pub team: Team,
    pub due_days: i64,
    pub description: String,
}

/// A playbook template as in force: the highest saved version of its key (or a built-in one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Playbook {
    /// Stable across versions ("renewal_at_risk"); new playbooks get one from their name.
    pub key: String,
    /// 0 for a new playbook not saved yet.
    pub version: i64,
    pub name: String,
    pub description: String,
    /// The early-warning rules whose alerts suggest it.
    pub triggers: Vec<RuleId>,
    pub steps: Vec<PlaybookStep>,
    /// Archived playbooks are not offered; their runs stay.
    pub active: bool,
    /// Who saved this version, and when (`None` for the built-in version).
    pub saved_by: Option<String>,
    #[ts(type = "string | null")]
    pub saved_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Some steps are still open.
    Active,
    /// Every step is done or skipped.
    Completed,
}

/// How a playbook ended for the account, as the AM records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum RunOutcome {
    Saved,
    Churned,
    Expanded,
}

impl RunOutcome {
    pub const ALL: [RunOutcome; 3] = [RunOutcome::Saved, RunOutcome::Churned, RunOutcome::Expanded];
    pub fn as_str(self) -> &'static str {
        match self {
            RunOutcome::Saved => "saved",
            RunOutcome::Churned => "churned",
            RunOutcome::Expanded => "expanded",
        }
    }
    pub fn parse(s: &str) -> Option<RunOutcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    Open,
    Done,
    /// Skipped: not needed (the reason is in its comments).
    Cancelled,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }
    pub fn parse(s: &str) -> Option<TaskStatus> {
        [TaskStatus::Open, TaskStatus::Done, TaskStatus::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// When an open task is due, as My tasks groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueBucket {
    Overdue,
    Today,
    /// Later this calendar week (to Sunday).
    ThisWeek,
    Later,
    NoDueDate,
}

impl DueBucket {
    /// Where an open task due on `due` stands on `today`: "this week" runs to Sunday.
    pub fn of(due: Option<NaiveDate>, today: NaiveDate) -> DueBucket {
        let Some(due) = due else {
            return DueBucket::NoDueDate;
        };
        if due < today {
            DueBucket::Overdue
        } else if due == today {
            DueBucket::Today
        } else if due <= end_of_week(today) {
            DueBucket::ThisWeek
        } else {
            DueBucket::Later
        }
    }
}

/// The Sunday that ends `day`'s week.
pub fn end_of_week(day: NaiveDate) -> NaiveDate {
    day + chrono::Duration::days(6 - i64::from(day.weekday().num_days_from_monday()))
}

/// A comment on a task, or a record of what was done to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskNote {
    /// A comment someone wrote (true), or an event such as "Reassigned to Support" (false).
    pub comment: bool,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
    pub by: String,
    pub body: String,
}

/// A task's copy in the CRM: its outbox entry and how delivery stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskCrm {
    pub outbox_id: i64,
    pub delivery: OutboxState,
    /// The CRM's id for it once delivered.
    pub crm_task_id: Option<String>,
}

/// One task as My tasks, the account view and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskView {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub arr: f64,
    pub currency: String,
    /// The playbook run it is a step of (`None` for a feedback follow-up's task).
    pub run_id: Option<i64>,
    pub playbook: Option<String>,
    /// Its place in the run (1-based) and the run's step count.
    pub step: i64,
    pub steps: i64,
    pub title: String,
    pub description: String,
    /// The team as stored: one of `Team`'s ids.
    pub team: String,
    /// The person it is assigned to ('' for the team's queue).
    pub owner: String,
    #[ts(type = "string | null")]
    pub due_on: Option<NaiveDate>,
    pub bucket: DueBucket,
    #[ts(type = "string | null")]
    pub snoozed_until: Option<NaiveDate>,
    pub status: TaskStatus,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub notes: Vec<TaskNote>,
    pub crm: Option<TaskCrm>,
    /// The account is in a CRM and the task was not sent there yet.
    pub can_send: bool,
}

/// A playbook started for an account, with its tasks in step order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunView {
    pub id: i64,
    pub account_id: i64,
    pub account_name: String,
    pub playbook_key: String,
    pub playbook: String,
    pub version: i64,
    /// The early warning it was started from.
    pub alert_id: Option<i64>,
    pub alert_summary: Option<String>,
    #[ts(type = "string")]
    pub started_at: DateTime<Utc>,
    pub started_by: String,
    pub status: RunStatus,
    #[ts(type = "string | null")]
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome: Option<RunOutcome>,
    pub tasks: Vec<TaskView>,
}

/// What an alert suggests: the playbook its rule triggers, and the run already going, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlaybookHint {
    pub key: String,
    pub name: String,
    /// The account's active run of it.
    pub run_id: Option<i64>,
    /// Its steps closed and in all.
    pub closed: i64,
    pub steps: i64,
}

/// What the user does to a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TaskAction {
    Done,
    /// Not needed; the reason is kept as a comment.
    Skip {
        reason: String,
    },
    Reopen,
    /// Hidden from My tasks until that day (its due date stays).
    Snooze {
        #[ts(type = "string")]
        until: NaiveDate,
    },
    /// To another team or person ('' for the team's queue).
    Reassign {
        team: Team,
        owner: String,
    },
    Comment {
        body: String,
    },
}

/// What acting on a task changed: the task as it now is, and the run it completed, if the
/// action closed the run's last open step (the UI then asks for the outcome).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TaskActed {
    pub task: TaskView,
    pub completed_run: Option<RunView>,
}

/// Open-task counts for the home screen and My tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskCounts {
    pub overdue: i64,
    pub today: i64,
    pub this_week: i64,
    pub later: i64,
    pub no_due_date: i64,
    pub snoozed: i64,
}

/// The My tasks view: open tasks (or all, with `all`) soonest due first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TasksView {
    pub tasks: Vec<TaskView>,
    pub counts: TaskCounts,
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// The people tasks can be assigned to: account owners the store knows, and owners in use.
    pub people: Vec<String>,
}

/// How one playbook's runs have ended, for the model report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlaybookOutcomes {
    pub key: String,
    pub name: String,
    pub runs: i64,
    pub active: i64,
    /// Completed with no outcome recorded yet.
    pub pending: i64,
    pub saved: i64,
    pub churned: i64,
    pub expanded: i64,
    /// Median days from start to the last step closed, over completed runs.
    pub median_days: Option<f64>,
}
