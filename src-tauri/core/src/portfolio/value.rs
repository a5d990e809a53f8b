//! Value realization for the app: time-to-value by contract-start cohort (the cut against a year
//! earlier, the accounts still waiting for first value) and an account's value ledger, edited
//! offline with field errors and drafts, and told to the CRM as a note through the outbox.

use super::Rapport;
use crate::charts::{ttv_svg, ChartTheme};
use crate::domain::capture::{CaptureForm, FieldError, NoteForm, OutboxEntryView};
use crate::domain::risk::RuleId;
use crate::domain::success::PlanSaved;
use crate::domain::value::{TtvView, ValueEntryForm, ValueLedger};
use crate::error::{Error, Result};
use crate::store::ValueWrite;
use crate::{kpi, value};

/// The waiting list shows this many accounts; the view says how many more there are.
pub const WAITING_SHOWN: usize = 200;
/// The "First value late" rule's default, used when the rule set has no such rule.
const LATE_DAYS: i64 = 30;

impl Rapport {
    /// Time-to-value as of today.
    pub async fn ttv(&self) -> Result<TtvView> {
        let today = self.today();
        let ((facts, without_start), rules) =
            tokio::try_join!(self.store.ttv_facts(), self.rule_set())?;
        let late_after_days = rules
            .rules
            .iter()
            .find(|r| r.id == RuleId::FirstValueLate)
            .and_then(|r| r.params.get("days"))
            .map_or(LATE_DAYS, |d| *d as i64);
        let report = kpi::ttv_cohorts(&facts, today);
        let mut waiting = kpi::waiting(&facts, today, late_after_days);
        let waiting_total = waiting.len() as i64;
        let late_total = waiting.iter().filter(|w| w.late).count() as i64;
        waiting.truncate(WAITING_SHOWN);
        Ok(TtvView {
            as_of: today,
            chart_svg: ttv_svg(&report.cohorts, late_after_days, ChartTheme::Light)?,
            chart_svg_dark: ttv_svg(&report.cohorts, late_after_days, ChartTheme::Dark)?,
            cohorts: report.cohorts,
            reduction: report.reduction,
            latest: report.latest,
            baseline: report.baseline,
            target_cut: kpi::TARGET_CUT,
            late_after_days,
            accounts: facts.len() as i64 + without_start,
            without_start,
            waiting,
            waiting_total,
            late_total,
        })
    }
}

impl Rapport {
    /// The account's value ledger on today.
    pub(super) async fn value_ledger(&self, account_id: i64) -> Result<ValueLedger> {
        let (account, records, contacts) = tokio::try_join!(
            self.store.account(account_id),
            self.store.value_records(account_id),
            self.store.value_contacts(account_id),
        )?;
        Ok(value::ledger(
            records,
            &account.currency,
            account.arr,
            contacts,
            self.today(),
        ))
    }

    /// Creates or edits a value entry; field errors save nothing (the draft is kept). A usage
    /// metric cited as evidence is read as it stood on the entry's day. With `tell_crm`, the
    /// entry is also queued for the CRM as a note on the company.
    pub async fn save_value_entry(&self, f: &ValueEntryForm) -> Result<PlanSaved> {
        let today = self.today();
        let mut errors = value::check_value_entry(f, today);
        let (milestone_ok, contact_ok) = self
            .store
            .value_links_belong(f.account_id, f.milestone_id, f.confirmed_by)
            .await?;
        let err = |field: &str, message: &str| FieldError {
            field: field.into(),
            message: message.into(),
        };
        if !milestone_ok {
            errors.push(err(
                "milestone_id",
                "Pick one of this account's milestones.",
            ));
        }
        if !contact_ok {
            errors.push(err("confirmed_by", "Pick one of this account's contacts."));
        }
        let usage = match (f.usage_metric, f.recorded_on) {
            (Some(metric), Some(on)) if errors.is_empty() => {
                let figure = self.store.usage_figure(f.account_id, metric, on).await?;
                if figure.is_none() {
                    errors.push(err(
                        "usage_metric",
                        "This account has no usage recorded on or before that day.",
                    ));
                }
                figure
            }
            _ => None,
        };
        if !errors.is_empty() {
            return Ok(PlanSaved {
                errors,
                view: None,
                outbox: None,
            });
        }
        let account = self.store.account(f.account_id).await?;
        let id = self
            .store
            .save_value_entry(ValueWrite {
                form: f,
                currency: value::currency_of(f, &account.currency),
                usage,
                now: self.clock.now(),
            })
            .await?;
        let outbox = if f.tell_crm {
            self.tell_crm_value(f.account_id, id).await?
        } else {
            None
        };
        self.saved(f.account_id, outbox).await
    }

    pub async fn delete_value_entry(&self, account_id: i64, id: i64) -> Result<PlanSaved> {
        self.store.delete_value_entry(account_id, id).await?;
        self.saved(account_id, None).await
    }

    /// Queues the entry as a note on the company, for accounts that came from a CRM.
    async fn tell_crm_value(&self, account_id: i64, id: i64) -> Result<Option<OutboxEntryView>> {
        let target = self.store.account_target(account_id).await?;
        if target.connection_id.is_none()
            || !matches!(target.crm.as_str(), "hubspot" | "salesforce")
        {
            return Ok(None);
        }
        let ledger = self.value_ledger(account_id).await?;
        let Some(entry) = ledger.entries.iter().find(|e| e.id == id) else {
            return Err(Error::NotFound("That value entry".into()));
        };
        let form = CaptureForm::Note(NoteForm {
            account_id,
            body: value::value_note_body(entry),
            attendees: Vec::new(),
            at: None,
        });
        let captured = self.capture_with(&form, false).await?;
        if let Some(e) = captured.errors.first() {
            return Err(Error::InvalidInput(e.message.clone()));
        }
        Ok(captured.outbox)
    }
}

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
