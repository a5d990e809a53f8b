//! The authorization-code half of OAuth as HubSpot and Salesforce serve it, shared by both fakes:
//! the sign-in page (here the user is already signed in and approves at once, or declines) sends
//! the browser back to the app's redirect address with a one-time code; the token endpoint trades
//! the code, the same redirect address and the PKCE verifier for tokens.

use std::collections::HashMap;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use rand::Rng;
use sha2::{Digest, Sha256};

/// How the fake user answers the consent page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Consent {
    #[default]
    Approve,
    Deny,
}

struct Pending {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
}

/// Codes issued and not yet redeemed.
#[derive(Default)]
pub struct Codes {
    pending: HashMap<String, Pending>,
    /// Sign-in pages served.
    pub pages: u64,
}

fn page(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        format!("<!doctype html><title>Error</title><p>{text}</p>"),
    )
        .into_response()
}

/// An app's redirect may only be `http://` to this computer (both CRMs allow that for localhost)
/// or `https://`.
fn redirect_allowed(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    u.scheme() == "https"
        || (u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1")))
}

/// The app an organisation registered with the CRM, as its sign-in page knows it.
pub struct App<'a> {
    pub client_id: &'a str,
    /// The redirect address registered with the app, matched exactly as both CRMs do; `None`
    /// accepts any loopback or https address (tests that pick a free port).
    pub redirect_uri: Option<&'a str>,
    pub consent: Consent,
    /// A connected app without a secret demands PKCE.
    pub pkce_required: bool,
}

/// `GET` the sign-in page: checks the app and the redirect, then redirects with a code (or with
/// `error=access_denied`). `app` is `None` when no app is registered at all.
pub fn authorize(codes: &mut Codes, q: &HashMap<String, String>, app: Option<App<'_>>) -> Response {
    codes.pages += 1;
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let Some(app) = app.filter(|a| get("client_id") == a.client_id) else {
        return page(
            StatusCode::BAD_REQUEST,
            "error=invalid_client_id: client identifier invalid",
        );
    };
    let redirect = get("redirect_uri");
    let registered = app
        .redirect_uri
        .map_or(redirect_allowed(redirect), |r| r == redirect);
    if !registered {
        return page(
            StatusCode::BAD_REQUEST,
            "error=redirect_uri_mismatch: redirect_uri must match configuration",
        );
    }
    let challenge = q.get("code_challenge").filter(|c| !c.is_empty()).cloned();
    if challenge.is_some() && get("code_challenge_method") != "S256" {
        return page(
            StatusCode::BAD_REQUEST,
            "error=invalid_request: code_challenge_method must be S256",
        );
    }
    if challenge.is_none() && app.pkce_required {
        return page(
            StatusCode::BAD_REQUEST,
            "error=invalid_request: missing required code challenge",
        );
    }
    let client_id = app.client_id;
    let consent = app.consent;
    let mut back = url::Url::parse(redirect).expect("checked above");
    match consent {
        Consent::Deny => {
            back.query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "end-user denied authorization");
        }
        Consent::Approve => {
            let code: String = {
                let mut rng = rand::thread_rng();
                (0..40)
                    .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
                    .collect()
            };
            codes.pending.insert(
                code.clone(),
                Pending {
                    client_id: client_id.to_string(),
                    redirect_uri: redirect.to_string(),
                    challenge,
                },
            );
            back.query_pairs_mut().append_pair("code", &code);
        }
    }
    if let Some(s) = q.get("state") {
        back.query_pairs_mut().append_pair("state", s);
    }
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

/// Why a code was not accepted: `(error, error_description)` as both CRMs word them.
pub type Refusal = (&'static str, &'static str);

/// Redeems a code once: same app, same redirect, and a verifier that hashes to the challenge.
pub fn redeem(codes: &mut Codes, form: &HashMap<String, String>) -> Result<(), Refusal> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    // A code is spent by its first use, right or wrong (RFC 6749 §4.1.2).
    let Some(p) = codes.pending.remove(get("code")) else {
        return Err(("invalid_grant", "invalid authorization code"));
    };
    if get("client_id") != p.client_id {
        return Err(("invalid_client_id", "client identifier invalid"));
    }
    if get("redirect_uri") != p.redirect_uri {
        return Err((
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        ));
    }
    if let Some(challenge) = p.challenge {
        let verifier = get("code_verifier");
        if verifier.is_empty() {
            return Err(("invalid_grant", "invalid code verifier"));
        }
        let hashed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        if hashed != challenge {
            return Err(("invalid_grant", "invalid code verifier"));
        }
    }
    Ok(())
}
