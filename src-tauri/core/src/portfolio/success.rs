//! Success plans for the app: an account's objectives and milestones with their derived status
//! and timeline, editing them offline (drafts, field errors), acting on a milestone, telling the
//! CRM through the outbox, and the portfolio's milestones due soon or behind.

use chrono::Duration;

use super::Rapport;
use crate::charts::{milestones_svg, ChartTheme};
use crate::domain::capture::{CaptureForm, NoteForm, OutboxEntryView};
use crate::domain::success::{
    DueMilestone, MilestoneAction, MilestoneCounts, MilestoneForm, MilestoneStatus, MilestonesView,
    PlanDraft, PlanDraftForm, PlanForm, PlanSaved, PlanView, StatusThresholds, SuccessView,
};
use crate::error::{Error, Result};
use crate::risk;
use crate::store::MilestoneWrite;
use crate::value;

/// The portfolio list's window for "due soon".
pub const DUE_SOON_DAYS: i64 = 30;

impl Rapport {
    async fn milestone_thresholds(&self) -> Result<StatusThresholds> {
        Ok(risk::milestone_thresholds(&self.rule_set().await?))
    }

    /// The account's success plans as of today, with the timeline in both themes and its drafts.
    pub async fn success(&self, account_id: i64) -> Result<SuccessView> {
        let target = self.store.account_target(account_id).await?;
        let today = self.today();
        let t = self.milestone_thresholds().await?;
        let plans: Vec<PlanView> = self
            .store
            .success_plans(account_id)
            .await?
            .into_iter()
            .map(|p| PlanView {
                id: p.id,
                objective: p.objective,
                created_on: p.created_on,
                milestones: p.milestones.iter().map(|m| m.view(today, &t)).collect(),
            })
            .collect();
        let all: Vec<_> = plans
            .iter()
            .flat_map(|p| p.milestones.iter().cloned())
            .collect();
        let drafts = self
            .store
            .plan_drafts(account_id)
            .await?
            .into_iter()
            .map(|(form, saved_at)| PlanDraft { form, saved_at })
            .collect();
        let ledger = self.value_ledger(account_id).await?;
        Ok(SuccessView {
            account_id,
            as_of: today,
            timeline_svg: milestones_svg(&all, today, ChartTheme::Light)?,
            timeline_svg_dark: milestones_svg(&all, today, ChartTheme::Dark)?,
            plans,
            thresholds: t,
            in_crm: target.connection_id.is_some()
                && matches!(target.crm.as_str(), "hubspot" | "salesforce"),
            drafts,
            ledger,
        })
    }

    /// Creates or renames an objective; field errors save nothing (the draft is kept).
    pub async fn save_plan(&self, f: &PlanForm) -> Result<PlanSaved> {
        let errors = value::check_plan(f);
        if !errors.is_empty() {
            return Ok(PlanSaved {
                errors,
                view: None,
                outbox: None,
            });
        }
        self.store.save_plan(f, self.clock.now()).await?;
        self.saved(f.account_id, None).await
    }

    /// Removes an objective and its milestones.
    pub async fn delete_plan(&self, account_id: i64, id: i64) -> Result<PlanSaved> {
        self.store.delete_plan(account_id, id).await?;
        self.after_change(account_id).await?;
        self.saved(account_id, None).await
    }

    /// Creates or edits a milestone; field errors save nothing (the draft is kept). With
    /// `tell_crm`, the update is also queued for the CRM as a note on the company.
    pub async fn save_milestone(&self, f: &MilestoneForm) -> Result<PlanSaved> {
        let today = self.today();
        let errors = value::check_milestone(f, today);
        if !errors.is_empty() {
            return Ok(PlanSaved {
                errors,
                view: None,
                outbox: None,
            });
        }
        let previous = match f.id {
            Some(id) => Some(self.store.milestone(id).await?.0),
            None => None,
        };
        let t = self.milestone_thresholds().await?;
        let status = crate::domain::success::MilestoneFacts {
            start_on: f.start_on.unwrap_or(today),
            due_on: f.due_on.unwrap_or(today),
            achieved_on: previous.as_ref().and_then(|p| p.achieved_on),
            baseline: f.baseline,
            current: f.current,
            target: f.target,
        }
        .assess(today, &t)
        .status;
        let id = self
            .store
            .save_milestone(MilestoneWrite {
                form: f,
                status,
                today,
                now: self.clock.now(),
            })
            .await?;
        self.after_change(f.account_id).await?;
        let event = match &previous {
            None => "new milestone".to_string(),
            Some(p) if p.current != f.current => match f.current {
                Some(v) => format!("current value now {}", value::figure(v)),
                None => "current value cleared".into(),
            },
            Some(_) => "milestone updated".into(),
        };
        let outbox = if f.tell_crm {
            self.tell_crm(id, &event, &t).await?
        } else {
            None
        };
        self.saved(f.account_id, outbox).await
    }

    /// Achieves, reopens, moves or deletes a milestone.
    pub async fn act_on_milestone(&self, id: i64, action: &MilestoneAction) -> Result<PlanSaved> {
        let (m, _) = self.store.milestone(id).await?;
        let now = self.clock.now();
        let today = self.today();
        let mut outbox = None;
        match action {
            MilestoneAction::Achieve {
                on,
                evidence,
                tell_crm,
            } => {
                let on = on.unwrap_or(today);
                if on > today {
                    return Err(Error::InvalidInput(
                        "A milestone cannot be achieved on a day still to come.".into(),
                    ));
                }
                if on < m.start_on - Duration::days(366) {
                    return Err(Error::InvalidInput(
                        "That day is long before the milestone started; check the date.".into(),
                    ));
                }
                let evidence = evidence.trim();
                if evidence.chars().count() > 4_000 {
                    return Err(Error::InvalidInput(
                        "Keep the evidence under 4,000 characters.".into(),
                    ));
                }
                self.store
                    .set_achieved(
                        id,
                        Some(on),
                        (!evidence.is_empty()).then_some(evidence),
                        MilestoneStatus::Done,
                        now,
                    )
                    .await?;
                self.after_change(m.account_id).await?;
                if *tell_crm {
                    let event = format!("achieved on {}", on.format("%-d %b %Y"));
                    let t = self.milestone_thresholds().await?;
                    outbox = self.tell_crm(id, &event, &t).await?;
                }
            }
            MilestoneAction::Reopen => {
                let t = self.milestone_thresholds().await?;
                let mut facts = m.facts();
                facts.achieved_on = None;
                let status = facts.assess(today, &t).status;
                self.store.set_achieved(id, None, None, status, now).await?;
                self.after_change(m.account_id).await?;
            }
            MilestoneAction::Move { by } => self.store.move_milestone(id, *by).await?,
            MilestoneAction::Delete => {
                self.store.delete_milestone(id).await?;
                self.after_change(m.account_id).await?;
            }
        }
        self.saved(m.account_id, outbox).await
    }

    /// Keeps a form as typed, valid or not.
    pub async fn save_plan_draft(&self, form: &PlanDraftForm) -> Result<()> {
        self.store.account_target(form.account_id()).await?;
        self.store.save_plan_draft(form, self.clock.now()).await
    }

    pub async fn discard_plan_draft(&self, account_id: i64, target: &str) -> Result<()> {
        self.store.discard_plan_draft(account_id, target).await
    }

    /// The book's open milestones due within 30 days, and those behind or stuck.
    pub async fn milestones(&self) -> Result<MilestonesView> {
        let today = self.today();
        let t = self.milestone_thresholds().await?;
        let mut due_soon = Vec::new();
        let mut behind = Vec::new();
        let mut counts = MilestoneCounts::default();
        for o in self.store.open_milestones().await? {
            let view = o.milestone.view(today, &t);
            counts.open += 1;
            let row = DueMilestone {
                account_id: o.milestone.account_id,
                account: o.account,
                owner: o.owner,
                arr: o.arr,
                objective: o.objective,
                milestone: view,
            };
            match row.milestone.status {
                MilestoneStatus::Stuck | MilestoneStatus::Behind => {
                    if row.milestone.status == MilestoneStatus::Stuck {
                        counts.stuck += 1;
                    } else {
                        counts.behind += 1;
                    }
                    behind.push(row);
                }
                _ if (row.milestone.due_on - today).num_days() <= DUE_SOON_DAYS => {
                    counts.due_soon += 1;
                    due_soon.push(row);
                }
                _ => {}
            }
        }
        // Stuck first, then the longest overdue, then the most ARR.
        behind.sort_by(|a, b| {
            (a.milestone.status, -a.milestone.days_late)
                .cmp(&(b.milestone.status, -b.milestone.days_late))
                .then(b.arr.total_cmp(&a.arr))
        });
        Ok(MilestonesView {
            as_of: today,
            window_days: DUE_SOON_DAYS,
            due_soon,
            behind,
            counts,
        })
    }

    /// The rules again for the account whose plan changed (a stuck milestone warns at once, a
    /// fixed one stops warning), and the KPI tiles that read milestones.
    async fn after_change(&self, account_id: i64) -> Result<()> {
        let today = self.today();
        let only = [account_id];
        let inputs = self
            .store
            .health_inputs(today, self.clock.offset(), Some(&only))
            .await?;
        self.evaluate_rules(&inputs, today, Some(&only)).await?;
        self.refresh_kpis(today).await
    }

    /// Queues the milestone's update for the CRM as a note on the company; `None` for an account
    /// in no CRM (the demo).
    async fn tell_crm(
        &self,
        id: i64,
        event: &str,
        t: &StatusThresholds,
    ) -> Result<Option<OutboxEntryView>> {
        let (m, objective) = self.store.milestone(id).await?;
        let target = self.store.account_target(m.account_id).await?;
        if target.connection_id.is_none()
            || !matches!(target.crm.as_str(), "hubspot" | "salesforce")
        {
            return Ok(None);
        }
        let view = m.view(self.today(), t);
        let form = CaptureForm::Note(NoteForm {
            account_id: m.account_id,
            body: value::note_body(&objective, &view, event),
            attendees: Vec::new(),
            at: None,
        });
        let captured = self.capture_with(&form, false).await?;
        if let Some(e) = captured.errors.first() {
            return Err(Error::InvalidInput(e.message.clone()));
        }
        Ok(captured.outbox)
    }

    pub(super) async fn saved(
        &self,
        account_id: i64,
        outbox: Option<OutboxEntryView>,
    ) -> Result<PlanSaved> {
        Ok(PlanSaved {
            errors: Vec::new(),
            view: Some(self.success(account_id).await?),
            outbox,
        })
    }
}

#[cfg(test)]
#[path = "success_tests.rs"]
mod tests;
