//! `rapport journey`: the book's journey over a period, as text or JSON.

use chrono::NaiveDate;
use rapport_core::domain::journey::{JourneyView, RenewalTally};
use rapport_core::error::Result;
use rapport_core::Rapport;

fn stage(s: Option<rapport_core::domain::LifecycleStage>) -> String {
    s.map_or("first seen".into(), |s| s.label().into())
}

fn renewals(t: &RenewalTally) -> String {
    let n = t.renewed + t.churned;
    if n == 0 {
        return "none decided".into();
    }
    format!(
        "{} of {n} renewed ({:.0} %)",
        t.renewed,
        f64::from(t.renewed) / f64::from(n) * 100.0
    )
}

pub fn render(v: &JourneyView) -> String {
    let mut out = format!("Journey from {} to {}\n\n", v.from, v.to);
    out.push_str(&format!(
        "{:<11} {:>5} {:>8} {:>6} {:>7} {:>9} {:>9} {:>8}\n",
        "Stage", "Now", "Entered", "Left", "Median", "Expected", "Overran", "Stalled"
    ));
    for s in &v.stages {
        let dash = || "—".to_string();
        out.push_str(&format!(
            "{:<11} {:>5} {:>8} {:>6} {:>7} {:>9} {:>9} {:>8}\n",
            s.stage.label(),
            s.now,
            s.entered,
            s.left,
            s.median_days.map_or_else(dash, |m| format!("{m:.0} d")),
            s.expected_days
                .map_or_else(|| "by date".into(), |e| format!("{e} d")),
            if s.expected_days.is_some() {
                s.overran.to_string()
            } else {
                dash()
            },
            if s.expected_days.is_some() {
                s.stalled_now.to_string()
            } else {
                dash()
            },
        ));
    }
    out.push_str("\nFlows\n");
    if v.flows.is_empty() {
        out.push_str("  No account changed stage in the period.\n");
    }
    for f in v.flows.iter().take(12) {
        out.push_str(&format!(
            "  {} → {}: {} ({:.0} ARR)\n",
            stage(f.from),
            f.to.label(),
            f.accounts,
            f.arr
        ));
    }
    out.push_str(&format!(
        "\nRenewals: after a stall {}; without {}\n",
        renewals(&v.renewals.stalled),
        renewals(&v.renewals.not_stalled)
    ));
    out.push_str(&format!("\nStalled now ({})\n", v.stalled.len()));
    for s in &v.stalled {
        out.push_str(&format!(
            "  {} — {} for {} days (expected ≤ {}), since {}\n",
            s.name,
            s.stage.label(),
            s.days,
            s.expected_days,
            s.since
        ));
    }
    let late = v.handoffs.iter().filter(|h| h.overdue).count();
    out.push_str(&format!(
        "\nOpen handoffs: {} ({late} overdue)\n",
        v.handoffs.len()
    ));
    for h in &v.handoffs {
        let done = h.items.iter().filter(|i| i.done_on.is_some()).count();
        out.push_str(&format!(
            "  {} — {}: {done} of {} done, due {}{}\n",
            h.account,
            h.name,
            h.items.len(),
            h.due_on,
            if h.overdue { " — OVERDUE" } else { "" }
        ));
    }
    out
}

pub async fn run(
    r: &Rapport,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    json: bool,
) -> Result<String> {
    let mut v = r.journey(from, to).await?;
    if json {
        v.chart_svg = None;
        v.chart_svg_dark = None;
        return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }
    Ok(render(&v))
}
