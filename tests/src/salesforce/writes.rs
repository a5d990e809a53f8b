//! The write side Rapport uses: upsert by external id (`PATCH /sobjects/{object}/{field}/{key}`)
//! on Task and on the custom object `Customer_Feedback__c`, answered and refused as Salesforce
//! does (201 created / 200 updated with `created: false`; a missing external-id field is 404
//! NOT_FOUND; an unknown field 400 INVALID_FIELD; a bad lookup 400 INVALID_CROSS_REFERENCE_KEY).

// Handlers answer `Result<Response, Response>`; boxing the error side would buy nothing here.
#![allow(clippy::result_large_err)]

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::{Rec, SObj, Shared, State as St};
use crate::http_util::{json_resp, now_ms};

pub(crate) const KEY_FIELD: &str = "Rapport_Key__c";
pub(crate) const FEEDBACK_OBJECT: &str = "Customer_Feedback__c";
/// The Contact checkbox Rapport writes advisory membership to (only with `rapport_fields`).
pub(crate) const ADVISORY_FIELD: &str = "Rapport_Advisory__c";
/// The Account fields score write-back fills (only with `rapport_fields`).
pub(crate) const SCORE_FIELDS: &[(&str, super::FType)] = &[
    ("Rapport_Health_Score__c", super::FType::Num),
    ("Rapport_Health_Band__c", super::FType::Str),
    ("Rapport_Health_As_Of__c", super::FType::Date),
];
/// The custom object's fields besides Id, with their describe types.
const FEEDBACK_FIELDS: &[(&str, &str)] = &[
    (KEY_FIELD, "string"),
    ("Account__c", "reference"),
    ("Contact__c", "reference"),
    ("Kind__c", "string"),
    ("Score__c", "double"),
    ("Channel__c", "string"),
    ("Given_At__c", "datetime"),
    ("Verbatim__c", "textarea"),
    ("Tags__c", "string"),
    ("Said_By__c", "string"),
];
/// Task fields a write may set (stock ones plus the key).
const TASK_WRITABLE: &[&str] = &[
    "WhatId",
    "WhoId",
    "OwnerId",
    "Subject",
    "Description",
    "ActivityDate",
    "Status",
    "Priority",
];

type Res = Result<Response, Response>;
/// A refusal of one record: status, Salesforce's error code, message, fields.
type Refusal = (StatusCode, &'static str, String, Vec<String>);

fn sf_error(status: StatusCode, code: &str, message: &str, fields: &[&str]) -> Response {
    json_resp(
        status,
        json!([{"message": message, "errorCode": code, "fields": fields}]),
    )
}

/// `describe` of the custom object, or 404 when the org does not have it.
pub(crate) fn describe_feedback(st: &St) -> Res {
    if !st.cfg.rapport_fields {
        return Err(sf_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
            &[],
        ));
    }
    let fields: Vec<Value> = std::iter::once(("Id", "id"))
        .chain(FEEDBACK_FIELDS.iter().copied())
        .map(|(n, t)| json!({"name": n, "label": n.trim_end_matches("__c").replace('_', " "), "type": t, "custom": n.ends_with("__c"), "nillable": n != "Id", "externalId": n == KEY_FIELD, "unique": n == KEY_FIELD}))
        .collect();
    Ok(json_resp(
        StatusCode::OK,
        json!({"name": FEEDBACK_OBJECT, "label": "Customer Feedback", "keyPrefix": "a0F", "custom": true, "fields": fields}),
    ))
}

fn exists(st: &St, o: SObj, id: &str) -> bool {
    st.store(o).get(id).is_some_and(|r| !r.deleted)
}

/// The body's fields, refused as Salesforce refuses them.
fn check_body(st: &St, object: &str, body: &Map<String, Value>) -> Result<(), Refusal> {
    for k in body.keys() {
        if k == "Id" || k == KEY_FIELD {
            return Err((StatusCode::BAD_REQUEST, "INVALID_FIELD", format!("Unable to create/update fields: {k}. Please check the security settings of this field and verify that it is read/write for your profile or permission set."), vec![k.clone()]));
        }
        let known = if object == FEEDBACK_OBJECT {
            FEEDBACK_FIELDS.iter().any(|f| f.0 == k)
        } else {
            TASK_WRITABLE.contains(&k.as_str())
        };
        if !known {
            return Err((
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                format!("No such column '{k}' on sobject of type {object}"),
                vec![],
            ));
        }
    }
    let lookups: &[(&str, SObj)] = if object == FEEDBACK_OBJECT {
        &[("Account__c", SObj::Account), ("Contact__c", SObj::Contact)]
    } else {
        &[
            ("WhatId", SObj::Account),
            ("WhoId", SObj::Contact),
            ("OwnerId", SObj::User),
        ]
    };
    for (field, o) in lookups {
        if let Some(v) = body.get(*field).and_then(Value::as_str) {
            if !exists(st, *o, v) {
                return Err((
                    StatusCode::BAD_REQUEST,
                    "INVALID_CROSS_REFERENCE_KEY",
                    format!("invalid cross reference id: {v}"),
                    vec![field.to_string()],
                ));
            }
        }
    }
    Ok(())
}

fn refusal(r: Refusal) -> Response {
    let fields: Vec<&str> = r.3.iter().map(String::as_str).collect();
    sf_error(r.0, r.1, &r.2, &fields)
}

/// The object and external-id field of an upsert URL, refused as Salesforce refuses them.
fn upsert_target(st: &St, object: &str, field: &str) -> Result<&'static str, Refusal> {
    let feedback = object.eq_ignore_ascii_case(FEEDBACK_OBJECT);
    let missing = || {
        (
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist".to_string(),
            vec![],
        )
    };
    if (feedback && !st.cfg.rapport_fields) || (!feedback && !object.eq_ignore_ascii_case("Task")) {
        return Err(missing());
    }
    if field != KEY_FIELD || !st.cfg.rapport_fields {
        return Err((
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {field}"),
            vec![],
        ));
    }
    Ok(if feedback { FEEDBACK_OBJECT } else { "Task" })
}

/// Upserts one record of `object` on `key`: `(id, created)`.
fn upsert_record(
    st: &mut St,
    object: &'static str,
    key: &str,
    fields: Map<String, Value>,
) -> Result<(String, bool), Refusal> {
    let feedback = object == FEEDBACK_OBJECT;
    check_body(st, object, &fields)?;
    let now = now_ms();
    let key_value = Value::String(key.to_string());
    let found: Vec<String> = if feedback {
        st.feedback
            .values()
            .filter(|r| r.fields.get(KEY_FIELD) == Some(&key_value))
            .map(|r| r.id.clone())
            .collect()
    } else {
        st.store(SObj::Task)
            .values()
            .filter(|r| !r.deleted && r.fields.get(KEY_FIELD) == Some(&key_value))
            .map(|r| r.id.clone())
            .collect()
    };
    if found.len() > 1 {
        return Err((
            StatusCode::MULTIPLE_CHOICES,
            "DUPLICATE_EXTERNAL_ID",
            format!("{KEY_FIELD}: more than one record found for external id field: {found:?}"),
            vec![KEY_FIELD.into()],
        ));
    }
    let created = found.is_empty();
    let id = match found.into_iter().next() {
        Some(id) => id,
        None if feedback => {
            let n = st.next_feedback;
            st.next_feedback += 1;
            super::id18(&format!("a0F{n:012}"))
        }
        None => st.new_id(SObj::Task),
    };
    let mut rec = if feedback {
        st.feedback.remove(&id)
    } else {
        st.objects[SObj::Task.idx()].remove(&id)
    }
    .unwrap_or_else(|| Rec::new(id.clone(), now, now));
    rec.fields.insert(KEY_FIELD.into(), key_value);
    for (k, v) in fields {
        rec.fields.insert(k, v);
    }
    if !feedback {
        // Task's AccountId follows its WhatId when that is an account.
        if let Some(w) = rec.fields.get("WhatId").cloned() {
            rec.fields.insert("AccountId".into(), w);
        }
        rec.fields
            .entry("TaskSubtype".to_string())
            .or_insert(json!("Task"));
    }
    rec.modstamp_ms = now;
    if feedback {
        st.feedback.insert(id.clone(), rec);
    } else {
        st.insert(SObj::Task, rec);
    }
    Ok((id, created))
}

/// `PATCH /services/data/vXX.X/sobjects/{object}/{field}/{key}`.
pub(crate) async fn upsert(
    State(sh): State<std::sync::Arc<Shared>>,
    Path((_ver, object, field, key)): Path<(String, String, String, String)>,
    body: Bytes,
) -> Res {
    let mut st = sh.lock();
    let object = upsert_target(&st, &object, &field).map_err(refusal)?;
    let fields: Map<String, Value> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(sf_error(
                StatusCode::BAD_REQUEST,
                "JSON_PARSER_ERROR",
                "The request body is not a JSON object.",
                &[],
            ))
        }
    };
    match upsert_record(&mut st, object, &key, fields) {
        Ok((id, created)) => Ok(json_resp(
            if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            json!({"id": id, "success": true, "errors": [], "created": created}),
        )),
        Err(r) if r.0 == StatusCode::MULTIPLE_CHOICES => Err(json_resp(
            StatusCode::MULTIPLE_CHOICES,
            json!([format!("/services/data/v59.0/sobjects/{object}/{key}")]),
        )),
        Err(r) => Err(refusal(r)),
    }
}

/// The most records one sObject Collections call takes.
const COLLECTION_LIMIT: usize = 200;

/// The `records` of an sObject Collections body, refused as Salesforce refuses a body that is
/// not one or holds more than 200.
fn collection_records(body: &Bytes) -> Result<Vec<Value>, Response> {
    let parser = |m: &str| sf_error(StatusCode::BAD_REQUEST, "JSON_PARSER_ERROR", m, &[]);
    let records = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut m)) => match m.remove("records") {
            Some(Value::Array(r)) => r,
            _ => return Err(parser("The request needs a records array.")),
        },
        _ => return Err(parser("The request body is not a JSON object.")),
    };
    if records.len() > COLLECTION_LIMIT {
        return Err(sf_error(
            StatusCode::BAD_REQUEST,
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records into this call",
            &[],
        ));
    }
    Ok(records)
}

/// `PATCH /services/data/vXX.X/composite/sobjects/{object}/{field}`: up to 200 upserts in one
/// call, answered record by record in order (`allOrNone: false`), as Salesforce does.
pub(crate) async fn upsert_many(
    State(sh): State<std::sync::Arc<Shared>>,
    Path((_ver, object, field)): Path<(String, String, String)>,
    body: Bytes,
) -> Res {
    let mut st = sh.lock();
    let object = upsert_target(&st, &object, &field).map_err(refusal)?;
    let records = collection_records(&body)?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let Value::Object(mut fields) = r else {
            out.push(json!({"success": false, "errors": [{"statusCode": "JSON_PARSER_ERROR", "message": "A record is not an object.", "fields": []}]}));
            continue;
        };
        let ty = fields
            .remove("attributes")
            .and_then(|a| a.get("type").and_then(Value::as_str).map(str::to_string));
        if !ty.is_some_and(|t| t.eq_ignore_ascii_case(object)) {
            out.push(json!({"success": false, "errors": [{"statusCode": "INVALID_TYPE", "message": format!("Each record needs attributes.type {object}."), "fields": []}]}));
            continue;
        }
        let Some(key) = fields
            .remove(KEY_FIELD)
            .and_then(|k| k.as_str().map(str::to_string))
        else {
            out.push(json!({"success": false, "errors": [{"statusCode": "MISSING_ARGUMENT", "message": format!("{KEY_FIELD} not specified"), "fields": [KEY_FIELD]}]}));
            continue;
        };
        match upsert_record(&mut st, object, &key, fields) {
            Ok((id, created)) => out.push(json!({"id": id, "success": true, "errors": [], "created": created})),
            Err((_, code, message, f)) => out.push(json!({"success": false, "errors": [{"statusCode": code, "message": message, "fields": f}]})),
        }
    }
    Ok(json_resp(StatusCode::OK, Value::Array(out)))
}

/// `PATCH /services/data/vXX.X/sobjects/Contact/{id}`: an update by id of the fields the org has
/// (Rapport writes only `Rapport_Advisory__c`); 204 with no body, as Salesforce answers.
pub(crate) async fn update(
    State(sh): State<std::sync::Arc<Shared>>,
    Path((_ver, object, id)): Path<(String, String, String)>,
    body: Bytes,
) -> Res {
    let mut st = sh.lock();
    let Some(o) = SObj::parse(&object).filter(|o| *o == SObj::Contact) else {
        return Err(sf_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
            &[],
        ));
    };
    let fields: Map<String, Value> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(sf_error(
                StatusCode::BAD_REQUEST,
                "JSON_PARSER_ERROR",
                "The request body is not a JSON object.",
                &[],
            ))
        }
    };
    for k in fields.keys() {
        let known = st.extra_fields[o.idx()].contains_key(k);
        if !known {
            return Err(sf_error(
                StatusCode::BAD_REQUEST,
                "INVALID_FIELD",
                &format!("No such column '{k}' on sobject of type Contact"),
                &[],
            ));
        }
    }
    if !exists(&st, o, &id) {
        return Err(sf_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
            &[],
        ));
    }
    let now = now_ms();
    if let Some(rec) = st.objects[o.idx()].get_mut(&id) {
        for (k, v) in fields {
            rec.fields.insert(k, v);
        }
        rec.modstamp_ms = now;
    }
    Ok(axum::response::IntoResponse::into_response(
        StatusCode::NO_CONTENT,
    ))
}

/// `PATCH /services/data/vXX.X/composite/sobjects`: up to 200 updates by id in one call,
/// answered record by record in order (`allOrNone: false`). Rapport updates Account's score
/// fields; a field the org lacks is INVALID_FIELD, a record that is gone ENTITY_IS_DELETED or
/// INVALID_CROSS_REFERENCE_KEY, as Salesforce answers.
pub(crate) async fn update_many(
    State(sh): State<std::sync::Arc<Shared>>,
    Path(_ver): Path<String>,
    body: Bytes,
) -> Res {
    let mut st = sh.lock();
    let records = collection_records(&body)?;
    let now = now_ms();
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let refuse = |code: &str, message: String, fields: Vec<String>| json!({"success": false, "errors": [{"statusCode": code, "message": message, "fields": fields}]});
        let Value::Object(mut fields) = r else {
            out.push(refuse(
                "JSON_PARSER_ERROR",
                "A record is not an object.".into(),
                vec![],
            ));
            continue;
        };
        let ty = fields
            .remove("attributes")
            .and_then(|a| a.get("type").and_then(Value::as_str).map(str::to_string));
        let Some(o) = ty.as_deref().and_then(SObj::parse) else {
            out.push(refuse(
                "INVALID_TYPE",
                "Each record needs attributes.type.".into(),
                vec![],
            ));
            continue;
        };
        let id = fields
            .remove("id")
            .or_else(|| fields.remove("Id"))
            .and_then(|i| i.as_str().map(str::to_string));
        let Some(id) = id else {
            out.push(refuse(
                "MISSING_ARGUMENT",
                "Id not specified in an update call".into(),
                vec!["Id".into()],
            ));
            continue;
        };
        if let Some(k) = fields
            .keys()
            .find(|k| !st.extra_fields[o.idx()].contains_key(*k))
        {
            out.push(refuse(
                "INVALID_FIELD",
                format!("No such column '{k}' on sobject of type {}", o.name()),
                vec![k.clone()],
            ));
            continue;
        }
        match st.objects[o.idx()].get_mut(&id) {
            Some(rec) if rec.deleted => {
                out.push(refuse(
                    "ENTITY_IS_DELETED",
                    "entity is deleted".into(),
                    vec![],
                ));
            }
            Some(rec) => {
                for (k, v) in fields {
                    rec.fields.insert(k, v);
                }
                rec.modstamp_ms = now;
                out.push(json!({"id": id, "success": true, "errors": []}));
            }
            None => out.push(refuse(
                "INVALID_CROSS_REFERENCE_KEY",
                format!("invalid cross reference id: {id}"),
                vec![],
            )),
        }
    }
    Ok(json_resp(StatusCode::OK, Value::Array(out)))
}
