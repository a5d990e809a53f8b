//! The health model of DESIGN §4: measures, profiles and the weighted composite. Pure.

use chrono::NaiveDate;

use super::bands::interpolate;
use crate::domain::health::*;

const SEAT_POINTS: [(f64, f64); 4] = [(0.0, 0.0), (0.5, 51.0), (0.8, 76.0), (1.0, 100.0)];
const TREND_POINTS: [(f64, f64); 4] = [(-0.5, 0.0), (-0.2, 50.0), (-0.05, 76.0), (0.10, 100.0)];
const RECENCY_POINTS: [(f64, f64); 4] = [(0.0, 100.0), (14.0, 76.0), (30.0, 51.0), (60.0, 0.0)];
const OPEN_HIGH_POINTS: [(f64, f64); 4] = [(0.0, 100.0), (1.0, 70.0), (2.0, 45.0), (4.0, 0.0)];
/// NPS (% promoters − % detractors, −100..100): more detractors than promoters is red, up to
/// +30 yellow, the seed target of +50 well into green.
const NPS_POINTS: [(f64, f64); 5] = [
    (-100.0, 0.0),
    (-30.0, 30.0),
    (0.0, 60.0),
    (30.0, 80.0),
    (60.0, 100.0),
];
/// CSAT (share of 4–5 answers): the seed target of 90 % scores 85.
const CSAT_POINTS: [(f64, f64); 5] = [
    (0.0, 0.0),
    (0.5, 40.0),
    (0.75, 65.0),
    (0.9, 85.0),
    (1.0, 100.0),
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
/// Usage figures keep full weight for a week after the source last reported, then lose it
/// linearly until day 30: a feed that stopped must not look current.
pub const USAGE_FRESH_DAYS: i64 = 7;
pub const USAGE_STALE_DAYS: i64 = 30;
/// Minimum days of expected usage in each 30-day window before a trend is trusted.
pub const MIN_TREND_DAYS: i64 = 14;
/// Engagement can be no better than "concerning" while a departed champion or sponsor has no
/// successor in that role.
const DEPARTURE_CAP: f64 = 50.0;
/// Minimum evidence for a score: at least this many measures with data, carrying at least this
/// share of the profile's weight. Below it the account is not scored (never green by default).
pub const MIN_EVIDENCE_MEASURES: usize = 2;
pub const MIN_EVIDENCE_COVERAGE: f64 = 0.4;

/// A composite score with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthScore {
    pub account_id: i64,
    pub at: NaiveDate,
    /// Unrounded composite; `None` below the minimum evidence.
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

/// Weight left after `age` days: full until `fresh`, then linearly to none at `stale`.
fn decay(age: i64, fresh: i64, stale: i64) -> f64 {
    if age <= fresh {
        1.0
    } else {
        ((stale - age) as f64 / (stale - fresh) as f64).max(0.0)
    }
}

/// The day usage windows end: the scoring day, or the source's last report when earlier.
fn usage_end(i: &HealthInputs, u: &UsageFacts) -> NaiveDate {
    u.feed_day.min(i.at)
}

fn usage_age_note(i: &HealthInputs, u: &UsageFacts) -> String {
    let age = (i.at - usage_end(i, u)).num_days();
    if age > USAGE_FRESH_DAYS {
        format!("; usage last reported {age} days ago, so it weighs less")
    } else {
        String::new()
    }
}

fn seat_utilisation(i: &HealthInputs) -> Raw {
    match i.usage {
        Some(u) if i.seats_purchased > 0 => {
            let ratio = u.active_avg_7 / i.seats_purchased as f64;
            let end = usage_end(i, &u);
            Raw {
                value: Some(ratio),
                text: format!(
                    "{:.0} of {} seats active ({:.0} %){}",
                    u.active_avg_7,
                    i.seats_purchased,
                    ratio * 100.0,
                    usage_age_note(i, &u)
                ),
                score: Some(interpolate(&SEAT_POINTS, ratio)),
                input_on: Some(end),
                decay: decay((i.at - end).num_days(), USAGE_FRESH_DAYS, USAGE_STALE_DAYS),
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
    let end = usage_end(i, &u);
    if u.days_30 < MIN_TREND_DAYS || u.days_prev_30 < MIN_TREND_DAYS || u.sum_prev_30 <= 0.0 {
        return Raw {
            input_on: Some(end),
            ..Raw::missing("Less than two months of usage")
        };
    }
    let recent = u.sum_30 / u.days_30 as f64;
    let before = u.sum_prev_30 / u.days_prev_30 as f64;
    let change = recent / before - 1.0;
    Raw {
        value: Some(change),
        text: format!(
            "{:+.0} % active users vs previous 30 days ({:.0} → {:.0} a day){}",
            change * 100.0,
            before,
            recent,
            usage_age_note(i, &u)
        ),
        score: Some(interpolate(&TREND_POINTS, change)),
        input_on: Some(end),
        decay: decay((i.at - end).num_days(), USAGE_FRESH_DAYS, USAGE_STALE_DAYS),
    }
}

fn engagement(i: &HealthInputs) -> Raw {
    let Some(d) = i.last_two_way_touch else {
        return Raw::missing("No two-way touch on record");
    };
    let days = (i.at - d).num_days().max(0) as f64;
    let mut score = interpolate(&RECENCY_POINTS, days);
    let mut text = format!("Last two-way touch {days:.0} days ago");
    let r = &i.relationship;
    if let Some(gone) = &r.departed {
        let (role, left) = if gone.champion {
            ("champion", r.champions)
        } else {
            ("executive sponsor", r.sponsors)
        };
        if left == 0 {
            score = score.min(DEPARTURE_CAP);
            text.push_str(&format!(
                "; the {role} {} left on {} and no other {role} is on record",
                gone.name,
                gone.on.format("%-d %b %Y")
            ));
        }
    }
    Raw {
        value: Some(days),
        text,
        score: Some(score),
        input_on: Some(d),
        decay: 1.0,
    }
}

fn support(i: &HealthInputs) -> Raw {
    let s = i.support;
    let Some(latest) = s.latest else {
        return Raw::missing("No tickets on record");
    };
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
        input_on: Some(latest),
        decay: 1.0,
    }
}

/// NPS as DESIGN §4 defines it: % promoters − % detractors.
fn nps_value(s: &SurveyFacts) -> Option<f64> {
    (s.nps_count > 0)
        .then(|| 100.0 * (s.nps_promoters - s.nps_detractors) as f64 / s.nps_count as f64)
}

/// CSAT as DESIGN §4 defines it: the share of 4–5 answers.
fn csat_share(s: &SurveyFacts) -> Option<f64> {
    (s.csat_count > 0).then(|| s.csat_satisfied as f64 / s.csat_count as f64)
}

fn satisfaction(i: &HealthInputs) -> Raw {
    let Some(s) = i.surveys else {
        return Raw::missing("No NPS or CSAT response in 180 days");
    };
    let (nps, csat) = (nps_value(&s), csat_share(&s));
    let score = match (
        nps.map(|v| interpolate(&NPS_POINTS, v)),
        csat.map(|v| interpolate(&CSAT_POINTS, v)),
    ) {
        (Some(n), Some(c)) => Some((n + c) / 2.0),
        (n, c) => n.or(c),
    };
    let mut parts = Vec::new();
    if let Some(v) = nps {
        parts.push(format!(
            "NPS {v:+.0} ({} promoters, {} detractors of {})",
            s.nps_promoters, s.nps_detractors, s.nps_count
        ));
    }
    if let Some(v) = csat {
        parts.push(format!(
            "CSAT {:.0} % ({} of {} satisfied)",
            v * 100.0,
            s.csat_satisfied,
            s.csat_count
        ));
    }
    Raw {
        value: nps.or(csat),
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
    let decay = decay(age, SENTIMENT_FRESH_DAYS, SENTIMENT_STALE_DAYS);
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

/// Share of the profile's weight carried by measures with data (after staleness).
pub fn coverage(components: &[Component]) -> f64 {
    let full: f64 = components.iter().map(|c| c.weight).sum();
    let have: f64 = components.iter().map(|c| c.effective_weight).sum();
    if full > 0.0 {
        have / full
    } else {
        0.0
    }
}

/// Whether there is enough evidence to score (see [`MIN_EVIDENCE_MEASURES`]).
pub fn enough_evidence(components: &[Component]) -> bool {
    components
        .iter()
        .filter(|c| c.effective_weight > 0.0)
        .count()
        >= MIN_EVIDENCE_MEASURES
        && coverage(components) + 1e-9 >= MIN_EVIDENCE_COVERAGE
}

/// Scores one account: Σ wᵢ·sᵢ / Σ wᵢ over the measures with data, when there is enough.
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
                stale: r.score.is_some() && r.decay < 1.0,
            }
        })
        .collect();
    let score =
        enough_evidence(&components).then(|| components.iter().map(|c| c.contribution).sum());
    HealthScore {
        account_id: inputs.account_id,
        at: inputs.at,
        score,
        profile,
        components,
    }
}
