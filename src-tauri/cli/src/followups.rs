//! `rapport followups [accept|dismiss]`: the follow-ups unhappy feedback proposes, and the AM's
//! decision on each, from scripts.

use chrono::NaiveDate;
use clap::Subcommand;
use rapport_core::domain::followup::{AcceptFollowUp, Escalation, FollowUpState, FollowUpView};
use rapport_core::{Error, Rapport, Result};

#[derive(Subcommand)]
pub enum FollowUpCmd {
    /// Accept a proposal: a CRM task for you (and one for the team it is escalated to).
    Accept {
        /// The response id (in `rapport followups`).
        response: i64,
        /// The task's title; default the proposal's.
        #[arg(long)]
        title: Option<String>,
        /// YYYY-MM-DD; default the proposal's (two business days after the response).
        #[arg(long)]
        due: Option<String>,
        /// support or sales.
        #[arg(long)]
        escalate: Option<String>,
        /// What the escalated team should know.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Dismiss a proposal, saying why.
    Dismiss {
        response: i64,
        #[arg(long)]
        reason: String,
    },
}

fn state_text(f: &FollowUpView) -> String {
    match f.state {
        FollowUpState::Proposed => format!("proposed, due {}", f.due_on),
        FollowUpState::Dismissed => format!("dismissed: {}", f.reason),
        FollowUpState::Accepted => {
            let tasks: Vec<String> = f
                .tasks
                .iter()
                .map(|t| {
                    format!(
                        "{} ({})",
                        t.team,
                        t.delivery.map_or("local only", |d| d.as_str())
                    )
                })
                .collect();
            format!("accepted, due {}: {}", f.due_on, tasks.join(", "))
        }
    }
}

pub async fn list(r: &Rapport, account: Option<&str>, json: bool) -> Result<String> {
    let account_id = match account {
        Some(a) => Some(r.resolve_account(a).await?),
        None => None,
    };
    let all = r.followups(account_id).await?;
    if json {
        return Ok(serde_json::to_string_pretty(&all).unwrap_or_default() + "\n");
    }
    if all.is_empty() {
        return Ok("No unhappy feedback in the last 30 days: nothing to follow up.\n".into());
    }
    let mut out = String::new();
    for f in &all {
        out.push_str(&format!(
            "{:>6}  {}  {} {}  {}  {}\n        {}\n",
            f.response_id,
            f.captured_at.date_naive(),
            f.kind.as_str().to_uppercase(),
            f.score,
            f.account,
            state_text(f),
            f.title
        ));
    }
    Ok(out)
}

pub async fn run(r: &Rapport, cmd: FollowUpCmd) -> Result<String> {
    match cmd {
        FollowUpCmd::Accept {
            response,
            title,
            due,
            escalate,
            note,
        } => {
            let proposal = r
                .followups(None)
                .await?
                .into_iter()
                .find(|f| f.response_id == response)
                .ok_or_else(|| Error::NotFound(format!("A follow-up for response {response}")))?;
            let due_on = match due {
                Some(d) => NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                    Error::InvalidInput(format!("--due {d:?} is not a date like 2026-12-04."))
                })?,
                // An older proposal's day has passed: today, as the app offers.
                None => proposal.due_on.max(r.today()),
            };
            let escalation = match escalate.as_deref() {
                None => Escalation::None,
                Some(e) => Escalation::parse(e.trim())
                    .filter(|e| *e != Escalation::None)
                    .ok_or_else(|| {
                        Error::InvalidInput(format!("--escalate {e:?} is not support or sales."))
                    })?,
            };
            let got = r
                .accept_followup(&AcceptFollowUp {
                    response_id: response,
                    title: title.unwrap_or(proposal.title),
                    due_on,
                    escalation,
                    note,
                })
                .await?;
            if !got.errors.is_empty() {
                let why: Vec<String> = got
                    .errors
                    .iter()
                    .map(|e| {
                        let flag = if e.field == "due_on" {
                            "due"
                        } else {
                            e.field.as_str()
                        };
                        format!("--{flag}: {}", e.message)
                    })
                    .collect();
                return Err(Error::InvalidInput(why.join(" ")));
            }
            Ok(match got.outbox.len() {
                0 => "Accepted: the task is kept here (a demo account has no CRM).\n".to_string(),
                n => format!("Accepted: {n} task(s) queued for the CRM (`rapport outbox send` delivers now).\n"),
            })
        }
        FollowUpCmd::Dismiss { response, reason } => {
            r.dismiss_followup(response, &reason).await?;
            Ok(format!("Dismissed the follow-up on response {response}.\n"))
        }
    }
}

#[derive(Subcommand)]
pub enum AdvisoryCmd {
    /// Add a contact (by email) to the client advisory program; the CRM contact gets the flag.
    Add { email: String },
    /// Take a contact (by email) out of the program.
    Remove { email: String },
}

pub async fn advisory(r: &Rapport, cmd: Option<AdvisoryCmd>, json: bool) -> Result<String> {
    if let Some(c) = cmd {
        let (email, member) = match c {
            AdvisoryCmd::Add { email } => (email, true),
            AdvisoryCmd::Remove { email } => (email, false),
        };
        let id = r.contact_by_email(&email).await?;
        let entry = r.set_advisory(id, member).await?;
        return Ok(format!(
            "{email} {} the advisory program{}.\n",
            if member { "joined" } else { "left" },
            if entry.is_some() {
                "; the CRM contact is updated by the outbox"
            } else {
                " (kept here: no CRM contact to update)"
            }
        ));
    }
    let members = r.advisory_members().await?;
    if json {
        return Ok(serde_json::to_string_pretty(&members).unwrap_or_default() + "\n");
    }
    if members.is_empty() {
        return Ok(
            "Nobody is in the client advisory program yet (`rapport advisory add EMAIL`).\n".into(),
        );
    }
    let mut out = String::new();
    for m in &members {
        let last = match (m.last_kind, m.last_score, m.last_feedback_at) {
            (Some(k), Some(s), Some(t)) => {
                format!("{} {s} on {}", k.as_str().to_uppercase(), t.date_naive())
            }
            _ => "no feedback yet".into(),
        };
        out.push_str(&format!(
            "{:<28} {:<28} {:<24} last feedback: {:<22} last engaged: {}\n",
            m.name,
            m.email,
            m.account,
            last,
            m.last_engaged.map_or("never".into(), |d| d.to_string())
        ));
    }
    Ok(out)
}
