//! Retention playbooks' rules (pure, "today" passed in): the built-in templates, what a saved
//! template must satisfy, which playbook an alert suggests, the tasks a run starts with, and what
//! a task carries to the CRM. (When a task is due as My tasks groups it: `DueBucket::of`.)

mod defaults;

use chrono::{Duration, NaiveDate, NaiveTime};

use crate::domain::capture::{FieldError, WritePayload};
use crate::domain::playbook::{Playbook, Team};
use crate::domain::risk::RuleId;
use crate::domain::Clock;

pub use defaults::defaults;

const MAX_NAME: usize = 80;
/// The CRM's limit on a task's subject.
const MAX_TITLE: usize = 255;
const MAX_TEXT: usize = 4_000;
const MAX_STEPS: usize = 20;
/// A step is due at most a year after the start.
pub const MAX_DUE_DAYS: i64 = 365;

/// The field errors of a template about to be saved, in sentences for next to the fields
/// (`name`, `description`, `steps`, `steps.N.title`, `steps.N.due_days`, `steps.N.description`).
/// `others` are the other playbooks in force: names must differ among active ones.
pub fn check(p: &Playbook, others: &[Playbook]) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut err = |field: String, message: &str| {
        out.push(FieldError {
            field,
            message: message.into(),
        })
    };
    let name = p.name.trim();
    if name.is_empty() {
        err("name".into(), "Give the playbook a name.");
    } else if name.chars().count() > MAX_NAME {
        err("name".into(), "Keep the name under 80 characters.");
    } else if p.active
        && others
            .iter()
            .any(|o| o.active && o.key != p.key && o.name.trim().eq_ignore_ascii_case(name))
    {
        err("name".into(), "Another playbook has this name.");
    }
    if p.description.chars().count() > MAX_TEXT {
        err(
            "description".into(),
            "Keep the description under 4,000 characters.",
        );
    }
    if p.steps.is_empty() {
        err("steps".into(), "A playbook needs at least one step.");
    } else if p.steps.len() > MAX_STEPS {
        err("steps".into(), "Keep a playbook to 20 steps or fewer.");
    }
    for (i, s) in p.steps.iter().enumerate() {
        let title = s.title.trim();
        if title.is_empty() {
            err(format!("steps.{i}.title"), "Say what the step is.");
        } else if title.chars().count() > MAX_TITLE {
            err(
                format!("steps.{i}.title"),
                "Keep the title under 255 characters (the CRM's limit).",
            );
        }
        if !(0..=MAX_DUE_DAYS).contains(&s.due_days) {
            err(
                format!("steps.{i}.due_days"),
                "Due between 0 and 365 days after the start.",
            );
        }
        if s.description.chars().count() > MAX_TEXT {
            err(
                format!("steps.{i}.description"),
                "Keep the description under 4,000 characters.",
            );
        }
    }
    out
}

/// A new playbook's key: its name in lower snake case, made unique among `taken`.
pub fn key_for(name: &str, taken: &[&str]) -> String {
    let mut base = String::new();
    for c in name.trim().chars() {
        if c.is_ascii_alphanumeric() {
            base.push(c.to_ascii_lowercase());
        } else if !base.ends_with('_') && !base.is_empty() {
            base.push('_');
        }
    }
    let base = match base.trim_end_matches('_') {
        "" => "playbook".to_string(),
        b => b.chars().take(40).collect(),
    };
    let mut key = base.clone();
    let mut n = 2;
    while taken.contains(&key.as_str()) {
        key = format!("{base}_{n}");
        n += 1;
    }
    key
}

/// The active playbook an alert of `rule` suggests: the first in `playbooks` that lists it.
pub fn suggest(rule: RuleId, playbooks: &[Playbook]) -> Option<&Playbook> {
    playbooks
        .iter()
        .find(|p| p.active && p.triggers.contains(&rule))
}

/// A task a run starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTask {
    pub position: i64,
    pub title: String,
    pub description: String,
    pub team: Team,
    pub owner: String,
    pub due_on: NaiveDate,
}

/// The tasks of `p` started on `today`: one per step, due its offset later, the customer-success
/// steps assigned to the account's `owner` and the other teams' left to their queue.
pub fn plan(p: &Playbook, today: NaiveDate, owner: &str) -> Vec<PlannedTask> {
    p.steps
        .iter()
        .enumerate()
        .map(|(i, s)| PlannedTask {
            position: i as i64 + 1,
            title: s.title.trim().to_string(),
            description: s.description.trim().to_string(),
            team: s.team,
            owner: if s.team == Team::Cs {
                owner.trim().to_string()
            } else {
                String::new()
            },
            due_on: today + Duration::days(s.due_days.clamp(0, MAX_DUE_DAYS)),
        })
        .collect()
}

/// What a task sent to the CRM says and where it goes.
pub struct Escalation<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub team: Team,
    /// The person it is assigned to in Rapport, named in the body when not the CRM owner.
    pub owner: &'a str,
    pub due_on: Option<NaiveDate>,
    pub account: &'a str,
    pub playbook: Option<&'a str>,
    /// The early warning the playbook was started from.
    pub reason: Option<&'a str>,
    pub sent_by: &'a str,
    pub account_crm_id: &'a str,
    /// The CRM user it is assigned to.
    pub owner_crm_id: Option<&'a str>,
}

/// The CRM task for `e`: due at 09:00 on its day on the AM's clock (today when it has no due
/// day), associated with the account, assigned to `owner_crm_id`.
pub fn task_payload(e: &Escalation<'_>, today: NaiveDate, clock: &Clock) -> WritePayload {
    let due = e.due_on.unwrap_or(today).max(today);
    let at = clock.local_instant(due, NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default());
    let mut body = String::new();
    if !e.description.trim().is_empty() {
        body.push_str(e.description.trim());
        body.push_str("\n\n");
    }
    body.push_str(&format!("For the {} team", e.team.label().to_lowercase()));
    if !e.owner.trim().is_empty() {
        body.push_str(&format!(" ({})", e.owner.trim()));
    }
    match e.playbook {
        Some(p) => body.push_str(&format!(
            ": a step of the \u{201c}{p}\u{201d} playbook for {}.",
            e.account
        )),
        None => body.push_str(&format!(", for {}.", e.account)),
    }
    if let Some(r) = e.reason.filter(|r| !r.trim().is_empty()) {
        body.push_str(&format!("\nWhy: {}", r.trim()));
    }
    body.push_str(&format!("\n\nSent from Rapport by {}.", e.sent_by));
    WritePayload {
        account_crm_id: e.account_crm_id.into(),
        contact_crm_ids: Vec::new(),
        new_contact: None,
        at,
        subject: e.title.trim().chars().take(MAX_TITLE).collect(),
        body,
        feedback: None,
        due_on: Some(due),
        advisory: None,
        health: None,
        owner_crm_id: e.owner_crm_id.map(str::to_string),
    }
}

#[cfg(test)]
mod tests;
