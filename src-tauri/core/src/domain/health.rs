//! The health model's types (DESIGN §4): measures, profiles, the inputs a score is computed
//! from, its components, bands and stored snapshots. Scoring itself lives in `crate::health`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Health band of a 0–100 score: 0–50 red, 51–75 yellow, 76–100 green (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    Red,
    Yellow,
    Green,
}

impl Band {
    /// Band of a score; the score is rounded to a whole point first.
    pub fn of(score: f64) -> Band {
        let s = score.round();
        if s <= 50.0 {
            Band::Red
        } else if s <= 75.0 {
            Band::Yellow
        } else {
            Band::Green
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Red => "red",
            Band::Yellow => "yellow",
            Band::Green => "green",
        }
    }
    pub fn parse(s: &str) -> Option<Band> {
        match s {
            "red" => Some(Band::Red),
            "yellow" => Some(Band::Yellow),
            "green" => Some(Band::Green),
            _ => None,
        }
    }
}

/// Version of the default weights and bands; stored with every snapshot.
pub const MODEL_VERSION: &str = "2026.1";

/// One input of the health score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    SeatUtilisation,
    UsageTrend,
    Engagement,
    Support,
    Satisfaction,
    Sentiment,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::SeatUtilisation,
        Measure::UsageTrend,
        Measure::Engagement,
        Measure::Support,
        Measure::Satisfaction,
        Measure::Sentiment,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Measure::SeatUtilisation => "Seat utilisation",
            Measure::UsageTrend => "Usage trend (30 d)",
            Measure::Engagement => "Engagement recency",
            Measure::Support => "Support",
            Measure::Satisfaction => "NPS / CSAT",
            Measure::Sentiment => "AM sentiment",
        }
    }
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|m| *m == self).unwrap_or(0)
    }
}

/// A weighting of the measures for one kind of account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    pub id: &'static str,
    pub name: &'static str,
    /// Weights in the order of [`Measure::ALL`].
    pub weights: [f64; 6],
}

pub const STANDARD: Profile = Profile {
    id: "standard",
    name: "Standard",
    weights: [25.0, 20.0, 15.0, 15.0, 15.0, 10.0],
};
/// Enterprise accounts live on relationships: engagement weighs more, raw usage less.
pub const ENTERPRISE: Profile = Profile {
    id: "enterprise",
    name: "Enterprise",
    weights: [20.0, 15.0, 25.0, 15.0, 15.0, 10.0],
};
/// First 90 days after contract start: seats are still ramping, so growth and contact matter more.
pub const ONBOARDING: Profile = Profile {
    id: "onboarding",
    name: "Onboarding (first 90 days)",
    weights: [15.0, 25.0, 25.0, 15.0, 10.0, 10.0],
};

pub const ONBOARDING_DAYS: i64 = 90;

/// Profile for an account on a given day.
pub fn profile_for(segment: &str, contract_start: NaiveDate, at: NaiveDate) -> Profile {
    if (at - contract_start).num_days() < ONBOARDING_DAYS {
        ONBOARDING
    } else if segment.eq_ignore_ascii_case("enterprise") {
        ENTERPRISE
    } else {
        STANDARD
    }
}

/// Product usage over windows ending on the scoring day, or on the day the usage source last
/// reported when that is earlier (then the figures are stale by that many days).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageFacts {
    /// The first day usage was expected within the 60 days the windows span: the account's
    /// first usage day, or the span's first day when usage began before it.
    pub expected_from: NaiveDate,
    /// The account's latest day with a usage row.
    pub last_day: NaiveDate,
    /// The last day the account's usage source reported for any account: the windows end here
    /// (or on the scoring day, if earlier). Days after the account's last row count as zero.
    pub feed_day: NaiveDate,
    /// Mean active users over the 7 days ending on `feed_day` (days without a row count as 0).
    pub active_avg_7: f64,
    /// Sum of active users over the 30 days ending on `feed_day`, and over the 30 days before.
    pub sum_30: f64,
    pub sum_prev_30: f64,
    /// Days in each window on which usage was expected (on or after `expected_from`).
    pub days_30: i64,
    pub days_prev_30: i64,
}

impl UsageFacts {
    /// The facts from an account's usage sums over windows ending on `feed_day` (capped at the
    /// scoring day `at`): days before `first_day` are not expected to have usage, days after
    /// `last_day` are zero. Any `first_day` before the 60-day span gives the same facts.
    pub fn from_sums(
        first_day: NaiveDate,
        last_day: NaiveDate,
        feed_day: NaiveDate,
        at: NaiveDate,
        sum_7: f64,
        sum_30: f64,
        sum_prev_30: f64,
    ) -> UsageFacts {
        let end = feed_day.min(at);
        let expected_from = first_day.max(end - chrono::Duration::days(2 * USAGE_WINDOW_DAYS - 1));
        // Days in (end − to, end − from] on or after `expected_from`.
        let expected = |from: i64, to: i64| -> i64 {
            let lo = (end - chrono::Duration::days(to - 1)).max(expected_from);
            let hi = end - chrono::Duration::days(from);
            ((hi - lo).num_days() + 1).clamp(0, to - from)
        };
        UsageFacts {
            expected_from,
            last_day,
            feed_day: end,
            active_avg_7: sum_7 / expected(0, 7).max(1) as f64,
            sum_30,
            sum_prev_30,
            days_30: expected(0, 30),
            days_prev_30: expected(30, 60),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SupportFacts {
    /// Open tickets of priority high or urgent.
    pub open_high: i64,
    /// Tickets opened in the last 30 days, and in the 30 days before.
    pub opened_30: i64,
    pub opened_prev_30: i64,
    /// The newest day a ticket was opened or closed; `None`: no ticket on record, so support
    /// says nothing about the account.
    pub latest: Option<NaiveDate>,
}

/// NPS and CSAT answers of the last 180 days, as DESIGN §4 counts them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyFacts {
    /// NPS answers: promoters (9–10), detractors (0–6), all.
    pub nps_promoters: i64,
    pub nps_detractors: i64,
    pub nps_count: i64,
    /// CSAT answers: satisfied (4–5), all.
    pub csat_satisfied: i64,
    pub csat_count: i64,
    pub latest: NaiveDate,
}

/// A champion or executive sponsor who left the company.
#[derive(Debug, Clone, PartialEq)]
pub struct Departure {
    pub name: String,
    /// Champion (else executive sponsor).
    pub champion: bool,
    pub on: NaiveDate,
}

/// Who carries the relationship on the client's side.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelationshipFacts {
    /// Champions and executive sponsors still at the company.
    pub champions: i64,
    pub sponsors: i64,
    /// The latest champion or sponsor who left in the last [`DEPARTURE_DAYS`].
    pub departed: Option<Departure>,
}

/// How long a champion's or sponsor's departure weighs on engagement.
pub const DEPARTURE_DAYS: i64 = 90;

/// Everything the score needs about one account on one day, already aggregated.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthInputs {
    pub account_id: i64,
    pub at: NaiveDate,
    pub segment: String,
    pub contract_start: NaiveDate,
    pub seats_purchased: i64,
    pub usage: Option<UsageFacts>,
    pub last_two_way_touch: Option<NaiveDate>,
    pub relationship: RelationshipFacts,
    pub support: SupportFacts,
    pub surveys: Option<SurveyFacts>,
    /// The AM's latest sentiment (1–5) and the day it was set.
    pub sentiment: Option<(i64, NaiveDate)>,
}

/// Window lengths used by the aggregators.
pub const USAGE_WINDOW_DAYS: i64 = 30;
pub const SURVEY_WINDOW_DAYS: i64 = 180;

/// One measure's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Component {
    pub measure: Measure,
    pub label: String,
    /// The raw input in its own unit (a ratio, days, a count, a mean score), when there is one.
    pub raw: Option<f64>,
    /// The raw input said in words, e.g. "62 of 100 seats active (62 %)".
    pub raw_text: String,
    /// 0–100, absent when the input is missing.
    pub score: Option<f64>,
    /// The profile's weight, and the weight after staleness decay (0 when missing).
    pub weight: f64,
    pub effective_weight: f64,
    /// Share of the composite (effective weight ÷ sum of effective weights).
    pub share: f64,
    /// Points this measure adds to the composite; the contributions sum to the score.
    pub contribution: f64,
    /// Day of the newest data behind the input and its age in days on the scoring day.
    pub input_on: Option<NaiveDate>,
    pub age_days: Option<i64>,
    pub missing: bool,
    /// The input is old enough to have lost weight (the UI's "stale" tag).
    pub stale: bool,
}

/// A stored daily score of one account with its components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub account_id: i64,
    pub day: NaiveDate,
    pub score: Option<i64>,
    pub band: Option<Band>,
    pub profile: String,
    pub profile_name: String,
    pub model_version: String,
    pub components: Vec<Component>,
}
