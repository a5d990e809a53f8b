//! HubSpot objects → Rapport rows (pure). Property values arrive as strings; a value that does
//! not parse is treated as missing rather than failing the page.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::wire::Object;
use super::ObjectSpec;
use crate::domain::sync::*;
use crate::domain::{DealKind, DealStatus, SurveyKind};
use crate::sync::derive;

/// Timestamps come as ISO 8601 (`2026-11-24T10:00:00.000Z`) or epoch milliseconds.
pub fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    if let Ok(ms) = v.parse::<i64>() {
        return DateTime::from_timestamp_millis(ms);
    }
    DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or_else(|| {
            parse_date(v)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

/// Dates come as `YYYY-MM-DD` or as a full timestamp.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok()
}

fn num(v: Option<&str>) -> Option<f64> {
    v.and_then(|s| s.parse::<f64>().ok())
        .filter(|x| x.is_finite())
}

/// `COMPUTER_SOFTWARE` → `Computer software`.
fn humanize(v: &str) -> String {
    let lower = v.replace('_', " ").to_lowercase();
    let mut c = lower.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// The record's last-modified time in ms, for the planner.
pub fn modified_ms(spec: &ObjectSpec, o: &Object) -> i64 {
    o.prop(spec.modified_prop)
        .and_then(parse_time)
        .map_or(0, |t| t.timestamp_millis())
}

fn updated(spec: &ObjectSpec, o: &Object) -> DateTime<Utc> {
    o.prop(spec.modified_prop)
        .and_then(parse_time)
        .unwrap_or(DateTime::UNIX_EPOCH)
}

/// What mapping a page needs besides the page.
pub struct MapContext<'a> {
    /// Each object's primary company id.
    pub parents: &'a HashMap<String, String>,
    /// Owner id → name.
    pub owners: &'a HashMap<String, String>,
    pub settings: &'a Settings,
    /// The portal's company currency.
    pub currency: &'a str,
    pub today: NaiveDate,
}

/// The HubSpot property marking a contact whose mail hard-bounced: usually someone who left.
pub const BOUNCE_PROPERTY: &str = "hs_email_hard_bounce_reason_enum";

/// A yes/true/1 or a date: the day a flag property was set, `fallback` when it holds no date.
fn flag_day(v: Option<&str>, fallback: NaiveDate) -> Option<NaiveDate> {
    let v = v?;
    if let Some(d) = parse_date(v) {
        return Some(d);
    }
    matches!(v.to_ascii_lowercase().as_str(), "true" | "yes" | "1").then_some(fallback)
}

/// Maps one page of `spec`'s objects.
pub fn rows(spec: &ObjectSpec, objects: &[Object], ctx: &MapContext) -> PageRows {
    let (s, today, owners) = (ctx.settings, ctx.today, ctx.owners);
    let parent = |o: &Object| ctx.parents.get(&o.id).cloned();
    match spec.object_type {
        "companies" => PageRows::Accounts(
            objects
                .iter()
                .map(|o| {
                    let arr = num(o.prop(&s.arr_property));
                    let start = o.prop(&s.contract_start_property).and_then(parse_date);
                    let renewal = o.prop(&s.renewal_property).and_then(parse_date);
                    let modified_day = updated(spec, o).date_naive();
                    let churned_on = Some(s.churn_property.as_str())
                        .filter(|p| !p.is_empty())
                        .and_then(|p| o.prop(p))
                        .and_then(|v| {
                            parse_date(v).or_else(|| {
                                s.churn_values
                                    .iter()
                                    .any(|c| c.eq_ignore_ascii_case(v))
                                    .then_some(modified_day)
                            })
                        });
                    AccountRow {
                        crm_id: o.id.clone(),
                        name: o.prop("name").unwrap_or("(unnamed company)").to_string(),
                        domain: o.prop("domain").unwrap_or_default().to_string(),
                        industry: o.prop("industry").map(humanize).unwrap_or_default(),
                        segment: derive::segment(arr.unwrap_or(0.0)).to_string(),
                        owner: o
                            .prop("hubspot_owner_id")
                            .and_then(|id| owners.get(id).cloned())
                            .unwrap_or_default(),
                        owner_crm_id: o
                            .prop("hubspot_owner_id")
                            .filter(|id| !id.is_empty())
                            .map(str::to_string),
                        stage: derive::stage(start, renewal, today),
                        arr,
                        currency: ctx.currency.to_string(),
                        churned_on,
                        contract_start: start,
                        renewal_date: renewal,
                        seats_purchased: num(o.prop(&s.seats_purchased_property)).unwrap_or(0.0)
                            as i64,
                        seats_used: num(o.prop(&s.seats_used_property)).map(|v| v as i64),
                        active_users: num(o.prop(&s.active_users_property)).map(|v| v as i64),
                        updated_at: updated(spec, o),
                    }
                })
                .collect(),
        ),
        "contacts" => PageRows::Contacts(
            objects
                .iter()
                .map(|o| {
                    let roles: Vec<&str> = o
                        .prop(&s.role_property)
                        .map_or(Vec::new(), |r| r.split(';').collect());
                    let has = |r: &str| roles.iter().any(|x| x.trim() == r);
                    let name = format!(
                        "{} {}",
                        o.prop("firstname").unwrap_or_default(),
                        o.prop("lastname").unwrap_or_default()
                    );
                    let modified_day = updated(spec, o).date_naive();
                    let (left_on, left_reason) = match (
                        Some(s.left_company_property.as_str())
                            .filter(|p| !p.is_empty())
                            .and_then(|p| flag_day(o.prop(p), modified_day)),
                        o.prop(BOUNCE_PROPERTY),
                    ) {
                        (Some(d), _) => (
                            Some(d),
                            Some(format!(
                                "marked as left in HubSpot ({})",
                                s.left_company_property
                            )),
                        ),
                        (None, Some(why)) => (
                            Some(modified_day),
                            Some(format!(
                                "mail to them bounces ({})",
                                humanize(why).to_lowercase()
                            )),
                        ),
                        (None, None) => (None, None),
                    };
                    ContactRow {
                        crm_id: o.id.clone(),
                        account_crm_id: parent(o),
                        name: match name.trim() {
                            "" => o.prop("email").unwrap_or("(no name)").to_string(),
                            n => n.to_string(),
                        },
                        email: o.prop("email").unwrap_or_default().to_string(),
                        title: o.prop("jobtitle").unwrap_or_default().to_string(),
                        champion: has("CHAMPION"),
                        sponsor: has("EXECUTIVE_SPONSOR"),
                        decision_maker: has("DECISION_MAKER") || has("BUDGET_HOLDER"),
                        advisory: has("INFLUENCER"),
                        left_on,
                        left_reason,
                        updated_at: updated(spec, o),
                    }
                })
                .collect(),
        ),
        "deals" => PageRows::Deals(
            objects
                .iter()
                .map(|o| {
                    let stage = o.prop("dealstage").unwrap_or_default().to_string();
                    let status = if s.won_stages.contains(&stage) {
                        DealStatus::Won
                    } else if s.lost_stages.contains(&stage) {
                        DealStatus::Lost
                    } else {
                        DealStatus::Open
                    };
                    DealRow {
                        crm_id: o.id.clone(),
                        account_crm_id: parent(o),
                        name: o.prop("dealname").unwrap_or("(unnamed deal)").to_string(),
                        kind: o
                            .prop("dealtype")
                            .and_then(|t| s.deal_types.get(t).copied())
                            .unwrap_or(DealKind::Other),
                        amount: num(o.prop("amount")).unwrap_or(0.0),
                        currency: o
                            .prop("deal_currency_code")
                            .unwrap_or(ctx.currency)
                            .to_string(),
                        stage,
                        close_date: o.prop("closedate").and_then(parse_date).unwrap_or(today),
                        status,
                        updated_at: updated(spec, o),
                    }
                })
                .collect(),
        ),
        "tickets" => PageRows::Tickets(
            objects
                .iter()
                .map(|o| {
                    let closed = o
                        .prop("hs_pipeline_stage")
                        .is_some_and(|st| s.closed_ticket_stages.iter().any(|c| c == st));
                    TicketRow {
                        crm_id: o.id.clone(),
                        account_crm_id: parent(o),
                        subject: o.prop("subject").unwrap_or_default().to_string(),
                        priority: o
                            .prop("hs_ticket_priority")
                            .unwrap_or("MEDIUM")
                            .to_lowercase(),
                        status: if closed { "closed" } else { "open" }.into(),
                        opened_on: o.prop("createdate").and_then(parse_date).unwrap_or(today),
                        closed_on: if closed {
                            o.prop("closed_date").and_then(parse_date).or(Some(today))
                        } else {
                            None
                        },
                        updated_at: updated(spec, o),
                    }
                })
                .collect(),
        ),
        "feedback_submissions" => PageRows::Surveys(
            objects
                .iter()
                .filter_map(|o| {
                    let kind = match o.prop("hs_survey_type")? {
                        "NPS" => SurveyKind::Nps,
                        "CSAT" => SurveyKind::Csat,
                        "CES" => SurveyKind::Ces,
                        _ => return None,
                    };
                    Some(SurveyRow {
                        crm_id: o.id.clone(),
                        account_crm_id: parent(o),
                        kind,
                        score: num(o.prop("hs_response_value"))? as i64,
                        verbatim: o.prop("hs_content").unwrap_or_default().to_string(),
                        captured_at: o
                            .prop("hs_submission_timestamp")
                            .or(o.prop("hs_createdate"))
                            .and_then(parse_time)
                            .unwrap_or_else(|| updated(spec, o)),
                        updated_at: updated(spec, o),
                    })
                })
                .collect(),
        ),
        engagement => PageRows::Activities(
            objects
                .iter()
                .map(|o| {
                    let (kind, summary_prop) = match engagement {
                        "calls" => ("call", "hs_call_title"),
                        "meetings" => ("meeting", "hs_meeting_title"),
                        "emails" => ("email", "hs_email_subject"),
                        "tasks" => ("task", "hs_task_subject"),
                        _ => ("note", "hs_note_body"),
                    };
                    let direction =
                        match o.prop("hs_call_direction").or(o.prop("hs_email_direction")) {
                            Some("INBOUND") | Some("INCOMING_EMAIL") => "inbound",
                            _ if kind == "note" || kind == "task" => "internal",
                            _ => "outbound",
                        };
                    ActivityRow {
                        crm_id: o.id.clone(),
                        account_crm_id: parent(o),
                        kind,
                        direction: direction.into(),
                        occurred_at: o
                            .prop("hs_timestamp")
                            .and_then(parse_time)
                            .unwrap_or_else(|| updated(spec, o)),
                        summary: {
                            let raw = o.prop(summary_prop).unwrap_or_default();
                            let text = if kind == "note" {
                                note_text(raw)
                            } else {
                                raw.to_string()
                            };
                            text.chars().take(500).collect()
                        },
                        two_way: matches!(kind, "meeting" | "call")
                            || (kind == "email" && direction == "inbound"),
                        updated_at: updated(spec, o),
                    }
                })
                .collect(),
        ),
    }
}

/// A note body as text: HubSpot stores notes as HTML. Tags go (line breaks and paragraphs become
/// new lines), the few entities HubSpot writes are decoded, and the marker line Rapport adds to
/// the notes it writes is dropped. Written here because only this much of HTML is needed.
pub fn note_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            rest = &rest[start..];
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" || tag == "/li" {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let text = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !(l.starts_with("Logged in Rapport") && l.contains("rapportref")))
        .collect();
    lines.join("\n").trim().to_string()
}
