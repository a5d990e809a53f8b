//! Value realization's rules (pure, "today" passed in): what a success-plan form must satisfy
//! before it is saved, what a milestone update says when it is written to the CRM as a note, and
//! the value ledger (`ledger`).

use chrono::NaiveDate;

mod ledger;
pub use ledger::{check_value_entry, currency_of, ledger, value_note_body};

use crate::domain::capture::FieldError;
use crate::domain::success::{MilestoneForm, MilestoneView, PlanForm};

const MAX_OBJECTIVE: usize = 200;
const MAX_NAME: usize = 120;
const MAX_METRIC: usize = 80;
const MAX_UNIT: usize = 40;
const MAX_OWNER: usize = 80;
const MAX_TEXT: usize = 4_000;
/// A milestone is due at most five years from its start.
const MAX_SPAN_DAYS: i64 = 5 * 366;
/// Values beyond this are typing slips, not measurements.
const MAX_VALUE: f64 = 1e12;

fn too_long(s: &str, max: usize) -> bool {
    s.trim().chars().count() > max
}

/// The objective's field errors (`objective`).
pub fn check_plan(f: &PlanForm) -> Vec<FieldError> {
    let objective = f.objective.trim();
    let message = if objective.is_empty() {
        "Say what the client wants to achieve."
    } else if too_long(objective, MAX_OBJECTIVE) {
        "Keep the objective under 200 characters."
    } else {
        return Vec::new();
    };
    vec![FieldError {
        field: "objective".into(),
        message: message.into(),
    }]
}

/// The milestone's field errors, in sentences for next to the fields (`name`, `metric`, `unit`,
/// `baseline`, `current`, `target`, `start_on`, `due_on`, `owner`, `evidence`). `today` stands in
/// for a missing start.
pub fn check_milestone(f: &MilestoneForm, today: NaiveDate) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut err = |field: &str, message: &str| {
        out.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let name = f.name.trim();
    if name.is_empty() {
        err("name", "Name the milestone.");
    } else if too_long(name, MAX_NAME) {
        err("name", "Keep the name under 120 characters.");
    }
    if too_long(&f.metric, MAX_METRIC) {
        err("metric", "Keep the metric under 80 characters.");
    }
    if too_long(&f.unit, MAX_UNIT) {
        err("unit", "Keep the unit under 40 characters.");
    }
    let measured = !f.metric.trim().is_empty();
    for (field, v) in [
        ("baseline", f.baseline),
        ("current", f.current),
        ("target", f.target),
    ] {
        if v.is_some_and(|v| !v.is_finite() || v.abs() > MAX_VALUE) {
            err(field, "Enter a number.");
        }
    }
    if measured {
        if f.baseline.is_none() {
            err(
                "baseline",
                "Where did the metric start? Enter the baseline.",
            );
        }
        match (f.baseline, f.target) {
            (_, None) => err("target", "What value counts as reached? Enter the target."),
            (Some(b), Some(t)) if (b - t).abs() < f64::EPSILON => {
                err("target", "The target must differ from the baseline.")
            }
            _ => {}
        }
    } else if f.baseline.is_some() || f.current.is_some() || f.target.is_some() {
        err("metric", "Name the metric these values measure.");
    }
    let start = f.start_on.unwrap_or(today);
    match f.due_on {
        None => err("due_on", "Pick the day it is due."),
        Some(due) if due < start => err("due_on", "The due day cannot be before the start."),
        Some(due) if (due - start).num_days() > MAX_SPAN_DAYS => {
            err("due_on", "Due within five years of the start.")
        }
        _ => {}
    }
    if too_long(&f.owner, MAX_OWNER) {
        err("owner", "Keep the owner under 80 characters.");
    }
    if too_long(&f.evidence, MAX_TEXT) {
        err("evidence", "Keep the evidence under 4,000 characters.");
    }
    out
}

/// A figure as a person writes it: no trailing ".0", thousands apart.
pub fn figure(v: f64) -> String {
    let rounded = (v * 100.0).round() / 100.0;
    let whole = rounded.trunc() as i64;
    let frac = ((rounded - rounded.trunc()).abs() * 100.0).round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if rounded < 0.0 { "-" } else { "" };
    match frac {
        0 => format!("{sign}{grouped}"),
        f if f % 10 == 0 => format!("{sign}{grouped}.{}", f / 10),
        f => format!("{sign}{grouped}.{f:02}"),
    }
}

/// The note a milestone update leaves on the company in the CRM: what changed, where it stands.
pub fn note_body(objective: &str, m: &MilestoneView, event: &str) -> String {
    let mut lines = vec![format!("Success plan update — {}: {event}", m.name.trim())];
    lines.push(format!("Objective: {}", objective.trim()));
    if let (Some(b), Some(t)) = (m.baseline, m.target) {
        let unit = match m.unit.trim() {
            "" => String::new(),
            u => format!(" {u}"),
        };
        let now = m
            .current
            .map(figure)
            .unwrap_or_else(|| "not measured".into());
        lines.push(format!(
            "{}: {} → {now} (target {}){unit}",
            m.metric.trim(),
            figure(b),
            figure(t)
        ));
    }
    lines.push(format!(
        "Due {}. {}",
        m.due_on.format("%-d %b %Y"),
        m.reason
    ));
    if !m.owner.trim().is_empty() {
        lines.push(format!("Owner: {}", m.owner.trim()));
    }
    if !m.evidence.trim().is_empty() {
        lines.push(format!("Evidence: {}", m.evidence.trim()));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::success::{MilestoneKind, MilestoneStatus};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form() -> MilestoneForm {
        MilestoneForm {
            account_id: 1,
            plan_id: 2,
            id: None,
            name: "First team live".into(),
            kind: MilestoneKind::FirstValue,
            metric: "Reporting time".into(),
            unit: "hours per month".into(),
            baseline: Some(160.0),
            current: None,
            target: Some(40.0),
            start_on: Some(d("2026-11-01")),
            due_on: Some(d("2027-01-31")),
            owner: "Ana".into(),
            evidence: String::new(),
            tell_crm: false,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_milestone_passes_and_each_gap_is_named_at_its_field() {
        let today = d("2026-12-03");
        assert!(check_milestone(&form(), today).is_empty());
        let mut f = form();
        f.name = "  ".into();
        f.target = Some(160.0);
        f.due_on = Some(d("2026-10-01"));
        assert_eq!(
            fields(&check_milestone(&f, today)),
            ["name", "target", "due_on"]
        );
        let mut f = form();
        f.metric.clear();
        f.due_on = None;
        assert_eq!(fields(&check_milestone(&f, today)), ["metric", "due_on"]);
        // Date-only milestones need no numbers; a missing start is today.
        let mut f = form();
        f.metric.clear();
        (f.baseline, f.target, f.start_on) = (None, None, None);
        f.due_on = Some(d("2026-12-02"));
        assert_eq!(fields(&check_milestone(&f, today)), ["due_on"]);
        f.due_on = Some(d("2026-12-03"));
        assert!(check_milestone(&f, today).is_empty());
        let mut f = form();
        f.baseline = Some(f64::NAN);
        assert_eq!(fields(&check_milestone(&f, today)), ["baseline"]);
    }

    #[test]
    fn an_objective_is_required() {
        let f = PlanForm {
            account_id: 1,
            id: None,
            objective: " ".into(),
        };
        assert_eq!(fields(&check_plan(&f)), ["objective"]);
    }

    #[test]
    fn figures_read_as_people_write_them() {
        assert_eq!(figure(40.0), "40");
        assert_eq!(figure(1234567.5), "1,234,567.5");
        assert_eq!(figure(-0.25), "-0.25");
        assert_eq!(figure(999.999), "1,000");
    }

    #[test]
    fn the_crm_note_says_what_changed_and_where_it_stands() {
        let m = MilestoneView {
            id: 7,
            plan_id: 2,
            position: 0,
            name: "First team live".into(),
            kind: MilestoneKind::FirstValue,
            metric: "Reporting time".into(),
            unit: "hours per month".into(),
            baseline: Some(160.0),
            current: Some(112.0),
            current_on: Some(d("2026-12-03")),
            target: Some(40.0),
            start_on: d("2026-11-01"),
            due_on: d("2027-01-31"),
            achieved_on: None,
            owner: "Ana".into(),
            evidence: "<b>Finance</b> dashboard & export".into(),
            status: MilestoneStatus::OnTrack,
            progress_pct: Some(40.0),
            elapsed_pct: 35.0,
            days_late: 0,
            reason: "40 % of the way with 35 % of the time gone.".into(),
            updated_at: None,
        };
        assert_eq!(
            note_body("Cut manual reporting time", &m, "current value updated"),
            "Success plan update — First team live: current value updated\n\
             Objective: Cut manual reporting time\n\
             Reporting time: 160 → 112 (target 40) hours per month\n\
             Due 31 Jan 2027. 40 % of the way with 35 % of the time gone.\n\
             Owner: Ana\n\
             Evidence: <b>Finance</b> dashboard & export"
        );
    }
}
