//! Success plans (DESIGN §3): per account, objectives with milestones that measure progress on a
//! metric from a baseline towards a target by a due day. A milestone's status is derived from its
//! progress against the time gone and from the days past due, never typed by hand.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::capture::{FieldError, OutboxEntryView};
use super::value::{ValueEntryForm, ValueLedger};

/// What a milestone marks in the customer's journey (time-to-value reads the first two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    Onboarding,
    FirstValue,
    /// The ROI milestone: the objective's outcome reached (time-to-full-value).
    FullValue,
    Adoption,
}

impl MilestoneKind {
    pub const ALL: [MilestoneKind; 4] = [
        MilestoneKind::Onboarding,
        MilestoneKind::FirstValue,
        MilestoneKind::FullValue,
        MilestoneKind::Adoption,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneKind::Onboarding => "onboarding",
            MilestoneKind::FirstValue => "first_value",
            MilestoneKind::FullValue => "full_value",
            MilestoneKind::Adoption => "adoption",
        }
    }
    pub fn parse(s: &str) -> Option<MilestoneKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a milestone stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    Stuck,
    Behind,
    OnTrack,
    Done,
}

impl MilestoneStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneStatus::Stuck => "stuck",
            MilestoneStatus::Behind => "behind",
            MilestoneStatus::OnTrack => "on_track",
            MilestoneStatus::Done => "done",
        }
    }
}

/// When a milestone counts as behind or stuck (the "Milestone stuck" rule's thresholds, edited in
/// Settings with the other early-warning rules).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct StatusThresholds {
    /// Behind when progress trails the share of time gone by this many points.
    pub behind_gap_pct: f64,
    /// Stuck when it trails by this many points.
    pub stuck_gap_pct: f64,
    /// Stuck when past due by more than this many days (behind from the first day past due).
    pub stuck_days: i64,
}

impl Default for StatusThresholds {
    fn default() -> Self {
        StatusThresholds {
            behind_gap_pct: 15.0,
            stuck_gap_pct: 40.0,
            stuck_days: 30,
        }
    }
}

/// What a milestone's status is derived from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MilestoneFacts {
    pub start_on: NaiveDate,
    pub due_on: NaiveDate,
    pub achieved_on: Option<NaiveDate>,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
}

/// A milestone's status on a day, with the figures behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub status: MilestoneStatus,
    /// Share of the way from baseline to target (0–100), when the milestone measures a metric.
    pub progress_pct: Option<f64>,
    /// Share of the time from start to due already gone (0–100; 100 once due).
    pub elapsed_pct: f64,
    /// Days past the due day, 0 when not yet due.
    pub days_late: i64,
    /// Why, in a sentence.
    pub reason: String,
}

impl MilestoneFacts {
    /// Share of the way from baseline to target, 0–100; a missing current value counts as the
    /// baseline (nothing measured yet). `None` without a metric (or with baseline = target).
    pub fn progress_pct(&self) -> Option<f64> {
        let (b, t) = (self.baseline?, self.target?);
        if (t - b).abs() < f64::EPSILON {
            return None;
        }
        let c = self.current.unwrap_or(b);
        Some(((c - b) * 100.0 / (t - b)).clamp(0.0, 100.0))
    }

    /// The status on `today`: done once achieved; stuck more than `stuck_days` past due, behind
    /// when past due; otherwise stuck or behind when progress trails the share of time gone by
    /// the thresholds' gaps; on track else (and always before the start).
    pub fn assess(&self, today: NaiveDate, t: &StatusThresholds) -> Assessment {
        let progress = self.progress_pct();
        let span = (self.due_on - self.start_on).num_days();
        let gone = (today - self.start_on).num_days();
        let elapsed = if today >= self.due_on {
            100.0
        } else if gone <= 0 || span <= 0 {
            0.0
        } else {
            gone as f64 / span as f64 * 100.0
        };
        let days_late = (today - self.due_on).num_days().max(0);
        let way = |p: f64| format!("{p:.0} % of the way with {elapsed:.0} % of the time gone");
        let (status, reason) = if let Some(on) = self.achieved_on {
            (MilestoneStatus::Done, format!("Achieved on {}.", long(on)))
        } else if today < self.start_on {
            (
                MilestoneStatus::OnTrack,
                format!("Starts on {}.", long(self.start_on)),
            )
        } else if days_late > 0 {
            let status = if days_late > t.stuck_days {
                MilestoneStatus::Stuck
            } else {
                MilestoneStatus::Behind
            };
            let how = match progress {
                Some(p) => format!(", {p:.0} % of the way"),
                None => String::new(),
            };
            (
                status,
                format!(
                    "{} past due (due {}){how}.",
                    plural(days_late, "day"),
                    long(self.due_on)
                ),
            )
        } else if let Some(p) = progress {
            let gap = elapsed - p;
            let status = if gap >= t.stuck_gap_pct {
                MilestoneStatus::Stuck
            } else if gap >= t.behind_gap_pct {
                MilestoneStatus::Behind
            } else {
                MilestoneStatus::OnTrack
            };
            (status, format!("{}.", way(p)))
        } else {
            let left = (self.due_on - today).num_days();
            let when = match left {
                0 => "today".to_string(),
                n => format!("in {}", plural(n, "day")),
            };
            (MilestoneStatus::OnTrack, format!("Due {when}."))
        };
        Assessment {
            status,
            progress_pct: progress,
            elapsed_pct: elapsed,
            days_late,
            reason,
        }
    }
}

fn long(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// A milestone as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneRecord {
    pub id: i64,
    pub plan_id: i64,
    pub account_id: i64,
    pub position: i64,
    pub name: String,
    pub kind: MilestoneKind,
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub current_on: Option<NaiveDate>,
    pub target: Option<f64>,
    pub start_on: NaiveDate,
    pub due_on: NaiveDate,
    pub achieved_on: Option<NaiveDate>,
    pub owner: String,
    pub evidence: String,
    pub updated_at: Option<DateTime<Utc>>,
}

impl MilestoneRecord {
    pub fn facts(&self) -> MilestoneFacts {
        MilestoneFacts {
            start_on: self.start_on,
            due_on: self.due_on,
            achieved_on: self.achieved_on,
            baseline: self.baseline,
            current: self.current,
            target: self.target,
        }
    }

    /// The milestone as shown on `today`, its status derived.
    pub fn view(&self, today: NaiveDate, t: &StatusThresholds) -> MilestoneView {
        let a = self.facts().assess(today, t);
        MilestoneView {
            id: self.id,
            plan_id: self.plan_id,
            position: self.position,
            name: self.name.clone(),
            kind: self.kind,
            metric: self.metric.clone(),
            unit: self.unit.clone(),
            baseline: self.baseline,
            current: self.current,
            current_on: self.current_on,
            target: self.target,
            start_on: self.start_on,
            due_on: self.due_on,
            achieved_on: self.achieved_on,
            owner: self.owner.clone(),
            evidence: self.evidence.clone(),
            status: a.status,
            progress_pct: a.progress_pct,
            elapsed_pct: a.elapsed_pct,
            days_late: a.days_late,
            reason: a.reason,
            updated_at: self.updated_at,
        }
    }
}

/// A success plan as the store holds it, its milestones in order.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecord {
    pub id: i64,
    pub account_id: i64,
    pub objective: String,
    pub created_on: NaiveDate,
    pub milestones: Vec<MilestoneRecord>,
}

/// An open milestone with its account, for the portfolio's list and the stuck rule.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMilestone {
    pub account: String,
    pub owner: String,
    pub arr: f64,
    pub objective: String,
    pub milestone: MilestoneRecord,
}

/// A milestone as the account view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MilestoneView {
    pub id: i64,
    pub plan_id: i64,
    pub position: i64,
    pub name: String,
    pub kind: MilestoneKind,
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    /// When the current value was last updated.
    #[ts(type = "string | null")]
    pub current_on: Option<NaiveDate>,
    pub target: Option<f64>,
    #[ts(type = "string")]
    pub start_on: NaiveDate,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    #[ts(type = "string | null")]
    pub achieved_on: Option<NaiveDate>,
    pub owner: String,
    pub evidence: String,
    pub status: MilestoneStatus,
    pub progress_pct: Option<f64>,
    pub elapsed_pct: f64,
    pub days_late: i64,
    pub reason: String,
    #[ts(type = "string | null")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// An objective with its milestones in their order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanView {
    pub id: i64,
    pub objective: String,
    #[ts(type = "string")]
    pub created_on: NaiveDate,
    pub milestones: Vec<MilestoneView>,
}

/// A success-plan form as typed, kept as a draft until saved or discarded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum PlanDraftForm {
    Plan(PlanForm),
    Milestone(MilestoneForm),
    Value(ValueEntryForm),
}

impl PlanDraftForm {
    pub fn account_id(&self) -> i64 {
        match self {
            PlanDraftForm::Plan(f) => f.account_id,
            PlanDraftForm::Milestone(f) => f.account_id,
            PlanDraftForm::Value(f) => f.account_id,
        }
    }
    /// Which form it is: `plan:new`, `plan:<id>`, `milestone:new:<plan id>`, `milestone:<id>`,
    /// `value:new`, `value:<id>`.
    pub fn target(&self) -> String {
        match self {
            PlanDraftForm::Plan(f) => match f.id {
                Some(id) => format!("plan:{id}"),
                None => "plan:new".into(),
            },
            PlanDraftForm::Milestone(f) => match f.id {
                Some(id) => format!("milestone:{id}"),
                None => format!("milestone:new:{}", f.plan_id),
            },
            PlanDraftForm::Value(f) => match f.id {
                Some(id) => format!("value:{id}"),
                None => "value:new".into(),
            },
        }
    }
}

/// An objective as typed (a new one when `id` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanForm {
    pub account_id: i64,
    pub id: Option<i64>,
    pub objective: String,
}

/// A milestone as typed (a new one when `id` is `None`); numbers and dates may still be missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MilestoneForm {
    pub account_id: i64,
    pub plan_id: i64,
    pub id: Option<i64>,
    pub name: String,
    pub kind: MilestoneKind,
    pub metric: String,
    pub unit: String,
    pub baseline: Option<f64>,
    pub current: Option<f64>,
    pub target: Option<f64>,
    /// `None` means the day it is saved.
    #[ts(type = "string | null")]
    pub start_on: Option<NaiveDate>,
    #[ts(type = "string | null")]
    pub due_on: Option<NaiveDate>,
    pub owner: String,
    pub evidence: String,
    /// Also write the update to the CRM as a note on the company.
    pub tell_crm: bool,
}

/// A draft as kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanDraft {
    pub form: PlanDraftForm,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
}

/// An account's success plans, ready to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SuccessView {
    pub account_id: i64,
    /// The day the statuses are for.
    #[ts(type = "string")]
    pub as_of: NaiveDate,
    pub plans: Vec<PlanView>,
    /// The milestones on a time axis (SVG), in the light and the dark theme; `None` without any.
    pub timeline_svg: Option<String>,
    pub timeline_svg_dark: Option<String>,
    pub thresholds: StatusThresholds,
    /// Whether the account is in a CRM (a milestone update can then be written there as a note).
    pub in_crm: bool,
    pub drafts: Vec<PlanDraft>,
    /// The value delivered: entries, totals per year, ROI against what the client pays.
    pub ledger: ValueLedger,
}

/// Something done to a milestone from its row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MilestoneAction {
    /// Reached: on that day (`None`: today), with what shows it.
    Achieve {
        #[ts(type = "string | null")]
        on: Option<NaiveDate>,
        evidence: String,
        tell_crm: bool,
    },
    /// Not reached after all.
    Reopen,
    /// One place up (`-1`) or down (`1`) in its plan.
    Move {
        by: i64,
    },
    Delete,
}

/// What saving a form or acting on a milestone did: field errors (nothing saved), or the plans
/// as they now are, with the CRM note queued, if one was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanSaved {
    pub errors: Vec<FieldError>,
    pub view: Option<SuccessView>,
    pub outbox: Option<OutboxEntryView>,
}

/// An open milestone in the portfolio's list (due soon, or behind or stuck).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DueMilestone {
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub arr: f64,
    pub objective: String,
    pub milestone: MilestoneView,
}

/// The portfolio's milestones: open ones due within the window, and every one behind or stuck.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MilestonesView {
    #[ts(type = "string")]
    pub as_of: NaiveDate,
    pub window_days: i64,
    /// Due within the window and not (yet) behind, soonest first.
    pub due_soon: Vec<DueMilestone>,
    /// Behind or stuck, stuck first, then the most overdue.
    pub behind: Vec<DueMilestone>,
    pub counts: MilestoneCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct MilestoneCounts {
    pub open: i64,
    pub due_soon: i64,
    pub behind: i64,
    pub stuck: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// 100 days from 1 Jan to 11 Apr 2026, cutting 160 hours a month to 40.
    fn hours(current: Option<f64>) -> MilestoneFacts {
        MilestoneFacts {
            start_on: d("2026-01-01"),
            due_on: d("2026-04-11"),
            achieved_on: None,
            baseline: Some(160.0),
            current,
            target: Some(40.0),
        }
    }

    #[test]
    fn progress_against_time_gone_decides_on_track_behind_and_stuck() {
        let t = StatusThresholds::default();
        // Day 50 of 100: half the time gone.
        let today = d("2026-02-20");
        // 160 → 112 is 48 of 120 hours: 40 %, 10 points behind time: on track.
        let a = hours(Some(112.0)).assess(today, &t);
        assert_eq!(a.status, MilestoneStatus::OnTrack);
        assert_eq!(a.progress_pct, Some(40.0));
        assert_eq!(a.elapsed_pct, 50.0);
        assert_eq!(a.reason, "40 % of the way with 50 % of the time gone.");
        // 160 → 124 is 36 of 120: 30 %, 20 points behind: behind.
        assert_eq!(
            hours(Some(124.0)).assess(today, &t).status,
            MilestoneStatus::Behind
        );
        // 160 → 154 is 6 of 120: 5 %, 45 points behind: stuck.
        assert_eq!(
            hours(Some(154.0)).assess(today, &t).status,
            MilestoneStatus::Stuck
        );
        // Nothing measured yet counts as the baseline: 0 %, 50 points behind.
        let none = hours(None).assess(today, &t);
        assert_eq!(
            (none.status, none.progress_pct),
            (MilestoneStatus::Stuck, Some(0.0))
        );
        // Past the target is 100 %, not more.
        assert_eq!(hours(Some(20.0)).progress_pct(), Some(100.0));
    }

    #[test]
    fn past_due_is_behind_then_stuck_after_the_threshold() {
        let t = StatusThresholds::default();
        let mut f = hours(Some(64.0)); // 96 of 120: 80 %
        f.baseline = None; // a date-only milestone
        let a = f.assess(d("2026-04-20"), &t);
        assert_eq!((a.status, a.days_late), (MilestoneStatus::Behind, 9));
        assert_eq!(a.reason, "9 days past due (due 11 Apr 2026).");
        // 30 days late is still behind; 31 is stuck.
        assert_eq!(
            f.assess(d("2026-05-11"), &t).status,
            MilestoneStatus::Behind
        );
        assert_eq!(f.assess(d("2026-05-12"), &t).status, MilestoneStatus::Stuck);
        let with_metric = hours(Some(64.0)).assess(d("2026-04-12"), &t);
        assert_eq!(
            with_metric.reason,
            "1 day past due (due 11 Apr 2026), 80 % of the way."
        );
    }

    #[test]
    fn achieved_and_not_yet_started_milestones() {
        let t = StatusThresholds::default();
        let mut f = hours(Some(150.0));
        f.achieved_on = Some(d("2026-03-02"));
        let a = f.assess(d("2026-06-01"), &t);
        assert_eq!(a.status, MilestoneStatus::Done);
        assert_eq!(a.reason, "Achieved on 2 Mar 2026.");
        f.achieved_on = None;
        let early = f.assess(d("2025-12-20"), &t);
        assert_eq!(
            (early.status, early.elapsed_pct),
            (MilestoneStatus::OnTrack, 0.0)
        );
        assert_eq!(early.reason, "Starts on 1 Jan 2026.");
        f.baseline = None;
        assert_eq!(f.assess(d("2026-04-01"), &t).reason, "Due in 10 days.");
        assert_eq!(f.assess(d("2026-04-11"), &t).reason, "Due today.");
    }
}
