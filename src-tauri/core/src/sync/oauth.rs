//! Sign-in through the system browser, for both CRMs: the OAuth 2.0 authorization code grant
//! with PKCE (RFC 7636) and a loopback redirect (RFC 8252). The user signs in on the CRM's own
//! page; Rapport never sees the password, only the refresh token the code is exchanged for, which
//! goes to the keychain like any other credential.
//!
//! HubSpot and Salesforce both match the redirect address exactly, port included, so the port is
//! fixed (an org registers `http://localhost:<port>/callback` once with its app) and configurable.

use std::collections::HashMap;
use std::future::IntoFuture;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use zeroize::Zeroizing;

use crate::domain::Crm;
use crate::error::{Error, ErrorCode, Result};
use crate::secrets::CrmSecret;
use crate::sync::http::{crm, http_client, unreachable};
use crate::sync::HUBSPOT_API;

/// The loopback port Rapport listens on for the CRM's redirect unless the org chose another.
pub const DEFAULT_REDIRECT_PORT: u16 = 53917;
/// The redirect's path.
pub const REDIRECT_PATH: &str = "/callback";
/// How long Rapport waits for the browser to come back.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);
/// The sign-in page of HubSpot's production API host.
const HUBSPOT_APP: &str = "https://app.hubspot.com";
/// What the sync reads (the app must list them as required scopes).
pub const HUBSPOT_SCOPES: &str = "oauth crm.objects.companies.read crm.objects.contacts.read crm.objects.deals.read crm.objects.owners.read tickets";
/// Read only where the portal has them (feedback surveys are a Service Hub feature).
pub const HUBSPOT_OPTIONAL_SCOPES: &str = "crm.objects.feedback_submissions.read";
/// Data access and a refresh token, nothing more.
pub const SALESFORCE_SCOPES: &str = "api refresh_token";

/// What a browser sign-in needs: the CRM, where its sign-in lives, and the app the org
/// registered there.
#[derive(Clone, PartialEq, Eq)]
pub struct SignIn {
    pub crm: Crm,
    /// HubSpot's API address, or Salesforce's login address (`https://login.salesforce.com`,
    /// `https://test.salesforce.com` for a sandbox, or the org's My Domain).
    pub base_url: String,
    pub client_id: String,
    /// HubSpot apps always have one; a Salesforce connected app only when it requires it.
    pub client_secret: Option<String>,
    /// 0 picks a free port (tests; real CRMs need the registered one).
    pub port: u16,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("crm", &self.crm)
            .field("base_url", &self.base_url)
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

/// The redirect address registered with the CRM for `port`.
pub fn redirect_uri(port: u16) -> String {
    format!("http://localhost:{port}{REDIRECT_PATH}")
}

/// A PKCE pair: the verifier stays here, the challenge travels with the browser.
pub struct Pkce {
    pub verifier: Zeroizing<String>,
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier: 32 random bytes, base64url (43 characters, RFC 7636 §4.1).
    pub fn new() -> Pkce {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Pkce::from_verifier(&b64(bytes.as_ref()))
    }

    /// The S256 challenge of `verifier`.
    pub fn from_verifier(verifier: &str) -> Pkce {
        Pkce {
            challenge: b64(&Sha256::digest(verifier.as_bytes())),
            verifier: Zeroizing::new(verifier.to_string()),
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Pkce::new()
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn base(req: &SignIn) -> &str {
    req.base_url.trim().trim_end_matches('/')
}

/// The CRM's sign-in page, asking for the code to come back to `redirect_uri` with `state`.
pub fn authorize_url(
    req: &SignIn,
    redirect_uri: &str,
    state: &str,
    challenge: &str,
) -> Result<url::Url> {
    let (page, extra): (String, Vec<(&str, &str)>) = match req.crm {
        Crm::Salesforce => (
            format!("{}/services/oauth2/authorize", base(req)),
            vec![("response_type", "code"), ("scope", SALESFORCE_SCOPES)],
        ),
        _ => {
            // The API host does not serve the sign-in page; a proxy or test server serves both.
            let host = if base(req).eq_ignore_ascii_case(HUBSPOT_API) {
                HUBSPOT_APP
            } else {
                base(req)
            };
            (
                format!("{host}/oauth/authorize"),
                vec![
                    ("scope", HUBSPOT_SCOPES),
                    ("optional_scope", HUBSPOT_OPTIONAL_SCOPES),
                ],
            )
        }
    };
    let mut url = url::Url::parse(&page)
        .map_err(|_| Error::InvalidInput(format!("{page:?} is not a web address.")))?;
    url.query_pairs_mut()
        .append_pair("client_id", req.client_id.trim())
        .append_pair("redirect_uri", redirect_uri)
        .extend_pairs(extra)
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url)
}

/// The token endpoint and the form that exchanges `code` (RFC 6749 §4.1.3 plus the verifier).
pub fn token_request(
    req: &SignIn,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> (String, Vec<(&'static str, String)>) {
    let url = match req.crm {
        Crm::Salesforce => format!("{}/services/oauth2/token", base(req)),
        _ => format!("{}/oauth/v1/token", base(req)),
    };
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("client_id", req.client_id.trim().to_string()),
        ("redirect_uri", redirect_uri.to_string()),
        ("code", code.to_string()),
        ("code_verifier", verifier.to_string()),
    ];
    if let Some(s) = req
        .client_secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        form.push(("client_secret", s.to_string()));
    }
    (url, form)
}

/// What one request to the loopback address means for the sign-in.
#[derive(Debug, PartialEq, Eq)]
pub enum Callback {
    /// The CRM sent the code.
    Code(String),
    /// The user declined, or the CRM refused the request; the sentence says which.
    Refused(String),
    /// Not this sign-in's redirect (another tab, a stale link, a favicon): ignored.
    Foreign,
}

/// Reads the redirect's query. A `state` other than ours is never trusted (RFC 6749 §10.12).
pub fn read_callback(query: &HashMap<String, String>, state: &str, crm_name: &str) -> Callback {
    if query.get("state").map(String::as_str) != Some(state) {
        return Callback::Foreign;
    }
    if let Some(code) = query.get("code").filter(|c| !c.is_empty()) {
        return Callback::Code(code.clone());
    }
    let error = query.get("error").map(String::as_str).unwrap_or("");
    Callback::Refused(match error {
        "access_denied" => format!("Sign-in was cancelled in the browser: {crm_name} gave Rapport no access. Nothing was saved."),
        _ => {
            let detail: String = query
                .get("error_description")
                .map(String::as_str)
                .unwrap_or(error)
                .chars()
                .filter(|c| !c.is_control())
                .take(300)
                .collect();
            format!("{crm_name} refused the sign-in ({detail}). Check the app's client id and that http://localhost redirect is registered.")
        }
    })
}

/// The page the browser shows after the redirect: fixed text only, nothing from the request.
fn page(ok: bool) -> axum::response::Response {
    use axum::http::{header, StatusCode};
    use axum::response::IntoResponse;
    let (status, title, text) = if ok {
        (
            StatusCode::OK,
            "Signed in",
            "Rapport has the sign-in. You can close this tab and go back to the app.",
        )
    } else {
        (StatusCode::BAD_REQUEST, "Sign-in not completed", "Rapport did not get access. Go back to the app to see why, and start again from there.")
    };
    let html = format!(
        "<!doctype html><meta charset=utf-8><title>{title} · Rapport</title>\
         <body style=\"font:16px system-ui,sans-serif;max-width:32em;margin:4em auto;padding:0 1em\">\
         <h1 style=\"font-size:1.4em\">{title}</h1><p>{text}</p>"
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

struct Waiting {
    state: String,
    crm_name: &'static str,
    result: tokio::sync::mpsc::Sender<std::result::Result<String, String>>,
}

async fn on_redirect(
    axum::extract::State(w): axum::extract::State<Arc<Waiting>>,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> axum::response::Response {
    match read_callback(&q, &w.state, w.crm_name) {
        Callback::Code(code) => {
            let _ = w.result.try_send(Ok(code));
            page(true)
        }
        Callback::Refused(why) => {
            let _ = w.result.try_send(Err(why));
            page(false)
        }
        Callback::Foreign => page(false),
    }
}

/// Opens the address in the user's browser: the command in `$BROWSER` when set (the Unix
/// convention; `%s` stands for the address, else it is appended), else the system's default.
pub fn open_in_browser(url: &str) -> Result<()> {
    let failed = |e: std::io::Error| {
        Error::Io(format!(
            "The browser could not be opened ({e}). Open the address shown in Rapport yourself."
        ))
    };
    match std::env::var("BROWSER")
        .ok()
        .filter(|b| !b.trim().is_empty())
    {
        Some(cmd) => {
            let mut parts = cmd
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>();
            if parts.iter().any(|p| p.contains("%s")) {
                parts.iter_mut().for_each(|p| *p = p.replace("%s", url));
            } else {
                parts.push(url.to_string());
            }
            std::process::Command::new(&parts[0])
                .args(&parts[1..])
                .stdin(std::process::Stdio::null())
                .spawn()
                .map(drop)
                .map_err(failed)
        }
        None => open::that_detached(url).map_err(failed),
    }
}

/// Runs the whole sign-in: listens on the loopback port, hands the sign-in address to `open`
/// (which shows it to the user too), waits for the redirect (at most `timeout`, or until
/// `cancel`), then exchanges the code. Returns the credentials to keep.
pub async fn sign_in(
    req: &SignIn,
    open: impl FnOnce(&str) -> Result<()>,
    cancel: CancellationToken,
    timeout: Duration,
) -> Result<CrmSecret> {
    let name = req.crm.label();
    if req.client_id.trim().is_empty() {
        return Err(Error::InvalidInput(format!(
            "Enter the client id of the app your organisation registered with {name}."
        )));
    }
    if req.crm == Crm::Hubspot
        && req
            .client_secret
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
    {
        return Err(Error::InvalidInput(
            "HubSpot apps always have a client secret: enter it with the client id.".into(),
        ));
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", req.port))
        .await
        .map_err(|e| {
            Error::InvalidInput(format!(
                "Rapport cannot listen on port {} for the sign-in ({e}). Close the program using it, or register another port with the app and enter it here.",
                req.port
            ))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| Error::Io(e.to_string()))?
        .port();
    let redirect = redirect_uri(port);
    let pkce = Pkce::new();
    let state = {
        let mut s = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut s);
        b64(&s)
    };
    let url = authorize_url(req, &redirect, &state, &pkce.challenge)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(1);
    let app = axum::Router::new()
        .route(REDIRECT_PATH, axum::routing::get(on_redirect))
        .with_state(Arc::new(Waiting {
            state,
            crm_name: name,
            result: tx,
        }));
    let stop = CancellationToken::new();
    let server = tokio::spawn(
        axum::serve(listener, app)
            .with_graceful_shutdown(stop.clone().cancelled_owned())
            .into_future(),
    );
    let outcome = async {
        open(url.as_str())?;
        tokio::select! {
            got = rx.recv() => match got {
                Some(Ok(code)) => Ok(code),
                Some(Err(why)) => Err(crm(ErrorCode::CrmAuth, why)),
                None => Err(Error::Io("The sign-in listener stopped.".into())),
            },
            () = cancel.cancelled() => Err(crm(ErrorCode::Cancelled, "Sign-in cancelled. Nothing was saved.")),
            () = tokio::time::sleep(timeout) => Err(crm(ErrorCode::Cancelled, format!(
                "No answer from the browser within {} minutes, so Rapport stopped waiting. Start the sign-in again.",
                timeout.as_secs().div_ceil(60)
            ))),
        }
    }
    .await;
    // The browser gets its page before the listener closes (graceful shutdown).
    stop.cancel();
    let _ = server.await;
    let code = Zeroizing::new(outcome?);
    exchange(req, &code, &redirect, &pkce.verifier).await
}

/// Exchanges the code for tokens and keeps the refresh token with the app's credentials.
async fn exchange(req: &SignIn, code: &str, redirect: &str, verifier: &str) -> Result<CrmSecret> {
    let name = req.crm.label();
    let (url, form) = token_request(req, code, redirect, verifier);
    let resp = http_client(Duration::from_secs(30))?
        .post(&url)
        .form(&form)
        .send()
        .await
        .map_err(|e| unreachable(name, e))?;
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.unwrap_or(serde_json::Value::Null);
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_string);
    if !status.is_success() {
        let detail: String = text("error_description")
            .or_else(|| text("message"))
            .or_else(|| text("error"))
            .unwrap_or_else(|| format!("HTTP {}", status.as_u16()))
            .chars()
            .filter(|c| !c.is_control())
            .take(300)
            .collect();
        return Err(crm(
            ErrorCode::CrmAuth,
            format!("{name} did not accept the sign-in ({detail}). Check the app's client id and secret, then sign in again."),
        ));
    }
    let Some(refresh_token) = text("refresh_token").filter(|t| !t.is_empty()) else {
        return Err(crm(
            ErrorCode::CrmScope,
            match req.crm {
                Crm::Salesforce => "Salesforce signed you in but gave no refresh token: the connected app needs the \"Perform requests at any time (refresh_token, offline_access)\" scope.".to_string(),
                _ => "HubSpot signed you in but gave no refresh token. Check the app's settings and sign in again.".to_string(),
            },
        ));
    };
    Ok(CrmSecret {
        token: None,
        client_id: Some(req.client_id.trim().to_string()),
        client_secret: req
            .client_secret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        refresh_token: Some(refresh_token),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hubspot(base: &str) -> SignIn {
        SignIn {
            crm: Crm::Hubspot,
            base_url: base.into(),
            client_id: " cid ".into(),
            client_secret: Some("cs".into()),
            port: 53917,
        }
    }

    #[test]
    fn the_challenge_is_rfc_7636s_example() {
        // RFC 7636 appendix B.
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let fresh = Pkce::new();
        assert_eq!(fresh.verifier.len(), 43);
        assert!(fresh
            .verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(fresh.verifier.as_str(), Pkce::new().verifier.as_str());
    }

    #[test]
    fn hubspot_signs_in_on_its_app_host_and_salesforce_on_the_login_host() {
        let r = redirect_uri(53917);
        assert_eq!(r, "http://localhost:53917/callback");
        let u = authorize_url(&hubspot("https://api.hubapi.com/"), &r, "st", "ch").unwrap();
        assert_eq!(u.origin().ascii_serialization(), "https://app.hubspot.com");
        assert_eq!(u.path(), "/oauth/authorize");
        let q: HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["redirect_uri"], r);
        assert_eq!(q["state"], "st");
        assert_eq!(q["code_challenge"], "ch");
        assert_eq!(q["code_challenge_method"], "S256");
        assert!(q["scope"]
            .split(' ')
            .any(|s| s == "crm.objects.companies.read"));
        let proxy = authorize_url(&hubspot("http://127.0.0.1:9000"), &r, "st", "ch").unwrap();
        assert_eq!(
            proxy.as_str().split('?').next(),
            Some("http://127.0.0.1:9000/oauth/authorize")
        );

        let sf = SignIn {
            crm: Crm::Salesforce,
            base_url: "https://test.salesforce.com".into(),
            client_secret: None,
            ..hubspot("")
        };
        let u = authorize_url(&sf, &r, "st", "ch").unwrap();
        assert_eq!(
            u.as_str().split('?').next(),
            Some("https://test.salesforce.com/services/oauth2/authorize")
        );
        let q: HashMap<_, _> = u.query_pairs().into_owned().collect();
        assert_eq!(
            (q["response_type"].as_str(), q["scope"].as_str()),
            ("code", "api refresh_token")
        );
        let (url, form) = token_request(&sf, "c0de", &r, "ver");
        assert_eq!(url, "https://test.salesforce.com/services/oauth2/token");
        let form: HashMap<_, _> = form.into_iter().collect();
        assert_eq!(form["grant_type"], "authorization_code");
        assert_eq!(form["code_verifier"], "ver");
        assert_eq!(form["redirect_uri"], r);
        assert!(
            !form.contains_key("client_secret"),
            "a public connected app sends none"
        );
        let (url, form) = token_request(&hubspot("https://api.hubapi.com"), "c0de", &r, "ver");
        assert_eq!(url, "https://api.hubapi.com/oauth/v1/token");
        assert_eq!(
            form.iter()
                .find(|(k, _)| *k == "client_secret")
                .map(|(_, v)| v.as_str()),
            Some("cs")
        );
    }

    #[test]
    fn only_a_redirect_with_our_state_counts() {
        let q = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            read_callback(&q(&[("code", "c"), ("state", "s")]), "s", "HubSpot"),
            Callback::Code("c".into())
        );
        assert_eq!(
            read_callback(&q(&[("code", "c"), ("state", "other")]), "s", "HubSpot"),
            Callback::Foreign
        );
        assert_eq!(
            read_callback(&q(&[("code", "c")]), "s", "HubSpot"),
            Callback::Foreign
        );
        let Callback::Refused(why) = read_callback(
            &q(&[("error", "access_denied"), ("state", "s")]),
            "s",
            "Salesforce",
        ) else {
            panic!("a denial is a refusal");
        };
        assert!(
            why.contains("cancelled") && why.contains("Salesforce"),
            "{why}"
        );
        let Callback::Refused(why) = read_callback(
            &q(&[
                ("error", "invalid_client_id"),
                ("error_description", "client identifier invalid\n"),
                ("state", "s"),
            ]),
            "s",
            "Salesforce",
        ) else {
            panic!("an error is a refusal");
        };
        assert!(
            why.contains("client identifier invalid") && !why.contains('\n'),
            "{why}"
        );
    }
}
