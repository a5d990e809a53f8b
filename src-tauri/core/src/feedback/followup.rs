//! The closed loop's rules (pure, "today" passed in): which responses call for a follow-up,
//! when it is due, what the proposal says, and what the CRM tasks carry.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use crate::domain::capture::{FieldError, WritePayload};
use crate::domain::followup::{AcceptFollowUp, Escalation, FollowUpView};
use crate::domain::{Clock, SurveyKind};

/// How long a response keeps proposing a follow-up after it was given.
pub const PROPOSE_FOR_DAYS: i64 = 30;
/// A follow-up is due this many business days after the response.
pub const DUE_BUSINESS_DAYS: u32 = 2;
const MAX_TITLE: usize = 255;
const MAX_NOTE: usize = 4_000;

/// A detractor (NPS 0–6) or a CSAT of 1–2 calls for a follow-up.
pub fn calls_for_follow_up(kind: SurveyKind, score: i64) -> bool {
    match kind {
        SurveyKind::Nps => score <= 6,
        SurveyKind::Csat => score <= 2,
        SurveyKind::Ces => false,
    }
}

/// `n` business days (Monday to Friday) after `day`.
pub fn business_days_after(day: NaiveDate, n: u32) -> NaiveDate {
    let mut d = day;
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    d
}

fn kind_label(kind: SurveyKind) -> &'static str {
    match kind {
        SurveyKind::Nps => "NPS",
        SurveyKind::Csat => "CSAT",
        SurveyKind::Ces => "CES",
    }
}

/// The proposal's title: who said what.
pub fn proposed_title(
    kind: SurveyKind,
    score: i64,
    contact: Option<&str>,
    account: &str,
) -> String {
    // Someone logged by hand reads "Name <email>": the title names them only.
    let who = contact
        .map(|c| c.split(" <").next().unwrap_or(c).trim())
        .filter(|c| !c.is_empty())
        .unwrap_or(account);
    let t = format!(
        "Follow up with {who} on their {} of {score}",
        kind_label(kind)
    );
    t.chars().take(MAX_TITLE).collect()
}

/// Whether a response still proposes a follow-up on `today` (given within the last 30 days).
pub fn still_proposed(captured: NaiveDate, today: NaiveDate) -> bool {
    (today - captured).num_days() <= PROPOSE_FOR_DAYS
}

/// The acceptance's field errors, in sentences for next to the fields.
pub fn check_accept(a: &AcceptFollowUp, today: NaiveDate) -> Vec<FieldError> {
    let mut out = Vec::new();
    let err = |field: &str, message: &str| FieldError {
        field: field.into(),
        message: message.into(),
    };
    if a.title.trim().is_empty() {
        out.push(err("title", "Say what the follow-up is."));
    } else if a.title.trim().chars().count() > MAX_TITLE {
        out.push(err(
            "title",
            "Keep the title under 255 characters (the CRM's limit).",
        ));
    }
    if a.due_on < today {
        out.push(err("due_on", "Pick today or a later day."));
    }
    if a.note.chars().count() > MAX_NOTE {
        out.push(err("note", "Keep the note under 4,000 characters."));
    }
    out
}

/// The body of a follow-up task as the CRM shows it: what was said, by whom, and when.
fn task_body(f: &FollowUpView, lead: &str) -> String {
    let mut b = format!(
        "{lead}\n\n{} {} from {} on {}.",
        kind_label(f.kind),
        f.score,
        f.contact.as_deref().unwrap_or("the client"),
        f.captured_at.date_naive()
    );
    if !f.verbatim.trim().is_empty() {
        b.push_str(&format!("\n\n\u{201c}{}\u{201d}", f.verbatim.trim()));
    }
    b
}

/// The CRM tasks an acceptance makes: `(team, payload)`, the AM's own first (assigned to the
/// account's owner in the CRM, `owner_crm_id`), then the escalation when there is one (left
/// unassigned, for the team's queue). Due at 09:00 on the chosen day in the AM's time zone.
pub fn task_payloads(
    f: &FollowUpView,
    a: &AcceptFollowUp,
    account_crm_id: &str,
    contact_crm_id: Option<&str>,
    owner_crm_id: Option<&str>,
    clock: &Clock,
) -> Vec<(&'static str, WritePayload)> {
    let at = clock.local_instant(
        a.due_on,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
    );
    let payload = |subject: String, body: String| WritePayload {
        account_crm_id: account_crm_id.into(),
        contact_crm_ids: contact_crm_id
            .map(|c| vec![c.to_string()])
            .unwrap_or_default(),
        new_contact: None,
        at,
        subject: subject.chars().take(MAX_TITLE).collect(),
        body,
        feedback: None,
        due_on: Some(a.due_on),
        advisory: None,
        health: None,
        owner_crm_id: None,
    };
    let title = a.title.trim().to_string();
    let mut own = payload(
        title.clone(),
        task_body(f, "Follow-up on client feedback, logged in Rapport."),
    );
    own.owner_crm_id = owner_crm_id.map(str::to_string);
    let mut out = vec![("cs", own)];
    let team = match a.escalation {
        Escalation::None => return out,
        Escalation::Support => "support",
        Escalation::Sales => "sales",
    };
    let mut lead = format!(
        "Escalated to {team} by the account manager{}.",
        if f.owner.trim().is_empty() {
            String::new()
        } else {
            format!(" ({})", f.owner.trim())
        }
    );
    if !a.note.trim().is_empty() {
        lead.push_str(&format!("\n\n{}", a.note.trim()));
    }
    out.push((
        team,
        payload(
            format!(
                "Escalation for {}: {title}",
                if team == "support" {
                    "Support"
                } else {
                    "Sales"
                }
            ),
            task_body(f, &lead),
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone, Utc};

    use super::*;
    use crate::domain::followup::FollowUpState;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn detractors_and_unhappy_csat_call_for_a_follow_up() {
        use SurveyKind::*;
        let got: Vec<bool> = [(Nps, 6), (Nps, 7), (Nps, 0), (Csat, 2), (Csat, 3), (Ces, 7)]
            .into_iter()
            .map(|(k, s)| calls_for_follow_up(k, s))
            .collect();
        assert_eq!(got, vec![true, false, true, true, false, false]);
    }

    #[test]
    fn due_two_business_days_later_skipping_the_weekend() {
        // Tue 1 Dec 2026 → Thu 3 Dec; Thu → Mon 7 Dec; Fri 4 → Tue 8; Sat 5 → Tue 8.
        assert_eq!(business_days_after(d(2026, 12, 1), 2), d(2026, 12, 3));
        assert_eq!(business_days_after(d(2026, 12, 3), 2), d(2026, 12, 7));
        assert_eq!(business_days_after(d(2026, 12, 4), 2), d(2026, 12, 8));
        assert_eq!(business_days_after(d(2026, 12, 5), 2), d(2026, 12, 8));
    }

    #[test]
    fn proposals_last_thirty_days() {
        assert!(still_proposed(d(2026, 11, 1), d(2026, 12, 1)));
        assert!(!still_proposed(d(2026, 10, 31), d(2026, 12, 1)));
    }

    fn view() -> FollowUpView {
        FollowUpView {
            response_id: 5,
            account_id: 1,
            account: "Acme".into(),
            owner: "Maya Patel".into(),
            kind: SurveyKind::Nps,
            score: 3,
            verbatim: " Support never replies ".into(),
            contact: Some("Ana Lima".into()),
            captured_at: Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap(),
            state: FollowUpState::Proposed,
            title: proposed_title(SurveyKind::Nps, 3, Some("Ana Lima"), "Acme"),
            due_on: d(2026, 12, 2),
            escalation: Escalation::None,
            reason: String::new(),
            decided_at: None,
            tasks: vec![],
        }
    }

    #[test]
    fn an_acceptance_makes_the_ams_task_and_the_escalation() {
        let f = view();
        assert_eq!(f.title, "Follow up with Ana Lima on their NPS of 3");
        assert_eq!(
            proposed_title(SurveyKind::Csat, 1, Some("Bo Chen <bo@x.io>"), "Acme"),
            "Follow up with Bo Chen on their CSAT of 1"
        );
        assert_eq!(
            proposed_title(SurveyKind::Nps, 0, None, "Acme"),
            "Follow up with Acme on their NPS of 0"
        );
        let a = AcceptFollowUp {
            response_id: 5,
            title: " Call Ana about support ".into(),
            due_on: d(2026, 12, 3),
            escalation: Escalation::Support,
            note: "Two tickets open for weeks.".into(),
        };
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
        let utc = Clock::fixed(now, 0);
        let tasks = task_payloads(&f, &a, "9001", Some("501"), Some("77"), &utc);
        assert_eq!(tasks.len(), 2);
        let (team, own) = &tasks[0];
        assert_eq!(*team, "cs");
        assert_eq!(own.subject, "Call Ana about support");
        assert_eq!(own.due_on, Some(d(2026, 12, 3)));
        assert_eq!(own.at, Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap());
        assert_eq!(own.contact_crm_ids, vec!["501"]);
        assert_eq!(
            own.owner_crm_id.as_deref(),
            Some("77"),
            "the AM's own task is theirs"
        );
        assert!(own.body.contains("NPS 3 from Ana Lima on 2026-11-30."));
        assert!(own.body.contains("\u{201c}Support never replies\u{201d}"));
        let (team, esc) = &tasks[1];
        assert_eq!(*team, "support");
        assert_eq!(
            esc.owner_crm_id, None,
            "an escalation goes to the team's queue"
        );
        assert_eq!(
            esc.subject,
            "Escalation for Support: Call Ana about support"
        );
        assert!(esc.body.starts_with("Escalated to support by the account manager (Maya Patel).\n\nTwo tickets open for weeks."));
        let none = AcceptFollowUp {
            escalation: Escalation::None,
            ..a
        };
        assert_eq!(task_payloads(&f, &none, "9001", None, None, &utc).len(), 1);
        // 09:00 in New York (UTC−5) is 14:00 UTC.
        let ny = Clock::fixed(now, -5);
        assert_eq!(
            task_payloads(&f, &none, "9001", None, None, &ny)[0].1.at,
            Utc.with_ymd_and_hms(2026, 12, 3, 14, 0, 0).unwrap()
        );
        // Accepted in October (UTC−4), due after the clocks went back: still 09:00 on the day.
        let october = Utc.with_ymd_and_hms(2026, 10, 28, 12, 0, 0).unwrap();
        let fall_back = Utc.with_ymd_and_hms(2026, 11, 1, 6, 0, 0).unwrap();
        let dst = Clock::new(
            move || october,
            move |t| FixedOffset::west_opt(if t < fall_back { 4 } else { 5 } * 3600).unwrap(),
        );
        assert_eq!(
            task_payloads(&f, &none, "9001", None, None, &dst)[0].1.at,
            Utc.with_ymd_and_hms(2026, 12, 3, 14, 0, 0).unwrap()
        );
    }

    #[test]
    fn an_acceptance_needs_a_title_and_a_day_not_past() {
        let a = AcceptFollowUp {
            response_id: 5,
            title: "  ".into(),
            due_on: d(2026, 11, 30),
            escalation: Escalation::None,
            note: String::new(),
        };
        let errs = check_accept(&a, d(2026, 12, 1));
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "due_on"]);
        assert_eq!(errs[1].message, "Pick today or a later day.");
        let ok = AcceptFollowUp {
            title: "Call".into(),
            due_on: d(2026, 12, 1),
            ..a
        };
        assert!(check_accept(&ok, d(2026, 12, 1)).is_empty());
    }
}
