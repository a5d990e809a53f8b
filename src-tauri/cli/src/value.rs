//! `rapport ttv` (time-to-value by contract-start cohort and the accounts still waiting for
//! first value) and `rapport expansion` (opportunities and handing one to sales), for scripts and
//! for a look without the app.

use clap::Subcommand;
use rapport_core::domain::expansion::{ExpansionView, OpportunityState};
use rapport_core::domain::value::{ReachedBy, TtvView};
use rapport_core::{Rapport, Result};

/// The waiting accounts printed; `--json` has them all (up to the view's limit).
const WAITING_PRINTED: usize = 20;

fn share(b: &ReachedBy) -> String {
    match b.share {
        Some(s) => format!("{:.0} % of {}", s * 100.0, b.observed),
        None => "—".into(),
    }
}

fn days(v: Option<f64>) -> String {
    v.map_or("—".into(), |d| format!("{d:.0} d"))
}

pub fn render(v: &TtvView) -> String {
    let mut out = format!(
        "Time-to-value as of {} — {} accounts, {} without a contract start\n",
        v.as_of, v.accounts, v.without_start
    );
    out.push_str(&match (v.reduction, &v.latest, &v.baseline) {
        (Some(cut), Some(l), Some(b)) => format!(
            "Cut in median days to first value: {:.0} % ({l} vs {b}); target > {:.0} %: {}\n",
            cut * 100.0,
            v.target_cut * 100.0,
            if cut > v.target_cut { "met" } else { "missed" }
        ),
        _ => "No cut yet: it needs two settled contract-start quarters a year apart.\n".into(),
    });
    out.push_str(&format!(
        "\n{:<9} {:>8} {:>12} {:>12} {:>12} {:>8} {:>12} {:>11} {:>8}\n",
        "Quarter",
        "Accounts",
        "By day 30",
        "By day 60",
        "By day 90",
        "Not yet",
        "Median first",
        "Median full",
        "Target"
    ));
    for c in &v.cohorts {
        let by = |i: usize| c.by_day.get(i).map_or("—".into(), share);
        out.push_str(&format!(
            "{:<9} {:>8} {:>12} {:>12} {:>12} {:>8} {:>12} {:>11} {:>8}{}\n",
            c.quarter,
            c.accounts,
            by(0),
            by(1),
            by(2),
            c.not_yet,
            days(c.median_first_days),
            days(c.median_full_days),
            days(c.target_days),
            if c.settled { "" } else { "  (settling)" }
        ));
    }
    out.push_str(&match v.waiting_total {
        0 => "\nNo account on the books is waiting for first value.\n".to_string(),
        1 => format!(
            "\n1 account waits for first value{}.\n",
            if v.late_total == 1 {
                format!(", more than {} days after its contract start", v.late_after_days)
            } else {
                String::new()
            }
        ),
        n => format!(
            "\n{n} accounts wait for first value, {} of them more than {} days after their contract start.\n",
            v.late_total, v.late_after_days
        ),
    });
    for w in v.waiting.iter().take(WAITING_PRINTED) {
        let plan = match (w.first_value_due, w.has_first_value_milestone) {
            (Some(d), _) => format!("first value due {d}"),
            (None, true) => "first-value milestone open".into(),
            (None, false) => "no first-value milestone in the plan".into(),
        };
        out.push_str(&format!(
            "  #{:<6} {} — {} days since {}, {}{}\n",
            w.account_id,
            w.account,
            w.days_since_start,
            w.contract_start,
            plan,
            if w.late { " · LATE" } else { "" }
        ));
    }
    if v.waiting_total as usize > WAITING_PRINTED {
        out.push_str(&format!(
            "  … and {} more (--json lists them)\n",
            v.waiting_total as usize - WAITING_PRINTED
        ));
    }
    out
}

pub async fn ttv(r: &Rapport, json: bool) -> Result<String> {
    let mut v = r.ttv().await?;
    if json {
        v.chart_svg = None;
        v.chart_svg_dark = None;
        return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }
    Ok(render(&v))
}

#[derive(Subcommand)]
pub enum ExpansionCmd {
    /// Hand an account's open opportunity to sales (a sales task; sent to the CRM for CRM
    /// accounts).
    Handoff { account: String },
}

fn state(s: &OpportunityState) -> String {
    match s {
        OpportunityState::Open => "open".into(),
        OpportunityState::InPipeline { amount } => format!("deal of {amount:.0} open"),
        OpportunityState::Handed { handoff } => format!("with sales since {}", handoff.handed_on),
        OpportunityState::Won { amount, on, .. } => format!("won {amount:.0} on {on}"),
    }
}

pub fn render_expansion(v: &ExpansionView) -> String {
    let currency = &v.price_book.currency;
    let mut out = format!(
        "Expansion as of {} — {} open, about {} a year; {} with sales; {} won after a handoff in 12 months\n",
        v.as_of,
        v.opportunities
            .iter()
            .filter(|o| o.state == OpportunityState::Open)
            .count(),
        crate::warnings::money(v.open_value, currency),
        v.handed,
        crate::warnings::money(v.won_value, currency),
    );
    if v.price_book.estimated {
        out.push_str("Seat prices are estimated from the book (median ARR per seat by tier).\n");
    }
    if !v.unpriced_tiers.is_empty() {
        out.push_str(&format!(
            "No price for: {} (those accounts get no estimate).\n",
            v.unpriced_tiers.join(", ")
        ));
    }
    if v.opportunities.is_empty() {
        out.push_str("No account shows an expansion signal.\n");
    }
    for (i, o) in v.opportunities.iter().enumerate() {
        out.push_str(&format!(
            "\n{:>3}. #{} {} — {} [{}]\n     {}\n",
            i + 1,
            o.account_id,
            o.account,
            crate::warnings::money(o.estimated_value, &o.currency),
            state(&o.state),
            o.summary
        ));
        for s in &o.signals {
            out.push_str(&format!("     · {}\n", s.text));
        }
    }
    out
}

pub async fn expansion(r: &Rapport, cmd: Option<ExpansionCmd>, json: bool) -> Result<String> {
    match cmd {
        None if json => {
            Ok(serde_json::to_string_pretty(&r.expansion().await?).unwrap_or_default() + "\n")
        }
        None => Ok(render_expansion(&r.expansion().await?)),
        Some(ExpansionCmd::Handoff { account }) => {
            let id = r.resolve_account(&account).await?;
            let done = r.hand_off(id).await?;
            Ok(format!("{} (task #{})\n", done.message, done.task_id))
        }
    }
}
