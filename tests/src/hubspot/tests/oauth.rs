//! The fake's OAuth: the refresh grant, token expiry and rotation.

use reqwest::{Client, Method};
use serde_json::Value;

use super::*;

#[tokio::test]
async fn oauth_refresh_and_expiry() {
    let cfg = Config {
        tokens: vec![],
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "secret".into(),
            refresh_token: "rt-1".into(),
            access_ttl_secs: 1800,
            rotate_refresh_token: false,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    };
    let hs = FakeHubSpot::start(cfg).await;
    let client = Client::new();
    let refresh = |secret: &'static str| {
        client
            .post(format!("{}/oauth/v1/token", hs.base_url))
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", "cid"),
                ("client_secret", secret),
                ("refresh_token", "rt-1"),
            ])
            .send()
    };
    let bad = refresh("nope").await.unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["status"], "BAD_REFRESH_TOKEN");
    assert_eq!(body["message"], "missing or unknown refresh token");

    let good: Value = refresh("secret").await.unwrap().json().await.unwrap();
    assert_eq!(good["refresh_token"], "rt-1");
    assert_eq!(good["expires_in"], 1800);
    assert_eq!(good["token_type"], "bearer");
    let token = good["access_token"].as_str().unwrap().to_string();
    let ok = call_as(&hs, Some(&token), Method::GET, "/crm/v3/owners", None).await;
    assert_eq!(ok.status, 200);

    hs.inject(Fault::ExpireTokens);
    let expired = call_as(&hs, Some(&token), Method::GET, "/crm/v3/owners", None).await;
    assert_eq!(expired.status, 401);
    let body = expired.json();
    assert_eq!(body["category"], "EXPIRED_AUTHENTICATION");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .starts_with("The OAuth token used to make this call expired"));

    let again: Value = refresh("secret").await.unwrap().json().await.unwrap();
    let fresh = again["access_token"].as_str().unwrap();
    assert_ne!(fresh, token);
    assert_eq!(
        call_as(&hs, Some(fresh), Method::GET, "/crm/v3/owners", None)
            .await
            .status,
        200
    );
    assert_eq!(hs.issued_access_tokens(), 2);
    // The private-app token is not configured here.
    assert_eq!(get(&hs, "/crm/v3/owners").await.status, 401);
}

#[tokio::test]
async fn rotating_refresh_tokens_retire_the_previous_one() {
    let cfg = Config {
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "cs".into(),
            refresh_token: "rt-0".into(),
            access_ttl_secs: 1800,
            rotate_refresh_token: true,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    };
    let hs = FakeHubSpot::start(cfg).await;
    let refresh = |rt: &str| {
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", "cid"),
            ("client_secret", "cs"),
            ("refresh_token", rt),
        ];
        Client::new()
            .post(format!("{}/oauth/v1/token", hs.base_url))
            .form(&form)
            .send()
    };
    let a: Value = refresh("rt-0").await.unwrap().json().await.unwrap();
    let next = a["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(next, "rt-0");
    assert_eq!(
        refresh("rt-0").await.unwrap().status().as_u16(),
        400,
        "the old one is retired"
    );
    assert_eq!(refresh(&next).await.unwrap().status().as_u16(), 200);
    assert_eq!(hs.refresh_tokens_issued(), 2);
}

#[tokio::test]
async fn the_sign_in_page_hands_out_one_time_codes_bound_to_the_redirect_and_the_verifier() {
    let redirect = "http://localhost:53917/callback";
    let hs = FakeHubSpot::start(Config {
        tokens: vec![],
        oauth: Some(OAuth {
            client_id: "cid".into(),
            client_secret: "cs".into(),
            refresh_token: "rt-old".into(),
            access_ttl_secs: 1800,
            rotate_refresh_token: false,
            redirect_uri: Some(redirect.into()),
            consent: Default::default(),
        }),
        ..Config::default()
    })
    .await;
    // RFC 7636 appendix B: this verifier hashes to this challenge.
    let (verifier, challenge) = (
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
    let browser = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in = |redirect_uri: &'static str| {
        browser
            .get(format!("{}/oauth/authorize", hs.base_url))
            .query(&[
                ("client_id", "cid"),
                ("redirect_uri", redirect_uri),
                ("state", "st8"),
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ])
            .send()
    };
    // Another port than the registered one is refused on the page itself.
    let other = sign_in("http://localhost:53918/callback").await.unwrap();
    assert_eq!(other.status(), 400);
    let code_of = |r: &reqwest::Response| {
        let to = reqwest::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(to.as_str().split('?').next(), Some(redirect));
        let q: std::collections::HashMap<_, _> = to.query_pairs().into_owned().collect();
        assert_eq!(q["state"], "st8");
        q["code"].clone()
    };
    let first = sign_in(redirect).await.unwrap();
    assert_eq!(first.status(), 302);
    let code = code_of(&first);
    let redeem = |code: String, verifier: &'static str| {
        browser
            .post(format!("{}/oauth/v1/token", hs.base_url))
            .form(&[
                ("grant_type", "authorization_code".to_string()),
                ("client_id", "cid".into()),
                ("client_secret", "cs".into()),
                ("redirect_uri", redirect.into()),
                ("code", code),
                ("code_verifier", verifier.into()),
            ])
            .send()
    };
    let wrong = redeem(code.clone(), "not-the-verifier").await.unwrap();
    assert_eq!(wrong.status(), 400);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["status"], "BAD_AUTH_CODE");
    // The failed attempt spent the code: the right verifier is too late for it.
    assert_eq!(redeem(code, verifier).await.unwrap().status(), 400);

    let code = code_of(&sign_in(redirect).await.unwrap());
    let tokens: Value = redeem(code, verifier).await.unwrap().json().await.unwrap();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(refresh, "rt-old");
    assert_eq!(
        hs.current_refresh_token().as_deref(),
        Some(refresh.as_str())
    );
    let token = tokens["access_token"].as_str().unwrap();
    let ok = call_as(&hs, Some(token), Method::GET, "/crm/v3/owners", None).await;
    assert_eq!(ok.status, 200);
}
