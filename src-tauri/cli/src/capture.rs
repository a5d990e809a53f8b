//! `rapport feedback add`, `note add`, `sentiment`, `outbox [send|retry]`: capturing and
//! delivering from scripts, over the same library as the app's forms.

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use clap::Subcommand;
use rapport_core::domain::capture::{
    CaptureForm, Captured, Channel, FeedbackForm, NoteForm, OutboxEntryView, SentimentForm, Speaker,
};
use rapport_core::domain::SurveyKind;
use rapport_core::{Error, Rapport, Result};
use tokio_util::sync::CancellationToken;

use crate::local_time;

#[derive(Subcommand)]
pub enum FeedbackCmd {
    /// Log what a client said: one score (NPS 0–10, CSAT 1–5 or CES 1–7), who said it, and how.
    Add {
        /// The account, by id or name.
        account: String,
        #[arg(long, conflicts_with_all = ["csat", "ces"], required_unless_present_any = ["csat", "ces"])]
        nps: Option<i64>,
        #[arg(long, conflicts_with = "ces")]
        csat: Option<i64>,
        #[arg(long)]
        ces: Option<i64>,
        #[arg(long, default_value = "")]
        verbatim: String,
        /// Who said it: the email of one of the account's contacts, or of a new person (with --name).
        #[arg(long)]
        contact: Option<String>,
        /// The name of a person not yet among the account's contacts.
        #[arg(long, requires = "contact")]
        name: Option<String>,
        /// meeting, call, email, qbr, site-visit, chat or other.
        #[arg(long, default_value = "meeting")]
        channel: String,
        /// When it was said (RFC 3339, "YYYY-MM-DD HH:MM" or "YYYY-MM-DD", local time); default now.
        #[arg(long)]
        at: Option<String>,
        /// A tag (repeat for several).
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    #[command(flatten)]
    Analysis(crate::insights::InsightsCmd),
}

#[derive(Subcommand)]
pub enum NoteCmd {
    /// Log meeting notes on an account.
    Add {
        account: String,
        text: String,
        /// An attendee's email, one of the account's contacts (repeat for several).
        #[arg(long = "attendee")]
        attendees: Vec<String>,
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum OutboxCmd {
    /// Deliver every waiting entry now; fails, with the reasons, if some remain undelivered.
    Send,
    /// Put an entry the CRM refused back in the queue (after fixing the cause), then send.
    Retry { id: i64 },
    /// Write the Salesforce metadata Rapport writes to (Customer_Feedback__c and the activity
    /// field Rapport_Key__c) into DIR, as a package an admin deploys.
    SalesforceSetup { dir: std::path::PathBuf },
    /// Print the HubSpot custom object `rapport_feedback` (for `POST /crm/v3/schemas`, on
    /// Enterprise portals): with it, feedback is upserted on its key rather than written as notes.
    HubspotSchema,
}

/// A moment typed on the command line, read in local time unless it says otherwise.
fn parse_at(s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(12, 0, 0))
        });
    local
        .and_then(|l| Local.from_local_datetime(&l).earliest())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| Error::InvalidInput(format!("--at {s:?} is not a date: write 2026-11-30, \"2026-11-30 14:30\" or an RFC 3339 time.")))
}

async fn contact_id(r: &Rapport, account: i64, email: &str) -> Result<Option<i64>> {
    Ok(r.capture_contacts(account)
        .await?
        .into_iter()
        .find(|c| c.email.eq_ignore_ascii_case(email.trim()))
        .map(|c| c.id))
}

/// Saves the capture, or fails with every field's reason.
async fn save(r: &Rapport, form: CaptureForm) -> Result<String> {
    let Captured { errors, outbox } = r.capture(&form).await?;
    if !errors.is_empty() {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("  {}: {}", e.field, e.message))
            .collect();
        return Err(Error::InvalidInput(format!(
            "Nothing was saved:\n{}",
            lines.join("\n")
        )));
    }
    Ok(match outbox {
        Some(e) => format!(
            "Saved \u{201c}{}\u{201d} on {}; queued for {} as outbox entry {} (rapport outbox send delivers it now).\n",
            e.summary, e.account, e.connection, e.id
        ),
        None => "Saved locally (demo account: there is no CRM to send it to).\n".into(),
    })
}

pub async fn feedback(r: &Rapport, cmd: FeedbackCmd) -> Result<String> {
    let (account, nps, csat, ces, verbatim, contact, name, channel, at, tags) = match cmd {
        FeedbackCmd::Analysis(c) => return crate::insights::run(r, c).await,
        FeedbackCmd::Add {
            account,
            nps,
            csat,
            ces,
            verbatim,
            contact,
            name,
            channel,
            at,
            tags,
        } => (
            account, nps, csat, ces, verbatim, contact, name, channel, at, tags,
        ),
    };
    let account_id = r.resolve_account(&account).await?;
    let (kind, score) = match (nps, csat, ces) {
        (Some(s), _, _) => (SurveyKind::Nps, s),
        (_, Some(s), _) => (SurveyKind::Csat, s),
        (_, _, Some(s)) => (SurveyKind::Ces, s),
        _ => {
            return Err(Error::InvalidInput(
                "Give one of --nps, --csat or --ces.".into(),
            ))
        }
    };
    let channel = Channel::parse(&channel).ok_or_else(|| {
        Error::InvalidInput(format!("--channel {channel:?} is not one of meeting, call, email, qbr, site-visit, chat, other."))
    })?;
    let speaker = match (contact, name) {
        (None, _) => Speaker::Unknown,
        (Some(email), Some(name)) => Speaker::New { name, email },
        (Some(email), None) => match contact_id(r, account_id, &email).await? {
            Some(id) => Speaker::Contact { id },
            None => {
                return Err(Error::InvalidInput(format!(
                    "No contact of this account has the email {email:?}. Add --name \"First Last\" to log it from a new person."
                )))
            }
        },
    };
    let form = FeedbackForm {
        account_id,
        kind,
        score: Some(score),
        verbatim,
        speaker,
        channel,
        at: at.as_deref().map(parse_at).transpose()?,
        tags,
    };
    save(r, CaptureForm::Feedback(form)).await
}

pub async fn note(r: &Rapport, cmd: NoteCmd) -> Result<String> {
    let NoteCmd::Add {
        account,
        text,
        attendees,
        at,
    } = cmd;
    let account_id = r.resolve_account(&account).await?;
    let mut ids = Vec::new();
    for email in &attendees {
        ids.push(contact_id(r, account_id, email).await?.ok_or_else(|| {
            Error::InvalidInput(format!(
                "No contact of this account has the email {email:?}."
            ))
        })?);
    }
    let form = NoteForm {
        account_id,
        body: text,
        attendees: ids,
        at: at.as_deref().map(parse_at).transpose()?,
    };
    save(r, CaptureForm::Note(form)).await
}

pub async fn sentiment(r: &Rapport, account: &str, value: i64, reason: String) -> Result<String> {
    let account_id = r.resolve_account(account).await?;
    save(
        r,
        CaptureForm::Sentiment(SentimentForm {
            account_id,
            value: Some(value),
            reason,
        }),
    )
    .await
}

fn state_text(e: &OutboxEntryView) -> String {
    use rapport_core::domain::capture::OutboxState::*;
    match e.state {
        Pending if e.attempts == 0 => "queued".into(),
        Pending => format!("retry at {}", local_time(e.next_attempt_at)),
        Sending => "sending".into(),
        Delivered => format!("delivered {}", e.crm_id.as_deref().unwrap_or("")),
        Unconfirmed => "unconfirmed (looked up before any resend)".into(),
        Failed => "needs attention".into(),
    }
}

/// The outbox as a table, or JSON.
pub async fn list(r: &Rapport, json: bool) -> Result<String> {
    let entries = r.outbox(None).await?;
    if json {
        return serde_json::to_string_pretty(&entries)
            .map(|s| s + "\n")
            .map_err(|e| Error::Io(e.to_string()));
    }
    if entries.is_empty() {
        return Ok("The outbox is empty: nothing captured here waits for a CRM.\n".into());
    }
    let waiting = entries.iter().filter(|e| e.state.waiting()).count();
    let mut out = format!("{} entries, {waiting} waiting to send\n", entries.len());
    for e in &entries {
        out.push_str(&format!(
            "{:>5}  {:<9} {:<28} {:<40} {:<10} {} attempt{}  {}\n",
            e.id,
            e.kind.as_str(),
            crate::truncate(&e.account, 28),
            crate::truncate(&e.summary, 40),
            e.connection,
            e.attempts,
            if e.attempts == 1 { "" } else { "s" },
            state_text(e)
        ));
        if let (Some(err), true) = (&e.last_error, e.state.waiting()) {
            out.push_str(&format!("       {}\n", err.message));
        }
    }
    Ok(out)
}

/// Delivers now; an error (non-zero exit) when entries remain, with why.
pub async fn send(r: &Rapport) -> Result<String> {
    let reports = r.send_outbox(CancellationToken::new()).await?;
    let mut out = String::new();
    let mut left = 0;
    let mut reasons = Vec::new();
    for rep in &reports {
        out.push_str(&format!(
            "{}: {} delivered{}, {} waiting, {} need attention ({} requests{})\n",
            rep.connection,
            rep.delivered,
            if rep.confirmed > 0 {
                format!(", {} found already delivered", rep.confirmed)
            } else {
                String::new()
            },
            rep.waiting,
            rep.failed,
            rep.requests,
            if rep.rate_limited > 0 {
                format!(", {} refused as too many", rep.rate_limited)
            } else {
                String::new()
            },
        ));
        left += rep.waiting + rep.failed;
        reasons.extend(rep.reasons.iter().cloned());
    }
    if reports.is_empty() {
        out.push_str("Nothing to send.\n");
    }
    if left > 0 {
        crate::emit(&out);
        reasons.dedup();
        return Err(Error::InvalidInput(format!(
            "{left} entr{} not delivered yet:\n  {}",
            if left == 1 { "y is" } else { "ies are" },
            reasons.join("\n  ")
        )));
    }
    Ok(out)
}

pub async fn retry(r: &Rapport, id: i64) -> Result<String> {
    r.retry_outbox(id).await?;
    send(r).await
}

/// Writes the Salesforce package into `dir` and says how to deploy it.
pub fn salesforce_setup(dir: &std::path::Path) -> Result<String> {
    rapport_core::sync::outbox::sf_metadata::write_package(dir).map(|s| s + "\n")
}
