//! The HubSpot schema and batch writes Rapport uses for score write-back: creating a custom
//! property (`POST /crm/v3/properties/{type}`) and updating records in batches
//! (`POST /crm/v3/objects/{type}/batch/update`), answered and refused as HubSpot does: 201 with
//! the definition, 409 when the name is taken, 403 without the schema scope; 200 when every
//! record was updated, 207 naming the ids that do not exist, 400 for an unknown property, a value
//! outside an enumeration's options, a duplicate id or more than 100 inputs (nothing applied).

// Handlers answer `Result<Response, Response>`; boxing the error side would buy nothing here.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::gate::{error, json_resp, now_ms};
use super::store::{iso, Ty};
use super::Shared;

type Res = Result<Response, Response>;

fn validation(message: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        message,
        Value::Null,
    )
}

/// The `type` / `fieldType` pairs HubSpot accepts.
const FIELD_TYPES: &[(&str, &[&str])] = &[
    (
        "string",
        &["text", "textarea", "phonenumber", "html", "file"],
    ),
    ("number", &["number", "calculation_equation"]),
    ("date", &["date"]),
    ("datetime", &["date"]),
    ("bool", &["booleancheckbox"]),
    (
        "enumeration",
        &["select", "radio", "checkbox", "booleancheckbox"],
    ),
];

/// `POST /crm/v3/properties/{type}`: defines a custom property.
pub(crate) async fn create_property(
    State(sh): State<Arc<Shared>>,
    Path(ty): Path<String>,
    body: Bytes,
) -> Res {
    let ty = Ty::parse(&ty).ok_or_else(|| {
        error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            &format!("Unable to infer object type from: {ty}"),
            Value::Null,
        )
    })?;
    let Ok(Value::Object(def)) = serde_json::from_slice::<Value>(&body) else {
        return Err(validation("Invalid input JSON on line 1: not an object."));
    };
    let mut st = sh.lock();
    if !st.cfg.schema_write_scope {
        return Err(error(
            StatusCode::FORBIDDEN,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
            json!({"errors": [{"message": "One or more of the following scopes are required.", "context": {"requiredScopes": [format!("crm.schemas.{}.write", ty.name())]}}]}),
        ));
    }
    let get = |k: &str| def.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (name, label, kind, field, group) = (
        get("name"),
        get("label"),
        get("type"),
        get("fieldType"),
        get("groupName"),
    );
    for (k, v) in [
        ("name", &name),
        ("label", &label),
        ("type", &kind),
        ("fieldType", &field),
        ("groupName", &group),
    ] {
        if v.is_empty() {
            return Err(validation(&format!("Property definition is missing {k}.")));
        }
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        || name.starts_with("hs_")
    {
        return Err(validation(&format!("Property name {name} is not valid: use lower-case letters, digits and underscores, not starting with hs_.")));
    }
    if !FIELD_TYPES
        .iter()
        .any(|(t, fields)| *t == kind && fields.contains(&field.as_str()))
    {
        return Err(validation(&format!(
            "Property type {kind} cannot have fieldType {field}."
        )));
    }
    if kind == "enumeration"
        && def
            .get("options")
            .and_then(Value::as_array)
            .is_none_or(|o| o.is_empty())
    {
        return Err(validation(&format!(
            "Enumeration property {name} needs options."
        )));
    }
    if super::routes::defined_names(&st, ty).contains(&name) {
        return Err(error(
            StatusCode::CONFLICT,
            "OBJECT_ALREADY_EXISTS",
            &format!("Property named '{name}' already exists."),
            Value::Null,
        ));
    }
    let now = iso(now_ms());
    let mut stored = def.clone();
    stored.insert("hubspotDefined".into(), json!(false));
    stored.insert("createdAt".into(), json!(now));
    stored.insert("updatedAt".into(), json!(now));
    stored
        .entry("options".to_string())
        .or_insert_with(|| json!([]));
    st.custom_props[ty.idx()].insert(name, Value::Object(stored.clone()));
    Ok(json_resp(StatusCode::CREATED, Value::Object(stored)))
}

/// The values a custom enumeration property accepts (`None`: any value).
fn options_of(st: &super::State, ty: Ty, name: &str) -> Option<BTreeSet<String>> {
    let def = st.custom_props[ty.idx()].get(name)?;
    if def.get("type").and_then(Value::as_str) != Some("enumeration") {
        return None;
    }
    Some(
        def.get("options")
            .and_then(Value::as_array)
            .map(|o| {
                o.iter()
                    .filter_map(|o| o.get("value").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BatchUpdate {
    inputs: Vec<Value>,
}

/// `POST /crm/v3/objects/{type}/batch/update`.
pub(crate) async fn batch_update(
    State(sh): State<Arc<Shared>>,
    Path(ty): Path<String>,
    body: Bytes,
) -> Res {
    let ty = Ty::parse(&ty).ok_or_else(|| validation(&format!("Unknown object type {ty}.")))?;
    let req: BatchUpdate = serde_json::from_slice(&body)
        .map_err(|e| validation(&format!("Invalid input JSON: {e}")))?;
    if req.inputs.len() > 100 {
        return Err(validation(&format!(
            "Batch input exceeds the limit of 100: {} inputs.",
            req.inputs.len()
        )));
    }
    let started = iso(now_ms());
    let mut st = sh.lock();
    let mut seen = BTreeSet::new();
    let mut updates: Vec<(String, Map<String, Value>)> = Vec::new();
    for input in &req.inputs {
        let id = match input.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => return Err(validation("Each input needs an id.")),
        };
        if !seen.insert(id.clone()) {
            return Err(validation(&format!(
                "Duplicate IDs found in batch input: [{id}]. IDs must be unique"
            )));
        }
        let props = input
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        super::routes::unknown_properties(&st, ty, &props)?;
        for (k, v) in &props {
            let value = super::routes::scalar(v);
            if let Some(options) = options_of(&st, ty, k) {
                if !value.is_empty() && !options.contains(&value) {
                    return Err(validation(&format!("Property values were not valid: [{{\"isValid\":false,\"message\":\"{value} was not one of the allowed options: {options:?}\",\"error\":\"INVALID_OPTION\",\"name\":\"{k}\"}}]")));
                }
            }
        }
        updates.push((id, props));
    }
    let now = now_ms();
    let lag = st.lag_ms();
    let store = st.store(ty);
    let mut results = Vec::new();
    let mut missing = Vec::new();
    for (id, props) in updates {
        let Some(o) = id
            .parse::<u64>()
            .ok()
            .and_then(|n| store.objs.get_mut(&n))
            .filter(|o| !o.archived())
        else {
            missing.push(id);
            continue;
        };
        o.before_write(true, now, lag);
        for (k, v) in &props {
            o.props.insert(k.clone(), super::routes::scalar(v));
        }
        o.updated_ms = now;
        let names: Vec<String> = props.keys().cloned().collect();
        results.push(o.to_json(ty, &names));
    }
    store.touch();
    let mut body = json!({"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": iso(now_ms())});
    if missing.is_empty() {
        return Ok(json_resp(StatusCode::OK, body));
    }
    body["numErrors"] = json!(1);
    body["errors"] = json!([{
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": format!("Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.", ty.singular().to_uppercase()),
        "context": {"ids": missing},
    }]);
    Ok(json_resp(StatusCode::MULTI_STATUS, body))
}

/// Custom property definitions by name, one map per object type.
pub(crate) type CustomProps = Vec<BTreeMap<String, Value>>;
