//! Feedback to a HubSpot custom object, where the portal has one (Enterprise): the object
//! `rapport_feedback` with the unique property `rapport_key` makes every write an upsert on the
//! entry's key, so a lost answer is simply sent again, up to 100 to a call, then associated with
//! the company and the speaker (default associations, idempotent too). A portal without it gets
//! notes found again by their marker (`hubspot.rs`).

use super::plan::Outcome;
use crate::domain::capture::OutboxRecord;
use crate::error::{ErrorCode, Result};
use crate::sync::http::{crm, Answer, SendError};
use crate::sync::hubspot::client::Client;

/// The custom object's name and its unique key property, as an admin defines them.
pub const OBJECT_NAME: &str = "rapport_feedback";
pub const KEY_PROPERTY: &str = "rapport_key";
/// The properties Rapport writes, besides the key.
pub const PROPERTIES: &[&str] = &[
    "rapport_kind",
    "rapport_score",
    "rapport_channel",
    "rapport_given_at",
    "rapport_verbatim",
    "rapport_tags",
    "rapport_said_by",
];

/// The portal's `rapport_feedback` object type id (`2-…`) when it has one with a unique
/// `rapport_key` and every property Rapport writes; `None` otherwise (no such object, or a
/// portal or token that cannot see custom objects).
pub async fn feedback_object(client: &Client) -> Result<Option<String>> {
    let schemas = match client.schemas().await {
        Ok(s) => s,
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::CrmScope | ErrorCode::CrmAuth | ErrorCode::CrmBadResponse
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e),
    };
    Ok(object_type_of(&schemas))
}

/// The object type id of the usable `rapport_feedback` schema among `schemas`.
pub fn object_type_of(schemas: &[serde_json::Value]) -> Option<String> {
    schemas.iter().find_map(|s| {
        let name = s.get("name").and_then(|n| n.as_str())?;
        if !name.eq_ignore_ascii_case(OBJECT_NAME) {
            return None;
        }
        let props = s.get("properties").and_then(|p| p.as_array())?;
        let has = |n: &str, unique: bool| {
            props.iter().any(|p| {
                p.get("name").and_then(|v| v.as_str()) == Some(n)
                    && (!unique || p.get("hasUniqueValue").and_then(|v| v.as_bool()) == Some(true))
            })
        };
        (has(KEY_PROPERTY, true) && PROPERTIES.iter().all(|p| has(p, false)))
            .then(|| {
                s.get("objectTypeId")
                    .and_then(|i| i.as_str())
                    .map(str::to_string)
            })
            .flatten()
    })
}

/// One batch upsert of feedback entries, keyed on their idempotency keys.
pub fn upsert_body(entries: &[&OutboxRecord]) -> serde_json::Value {
    let inputs: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            let p = &e.payload;
            let f = p.feedback.as_ref();
            serde_json::json!({
                "idProperty": KEY_PROPERTY,
                "id": e.key,
                "properties": {
                    "rapport_kind": f.map(|f| f.kind.as_str().to_uppercase()).unwrap_or_default(),
                    "rapport_score": f.map(|f| f.score.to_string()).unwrap_or_default(),
                    "rapport_channel": f.map(|f| f.channel.as_str()).unwrap_or_default(),
                    "rapport_given_at": p.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                    // Plain text: HubSpot shows a text property as text, never as markup.
                    "rapport_verbatim": f.map(|f| f.verbatim.clone()).unwrap_or_default(),
                    "rapport_tags": f.map(|f| f.tags.join(";")).unwrap_or_default(),
                    "rapport_said_by": p.new_contact.as_ref().map(|(n, m)| format!("{n} <{m}>")).unwrap_or_default(),
                },
            })
        })
        .collect();
    serde_json::json!({ "inputs": inputs })
}

fn message(a: &Answer) -> String {
    a.body
        .get("message")
        .and_then(|m| m.as_str())
        .unwrap_or("")
        .to_string()
}

/// What an answer that is not a success means for every entry of the call. Upserts and
/// default associations are idempotent: anything short of a refusal is sent again.
fn failure(answer: std::result::Result<Answer, SendError>, step: &str) -> Outcome {
    let a = match answer {
        Ok(a) => a,
        Err(SendError::Unsent(error) | SendError::Lost(error)) => {
            return Outcome::Retry { error, after: None }
        }
    };
    match a.status {
        429 => Outcome::Retry {
            error: crm(ErrorCode::CrmRateLimited, format!("HubSpot answered \u{201c}too many requests\u{201d} while {step}; the feedback waits for the next window.")),
            after: a.retry_after.or(Some(std::time::Duration::from_secs(10))),
        },
        401 => Outcome::NotReady { error: crm(ErrorCode::CrmAuth, "HubSpot rejected the token. Connect the account again; the feedback stays queued.") },
        403 => Outcome::NotReady {
            error: crm(ErrorCode::CrmSetup, format!("HubSpot refused {step} ({}): the private app or sign-in needs the crm.objects.custom.write scope.", message(&a))),
        },
        s if s >= 500 => Outcome::Retry { error: crm(ErrorCode::CrmUnreachable, format!("HubSpot had a server error ({s}) while {step}; it is sent again (the upsert cannot make a second record).")), after: None },
        s => Outcome::Rejected {
            error: crm(ErrorCode::CrmRejected, format!("HubSpot refused the feedback while {step} ({s}): {}. Fix it and send it again.", message(&a))),
        },
    }
}

/// Upserts up to 100 feedback entries into the custom object `type_id`, then associates each
/// record with its company and speaker. One outcome per entry, in order.
pub async fn deliver(client: &Client, type_id: &str, entries: &[&OutboxRecord]) -> Vec<Outcome> {
    let all = |o: Outcome| vec![o; entries.len()];
    let answer = client
        .write_once(
            reqwest::Method::POST,
            &format!("/crm/v3/objects/{type_id}/batch/upsert"),
            &upsert_body(entries),
        )
        .await;
    let results = match &answer {
        Ok(a) if a.status == 200 || a.status == 201 => a
            .body
            .get("results")
            .and_then(|r| r.as_array())
            .cloned()
            .unwrap_or_default(),
        _ => return all(failure(answer, "saving the feedback")),
    };
    // Results come back in any order: each is matched to its entry by the key it carries.
    let ids: Vec<Option<String>> = entries
        .iter()
        .map(|e| {
            results.iter().find_map(|r| {
                let key = r.get("properties")?.get(KEY_PROPERTY)?.as_str()?;
                (key == e.key)
                    .then(|| r.get("id").and_then(|i| i.as_str()).map(str::to_string))
                    .flatten()
            })
        })
        .collect();
    let pairs = |to: &dyn Fn(&OutboxRecord) -> Option<String>| -> Vec<serde_json::Value> {
        entries
            .iter()
            .zip(&ids)
            .filter_map(|(e, id)| {
                Some(serde_json::json!({"from": {"id": id.clone()?}, "to": {"id": to(e)?}}))
            })
            .collect()
    };
    for (to_type, inputs) in [
        (
            "companies",
            pairs(&|e: &OutboxRecord| Some(e.payload.account_crm_id.clone())),
        ),
        (
            "contacts",
            pairs(&|e: &OutboxRecord| e.payload.contact_crm_ids.first().cloned()),
        ),
    ] {
        if inputs.is_empty() {
            continue;
        }
        let answer = client
            .write_once(
                reqwest::Method::POST,
                &format!("/crm/v4/associations/{type_id}/{to_type}/batch/associate/default"),
                &serde_json::json!({ "inputs": inputs }),
            )
            .await;
        match &answer {
            Ok(a) if a.status == 200 || a.status == 201 => {}
            _ => {
                return all(failure(
                    answer,
                    "linking the feedback to its company and contact",
                ))
            }
        }
    }
    ids.into_iter()
        .map(|id| match id {
            // The object type goes with the id: it is what opens the record in HubSpot.
            Some(id) => Outcome::Delivered {
                crm_id: format!("{type_id}:{id}"),
            },
            None => Outcome::Retry {
                error: crm(
                    ErrorCode::CrmBadResponse,
                    "HubSpot answered the batch without this record; it is upserted again.",
                ),
                after: None,
            },
        })
        .collect()
}

/// The custom object an admin creates (`POST /crm/v3/schemas`, Enterprise portals) so feedback
/// is upserted rather than written as notes.
pub fn schema_definition() -> serde_json::Value {
    let mut properties = vec![
        serde_json::json!({"name": KEY_PROPERTY, "label": "Rapport key", "type": "string", "fieldType": "text", "hasUniqueValue": true}),
    ];
    properties.extend(PROPERTIES.iter().map(|p| {
        let label = p.trim_start_matches("rapport_").replace('_', " ");
        serde_json::json!({"name": p, "label": label, "type": "string", "fieldType": if *p == "rapport_verbatim" { "textarea" } else { "text" }})
    }));
    serde_json::json!({
        "name": OBJECT_NAME,
        "labels": {"singular": "Customer feedback", "plural": "Customer feedback"},
        "primaryDisplayProperty": KEY_PROPERTY,
        "requiredProperties": [KEY_PROPERTY],
        "properties": properties,
        "associatedObjects": ["COMPANY", "CONTACT"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_an_admin_creates_is_the_one_the_sender_uses() {
        let mut created = schema_definition();
        created["objectTypeId"] = serde_json::json!("2-123");
        assert_eq!(object_type_of(&[created.clone()]).as_deref(), Some("2-123"));
        // Without a unique key an upsert could not be keyed on it: notes are used instead.
        let mut loose = created.clone();
        loose["properties"][0]["hasUniqueValue"] = serde_json::json!(false);
        assert_eq!(object_type_of(&[loose]), None);
        let mut short = created;
        short["properties"].as_array_mut().unwrap().pop();
        assert_eq!(object_type_of(&[short]), None, "a property is missing");
    }
}
