//! Property definitions of the fake HubSpot: the stock ones every portal has, the custom ones
//! records carry or the API created, and the refusal of a write naming one that does not exist.

// Handlers answer `Result<Response, Response>`; boxing the error side would buy nothing here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use super::gate::{error, json_resp};
use super::store::Ty;
use super::Shared;

type Res = Result<Response, Response>;
type Sh = State<Arc<Shared>>;

fn parse_ty(s: &str) -> Result<Ty, Response> {
    super::routes::parse_ty(s)
}

/// HubSpot refuses a write that names a property the object does not define.
pub(crate) fn unknown_properties(
    st: &super::State,
    ty: Ty,
    props: &serde_json::Map<String, Value>,
) -> Result<(), Response> {
    let defined: BTreeSet<String> = defined_properties(st, ty)
        .into_iter()
        .map(|p| p.0)
        .collect();
    let unknown: Vec<&String> = props.keys().filter(|k| !defined.contains(*k)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let details: Vec<String> = unknown
        .iter()
        .map(|k| format!("{{\"isValid\":false,\"message\":\"Property \\\"{k}\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"{k}\"}}"))
        .collect();
    Err(error(
        StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        &format!("Property values were not valid: [{}]", details.join(",")),
        Value::Null,
    ))
}

/// Properties every portal has (a subset of HubSpot's defaults, enough for what Rapport reads).
pub(crate) fn stock_properties(ty: Ty) -> &'static [&'static str] {
    match ty {
        Ty::Companies => &[
            "name",
            "domain",
            "industry",
            "hubspot_owner_id",
            "lifecyclestage",
            "numberofemployees",
            "annualrevenue",
            "country",
            "city",
            "phone",
            "hs_merged_object_ids",
        ],
        Ty::Contacts => &[
            "firstname",
            "lastname",
            "email",
            "jobtitle",
            "hs_buying_role",
            "lifecyclestage",
            "hubspot_owner_id",
            "phone",
            "hs_email_hard_bounce_reason_enum",
            "hs_merged_object_ids",
        ],
        Ty::Deals => &[
            "dealname",
            "amount",
            "closedate",
            "dealstage",
            "pipeline",
            "dealtype",
            "hubspot_owner_id",
            "deal_currency_code",
            "hs_is_closed_won",
            "hs_is_closed",
        ],
        Ty::Tickets => &[
            "subject",
            "content",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_priority",
            "closed_date",
            "hubspot_owner_id",
        ],
        Ty::Notes => &["hs_note_body", "hs_timestamp", "hubspot_owner_id"],
        Ty::Calls => &[
            "hs_call_title",
            "hs_call_body",
            "hs_call_direction",
            "hs_call_duration",
            "hs_call_status",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        Ty::Meetings => &[
            "hs_meeting_title",
            "hs_meeting_body",
            "hs_meeting_start_time",
            "hs_meeting_end_time",
            "hs_meeting_outcome",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        Ty::Emails => &[
            "hs_email_subject",
            "hs_email_text",
            "hs_email_direction",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        Ty::Tasks => &[
            "hs_task_subject",
            "hs_task_status",
            "hs_task_priority",
            "hs_task_body",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        Ty::FeedbackSubmissions => &[
            "hs_survey_type",
            "hs_survey_name",
            "hs_survey_channel",
            "hs_response_value",
            "hs_content",
            "hs_submission_timestamp",
            "hs_sentiment",
        ],
    }
}

/// The properties defined on `ty`: the stock ones plus every custom one some record carries.
fn defined_properties(st: &super::State, ty: Ty) -> Vec<(String, bool)> {
    let stock = stock_properties(ty);
    let mut names: BTreeSet<String> = stock.iter().map(|p| p.to_string()).collect();
    for p in ["hs_object_id", "createdate", ty.modified_prop()] {
        names.insert(p.to_string());
    }
    for o in st.types[ty.idx()].objs.values() {
        names.extend(o.props.keys().cloned());
    }
    names.extend(st.custom_props[ty.idx()].keys().cloned());
    names
        .into_iter()
        .map(|n| {
            let hubspot_defined = stock.contains(&n.as_str())
                || n.starts_with("hs_")
                || n == "createdate"
                || n == ty.modified_prop();
            (n, hubspot_defined)
        })
        .collect()
}

/// The names of the properties defined on `ty`.
pub(crate) fn defined_names(st: &super::State, ty: Ty) -> BTreeSet<String> {
    defined_properties(st, ty)
        .into_iter()
        .map(|p| p.0)
        .collect()
}

fn property_json(st: &super::State, ty: Ty, name: &str, hubspot_defined: bool) -> Value {
    if let Some(def) = st.custom_props[ty.idx()].get(name) {
        return def.clone();
    }
    let kind = super::store::kind_of(name);
    let (t, field) = match kind {
        super::store::Kind::Num => ("number", "number"),
        super::store::Kind::Time => ("datetime", "date"),
        super::store::Kind::Str => ("string", "text"),
    };
    json!({
        "name": name,
        "label": super::seed::title_case(name),
        "type": t,
        "fieldType": field,
        "groupName": format!("{}information", ty.singular()),
        "hubspotDefined": hubspot_defined,
        "calculated": false,
        "hidden": false,
        "options": [],
    })
}

pub(crate) async fn properties(State(sh): Sh, Path(ty): Path<String>) -> Res {
    let ty = parse_ty(&ty)?;
    let st = sh.lock();
    let results: Vec<Value> = defined_properties(&st, ty)
        .iter()
        .map(|(n, d)| property_json(&st, ty, n, *d))
        .collect();
    Ok(json_resp(StatusCode::OK, json!({ "results": results })))
}

pub(crate) async fn property(State(sh): Sh, Path((ty, name)): Path<(String, String)>) -> Res {
    let ty = parse_ty(&ty)?;
    let st = sh.lock();
    match defined_properties(&st, ty)
        .into_iter()
        .find(|(n, _)| *n == name)
    {
        Some((n, d)) => Ok(json_resp(StatusCode::OK, property_json(&st, ty, &n, d))),
        None => Err(error(
            StatusCode::NOT_FOUND,
            "OBJECT_NOT_FOUND",
            &format!(
                "Unable to find property {name} for object type {}",
                ty.type_id()
            ),
            Value::Null,
        )),
    }
}
