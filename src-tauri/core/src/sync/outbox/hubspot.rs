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
    let mut properties = properties;
    if let (true, Some(owner)) = (task, &e.payload.owner_crm_id) {
        properties["hubspot_owner_id"] = serde_json::json!(owner);
    }
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

/// The company properties score write-back fills: internal name, label, type, field type.
pub const SCORE_PROPERTIES: [(&str, &str, &str, &str); 3] = [
    (
        "rapport_health_score",
        "Rapport health score",
        "number",
        "number",
    ),
    (
        "rapport_health_band",
        "Rapport health band",
        "enumeration",
        "select",
    ),
    (
        "rapport_health_as_of",
        "Rapport health as of",
        "date",
        "date",
    ),
];

/// The most records one HubSpot batch call takes.
pub const BATCH_MAX: usize = 100;

/// The property definitions created on opt-in (in the stock "Company information" group).
pub fn score_property_definitions() -> Vec<serde_json::Value> {
    SCORE_PROPERTIES
        .iter()
        .map(|(name, label, ty, field)| {
            let mut p = serde_json::json!({
                "name": name,
                "label": label,
                "type": ty,
                "fieldType": field,
                "groupName": "companyinformation",
                "description": "Written by Rapport when the account's health changes (0-100; red up to 50, yellow up to 75, green above).",
                "formField": false,
            });
            if *ty == "enumeration" {
                p["options"] = serde_json::json!([
                    {"label": "Green", "value": "green", "displayOrder": 0},
                    {"label": "Yellow", "value": "yellow", "displayOrder": 1},
                    {"label": "Red", "value": "red", "displayOrder": 2},
                ]);
            }
            p
        })
        .collect()
}

/// Creates the score properties the portal lacks; returns the labels of those it created. The
/// user has agreed to this (the opt-in asks first).
pub async fn ensure_score_properties(client: &Client) -> crate::error::Result<Vec<String>> {
    let have = client.properties("companies").await?;
    let mut created = Vec::new();
    for def in score_property_definitions() {
        let name = def["name"].as_str().unwrap_or_default().to_string();
        if have.contains(&name) {
            continue;
        }
        let label = def["label"].as_str().unwrap_or_default().to_string();
        let answer = client
            .write_once(reqwest::Method::POST, "/crm/v3/properties/companies", &def)
            .await;
        match answer {
            Ok(a) if a.status == 201 || a.status == 200 => created.push(label),
            // Made meanwhile (by an admin, or another Rapport): it is there, which is all we need.
            Ok(a) if a.status == 409 => {}
            Ok(a) if a.status == 403 => {
                return Err(crm(ErrorCode::CrmSetup, format!("HubSpot refused to create the company property {name} ({}): the private app or sign-in needs the crm.schemas.companies.write scope, or an admin creates the properties {} (Settings → Properties → Company properties).", message(&a), SCORE_PROPERTIES.map(|p| p.0).join(", "))))
            }
            Ok(a) if a.status == 429 => {
                return Err(crm(ErrorCode::CrmRateLimited, "HubSpot answered \u{201c}too many requests\u{201d} while creating the score properties; try again in a moment."))
            }
            Ok(a) => {
                return Err(crm(ErrorCode::CrmRejected, format!("HubSpot refused to create the company property {name} ({}): {}.", a.status, message(&a))))
            }
            Err(SendError::Unsent(e) | SendError::Lost(e)) => return Err(e),
        }
    }
    Ok(created)
}

/// One batch update of the companies' score properties (an empty value clears one).
pub fn score_batch_body(entries: &[&OutboxRecord]) -> serde_json::Value {
    let inputs: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let h = e.payload.health.as_ref();
            let score = h
                .and_then(|h| h.score)
                .map(|s| s.to_string())
                .unwrap_or_default();
            let band = h.and_then(|h| h.band.clone()).unwrap_or_default();
            let as_of = h.map(|h| h.as_of.to_string()).unwrap_or_default();
            serde_json::json!({
                "id": e.payload.account_crm_id,
                "properties": {
                    "rapport_health_score": score,
                    "rapport_health_band": band,
                    "rapport_health_as_of": as_of,
                },
            })
        })
        .collect();
    serde_json::json!({ "inputs": inputs })
}

/// The record ids an error of a batch answer names (`context.ids`).
fn error_ids(err: &serde_json::Value) -> Vec<String> {
    err.get("context")
        .and_then(|c| c.get("ids"))
        .and_then(|i| i.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// One outcome per entry from the answer to a batch update of their companies: 200 is all
/// written; 207 (or a refusal naming ids) refuses the companies it names and, for a refusal of
/// the whole call, sends the others again. The update is idempotent: a lost answer is resent.
pub fn score_outcomes(
    answer: std::result::Result<Answer, SendError>,
    entries: &[&OutboxRecord],
) -> Vec<Outcome> {
    let a = match answer {
        Ok(a) => a,
        Err(SendError::Unsent(error) | SendError::Lost(error)) => {
            return vec![Outcome::Retry { error, after: None }; entries.len()]
        }
    };
    let all = |o: Outcome| vec![o; entries.len()];
    let text = a.body.to_string();
    match a.status {
        200 | 207 | 400 | 404 => {
            let mut refused: std::collections::HashMap<String, Outcome> = Default::default();
            let errors: Vec<serde_json::Value> = if a.status == 207 {
                a.body.get("errors").and_then(|e| e.as_array()).cloned().unwrap_or_default()
            } else if a.status != 200 {
                vec![a.body.clone()]
            } else {
                vec![]
            };
            for err in &errors {
                let category = err.get("category").and_then(|c| c.as_str()).unwrap_or("");
                let msg = err.get("message").and_then(|m| m.as_str()).unwrap_or("").to_string();
                let why = if category == "OBJECT_NOT_FOUND" || msg.contains("not exist") {
                    "HubSpot no longer has this company (deleted or merged), so its score cannot be written.".to_string()
                } else {
                    format!("HubSpot refused the score ({category}): {msg}.")
                };
                for id in error_ids(err) {
                    refused.insert(id, Outcome::Rejected { error: crm(ErrorCode::CrmRejected, why.clone()) });
                }
            }
            if a.status != 200 && a.status != 207 && refused.is_empty() {
                if text.contains("PROPERTY_DOESNT_EXIST") {
                    return all(Outcome::NotReady {
                        error: crm(ErrorCode::CrmSetup, format!("HubSpot has no company properties for the health score ({}). Turn score write-back off and on again in CRM & sync so Rapport creates them, or an admin creates them; the scores stay queued.", SCORE_PROPERTIES.map(|p| p.0).join(", "))),
                    });
                }
                return all(Outcome::Rejected {
                    error: crm(ErrorCode::CrmRejected, format!("HubSpot refused the scores ({}): {}. They are written again when the scores next change.", a.status, message(&a))),
                });
            }
            entries
                .iter()
                .map(|e| match refused.get(&e.payload.account_crm_id) {
                    Some(o) => o.clone(),
                    // A call refused as a whole stored nothing: the companies it did not name
                    // go again.
                    None if a.status != 200 && a.status != 207 => Outcome::Retry {
                        error: crm(ErrorCode::CrmRejected, "HubSpot refused another company in the same batch; this one is sent again."),
                        after: None,
                    },
                    None => Outcome::Delivered { crm_id: e.payload.account_crm_id.clone() },
                })
                .collect()
        }
        429 => all(Outcome::Retry {
            error: crm(ErrorCode::CrmRateLimited, "HubSpot answered \u{201c}too many requests\u{201d}; the scores wait for the next window."),
            after: a.retry_after.or(Some(std::time::Duration::from_secs(10))),
        }),
        401 => all(Outcome::NotReady { error: crm(ErrorCode::CrmAuth, "HubSpot rejected the token. Connect the account again; the scores stay queued.") }),
        403 => all(Outcome::NotReady {
            error: crm(ErrorCode::CrmSetup, format!("HubSpot refused to update companies ({}): the private app or sign-in needs the crm.objects.companies.write scope.", message(&a))),
        }),
        s if s >= 500 => all(Outcome::Retry { error: crm(ErrorCode::CrmUnreachable, format!("HubSpot had a server error ({s}); the scores are sent again.")), after: None }),
        s => all(Outcome::Rejected { error: crm(ErrorCode::CrmRejected, format!("HubSpot refused the scores ({s}): {}.", message(&a))) }),
    }
}

/// Writes up to 100 companies' scores in one batch update.
pub async fn deliver_scores(client: &Client, entries: &[&OutboxRecord]) -> Vec<Outcome> {
    score_outcomes(
        client
            .write_once(
                reqwest::Method::POST,
                "/crm/v3/objects/companies/batch/update",
                &score_batch_body(entries),
            )
            .await,
        entries,
    )
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

    fn score_entry(company: &str, score: Option<i64>) -> OutboxRecord {
        use crate::domain::capture::{HealthWrite, OutboxState, WritePayload};
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        OutboxRecord {
            id: 1,
            key: format!("k{company}"),
            connection_id: 1,
            account_id: company.parse().unwrap(),
            kind: WriteKind::Score,
            payload: WritePayload {
                account_crm_id: company.into(),
                contact_crm_ids: vec![],
                new_contact: None,
                at,
                subject: String::new(),
                body: String::new(),
                feedback: None,
                due_on: None,
                advisory: None,
                health: Some(HealthWrite {
                    score,
                    band: score.map(|s| if s > 75 { "green" } else { "yellow" }.to_string()),
                    as_of: at.date_naive(),
                }),
                owner_crm_id: None,
            },
            state: OutboxState::Pending,
            attempts: 0,
            next_attempt_at: at,
            last_attempt_at: None,
            last_error: None,
            crm_id: None,
            created_at: at,
            delivered_at: None,
        }
    }

    #[test]
    fn a_score_batch_sets_or_clears_each_companys_properties() {
        let (a, b) = (score_entry("11", Some(82)), score_entry("12", None));
        let body = score_batch_body(&[&a, &b]);
        assert_eq!(
            body,
            serde_json::json!({"inputs": [
                {"id": "11", "properties": {"rapport_health_score": "82", "rapport_health_band": "green", "rapport_health_as_of": "2026-12-01"}},
                {"id": "12", "properties": {"rapport_health_score": "", "rapport_health_band": "", "rapport_health_as_of": "2026-12-01"}},
            ]})
        );
    }

    #[test]
    fn a_batch_answer_is_read_company_by_company() {
        let (a, b, c) = (
            score_entry("11", Some(82)),
            score_entry("12", Some(60)),
            score_entry("13", Some(40)),
        );
        let entries = [&a, &b, &c];
        let kinds = |o: &[Outcome]| {
            o.iter()
                .map(|o| match o {
                    Outcome::Delivered { .. } => "delivered",
                    Outcome::Retry { .. } => "retry",
                    Outcome::Rejected { .. } => "rejected",
                    Outcome::NotReady { .. } => "not ready",
                    Outcome::Ambiguous { .. } => "ambiguous",
                })
                .collect::<Vec<_>>()
        };
        let ok = score_outcomes(
            answer(
                200,
                serde_json::json!({"status": "COMPLETE", "results": []}),
            ),
            &entries,
        );
        assert_eq!(kinds(&ok), ["delivered"; 3]);
        // 207: the named company is refused, the others were written.
        let partial = serde_json::json!({"status": "COMPLETE", "numErrors": 1, "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some COMPANY objects, they may be deleted or not exist.", "context": {"ids": ["12"]}}]});
        let o = score_outcomes(answer(207, partial), &entries);
        assert_eq!(kinds(&o), ["delivered", "rejected", "delivered"]);
        // A whole call refused for one id stored nothing: the others go again.
        let whole = serde_json::json!({"status": "error", "category": "VALIDATION_ERROR", "message": "Could not get some COMPANY objects", "context": {"ids": ["13"]}});
        let o = score_outcomes(answer(400, whole), &entries);
        assert_eq!(kinds(&o), ["retry", "retry", "rejected"]);
        let missing = serde_json::json!({"status": "error", "category": "VALIDATION_ERROR", "message": "Property values were not valid: [{\"isValid\":false,\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"rapport_health_score\"}]"});
        let o = score_outcomes(answer(400, missing), &entries);
        assert_eq!(kinds(&o), ["not ready"; 3]);
        assert!(
            matches!(&o[0], Outcome::NotReady { error } if error.code() == ErrorCode::CrmSetup && error.to_string().contains("rapport_health_score"))
        );
        // An update is idempotent: a lost answer is simply sent again.
        let lost = crm(ErrorCode::CrmUnreachable, "timed out");
        let o = score_outcomes(Err(SendError::Lost(lost)), &entries);
        assert_eq!(kinds(&o), ["retry"; 3]);
        let o = score_outcomes(answer(429, serde_json::json!({})), &entries);
        assert_eq!(kinds(&o), ["retry"; 3]);
    }
}
