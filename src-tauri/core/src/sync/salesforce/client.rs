//! A thin Salesforce REST client: session token or OAuth refresh (using the returned
//! `instance_url`), SOQL `query`/`queryAll` with `nextRecordsUrl`, shared pacing and retries.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use governor::DefaultDirectRateLimiter;
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::{Error, ErrorCode, Result};
use crate::secrets::CrmSecret;
use crate::sync::http::{
    crm, http_client, pacer, retry_after, send_once, with_retries, Answer, Attempt, Counters,
    OAuthGrant, RotateFn, SendError,
};

/// The REST API version Rapport speaks.
pub const API: &str = "/services/data/v59.0";

enum Auth {
    Session(String),
    OAuth {
        grant: OAuthGrant,
        /// `(access token, instance URL)` once refreshed.
        access: Mutex<Option<(String, String)>>,
    },
}

/// One `query` batch.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryPage {
    /// Rows the whole query returns.
    #[serde(default)]
    pub total_size: Option<u64>,
    #[serde(default)]
    pub done: bool,
    pub next_records_url: Option<String>,
    #[serde(default)]
    pub records: Vec<serde_json::Map<String, serde_json::Value>>,
}

pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    limiter: Arc<DefaultDirectRateLimiter>,
    pub counters: Counters,
    /// The org's daily API usage from the last `Sforce-Limit-Info`, as `(used, max)`.
    usage: std::sync::Mutex<Option<(u64, u64)>>,
}

/// `describe` of an sObject, the part Rapport reads.
#[derive(Debug, Deserialize)]
struct Describe {
    fields: Vec<DescribeField>,
}

#[derive(Debug, Deserialize)]
struct DescribeField {
    name: String,
}

/// Share of the org's daily API allowance Rapport leaves for the org's other integrations.
const RESERVE: f64 = 0.05;

/// `api-usage=used/max` from a `Sforce-Limit-Info` header.
pub fn parse_limit_info(v: &str) -> Option<(u64, u64)> {
    let usage = v
        .split(',')
        .find_map(|p| p.trim().strip_prefix("api-usage="))?;
    let (used, max) = usage.split_once('/')?;
    Some((used.trim().parse().ok()?, max.trim().parse().ok()?))
}

fn unreachable(e: reqwest::Error) -> Error {
    crate::sync::http::unreachable("Salesforce", e)
}

fn bad_response(detail: &str) -> Error {
    crate::sync::http::bad_response("Salesforce", detail)
}

impl Client {
    /// `base_url` is the instance URL for a session token, or the login URL for OAuth.
    /// `on_rotate` receives a refresh token Salesforce replaces the current one with.
    pub fn new(
        base_url: &str,
        secret: &CrmSecret,
        requests_per_10s: u32,
        on_rotate: Option<RotateFn>,
    ) -> Result<Arc<Client>> {
        let auth = match (&secret.token, OAuthGrant::of(secret, on_rotate)) {
            (Some(t), _) => Auth::Session(t.clone()),
            (None, Some(grant)) => Auth::OAuth {
                grant,
                access: Mutex::new(None),
            },
            _ => return Err(crm(ErrorCode::CrmAuth, "This connection has neither a session token nor a refresh token. Connect it again.")),
        };
        let http = http_client(Duration::from_secs(60))?;
        Ok(Arc::new(Client {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            auth,
            limiter: pacer(requests_per_10s),
            counters: Counters::default(),
            usage: std::sync::Mutex::new(None),
        }))
    }

    /// `(access token, instance URL)`, refreshing an OAuth token when asked or not yet fetched.
    async fn session(&self, refresh: bool) -> Result<(String, String)> {
        match &self.auth {
            Auth::Session(t) => Ok((t.clone(), self.base.clone())),
            Auth::OAuth { grant, access } => {
                let mut a = access.lock().await;
                if let (Some(cur), false) = (&*a, refresh) {
                    return Ok(cur.clone());
                }
                #[derive(Deserialize)]
                struct Token {
                    access_token: String,
                    instance_url: String,
                }
                let t: Token = grant
                    .refresh(
                        &self.http,
                        "Salesforce",
                        &format!("{}/services/oauth2/token", self.base),
                    )
                    .await?;
                let cur = (
                    t.access_token,
                    t.instance_url.trim_end_matches('/').to_string(),
                );
                *a = Some(cur.clone());
                Ok(cur)
            }
        }
    }

    /// GETs `path` (absolute on the instance, e.g. a `nextRecordsUrl`) with `query` parameters.
    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T> {
        let oauth = matches!(self.auth, Auth::OAuth { .. });
        let attempt = || async {
            // Stop before the org's allowance runs out rather than after Salesforce refuses.
            if let Some((used, max)) = *self.usage.lock().unwrap_or_else(|e| e.into_inner()) {
                if max > 0 && (max - used.min(max)) as f64 <= max as f64 * RESERVE {
                    return Err(Attempt::Fail(crm(
                        ErrorCode::CrmRateLimited,
                        format!("The Salesforce org has used {used} of its {max} daily API requests; Rapport stops here to leave the rest for the org's other integrations. The sync resumes where it stopped once the allowance renews."),
                    )));
                }
            }
            self.limiter.until_ready().await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let (token, instance) = self.session(false).await.map_err(Attempt::Fail)?;
            let resp = self
                .http
                .get(format!("{instance}{path}"))
                .query(query)
                .bearer_auth(&token)
                .send()
                .await;
            if let Ok(r) = &resp {
                let info = r
                    .headers()
                    .get("sforce-limit-info")
                    .and_then(|v| v.to_str().ok());
                if let Some(u) = info.and_then(parse_limit_info) {
                    *self.usage.lock().unwrap_or_else(|e| e.into_inner()) = Some(u);
                    self.counters.daily(u.1, u.0);
                }
            }
            classify(resp, oauth).await
        };
        let refresh = || async { self.session(true).await.map(|_| ()) };
        let body = with_retries(&self.counters, "Salesforce", attempt, refresh).await?;
        serde_json::from_slice(&body).map_err(|e| {
            bad_response(&format!(
                "a batch that does not match the REST API's shape ({e})"
            ))
        })
    }

    /// One write to `path` under the instance's REST API, sent once after waiting for budget
    /// (the outbox decides about retries); a 401 is answered before anything is stored, so the
    /// write is sent again once with a refreshed session.
    pub async fn write_once(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> std::result::Result<Answer, SendError> {
        let oauth = matches!(self.auth, Auth::OAuth { .. });
        let mut refreshed = false;
        loop {
            self.limiter.until_ready().await;
            self.counters.requests.fetch_add(1, Ordering::Relaxed);
            let (token, instance) = self.session(refreshed).await.map_err(SendError::Unsent)?;
            let a = send_once(
                "Salesforce",
                self.http
                    .request(method.clone(), format!("{instance}{API}{path}"))
                    .bearer_auth(&token)
                    .json(body),
            )
            .await?;
            if a.status == 401 && oauth && !refreshed {
                refreshed = true;
                continue;
            }
            return Ok(a);
        }
    }

    /// The Id of the `sobject` record whose `field` is `value`, if any (after a write whose
    /// answer carried no id).
    pub async fn find_by(&self, sobject: &str, field: &str, value: &str) -> Result<Option<String>> {
        let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
        let page = self
            .query(
                &format!("SELECT Id FROM {sobject} WHERE {field} = '{quoted}' LIMIT 2"),
                false,
            )
            .await?;
        Ok(page
            .records
            .first()
            .and_then(|r| r.get("Id"))
            .and_then(|v| v.as_str())
            .map(str::to_string))
    }

    pub async fn query(&self, soql: &str, all: bool) -> Result<QueryPage> {
        let path = format!("{API}/{}", if all { "queryAll" } else { "query" });
        self.get(&path, &[("q", soql)]).await
    }

    pub async fn next(&self, next_records_url: &str) -> Result<QueryPage> {
        if !next_records_url.starts_with("/services/data/") {
            return Err(bad_response("a nextRecordsUrl outside the REST API"));
        }
        self.get(next_records_url, &[]).await
    }

    /// The names of `sobject`'s fields in this org.
    pub async fn describe(&self, sobject: &str) -> Result<std::collections::HashSet<String>> {
        let d: Describe = self
            .get(&format!("{API}/sobjects/{sobject}/describe"), &[])
            .await?;
        Ok(d.fields.into_iter().map(|f| f.name).collect())
    }

    /// The org's default currency (single-currency orgs keep no currency on records).
    pub async fn org_currency(&self) -> Result<String> {
        let page = self
            .query(
                "SELECT DefaultCurrencyIsoCode FROM Organization LIMIT 1",
                false,
            )
            .await?;
        page.records
            .first()
            .and_then(|r| r.get("DefaultCurrencyIsoCode")?.as_str())
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad_response("an Organization without a currency"))
    }

    /// Checks the credentials with the cheapest call there is.
    pub async fn test(&self) -> Result<()> {
        let _: serde_json::Value = self.get(&format!("{API}/limits"), &[]).await?;
        Ok(())
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct SfError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    error_code: String,
}

async fn classify(
    resp: reqwest::Result<reqwest::Response>,
    oauth: bool,
) -> std::result::Result<Vec<u8>, Attempt> {
    let resp = resp.map_err(|e| Attempt::Retry(unreachable(e), None))?;
    let status = resp.status();
    let wait = retry_after(resp.headers());
    let body = resp
        .bytes()
        .await
        .map_err(|e| Attempt::Retry(unreachable(e), None))?
        .to_vec();
    if status.is_success() {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(&body) {
            Ok(_) => Ok(body),
            Err(e) => Err(Attempt::Retry(
                bad_response(&format!("a batch that is not valid JSON ({e})")),
                None,
            )),
        };
    }
    let err = serde_json::from_slice::<Vec<SfError>>(&body)
        .ok()
        .and_then(|v| v.into_iter().next())
        .unwrap_or_default();
    Err(match (status.as_u16(), err.error_code.as_str()) {
        (401, _) if oauth => Attempt::Refresh,
        (401, _) => Attempt::Fail(crm(ErrorCode::CrmAuth, "Salesforce rejected the session token (it expired or was revoked). Connect again with a new one, or use OAuth so Rapport can refresh it.")),
        (403, "REQUEST_LIMIT_EXCEEDED") => Attempt::Fail(crm(ErrorCode::CrmRateLimited, "The Salesforce org has used its daily API allowance. The sync resumes where it stopped once the allowance renews.")),
        (403, _) => Attempt::Fail(crm(ErrorCode::CrmScope, format!("Salesforce refused access: {}. The user needs API access and read rights on accounts, contacts, opportunities, cases and activities.", err.message))),
        (400, "INVALID_FIELD" | "MALFORMED_QUERY" | "INVALID_TYPE") => Attempt::Fail(crm(ErrorCode::CrmBadResponse, format!("Salesforce refused the query: {}. Check the connection's field mapping.", err.message))),
        (429 | 500..=599, _) => Attempt::Retry(crm(ErrorCode::CrmUnreachable, format!("Salesforce had a server error ({status}) several times in a row. Try again later.")), wait),
        (code, _) => Attempt::Fail(bad_response(&format!("an error {code} ({}: {})", err.error_code, err.message))),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn limit_info_is_read_with_or_without_other_entries() {
        assert_eq!(
            super::parse_limit_info("api-usage=25/15000"),
            Some((25, 15_000))
        );
        assert_eq!(
            super::parse_limit_info("per-app-api-usage=2/100(appName=x), api-usage=7/50"),
            Some((7, 50))
        );
        assert_eq!(super::parse_limit_info("api-usage=x/50"), None);
    }
}
