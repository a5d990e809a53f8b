//! What both CRM clients share: request pacing (governor), retries with backoff and jitter
//! (backon), and the errors a failed call turns into.

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::error::{Error, ErrorCode, Result};

/// Attempts per request before its error is reported.
pub const MAX_ATTEMPTS: usize = 6;

/// What one failed attempt means for the next.
#[derive(Debug)]
pub enum Attempt {
    /// Try again after the backoff (or after `Some` wait the server asked for).
    Retry(Error, Option<Duration>),
    /// The access token expired: refresh it once, then try again.
    Refresh,
    Fail(Error),
}

/// Receives a refresh token the CRM issued in place of the current one (refresh-token rotation),
/// so it can be kept before the old one stops working.
pub type RotateFn = std::sync::Arc<dyn Fn(&str) + Send + Sync>;

/// Request counters and the daily allowance, for the sync report.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited: AtomicU64,
    /// Daily allowance and requests used of it, as the CRM last reported (0: not reported).
    pub daily_limit: AtomicU64,
    pub daily_used: AtomicU64,
}

impl Counters {
    pub fn daily(&self, limit: u64, used: u64) {
        self.daily_limit.store(limit, Ordering::Relaxed);
        self.daily_used.store(used, Ordering::Relaxed);
    }

    pub fn budget(&self) -> crate::sync::engine::Budget {
        let limit = self.daily_limit.load(Ordering::Relaxed);
        crate::sync::engine::Budget {
            requests: self.requests.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            daily_limit: (limit > 0).then_some(limit),
            daily_used: (limit > 0).then(|| self.daily_used.load(Ordering::Relaxed)),
        }
    }
}

pub fn crm(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::Crm {
        code,
        message: message.into(),
    }
}

/// A limiter spending `per_10s` requests per 10 s, evenly (3 % under, so a rolling window on
/// the server never overflows).
pub fn pacer(per_10s: u32) -> Arc<DefaultDirectRateLimiter> {
    let per_second = f64::from(per_10s.max(1)) * 0.97 / 10.0;
    let quota = Quota::with_period(Duration::from_secs_f64(1.0 / per_second))
        .expect("a positive period")
        .allow_burst(NonZeroU32::MIN);
    Arc::new(RateLimiter::direct(quota))
}

/// The HTTP client both CRMs use: bounded connect and request times, Rapport's user agent.
/// `RAPPORT_HTTP_TIMEOUT_SECS` replaces the request time limit (for very slow links, and for
/// tests of what a timeout does).
pub fn http_client(timeout: Duration) -> Result<reqwest::Client> {
    let timeout = std::env::var("RAPPORT_HTTP_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .map_or(timeout, Duration::from_secs);
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(timeout)
        .user_agent(concat!("Rapport/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::Io(e.to_string()))
}

/// `crm_name` could not be reached or timed out.
pub fn unreachable(crm_name: &str, e: reqwest::Error) -> Error {
    let what = if e.is_timeout() {
        "timed out"
    } else {
        "could not be reached"
    };
    crm(
        ErrorCode::CrmUnreachable,
        format!("{crm_name} {what} ({}). Check the network connection; Rapport keeps working from the local copy and syncs again later.", root_cause(&e)),
    )
}

/// `crm_name` sent something its API does not document; `detail` says what.
pub fn bad_response(crm_name: &str, detail: &str) -> Error {
    crm(
        ErrorCode::CrmBadResponse,
        format!("{crm_name} sent {detail}. Nothing from it was stored; the next sync starts again from the same place."),
    )
}

/// Why a single write got no answer.
#[derive(Debug)]
pub enum SendError {
    /// It never left (no connection, no budget, no token): certainly not applied.
    Unsent(Error),
    /// It was sent and the answer was lost (timeout, dropped connection): it may have been applied.
    Lost(Error),
}

/// A write's answer: status, JSON body (`null` when empty or unreadable) and any `Retry-After`.
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
    pub retry_after: Option<Duration>,
}

/// Sends a built request once and reads its answer, telling a request that never left from
/// one whose answer was lost.
pub async fn send_once(
    crm_name: &str,
    req: reqwest::RequestBuilder,
) -> std::result::Result<Answer, SendError> {
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) if e.is_connect() || e.is_builder() => {
            return Err(SendError::Unsent(unreachable(crm_name, e)))
        }
        Err(e) => return Err(SendError::Lost(unreachable(crm_name, e))),
    };
    let status = resp.status().as_u16();
    let wait = retry_after(resp.headers());
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| SendError::Lost(unreachable(crm_name, e)))?;
    let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    Ok(Answer {
        status,
        body,
        retry_after: wait,
    })
}

/// An OAuth client's credentials and the refresh token to use next. CRMs that rotate refresh
/// tokens answer each refresh with a new one and retire the old: it is kept here and handed to
/// `on_rotate` (which keeps it in the keychain) before anything else happens.
pub struct OAuthGrant {
    client_id: String,
    client_secret: String,
    refresh_token: tokio::sync::Mutex<String>,
    on_rotate: Option<RotateFn>,
}

impl OAuthGrant {
    /// The grant of a secret that holds a refresh token.
    pub fn of(
        secret: &crate::secrets::CrmSecret,
        on_rotate: Option<RotateFn>,
    ) -> Option<OAuthGrant> {
        Some(OAuthGrant {
            client_id: secret.client_id.clone().unwrap_or_default(),
            client_secret: secret.client_secret.clone().unwrap_or_default(),
            refresh_token: tokio::sync::Mutex::new(secret.refresh_token.clone()?),
            on_rotate,
        })
    }

    /// The refresh-token grant (form-encoded POST to `token_url`), decoded as `T`.
    pub async fn refresh<T: serde::de::DeserializeOwned>(
        &self,
        http: &reqwest::Client,
        crm_name: &str,
        token_url: &str,
    ) -> Result<T> {
        let mut current = self.refresh_token.lock().await;
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("refresh_token", current.as_str()),
        ];
        // A public client (a connected app signed in with PKCE alone) has no secret to send.
        if !self.client_secret.is_empty() {
            form.push(("client_secret", self.client_secret.as_str()));
        }
        let resp = http
            .post(token_url)
            .form(&form)
            .send()
            .await
            .map_err(|e| unreachable(crm_name, e))?;
        if !resp.status().is_success() {
            return Err(crm(
                ErrorCode::CrmAuth,
                format!("{crm_name} refused the refresh token (it may have been revoked). Connect the account again."),
            ));
        }
        let unreadable = |e: &dyn std::fmt::Display| {
            bad_response(crm_name, &format!("an unreadable token answer ({e})"))
        };
        let body: serde_json::Value = resp.json().await.map_err(|e| unreadable(&e))?;
        if let Some(next) = body
            .get("refresh_token")
            .and_then(|v| v.as_str())
            .filter(|r| !r.is_empty() && *r != current.as_str())
        {
            if let Some(f) = &self.on_rotate {
                f(next);
            }
            *current = next.to_string();
        }
        serde_json::from_value(body).map_err(|e| unreadable(&e))
    }
}

/// The innermost cause of an error chain (reqwest wraps the useful part).
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A `Retry-After` header in seconds.
pub fn retry_after(h: &reqwest::header::HeaderMap) -> Option<Duration> {
    h.get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Runs `attempt` until it succeeds, fails for good, or runs out of tries; an expired token is
/// refreshed once with `refresh`. `crm_name` names the CRM in the one message built here.
pub async fn with_retries<A, AF, R, RF>(
    counters: &Counters,
    crm_name: &str,
    attempt: A,
    refresh: R,
) -> Result<Vec<u8>>
where
    A: Fn() -> AF,
    AF: Future<Output = std::result::Result<Vec<u8>, Attempt>>,
    R: Fn() -> RF,
    RF: Future<Output = Result<()>>,
{
    let refreshed = AtomicBool::new(false);
    let out = (|| async {
        match attempt().await {
            Err(Attempt::Refresh) if !refreshed.swap(true, Ordering::Relaxed) => {
                refresh().await.map_err(Attempt::Fail)?;
                attempt().await
            }
            r => r,
        }
    })
    .retry(
        ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(250))
            .with_max_delay(Duration::from_secs(20))
            .with_max_times(MAX_ATTEMPTS - 1)
            .with_jitter(),
    )
    .sleep(tokio::time::sleep)
    .when(|e| matches!(e, Attempt::Retry(..)))
    .adjust(|e, backoff| match e {
        Attempt::Retry(_, Some(wait)) => Some(*wait),
        _ => backoff,
    })
    .notify(|e, _| {
        counters.retries.fetch_add(1, Ordering::Relaxed);
        if matches!(
            e,
            Attempt::Retry(
                Error::Crm {
                    code: ErrorCode::CrmRateLimited,
                    ..
                },
                _
            )
        ) {
            counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
    })
    .await;
    match out {
        Ok(b) => Ok(b),
        Err(Attempt::Retry(e, _)) | Err(Attempt::Fail(e)) => Err(e),
        Err(Attempt::Refresh) => Err(crm(
            ErrorCode::CrmAuth,
            format!("{crm_name} still rejects the access token after refreshing it. Connect the account again."),
        )),
    }
}
