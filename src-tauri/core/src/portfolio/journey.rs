//! The customer journey for the app: the book's flows, time per stage, friction and stalled
//! accounts over a period, an account's stage history, and the handoff checklists.

use chrono::{Duration, NaiveDate};

use super::Rapport;
use crate::charts::{journey_svg, ChartTheme};
use crate::domain::journey::{AccountJourney, HandoffView, JourneyView};
use crate::error::{Error, Result};
use crate::lifecycle::{handoff, journey};
use crate::risk::rules::stage_expectations;

/// The period the journey view opens on: the last year.
pub const DEFAULT_PERIOD_DAYS: i64 = 365;

fn flag(mut hs: Vec<HandoffView>, today: NaiveDate) -> Vec<HandoffView> {
    for h in &mut hs {
        h.overdue = handoff::overdue(h, today);
    }
    hs
}

impl Rapport {
    /// The journey from `from` to `to` (by default the year to today).
    pub async fn journey(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<JourneyView> {
        let today = self.today();
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(DEFAULT_PERIOD_DAYS));
        if from >= to {
            return Err(Error::InvalidInput(
                "The period must start before it ends.".into(),
            ));
        }
        let (facts, rules, open) = tokio::try_join!(
            self.store.journey_facts(),
            self.rule_set(),
            self.store.handoffs(None)
        )?;
        let exp = stage_expectations(&rules);
        let j = journey::journey(&facts, from, to, today, &exp);
        let mut handoffs = flag(open, today);
        // The late ones first, then by due day.
        handoffs.sort_by_key(|h| (!h.overdue, h.due_on, h.id));
        Ok(JourneyView {
            from,
            to,
            expectations: exp,
            as_of: facts
                .iter()
                .filter_map(|f| f.history.last().map(|(_, d)| *d))
                .filter(|d| *d <= today)
                .max(),
            chart_svg: journey_svg(&j.mix, ChartTheme::Light)?,
            chart_svg_dark: journey_svg(&j.mix, ChartTheme::Dark)?,
            stages: j.stages,
            flows: j.flows,
            stalled: j.stalled,
            renewals: j.renewals,
            mix: j.mix,
            handoffs,
        })
    }

    /// One account's stays in each stage and its checklists.
    pub async fn account_journey(&self, account_id: i64) -> Result<AccountJourney> {
        let today = self.today();
        let (history, rules, hs) = tokio::try_join!(
            self.store.stage_history(account_id),
            self.rule_set(),
            self.store.handoffs(Some(account_id))
        )?;
        Ok(AccountJourney {
            stays: journey::stays(&history, today, &stage_expectations(&rules)),
            handoffs: flag(hs, today),
        })
    }

    /// Ticks a checklist item off today, or back on; returns the account's journey as it now is.
    pub async fn set_handoff_item(&self, item_id: i64, done: bool) -> Result<AccountJourney> {
        let account = self
            .store
            .set_handoff_item(item_id, done.then(|| self.today()))
            .await?;
        self.account_journey(account).await
    }
}
