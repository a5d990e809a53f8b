//! Snapshots and "what changed since the previous snapshot".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::HealthScore;
use crate::domain::health::{Band, Component, Measure, Snapshot, MODEL_VERSION};

impl From<&HealthScore> for Snapshot {
    fn from(h: &HealthScore) -> Self {
        Snapshot {
            account_id: h.account_id,
            day: h.at,
            score: h.rounded(),
            band: h.band(),
            profile: h.profile.id.to_string(),
            profile_name: h.profile.name.to_string(),
            model_version: MODEL_VERSION.to_string(),
            components: h.components.clone(),
        }
    }
}

/// How one measure moved between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MeasureChange {
    pub measure: Measure,
    pub label: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Change of this measure's contribution to the composite, in points.
    pub contribution_delta: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PreviousScore {
    pub day: NaiveDate,
    pub score: Option<i64>,
}

/// How much of the profile's weight the score stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Three quarters of the weight or more has data.
    High,
    /// Half or more.
    Medium,
    /// Less than half: scored, but on thin evidence.
    Low,
    /// Below the minimum evidence: not scored.
    Insufficient,
}

impl Confidence {
    pub fn of(components: &[Component]) -> Confidence {
        let c = super::model::coverage(components);
        if !super::model::enough_evidence(components) {
            Confidence::Insufficient
        } else if c >= 0.75 {
            Confidence::High
        } else if c >= 0.5 {
            Confidence::Medium
        } else {
            Confidence::Low
        }
    }
}

/// A score explained: every measure's part, and what moved since the previous snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HealthExplanation {
    pub day: NaiveDate,
    pub score: Option<i64>,
    pub band: Option<Band>,
    pub profile: String,
    pub profile_name: String,
    pub model_version: String,
    pub components: Vec<Component>,
    /// Share of the profile's weight with data, and what that makes of the score.
    pub coverage: f64,
    pub confidence: Confidence,
    pub previous: Option<PreviousScore>,
    /// Measures whose contribution moved by at least half a point, largest move first.
    pub changes: Vec<MeasureChange>,
    /// One sentence for the header, e.g. "Down 7 points since 17 Nov 2026, mostly usage trend (−5.2)".
    pub summary: String,
}

/// Contribution moves smaller than this are noise, not a change worth listing.
const MIN_CHANGE_POINTS: f64 = 0.5;

pub fn explain(current: &Snapshot, previous: Option<&Snapshot>) -> HealthExplanation {
    let mut changes: Vec<MeasureChange> = match previous {
        Some(prev) => current
            .components
            .iter()
            .map(|c| {
                let before = prev.components.iter().find(|p| p.measure == c.measure);
                MeasureChange {
                    measure: c.measure,
                    label: c.label.clone(),
                    before: before.and_then(|p| p.score),
                    after: c.score,
                    contribution_delta: c.contribution - before.map_or(0.0, |p| p.contribution),
                }
            })
            .filter(|m| m.contribution_delta.abs() >= MIN_CHANGE_POINTS)
            .collect(),
        None => Vec::new(),
    };
    changes.sort_by(|a, b| {
        b.contribution_delta
            .abs()
            .total_cmp(&a.contribution_delta.abs())
    });
    let summary = summarise(current, previous, &changes);
    HealthExplanation {
        day: current.day,
        score: current.score,
        band: current.band,
        profile: current.profile.clone(),
        profile_name: current.profile_name.clone(),
        model_version: current.model_version.clone(),
        components: current.components.clone(),
        coverage: super::model::coverage(&current.components),
        confidence: Confidence::of(&current.components),
        previous: previous.map(|p| PreviousScore {
            day: p.day,
            score: p.score,
        }),
        changes,
        summary,
    }
}

fn summarise(current: &Snapshot, previous: Option<&Snapshot>, changes: &[MeasureChange]) -> String {
    let Some(score) = current.score else {
        let have: Vec<String> = current
            .components
            .iter()
            .filter(|c| c.effective_weight > 0.0)
            .map(|c| c.label.to_lowercase())
            .collect();
        return match have.as_slice() {
            [] => "Not scored: no input has data yet.".to_string(),
            _ => format!(
                "Not scored: too little evidence ({} of 6 inputs: {}). A score needs at least two inputs carrying {:.0} % of the weight.",
                have.len(),
                have.join(", "),
                super::model::MIN_EVIDENCE_COVERAGE * 100.0
            ),
        };
    };
    let Some(prev) = previous else {
        return format!(
            "Scored {score} on {} (first snapshot).",
            current.day.format("%-d %b %Y")
        );
    };
    let since = prev.day.format("%-d %b %Y");
    let Some(before) = prev.score else {
        return format!("First score since {since}.");
    };
    let delta = score - before;
    let direction = match delta {
        0 => format!("Unchanged since {since}"),
        d if d > 0 => format!("Up {d} point{} since {since}", plural(d)),
        d => format!("Down {} point{} since {since}", -d, plural(-d)),
    };
    match changes.first() {
        Some(top) => format!(
            "{direction}, mostly {} ({:+.1}).",
            top.label.to_lowercase(),
            top.contribution_delta
        ),
        None => format!("{direction}."),
    }
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
