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

impl Rapport {
    /// Follow-ups of the last 30 days, proposed ones first (oldest due first), then decided ones.
    pub async fn followups(&self, account_id: Option<i64>) -> Result<Vec<FollowUpView>> {
        let today = self.today();
        let since = (today - Duration::days(rules::PROPOSE_FOR_DAYS))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        let mut out: Vec<FollowUpView> = self
            .store
            .followup_facts(since, account_id)
            .await?
            .into_iter()
            .filter(|f| rules::calls_for_follow_up(f.view.kind, f.view.score))
            .filter(|f| {
                f.decided.is_some() || rules::still_proposed(f.view.captured_at.date_naive(), today)
            })
            .map(|f| {
                let mut v = f.view;
                if f.decided.is_none() {
                    v.title =
                        rules::proposed_title(v.kind, v.score, v.contact.as_deref(), &v.account);
                    v.due_on = rules::business_days_after(
                        v.captured_at.date_naive(),
                        rules::DUE_BUSINESS_DAYS,
                    );
                }
                v
            })
            .collect();
        out.sort_by_key(|v| (v.state != FollowUpState::Proposed, v.due_on));
        Ok(out)
    }

    async fn proposal(&self, response_id: i64) -> Result<(FollowUpView, Option<String>)> {
        let today = self.today();
        let since = (today - Duration::days(rules::PROPOSE_FOR_DAYS))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
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
        Ok((facts.view, facts.contact_crm_id))
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
        let payloads = rules::task_payloads(&view, a, &target.crm_id, contact_crm_id.as_deref());
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
