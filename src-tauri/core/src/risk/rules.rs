//! The early-warning rules engine: account facts + rule set + the day → the alerts that hold.
//! Pure; the store keeps the alerts and their states.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::health::Band;
use crate::domain::journey::StageExpectations;
use crate::domain::risk::{
    Evidence, Fired, RiskFacts, RiskWindows, Rule, RuleId, RuleSet, Severity,
};
use crate::domain::success::{MilestoneStatus, StatusThresholds};
use crate::domain::SurveyKind;

/// One threshold of a rule, as Settings edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParamSpec {
    pub key: String,
    pub label: String,
    /// "%", "days", "points", "tickets", or "" for a plain score.
    pub unit: String,
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

/// What a rule is, for Settings: its name, what it watches, its defaults and bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RuleSpec {
    pub id: RuleId,
    pub label: String,
    pub description: String,
    pub default_severity: Severity,
    pub params: Vec<ParamSpec>,
}

fn p(key: &str, label: &str, unit: &str, default: f64, min: f64, max: f64) -> ParamSpec {
    ParamSpec {
        key: key.into(),
        label: label.into(),
        unit: unit.into(),
        default,
        min,
        max,
    }
}

/// Each rule's definition with DESIGN §4's defaults.
pub fn spec(id: RuleId) -> RuleSpec {
    let (description, severity, params) = match id {
        RuleId::UsageDrop => (
            "Average daily active users over the last 30 days against the 30 days before.",
            Severity::Warning,
            vec![
                p("drop_pct", "Drop of at least", "%", 20.0, 5.0, 90.0),
                p(
                    "critical_pct",
                    "Critical from a drop of",
                    "%",
                    50.0,
                    5.0,
                    100.0,
                ),
            ],
        ),
        RuleId::HealthDrop => (
            "Today's health score against the highest of the days before, within the window.",
            Severity::Warning,
            vec![
                p("points", "Fall of at least", "points", 15.0, 1.0, 100.0),
                p(
                    "critical_points",
                    "Critical from a fall of",
                    "points",
                    25.0,
                    1.0,
                    100.0,
                ),
                p("days", "Within", "days", 7.0, 1.0, 30.0),
            ],
        ),
        RuleId::RelationshipLeft => (
            "A champion or executive sponsor left the client's company.",
            Severity::Critical,
            vec![p("days", "Left within the last", "days", 30.0, 1.0, 90.0)],
        ),
        RuleId::RenewalAtRisk => (
            "The renewal is near and health is below green.",
            Severity::Warning,
            vec![
                p("days", "Renewal within", "days", 180.0, 7.0, 365.0),
                p("critical_days", "Critical within", "days", 90.0, 1.0, 365.0),
            ],
        ),
        RuleId::NoTouch => (
            "No two-way touch (a meeting, a call, an answered email) with the client.",
            Severity::Warning,
            vec![
                p("days", "Silent for", "days", 30.0, 7.0, 180.0),
                p("critical_days", "Critical after", "days", 60.0, 7.0, 365.0),
            ],
        ),
        RuleId::BadSurvey => (
            "An NPS detractor or a low CSAT answer.",
            Severity::Warning,
            vec![
                p("nps_max", "NPS of at most", "", 6.0, 0.0, 10.0),
                p("csat_max", "CSAT of at most", "", 2.0, 1.0, 5.0),
                p("days", "Answered within the last", "days", 30.0, 1.0, 180.0),
            ],
        ),
        RuleId::TicketSpike => (
            "High or urgent tickets opened in a short time.",
            Severity::Warning,
            vec![
                p("count", "At least", "tickets", 3.0, 2.0, 50.0),
                p("days", "Within", "days", 14.0, 1.0, 60.0),
            ],
        ),
        RuleId::SeatUtilisation => (
            "Active users (7-day average) against seats bought, once onboarding is over.",
            Severity::Info,
            vec![
                p("pct", "Below", "%", 75.0, 5.0, 100.0),
                p("after_days", "From contract day", "days", 90.0, 0.0, 365.0),
            ],
        ),
        RuleId::FirstValueLate => (
            "The success plan's first-value milestone is not reached in time.",
            Severity::Warning,
            vec![p(
                "days",
                "Not reached by contract day",
                "days",
                30.0,
                1.0,
                365.0,
            )],
        ),
        RuleId::MilestoneStuck => (
            "A success-plan milestone far behind its plan, or long past due. These thresholds also decide when a milestone shows as behind or stuck.",
            Severity::Warning,
            vec![
                p("behind_gap_pct", "Behind when progress trails the time gone by", "points", 15.0, 5.0, 90.0),
                p("stuck_gap_pct", "Stuck when it trails by", "points", 40.0, 10.0, 100.0),
                p("stuck_days", "Stuck when past due by more than", "days", 30.0, 1.0, 365.0),
            ],
        ),
        RuleId::StageStalled => (
            "An account in a lifecycle stage longer than that stage should take. These times also decide who the journey view counts as stalled.",
            Severity::Warning,
            vec![
                p("adoption_days", "Adoption (no first value yet) for more than", "days", 120.0, 14.0, 730.0),
                p("expansion_days", "Expansion (an open upsell) for more than", "days", 120.0, 14.0, 730.0),
                p("at_risk_days", "At risk for more than", "days", 60.0, 7.0, 365.0),
            ],
        ),
    };
    RuleSpec {
        id,
        label: id.label().into(),
        description: description.into(),
        default_severity: severity,
        params,
    }
}

/// The built-in rule set (version 0).
pub fn defaults() -> RuleSet {
    RuleSet {
        version: 0,
        rules: RuleId::ALL.into_iter().map(default_rule).collect(),
    }
}

fn default_rule(id: RuleId) -> Rule {
    let s = spec(id);
    Rule {
        id,
        enabled: true,
        severity: s.default_severity,
        params: s
            .params
            .iter()
            .map(|p| (p.key.clone(), p.default))
            .collect(),
    }
}

/// A stored set completed to today's rules: a rule or threshold it lacks takes its default,
/// unknown keys are dropped, and values are clamped to their bounds.
pub fn complete(mut set: RuleSet) -> RuleSet {
    let mut rules = Vec::new();
    for id in RuleId::ALL {
        let s = spec(id);
        let mut r = set
            .rules
            .iter()
            .position(|r| r.id == id)
            .map(|i| set.rules.swap_remove(i))
            .unwrap_or_else(|| default_rule(id));
        let params: BTreeMap<String, f64> = s
            .params
            .iter()
            .map(|p| {
                let v = r.params.get(&p.key).copied().unwrap_or(p.default);
                (p.key.clone(), v.clamp(p.min, p.max))
            })
            .collect();
        r.params = params;
        rules.push(r);
    }
    RuleSet {
        version: set.version,
        rules,
    }
}

/// What is wrong with a rule set the user is about to save, in words; empty when it is fine.
pub fn check(set: &RuleSet) -> Vec<String> {
    let mut out = Vec::new();
    for r in &set.rules {
        let s = spec(r.id);
        for ps in &s.params {
            match r.params.get(&ps.key) {
                None => out.push(format!("{}: “{}” is missing.", s.label, ps.label)),
                Some(v) if !v.is_finite() || *v < ps.min || *v > ps.max => out.push(format!(
                    "{}: “{}” must be between {} and {}{}.",
                    s.label,
                    ps.label,
                    ps.min,
                    ps.max,
                    if ps.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", ps.unit)
                    }
                )),
                _ => {}
            }
        }
    }
    out
}

/// When a milestone counts as behind or stuck: the "Milestone stuck" rule's thresholds, whether
/// or not the rule raises warnings.
pub fn milestone_thresholds(set: &RuleSet) -> StatusThresholds {
    let d = StatusThresholds::default();
    match set.rules.iter().find(|r| r.id == RuleId::MilestoneStuck) {
        Some(r) => StatusThresholds {
            behind_gap_pct: r
                .params
                .get("behind_gap_pct")
                .copied()
                .unwrap_or(d.behind_gap_pct),
            stuck_gap_pct: r
                .params
                .get("stuck_gap_pct")
                .copied()
                .unwrap_or(d.stuck_gap_pct),
            stuck_days: r
                .params
                .get("stuck_days")
                .map_or(d.stuck_days, |v| *v as i64),
        },
        None => d,
    }
}

/// How long each stage should take: the "Stalled in a stage" rule's times, whether or not the
/// rule raises warnings.
pub fn stage_expectations(set: &RuleSet) -> StageExpectations {
    let d = StageExpectations::default();
    let Some(r) = set.rules.iter().find(|r| r.id == RuleId::StageStalled) else {
        return d;
    };
    let get = |key: &str, or: i64| r.params.get(key).map_or(or, |v| *v as i64);
    StageExpectations {
        adoption_days: get("adoption_days", d.adoption_days),
        expansion_days: get("expansion_days", d.expansion_days),
        at_risk_days: get("at_risk_days", d.at_risk_days),
    }
}

/// How far back the facts must reach for `set`.
pub fn windows(set: &RuleSet) -> RiskWindows {
    let days = |id: RuleId| set.rule(id).map(|r| r.param("days") as i64).unwrap_or(0);
    RiskWindows {
        score_days: days(RuleId::HealthDrop),
        survey_days: days(RuleId::BadSurvey),
        ticket_days: days(RuleId::TicketSpike),
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn ev(label: &str, value: String, on: Option<NaiveDate>) -> Evidence {
    Evidence {
        label: label.into(),
        value,
        on,
    }
}

fn escalate(r: &Rule, critical: bool) -> Severity {
    if critical {
        Severity::Critical
    } else {
        r.severity
    }
}

fn month(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

/// Every alert that holds for the accounts in `facts` under `set`.
pub fn evaluate(facts: &[RiskFacts], set: &RuleSet) -> Vec<Fired> {
    let mut out = Vec::new();
    for f in facts {
        for r in set.rules.iter().filter(|r| r.enabled) {
            fire(f, r, &mut out);
        }
    }
    out
}

fn fire(f: &RiskFacts, r: &Rule, out: &mut Vec<Fired>) {
    let mut push =
        |severity: Severity, period: String, summary: String, evidence: Vec<Evidence>| {
            out.push(Fired {
                account_id: f.account_id,
                rule: r.id,
                severity,
                period,
                summary,
                evidence,
            })
        };
    let at = f.at;
    match r.id {
        RuleId::UsageDrop => {
            let Some(u) = f.usage else { return };
            // Both months need most of their days on record: a new account's ramp is no drop.
            if u.days_30 < 21 || u.days_prev_30 < 21 || u.sum_prev_30 <= 0.0 {
                return;
            }
            let now = u.sum_30 / u.days_30 as f64;
            let before = u.sum_prev_30 / u.days_prev_30 as f64;
            let drop = (1.0 - now / before) * 100.0;
            if drop + 1e-9 < r.param("drop_pct") {
                return;
            }
            push(
                escalate(r, drop + 1e-9 >= r.param("critical_pct")),
                month(u.feed_day),
                format!(
                    "Active users fell {drop:.0} % month over month ({before:.0} → {now:.0} a day on average)."
                ),
                vec![
                    ev("Active users a day, last 30 days", format!("{now:.1}"), Some(u.feed_day)),
                    ev(
                        "Active users a day, 30 days before",
                        format!("{before:.1}"),
                        Some(u.feed_day - chrono::Duration::days(30)),
                    ),
                ],
            );
        }
        RuleId::HealthDrop => {
            let Some((now, band)) = f.score else { return };
            let from = at - chrono::Duration::days(r.param("days") as i64);
            // The highest score in the window; the earliest day it was reached names the period.
            let Some(&(peak_day, peak)) = f
                .recent_scores
                .iter()
                .filter(|(d, _)| *d >= from && *d < at)
                .fold(None::<&(NaiveDate, i64)>, |best, s| match best {
                    Some(b) if b.1 >= s.1 => Some(b),
                    _ => Some(s),
                })
            else {
                return;
            };
            let fall = peak - now;
            if (fall as f64) < r.param("points") {
                return;
            }
            push(
                escalate(r, fall as f64 >= r.param("critical_points")),
                peak_day.to_string(),
                format!(
                    "Health fell {fall} points in {} days ({peak} on {} → {now}, {}).",
                    (at - peak_day).num_days(),
                    date(peak_day),
                    band.as_str()
                ),
                vec![
                    ev("Health score", peak.to_string(), Some(peak_day)),
                    ev("Health score", now.to_string(), Some(at)),
                ],
            );
        }
        RuleId::RelationshipLeft => {
            let Some(d) = &f.departed else { return };
            if (at - d.on).num_days() > r.param("days") as i64 || d.on > at {
                return;
            }
            let role = if d.champion {
                "Champion"
            } else {
                "Executive sponsor"
            };
            push(
                r.severity,
                format!("{}:{}", d.on, d.name),
                format!("{role} {} left on {}.", d.name, date(d.on)),
                vec![ev(&format!("{role} left"), d.name.clone(), Some(d.on))],
            );
        }
        RuleId::RenewalAtRisk => {
            let (Some(renewal), Some((score, band))) = (f.renewal_date, f.score) else {
                return;
            };
            let days = (renewal - at).num_days();
            if days < 0 || days > r.param("days") as i64 || band == Band::Green {
                return;
            }
            push(
                escalate(r, days <= r.param("critical_days") as i64),
                renewal.to_string(),
                format!(
                    "Renews in {days} days ({}) with health {score} ({}).",
                    date(renewal),
                    band.as_str()
                ),
                vec![
                    ev("Renewal", format!("in {days} days"), Some(renewal)),
                    ev(
                        "Health score",
                        format!("{score} ({})", band.as_str()),
                        Some(at),
                    ),
                ],
            );
        }
        RuleId::NoTouch => {
            // With no touch on record and no contract start, how long it has been is unknown.
            let Some(since) = f.last_two_way_touch.or(f.contract_start) else {
                return;
            };
            let days = (at - since).num_days();
            if days < r.param("days") as i64 {
                return;
            }
            let critical = days >= r.param("critical_days") as i64;
            let (summary, evidence) = match f.last_two_way_touch {
                Some(t) => (
                    format!("No two-way touch for {days} days (last on {}).", date(t)),
                    ev("Last two-way touch", format!("{days} days ago"), Some(t)),
                ),
                None => (
                    format!("No two-way touch on record in {days} days since the contract began."),
                    ev("Contract start", format!("{days} days ago"), Some(since)),
                ),
            };
            push(
                escalate(r, critical),
                f.last_two_way_touch
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "never".into()),
                summary,
                vec![evidence],
            );
        }
        RuleId::BadSurvey => {
            let from = at - chrono::Duration::days(r.param("days") as i64);
            for a in f.answers.iter().filter(|a| a.on > from && a.on <= at) {
                let (bad, label) = match a.kind {
                    SurveyKind::Nps => (a.score as f64 <= r.param("nps_max"), "NPS"),
                    SurveyKind::Csat => (a.score as f64 <= r.param("csat_max"), "CSAT"),
                    SurveyKind::Ces => (false, "CES"),
                };
                if !bad {
                    continue;
                }
                let who = if a.who.is_empty() {
                    "A contact".to_string()
                } else {
                    a.who.clone()
                };
                let scale = if a.kind == SurveyKind::Nps { 10 } else { 5 };
                push(
                    r.severity,
                    format!("answer:{}", a.id),
                    format!(
                        "{who} answered {label} {}/{scale} on {}.",
                        a.score,
                        date(a.on)
                    ),
                    vec![ev(label, format!("{}/{scale}", a.score), Some(a.on))],
                );
            }
        }
        RuleId::TicketSpike => {
            let days = r.param("days") as i64;
            let from = at - chrono::Duration::days(days);
            let recent: Vec<NaiveDate> = f
                .high_tickets
                .iter()
                .copied()
                .filter(|d| *d > from && *d <= at)
                .collect();
            if (recent.len() as f64) < r.param("count") {
                return;
            }
            let first = recent.iter().min().copied().unwrap_or(at);
            // Fixed windows of `days` on the calendar: a spike is one alert per window.
            let window = at.num_days_from_ce() as i64 / days.max(1);
            push(
                r.severity,
                format!("w{window}"),
                format!(
                    "{} high-priority tickets opened in {days} days (the first on {}).",
                    recent.len(),
                    date(first)
                ),
                vec![ev(
                    "High-priority tickets opened",
                    recent.len().to_string(),
                    Some(at),
                )],
            );
        }
        RuleId::SeatUtilisation => {
            let (Some(u), Some(start)) = (f.usage, f.contract_start) else {
                return;
            };
            if f.seats_purchased <= 0 || (at - start).num_days() < r.param("after_days") as i64 {
                return;
            }
            let util = u.active_avg_7 / f.seats_purchased as f64 * 100.0;
            if util + 1e-9 >= r.param("pct") {
                return;
            }
            // Once per contract year: a book with chronic shelfware is not told every month.
            push(
                r.severity,
                format!("year{}", (at - start).num_days() / 365 + 1),
                format!(
                    "{:.0} of {} seats in use ({util:.0} %), {} days into the contract.",
                    u.active_avg_7,
                    f.seats_purchased,
                    (at - start).num_days()
                ),
                vec![
                    ev(
                        "Active users (7-day average)",
                        format!("{:.0}", u.active_avg_7),
                        Some(u.feed_day),
                    ),
                    ev("Seats bought", f.seats_purchased.to_string(), None),
                ],
            );
        }
        RuleId::FirstValueLate => {
            let (Some(fv), Some(start)) = (f.first_value, f.contract_start) else {
                return;
            };
            let due = start + chrono::Duration::days(r.param("days") as i64);
            if fv.achieved.is_some() || at < due {
                return;
            }
            push(
                r.severity,
                start.to_string(),
                format!(
                    "First value not reached {} days after the contract began on {} (planned for {}).",
                    (at - start).num_days(),
                    date(start),
                    date(fv.target)
                ),
                vec![
                    ev(
                        "Contract start",
                        format!("{} days ago", (at - start).num_days()),
                        Some(start),
                    ),
                    ev(
                        "First value planned",
                        format!("{} days ago", (at - fv.target).num_days()),
                        Some(fv.target),
                    ),
                ],
            );
        }
        RuleId::MilestoneStuck => {
            let t = StatusThresholds {
                behind_gap_pct: r.param("behind_gap_pct"),
                stuck_gap_pct: r.param("stuck_gap_pct"),
                stuck_days: r.param("stuck_days") as i64,
            };
            for m in &f.milestones {
                let a = m.facts().assess(at, &t);
                if a.status != MilestoneStatus::Stuck {
                    continue;
                }
                let mut evidence = vec![ev("Due", date(m.due_on), Some(m.due_on))];
                if let Some(p) = a.progress_pct {
                    evidence.push(ev(
                        "Progress",
                        format!("{p:.0} % with {:.0} % of the time gone", a.elapsed_pct),
                        m.current_on,
                    ));
                }
                // One alert per milestone: it re-fires only if it is stuck again after resolving.
                push(
                    r.severity,
                    format!("m{}", m.id),
                    format!(
                        "\u{201c}{}\u{201d} is stuck: {}",
                        m.name.trim(),
                        lower_first(&a.reason)
                    ),
                    evidence,
                );
            }
        }
        RuleId::StageStalled => {
            let Some((stage, since)) = f.stage else {
                return;
            };
            let expected = match stage {
                crate::domain::LifecycleStage::Adoption => r.param("adoption_days"),
                crate::domain::LifecycleStage::Expansion => r.param("expansion_days"),
                crate::domain::LifecycleStage::AtRisk => r.param("at_risk_days"),
                _ => return,
            } as i64;
            let days = (at - since).num_days();
            if days <= expected {
                return;
            }
            // One alert per stay: a new stay in the same stage is a new stall.
            push(
                r.severity,
                format!("{}:{since}", stage.as_str()),
                format!(
                    "In {} for {days} days, since {}; it should take at most {expected}.",
                    stage.label(),
                    date(since)
                ),
                vec![
                    ev(
                        "In the stage since",
                        format!("{days} days ago"),
                        Some(since),
                    ),
                    ev("Expected at most", format!("{expected} days"), None),
                ],
            );
        }
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) if s.chars().nth(1).is_some_and(|n| n.is_lowercase()) => {
            f.to_lowercase().chain(c).collect()
        }
        _ => s.to_string(),
    }
}
