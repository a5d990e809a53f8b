//! Expansion for the app: the book's opportunities at the price book's prices, the price book
//! (estimated from the book until the user sets it), and handing an opportunity to sales as a
//! task, sent to the CRM through the outbox for CRM accounts.

use super::warnings::user_name;
use super::Rapport;
use crate::domain::expansion::{
    ExpansionView, HandedOff, OpportunityState, PriceBook, PriceBookSaved,
};
use crate::domain::playbook::Team;
use crate::error::{Error, Result};
use crate::expansion as rules;
use crate::store::NewHandoff;

/// Where the user's price book is kept.
const META_PRICE_BOOK: &str = "price_book";

impl Rapport {
    /// The user's price book, or one estimated from the book.
    pub async fn price_book(&self) -> Result<PriceBook> {
        if let Some(json) = self.store.meta(META_PRICE_BOOK).await? {
            return serde_json::from_str(&json)
                .map_err(|e| Error::Storage(format!("the saved price book did not decode: {e}")));
        }
        let accounts = self.store.tier_prices().await?;
        // Prices in the currency most accounts are billed in; others are not converted.
        let mut counts = std::collections::BTreeMap::<&str, usize>::new();
        for (_, _, _, c) in &accounts {
            *counts.entry(c.as_str()).or_default() += 1;
        }
        let currency = counts
            .into_iter()
            .max_by_key(|(c, n)| (*n, std::cmp::Reverse(*c)))
            .map_or("USD".to_string(), |(c, _)| c.to_string());
        let same: Vec<(String, f64, i64)> = accounts
            .into_iter()
            .filter(|a| a.3 == currency)
            .map(|(t, arr, seats, _)| (t, arr, seats))
            .collect();
        Ok(rules::estimated_price_book(&same, &currency))
    }

    /// Saves the price book (ranks follow the order given); field errors save nothing.
    pub async fn save_price_book(&self, book: &PriceBook) -> Result<PriceBookSaved> {
        let errors = rules::check_price_book(book);
        if !errors.is_empty() {
            return Ok(PriceBookSaved { errors, view: None });
        }
        let mut book = book.clone();
        book.estimated = false;
        for (i, t) in book.tiers.iter_mut().enumerate() {
            t.tier = t.tier.trim().to_string();
            t.rank = i as i64;
        }
        let json = serde_json::to_string(&book)
            .map_err(|e| Error::Storage(format!("the price book did not encode: {e}")))?;
        self.store.set_meta(META_PRICE_BOOK, &json).await?;
        Ok(PriceBookSaved {
            errors: Vec::new(),
            view: Some(self.expansion().await?),
        })
    }

    /// The book's expansion opportunities as of today.
    pub async fn expansion(&self) -> Result<ExpansionView> {
        let today = self.today();
        let (facts, price_book) =
            tokio::try_join!(self.store.expansion_facts(today), self.price_book())?;
        let (opportunities, unpriced_tiers) = rules::opportunities(&facts, &price_book, today);
        let mut view = ExpansionView {
            as_of: today,
            open_value: 0.0,
            handed: 0,
            won_value: 0.0,
            price_book,
            unpriced_tiers,
            opportunities,
        };
        for o in &view.opportunities {
            match &o.state {
                OpportunityState::Open => view.open_value += o.estimated_value,
                OpportunityState::Handed { .. } => view.handed += 1,
                OpportunityState::Won { amount, .. } => view.won_value += amount,
                OpportunityState::InPipeline { .. } => {}
            }
        }
        Ok(view)
    }

    /// Hands the account's open opportunity to sales: a sales task (in My tasks' book and, for a
    /// CRM account, queued once for the CRM) and a record of what was estimated and why.
    pub async fn hand_off(&self, account_id: i64) -> Result<HandedOff> {
        let today = self.today();
        let view = self.expansion().await?;
        let Some(o) = view
            .opportunities
            .iter()
            .find(|o| o.account_id == account_id)
        else {
            return Err(Error::InvalidInput(
                "This account shows no expansion signal today: there is nothing to hand over."
                    .into(),
            ));
        };
        match &o.state {
            OpportunityState::Open => {}
            OpportunityState::InPipeline { .. } => {
                return Err(Error::InvalidInput(
                    "Sales has an open expansion deal for this account already.".into(),
                ))
            }
            OpportunityState::Handed { handoff } | OpportunityState::Won { handoff, .. } => {
                return Err(Error::InvalidInput(format!(
                    "This opportunity was handed to sales on {} already.",
                    handoff.handed_on
                )))
            }
        }
        let by = user_name();
        let (title, description) = rules::handoff_task(o, &by);
        let due_on = rules::handoff_due(today);
        let target = self.store.account_target(account_id).await?;
        let payload = target
            .connection_id
            .filter(|_| matches!(target.crm.as_str(), "hubspot" | "salesforce"))
            .map(|connection| {
                let p = crate::playbooks::task_payload(
                    &crate::playbooks::Escalation {
                        title: &title,
                        description: &description,
                        team: Team::Sales,
                        owner: "",
                        due_on: Some(due_on),
                        account: &o.account,
                        playbook: None,
                        reason: None,
                        sent_by: &by,
                        account_crm_id: &target.crm_id,
                        // Left unassigned: the sales team's queue picks it up.
                        owner_crm_id: None,
                    },
                    today,
                    &self.clock,
                );
                (connection, super::capture::new_key(), p)
            });
        let evidence: Vec<&str> = o.signals.iter().map(|s| s.text.as_str()).collect();
        let (task_id, outbox_id) = self
            .store
            .hand_off(&NewHandoff {
                account_id,
                kind: o.kind,
                seats: o.seats_to_add,
                estimated_value: o.estimated_value,
                currency: &o.currency,
                evidence: &evidence.join("\n"),
                title: &title,
                description: &description,
                due_on,
                by: &by,
                today,
                now: self.clock.now(),
                open_since: today - chrono::Duration::days(rules::HANDOFF_DAYS),
                crm: payload.as_ref().map(|(c, k, p)| (*c, k.clone(), p)),
            })
            .await?;
        let message = match outbox_id {
            Some(_) => format!("Handed to sales: a task for {} is on its way to the CRM.", o.account),
            None => format!(
                "Handed to sales: the task is in My tasks ({} is not in a CRM, so nothing is sent).",
                o.account
            ),
        };
        Ok(HandedOff {
            task_id,
            outbox_id,
            message,
            view: self.expansion().await?,
        })
    }
}

#[cfg(test)]
#[path = "expansion_tests.rs"]
mod tests;
