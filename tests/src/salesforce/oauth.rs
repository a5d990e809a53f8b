//! Salesforce's OAuth on the login host: the sign-in page (`/services/oauth2/authorize`) and
//! `POST /services/oauth2/token` for both grants, authorization code (the web server flow with
//! PKCE) and refresh token. A connected app without a consumer secret (`client_secret` empty in
//! the config) stands for one that does not require the secret for the web server flow: it must
//! use PKCE instead.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use rand::Rng;
use serde_json::json;

use super::Shared;
use crate::http_util::{json_resp, now_ms};
use crate::oauth_code;

type Sh = State<Arc<Shared>>;

pub(super) fn random_alnum(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
        .collect()
}

pub(super) async fn authorize(State(sh): Sh, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = sh.lock();
    let oauth = st.cfg.oauth.clone();
    let app = oauth.as_ref().map(|o| oauth_code::App {
        client_id: &o.client_id,
        redirect_uri: o.redirect_uri.as_deref(),
        consent: o.consent,
        pkce_required: o.client_secret.is_empty(),
    });
    oauth_code::authorize(&mut st.codes, &q, app)
}

pub(super) async fn token(State(sh): Sh, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let bad = |error: &str, description: &str| {
        json_resp(
            StatusCode::BAD_REQUEST,
            json!({"error": error, "error_description": description}),
        )
    };
    let mut st = sh.lock();
    let Some(oauth) = st.cfg.oauth.clone() else {
        return bad("invalid_client_id", "client identifier invalid");
    };
    if get("client_id") != oauth.client_id {
        return bad("invalid_client_id", "client identifier invalid");
    }
    if !oauth.client_secret.is_empty() && get("client_secret") != oauth.client_secret {
        return bad("invalid_client", "invalid client credentials");
    }
    let issue_refresh = match get("grant_type") {
        "authorization_code" => {
            if let Err((error, description)) = oauth_code::redeem(&mut st.codes, &form) {
                return bad(error, description);
            }
            let next = format!("5Aep861{}", random_alnum(80));
            st.refresh_token = Some(next.clone());
            Some(next)
        }
        "refresh_token" => {
            if st.refresh_token.as_deref() != Some(get("refresh_token")) {
                return bad("invalid_grant", "expired access/refresh token");
            }
            oauth.rotate_refresh_token.then(|| {
                let next = format!("5Aep861{}", random_alnum(80));
                st.refresh_token = Some(next.clone());
                st.refresh_tokens_issued += 1;
                next
            })
        }
        _ => return bad("unsupported_grant_type", "grant type not supported"),
    };
    let token = format!("00DFAKE000000001!{}", random_alnum(96));
    st.access.insert(token.clone(), true);
    let signature = base64::engine::general_purpose::STANDARD.encode(random_alnum(32));
    let mut body = json!({
            "access_token": token,
            "instance_url": sh.base_url,
            "id": format!("{}/id/00DFAKE000000001AAA/{}", sh.base_url, super::make_id_for(super::SObj::User, 1)),
            "token_type": "Bearer",
            "issued_at": now_ms().to_string(),
            "signature": signature,
            "scope": "api refresh_token",
    });
    if let Some(r) = issue_refresh {
        body["refresh_token"] = json!(r);
    }
    json_resp(StatusCode::OK, body)
}
