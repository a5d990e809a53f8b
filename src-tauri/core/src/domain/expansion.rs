//! Expansion opportunities (DESIGN §4): accounts whose signals say they are ready to buy more —
//! seats nearly or over full, a promoter, health green and rising — with a value estimated from
//! the price book, ranked, and handed to sales as a task.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a seat costs a year in one tier; `rank` orders tiers from the entry one up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TierPrice {
    pub tier: String,
    pub seat_price: f64,
    pub rank: i64,
}

/// Seat prices by tier. Until the user sets it, it is estimated from the book itself (the
/// median ARR per seat of each tier's accounts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriceBook {
    pub currency: String,
    pub tiers: Vec<TierPrice>,
    /// Estimated from the book, not set by the user.
    pub estimated: bool,
}

/// Why an account looks ready to expand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// More people active than seats bought.
    OverSeats,
    /// Seat utilisation above 80 %.
    SeatsNearFull,
    /// An NPS promoter (9–10) in the last 180 days.
    Promoter,
    /// Health green and up 5 points or more over 90 days.
    HealthRising,
}

/// One signal with the figure behind it, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Signal {
    pub kind: SignalKind,
    pub text: String,
    #[ts(type = "string | null")]
    pub on: Option<NaiveDate>,
}

/// What the opportunity would sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExpansionKind {
    /// More seats, to bring utilisation back to 80 %.
    Seats,
    /// The next tier up for every seat.
    Upgrade,
}

impl ExpansionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExpansionKind::Seats => "seats",
            ExpansionKind::Upgrade => "upgrade",
        }
    }
    pub fn parse(s: &str) -> Option<ExpansionKind> {
        match s {
            "seats" => Some(ExpansionKind::Seats),
            "upgrade" => Some(ExpansionKind::Upgrade),
            _ => None,
        }
    }
}

/// A handoff to sales, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Handoff {
    pub id: i64,
    pub kind: ExpansionKind,
    pub seats: i64,
    pub estimated_value: f64,
    #[ts(type = "string")]
    pub handed_on: NaiveDate,
    pub handed_by: String,
    pub task_id: Option<i64>,
}

/// Where an opportunity stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum OpportunityState {
    Open,
    /// Sales has an open expansion deal for the account already.
    InPipeline {
        amount: f64,
    },
    /// Handed to sales; nothing won since.
    Handed {
        handoff: Handoff,
    },
    /// Expansion deals won on or after the handoff.
    Won {
        handoff: Handoff,
        amount: f64,
        #[ts(type = "string")]
        on: NaiveDate,
    },
}

/// One account's facts as the store reads them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpansionFacts {
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub tier: String,
    pub seats: i64,
    pub arr: f64,
    pub currency: String,
    pub band: Option<crate::domain::health::Band>,
    pub score: Option<i64>,
    /// The first score of the 90-day window.
    pub score_before: Option<i64>,
    /// Active users ÷ seats, as the latest health score read it, and its day.
    pub utilisation: Option<f64>,
    pub usage_on: Option<NaiveDate>,
    /// The latest promoter answer in 180 days: score, day, who.
    pub promoter: Option<(i64, NaiveDate, String)>,
    pub open_expansion: Option<f64>,
    /// The latest handoff, and the expansion deals won on or after it: total and last day.
    pub handoff: Option<Handoff>,
    pub won_since: Option<(f64, NaiveDate)>,
}

/// An account ready to expand, with the evidence and the estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Opportunity {
    pub account_id: i64,
    pub account: String,
    pub owner: String,
    pub tier: String,
    pub seats: i64,
    pub arr: f64,
    pub currency: String,
    pub utilisation: Option<f64>,
    pub kind: ExpansionKind,
    /// Seats to add (for an upgrade: the seats moving up).
    pub seats_to_add: i64,
    /// The tier an upgrade moves to.
    pub to_tier: Option<String>,
    /// Per seat per year: the price book's for its tier, else what the account pays per seat.
    pub seat_price: f64,
    pub price_from_book: bool,
    /// A year's extra ARR.
    pub estimated_value: f64,
    pub signals: Vec<Signal>,
    /// One sentence: what to sell and why.
    pub summary: String,
    pub state: OpportunityState,
}

/// The book's expansion opportunities, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ExpansionView {
    #[ts(type = "string")]
    pub as_of: NaiveDate,
    pub opportunities: Vec<Opportunity>,
    pub price_book: PriceBook,
    /// Estimated ARR of the opportunities not yet handed or won.
    pub open_value: f64,
    pub handed: i64,
    /// Won after a handoff from here, in the last 12 months.
    pub won_value: f64,
    /// Tiers with no price in the price book whose accounts have no ARR per seat to go by
    /// either (no estimate for them).
    pub unpriced_tiers: Vec<String>,
}

/// What handing an opportunity to sales did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HandedOff {
    pub task_id: i64,
    /// The CRM write queued for it; absent for accounts not in a CRM.
    pub outbox_id: Option<i64>,
    pub message: String,
    pub view: ExpansionView,
}

/// What saving the price book did: field errors (nothing saved), or the view at the new prices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PriceBookSaved {
    pub errors: Vec<crate::domain::capture::FieldError>,
    pub view: Option<ExpansionView>,
}
