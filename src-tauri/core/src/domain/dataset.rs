//! A whole book of client data in memory (the generated demo portfolio), written to the store in
//! one transaction.

use chrono::{DateTime, NaiveDate, Utc};

use super::health::Snapshot;
use super::*;

/// A generated portfolio, ready to be written to the store.
#[derive(Debug, Default)]
pub struct DemoData {
    pub seed: u64,
    pub as_of: DateTime<Utc>,
    /// The user's local date at `as_of`.
    pub today: NaiveDate,
    pub accounts: Vec<Account>,
    pub contacts: Vec<Contact>,
    pub deals: Vec<Deal>,
    pub tickets: Vec<Ticket>,
    pub activities: Vec<Activity>,
    pub usage: Vec<UsageDay>,
    pub surveys: Vec<SurveyResponse>,
    pub sentiments: Vec<SentimentEntry>,
    pub plans: Vec<SuccessPlan>,
    pub milestones: Vec<Milestone>,
    pub value_entries: Vec<ValueEntry>,
    pub lifecycle: Vec<LifecycleEntry>,
    pub handoffs: Vec<DemoHandoff>,
    pub snapshots: Vec<Snapshot>,
}

/// A handoff checklist the demo's stage changes started, with the day each item was done.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoHandoff {
    pub handoff: super::journey::NewHandoff,
    pub done: Vec<Option<NaiveDate>>,
}

impl DemoData {
    /// Total rows across all entities.
    pub fn row_count(&self) -> usize {
        self.accounts.len()
            + self.contacts.len()
            + self.deals.len()
            + self.tickets.len()
            + self.activities.len()
            + self.usage.len()
            + self.surveys.len()
            + self.sentiments.len()
            + self.plans.len()
            + self.milestones.len()
            + self.value_entries.len()
            + self.lifecycle.len()
            + self.handoffs.len()
            + self.snapshots.len()
    }
}
