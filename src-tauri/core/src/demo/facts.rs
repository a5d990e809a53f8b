//! Health inputs computed from a generated account's in-memory history, for backfilled snapshots.
//! Same definitions as the store's aggregates (`store::health`); a test holds the two equal.

use chrono::{Duration, NaiveDate};

use crate::domain::Account;
use crate::health::{
    Departure, HealthInputs, RelationshipFacts, SupportFacts, SurveyFacts, UsageFacts,
    DEPARTURE_DAYS, SURVEY_WINDOW_DAYS, USAGE_WINDOW_DAYS,
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
    /// Champions and sponsors: `(name, champion, sponsor, left on)`.
    pub people: Vec<(String, bool, bool, Option<NaiveDate>)>,
    /// The last day the demo's usage source reports (the day before the demo's today).
    pub feed_end: NaiveDate,
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
            relationship: self.relationship_at(at),
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

    /// Usage on day `at`; the demo's usage source reports every day up to `feed_end`.
    fn usage_at(&self, at: NaiveDate) -> Option<UsageFacts> {
        let end = self.usage.partition_point(|(d, _)| *d <= at);
        let rows = &self.usage[..end];
        let (first_day, last_day) = (self.usage.first()?.0, rows.last()?.0);
        let feed = at.min(self.feed_end);
        let w = Duration::days(USAGE_WINDOW_DAYS);
        let sum = |from: NaiveDate, to: NaiveDate| {
            rows.iter()
                .filter(|(d, _)| *d > from && *d <= to)
                .map(|(_, a)| *a as f64)
                .sum::<f64>()
        };
        Some(UsageFacts::from_sums(
            first_day,
            last_day,
            feed,
            at,
            sum(feed - Duration::days(7), feed),
            sum(feed - w, feed),
            sum(feed - w - w, feed - w),
        ))
    }

    fn relationship_at(&self, at: NaiveDate) -> RelationshipFacts {
        let here = |left: &Option<NaiveDate>| left.is_none_or(|l| l > at);
        let mut f = RelationshipFacts {
            champions: self.people.iter().filter(|p| p.1 && here(&p.3)).count() as i64,
            sponsors: self.people.iter().filter(|p| p.2 && here(&p.3)).count() as i64,
            departed: None,
        };
        let mut gone: Vec<_> = self
            .people
            .iter()
            .filter_map(|(name, champion, _, left)| {
                left.filter(|l| *l <= at && *l > at - Duration::days(DEPARTURE_DAYS))
                    .map(|on| (on, *champion, name))
            })
            .collect();
        gone.sort();
        f.departed = gone.last().map(|(on, champion, name)| Departure {
            name: name.to_string(),
            champion: *champion,
            on: *on,
        });
        f
    }

    fn support_at(&self, at: NaiveDate) -> SupportFacts {
        let w = Duration::days(USAGE_WINDOW_DAYS);
        let mut f = SupportFacts::default();
        for (opened, closed, high) in &self.tickets {
            if *opened > at {
                continue;
            }
            f.latest = f.latest.max(Some(*opened)).max(closed.filter(|c| *c <= at));
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
        let mut f = SurveyFacts {
            nps_promoters: 0,
            nps_detractors: 0,
            nps_count: 0,
            csat_satisfied: 0,
            csat_count: 0,
            latest: NaiveDate::MIN,
        };
        let mut any = false;
        for (d, kind, score) in &self.surveys {
            if *d <= from || *d > at {
                continue;
            }
            match *kind {
                "nps" => {
                    f.nps_count += 1;
                    f.nps_promoters += (*score >= 9) as i64;
                    f.nps_detractors += (*score <= 6) as i64;
                }
                "csat" => {
                    f.csat_count += 1;
                    f.csat_satisfied += (*score >= 4) as i64;
                }
                _ => continue,
            }
            any = true;
            f.latest = f.latest.max(*d);
        }
        any.then_some(f)
    }
}

fn last_on_or_before(days: &[NaiveDate], at: NaiveDate) -> Option<NaiveDate> {
    let end = days.partition_point(|d| *d <= at);
    end.checked_sub(1).map(|i| days[i])
}
