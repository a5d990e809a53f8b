//! Expansion signals (pure, "today" passed in): which accounts are ready to buy more and why,
//! what it is worth at the price book's seat prices, the price book estimated from the book
//! until the user sets one, and the task a handoff to sales makes.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};

use crate::domain::capture::FieldError;
use crate::domain::expansion::{
    ExpansionFacts, ExpansionKind, Opportunity, OpportunityState, PriceBook, Signal, SignalKind,
    TierPrice,
};
use crate::domain::health::Band;

/// Seat utilisation above this is a signal (DESIGN §4).
pub const NEAR_FULL: f64 = 0.8;
/// Seats are estimated to bring utilisation back to this.
pub const TARGET_UTILISATION: f64 = 0.8;
/// An upgrade is suggested only to accounts using at least this share of their seats.
pub const UPGRADE_MIN_UTILISATION: f64 = 0.6;
/// Health points gained over 90 days that count as rising.
pub const RISING_POINTS: i64 = 5;
/// A handoff stays with sales this long before the opportunity is open again.
pub const HANDOFF_DAYS: i64 = 180;
/// Won expansion counts in the view for this long.
pub const WON_DAYS: i64 = 365;

fn pct(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

fn money(v: f64, currency: &str) -> String {
    format!("{} {currency}", crate::value::figure(v.round()))
}

/// The price book estimated from the book: each tier's median ARR per seat, tiers ranked by it.
/// `accounts` are `(tier, arr, seats)`.
pub fn estimated_price_book(accounts: &[(String, f64, i64)], currency: &str) -> PriceBook {
    let mut per_seat: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    for (tier, arr, seats) in accounts {
        if *seats > 0 && *arr > 0.0 && !tier.trim().is_empty() {
            per_seat
                .entry(tier.trim())
                .or_default()
                .push(arr / *seats as f64);
        }
    }
    let mut tiers: Vec<TierPrice> = per_seat
        .into_iter()
        .map(|(tier, mut v)| {
            v.sort_by(f64::total_cmp);
            let n = v.len();
            let median = if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2]) / 2.0
            };
            TierPrice {
                tier: tier.to_string(),
                seat_price: median.round(),
                rank: 0,
            }
        })
        .collect();
    tiers.sort_by(|a, b| a.seat_price.total_cmp(&b.seat_price));
    for (i, t) in tiers.iter_mut().enumerate() {
        t.rank = i as i64;
    }
    PriceBook {
        currency: currency.to_string(),
        tiers,
        estimated: true,
    }
}

/// The price book's field errors (`tiers.<i>.tier`, `tiers.<i>.seat_price`).
pub fn check_price_book(book: &PriceBook) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, t) in book.tiers.iter().enumerate() {
        let name = t.tier.trim();
        if name.is_empty() {
            out.push(FieldError {
                field: format!("tiers.{i}.tier"),
                message: "Name the tier.".into(),
            });
        } else if !seen.insert(name.to_lowercase()) {
            out.push(FieldError {
                field: format!("tiers.{i}.tier"),
                message: "This tier is listed twice.".into(),
            });
        }
        if !t.seat_price.is_finite() || t.seat_price <= 0.0 || t.seat_price > 1e9 {
            out.push(FieldError {
                field: format!("tiers.{i}.seat_price"),
                message: "Enter the price of a seat for a year, more than zero.".into(),
            });
        }
    }
    out
}

fn find<'a>(book: &'a PriceBook, tier: &str) -> Option<&'a TierPrice> {
    book.tiers
        .iter()
        .find(|t| t.tier.trim().eq_ignore_ascii_case(tier.trim()))
}

fn signals(f: &ExpansionFacts) -> Vec<Signal> {
    let mut out = Vec::new();
    if let Some(u) = f.utilisation.filter(|_| f.seats > 0) {
        let active = (u * f.seats as f64).round();
        if u > 1.0 {
            out.push(Signal {
                kind: SignalKind::OverSeats,
                text: format!(
                    "{active:.0} people active on {} seats ({}).",
                    f.seats,
                    pct(u)
                ),
                on: f.usage_on,
            });
        } else if u > NEAR_FULL {
            out.push(Signal {
                kind: SignalKind::SeatsNearFull,
                text: format!("{active:.0} of {} seats in use ({}).", f.seats, pct(u)),
                on: f.usage_on,
            });
        }
    }
    if let Some((score, on, who)) = &f.promoter {
        let who = match who.trim() {
            "" => "A contact".to_string(),
            w => w.to_string(),
        };
        out.push(Signal {
            kind: SignalKind::Promoter,
            text: format!(
                "{who} scored {score} for NPS on {}.",
                on.format("%-d %b %Y")
            ),
            on: Some(*on),
        });
    }
    if let (Some(Band::Green), Some(now), Some(before)) = (f.band, f.score, f.score_before) {
        if now - before >= RISING_POINTS {
            out.push(Signal {
                kind: SignalKind::HealthRising,
                text: format!("Health {now}, up {} points in 90 days.", now - before),
                on: None,
            });
        }
    }
    out
}

/// The opportunity signals make for one account, if any: more seats when they are (nearly)
/// full, else the next tier up for an account with a promoter and rising health that uses most
/// of its seats.
fn estimate(
    f: &ExpansionFacts,
    signals: &[Signal],
    book: &PriceBook,
) -> Option<(ExpansionKind, i64, Option<String>, f64, f64)> {
    // CRM companies often carry no tier: their own price per seat is then the best estimate.
    let listed = find(book, &f.tier);
    let seat_price = match listed {
        Some(t) => t.seat_price,
        None if f.seats > 0 && f.arr > 0.0 => (f.arr / f.seats as f64).round(),
        None => return None,
    };
    let seats_signal = signals
        .iter()
        .any(|s| matches!(s.kind, SignalKind::OverSeats | SignalKind::SeatsNearFull));
    let u = f.utilisation.unwrap_or(0.0);
    if seats_signal {
        // Whole people: the 7-day average can be fractional.
        let active = (u * f.seats as f64).round();
        let add = ((active / TARGET_UTILISATION).ceil() as i64 - f.seats).max(1);
        return Some((
            ExpansionKind::Seats,
            add,
            None,
            seat_price,
            add as f64 * seat_price,
        ));
    }
    // Moving every seat up a tier is a big ask: it takes a promoter and rising health both.
    let has = |k: SignalKind| signals.iter().any(|s| s.kind == k);
    let ready = has(SignalKind::Promoter) && has(SignalKind::HealthRising);
    let price = listed?;
    if !ready || u < UPGRADE_MIN_UTILISATION || f.seats == 0 {
        return None;
    }
    let next = book
        .tiers
        .iter()
        .filter(|t| t.rank > price.rank && t.seat_price > price.seat_price)
        .min_by_key(|t| t.rank)?;
    let step = next.seat_price - price.seat_price;
    Some((
        ExpansionKind::Upgrade,
        f.seats,
        Some(next.tier.clone()),
        step,
        f.seats as f64 * step,
    ))
}

fn state(f: &ExpansionFacts, today: NaiveDate) -> OpportunityState {
    match (&f.handoff, f.won_since) {
        (Some(h), Some((amount, on))) if (today - on).num_days() <= WON_DAYS => {
            OpportunityState::Won {
                handoff: h.clone(),
                amount,
                on,
            }
        }
        (Some(h), None) if (today - h.handed_on).num_days() <= HANDOFF_DAYS => {
            OpportunityState::Handed { handoff: h.clone() }
        }
        _ => match f.open_expansion {
            Some(amount) => OpportunityState::InPipeline { amount },
            None => OpportunityState::Open,
        },
    }
}

/// The book's opportunities on `today`, open ones first (ranked by estimated value, weighed up
/// by each further signal behind it), then those with sales; and the tiers without a price.
pub fn opportunities(
    facts: &[ExpansionFacts],
    book: &PriceBook,
    today: NaiveDate,
) -> (Vec<Opportunity>, Vec<String>) {
    let mut unpriced = BTreeSet::new();
    let mut out: Vec<(f64, Opportunity)> = Vec::new();
    for f in facts {
        let state = state(f, today);
        let signals = if f.band == Some(Band::Red) {
            // An unhealthy account is a retention job first.
            Vec::new()
        } else {
            signals(f)
        };
        let estimate = estimate(f, &signals, book);
        if estimate.is_none()
            && !signals.is_empty()
            && find(book, &f.tier).is_none()
            && (f.seats == 0 || f.arr <= 0.0)
        {
            unpriced.insert(f.tier.trim().to_string());
        }
        let (kind, seats_to_add, to_tier, seat_price, value) = match (estimate, &state) {
            (Some(e), _) => e,
            // Handed or won earlier: still shown with what was estimated then.
            (
                None,
                OpportunityState::Handed { handoff } | OpportunityState::Won { handoff, .. },
            ) => (
                handoff.kind,
                handoff.seats,
                None,
                0.0,
                handoff.estimated_value,
            ),
            (None, _) => continue,
        };
        let price_from_book = find(book, &f.tier).is_some();
        let summary = match kind {
            ExpansionKind::Seats => format!(
                "{seats_to_add} more {} at {} a seat{}: about {} a year.",
                if seats_to_add == 1 { "seat" } else { "seats" },
                money(seat_price, &f.currency),
                if price_from_book {
                    ""
                } else {
                    " (what it pays now)"
                },
                money(value, &f.currency)
            ),
            ExpansionKind::Upgrade => format!(
                "{} seats from {} to {}: about {} a year more.",
                seats_to_add,
                f.tier.trim(),
                to_tier.as_deref().unwrap_or("the next tier"),
                money(value, &f.currency)
            ),
        };
        let weight = value * (1.0 + 0.25 * (signals.len().saturating_sub(1)) as f64);
        out.push((
            weight,
            Opportunity {
                account_id: f.account_id,
                account: f.account.clone(),
                owner: f.owner.clone(),
                tier: f.tier.clone(),
                seats: f.seats,
                arr: f.arr,
                currency: f.currency.clone(),
                utilisation: f.utilisation,
                kind,
                seats_to_add,
                to_tier,
                seat_price,
                price_from_book,
                estimated_value: value,
                signals,
                summary,
                state,
            },
        ));
    }
    let group = |s: &OpportunityState| match s {
        OpportunityState::Open => 0,
        OpportunityState::Handed { .. } => 1,
        OpportunityState::InPipeline { .. } => 2,
        OpportunityState::Won { .. } => 3,
    };
    out.sort_by(|(wa, a), (wb, b)| {
        group(&a.state)
            .cmp(&group(&b.state))
            .then(wb.total_cmp(wa))
            .then(a.account_id.cmp(&b.account_id))
    });
    (
        out.into_iter().map(|(_, o)| o).collect(),
        unpriced.into_iter().collect(),
    )
}

/// The sales task a handoff makes: its title and body (the evidence, the estimate, from whom).
pub fn handoff_task(o: &Opportunity, by: &str) -> (String, String) {
    let title = match o.kind {
        ExpansionKind::Seats => format!(
            "Expansion: {} more seats for {}",
            o.seats_to_add,
            o.account.trim()
        ),
        ExpansionKind::Upgrade => format!(
            "Expansion: {} to {}",
            o.account.trim(),
            o.to_tier.as_deref().unwrap_or("the next tier")
        ),
    };
    let mut body = vec![o.summary.clone(), String::new(), "Signals:".to_string()];
    body.extend(o.signals.iter().map(|s| format!("• {}", s.text)));
    body.push(String::new());
    body.push(format!(
        "Handed to sales by {by}; the account manager is {}.",
        match o.owner.trim() {
            "" => "not set",
            w => w,
        }
    ));
    (title, body.join("\n"))
}

/// The day a handoff is due with sales: a week from today.
pub fn handoff_due(today: NaiveDate) -> NaiveDate {
    today + Duration::days(7)
}

#[cfg(test)]
mod tests;
