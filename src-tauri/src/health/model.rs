//! The health model of DESIGN §4: measures, profiles and the weighted composite. Pure.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::bands::{interpolate, Band};

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

/// Product usage around the latest usage day on or before the scoring day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UsageFacts {
    pub last_day: NaiveDate,
    /// Mean active users over the 7 days ending on `last_day` (days without a row count as 0).
    pub active_avg_7: f64,
    /// Sum of active users over the 30 days ending on `last_day`, and over the 30 days before.
    pub sum_30: f64,
    pub sum_prev_30: f64,
    /// Number of days with a usage row in each window.
    pub days_30: i64,
    pub days_prev_30: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SupportFacts {
    /// Open tickets of priority high or urgent.
    pub open_high: i64,
    /// Tickets opened in the last 30 days, and in the 30 days before.
    pub opened_30: i64,
    pub opened_prev_30: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SurveyFacts {
    /// Mean NPS (0–10) and CSAT (1–5) scores over the last 180 days.
    pub nps_avg: Option<f64>,
    pub nps_count: i64,
    pub csat_avg: Option<f64>,
    pub csat_count: i64,
    pub latest: NaiveDate,
}

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
    pub support: SupportFacts,
    pub surveys: Option<SurveyFacts>,
    /// The AM's latest sentiment (1–5) and the day it was set.
    pub sentiment: Option<(i64, NaiveDate)>,
}

/// Window lengths used by the aggregators.
pub const USAGE_WINDOW_DAYS: i64 = 30;
pub const SURVEY_WINDOW_DAYS: i64 = 180;
/// Minimum days with data in each 30-day window before a trend is trusted.
pub const MIN_TREND_DAYS: i64 = 14;

const SEAT_POINTS: [(f64, f64); 4] = [(0.0, 0.0), (0.5, 51.0), (0.8, 76.0), (1.0, 100.0)];
const TREND_POINTS: [(f64, f64); 4] = [(-0.5, 0.0), (-0.2, 50.0), (-0.05, 76.0), (0.10, 100.0)];
const RECENCY_POINTS: [(f64, f64); 4] = [(0.0, 100.0), (14.0, 76.0), (30.0, 51.0), (60.0, 0.0)];
const OPEN_HIGH_POINTS: [(f64, f64); 4] = [(0.0, 100.0), (1.0, 70.0), (2.0, 45.0), (4.0, 0.0)];
const NPS_POINTS: [(f64, f64); 6] = [
    (0.0, 0.0),
    (6.0, 50.0),
    (7.0, 60.0),
    (8.0, 75.0),
    (9.0, 90.0),
    (10.0, 100.0),
];
const CSAT_POINTS: [(f64, f64); 5] = [
    (1.0, 0.0),
    (2.0, 25.0),
    (3.0, 50.0),
    (4.0, 80.0),
    (5.0, 100.0),
];
const SENTIMENT_POINTS: [(f64, f64); 5] = [
    (1.0, 0.0),
    (2.0, 30.0),
    (3.0, 60.0),
    (4.0, 80.0),
    (5.0, 100.0),
];
/// Points taken off the support score per extra ticket opened versus the previous 30 days.
const TICKET_RISE_PENALTY: f64 = 5.0;
const TICKET_RISE_MAX_PENALTY: f64 = 25.0;
/// Sentiment keeps full weight for 30 days, then loses it linearly until day 90.
const SENTIMENT_FRESH_DAYS: i64 = 30;
const SENTIMENT_STALE_DAYS: i64 = 90;

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
}

/// A composite score with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthScore {
    pub account_id: i64,
    pub at: NaiveDate,
    /// Unrounded composite; `None` when no measure has data.
    pub score: Option<f64>,
    pub profile: Profile,
    pub components: Vec<Component>,
}

impl HealthScore {
    pub fn rounded(&self) -> Option<i64> {
        self.score.map(|s| s.round() as i64)
    }
    pub fn band(&self) -> Option<Band> {
        self.score.map(Band::of)
    }
}

struct Raw {
    value: Option<f64>,
    text: String,
    score: Option<f64>,
    input_on: Option<NaiveDate>,
    decay: f64,
}

impl Raw {
    fn missing(text: &str) -> Raw {
        Raw {
            value: None,
            text: text.to_string(),
            score: None,
            input_on: None,
            decay: 1.0,
        }
    }
}

fn seat_utilisation(i: &HealthInputs) -> Raw {
    match i.usage {
        Some(u) if i.seats_purchased > 0 => {
            let ratio = u.active_avg_7 / i.seats_purchased as f64;
            Raw {
                value: Some(ratio),
                text: format!(
                    "{:.0} of {} seats active ({:.0} %)",
                    u.active_avg_7,
                    i.seats_purchased,
                    ratio * 100.0
                ),
                score: Some(interpolate(&SEAT_POINTS, ratio)),
                input_on: Some(u.last_day),
                decay: 1.0,
            }
        }
        Some(_) => Raw::missing("No seats on the contract"),
        None => Raw::missing("No usage data"),
    }
}

fn usage_trend(i: &HealthInputs) -> Raw {
    let Some(u) = i.usage else {
        return Raw::missing("No usage data");
    };
    if u.days_30 < MIN_TREND_DAYS || u.days_prev_30 < MIN_TREND_DAYS || u.sum_prev_30 <= 0.0 {
        return Raw {
            input_on: Some(u.last_day),
            ..Raw::missing("Less than two months of usage")
        };
    }
    let recent = u.sum_30 / u.days_30 as f64;
    let before = u.sum_prev_30 / u.days_prev_30 as f64;
    let change = recent / before - 1.0;
    Raw {
        value: Some(change),
        text: format!(
            "{:+.0} % active users vs previous 30 days ({:.0} → {:.0} a day)",
            change * 100.0,
            before,
            recent
        ),
        score: Some(interpolate(&TREND_POINTS, change)),
        input_on: Some(u.last_day),
        decay: 1.0,
    }
}

fn engagement(i: &HealthInputs) -> Raw {
    match i.last_two_way_touch {
        Some(d) => {
            let days = (i.at - d).num_days().max(0) as f64;
            Raw {
                value: Some(days),
                text: format!("Last two-way touch {days:.0} days ago"),
                score: Some(interpolate(&RECENCY_POINTS, days)),
                input_on: Some(d),
                decay: 1.0,
            }
        }
        None => Raw::missing("No two-way touch on record"),
    }
}

fn support(i: &HealthInputs) -> Raw {
    let s = i.support;
    let rise = (s.opened_30 - s.opened_prev_30).max(0) as f64;
    let penalty = (rise * TICKET_RISE_PENALTY).min(TICKET_RISE_MAX_PENALTY);
    let score = (interpolate(&OPEN_HIGH_POINTS, s.open_high as f64) - penalty).max(0.0);
    Raw {
        value: Some(s.open_high as f64),
        text: format!(
            "{} open high-priority, {} opened in 30 days ({} the 30 before)",
            s.open_high, s.opened_30, s.opened_prev_30
        ),
        score: Some(score),
        input_on: Some(i.at),
        decay: 1.0,
    }
}

fn satisfaction(i: &HealthInputs) -> Raw {
    let Some(s) = i.surveys else {
        return Raw::missing("No NPS or CSAT response in 180 days");
    };
    let nps = s.nps_avg.map(|v| interpolate(&NPS_POINTS, v));
    let csat = s.csat_avg.map(|v| interpolate(&CSAT_POINTS, v));
    let (score, value) = match (nps, csat) {
        (Some(n), Some(c)) => (Some((n + c) / 2.0), s.nps_avg),
        (Some(n), None) => (Some(n), s.nps_avg),
        (None, Some(c)) => (Some(c), s.csat_avg),
        (None, None) => (None, None),
    };
    let mut parts = Vec::new();
    if let Some(v) = s.nps_avg {
        parts.push(format!("NPS mean {v:.1}/10 ({} responses)", s.nps_count));
    }
    if let Some(v) = s.csat_avg {
        parts.push(format!("CSAT mean {v:.1}/5 ({} responses)", s.csat_count));
    }
    Raw {
        value,
        text: parts.join(", "),
        score,
        input_on: Some(s.latest),
        decay: 1.0,
    }
}

fn sentiment(i: &HealthInputs) -> Raw {
    let Some((value, on)) = i.sentiment else {
        return Raw::missing("The AM has not rated this account");
    };
    let age = (i.at - on).num_days().max(0);
    let decay = if age <= SENTIMENT_FRESH_DAYS {
        1.0
    } else {
        ((SENTIMENT_STALE_DAYS - age) as f64 / (SENTIMENT_STALE_DAYS - SENTIMENT_FRESH_DAYS) as f64)
            .max(0.0)
    };
    let label = match value {
        1 => "very negative",
        2 => "negative",
        3 => "neutral",
        4 => "positive",
        _ => "very positive",
    };
    Raw {
        value: Some(value as f64),
        text: if decay < 1.0 {
            format!("{value}/5 ({label}), {age} days old: weight decays after 30 days")
        } else {
            format!("{value}/5 ({label})")
        },
        score: Some(interpolate(&SENTIMENT_POINTS, value as f64)),
        input_on: Some(on),
        decay,
    }
}

/// Scores one account: Σ wᵢ·sᵢ / Σ wᵢ over the measures with data.
pub fn score(inputs: &HealthInputs) -> HealthScore {
    let profile = profile_for(&inputs.segment, inputs.contract_start, inputs.at);
    let raws = [
        seat_utilisation(inputs),
        usage_trend(inputs),
        engagement(inputs),
        support(inputs),
        satisfaction(inputs),
        sentiment(inputs),
    ];
    let eff: Vec<f64> = raws
        .iter()
        .zip(profile.weights)
        .map(|(r, w)| if r.score.is_some() { w * r.decay } else { 0.0 })
        .collect();
    let total: f64 = eff.iter().sum();
    let components: Vec<Component> = Measure::ALL
        .iter()
        .zip(raws)
        .zip(profile.weights.iter().zip(&eff))
        .map(|((m, r), (w, e))| {
            let share = if total > 0.0 { e / total } else { 0.0 };
            Component {
                measure: *m,
                label: m.label().to_string(),
                raw: r.value,
                raw_text: r.text,
                score: r.score,
                weight: *w,
                effective_weight: *e,
                share,
                contribution: r.score.map_or(0.0, |s| s * share),
                age_days: r.input_on.map(|d| (inputs.at - d).num_days().max(0)),
                input_on: r.input_on,
                missing: r.score.is_none(),
            }
        })
        .collect();
    let score = (total > 0.0).then(|| components.iter().map(|c| c.contribution).sum());
    HealthScore {
        account_id: inputs.account_id,
        at: inputs.at,
        score,
        profile,
        components,
    }
}
