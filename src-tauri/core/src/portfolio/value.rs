//! Value realization across the book for the app: time-to-value by contract-start cohort, the
//! cut against a year earlier, and the accounts still waiting for first value.

use super::Rapport;
use crate::charts::{ttv_svg, ChartTheme};
use crate::domain::risk::RuleId;
use crate::domain::value::TtvView;
use crate::error::Result;
use crate::kpi;

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
