//! Writing captures to HubSpot. HubSpot has no idempotency header and `feedback_submissions` is
//! read-only, so every capture becomes a note on the company (and its contacts), and every
//! follow-up a task, carrying a marker with the entry's key. A note whose answer was lost is looked up by that marker,
//! once the search index has caught up, before it is ever sent again (DESIGN §5).

use super::plan::Outcome;
use crate::domain::capture::{OutboxRecord, WriteKind};
use crate::error::ErrorCode;
use crate::sync::http::{crm, Answer, SendError};
use crate::sync::hubspot::client::Client;

/// HubSpot-defined association types (confirmed with `GET /crm/v4/associations/notes/{to}/labels`).
const NOTE_TO_COMPANY: u32 = 190;
const NOTE_TO_CONTACT: u32 = 202;
const TASK_TO_COMPANY: u32 = 192;
const TASK_TO_CONTACT: u32 = 204;

/// The HubSpot object an entry becomes: its API name, the property holding the marked text,
/// and the word the messages use.
pub fn object_of(kind: WriteKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        WriteKind::Task => ("tasks", "hs_task_body", "task"),
        _ => ("notes", "hs_note_body", "note"),
    }
}

/// The word put in each note so it can be found again: the key is letters and digits only,
/// so HubSpot's search indexes it as one token.
pub fn marker(key: &str) -> String {
    format!("rapportref{key}")
}

/// CRM text is data: HubSpot renders a note body as HTML, so every character that could start
/// markup is escaped, and line breaks become `<br>`.
pub fn note_html(text: &str, key: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push_str(&format!(
        "<br><br><span style=\"color:#999\">Logged in Rapport · {}</span>",
        marker(key)
    ));
    out
}

/// The create request's body: a note, or for a follow-up an open task due on its day.
pub fn note_body(e: &OutboxRecord) -> serde_json::Value {
    let task = e.kind == WriteKind::Task;
    let (to_company, to_contact) = if task {
        (TASK_TO_COMPANY, TASK_TO_CONTACT)
    } else {
        (NOTE_TO_COMPANY, NOTE_TO_CONTACT)
    };
    let assoc = |id: &str, type_id: u32| {
        serde_json::json!({
            "to": {"id": id},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
        })
    };
    let mut associations = vec![assoc(&e.payload.account_crm_id, to_company)];
    associations.extend(
        e.payload
            .contact_crm_ids
            .iter()
            .map(|c| assoc(c, to_contact)),
    );
    let at = e
        .payload
        .at
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let properties = if task {
        serde_json::json!({
            "hs_timestamp": at,
            "hs_task_subject": e.payload.subject,
            "hs_task_body": note_html(&e.payload.body, &e.key),
            "hs_task_status": "NOT_STARTED",
            "hs_task_priority": "HIGH",
        })
    } else {
        serde_json::json!({
            "hs_timestamp": at,
            "hs_note_body": note_html(&e.payload.body, &e.key),
        })
    };
    serde_json::json!({"properties": properties, "associations": associations})
}

fn message(a: &Answer) -> String {
    let m = a.body.get("message").and_then(|m| m.as_str()).unwrap_or("");
    if m.is_empty() {
        format!("error {}", a.status)
    } else {
        m.to_string()
    }
}

/// What HubSpot's answer to a note (or task) create means. The create is not idempotent:
/// anything that may have stored it (a lost answer, a server error) is ambiguous.
pub fn outcome(answer: std::result::Result<Answer, SendError>) -> Outcome {
    outcome_for("note", answer)
}

/// [`outcome`], with `what` ("note", "task") in the sentences.
pub fn outcome_for(what: &str, answer: std::result::Result<Answer, SendError>) -> Outcome {
    let a = match answer {
        Ok(a) => a,
        Err(SendError::Unsent(error)) => return Outcome::Retry { error, after: None },
        Err(SendError::Lost(error)) => return Outcome::Ambiguous { error },
    };
    let category = a
        .body
        .get("category")
        .and_then(|c| c.as_str())
        .unwrap_or("")
        .to_string();
    match a.status {
        200 | 201 => match a.body.get("id").and_then(|i| i.as_str()) {
            Some(id) => Outcome::Delivered { crm_id: id.to_string() },
            None => Outcome::Ambiguous {
                error: crm(ErrorCode::CrmBadResponse, format!("HubSpot accepted the {what} but sent no id back; Rapport looks it up before sending it again.")),
            },
        },
        429 => Outcome::Retry {
            error: crm(ErrorCode::CrmRateLimited, format!("HubSpot answered \u{201c}too many requests\u{201d}; the {what} waits for the next window.")),
            after: a.retry_after.or(Some(std::time::Duration::from_secs(10))),
        },
        401 => Outcome::NotReady {
            error: crm(ErrorCode::CrmAuth, format!("HubSpot rejected the token. Connect the account again; the {what} stays queued.")),
        },
        403 => Outcome::NotReady {
            error: crm(
                ErrorCode::CrmSetup,
                format!("HubSpot refused to create {what}s ({}): the private app or sign-in needs the crm.objects.contacts.write scope. Add it and connect again; the {what} stays queued.", message(&a)),
            ),
        },
        400 | 404 | 409 | 422 => Outcome::Rejected {
            error: crm(
                ErrorCode::CrmRejected,
                format!("HubSpot refused the {what}: {}{}. Fix it and send it again.", message(&a), if category.is_empty() { String::new() } else { format!(" ({category})") }),
            ),
        },
        s => Outcome::Ambiguous {
            error: crm(ErrorCode::CrmUnreachable, format!("HubSpot had a server error ({s}) while creating the {what}; it may have been stored, so Rapport looks it up before sending it again.")),
        },
    }
}

/// The contact property that holds advisory-program membership (a single checkbox an admin
/// creates in HubSpot with this internal name).
pub const ADVISORY_PROPERTY: &str = "rapport_advisory_member";

/// What HubSpot's answer to a contact update means. An update is idempotent: anything short of
/// an answer is simply sent again.
pub fn update_outcome(contact_id: &str, answer: std::result::Result<Answer, SendError>) -> Outcome {
    let a = match answer {
        Ok(a) => a,
        Err(SendError::Unsent(error) | SendError::Lost(error)) => {
            return Outcome::Retry { error, after: None }
        }
    };
    let text = a.body.to_string();
    match a.status {
        200 => Outcome::Delivered { crm_id: contact_id.to_string() },
        400 if text.contains("PROPERTY_DOESNT_EXIST") => Outcome::NotReady {
            error: crm(ErrorCode::CrmSetup, format!("HubSpot has no contact property {ADVISORY_PROPERTY}. An admin creates it (Settings → Properties → Contact properties: a single checkbox with the internal name {ADVISORY_PROPERTY}); the change stays queued and is sent once it exists.")),
        },
        404 => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, "HubSpot no longer has this contact (deleted or merged). Remove the change, or send it again once the contact is back."),
        },
        429 => Outcome::Retry {
            error: crm(ErrorCode::CrmRateLimited, "HubSpot answered \u{201c}too many requests\u{201d}; the change waits for the next window."),
            after: a.retry_after.or(Some(std::time::Duration::from_secs(10))),
        },
        401 => Outcome::NotReady { error: crm(ErrorCode::CrmAuth, "HubSpot rejected the token. Connect the account again; the change stays queued.") },
        403 => Outcome::NotReady {
            error: crm(ErrorCode::CrmSetup, format!("HubSpot refused to update contacts ({}): the private app or sign-in needs the crm.objects.contacts.write scope.", message(&a))),
        },
        s if s >= 500 => Outcome::Retry { error: crm(ErrorCode::CrmUnreachable, format!("HubSpot had a server error ({s}); the change is sent again.")), after: None },
        s => Outcome::Rejected { error: crm(ErrorCode::CrmRejected, format!("HubSpot refused the change ({s}): {}. Fix it and send it again.", message(&a))) },
    }
}

/// Writes a contact's advisory membership (an idempotent PATCH).
pub async fn deliver_update(client: &Client, e: &OutboxRecord) -> Outcome {
    let Some(contact) = e.payload.contact_crm_ids.first() else {
        return Outcome::Rejected {
            error: crm(
                ErrorCode::CrmRejected,
                "This change names no HubSpot contact.",
            ),
        };
    };
    let member = e.payload.advisory.unwrap_or(false);
    let body = serde_json::json!({"properties": {ADVISORY_PROPERTY: if member { "true" } else { "false" }}});
    update_outcome(
        contact,
        client
            .write_once(
                reqwest::Method::PATCH,
                &format!("/crm/v3/objects/contacts/{contact}"),
                &body,
            )
            .await,
    )
}

/// Sends the note or task (once).
pub async fn deliver(client: &Client, e: &OutboxRecord) -> Outcome {
    let (object, _, what) = object_of(e.kind);
    outcome_for(
        what,
        client
            .write_once(
                reqwest::Method::POST,
                &format!("/crm/v3/objects/{object}"),
                &note_body(e),
            )
            .await,
    )
}

/// Looks for a note an earlier attempt may have created: `Some` outcome when found (or the
/// lookup failed), `None` when HubSpot holds no such note and it can be sent.
pub async fn look_up(client: &Client, e: &OutboxRecord) -> Option<Outcome> {
    let (object, property, _) = object_of(e.kind);
    match client.find_marked(object, property, &marker(&e.key)).await {
        Ok(Some(id)) => Some(Outcome::Delivered { crm_id: id }),
        Ok(None) => None,
        Err(error) => Some(Outcome::Retry { error, after: None }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_text_cannot_become_markup() {
        let html = note_html("<script>alert('x')</script> & \"quotes\"\nline two", "k1");
        assert!(html.starts_with("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;<br>line two"), "{html}");
        assert!(!html.contains("<script"));
        assert!(html.ends_with("rapportrefk1</span>"));
    }

    #[test]
    fn a_written_note_reads_back_as_the_text_that_was_sent() {
        let text = "Pricing <objection> & \"renewal\"\nNext: roadmap";
        let back = crate::sync::hubspot::map::note_text(&note_html(text, "abc123"));
        assert_eq!(back, text);
        assert_eq!(
            crate::sync::hubspot::map::note_text(
                "<p>Spoke to <b>finance</b></p><p>Budget&nbsp;ok</p>"
            ),
            "Spoke to finance\nBudget ok"
        );
    }

    fn answer(status: u16, body: serde_json::Value) -> std::result::Result<Answer, SendError> {
        Ok(Answer {
            status,
            body,
            retry_after: None,
        })
    }

    #[test]
    fn answers_are_read_as_hubspot_means_them() {
        assert!(
            matches!(outcome(answer(201, serde_json::json!({"id": "5"}))), Outcome::Delivered { crm_id } if crm_id == "5")
        );
        assert!(matches!(
            outcome(answer(429, serde_json::json!({"errorType": "RATE_LIMIT"}))),
            Outcome::Retry { after: Some(_), .. }
        ));
        assert!(
            matches!(outcome(answer(400, serde_json::json!({"message": "Property values were not valid", "category": "VALIDATION_ERROR"}))), Outcome::Rejected { error } if error.to_string().contains("Property values were not valid (VALIDATION_ERROR)"))
        );
        assert!(matches!(
            outcome(answer(
                403,
                serde_json::json!({"category": "MISSING_SCOPES"})
            )),
            Outcome::NotReady { .. }
        ));
        // A server error may come after the note was stored.
        assert!(matches!(
            outcome(answer(502, serde_json::Value::Null)),
            Outcome::Ambiguous { .. }
        ));
        let lost = crm(ErrorCode::CrmUnreachable, "timed out");
        assert!(matches!(
            outcome(Err(SendError::Lost(lost.clone()))),
            Outcome::Ambiguous { .. }
        ));
        assert!(matches!(
            outcome(Err(SendError::Unsent(lost))),
            Outcome::Retry { .. }
        ));
    }
}
