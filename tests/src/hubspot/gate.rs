//! The gate every request passes: statistics, authentication, rate limits, injected faults and
//! the rate-limit headers; plus HubSpot's error envelope.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::store::Ty;
use super::{Fault, Shared, State as St, NO_SCOPE_TOKEN};

// ---------------------------------------------------------------------------------------------
// Helpers

use crate::http_util::bearer;
pub(super) use crate::http_util::{json_resp, now_ms};

pub(super) fn correlation_id() -> String {
    let n: u128 = rand::random();
    let h = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// HubSpot's error envelope; `extra` fields (e.g. `errors`) are merged in.
pub(super) fn error(status: StatusCode, category: &str, message: &str, extra: Value) -> Response {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": correlation_id(),
        "category": category,
    });
    if let (Some(b), Value::Object(x)) = (body.as_object_mut(), extra) {
        b.extend(x);
    }
    json_resp(status, body)
}

fn route_key(method: &Method, path: &str) -> String {
    let p: Vec<&str> = path
        .split('/')
        .map(|seg| {
            if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    format!("{method} {}", p.join("/"))
}

fn html_error(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let title = format!(
        "{} {}",
        code.as_u16(),
        code.canonical_reason().unwrap_or("Error")
    );
    let body = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
    );
    (code, [(header::CONTENT_TYPE, "text/html")], body).into_response()
}

// ---------------------------------------------------------------------------------------------
// The gate

struct Limits {
    max: u64,
    remaining: u64,
    interval_ms: u64,
    daily: u64,
    daily_remaining: u64,
}

impl Limits {
    fn of(st: &St) -> Limits {
        let (max, interval_ms) = st
            .cfg
            .rate_limit
            .map_or((100_000, 10_000), |r| (r.max as u64, r.window_ms));
        Limits {
            max,
            remaining: max.saturating_sub(st.window.len() as u64),
            interval_ms,
            daily: st.cfg.daily_limit,
            daily_remaining: st.cfg.daily_limit.saturating_sub(st.daily_used),
        }
    }

    fn apply(&self, h: &mut HeaderMap) {
        let mut put = |name: &'static str, v: u64| {
            h.insert(name, HeaderValue::from(v));
        };
        put("x-hubspot-ratelimit-max", self.max);
        put("x-hubspot-ratelimit-remaining", self.remaining);
        put(
            "x-hubspot-ratelimit-interval-milliseconds",
            self.interval_ms,
        );
        put("x-hubspot-ratelimit-daily", self.daily);
        put("x-hubspot-ratelimit-daily-remaining", self.daily_remaining);
    }
}

enum Decision {
    Respond(Response),
    /// Answer normally after `delay_ms`; with `drop`, do the work and close the connection
    /// instead of answering.
    Pass {
        delay_ms: u64,
        drop: bool,
    },
}

fn rate_limited(policy: &str, retry_after: Option<u64>) -> Response {
    let message = if policy == "DAILY" {
        "You have reached your daily limit."
    } else {
        "You have reached your secondly limit."
    };
    let mut resp = json_resp(
        StatusCode::TOO_MANY_REQUESTS,
        json!({
            "status": "error",
            "message": message,
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id(),
            "policyName": policy,
            "groupName": "publicapi:private-app:44150531",
        }),
    );
    if let Some(secs) = retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

fn decide(st: &mut St, token: Option<&str>, path: &str, now: Instant) -> (Decision, Limits) {
    // Authentication.
    let valid = token.is_some_and(|t| st.cfg.tokens.iter().any(|v| v == t) || t == NO_SCOPE_TOKEN);
    if !valid {
        let expiry = token.and_then(|t| st.access.get(t)).copied();
        let resp = match expiry {
            Some(exp) if exp > now => None,
            Some(exp) => {
                let mins = now.duration_since(exp).as_secs() / 60;
                Some(error(
                    StatusCode::UNAUTHORIZED,
                    "EXPIRED_AUTHENTICATION",
                    &format!("The OAuth token used to make this call expired {mins} minute(s) ago."),
                    Value::Null,
                ))
            }
            None => Some(error(
                StatusCode::UNAUTHORIZED,
                "INVALID_AUTHENTICATION",
                "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                Value::Null,
            )),
        };
        if let Some(resp) = resp {
            return (Decision::Respond(resp), Limits::of(st));
        }
    }
    if token == Some(NO_SCOPE_TOKEN) {
        let scope = path
            .split('/')
            .skip_while(|s| *s != "objects" && *s != "associations")
            .nth(1)
            .and_then(Ty::parse)
            .unwrap_or(Ty::Companies)
            .read_scope();
        let resp = error(
            StatusCode::FORBIDDEN,
            "MISSING_SCOPES",
            "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
            json!({"errors": [{
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": [scope]},
            }]}),
        );
        return (Decision::Respond(resp), Limits::of(st));
    }

    // Rate limits: the rolling window holds the instants of accepted requests.
    let window = Duration::from_millis(st.cfg.rate_limit.map_or(10_000, |r| r.window_ms));
    while st
        .window
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        st.window.pop_front();
    }
    if st.daily_used >= st.cfg.daily_limit {
        return (
            Decision::Respond(rate_limited("DAILY", None)),
            Limits::of(st),
        );
    }
    if let Some(rl) = st.cfg.rate_limit {
        if st.window.len() >= rl.max as usize {
            return (
                Decision::Respond(rate_limited("SECONDLY", None)),
                Limits::of(st),
            );
        }
    }

    // Faults.
    let fault = st.take_fault();
    if let Some(Fault::RateLimited {
        retry_after_secs,
        policy,
        ..
    }) = fault
    {
        let mut limits = Limits::of(st);
        if policy == "DAILY" {
            limits.daily_remaining = 0;
        } else {
            limits.remaining = 0;
        }
        return (
            Decision::Respond(rate_limited(policy, retry_after_secs)),
            limits,
        );
    }
    st.window.push_back(now);
    st.daily_used += 1;
    st.stats.max_in_any_window = st.stats.max_in_any_window.max(st.window.len() as u32);
    let limits = Limits::of(st);
    let decision = match fault {
        Some(Fault::ServerErrors { status, .. }) => Decision::Respond(html_error(status)),
        Some(Fault::Malformed { .. }) => Decision::Respond(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
                r#"{"results":[{"id":"1","properties":"#,
            )
                .into_response(),
        ),
        Some(Fault::Garbage { .. }) => Decision::Respond(
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html")],
                "<html>proxy error</html>",
            )
                .into_response(),
        ),
        Some(Fault::Delay { ms, .. }) => Decision::Pass {
            delay_ms: ms,
            drop: false,
        },
        Some(Fault::CommitThenDrop { .. }) => Decision::Pass {
            delay_ms: 0,
            drop: true,
        },
        _ => Decision::Pass {
            delay_ms: 0,
            drop: false,
        },
    };
    (decision, limits)
}

pub(super) async fn gate(State(sh): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    if sh.lock().down {
        // The network is gone: the connection closes without an answer.
        std::panic::resume_unwind(Box::new("fake stopped"));
    }
    let key = route_key(req.method(), req.uri().path());
    let is_crm = req.uri().path().starts_with("/crm/");
    let is_create = req.method() == Method::POST
        && req
            .uri()
            .path()
            .strip_prefix("/crm/v3/objects/")
            .is_some_and(|rest| {
                !rest.is_empty() && (!rest.contains('/') || rest.ends_with("/batch/upsert"))
            });
    {
        let mut st = sh.lock();
        let t = now_ms();
        let s = &mut st.stats;
        s.requests += 1;
        *s.by_route.entry(key).or_default() += 1;
        s.first_request_ms.get_or_insert(t);
        s.last_request_ms = Some(t);
    }
    let resp = if is_crm {
        let token = bearer(req.headers());
        let (decision, limits) = {
            let mut st = sh.lock();
            decide(&mut st, token.as_deref(), req.uri().path(), Instant::now())
        };
        let mut resp = match decision {
            Decision::Respond(r) => r,
            Decision::Pass { delay_ms, drop } => {
                let drop = drop || {
                    let mut st = sh.lock();
                    let planned = is_create && st.cfg.drop_creates > 0;
                    if planned {
                        st.cfg.drop_creates -= 1;
                    }
                    planned
                };
                let resp = if delay_ms > 0 {
                    // Carried out in a task of its own, as a slow server does: a client that gives
                    // up first (a timeout) does not stop the write from landing.
                    let job = tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
                        next.run(req).await
                    });
                    match job.await {
                        Ok(r) => r,
                        Err(e) => std::panic::resume_unwind(Box::new(e.to_string())),
                    }
                } else {
                    next.run(req).await
                };
                if drop {
                    {
                        let mut st = sh.lock();
                        st.stats.dropped_after_commit += 1;
                    }
                    // Unwinding out of the connection's task closes its socket with no answer
                    // (resume_unwind skips the panic hook: nothing is printed).
                    std::panic::resume_unwind(Box::new("commit-then-drop"));
                }
                resp
            }
        };
        limits.apply(resp.headers_mut());
        resp
    } else {
        next.run(req).await
    };
    let status = resp.status();
    let mut st = sh.lock();
    let s = &mut st.stats;
    if status.is_success() {
        s.ok += 1;
    } else if status == StatusCode::TOO_MANY_REQUESTS {
        s.rejected_429 += 1;
    } else if status.is_server_error() {
        s.errors_5xx += 1;
    } else if status == StatusCode::UNAUTHORIZED {
        s.unauthorized_401 += 1;
    }
    resp
}

pub(super) async fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "resource not found",
        Value::Null,
    )
}
