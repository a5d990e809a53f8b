//! An account's success plan: objective, milestones and the value ledger. Time-to-first-value
//! falls for newer cohorts (~70 → ~25 days), so the TTV KPI has a real trend to find and the
//! newest cohorts reach first value within the 30 days the early warning expects.

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::names::OBJECTIVES;
use super::{DemoData, Ids};
use crate::domain::value::{Confirmation, ValueCategory};
use crate::domain::{LifecycleStage, Milestone, SuccessPlan, ValueEntry};

#[derive(Clone, Copy)]
pub(super) struct PlanFacts<'a> {
    pub account_id: i64,
    pub contract_start: NaiveDate,
    pub churned_on: Option<NaiveDate>,
    pub today: NaiveDate,
    pub seats: i64,
    /// The account manager, who owns the plan's milestones.
    pub owner: &'a str,
}

/// Appends the plan, its milestones and value entries; returns the first-value day.
pub(super) fn success_plan(
    rng: &mut ChaCha8Rng,
    ids: &mut Ids,
    f: &PlanFacts<'_>,
    out: &mut DemoData,
    lifecycle: &mut Vec<(NaiveDate, LifecycleStage)>,
) -> NaiveDate {
    let PlanFacts {
        account_id: id,
        contract_start,
        churned_on,
        today,
        seats,
        owner,
    } = *f;
    let cohort_progress = ((contract_start - (today - Duration::days(1095))).num_days() as f64
        / 1095.0)
        .clamp(0.0, 1.0);
    let ttv = ((70.0 - 45.0 * cohort_progress) * rng.gen_range(0.6..1.4)).round() as i64;
    // One account in four is a slow starter, two months behind (chosen without a draw, so the rest of the demo
    // stays as is): the newest of them are still waiting for first value, past 30 days.
    let ttv = if id % 4 == 3 { ttv + 60 } else { ttv };
    let (objective, metric, baseline, target) = *OBJECTIVES.choose(rng).unwrap();
    let plan_metric = metric;
    let plan_id = Ids::next(&mut ids.plan);
    let end = churned_on.unwrap_or(today);
    let first_value = contract_start + Duration::days(ttv);
    let full_value = first_value + Duration::days(rng.gen_range(60..160));
    let reached = |d: NaiveDate| (d <= end && d < today).then_some(d);
    let progress = if reached(full_value).is_some() {
        1.0
    } else if reached(first_value).is_some() {
        0.5
    } else {
        0.1
    };
    out.plans.push(SuccessPlan {
        id: plan_id,
        account_id: id,
        objective: objective.to_string(),
        metric: metric.to_string(),
        baseline,
        current: baseline + (target - baseline) * progress,
        target,
        created_on: contract_start,
    });
    // Onboarding is a date; first value is the first team's share of the way, full value the
    // objective's metric itself.
    let current = baseline + (target - baseline) * progress;
    let steps = [
        (
            "Onboarding complete",
            "onboarding",
            30,
            contract_start + Duration::days(rng.gen_range(18..45)),
            None,
        ),
        (
            "First value: first team live",
            "first_value",
            60,
            first_value,
            Some((
                "Teams live",
                "teams",
                0.0,
                3.0,
                (progress * 6.0).min(3.0).round(),
            )),
        ),
        (
            "ROI: objective reached",
            "full_value",
            180,
            full_value,
            Some((metric, "", baseline, target, current)),
        ),
    ];
    for (position, (label, kind, target_days, achieved, measure)) in steps.into_iter().enumerate() {
        let target_date = contract_start + Duration::days(target_days);
        let achieved_on = reached(achieved);
        let status = match achieved_on {
            Some(_) => "done",
            None if churned_on.is_some() => "stuck",
            None if today > target_date + Duration::days(60) => "stuck",
            None if today > target_date => "behind",
            None => "on_track",
        };
        let (metric, unit, m_base, m_target, m_now) = match measure {
            Some((m, u, b, t, c)) => (m.to_string(), u.to_string(), Some(b), Some(t), Some(c)),
            None => (String::new(), String::new(), None, None, None),
        };
        // Measured a few days ago (no draw from the generator: the rest of the demo stays as is).
        let current_on =
            m_now.map(|_| achieved_on.unwrap_or(end.min(today) - Duration::days(1 + id % 14)));
        let mid = Ids::next(&mut ids.milestone);
        out.milestones.push(Milestone {
            id: mid,
            plan_id,
            account_id: id,
            name: label.to_string(),
            kind: kind.to_string(),
            target_date,
            achieved_on,
            status: status.to_string(),
            metric,
            unit,
            baseline: m_base,
            current: m_now,
            current_on,
            target: m_target,
            start_on: contract_start,
            owner: owner.to_string(),
            position: position as i64,
        });
        if let (Some(d), "first_value" | "full_value") = (achieved_on, kind) {
            if kind == "first_value" {
                lifecycle.push((d, LifecycleStage::Value));
            }
            let per_seat = rng.gen_range(40.0..160.0);
            // First value is hours the first team saved; full value what the objective avoided,
            // sent to the client's sponsor to confirm.
            let (category, measured_how, confirmation) = if kind == "first_value" {
                (
                    ValueCategory::TimeSaved,
                    format!("{seats} seats × hours saved a month × loaded hourly cost (${per_seat:.0} a seat)"),
                    Confirmation::Unconfirmed,
                )
            } else {
                (
                    ValueCategory::CostAvoided,
                    format!(
                        "{}{}: from {baseline} to {target}, costed at ${per_seat:.0} a seat",
                        plan_metric[..1].to_uppercase(),
                        &plan_metric[1..]
                    ),
                    Confirmation::Requested,
                )
            };
            out.value_entries.push(ValueEntry {
                account_id: id,
                milestone_id: Some(mid),
                recorded_on: d,
                description: format!("{objective}: {label}"),
                amount: (seats as f64 * per_seat).round(),
                category,
                measured_how,
                confirmation,
            });
        }
    }

    first_value
}
