//! The Salesforce endpoints (`query`, `queryAll` and their cursors, `limits`, the OAuth refresh)
//! and the gate every request passes: statistics, authentication, the daily API limit, injected
//! faults and the `Sforce-Limit-Info` header.

// Handlers answer `Result<Response, Response>`; boxing the error side would buy nothing here.
#![allow(clippy::result_large_err)]

use std::sync::Arc;

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

use super::soql;
use super::{Cursor, Fault, Shared, State as St, MAX_CURSORS};
use crate::http_util::{bearer, json_resp};

type Res = Result<Response, Response>;
type Sh = State<Arc<Shared>>;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/services/data/{ver}/query", get(query))
        .route("/services/data/{ver}/queryAll", get(query_all))
        .route("/services/data/{ver}/query/{locator}", get(more))
        .route("/services/data/{ver}/queryAll/{locator}", get(more))
        .route("/services/data/{ver}/limits", get(limits))
        .route(
            "/services/data/{ver}/sobjects/{name}/describe",
            get(describe),
        )
        .route(
            "/services/data/{ver}/sobjects/{name}/{field}/{key}",
            axum::routing::patch(super::writes::upsert),
        )
        .route(
            "/services/data/{ver}/sobjects/{name}/{id}",
            axum::routing::patch(super::writes::update),
        )
        .route(
            "/services/data/{ver}/composite/sobjects",
            axum::routing::patch(super::writes::update_many),
        )
        .route(
            "/services/data/{ver}/composite/sobjects/{name}/{field}",
            axum::routing::patch(super::writes::upsert_many),
        )
        .route("/services/oauth2/authorize", get(super::oauth::authorize))
        .route("/services/oauth2/token", post(super::oauth::token))
        .fallback(not_found)
        .layer(from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

/// Salesforce's error body: a one-element array.
fn sf_error(status: StatusCode, code: &str, message: &str) -> Response {
    json_resp(status, json!([{"message": message, "errorCode": code}]))
}

fn not_found_resp() -> Response {
    sf_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "The requested resource does not exist",
    )
}

async fn not_found() -> Response {
    not_found_resp()
}

fn check_version(ver: &str) -> Result<(), Response> {
    let ok = ver
        .strip_prefix('v')
        .and_then(|v| v.split_once('.'))
        .is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && (a.to_string() + b).bytes().all(|c| c.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(not_found_resp())
    }
}

// ---------------------------------------------------------------------------------------------
// The gate

/// `GET /services/data/v59.0/query/{locator}`, `.../sobjects/Account/{id}`: variable segments
/// shown as placeholders.
fn route_key(method: &Method, path: &str) -> String {
    let segs: Vec<&str> = path.split('/').collect();
    let p: Vec<&str> = segs
        .iter()
        .enumerate()
        .map(|(i, s)| match i.checked_sub(1).map(|j| segs[j]) {
            Some("query" | "queryAll") => "{locator}",
            _ => s,
        })
        .collect();
    format!("{method} {}", p.join("/"))
}

fn limit_header(st: &St) -> HeaderValue {
    HeaderValue::from_str(&format!("api-usage={}/{}", st.api_used, st.cfg.api_limit))
        .unwrap_or(HeaderValue::from_static("api-usage=0/0"))
}

fn fault_response(f: Fault) -> Option<Response> {
    match f {
        Fault::ServerErrors { status: 500, .. } => Some(sf_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)",
        )),
        Fault::ServerErrors { status: 503, .. } => Some(sf_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVER_UNAVAILABLE",
            "Server temporarily unavailable. Please try again later.",
        )),
        Fault::ServerErrors { status, .. } => {
            let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let title = format!(
                "{} {}",
                code.as_u16(),
                code.canonical_reason().unwrap_or("Error")
            );
            let body = format!("<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>\n");
            Some((code, [(header::CONTENT_TYPE, "text/html")], body).into_response())
        }
        Fault::Malformed { .. } => Some(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
                r#"{"totalSize":3,"done":true,"records":[{"attributes":{"type":"#,
            )
                .into_response(),
        ),
        Fault::ExpireSessions
        | Fault::CommitThenDrop { .. }
        | Fault::WriteErrors { .. }
        | Fault::SlowWrites { .. } => None,
    }
}

/// Authentication, then the API limit, then faults. `None` = let the handler answer.
fn decide(st: &mut St, token: Option<&str>, is_write: bool) -> Option<Response> {
    let valid = token.is_some_and(|t| {
        st.cfg.session_tokens.iter().any(|s| s == t) || st.access.get(t) == Some(&true)
    });
    if !valid {
        st.stats.unauthorized_401 += 1;
        return Some(sf_error(
            StatusCode::UNAUTHORIZED,
            "INVALID_SESSION_ID",
            "Session expired or invalid",
        ));
    }
    st.api_used += 1;
    if st.api_used > st.cfg.api_limit {
        st.stats.forbidden_403 += 1;
        return Some(sf_error(
            StatusCode::FORBIDDEN,
            "REQUEST_LIMIT_EXCEEDED",
            "TotalRequests Limit exceeded.",
        ));
    }
    // Write faults wait for a write; reads pass them by.
    if !is_write
        && matches!(
            st.faults.front(),
            Some(
                Fault::CommitThenDrop { .. } | Fault::WriteErrors { .. } | Fault::SlowWrites { .. }
            )
        )
    {
        return None;
    }
    match st.take_fault() {
        Some(Fault::WriteErrors { status, count }) => {
            fault_response(Fault::ServerErrors { status, count })
        }
        Some(Fault::CommitThenDrop { .. }) => {
            st.drop_answer = true;
            None
        }
        Some(Fault::SlowWrites { ms, .. }) => {
            st.delay_ms = ms;
            None
        }
        f => f.and_then(fault_response),
    }
}

async fn gate(State(sh): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let key = route_key(req.method(), req.uri().path());
    let is_data = req.uri().path().starts_with("/services/data/");
    let early = {
        let mut st = sh.lock();
        st.stats.requests += 1;
        *st.stats.by_route.entry(key).or_default() += 1;
        if is_data {
            let is_write = req.method() != Method::GET;
            decide(&mut st, bearer(req.headers()).as_deref(), is_write)
        } else {
            None
        }
    };
    let delay = std::mem::take(&mut sh.lock().delay_ms);
    let mut resp = match early {
        Some(r) => r,
        // Carried out in a task of its own: a client that gives up first (a timeout) does not
        // stop the write from landing.
        None if delay > 0 => {
            let job = tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                next.run(req).await
            });
            match job.await {
                Ok(r) => r,
                Err(e) => std::panic::resume_unwind(Box::new(e.to_string())),
            }
        }
        None => next.run(req).await,
    };
    let mut st = sh.lock();
    if std::mem::take(&mut st.drop_answer) {
        drop(st);
        // Unwinding out of the connection's task closes its socket with no answer
        // (resume_unwind skips the panic hook: nothing is printed).
        std::panic::resume_unwind(Box::new("commit-then-drop"));
    }
    let status = resp.status();
    if status.is_success() {
        st.stats.ok += 1;
    } else if status.is_server_error() {
        st.stats.errors_5xx += 1;
    }
    resp.headers_mut()
        .insert("sforce-limit-info", limit_header(&st));
    resp
}

// ---------------------------------------------------------------------------------------------
// Queries

fn q_param(raw: &Option<String>) -> Option<String> {
    let pairs: Vec<(String, String)> = raw
        .as_deref()
        .and_then(|q| serde_urlencoded::from_str(q).ok())
        .unwrap_or_default();
    pairs
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .filter(|v| !v.trim().is_empty())
}

async fn query(State(sh): Sh, Path(ver): Path<String>, RawQuery(raw): RawQuery) -> Res {
    run_query(&sh, &ver, &raw, false)
}

async fn query_all(State(sh): Sh, Path(ver): Path<String>, RawQuery(raw): RawQuery) -> Res {
    run_query(&sh, &ver, &raw, true)
}

fn run_query(sh: &Shared, ver: &str, raw: &Option<String>, all: bool) -> Res {
    check_version(ver)?;
    let Some(q) = q_param(raw) else {
        return Err(sf_error(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "A query string has to be specified",
        ));
    };
    let mut st = sh.lock();
    let parsed =
        soql::parse(&q, &st).map_err(|e| sf_error(StatusCode::BAD_REQUEST, e.code, &e.message))?;
    let rows = soql::execute(&parsed, &st, all, ver);
    st.stats.queries += 1;
    Ok(batch(&mut st, ver, None, Arc::new(rows), 0))
}

/// Answers the batch of `rows` starting at `offset`; stores the rows under a new locator when
/// more remain and this is the first batch (`locator` = None).
fn batch(
    st: &mut St,
    ver: &str,
    locator: Option<String>,
    rows: Arc<Vec<Value>>,
    offset: usize,
) -> Response {
    let size = st.cfg.batch_size.max(1);
    let total = rows.len();
    let end = (offset + size).min(total);
    let records: Vec<Value> = rows[offset.min(total)..end].to_vec();
    st.stats.rows_served += records.len() as u64;
    let mut body = json!({"totalSize": total, "done": end >= total, "records": records});
    if end < total {
        let id = locator.unwrap_or_else(|| {
            let n = st.next_cursor;
            st.next_cursor += 1;
            let id = super::id18(&format!("01g{n:012}"));
            st.cursors.insert(id.clone(), Cursor { rows });
            st.cursor_order.push_back(id.clone());
            while st.cursor_order.len() > MAX_CURSORS {
                if let Some(old) = st.cursor_order.pop_front() {
                    st.cursors.remove(&old);
                }
            }
            id
        });
        body["nextRecordsUrl"] = json!(format!("/services/data/{ver}/query/{id}-{end}"));
    }
    json_resp(StatusCode::OK, body)
}

async fn more(State(sh): Sh, Path((ver, locator)): Path<(String, String)>) -> Res {
    check_version(&ver)?;
    let invalid = || {
        sf_error(
            StatusCode::BAD_REQUEST,
            "INVALID_QUERY_LOCATOR",
            "invalid query locator",
        )
    };
    let (id, offset) = locator.rsplit_once('-').ok_or_else(invalid)?;
    let offset: usize = offset.parse().map_err(|_| invalid())?;
    let mut st = sh.lock();
    let rows = match st.cursors.get(id) {
        Some(c) if offset < c.rows.len() => c.rows.clone(),
        _ => return Err(invalid()),
    };
    Ok(batch(&mut st, &ver, Some(id.to_string()), rows, offset))
}

async fn limits(State(sh): Sh, Path(ver): Path<String>) -> Res {
    check_version(&ver)?;
    let st = sh.lock();
    let max = st.cfg.api_limit;
    Ok(json_resp(
        StatusCode::OK,
        json!({
            "DailyApiRequests": {"Max": max, "Remaining": max.saturating_sub(st.api_used)},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
            "DataStorageMB": {"Max": 5120, "Remaining": 4870},
        }),
    ))
}

/// `GET /services/data/vNN.N/sobjects/{name}/describe`: the object's fields as this org has them.
async fn describe(State(sh): Sh, Path((ver, name)): Path<(String, String)>) -> Res {
    check_version(&ver)?;
    if name.eq_ignore_ascii_case(super::writes::FEEDBACK_OBJECT) {
        return super::writes::describe_feedback(&sh.lock());
    }
    let Some(o) = super::SObj::parse(&name) else {
        return Err(sf_error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        ));
    };
    let st = sh.lock();
    let fields: Vec<Value> = st
        .schema(o)
        .into_iter()
        .map(|(f, t)| {
            let ty = match (f.as_str(), t) {
                (_, super::FType::Id) if f == "Id" => "id",
                (_, super::FType::Id) => "reference",
                (_, super::FType::Str) => "string",
                ("Amount" | "AnnualRevenue" | "ARR__c", super::FType::Num) => "currency",
                (_, super::FType::Num) => "double",
                (_, super::FType::Bool) => "boolean",
                (_, super::FType::Date) => "date",
                (_, super::FType::DateTime) => "datetime",
            };
            json!({
                "name": f,
                "label": f.trim_end_matches("__c").replace('_', " "),
                "type": ty,
                "custom": f.ends_with("__c"),
                "nillable": f != "Id",
                "filterable": true,
            })
        })
        .collect();
    Ok(json_resp(
        StatusCode::OK,
        json!({
            "name": o.name(),
            "label": o.name(),
            "keyPrefix": o.prefix(),
            "queryable": true,
            "fields": fields,
        }),
    ))
}
