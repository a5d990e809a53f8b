//! Health inputs computed from a generated account's in-memory history, for backfilled snapshots.
//! Same definitions as the store's aggregates (`store::health`); a test holds the two equal.

use chrono::{Duration, NaiveDate};

use crate::domain::Account;
use crate::health::{
    HealthInputs, SupportFacts, SurveyFacts, UsageFacts, SURVEY_WINDOW_DAYS, USAGE_WINDOW_DAYS,
};

/// One account's generated history, sorted by date.
#[derive(Debug, Clone, Default)]
pub struct AccountHistory {
    pub account: Account,
    /// `(day, active users)` ascending.
    pub usage: Vec<(NaiveDate, i64)>,
    /// Days of two-way touches, ascending.
    pub two_way: Vec<NaiveDate>,
    /// `(opened, closed, high priority)`.
    pub tickets: Vec<(NaiveDate, Option<NaiveDate>, bool)>,
    /// `(day, kind, score)` with kind `nps`, `csat` or `ces`, ascending.
    pub surveys: Vec<(NaiveDate, &'static str, i64)>,
    /// `(day, value)` ascending.
    pub sentiment: Vec<(NaiveDate, i64)>,
}

impl AccountHistory {
    /// Health inputs on day `at`, seeing only data dated on or before `at`.
    pub fn inputs_at(&self, at: NaiveDate) -> HealthInputs {
        HealthInputs {
            account_id: self.account.id,
            at,
            segment: self.account.segment.clone(),
            contract_start: self.account.contract_start,
            // Current seats at every date, as in the store, which keeps no seat history.
            seats_purchased: self.account.seats_purchased,
            usage: self.usage_at(at),
            last_two_way_touch: last_on_or_before(&self.two_way, at),
            support: self.support_at(at),
            surveys: self.surveys_at(at),
            sentiment: self
                .sentiment
                .iter()
                .rev()
                .find(|(d, _)| *d <= at)
                .map(|(d, v)| (*v, *d)),
        }
    }

    fn usage_at(&self, at: NaiveDate) -> Option<UsageFacts> {
        let end = self.usage.partition_point(|(d, _)| *d <= at);
        let rows = &self.usage[..end];
        let last_day = rows.last()?.0;
        let w = Duration::days(USAGE_WINDOW_DAYS);
        let sum = |from: NaiveDate, to: NaiveDate| {
            rows.iter()
                .filter(|(d, _)| *d > from && *d <= to)
                .fold((0.0, 0i64), |(s, n), (_, a)| (s + *a as f64, n + 1))
        };
        let (s7, n7) = sum(last_day - Duration::days(7), last_day);
        let (s30, n30) = sum(last_day - w, last_day);
        let (sp, np) = sum(last_day - w - w, last_day - w);
        Some(UsageFacts {
            last_day,
            active_avg_7: s7 / n7.max(1) as f64,
            sum_30: s30,
            sum_prev_30: sp,
            days_30: n30,
            days_prev_30: np,
        })
    }

    fn support_at(&self, at: NaiveDate) -> SupportFacts {
        let w = Duration::days(USAGE_WINDOW_DAYS);
        let mut f = SupportFacts::default();
        for (opened, closed, high) in &self.tickets {
            if *opened > at {
                continue;
            }
            if *high && closed.is_none_or(|c| c > at) {
                f.open_high += 1;
            }
            if *opened > at - w {
                f.opened_30 += 1;
            } else if *opened > at - w - w {
                f.opened_prev_30 += 1;
            }
        }
        f
    }

    fn surveys_at(&self, at: NaiveDate) -> Option<SurveyFacts> {
        let from = at - Duration::days(SURVEY_WINDOW_DAYS);
        let (mut nps, mut nn, mut csat, mut nc, mut latest) = (0.0, 0i64, 0.0, 0i64, None);
        for (d, kind, score) in &self.surveys {
            if *d <= from || *d > at {
                continue;
            }
            match *kind {
                "nps" => {
                    nps += *score as f64;
                    nn += 1;
                }
                "csat" => {
                    csat += *score as f64;
                    nc += 1;
                }
                _ => continue,
            }
            latest = latest.max(Some(*d));
        }
        Some(SurveyFacts {
            nps_avg: (nn > 0).then(|| nps / nn as f64),
            nps_count: nn,
            csat_avg: (nc > 0).then(|| csat / nc as f64),
            csat_count: nc,
            latest: latest?,
        })
    }
}

fn last_on_or_before(days: &[NaiveDate], at: NaiveDate) -> Option<NaiveDate> {
    let end = days.partition_point(|d| *d <= at);
    end.checked_sub(1).map(|i| days[i])
}
