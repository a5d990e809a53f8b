//! `rapport warnings [snooze|resolve|reopen]`: the early warnings with their evidence and state,
//! and the user's decisions on them, from scripts.

use chrono::NaiveDate;
use clap::Subcommand;
use rapport_core::domain::risk::{AlertAction, AlertState, AlertView};
use rapport_core::{Error, Rapport, Result};

#[derive(Subcommand)]
pub enum WarningsCmd {
    /// Hide warnings until a day (--until YYYY-MM-DD) or until they change (--until-change).
    Snooze {
        ids: Vec<i64>,
        #[arg(long, conflicts_with = "until_change")]
        until: Option<NaiveDate>,
        #[arg(long)]
        until_change: bool,
    },
    /// Mark warnings resolved (they reopen if their condition clears and fires again).
    Resolve { ids: Vec<i64> },
    /// Open resolved or snoozed warnings again.
    Reopen { ids: Vec<i64> },
}

pub fn money(v: f64, currency: &str) -> String {
    let n = v.round() as i64;
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{out} {currency}", if n < 0 { "-" } else { "" })
}

fn state(a: &AlertView) -> String {
    let by = |s: String| match (&a.state_by, a.state_at) {
        (Some(who), Some(at)) => format!("{s} by {who} on {}", crate::local_time(at)),
        _ => s,
    };
    match a.state {
        AlertState::Open => by(format!("open since {}", crate::local_time(a.fired_at))),
        AlertState::Snoozed => by(match a.snoozed_until {
            Some(d) => format!("snoozed until {d}"),
            None => "snoozed until it changes".into(),
        }),
        AlertState::Resolved => by("resolved".into()),
    }
}

pub async fn list(r: &Rapport, all: bool, json: bool) -> Result<String> {
    let v = r.warnings(all).await?;
    if json {
        return Ok(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }
    let c = v.counts;
    let mut out = format!(
        "{} critical · {} warning · {} info open, {} snoozed — rules version {}, evaluated {}\n",
        c.critical,
        c.warning,
        c.info,
        c.snoozed,
        v.rules_version,
        v.evaluated_on.map_or("never".into(), |d| d.to_string())
    );
    if v.alerts.is_empty() {
        out.push_str(if all {
            "No early warnings.\n"
        } else {
            "No open early warnings.\n"
        });
    }
    for a in &v.alerts {
        out.push_str(&format!(
            "\n#{:<6} {:<8} {} ({}, ARR {}) — {}\n        {}\n",
            a.id,
            a.severity.as_str().to_uppercase(),
            a.account_name,
            if a.segment.is_empty() {
                "no segment"
            } else {
                &a.segment
            },
            money(a.arr, &a.currency),
            a.rule_label,
            a.summary
        ));
        for e in &a.evidence {
            out.push_str(&format!(
                "        · {}: {}{}\n",
                e.label,
                e.value,
                e.on.map_or(String::new(), |d| format!(" ({d})"))
            ));
        }
        out.push_str(&format!("        {}", state(a)));
        if let Some(t) = a.cleared_at {
            out.push_str(&format!("; no longer holds since {}", crate::local_time(t)));
        }
        out.push('\n');
    }
    Ok(out)
}

pub async fn run(r: &Rapport, cmd: WarningsCmd) -> Result<String> {
    let (ids, action, done) = match cmd {
        WarningsCmd::Snooze {
            ids,
            until,
            until_change,
        } => {
            let action = match (until, until_change) {
                (Some(until), false) => AlertAction::SnoozeUntil { until },
                (None, true) => AlertAction::SnoozeUntilChange,
                _ => {
                    return Err(Error::InvalidInput(
                        "Say how long: --until YYYY-MM-DD or --until-change.".into(),
                    ))
                }
            };
            (ids, action, "Snoozed")
        }
        WarningsCmd::Resolve { ids } => (ids, AlertAction::Resolve, "Resolved"),
        WarningsCmd::Reopen { ids } => (ids, AlertAction::Reopen, "Reopened"),
    };
    let n = r.act_on_warnings(&ids, &action).await?;
    Ok(format!(
        "{done} {n} warning{}.\n",
        if n == 1 { "" } else { "s" }
    ))
}
