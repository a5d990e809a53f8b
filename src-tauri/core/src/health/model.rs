//! The health model of DESIGN §4: measures, profiles and the weighted composite. Pure.

use chrono::NaiveDate;

use super::bands::interpolate;
use crate::domain::health::*;

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
