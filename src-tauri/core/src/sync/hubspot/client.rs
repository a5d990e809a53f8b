//! A thin HubSpot CRM client on reqwest: auth (private-app token or OAuth refresh), a request
//! budget enforced before the server has to refuse (governor), and retries (backon) for 429s,
//! 5xx, timeouts and cut-off pages. No third-party HubSpot crate is well kept (issue 3).

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::DefaultDirectRateLimiter;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::plan::{Request, LIST_LIMIT, SEARCH_LIMIT};
use super::wire::{AccountDetails, AssocPage, ObjectPage, OwnerPage, PropertyPage};
use crate::error::{Error, ErrorCode, Result};
use crate::secrets::CrmSecret;
use crate::sync::http::{
    crm, http_client, pacer, retry_after, send_once, with_retries, Answer, Attempt, Counters,
    OAuthGrant, RotateFn, SendError,
};

/// Refresh an OAuth access token this long before HubSpot says it expires.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);
pub use crate::sync::http::MAX_ATTEMPTS;

enum Auth {
    Token(String),
    OAuth {
        grant: OAuthGrant,
        /// The access token and when it expires.
        access: Mutex<Option<(String, Instant)>>,
    },
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    /// The pacing in force, and the budget per 10 s it was built for.
    limiter: std::sync::RwLock<(Arc<DefaultDirectRateLimiter>, u32)>,
    pub counters: Counters,
}

impl Client {
    /// A client for `base_url` spending at most `requests_per_10s` of the app's budget, paced
    /// evenly (3 % under the ceiling, so a rolling window on the server never overflows).
    /// `on_rotate` receives a refresh token HubSpot replaces the current one with.
    pub fn new(
        base_url: &str,
        secret: &CrmSecret,
        requests_per_10s: u32,
        on_rotate: Option<RotateFn>,
    ) -> Result<Arc<Client>> {
        let auth =
            match (&secret.token, OAuthGrant::of(secret, on_rotate)) {
                (Some(t), _) => Auth::Token(t.clone()),
                (None, Some(grant)) => Auth::OAuth {
                    grant,
                    access: Mutex::new(None),
                },
                _ => return Err(crm(
                    ErrorCode::CrmAuth,
                    "This connection has neither a token nor a refresh token. Connect it again.",
                )),
            };
        let http = http_client(Duration::from_secs(30))?;
        Ok(Arc::new(Client {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            auth,
            limiter: std::sync::RwLock::new((pacer(requests_per_10s), requests_per_10s)),
            counters: Counters::default(),
        }))
    }

    async fn access_token(&self, force_refresh: bool) -> Result<String> {
        match &self.auth {
            Auth::Token(t) => Ok(t.clone()),
            Auth::OAuth { grant, access } => {
                let mut access = access.lock().await;
                if let Some((t, until)) = &*access {
                    if !force_refresh && Instant::now() + REFRESH_MARGIN < *until {
                        return Ok(t.clone());
                    }
                }
                #[derive(Deserialize)]
                struct Token {
                    access_token: String,
                    expires_in: u64,
                }
                let t: Token = grant
                    .refresh(
                        &self.http,
                        "HubSpot",
                        &format!("{}/oauth/v1/token", self.base),
                    )
                    .await?;
                *access = Some((
                    t.access_token.clone(),
                    Instant::now() + Duration::from_secs(t.expires_in),
                ));
                Ok(t.access_token)
            }
        }
    }

    /// Sends one logical request, waiting for budget first and retrying what can be retried.
    async fn call<T: DeserializeOwned>(
        &self,
        build: impl Fn(&reqwest::Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<T> {
        let attempt = || async {
            let limiter = self
                .limiter
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .0
                .clone();
            limiter.until_ready().await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let token = self.access_token(false).await.map_err(Attempt::Fail)?;
            let resp = build(&self.http, &token).bearer_auth(&token).send().await;
            if let Ok(r) = &resp {
                self.follow_limit_headers(r.headers());
            }
            classify(resp).await
        };
        let refresh = || async { self.access_token(true).await.map(|_| ()) };
        let body = with_retries(&self.counters, "HubSpot", attempt, refresh).await?;
        serde_json::from_slice(&body).map_err(|e| {
            bad_response(&format!(
                "a page that does not match HubSpot's documented shape ({e})"
            ))
        })
    }

    /// Slows down to the app's real limit when HubSpot reports one below the configured budget
    /// (`X-HubSpot-RateLimit-Max` per `-Interval-Milliseconds`), e.g. a Starter account at 100/10 s.
    fn follow_limit_headers(&self, h: &reqwest::header::HeaderMap) {
        let num = |name: &str| h.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
        if let (Some(daily), Some(left)) = (
            num("x-hubspot-ratelimit-daily"),
            num("x-hubspot-ratelimit-daily-remaining"),
        ) {
            self.counters
                .daily(daily as u64, (daily - left).max(0.0) as u64);
        }
        let (Some(max), Some(interval)) = (
            num("x-hubspot-ratelimit-max"),
            num("x-hubspot-ratelimit-interval-milliseconds"),
        ) else {
            return;
        };
        if max < 1.0 || interval < 1.0 {
            return;
        }
        let per_10s = (max * 10_000.0 / interval).floor() as u32;
        let mut current = self.limiter.write().unwrap_or_else(|e| e.into_inner());
        if per_10s >= 1 && per_10s < current.1 {
            tracing::info!(per_10s, "HubSpot reports a lower rate limit; pacing to it");
            *current = (pacer(per_10s), per_10s);
        }
    }

    /// One page of `object_type` for a planned request.
    pub async fn page(
        &self,
        object_type: &str,
        properties: &[String],
        req: &Request,
    ) -> Result<ObjectPage> {
        let props = properties.join(",");
        match req {
            Request::List { archived, after } => {
                let url = format!("{}/crm/v3/objects/{object_type}", self.base);
                self.call(|http, _| {
                    let mut q: Vec<(&str, String)> = vec![
                        ("limit", LIST_LIMIT.to_string()),
                        ("properties", props.clone()),
                        ("archived", archived.to_string()),
                    ];
                    if let Some(a) = after {
                        q.push(("after", a.clone()));
                    }
                    http.get(&url).query(&q)
                })
                .await
            }
            Request::Search {
                filter_groups,
                sort_property,
            } => {
                let url = format!("{}/crm/v3/objects/{object_type}/search", self.base);
                let body = serde_json::json!({
                    "filterGroups": filter_groups.iter().map(|g| serde_json::json!({"filters": g})).collect::<Vec<_>>(),
                    "sorts": [{"propertyName": sort_property, "direction": "ASCENDING"}],
                    "properties": properties,
                    "limit": SEARCH_LIMIT,
                });
                self.call(|http, _| http.post(&url).json(&body)).await
            }
        }
    }

    /// How many records of `object_type` exist (a one-record search), for a backfill's ETA.
    pub async fn count(&self, object_type: &str) -> Result<u64> {
        let url = format!("{}/crm/v3/objects/{object_type}/search", self.base);
        let body = serde_json::json!({ "limit": 1, "properties": ["hs_object_id"] });
        let page: ObjectPage = self.call(|http, _| http.post(&url).json(&body)).await?;
        Ok(page.total.unwrap_or(0))
    }

    /// The primary associated `to_type` id of each of `ids` (the first listed when none is
    /// labelled primary), from the v4 batch read, 1,000 per call.
    pub async fn associations(
        &self,
        from_type: &str,
        to_type: &str,
        ids: &[String],
    ) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        let url = format!(
            "{}/crm/v4/associations/{from_type}/{to_type}/batch/read",
            self.base
        );
        for chunk in ids.chunks(1_000) {
            let body = serde_json::json!({
                "inputs": chunk.iter().map(|id| serde_json::json!({"id": id})).collect::<Vec<_>>()
            });
            let page: AssocPage = self.call(|http, _| http.post(&url).json(&body)).await?;
            for r in page.results {
                let primary = r.to.iter().find(|t| t.is_primary()).or(r.to.first());
                if let Some(to) = primary {
                    out.insert(r.from.id, to.to_object_id.to_string());
                }
            }
        }
        Ok(out)
    }

    /// The names of the properties defined on `object_type` in this portal.
    pub async fn properties(&self, object_type: &str) -> Result<std::collections::HashSet<String>> {
        let url = format!("{}/crm/v3/properties/{object_type}", self.base);
        let page: PropertyPage = self.call(|http, _| http.get(&url)).await?;
        Ok(page.results.into_iter().map(|p| p.name).collect())
    }

    /// The portal's custom object schemas (`GET /crm/v3/schemas`), as HubSpot sends them.
    pub async fn schemas(&self) -> Result<Vec<serde_json::Value>> {
        #[derive(serde::Deserialize)]
        struct Page {
            #[serde(default)]
            results: Vec<serde_json::Value>,
        }
        let url = format!("{}/crm/v3/schemas", self.base);
        let page: Page = self.call(|http, _| http.get(&url)).await?;
        Ok(page.results)
    }

    /// The portal's company currency (ISO code).
    pub async fn currency(&self) -> Result<String> {
        let url = format!("{}/account-info/v3/details", self.base);
        let d: AccountDetails = self.call(|http, _| http.get(&url)).await?;
        Ok(d.company_currency)
    }

    /// Owner id → "First Last".
    pub async fn owners(&self) -> Result<HashMap<String, String>> {
        let mut out = HashMap::new();
        let mut after: Option<String> = None;
        loop {
            let url = format!("{}/crm/v3/owners", self.base);
            let page: OwnerPage = self
                .call(|http, _| {
                    let mut q = vec![("limit", "100".to_string())];
                    if let Some(a) = &after {
                        q.push(("after", a.clone()));
                    }
                    http.get(&url).query(&q)
                })
                .await?;
            for o in page.results {
                let name = format!(
                    "{} {}",
                    o.first_name.unwrap_or_default(),
                    o.last_name.unwrap_or_default()
                );
                let name = name.trim();
                out.insert(
                    o.id,
                    if name.is_empty() {
                        o.email.unwrap_or_default()
                    } else {
                        name.to_string()
                    },
                );
            }
            match page.paging.and_then(|p| p.next) {
                Some(n) => after = Some(n.after),
                None => return Ok(out),
            }
        }
    }

    /// One write sent once, after waiting for budget (the outbox decides about retries). A
    /// 401 for an expired OAuth token is answered before anything is stored, so the write is
    /// sent again once with a fresh token.
    pub async fn write_once(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> std::result::Result<Answer, SendError> {
        let url = format!("{}{path}", self.base);
        let mut refreshed = false;
        loop {
            let limiter = self
                .limiter
                .read()
                .unwrap_or_else(|e| e.into_inner())
                .0
                .clone();
            limiter.until_ready().await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let token = self
                .access_token(refreshed)
                .await
                .map_err(SendError::Unsent)?;
            let a = send_once(
                "HubSpot",
                self.http
                    .request(method.clone(), &url)
                    .bearer_auth(&token)
                    .json(body),
            )
            .await?;
            let expired = a.status == 401
                && a.body.get("category").and_then(|c| c.as_str())
                    == Some("EXPIRED_AUTHENTICATION");
            if expired && !refreshed && matches!(self.auth, Auth::OAuth { .. }) {
                refreshed = true;
                continue;
            }
            if a.status == 429 {
                self.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
            }
            return Ok(a);
        }
    }

    /// The id of the `object` record whose `property` holds `token` as a word, if HubSpot's
    /// search shows one.
    pub async fn find_marked(
        &self,
        object: &str,
        property: &str,
        token: &str,
    ) -> Result<Option<String>> {
        let url = format!("{}/crm/v3/objects/{object}/search", self.base);
        let body = serde_json::json!({
            "filterGroups": [{"filters": [{"propertyName": property, "operator": "CONTAINS_TOKEN", "value": token}]}],
            "properties": [property],
            "limit": 10,
        });
        let page: ObjectPage = self.call(|http, _| http.post(&url).json(&body)).await?;
        // The search matches words; the body is checked for the whole marker too.
        Ok(page
            .results
            .into_iter()
            .find(|o| o.prop(property).is_some_and(|b| b.contains(token)))
            .map(|o| o.id))
    }

    /// Checks the credentials and the companies scope with the smallest possible read.
    pub async fn test(&self) -> Result<()> {
        let url = format!("{}/crm/v3/objects/companies", self.base);
        let _: ObjectPage = self
            .call(|http, _| http.get(&url).query(&[("limit", "1")]))
            .await?;
        Ok(())
    }
}

fn unreachable(e: reqwest::Error) -> Error {
    crate::sync::http::unreachable("HubSpot", e)
}

fn bad_response(detail: &str) -> Error {
    crate::sync::http::bad_response("HubSpot", detail)
}

/// HubSpot's error body (`category`, `message`, 429's `policyName`).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(default)]
    category: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    policy_name: String,
}

async fn classify(
    resp: reqwest::Result<reqwest::Response>,
) -> std::result::Result<Vec<u8>, Attempt> {
    let resp = match resp {
        Ok(r) => r,
        Err(e) => return Err(Attempt::Retry(unreachable(e), None)),
    };
    let status = resp.status();
    let retry_after = retry_after(resp.headers());
    let body = match resp.bytes().await {
        Ok(b) => b.to_vec(),
        // The connection dropped mid-body: a cut-off page, worth another try.
        Err(e) => return Err(Attempt::Retry(unreachable(e), None)),
    };
    if status.is_success() {
        // A truncated or garbled body is retried: proxies and dropped links produce them.
        return match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
            Ok(_) => Ok(body),
            Err(e) => Err(Attempt::Retry(
                bad_response(&format!("a page that is not valid JSON ({e})")),
                None,
            )),
        };
    }
    let err: ErrorBody = serde_json::from_slice(&body).unwrap_or_default();
    let code = status.as_u16();
    Err(match code {
        401 if err.category == "EXPIRED_AUTHENTICATION" => Attempt::Refresh,
        401 => Attempt::Fail(crm(ErrorCode::CrmAuth, "HubSpot rejected the token (it is wrong or was revoked). Create a new private-app token and connect again.")),
        403 if err.category == "MISSING_SCOPES" => Attempt::Fail(crm(ErrorCode::CrmScope, "The token is missing a scope Rapport needs (read access to companies, contacts, deals, tickets and engagements). Add the scopes to the private app and connect again.")),
        403 => Attempt::Fail(crm(ErrorCode::CrmAuth, format!("HubSpot refused access: {}", err.message))),
        429 if err.policy_name == "DAILY" => Attempt::Fail(crm(ErrorCode::CrmRateLimited, "The HubSpot account has used its daily API allowance. Sync resumes where it stopped after midnight (HubSpot time).")),
        429 => Attempt::Retry(crm(ErrorCode::CrmRateLimited, "HubSpot kept answering \"too many requests\". Other apps may share this account's limit; try again in a minute."), retry_after),
        500..=599 => Attempt::Retry(crm(ErrorCode::CrmUnreachable, format!("HubSpot had a server error ({code}) several times in a row. Try again later.")), retry_after),
        _ => Attempt::Fail(bad_response(&format!("an error {code} ({}: {})", err.category, err.message))),
    })
}
