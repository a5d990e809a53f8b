//! Salesforce records → Rapport rows (pure). Field values arrive as JSON strings, numbers,
//! booleans or null; datetimes like `2026-11-20T10:00:00.000+0000`.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use super::plan::Mark;
use crate::domain::sync::*;
use crate::domain::{DealKind, DealStatus};
use crate::sync::derive;

pub type Record = Map<String, Value>;

fn text<'a>(r: &'a Record, f: &str) -> Option<&'a str> {
    r.get(f)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

fn num(r: &Record, f: &str) -> Option<f64> {
    match r.get(f)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|x: &f64| x.is_finite())
}

fn flag(r: &Record, f: &str) -> bool {
    r.get(f).and_then(Value::as_bool).unwrap_or(false)
}

pub fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(v))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn date(r: &Record, f: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text(r, f)?.get(..10)?, "%Y-%m-%d").ok()
}

fn time(r: &Record, f: &str) -> Option<DateTime<Utc>> {
    text(r, f).and_then(parse_time)
}

/// The record's position in `SystemModstamp, Id` order.
pub fn mark(r: &Record) -> Option<Mark> {
    Some(Mark {
        at: time(r, "SystemModstamp")?,
        id: text(r, "Id")?.to_string(),
    })
}

fn updated(r: &Record) -> DateTime<Utc> {
    time(r, "SystemModstamp").unwrap_or(DateTime::UNIX_EPOCH)
}

fn id(r: &Record) -> String {
    text(r, "Id").unwrap_or_default().to_string()
}

fn parent(r: &Record) -> Option<String> {
    text(r, "AccountId").map(str::to_string)
}

/// What mapping a batch needs besides the batch.
pub struct MapContext<'a> {
    pub settings: &'a Settings,
    /// The org's currency, for records that carry none.
    pub currency: &'a str,
    pub today: NaiveDate,
}

fn currency(r: &Record, ctx: &MapContext) -> String {
    text(r, "CurrencyIsoCode")
        .unwrap_or(ctx.currency)
        .to_string()
}

/// A checkbox, yes/true, or a date: the day a flag field was set, `fallback` without a date.
fn flag_day(r: &Record, f: &str, fallback: NaiveDate) -> Option<NaiveDate> {
    if f.is_empty() {
        return None;
    }
    match r.get(f)? {
        Value::Bool(true) => Some(fallback),
        Value::String(v) => date(r, f).or_else(|| {
            matches!(v.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1")
                .then_some(fallback)
        }),
        _ => None,
    }
}

pub fn rows(sobject: &str, records: &[Record], ctx: &MapContext) -> PageRows {
    let (s, today) = (ctx.settings, ctx.today);
    match sobject {
        "Account" => PageRows::Accounts(
            records
                .iter()
                .map(|r| {
                    let arr = num(r, &s.arr_property);
                    let start = date(r, &s.contract_start_property);
                    let renewal = date(r, &s.renewal_property);
                    let modified_day = updated(r).date_naive();
                    let churned_on = date(r, &s.churn_property).or_else(|| {
                        text(r, &s.churn_property)
                            .filter(|v| s.churn_values.iter().any(|c| c.eq_ignore_ascii_case(v)))
                            .map(|_| modified_day)
                    });
                    AccountRow {
                        crm_id: id(r),
                        name: text(r, "Name").unwrap_or("(unnamed account)").to_string(),
                        domain: text(r, "Website")
                            .map(|w| {
                                w.trim_start_matches("https://")
                                    .trim_start_matches("http://")
                                    .trim_start_matches("www.")
                                    .trim_end_matches('/')
                                    .to_string()
                            })
                            .unwrap_or_default(),
                        industry: text(r, "Industry").unwrap_or_default().to_string(),
                        segment: derive::segment(arr.unwrap_or(0.0)).to_string(),
                        owner: r
                            .get("Owner")
                            .and_then(|o| o.get("Name"))
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        owner_crm_id: text(r, "OwnerId").map(str::to_string),
                        stage: derive::stage(start, renewal, today),
                        arr,
                        currency: currency(r, ctx),
                        churned_on,
                        contract_start: start,
                        renewal_date: renewal,
                        seats_purchased: num(r, &s.seats_purchased_property).unwrap_or(0.0) as i64,
                        seats_used: num(r, &s.seats_used_property).map(|v| v as i64),
                        active_users: num(r, &s.active_users_property).map(|v| v as i64),
                        updated_at: updated(r),
                    }
                })
                .collect(),
        ),
        "Contact" => PageRows::Contacts(
            records
                .iter()
                .map(|r| {
                    let role = text(r, &s.role_property).unwrap_or_default().to_lowercase();
                    let modified_day = updated(r).date_naive();
                    let (left_on, left_reason) =
                        match flag_day(r, &s.left_company_property, modified_day) {
                            Some(d) => (
                                Some(d),
                                Some(format!(
                                    "marked as left in Salesforce ({})",
                                    s.left_company_property
                                )),
                            ),
                            None if flag(r, super::BOUNCED_FIELD) => {
                                (Some(modified_day), Some("mail to them bounces".to_string()))
                            }
                            None => (None, None),
                        };
                    let name = format!(
                        "{} {}",
                        text(r, "FirstName").unwrap_or_default(),
                        text(r, "LastName").unwrap_or_default()
                    );
                    ContactRow {
                        crm_id: id(r),
                        account_crm_id: parent(r),
                        name: name.trim().to_string(),
                        email: text(r, "Email").unwrap_or_default().to_string(),
                        title: text(r, "Title").unwrap_or_default().to_string(),
                        champion: role.contains("champion"),
                        sponsor: role.contains("sponsor"),
                        decision_maker: role.contains("decision"),
                        advisory: role.contains("influencer") || role.contains("advis"),
                        left_on,
                        left_reason,
                        updated_at: updated(r),
                    }
                })
                .collect(),
        ),
        "Opportunity" => PageRows::Deals(
            records
                .iter()
                .map(|r| DealRow {
                    crm_id: id(r),
                    account_crm_id: parent(r),
                    name: text(r, "Name")
                        .unwrap_or("(unnamed opportunity)")
                        .to_string(),
                    kind: text(r, "Type")
                        .and_then(|t| s.deal_types.get(t).copied())
                        .unwrap_or(DealKind::Other),
                    amount: num(r, "Amount").unwrap_or(0.0),
                    currency: currency(r, ctx),
                    stage: text(r, "StageName").unwrap_or_default().to_string(),
                    close_date: date(r, "CloseDate").unwrap_or(today),
                    status: match (flag(r, "IsClosed"), flag(r, "IsWon")) {
                        (true, true) => DealStatus::Won,
                        (true, false) => DealStatus::Lost,
                        _ => DealStatus::Open,
                    },
                    updated_at: updated(r),
                })
                .collect(),
        ),
        "Case" => PageRows::Tickets(
            records
                .iter()
                .map(|r| {
                    let closed = flag(r, "IsClosed");
                    TicketRow {
                        crm_id: id(r),
                        account_crm_id: parent(r),
                        subject: text(r, "Subject").unwrap_or_default().to_string(),
                        priority: text(r, "Priority").unwrap_or("Medium").to_lowercase(),
                        status: if closed { "closed" } else { "open" }.into(),
                        opened_on: date(r, "CreatedDate").unwrap_or(today),
                        closed_on: closed.then(|| date(r, "ClosedDate").unwrap_or(today)),
                        updated_at: updated(r),
                    }
                })
                .collect(),
        ),
        // Task and Event.
        _ => PageRows::Activities(
            records
                .iter()
                .map(|r| {
                    let event = sobject == "Event";
                    let subtype = text(r, "TaskSubtype").unwrap_or("Task");
                    let kind = match (event, subtype) {
                        (true, _) => "meeting",
                        (_, "Call") => "call",
                        (_, "Email") => "email",
                        _ => "task",
                    };
                    let direction = match text(r, "CallType") {
                        Some("Inbound") => "inbound",
                        _ if kind == "task" => "internal",
                        _ => "outbound",
                    };
                    ActivityRow {
                        crm_id: id(r),
                        account_crm_id: parent(r),
                        kind,
                        direction: direction.into(),
                        occurred_at: time(r, "ActivityDateTime")
                            .or_else(|| {
                                date(r, "ActivityDate")
                                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                                    .map(|t| t.and_utc())
                            })
                            .unwrap_or_else(|| updated(r)),
                        summary: text(r, "Subject")
                            .unwrap_or_default()
                            .chars()
                            .take(500)
                            .collect(),
                        two_way: matches!(kind, "meeting" | "call")
                            || (kind == "email" && direction == "inbound"),
                        updated_at: updated(r),
                    }
                })
                .collect(),
        ),
    }
}
