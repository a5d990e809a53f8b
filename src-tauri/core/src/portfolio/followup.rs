//! Follow-ups on unhappy feedback: what the rules propose, and the AM's acceptance (as CRM
//! tasks through the outbox, optionally with an escalation) or dismissal with a reason.

use chrono::Duration;

use super::Rapport;
use crate::domain::capture::FieldError;
use crate::domain::followup::{AcceptFollowUp, Escalation, FollowUpState, FollowUpView};
use crate::error::{Error, Result};
use crate::feedback::followup as rules;
use crate::store::{Decision, NewTask};

/// What accepting a follow-up did: field errors (nothing saved), or the outbox entries made.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Accepted {
    pub errors: Vec<FieldError>,
    pub outbox: Vec<i64>,
}

/// A response's facts as the rules propose them: the title and the day it is due (counted from
/// the day it was given, in the AM's time zone).
fn proposed(mut v: FollowUpView, clock: &crate::domain::Clock) -> FollowUpView {
    v.title = rules::proposed_title(v.kind, v.score, v.contact.as_deref(), &v.account);
    v.due_on = rules::business_days_after(clock.local_day(v.captured_at), rules::DUE_BUSINESS_DAYS);
    v
}

/// The first instant of the local day 30 days back: where proposals start.
fn window_start(clock: &crate::domain::Clock) -> chrono::DateTime<chrono::Utc> {
    let day = clock.today() - Duration::days(rules::PROPOSE_FOR_DAYS);
    (day.and_hms_opt(0, 0, 0).unwrap_or_default() - clock.offset()).and_utc()
}

impl Rapport {
    /// Follow-ups of the last 30 days, proposed ones first (oldest due first), then decided ones.
    pub async fn followups(&self, account_id: Option<i64>) -> Result<Vec<FollowUpView>> {
        let today = self.today();
        let since = window_start(&self.clock);
        let mut out: Vec<FollowUpView> = self
            .store
            .followup_facts(since, account_id)
            .await?
            .into_iter()
            .filter(|f| rules::calls_for_follow_up(f.view.kind, f.view.score))
            .filter(|f| {
                f.decided.is_some()
                    || rules::still_proposed(self.clock.local_day(f.view.captured_at), today)
            })
            .map(|f| {
                if f.decided.is_none() {
                    proposed(f.view, &self.clock)
                } else {
                    f.view
                }
            })
            .collect();
        out.sort_by_key(|v| (v.state != FollowUpState::Proposed, v.due_on));
        Ok(out)
    }

    async fn proposal(&self, response_id: i64) -> Result<(FollowUpView, Option<String>)> {
        let since = window_start(&self.clock);
        let facts = self
            .store
            .followup_facts(since, None)
            .await?
            .into_iter()
            .find(|f| {
                f.view.response_id == response_id
                    && rules::calls_for_follow_up(f.view.kind, f.view.score)
            })
            .ok_or_else(|| Error::NotFound(format!("A follow-up for response {response_id}")))?;
        if facts.decided.is_some() {
            return Err(Error::InvalidInput(
                "This follow-up was already decided.".into(),
            ));
        }
        Ok((proposed(facts.view, &self.clock), facts.contact_crm_id))
    }

    /// Accepts a proposal as edited: the AM's task (and the escalation's) are saved with their
    /// outbox entries in one transaction, and sent in the background.
    pub async fn accept_followup(&self, a: &AcceptFollowUp) -> Result<Accepted> {
        let errors = rules::check_accept(a, self.today());
        if !errors.is_empty() {
            return Ok(Accepted {
                errors,
                outbox: Vec::new(),
            });
        }
        let (view, contact_crm_id) = self.proposal(a.response_id).await?;
        let target = self.store.account_target(view.account_id).await?;
        let payloads = rules::task_payloads(
            &view,
            a,
            &target.crm_id,
            contact_crm_id.as_deref(),
            target.owner_crm_id.as_deref(),
            &self.clock,
        );
        let tasks: Vec<NewTask> = payloads
            .iter()
            .map(|(team, p)| NewTask {
                team,
                payload: p,
                key: super::capture::new_key(),
            })
            .collect();
        let outbox = self
            .store
            .decide_followup(
                &Decision {
                    response_id: a.response_id,
                    account_id: view.account_id,
                    state: FollowUpState::Accepted,
                    title: a.title.trim(),
                    due_on: a.due_on,
                    escalation: a.escalation,
                    reason: "",
                    owner: &view.owner,
                    now: self.clock.now(),
                },
                &tasks,
                &target,
            )
            .await?;
        Ok(Accepted {
            errors: Vec::new(),
            outbox,
        })
    }

    /// Dismisses a proposal; the reason is required (it is what the next person reads).
    pub async fn dismiss_followup(&self, response_id: i64, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(Error::InvalidInput(
                "Say why this follow-up is not needed.".into(),
            ));
        }
        let (view, _) = self.proposal(response_id).await?;
        let target = self.store.account_target(view.account_id).await?;
        self.store
            .decide_followup(
                &Decision {
                    response_id,
                    account_id: view.account_id,
                    state: FollowUpState::Dismissed,
                    title: &view.title,
                    due_on: view.due_on,
                    escalation: Escalation::None,
                    reason: reason.trim(),
                    owner: &view.owner,
                    now: self.clock.now(),
                },
                &[],
                &target,
            )
            .await?;
        Ok(())
    }
}

impl Rapport {
    /// Members of the client advisory program with their last feedback and engagement.
    pub async fn advisory_members(&self) -> Result<Vec<crate::domain::followup::AdvisoryMember>> {
        self.store.advisory_members().await
    }

    /// The contact with this email; several (one person at two accounts) is an error that
    /// names the accounts.
    pub async fn contact_by_email(&self, email: &str) -> Result<i64> {
        let found = self.store.contacts_by_email(email).await?;
        match found.as_slice() {
            [(id, _)] => Ok(*id),
            [] => Err(Error::NotFound(format!("A contact with the email {email:?}"))),
            many => Err(Error::InvalidInput(format!(
                "Several contacts have the email {email:?} (at {}); use the account view to pick one.",
                many.iter().map(|(_, a)| a.as_str()).collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// Adds a contact to the advisory program or takes them out; a contact the CRM knows gets
    /// the flag written back through the outbox (an update: simply sent again until it lands).
    /// Returns the outbox entry, if any.
    pub async fn set_advisory(&self, contact_id: i64, member: bool) -> Result<Option<i64>> {
        let t = self.store.advisory_target(contact_id).await?;
        let account = self.store.account_target(t.account_id).await?;
        let payload = crate::domain::capture::WritePayload {
            account_crm_id: account.crm_id.clone(),
            contact_crm_ids: t.crm_id.iter().cloned().collect(),
            new_contact: None,
            at: self.clock.now(),
            subject: format!(
                "{} {} the client advisory program",
                t.name,
                if member { "joined" } else { "left" }
            ),
            body: String::new(),
            feedback: None,
            due_on: None,
            advisory: Some(member),
            health: None,
            owner_crm_id: None,
        };
        let key = super::capture::new_key();
        let write = match (t.connection_id, &t.crm_id) {
            (Some(conn), Some(_)) => Some((conn, key.as_str(), &payload)),
            _ => None,
        };
        self.store
            .set_advisory(contact_id, member, self.clock.now(), write)
            .await
    }
}
