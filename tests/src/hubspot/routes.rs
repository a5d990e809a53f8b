//! The HubSpot endpoints: CRM v3 objects (list, read, create, update, search, batch read),
//! associations v4 batch read, owners; OAuth is in `oauth.rs`.

// Handlers answer `Result<Response, Response>`; boxing the error side would buy nothing here.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;
use std::ops::Bound;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::gate::{error, gate, json_resp, not_found, now_ms};
use super::search::{self, SearchReq};
use super::store::{assoc_type_ids, iso, Obj, Ty};
use super::Shared;

type Res = Result<Response, Response>;
type Sh = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/crm/v3/objects/{ty}", get(list).post(create))
        .route("/crm/v3/objects/{ty}/search", post(search_route))
        .route("/crm/v3/objects/{ty}/batch/read", post(batch_read))
        .route(
            "/crm/v3/objects/{ty}/batch/update",
            post(super::writes::batch_update),
        )
        .route(
            "/crm/v3/objects/{ty}/batch/upsert",
            post(super::writes::batch_upsert),
        )
        .route(
            "/crm/v4/associations/{from}/{to}/batch/associate/default",
            post(super::writes::associate_default),
        )
        .route("/crm/v3/schemas", get(super::writes::schemas))
        .route("/crm/v3/objects/{ty}/{id}", get(get_one).patch(update))
        .route(
            "/crm/v4/associations/{from}/{to}/batch/read",
            post(assoc_read),
        )
        .route(
            "/crm/v3/properties/{ty}",
            get(super::properties::properties).post(super::writes::create_property),
        )
        .route(
            "/crm/v3/properties/{ty}/{name}",
            get(super::properties::property),
        )
        .route("/account-info/v3/details", get(account_details))
        .route("/crm/v3/owners", get(owners))
        .route("/crm/v3/owners/", get(owners))
        .route("/oauth/authorize", get(super::oauth::authorize))
        .route("/oauth/v1/token", post(super::oauth::token))
        .fallback(not_found)
        .layer(from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

fn validation(message: &str) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        "VALIDATION_ERROR",
        message,
        Value::Null,
    )
}

pub(crate) fn parse_ty(s: &str) -> Result<Ty, Response> {
    Ty::parse(s).ok_or_else(|| validation(&format!("Unable to infer object type from: {s}")))
}

fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    q.as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default()
}

fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `properties=a,b` and/or `properties=a&properties=b`, deduplicated in order.
fn properties_param(pairs: &[(String, String)]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    pairs
        .iter()
        .filter(|(k, _)| k == "properties")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty() && seen.insert(p.to_string()))
        .map(str::to_string)
        .collect()
}

fn parse_limit(pairs: &[(String, String)], default: usize, max: usize) -> Result<usize, Response> {
    match param(pairs, "limit") {
        None | Some("") => Ok(default),
        Some(s) => match s.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(validation(&format!(
                "limit must be a number between 1 and {max}, was `{s}`."
            ))),
        },
    }
}

fn is_true(pairs: &[(String, String)], name: &str) -> bool {
    param(pairs, name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// List cursors are opaque to clients: base64 of the last id returned.
fn encode_cursor(id: u64) -> String {
    base64::engine::general_purpose::STANDARD.encode(id.to_string())
}

fn decode_cursor(s: &str) -> Option<u64> {
    let s = s.trim().replace("%3D", "=").replace("%3d", "=");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .ok()?;
    String::from_utf8(bytes).ok()?.trim().parse().ok()
}

fn parse_body<T: for<'de> Deserialize<'de> + Default>(body: &Bytes) -> Result<T, Response> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        validation(&format!(
            "Invalid input JSON on line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}

pub(crate) fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

async fn list(State(sh): Sh, Path(ty): Path<String>, RawQuery(q): RawQuery) -> Res {
    let ty = parse_ty(&ty)?;
    let pairs = query_pairs(&q);
    let limit = parse_limit(&pairs, 10, 100)?;
    let archived = is_true(&pairs, "archived");
    let after = match param(&pairs, "after") {
        None | Some("") => None,
        Some(s) => Some(
            decode_cursor(s).ok_or_else(|| validation(&format!("Invalid `after` cursor: {s}")))?,
        ),
    };
    let props = properties_param(&pairs);
    let mut st = sh.lock();
    if archived {
        st.stats.archived_pages += 1;
    }
    let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
    let page: Vec<&Obj> = st.types[ty.idx()]
        .objs
        .range((lower, Bound::Unbounded))
        .map(|(_, o)| o)
        .filter(|o| o.archived() == archived)
        .take(limit + 1)
        .collect();
    let more = page.len() > limit;
    let results: Vec<Value> = page
        .iter()
        .take(limit)
        .map(|o| o.to_json(ty, &props))
        .collect();
    let mut body = json!({ "results": results });
    if more {
        let cursor = encode_cursor(page[limit - 1].id);
        let mut link_q: Vec<(String, String)> = pairs
            .iter()
            .filter(|(k, _)| k != "after")
            .cloned()
            .collect();
        link_q.push(("after".into(), cursor.clone()));
        let link = format!(
            "{}/crm/v3/objects/{}?{}",
            sh.base_url,
            ty.name(),
            serde_urlencoded::to_string(&link_q).unwrap_or_default()
        );
        body["paging"] = json!({"next": {"after": cursor, "link": link}});
    }
    Ok(json_resp(StatusCode::OK, body))
}

fn object_not_found(id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "Object not found.  objectId are usually numeric.",
        json!({"context": {"id": [id]}}),
    )
}

async fn get_one(
    State(sh): Sh,
    Path((ty, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Res {
    let ty = parse_ty(&ty)?;
    let pairs = query_pairs(&q);
    let archived = is_true(&pairs, "archived");
    let props = properties_param(&pairs);
    let st = sh.lock();
    let obj = id
        .parse::<u64>()
        .ok()
        .and_then(|n| st.types[ty.idx()].objs.get(&n));
    match obj {
        Some(o) if o.archived() == archived => Ok(json_resp(StatusCode::OK, o.to_json(ty, &props))),
        _ => Err(object_not_found(&id)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WriteReq {
    properties: Map<String, Value>,
    associations: Vec<WriteAssoc>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WriteAssoc {
    to: Value,
    types: Vec<Value>,
}

fn all_props_json(ty: Ty, o: &Obj) -> Value {
    let names: Vec<String> = o.props.keys().cloned().collect();
    o.to_json(ty, &names)
}

async fn create(State(sh): Sh, Path(ty): Path<String>, body: Bytes) -> Res {
    let ty = parse_ty(&ty)?;
    let req: WriteReq = parse_body(&body)?;
    // Resolve associations first so that a bad one creates nothing.
    let mut links = Vec::new();
    for a in &req.associations {
        let to_id = scalar(a.to.get("id").unwrap_or(&Value::Null));
        let to_id: u64 = to_id
            .parse()
            .map_err(|_| validation(&format!("Invalid association target id `{to_id}`.")))?;
        let type_id = a
            .types
            .first()
            .and_then(|t| t.get("associationTypeId"))
            .and_then(Value::as_u64);
        let target = Ty::ALL.into_iter().find(|t| {
            let (plain, primary) = assoc_type_ids(ty, *t);
            type_id == Some(plain as u64)
                || (primary.is_some() && type_id == primary.map(u64::from))
        });
        let Some(target) = target else {
            return Err(validation(&format!(
                "Unknown associationTypeId {type_id:?} for {}.",
                ty.singular()
            )));
        };
        links.push((target, to_id));
    }
    let now = now_ms();
    let mut st = sh.lock();
    super::properties::unknown_properties(&st, ty, &req.properties)?;
    if let Some(owner) = req.properties.get("hubspot_owner_id").map(scalar) {
        if !owner.is_empty() && !st.owners.iter().any(|o| o.id.to_string() == owner) {
            return Err(validation(&format!("Property values were not valid: [{{\"isValid\":false,\"message\":\"{owner} is not a valid owner id\",\"error\":\"INVALID_OWNER_ID\",\"name\":\"hubspot_owner_id\"}}]")));
        }
    }
    for (target, to_id) in &links {
        if st.types[target.idx()]
            .objs
            .get(to_id)
            .is_none_or(|o| o.archived())
        {
            return Err(validation(&format!(
                "No {} with id {to_id} to associate with.",
                target.singular()
            )));
        }
    }
    let lag = st.lag_ms();
    let store = st.store(ty);
    let id = store.next_id(ty);
    let mut o = Obj::new(id, now, now);
    o.before_write(false, now, lag);
    for (k, v) in &req.properties {
        if !Obj::is_system(ty, k) {
            o.props.insert(k.clone(), scalar(v));
        }
    }
    let body = all_props_json(ty, &o);
    store.objs.insert(id, o);
    store.touch();
    for (target, to_id) in links {
        st.assocs.add(ty, id, target, to_id);
    }
    Ok(json_resp(StatusCode::CREATED, body))
}

async fn update(State(sh): Sh, Path((ty, id)): Path<(String, String)>, body: Bytes) -> Res {
    let ty = parse_ty(&ty)?;
    let req: WriteReq = parse_body(&body)?;
    let now = now_ms();
    let mut st = sh.lock();
    super::properties::unknown_properties(&st, ty, &req.properties)?;
    let lag = st.lag_ms();
    let store = st.store(ty);
    let Some(o) = id
        .parse::<u64>()
        .ok()
        .and_then(|n| store.objs.get_mut(&n))
        .filter(|o| !o.archived())
    else {
        return Err(object_not_found(&id));
    };
    o.before_write(true, now, lag);
    for (k, v) in &req.properties {
        if !Obj::is_system(ty, k) {
            o.props.insert(k.clone(), scalar(v));
        }
    }
    o.updated_ms = now;
    let body = all_props_json(ty, o);
    store.touch();
    Ok(json_resp(StatusCode::OK, body))
}

async fn search_route(State(sh): Sh, Path(ty): Path<String>, body: Bytes) -> Res {
    let ty = parse_ty(&ty)?;
    let req: SearchReq = parse_body(&body)?;
    let mut st = sh.lock();
    // A lagging index shows each record as it was before its latest writes.
    let now = now_ms();
    let mut lagging = st.types[ty.idx()]
        .lagging(now)
        .then(|| st.types[ty.idx()].indexed_view(now));
    let store = match lagging.as_mut() {
        Some(view) => view,
        None => st.store(ty),
    };
    let outcome = search::run(store, ty, &req).map(|page| {
        let results: Vec<Value> = page
            .results
            .iter()
            .map(|o| o.to_json(ty, &req.properties))
            .collect();
        let mut body = json!({ "total": page.total, "results": results });
        if let Some(next) = page.next_after {
            body["paging"] = json!({"next": {"after": next.to_string()}});
        }
        body
    });
    drop(lagging);
    match outcome {
        Ok(body) => {
            st.after_search(ty);
            Ok(json_resp(StatusCode::OK, body))
        }
        Err(e) if e.cap => {
            st.stats.cap_400 += 1;
            Err(error(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "There was a problem with the request.",
                json!({"errors": [{"message": e.message}]}),
            ))
        }
        Err(e) => Err(validation(&e.message)),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct BatchReq {
    inputs: Vec<Value>,
    properties: Vec<String>,
    archived: bool,
}

fn input_ids(inputs: &[Value]) -> Vec<String> {
    inputs
        .iter()
        .map(|i| scalar(i.get("id").unwrap_or(i)))
        .collect()
}

async fn batch_read(State(sh): Sh, Path(ty): Path<String>, body: Bytes) -> Res {
    let ty = parse_ty(&ty)?;
    let req: BatchReq = parse_body(&body)?;
    if req.inputs.len() > 100 {
        return Err(validation(&format!(
            "Batch read accepts at most 100 inputs, got {}.",
            req.inputs.len()
        )));
    }
    let started = iso(now_ms());
    let st = sh.lock();
    let store = &st.types[ty.idx()];
    let mut results = Vec::new();
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for id in input_ids(&req.inputs) {
        if !seen.insert(id.clone()) {
            continue;
        }
        match id
            .parse::<u64>()
            .ok()
            .and_then(|n| store.objs.get(&n))
            .filter(|o| o.archived() == req.archived)
        {
            Some(o) => results.push(o.to_json(ty, &req.properties)),
            None => missing.push(id),
        }
    }
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

#[derive(Deserialize, Default)]
#[serde(default)]
struct AssocReq {
    inputs: Vec<Value>,
}

async fn assoc_read(State(sh): Sh, Path((from, to)): Path<(String, String)>, body: Bytes) -> Res {
    let (from, to) = (parse_ty(&from)?, parse_ty(&to)?);
    let req: AssocReq = parse_body(&body)?;
    if req.inputs.len() > 1000 {
        return Err(validation(&format!(
            "Batch read accepts at most 1000 inputs, got {}.",
            req.inputs.len()
        )));
    }
    let started = iso(now_ms());
    let st = sh.lock();
    let (plain, primary) = assoc_type_ids(from, to);
    let live = |t: Ty, id: u64| {
        st.types[t.idx()]
            .objs
            .get(&id)
            .is_some_and(|o| !o.archived())
    };
    let mut results = Vec::new();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for id in input_ids(&req.inputs) {
        if !seen.insert(id.clone()) {
            continue;
        }
        let n = id.parse::<u64>().ok().filter(|n| live(from, *n));
        let targets: Vec<Value> = n
            .map(|n| {
                st.assocs
                    .get(from, to, n)
                    .iter()
                    .filter(|t| live(to, **t))
                    .map(|t| {
                        let mut types = Vec::new();
                        if let Some(p) = primary.filter(|_| st.assocs.is_primary(from, n, to, *t)) {
                            types.push(json!({"category": "HUBSPOT_DEFINED", "typeId": p, "label": "Primary"}));
                        }
                        types.push(json!({"category": "HUBSPOT_DEFINED", "typeId": plain, "label": null}));
                        json!({"toObjectId": t, "associationTypes": types})
                    })
                    .collect()
            })
            .unwrap_or_default();
        if targets.is_empty() {
            errors.push(json!({
                "status": "error",
                "category": "OBJECT_NOT_FOUND",
                "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
                "context": {"fromObjectId": [id]},
                "message": format!("No {} is associated with {} {id}.", to.singular(), from.singular()),
            }));
        } else {
            results.push(json!({"from": {"id": id}, "to": targets}));
        }
    }
    let mut body = json!({"status": "COMPLETE", "results": results, "startedAt": started, "completedAt": iso(now_ms())});
    if errors.is_empty() {
        return Ok(json_resp(StatusCode::OK, body));
    }
    body["numErrors"] = json!(errors.len());
    body["errors"] = Value::Array(errors);
    Ok(json_resp(StatusCode::MULTI_STATUS, body))
}

// ---------------------------------------------------------------------------------------------
// Account details and owners

async fn account_details(State(sh): Sh) -> Res {
    let st = sh.lock();
    Ok(json_resp(
        StatusCode::OK,
        json!({
            "portalId": st.cfg.portal_id,
            "accountType": "STANDARD",
            "timeZone": "US/Eastern",
            "companyCurrency": st.cfg.currency,
            "additionalCurrencies": [],
            "utcOffset": "-05:00",
            "utcOffsetMilliseconds": -18_000_000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }),
    ))
}

// ---------------------------------------------------------------------------------------------
// Owners and OAuth

async fn owners(State(sh): Sh, RawQuery(q): RawQuery) -> Res {
    let pairs = query_pairs(&q);
    let limit = parse_limit(&pairs, 100, 500)?;
    let after = match param(&pairs, "after") {
        None | Some("") => None,
        Some(s) => Some(
            decode_cursor(s).ok_or_else(|| validation(&format!("Invalid `after` cursor: {s}")))?,
        ),
    };
    let email = param(&pairs, "email").map(str::to_lowercase);
    let archived = is_true(&pairs, "archived");
    let st = sh.lock();
    let base = super::seed::base_time_ms();
    let page: Vec<Value> = st
        .owners
        .iter()
        .filter(|o| !archived && after.is_none_or(|a| o.id > a))
        .filter(|o| email.as_ref().is_none_or(|e| *e == o.email.to_lowercase()))
        .take(limit + 1)
        .map(|o| {
            json!({
                "id": o.id.to_string(),
                "email": o.email,
                "type": "PERSON",
                "firstName": o.first_name,
                "lastName": o.last_name,
                "userId": 9_000_000 + o.id,
                "userIdIncludingInactive": 9_000_000 + o.id,
                "createdAt": iso(base - 400 * 86_400_000),
                "updatedAt": iso(base - 30 * 86_400_000),
                "archived": false,
                "teams": [{"id": format!("{}", 70_000 + o.team.len()), "name": o.team, "primary": true}],
            })
        })
        .collect();
    let more = page.len() > limit;
    let results: Vec<Value> = page.into_iter().take(limit).collect();
    let mut body = json!({ "results": results });
    if more {
        let last: u64 = results[limit - 1]["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let cursor = encode_cursor(last);
        let link_q = [
            ("limit".to_string(), limit.to_string()),
            ("after".to_string(), cursor.clone()),
        ];
        let link = format!(
            "{}/crm/v3/owners/?{}",
            sh.base_url,
            serde_urlencoded::to_string(link_q).unwrap_or_default()
        );
        body["paging"] = json!({"next": {"after": cursor, "link": link}});
    }
    Ok(json_resp(StatusCode::OK, body))
}
