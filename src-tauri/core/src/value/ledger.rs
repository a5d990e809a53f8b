//! The value ledger's rules (pure, "today" passed in): what a value entry must satisfy before it
//! is saved, the ledger's totals per year and per milestone, the ROI multiple against what the
//! client pays, and the note an entry leaves in the CRM.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::{figure, too_long, MAX_TEXT};
use crate::domain::capture::FieldError;
use crate::domain::value::{
    Confirmation, ContactChoice, MilestoneValue, OtherCurrency, ValueEntryForm, ValueEntryView,
    ValueLedger, ValueRecord, YearValue,
};

const MAX_DESCRIPTION: usize = 200;
/// Amounts beyond this are typing slips.
const MAX_AMOUNT: f64 = 1e12;

/// The entry's field errors, in sentences for next to the fields (`description`, `amount`,
/// `currency`, `measured_how`, `evidence`, `evidence_url`, `recorded_on`, `confirmed_by`).
/// Whether the milestone and contact belong to the account is the caller's check.
pub fn check_value_entry(f: &ValueEntryForm, today: NaiveDate) -> Vec<FieldError> {
    let mut out = Vec::new();
    let mut err = |field: &str, message: &str| {
        out.push(FieldError {
            field: field.into(),
            message: message.into(),
        })
    };
    let description = f.description.trim();
    if description.is_empty() {
        err("description", "Say what value the client got.");
    } else if too_long(description, MAX_DESCRIPTION) {
        err("description", "Keep the description under 200 characters.");
    }
    match f.amount {
        None => err("amount", "Enter the value as an amount."),
        Some(a) if !a.is_finite() || a.abs() > MAX_AMOUNT => err("amount", "Enter a number."),
        Some(a) if a <= 0.0 => err("amount", "The value must be more than zero."),
        _ => {}
    }
    let currency = f.currency.trim();
    let code = currency.len() == 3 && currency.chars().all(|c| c.is_ascii_alphabetic());
    if !currency.is_empty() && !code {
        err(
            "currency",
            "Use a three-letter currency code, like USD or EUR.",
        );
    }
    if too_long(&f.measured_how, MAX_TEXT) {
        err("measured_how", "Keep this under 4,000 characters.");
    }
    if too_long(&f.evidence, MAX_TEXT) {
        err("evidence", "Keep the evidence under 4,000 characters.");
    }
    let link = f.evidence_url.trim();
    if !link.is_empty() {
        match url::Url::parse(link) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => err(
                "evidence_url",
                "Enter a web address starting with https:// (or leave it empty).",
            ),
        }
    }
    match f.recorded_on {
        None => err("recorded_on", "Pick the day the value was delivered."),
        Some(d) if d > today => err("recorded_on", "The day cannot be in the future."),
        _ => {}
    }
    if f.confirmation == Confirmation::Confirmed && f.confirmed_by.is_none() {
        err("confirmed_by", "Say who at the client confirmed it.");
    }
    out
}

/// The currency an entry is kept in: the typed one in capitals, else the account's.
pub fn currency_of(f: &ValueEntryForm, account_currency: &str) -> String {
    match f.currency.trim() {
        "" => account_currency.to_string(),
        c => c.to_ascii_uppercase(),
    }
}

/// The account's ledger on `today`: entries newest first; totals in the account's currency only.
pub fn ledger(
    records: Vec<ValueRecord>,
    currency: &str,
    arr: f64,
    contacts: Vec<ContactChoice>,
    today: NaiveDate,
) -> ValueLedger {
    let year_ago = today - Duration::days(365);
    let mut years: BTreeMap<i32, YearValue> = BTreeMap::new();
    let mut by_milestone: BTreeMap<i64, MilestoneValue> = BTreeMap::new();
    let mut other: BTreeMap<String, OtherCurrency> = BTreeMap::new();
    let (mut last_12m, mut last_12m_confirmed) = (0.0, 0.0);
    let mut entries: Vec<ValueEntryView> = records
        .into_iter()
        .map(|r| {
            let counted = r.currency.eq_ignore_ascii_case(currency);
            let confirmed = r.confirmation == Confirmation::Confirmed;
            if counted {
                let y = years.entry(r.recorded_on.year()).or_insert(YearValue {
                    year: r.recorded_on.year(),
                    total: 0.0,
                    confirmed: 0.0,
                    entries: 0,
                });
                y.total += r.amount;
                y.entries += 1;
                if confirmed {
                    y.confirmed += r.amount;
                }
                if r.recorded_on > year_ago && r.recorded_on <= today {
                    last_12m += r.amount;
                    if confirmed {
                        last_12m_confirmed += r.amount;
                    }
                }
                if let (Some(id), Some(name)) = (r.milestone_id, &r.milestone) {
                    by_milestone
                        .entry(id)
                        .or_insert(MilestoneValue {
                            milestone_id: id,
                            name: name.clone(),
                            total: 0.0,
                        })
                        .total += r.amount;
                }
            } else {
                let o = other.entry(r.currency.clone()).or_insert(OtherCurrency {
                    currency: r.currency.clone(),
                    total: 0.0,
                    entries: 0,
                });
                o.total += r.amount;
                o.entries += 1;
            }
            ValueEntryView {
                id: r.id,
                category: r.category,
                description: r.description,
                amount: r.amount,
                currency: r.currency,
                measured_how: r.measured_how,
                evidence: r.evidence,
                evidence_url: r.evidence_url,
                usage: r.usage,
                recorded_on: r.recorded_on,
                milestone_id: r.milestone_id,
                milestone: r.milestone,
                confirmed_by: r.confirmed_by,
                confirmed_by_name: r.confirmed_by_name,
                confirmation: r.confirmation,
                counted,
            }
        })
        .collect();
    entries.sort_by(|a, b| b.recorded_on.cmp(&a.recorded_on).then(b.id.cmp(&a.id)));
    let mut by_milestone: Vec<MilestoneValue> = by_milestone.into_values().collect();
    by_milestone.sort_by(|a, b| b.total.total_cmp(&a.total));
    let per_paid = |v: f64| (arr > 0.0).then(|| v / arr);
    ValueLedger {
        currency: currency.to_string(),
        arr,
        entries,
        years: years.into_values().rev().collect(),
        by_milestone,
        last_12m,
        last_12m_confirmed,
        roi_multiple: per_paid(last_12m),
        roi_confirmed: per_paid(last_12m_confirmed),
        other_currencies: other.into_values().collect(),
        contacts,
    }
}

/// The note an entry leaves on the company in the CRM.
pub fn value_note_body(e: &ValueEntryView) -> String {
    let mut lines = vec![format!(
        "Value delivered — {}: {} {}",
        e.category.label(),
        figure(e.amount),
        e.currency
    )];
    lines.push(e.description.trim().to_string());
    lines.push(format!(
        "Recorded for {}.",
        e.recorded_on.format("%-d %b %Y")
    ));
    if let Some(m) = &e.milestone {
        lines.push(format!("Milestone: {}", m.trim()));
    }
    if !e.measured_how.trim().is_empty() {
        lines.push(format!("How it was measured: {}", e.measured_how.trim()));
    }
    if let Some(u) = &e.usage {
        lines.push(format!(
            "{}: {} on {}",
            u.metric.label(),
            figure(u.value),
            u.on.format("%-d %b %Y")
        ));
    }
    if !e.evidence.trim().is_empty() {
        lines.push(format!("Evidence: {}", e.evidence.trim()));
    }
    if !e.evidence_url.trim().is_empty() {
        lines.push(format!("Link: {}", e.evidence_url.trim()));
    }
    lines.push(match (e.confirmation, &e.confirmed_by_name) {
        (Confirmation::Confirmed, Some(who)) => format!("Confirmed by {}.", who.trim()),
        (Confirmation::Requested, _) => "Confirmation requested from the client.".into(),
        (Confirmation::Disputed, _) => "The client disputes this figure.".into(),
        _ => "Not yet confirmed by the client.".into(),
    });
    lines.join("\n")
}

#[cfg(test)]
#[path = "ledger_tests.rs"]
mod tests;
