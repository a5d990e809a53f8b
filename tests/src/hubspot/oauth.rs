//! HubSpot's OAuth: the sign-in page (`/oauth/authorize`, on app.hubspot.com in production) and
//! `POST /oauth/v1/token` for both grants, authorization code (with PKCE) and refresh token.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::gate::{correlation_id, json_resp};
use super::Shared;
use crate::oauth_code;

type Sh = State<Arc<Shared>>;

pub(super) async fn authorize(State(sh): Sh, Query(q): Query<HashMap<String, String>>) -> Response {
    let mut st = sh.lock();
    let oauth = st.cfg.oauth.clone();
    let app = oauth.as_ref().map(|o| oauth_code::App {
        client_id: &o.client_id,
        redirect_uri: o.redirect_uri.as_deref(),
        consent: o.consent,
        pkce_required: false,
    });
    oauth_code::authorize(&mut st.codes, &q, app)
}

fn new_access_token() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let tail: String = (0..60)
        .map(|_| rng.sample(rand::distributions::Alphanumeric) as char)
        .collect();
    format!("C{tail}")
}

pub(super) async fn token(State(sh): Sh, body: Bytes) -> Response {
    let form: HashMap<String, String> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let bad = |status: &str, message: &str| {
        json_resp(
            StatusCode::BAD_REQUEST,
            json!({"status": status, "message": message, "correlationId": correlation_id()}),
        )
    };
    let mut st = sh.lock();
    let Some(oauth) = st.cfg.oauth.clone() else {
        return bad("BAD_CLIENT_ID", "missing or unknown client id");
    };
    // HubSpot apps are confidential clients: both grants need the app's id and secret.
    let app_ok = get("client_id") == oauth.client_id && get("client_secret") == oauth.client_secret;
    let refresh_token = match get("grant_type") {
        "authorization_code" => {
            if !app_ok {
                return bad("BAD_CLIENT_ID", "missing or unknown client id or secret");
            }
            if let Err((_, description)) = oauth_code::redeem(&mut st.codes, &form) {
                return bad("BAD_AUTH_CODE", description);
            }
            let next = format!("na1-{}-{}", st.refresh_tokens_issued + 1, correlation_id());
            st.refresh_token = Some(next.clone());
            next
        }
        "refresh_token" => {
            if !app_ok || st.refresh_token.as_deref() != Some(get("refresh_token")) {
                return bad("BAD_REFRESH_TOKEN", "missing or unknown refresh token");
            }
            if oauth.rotate_refresh_token {
                let next = format!("rt-{}-{}", st.refresh_tokens_issued + 1, correlation_id());
                st.refresh_token = Some(next.clone());
                st.refresh_tokens_issued += 1;
                next
            } else {
                get("refresh_token").to_string()
            }
        }
        _ => {
            return bad(
                "BAD_GRANT_TYPE",
                "grant_type must be authorization_code or refresh_token",
            )
        }
    };
    let token = new_access_token();
    st.access.insert(
        token.clone(),
        Instant::now() + Duration::from_secs(oauth.access_ttl_secs),
    );
    json_resp(
        StatusCode::OK,
        json!({
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "access_token": token,
            "expires_in": oauth.access_ttl_secs,
        }),
    )
}
