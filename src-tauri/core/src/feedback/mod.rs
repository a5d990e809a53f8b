//! Capturing what a client said: the forms' rules (pure, "now" passed in) and the text each
//! capture takes in the CRM.

use chrono::{DateTime, Duration, Utc};

use crate::domain::capture::{
    CaptureForm, ContactFacts, FeedbackForm, FeedbackPayload, FieldError, NoteForm, SentimentForm,
    Speaker, WritePayload,
};
use crate::domain::SurveyKind;

pub mod analysis;
pub mod export;
pub mod followup;
pub mod text;

/// The longest text any capture may carry: Salesforce's Task description holds 32,000
/// characters (HubSpot's note body 65,536), so nothing is cut off in either CRM.
pub const MAX_TEXT: usize = 32_000;
/// A moment this far ahead of the clock still counts as now (clocks differ a little).
const CLOCK_SLACK_MINUTES: i64 = 5;
const MAX_TAGS: usize = 10;
const MAX_TAG_CHARS: usize = 40;
const MAX_REASON: usize = 2_000;

/// The standard NPS question, as the form asks it.
pub const NPS_QUESTION: &str =
    "How likely is it that you would recommend us to a friend or colleague?";

/// The score range of a survey kind.
pub fn score_range(kind: SurveyKind) -> (i64, i64) {
    match kind {
        SurveyKind::Nps => (0, 10),
        SurveyKind::Csat => (1, 5),
        SurveyKind::Ces => (1, 7),
    }
}

fn kind_label(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::Nps => "NPS",
        SurveyKind::Csat => "CSAT",
        SurveyKind::Ces => "CES",
    }
}

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// A plausible email address: one `@`, something before it, a dotted domain after it.
fn plausible_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

fn check_text(field: &str, text: &str, what: &str, out: &mut Vec<FieldError>) {
    let n = text.chars().count();
    if n > MAX_TEXT {
        out.push(err(
            field,
            format!("The {what} is {n} characters long; the CRM keeps at most {MAX_TEXT}. Shorten it or split it in two."),
        ));
    }
}

fn check_when(at: Option<DateTime<Utc>>, now: DateTime<Utc>, out: &mut Vec<FieldError>) {
    if let Some(at) = at {
        if at > now + Duration::minutes(CLOCK_SLACK_MINUTES) {
            out.push(err(
                "at",
                "This date is in the future. Log what was already said: pick today or an earlier day.",
            ));
        }
    }
}

fn check_feedback(
    f: &FeedbackForm,
    contacts: &[ContactFacts],
    now: DateTime<Utc>,
) -> Vec<FieldError> {
    let mut out = Vec::new();
    let (lo, hi) = score_range(f.kind);
    let label = kind_label(f.kind);
    match f.score {
        None => out.push(err("score", format!("Pick a score from {lo} to {hi}."))),
        Some(s) if s < lo || s > hi => out.push(err(
            "score",
            format!("{label} scores go from {lo} to {hi}; {s} is outside that range."),
        )),
        Some(_) => {}
    }
    match &f.speaker {
        Speaker::Unknown => out.push(err(
            "speaker",
            "Say who gave this feedback: one of the account's contacts, or a new person.",
        )),
        Speaker::Contact { id } => {
            if !contacts.iter().any(|c| c.id == *id) {
                out.push(err(
                    "speaker",
                    "This contact is not (or no longer) one of the account's contacts. Pick another, or add a new person.",
                ));
            }
        }
        Speaker::New { name, email } => {
            if name.trim().is_empty() {
                out.push(err("name", "Type the person's name."));
            }
            if email.trim().is_empty() {
                out.push(err(
                    "email",
                    "Type the person's email address, so the CRM can match them.",
                ));
            } else if !plausible_email(email) {
                out.push(err(
                    "email",
                    format!(
                        "\u{201c}{}\u{201d} is not an email address (like name@example.com).",
                        email.trim()
                    ),
                ));
            }
        }
    }
    check_when(f.at, now, &mut out);
    check_text("verbatim", &f.verbatim, "verbatim", &mut out);
    if f.tags.len() > MAX_TAGS {
        out.push(err(
            "tags",
            format!("At most {MAX_TAGS} tags; this has {}.", f.tags.len()),
        ));
    }
    if let Some(t) = f
        .tags
        .iter()
        .find(|t| t.trim().chars().count() > MAX_TAG_CHARS)
    {
        out.push(err(
            "tags",
            format!("\u{201c}{}\u{201d} is longer than {MAX_TAG_CHARS} characters; tags are a word or two.", t.trim()),
        ));
    }
    out
}

fn check_note(f: &NoteForm, contacts: &[ContactFacts], now: DateTime<Utc>) -> Vec<FieldError> {
    let mut out = Vec::new();
    if f.body.trim().is_empty() {
        out.push(err("body", "The note is empty. Type what was discussed."));
    }
    check_text("body", &f.body, "note", &mut out);
    if f.attendees
        .iter()
        .any(|a| !contacts.iter().any(|c| c.id == *a))
    {
        out.push(err(
            "attendees",
            "An attendee is not (or no longer) one of the account's contacts. Remove them from the list.",
        ));
    }
    check_when(f.at, now, &mut out);
    out
}

fn check_sentiment(f: &SentimentForm) -> Vec<FieldError> {
    let mut out = Vec::new();
    match f.value {
        None => out.push(err(
            "value",
            "Pick how the account feels to you, from 1 (very negative) to 5 (very positive).",
        )),
        Some(v) if !(1..=5).contains(&v) => out.push(err(
            "value",
            format!("Sentiment goes from 1 to 5; {v} is outside that range."),
        )),
        Some(_) => {}
    }
    if f.reason.trim().is_empty() {
        out.push(err(
            "reason",
            "Say why, in a sentence: the next person to read the score needs the reason.",
        ));
    } else if f.reason.chars().count() > MAX_REASON {
        out.push(err(
            "reason",
            format!("Keep the reason under {MAX_REASON} characters; put the rest in a note."),
        ));
    }
    out
}

/// Every field the form cannot be saved with (empty when it can).
pub fn validate(
    form: &CaptureForm,
    contacts: &[ContactFacts],
    now: DateTime<Utc>,
) -> Vec<FieldError> {
    match form {
        CaptureForm::Feedback(f) => check_feedback(f, contacts, now),
        CaptureForm::Note(f) => check_note(f, contacts, now),
        CaptureForm::Sentiment(f) => check_sentiment(f),
    }
}

/// Tags trimmed, without empties or repeats (ignoring case), in the order typed.
pub fn clean_tags(tags: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tags.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    out
}

/// A sentiment value in words.
pub fn sentiment_label(v: i64) -> &'static str {
    match v {
        1 => "very negative",
        2 => "negative",
        3 => "neutral",
        4 => "positive",
        _ => "very positive",
    }
}

fn first_line(s: &str, max: usize) -> String {
    let line = s
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() <= max {
        line.to_string()
    } else {
        let cut: String = line.chars().take(max - 1).collect();
        format!("{}\u{2026}", cut.trim_end())
    }
}

/// What a valid capture says in the CRM, and to which records it belongs. `now` stands in for
/// a missing "when".
pub fn payload(
    form: &CaptureForm,
    account_crm_id: &str,
    contacts: &[ContactFacts],
    now: DateTime<Utc>,
) -> WritePayload {
    let contact = |id: i64| contacts.iter().find(|c| c.id == id);
    match form {
        CaptureForm::Feedback(f) => {
            let score = f.score.unwrap_or_default();
            let (who, crm_ids, new_contact) = match &f.speaker {
                Speaker::Contact { id } => {
                    let c = contact(*id);
                    (
                        c.map(|c| c.name.clone()).unwrap_or_default(),
                        c.and_then(|c| c.crm_id.clone()).into_iter().collect(),
                        None,
                    )
                }
                Speaker::New { name, email } => (
                    format!("{} <{}>", name.trim(), email.trim()),
                    Vec::new(),
                    Some((name.trim().to_string(), email.trim().to_string())),
                ),
                Speaker::Unknown => (String::new(), Vec::new(), None),
            };
            let (_, hi) = score_range(f.kind);
            let label = kind_label(f.kind);
            let tags = clean_tags(&f.tags);
            let subject = if who.is_empty() {
                format!("{label} {score}/{hi}")
            } else {
                format!(
                    "{label} {score}/{hi} from {}",
                    who.split(" <").next().unwrap_or(&who)
                )
            };
            let mut body = format!(
                "{label} {score} out of {hi}, given in a {}.",
                f.channel.label().to_lowercase()
            );
            if f.kind == SurveyKind::Nps {
                body.push_str(&format!("\nQuestion: {NPS_QUESTION}"));
            }
            if !who.is_empty() {
                body.push_str(&format!("\nFrom: {who}"));
            }
            if !f.verbatim.trim().is_empty() {
                body.push_str(&format!("\n\n\u{201c}{}\u{201d}", f.verbatim.trim()));
            }
            if !tags.is_empty() {
                body.push_str(&format!("\n\nTags: {}", tags.join(", ")));
            }
            WritePayload {
                account_crm_id: account_crm_id.into(),
                contact_crm_ids: crm_ids,
                new_contact,
                at: f.at.unwrap_or(now),
                subject,
                body,
                feedback: Some(FeedbackPayload {
                    kind: f.kind,
                    score,
                    channel: f.channel,
                    verbatim: f.verbatim.trim().to_string(),
                    tags,
                }),
                due_on: None,
                advisory: None,
                health: None,
                owner_crm_id: None,
            }
        }
        CaptureForm::Note(f) => {
            let people: Vec<&ContactFacts> =
                f.attendees.iter().filter_map(|a| contact(*a)).collect();
            let mut body = f.body.trim().to_string();
            if !people.is_empty() {
                let names: Vec<&str> = people.iter().map(|c| c.name.as_str()).collect();
                body.push_str(&format!("\n\nAttendees: {}", names.join(", ")));
            }
            WritePayload {
                account_crm_id: account_crm_id.into(),
                contact_crm_ids: people.iter().filter_map(|c| c.crm_id.clone()).collect(),
                new_contact: None,
                at: f.at.unwrap_or(now),
                subject: first_line(&f.body, 80),
                body,
                feedback: None,
                due_on: None,
                advisory: None,
                health: None,
                owner_crm_id: None,
            }
        }
        CaptureForm::Sentiment(f) => {
            let v = f.value.unwrap_or(3);
            WritePayload {
                account_crm_id: account_crm_id.into(),
                contact_crm_ids: Vec::new(),
                new_contact: None,
                at: now,
                subject: format!("Account manager sentiment: {v}/5 ({})", sentiment_label(v)),
                body: format!(
                    "Account manager sentiment: {v} out of 5 ({}).\nWhy: {}",
                    sentiment_label(v),
                    f.reason.trim()
                ),
                feedback: None,
                due_on: None,
                advisory: None,
                health: None,
                owner_crm_id: None,
            }
        }
    }
}

#[cfg(test)]
mod tests;
