//! What the account manager captures (feedback, notes, their own sentiment) and the outbox that
//! carries each capture to the CRM (DESIGN §2: "store (+ outbox row in the same transaction)").

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SurveyKind;
use crate::error::IpcError;

/// One of the account's contacts, as the forms need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ContactFacts {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub crm_id: Option<String>,
}

/// Where the feedback was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Meeting,
    Call,
    Email,
    Qbr,
    SiteVisit,
    Chat,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Meeting,
        Channel::Call,
        Channel::Email,
        Channel::Qbr,
        Channel::SiteVisit,
        Channel::Chat,
        Channel::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Meeting => "meeting",
            Channel::Call => "call",
            Channel::Email => "email",
            Channel::Qbr => "qbr",
            Channel::SiteVisit => "site_visit",
            Channel::Chat => "chat",
            Channel::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Channel::Meeting => "Meeting",
            Channel::Call => "Call",
            Channel::Email => "Email",
            Channel::Qbr => "QBR",
            Channel::SiteVisit => "Site visit",
            Channel::Chat => "Chat",
            Channel::Other => "Other",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        let s = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Who gave the feedback.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Speaker {
    /// Not chosen yet (a draft); saving asks for someone.
    Unknown,
    /// One of the account's contacts.
    Contact { id: i64 },
    /// Someone not yet among the account's contacts.
    New { name: String, email: String },
}

/// The feedback form as typed: every field may still be empty or wrong (drafts keep it as is).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FeedbackForm {
    pub account_id: i64,
    pub kind: SurveyKind,
    /// `None` until a score is picked.
    pub score: Option<i64>,
    pub verbatim: String,
    pub speaker: Speaker,
    pub channel: Channel,
    /// When it was said; `None` means now.
    #[ts(type = "string | null")]
    pub at: Option<DateTime<Utc>>,
    pub tags: Vec<String>,
}

/// Meeting notes with who attended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NoteForm {
    pub account_id: i64,
    pub body: String,
    /// Contact ids of the account's people who attended.
    pub attendees: Vec<i64>,
    #[ts(type = "string | null")]
    pub at: Option<DateTime<Utc>>,
}

/// The account manager's own read of the account (the health score's sentiment measure).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SentimentForm {
    pub account_id: i64,
    /// 1 (very negative) to 5 (very positive); `None` until picked.
    pub value: Option<i64>,
    pub reason: String,
}

/// Any of the three forms, as a draft or a capture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum CaptureForm {
    Feedback(FeedbackForm),
    Note(NoteForm),
    Sentiment(SentimentForm),
}

impl CaptureForm {
    pub fn account_id(&self) -> i64 {
        match self {
            CaptureForm::Feedback(f) => f.account_id,
            CaptureForm::Note(f) => f.account_id,
            CaptureForm::Sentiment(f) => f.account_id,
        }
    }
    pub fn kind(&self) -> WriteKind {
        match self {
            CaptureForm::Feedback(_) => WriteKind::Feedback,
            CaptureForm::Note(_) => WriteKind::Note,
            CaptureForm::Sentiment(_) => WriteKind::Sentiment,
        }
    }
}

/// A field the form cannot be saved with, and why, in a sentence for next to the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldError {
    /// The form field's name (`score`, `speaker`, `email`, `at`, `verbatim`, `tags`, `body`, ...).
    pub field: String,
    pub message: String,
}

/// What a write to the CRM carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WriteKind {
    Feedback,
    Note,
    Sentiment,
    /// A to-do in the CRM (a follow-up or an escalation), open until someone does it.
    Task,
    /// A contact joining or leaving the client advisory program (a flag on the CRM contact).
    Advisory,
    /// The account's health score and band, written to CRM fields (opt-in per connection).
    Score,
}

impl WriteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteKind::Feedback => "feedback",
            WriteKind::Note => "note",
            WriteKind::Sentiment => "sentiment",
            WriteKind::Task => "task",
            WriteKind::Advisory => "advisory",
            WriteKind::Score => "score",
        }
    }
    pub fn parse(s: &str) -> Option<WriteKind> {
        [
            WriteKind::Feedback,
            WriteKind::Note,
            WriteKind::Sentiment,
            WriteKind::Task,
            WriteKind::Advisory,
            WriteKind::Score,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Where an outbox entry is on its way to the CRM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting for its next attempt.
    Pending,
    /// An attempt is under way (or was, when the app stopped mid-attempt).
    Sending,
    /// The CRM holds it; `crm_id` says where.
    Delivered,
    /// The last attempt may have landed (the answer was lost): it is looked up before any resend.
    Unconfirmed,
    /// The CRM refused it for good; the reason says what to fix before retrying.
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Delivered => "delivered",
            OutboxState::Unconfirmed => "unconfirmed",
            OutboxState::Failed => "failed",
        }
    }
    pub fn parse(s: &str) -> Option<OutboxState> {
        [
            OutboxState::Pending,
            OutboxState::Sending,
            OutboxState::Delivered,
            OutboxState::Unconfirmed,
            OutboxState::Failed,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
    /// Still on its way (counts in "N waiting to send").
    pub fn waiting(self) -> bool {
        !matches!(self, OutboxState::Delivered)
    }
}

/// The CRM-facing content of a write, fixed when it was captured (later edits to the account or
/// contact do not change what was said).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WritePayload {
    /// The account's id in the CRM.
    pub account_crm_id: String,
    /// The speaker's or attendees' ids in the CRM, when they have one.
    pub contact_crm_ids: Vec<String>,
    /// A person not in the CRM yet, named in the text.
    pub new_contact: Option<(String, String)>,
    pub at: DateTime<Utc>,
    /// The record's subject line (a task's Subject, a note's first line).
    pub subject: String,
    /// The full text as it should read in the CRM.
    pub body: String,
    /// Feedback only: kind, score, channel, verbatim and tags.
    pub feedback: Option<FeedbackPayload>,
    /// Tasks only: the day it is due (`at` is then its due moment).
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
    /// Advisory only: whether the contact (the first of `contact_crm_ids`) is a member.
    #[serde(default)]
    pub advisory: Option<bool>,
    /// Score write-back only: what the account's fields should now say.
    #[serde(default)]
    pub health: Option<HealthWrite>,
    /// Tasks only: the CRM user it is assigned to (the account's owner).
    #[serde(default)]
    pub owner_crm_id: Option<String>,
}

/// An account's health as written to its CRM fields; `None` clears a field (an account too new
/// or too quiet to score must not keep a stale score in the CRM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthWrite {
    pub score: Option<i64>,
    pub band: Option<String>,
    /// The day the score was computed for.
    pub as_of: NaiveDate,
}

impl WriteKind {
    /// Whether the CRM write is an update of an existing record (idempotent: simply sent again
    /// after a lost answer) rather than the creation of one.
    pub fn is_update(self) -> bool {
        matches!(self, WriteKind::Advisory | WriteKind::Score)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedbackPayload {
    pub kind: SurveyKind,
    pub score: i64,
    pub channel: Channel,
    pub verbatim: String,
    pub tags: Vec<String>,
}

/// An outbox entry as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxRecord {
    pub id: i64,
    /// Generated once when captured; sent as the CRM's external id or marker.
    pub key: String,
    pub connection_id: i64,
    pub account_id: i64,
    pub kind: WriteKind,
    pub payload: WritePayload,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<IpcError>,
    pub crm_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// An outbox entry as the screens and `rapport outbox` show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct OutboxEntryView {
    pub id: i64,
    pub key: String,
    pub connection: String,
    pub account_id: i64,
    pub account: String,
    pub kind: WriteKind,
    pub summary: String,
    pub state: OutboxState,
    pub attempts: i64,
    #[ts(type = "string")]
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<IpcError>,
    pub crm_id: Option<String>,
    /// Opens the record in the CRM, once delivered.
    pub crm_url: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string | null")]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A draft kept as it was typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Draft {
    pub form: CaptureForm,
    #[ts(type = "string")]
    pub saved_at: DateTime<Utc>,
}

/// What saving a capture did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Captured {
    /// Why the form could not be saved (nothing was saved); empty when it was.
    pub errors: Vec<FieldError>,
    /// The outbox entry carrying it to the CRM; `None` for demo accounts (no CRM to tell).
    pub outbox: Option<OutboxEntryView>,
}
