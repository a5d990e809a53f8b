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
    if super::properties::defined_names(&st, ty).contains(&name) {
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
        super::properties::unknown_properties(&st, ty, &props)?;
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

/// The `rapport_feedback` custom object a portal may have (`Config::feedback_object`).
pub(crate) const FEEDBACK_TYPE_ID: &str = "2-9000001";
const FEEDBACK_PROPS: &[&str] = &[
    "rapport_key",
    "rapport_kind",
    "rapport_score",
    "rapport_channel",
    "rapport_given_at",
    "rapport_verbatim",
    "rapport_tags",
    "rapport_said_by",
];

/// Records of the custom object and their default associations (to companies, contacts).
#[derive(Default)]
pub(crate) struct CustomObject {
    pub records: BTreeMap<u64, BTreeMap<String, String>>,
    pub next_id: u64,
    pub assocs: BTreeSet<(u64, String, u64)>,
}

fn is_feedback_type(st: &super::State, ty: &str) -> bool {
    st.cfg.feedback_object
        && (ty == FEEDBACK_TYPE_ID
            || ty.eq_ignore_ascii_case("rapport_feedback")
            || ty.eq_ignore_ascii_case(&format!("p{}_rapport_feedback", st.cfg.portal_id)))
}

/// `GET /crm/v3/schemas`: the portal's custom objects.
pub(crate) async fn schemas(State(sh): State<Arc<Shared>>) -> Res {
    let st = sh.lock();
    let mut results = Vec::new();
    if st.cfg.feedback_object {
        let props: Vec<Value> = FEEDBACK_PROPS
            .iter()
            .map(|p| json!({"name": p, "label": super::seed::title_case(p), "type": "string", "fieldType": "text", "hasUniqueValue": *p == "rapport_key"}))
            .collect();
        results.push(json!({
            "id": "9000001",
            "objectTypeId": FEEDBACK_TYPE_ID,
            "name": "rapport_feedback",
            "fullyQualifiedName": format!("p{}_rapport_feedback", st.cfg.portal_id),
            "labels": {"singular": "Customer feedback", "plural": "Customer feedback"},
            "primaryDisplayProperty": "rapport_key",
            "requiredProperties": ["rapport_key"],
            "properties": props,
            "associations": [],
        }));
    }
    Ok(json_resp(StatusCode::OK, json!({ "results": results })))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Upsert {
    inputs: Vec<Value>,
}

/// `POST /crm/v3/objects/{type}/batch/upsert`: create or update records by a unique property
/// (only the custom object has one here; stock objects are refused as HubSpot refuses an
/// `idProperty` that is not unique).
pub(crate) async fn batch_upsert(
    State(sh): State<Arc<Shared>>,
    Path(ty): Path<String>,
    body: Bytes,
) -> Res {
    let req: Upsert = serde_json::from_slice(&body)
        .map_err(|e| validation(&format!("Invalid input JSON: {e}")))?;
    let mut st = sh.lock();
    if !is_feedback_type(&st, &ty) {
        return Err(validation(&format!(
            "Upsert needs an idProperty with unique values on {ty}."
        )));
    }
    if req.inputs.len() > 100 {
        return Err(validation(&format!(
            "Batch input exceeds the limit of 100: {} inputs.",
            req.inputs.len()
        )));
    }
    let mut parsed = Vec::new();
    let mut seen = BTreeSet::new();
    for input in &req.inputs {
        if input.get("idProperty").and_then(Value::as_str) != Some("rapport_key") {
            return Err(validation(
                "idProperty must name a property with unique values (rapport_key).",
            ));
        }
        let key = input
            .get("id")
            .map(super::routes::scalar)
            .unwrap_or_default();
        if key.is_empty() || !seen.insert(key.clone()) {
            return Err(validation(&format!(
                "Duplicate or missing id in batch input: [{key}]."
            )));
        }
        let props = input
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if let Some(k) = props.keys().find(|k| !FEEDBACK_PROPS.contains(&k.as_str())) {
            return Err(validation(&format!("Property values were not valid: [{{\"isValid\":false,\"message\":\"Property \\\"{k}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{k}\"}}]")));
        }
        parsed.push((key, props));
    }
    let now = iso(now_ms());
    let obj = &mut st.feedback_object;
    let mut results = Vec::new();
    for (key, props) in parsed {
        let found = obj
            .records
            .iter()
            .find(|(_, r)| r.get("rapport_key") == Some(&key))
            .map(|(id, _)| *id);
        let (id, new) = match found {
            Some(id) => (id, false),
            None => {
                obj.next_id += 1;
                (30_000_000 + obj.next_id, true)
            }
        };
        let rec = obj.records.entry(id).or_default();
        rec.insert("rapport_key".into(), key);
        for (k, v) in props {
            rec.insert(k, super::routes::scalar(&v));
        }
        results.push(json!({"id": id.to_string(), "properties": rec.clone(), "new": new, "createdAt": now, "updatedAt": now, "archived": false}));
    }
    Ok(json_resp(
        StatusCode::OK,
        json!({"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": iso(now_ms())}),
    ))
}

/// `POST /crm/v4/associations/{from}/{to}/batch/associate/default`: default (unlabelled)
/// associations from custom-object records; associating twice changes nothing.
pub(crate) async fn associate_default(
    State(sh): State<Arc<Shared>>,
    Path((from, to)): Path<(String, String)>,
    body: Bytes,
) -> Res {
    let req: Upsert = serde_json::from_slice(&body)
        .map_err(|e| validation(&format!("Invalid input JSON: {e}")))?;
    let mut st = sh.lock();
    let to_ty = Ty::parse(&to).ok_or_else(|| validation(&format!("Unknown object type {to}.")))?;
    if !is_feedback_type(&st, &from) {
        return Err(validation(&format!(
            "Default associations from {from} are not set up in this fake."
        )));
    }
    let mut pairs = Vec::new();
    for input in &req.inputs {
        let id = |side: &str| {
            input
                .get(side)
                .and_then(|s| s.get("id"))
                .map(super::routes::scalar)
                .and_then(|s| s.parse::<u64>().ok())
        };
        let (Some(f), Some(t)) = (id("from"), id("to")) else {
            return Err(validation("Each input needs from.id and to.id."));
        };
        if !st.feedback_object.records.contains_key(&f)
            || st.types[to_ty.idx()]
                .objs
                .get(&t)
                .is_none_or(|o| o.archived())
        {
            return Err(validation(&format!(
                "No {} with id {t}, or no record {f}, to associate.",
                to_ty.singular()
            )));
        }
        pairs.push((f, t));
    }
    let mut results = Vec::new();
    for (f, t) in pairs {
        st.feedback_object
            .assocs
            .insert((f, to_ty.name().to_string(), t));
        results.push(json!({"from": {"id": f.to_string()}, "to": {"id": t.to_string()}, "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 0}}));
    }
    Ok(json_resp(
        StatusCode::OK,
        json!({"status": "COMPLETE", "results": results, "startedAt": iso(now_ms()), "completedAt": iso(now_ms())}),
    ))
}
