//! Writing captures to Salesforce by upsert on an external id, exactly-once by construction:
//! the same key always lands on the same record (DESIGN §5). Feedback goes to the custom object
//! `Customer_Feedback__c`, notes and sentiment to `Task`; both carry `Rapport_Key__c`. When the
//! org lacks them the entries stay queued: a plain create could duplicate.

use std::collections::HashSet;

use super::plan::Outcome;
use crate::domain::capture::{OutboxRecord, WriteKind};
use crate::error::{Error, ErrorCode};
use crate::sync::http::{crm, Answer, SendError};
use crate::sync::salesforce::client::Client;

pub const FEEDBACK_OBJECT: &str = "Customer_Feedback__c";
pub const KEY_FIELD: &str = "Rapport_Key__c";
/// The Contact checkbox that holds advisory-program membership.
pub const ADVISORY_FIELD: &str = "Rapport_Advisory__c";
/// The Account fields score write-back fills, with the type an admin creates them as.
pub const SCORE_FIELDS: &[(&str, &str)] = &[
    ("Rapport_Health_Score__c", "Number(3, 0)"),
    ("Rapport_Health_Band__c", "Text(10)"),
    ("Rapport_Health_As_Of__c", "Date"),
];
/// The custom object's fields Rapport writes, with the type an admin creates them as.
pub const FEEDBACK_FIELDS: &[(&str, &str)] = &[
    (KEY_FIELD, "Text(40), External ID, Unique"),
    ("Account__c", "Lookup(Account)"),
    ("Contact__c", "Lookup(Contact)"),
    ("Kind__c", "Text(10)"),
    ("Score__c", "Number(2, 0)"),
    ("Channel__c", "Text(20)"),
    ("Given_At__c", "Date/Time"),
    ("Verbatim__c", "Long Text Area(32768)"),
    ("Tags__c", "Text(255)"),
    ("Said_By__c", "Text(255)"),
];

/// What the org is missing for `kind`, from the fields `describe` lists (`None`: no such object).
pub fn missing_fields(kind: WriteKind, described: Option<&HashSet<String>>) -> Vec<String> {
    let Some(fields) = described else {
        return match kind {
            WriteKind::Feedback => vec![format!("the custom object {FEEDBACK_OBJECT}")],
            WriteKind::Advisory => vec!["the Contact object".into()],
            WriteKind::Score => vec!["the Account object".into()],
            _ => vec!["the Task object".into()],
        };
    };
    let wanted: Vec<&str> = match kind {
        WriteKind::Feedback => FEEDBACK_FIELDS.iter().map(|f| f.0).collect(),
        WriteKind::Advisory => vec![ADVISORY_FIELD],
        WriteKind::Score => SCORE_FIELDS.iter().map(|f| f.0).collect(),
        _ => vec![KEY_FIELD],
    };
    wanted
        .into_iter()
        .filter(|f| !fields.contains(*f))
        .map(str::to_string)
        .collect()
}

/// The sentence an admin reads: exactly what to create.
pub fn setup_error(kind: WriteKind, missing: &[String]) -> Error {
    let what = if kind == WriteKind::Score {
        let fields: Vec<String> = SCORE_FIELDS
            .iter()
            .map(|(n, t)| format!("{n} ({t})"))
            .collect();
        format!("the Account fields {}", fields.join(", "))
    } else if kind == WriteKind::Advisory {
        format!("the Contact field {ADVISORY_FIELD} (Checkbox, default unchecked)")
    } else if kind == WriteKind::Feedback {
        let fields: Vec<String> = FEEDBACK_FIELDS
            .iter()
            .map(|(n, t)| format!("{n} ({t})"))
            .collect();
        format!(
            "the custom object {FEEDBACK_OBJECT} with the fields {}",
            fields.join(", ")
        )
    } else {
        format!("the activity field {KEY_FIELD} (Text(40), External ID, Unique; Task's custom fields are made on Activity)")
    };
    crm(
        ErrorCode::CrmSetup,
        format!("Salesforce is missing {} that Rapport writes to. An admin must create {what} (CRM & sync → Save setup package…, or `rapport outbox salesforce-setup DIR`, writes them as a package to deploy). {} stays queued and is sent once they exist.", missing.join(", "), if kind == WriteKind::Score { "Each account's score" } else { "The entry" }),
    )
}

/// The sObject and body of the upsert.
pub fn upsert_body(e: &OutboxRecord) -> (&'static str, serde_json::Value) {
    let p = &e.payload;
    match (e.kind, &p.feedback) {
        (WriteKind::Feedback, Some(f)) => {
            let mut body = serde_json::json!({
                "Account__c": p.account_crm_id,
                "Kind__c": f.kind.as_str().to_uppercase(),
                "Score__c": f.score,
                "Channel__c": f.channel.as_str(),
                "Given_At__c": p.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                "Verbatim__c": f.verbatim,
                "Tags__c": f.tags.join(";"),
                "Said_By__c": p.new_contact.as_ref().map(|(n, m)| format!("{n} <{m}>")).unwrap_or_default(),
            });
            if let Some(c) = p.contact_crm_ids.first() {
                body["Contact__c"] = serde_json::json!(c);
            }
            (FEEDBACK_OBJECT, body)
        }
        _ => {
            // A follow-up is an open task due on its day; notes and sentiment are done already.
            let open = e.kind == WriteKind::Task;
            let mut body = serde_json::json!({
                "WhatId": p.account_crm_id,
                "Subject": p.subject.chars().take(255).collect::<String>(),
                "Description": p.body,
                "ActivityDate": p.due_on.unwrap_or(p.at.date_naive()).to_string(),
                "Status": if open { "Not Started" } else { "Completed" },
                "Priority": if open { "High" } else { "Normal" },
            });
            if let Some(c) = p.contact_crm_ids.first() {
                body["WhoId"] = serde_json::json!(c);
            }
            // Without an owner Salesforce gives the task to the API user, not the AM.
            if let Some(o) = p.owner_crm_id.as_deref().filter(|_| open) {
                body["OwnerId"] = serde_json::json!(o);
            }
            ("Task", body)
        }
    }
}

fn first_error(a: &Answer) -> (String, String) {
    let e = a.body.as_array().and_then(|v| v.first()).or(Some(&a.body));
    let get = |k: &str| {
        e.and_then(|e| e.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    (get("errorCode"), get("message"))
}

/// What Salesforce's answer to an upsert means. An upsert on the key is idempotent, so a lost
/// answer is simply sent again.
pub fn outcome(answer: std::result::Result<Answer, SendError>) -> Outcome {
    let a = match answer {
        Ok(a) => a,
        Err(SendError::Unsent(error) | SendError::Lost(error)) => {
            return Outcome::Retry { error, after: None }
        }
    };
    let (code, msg) = first_error(&a);
    match a.status {
        200 | 201 => match a.body.get("id").and_then(|i| i.as_str()) {
            Some(id) => Outcome::Delivered { crm_id: id.to_string() },
            None => Outcome::Retry {
                error: crm(ErrorCode::CrmBadResponse, "Salesforce accepted the record but sent no id back; it is upserted again to read it."),
                after: None,
            },
        },
        // Racing upserts on one key: the retry updates (DESIGN §5).
        400 if code == "DUPLICATE_VALUE" => Outcome::Retry { error: crm(ErrorCode::CrmRejected, msg), after: Some(std::time::Duration::from_secs(1)) },
        404 if msg.contains("external ID field") || code == "NOT_FOUND" => Outcome::NotReady {
            error: crm(ErrorCode::CrmSetup, format!("Salesforce: {msg}. An admin must create the field {KEY_FIELD} (Text(40), External ID, Unique); the entry stays queued.")),
        },
        300 => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, format!("Several Salesforce records carry this entry's key ({KEY_FIELD} must be unique). Remove the extra records, then send it again.")),
        },
        401 => Outcome::NotReady { error: crm(ErrorCode::CrmAuth, "Salesforce rejected the session. Connect again; the entry stays queued.") },
        403 if code == "REQUEST_LIMIT_EXCEEDED" => Outcome::NotReady { error: crm(ErrorCode::CrmRateLimited, "The Salesforce org has used its daily API allowance; the entry is sent once it renews.") },
        403 => Outcome::NotReady { error: crm(ErrorCode::CrmSetup, format!("Salesforce refused the write ({msg}). The user needs create and edit rights on the object.")) },
        429 | 500..=599 => Outcome::Retry { error: crm(ErrorCode::CrmUnreachable, format!("Salesforce had a server error ({}); the entry is sent again.", a.status)), after: a.retry_after },
        s => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, format!("Salesforce refused the record ({s}{}): {msg}. Fix it and send it again.", if code.is_empty() { String::new() } else { format!(", {code}") })),
        },
    }
}

/// Writes a contact's advisory membership: an update by id, idempotent, so anything short of
/// an answer is simply sent again.
pub async fn deliver_update(client: &Client, e: &OutboxRecord) -> Outcome {
    let Some(contact) = e.payload.contact_crm_ids.first() else {
        return Outcome::Rejected {
            error: crm(
                ErrorCode::CrmRejected,
                "This change names no Salesforce contact.",
            ),
        };
    };
    let body = serde_json::json!({ADVISORY_FIELD: e.payload.advisory.unwrap_or(false)});
    let answer = client
        .write_once(
            reqwest::Method::PATCH,
            &format!("/sobjects/Contact/{contact}"),
            &body,
        )
        .await;
    match answer {
        Ok(a) if a.status == 204 || a.status == 200 => Outcome::Delivered {
            crm_id: contact.clone(),
        },
        other => match outcome(other) {
            // An update by id cannot land twice: an ambiguous answer is a retry here.
            Outcome::Ambiguous { error } => Outcome::Retry { error, after: None },
            o => o,
        },
    }
}

/// The most records one sObject Collections call takes (Salesforce's limit).
pub const COLLECTION_MAX: usize = 200;

/// One sObject Collections upsert of `entries`, all writing to the same sObject: its name and
/// the body (`allOrNone: false`, so one refused record does not hold back the others).
pub fn collection_body(entries: &[&OutboxRecord]) -> (&'static str, serde_json::Value) {
    let object = entries.first().map_or("Task", |e| upsert_body(e).0);
    let records: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let (_, mut b) = upsert_body(e);
            b["attributes"] = serde_json::json!({"type": object});
            b[KEY_FIELD] = serde_json::json!(e.key);
            b
        })
        .collect();
    (
        object,
        serde_json::json!({"allOrNone": false, "records": records}),
    )
}

/// What one record's result in a collections answer means.
fn record_outcome(item: &serde_json::Value) -> Outcome {
    if item.get("success").and_then(|v| v.as_bool()) == Some(true) {
        if let Some(id) = item.get("id").and_then(|i| i.as_str()) {
            return Outcome::Delivered {
                crm_id: id.to_string(),
            };
        }
    }
    let first = item
        .get("errors")
        .and_then(|e| e.as_array())
        .and_then(|e| e.first());
    let get = |k: &str| {
        first
            .and_then(|e| e.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let (code, msg) = (get("statusCode"), get("message"));
    match code.as_str() {
        // Racing upserts on one key: the retry updates (DESIGN §5).
        "DUPLICATE_VALUE" => Outcome::Retry { error: crm(ErrorCode::CrmRejected, msg), after: Some(std::time::Duration::from_secs(1)) },
        "UNABLE_TO_LOCK_ROW" | "" => Outcome::Retry {
            error: crm(ErrorCode::CrmUnreachable, format!("Salesforce could not save the record now{}; it is sent again.", if msg.is_empty() { String::new() } else { format!(" ({msg})") })),
            after: None,
        },
        "DUPLICATE_EXTERNAL_ID" => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, format!("Several Salesforce records carry this entry's key ({KEY_FIELD} must be unique). Remove the extra records, then send it again.")),
        },
        _ => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, format!("Salesforce refused the record ({code}): {msg}. Fix it and send it again.")),
        },
    }
}

/// One outcome per entry, in order, from the answer to a collections upsert of `n` entries.
/// A failure of the whole call (429, 5xx, a lost answer, a missing field) is every entry's: the
/// upserts are idempotent, so each is simply sent again.
pub fn collection_outcomes(
    answer: std::result::Result<Answer, SendError>,
    n: usize,
) -> Vec<Outcome> {
    if let Ok(a) = &answer {
        if a.status == 200 {
            return match a.body.as_array() {
                Some(items) if items.len() == n => items.iter().map(record_outcome).collect(),
                _ => vec![
                    Outcome::Retry {
                        error: crm(ErrorCode::CrmBadResponse, "Salesforce answered the batch without one result per record; the records are upserted again."),
                        after: None,
                    };
                    n
                ],
            };
        }
    }
    vec![outcome(answer); n]
}

/// Upserts up to 200 entries of one sObject in one call.
pub async fn deliver_many(client: &Client, entries: &[&OutboxRecord]) -> Vec<Outcome> {
    let (object, body) = collection_body(entries);
    let path = format!("/composite/sobjects/{object}/{KEY_FIELD}");
    collection_outcomes(
        client
            .write_once(reqwest::Method::PATCH, &path, &body)
            .await,
        entries.len(),
    )
}

/// One sObject Collections update of the accounts' score fields (`allOrNone: false`; a `null`
/// clears a field).
pub fn score_collection_body(entries: &[&OutboxRecord]) -> serde_json::Value {
    let records: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let h = e.payload.health.as_ref();
            serde_json::json!({
                "attributes": {"type": "Account"},
                "id": e.payload.account_crm_id,
                "Rapport_Health_Score__c": h.and_then(|h| h.score),
                "Rapport_Health_Band__c": h.and_then(|h| h.band.clone()),
                "Rapport_Health_As_Of__c": h.map(|h| h.as_of.to_string()),
            })
        })
        .collect();
    serde_json::json!({"allOrNone": false, "records": records})
}

/// Writes up to 200 accounts' scores in one call. An update by id cannot land twice: a lost
/// answer means sending them again.
pub async fn deliver_scores(client: &Client, entries: &[&OutboxRecord]) -> Vec<Outcome> {
    let answer = client
        .write_once(
            reqwest::Method::PATCH,
            "/composite/sobjects",
            &score_collection_body(entries),
        )
        .await;
    collection_outcomes(answer, entries.len())
        .into_iter()
        .map(|o| match o {
            Outcome::Ambiguous { error } => Outcome::Retry { error, after: None },
            o => o,
        })
        .collect()
}

/// The fields `describe` lists for the objects the entries write to (`None`: no such object),
/// or the error that kept Salesforce from answering.
pub async fn describe(client: &Client, kind: WriteKind) -> Result<Option<HashSet<String>>, Error> {
    let object = match kind {
        WriteKind::Feedback => FEEDBACK_OBJECT,
        WriteKind::Advisory => "Contact",
        WriteKind::Score => "Account",
        _ => "Task",
    };
    match client.describe(object).await {
        Ok(f) => Ok(Some(f)),
        Err(e) if e.code() == ErrorCode::CrmBadResponse => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_is_told_exactly_what_to_create() {
        let have: HashSet<String> = ["Id", "Subject"].into_iter().map(String::from).collect();
        assert_eq!(missing_fields(WriteKind::Note, Some(&have)), [KEY_FIELD]);
        assert_eq!(
            missing_fields(WriteKind::Feedback, None),
            ["the custom object Customer_Feedback__c"]
        );
        let all: HashSet<String> = FEEDBACK_FIELDS.iter().map(|f| f.0.to_string()).collect();
        assert!(missing_fields(WriteKind::Feedback, Some(&all)).is_empty());
        let msg = setup_error(WriteKind::Note, &[KEY_FIELD.into()]).to_string();
        assert!(
            msg.contains("activity field Rapport_Key__c (Text(40), External ID, Unique"),
            "{msg}"
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
    fn answers_are_read_as_salesforce_means_them() {
        assert!(
            matches!(outcome(answer(201, serde_json::json!({"id": "00T1", "success": true, "created": true}))), Outcome::Delivered { crm_id } if crm_id == "00T1")
        );
        assert!(matches!(
            outcome(answer(
                200,
                serde_json::json!({"id": "00T1", "created": false})
            )),
            Outcome::Delivered { .. }
        ));
        let missing = serde_json::json!([{"errorCode": "NOT_FOUND", "message": "Provided external ID field does not exist or is not accessible: Rapport_Key__c"}]);
        assert!(matches!(
            outcome(answer(404, missing)),
            Outcome::NotReady { .. }
        ));
        let bad = serde_json::json!([{"errorCode": "INVALID_CROSS_REFERENCE_KEY", "message": "invalid cross reference id", "fields": ["WhatId"]}]);
        assert!(
            matches!(outcome(answer(400, bad)), Outcome::Rejected { error } if error.to_string().contains("INVALID_CROSS_REFERENCE_KEY"))
        );
        assert!(matches!(
            outcome(answer(
                400,
                serde_json::json!([{"errorCode": "DUPLICATE_VALUE", "message": "dup"}])
            )),
            Outcome::Retry { .. }
        ));
        // Idempotent: a lost answer is sent again, never left unconfirmed.
        let lost = crm(ErrorCode::CrmUnreachable, "timed out");
        assert!(matches!(
            outcome(Err(SendError::Lost(lost))),
            Outcome::Retry { .. }
        ));
        assert!(matches!(
            outcome(answer(503, serde_json::Value::Null)),
            Outcome::Retry { .. }
        ));
    }
}
