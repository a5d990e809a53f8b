//! Connecting a CRM by signing in through the browser: authorization code with PKCE and a
//! loopback redirect, over real HTTP against the fake HubSpot and Salesforce sign-in pages, with
//! the refresh token landing in the real keychain (run under scripts/with-keyring.sh). The
//! "browser" here is an HTTP client that follows the sign-in page's redirect, as a browser does
//! once the user has approved.

use std::collections::HashMap;

use rapport_core::domain::Crm;
use rapport_core::portfolio::SignInForm;
use rapport_core::secrets;
use rapport_core::{ErrorCode, Rapport};
use rapport_tests::hubspot::{self, FakeHubSpot};
use rapport_tests::oauth_code::Consent;
use rapport_tests::salesforce::{self, FakeSalesforce};
use tokio_util::sync::CancellationToken;

mod common;

/// What the browser ended on: the loopback page's status and text.
type Landing = tokio::sync::oneshot::Receiver<(u16, String)>;

/// A browser that first visits the loopback address with a forged `state` (another site trying
/// to slip its own code in), then opens the sign-in page and follows its redirect.
fn browser() -> (impl FnOnce(&str) -> rapport_core::Result<()>, Landing) {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let open = move |url: &str| {
        let url = url.to_string();
        tokio::spawn(async move {
            let q: HashMap<String, String> = reqwest::Url::parse(&url)
                .unwrap()
                .query_pairs()
                .into_owned()
                .collect();
            let forged = format!("{}?code=evil&state=forged", q["redirect_uri"]);
            let r = reqwest::get(&forged).await.unwrap();
            assert_eq!(r.status().as_u16(), 400, "a forged redirect is turned away");
            let r = reqwest::get(&url).await.unwrap();
            let status = r.status().as_u16();
            let _ = tx.send((status, r.text().await.unwrap_or_default()));
        });
        Ok(())
    };
    (open, rx)
}

fn form(crm: Crm, base_url: &str, client_id: &str, secret: Option<&str>) -> SignInForm {
    SignInForm {
        crm,
        name: "Signed in".into(),
        base_url: base_url.into(),
        client_id: client_id.into(),
        client_secret: secret.map(str::to_string),
        port: 0,
    }
}

/// A fake HubSpot whose registered app is `client_id` / `client_secret`, with `redirect_uri`
/// registered when given.
async fn hubspot_app(
    client_id: &str,
    client_secret: &str,
    redirect_uri: Option<String>,
) -> FakeHubSpot {
    FakeHubSpot::start(hubspot::Config {
        tokens: vec![],
        oauth: Some(hubspot::OAuth {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: "issued-elsewhere".into(),
            access_ttl_secs: 1800,
            rotate_refresh_token: false,
            redirect_uri,
            consent: Consent::Approve,
        }),
        ..hubspot::Config::default()
    })
    .await
}

/// A fake Salesforce org whose connected app is `client_id` (no secret when empty).
async fn salesforce_app(client_id: &str, client_secret: &str, consent: Consent) -> FakeSalesforce {
    FakeSalesforce::start(salesforce::Config {
        session_tokens: vec![],
        oauth: Some(salesforce::OAuth {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            refresh_token: "issued-elsewhere".into(),
            rotate_refresh_token: false,
            redirect_uri: None,
            consent,
        }),
        ..salesforce::Config::default()
    })
    .await
}

async fn accounts(r: &Rapport) -> usize {
    r.portfolio(r.today()).await.unwrap().rows.len()
}

#[tokio::test]
async fn hubspot_sign_in_keeps_the_refresh_token_in_the_keychain_and_syncs() {
    // The app is registered with one exact redirect address, port included, as both CRMs demand.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let fake = hubspot_app(
        "rapport-org-app",
        "org-secret",
        Some(format!("http://localhost:{port}/callback")),
    )
    .await;
    fake.seed(6, 3);
    let (dir, r) = common::store().await;
    let (open, landing) = browser();
    let conn = r
        .sign_in(
            SignInForm {
                port,
                ..form(
                    Crm::Hubspot,
                    &fake.base_url,
                    " rapport-org-app ",
                    Some("org-secret"),
                )
            },
            open,
            CancellationToken::new(),
        )
        .await
        .unwrap();
    let (status, page) = landing.await.unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("Signed in"), "{page}");
    assert_eq!(
        (conn.name.as_str(), conn.base_url.as_str()),
        ("Signed in", fake.base_url.as_str())
    );

    // The keychain holds the app and the refresh token the CRM issued for this sign-in.
    let kept = secrets::crm_secret(dir.path(), "Signed in").unwrap();
    let issued = fake.current_refresh_token().unwrap();
    assert_ne!(issued, "issued-elsewhere");
    assert_eq!(kept.refresh_token.as_deref(), Some(issued.as_str()));
    assert_eq!(kept.client_id.as_deref(), Some("rapport-org-app"));
    assert_eq!(kept.client_secret.as_deref(), Some("org-secret"));
    assert_eq!(kept.token, None);
    // Nothing of it in the database file's meta: only the non-secret app id is remembered.
    let d = r.sign_in_defaults(Crm::Hubspot).await.unwrap();
    assert_eq!(
        (d.client_id.as_str(), d.base_url.as_str()),
        ("rapport-org-app", fake.base_url.as_str())
    );

    let reports = r
        .sync(
            None,
            false,
            CancellationToken::new(),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert!(
        reports.iter().all(|r| r.first_error().is_none()),
        "{reports:?}"
    );
    assert_eq!(accounts(&r).await, 6);
}

#[tokio::test]
async fn a_salesforce_connected_app_without_a_secret_signs_in_with_pkce_alone() {
    // No consumer secret: the connected app relies on PKCE (the fake then demands it).
    let sf = salesforce_app("3MVG9-public", "", Consent::Approve).await;
    sf.seed(5, 2);
    let (dir, r) = common::store().await;
    let (open, landing) = browser();
    r.sign_in(
        form(Crm::Salesforce, &sf.base_url, "3MVG9-public", None),
        open,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(landing.await.unwrap().0, 200);
    let kept = secrets::crm_secret(dir.path(), "Signed in").unwrap();
    assert_eq!(kept.refresh_token, sf.current_refresh_token());
    assert_eq!(kept.client_secret, None);
    let reports = r
        .sync(
            None,
            false,
            CancellationToken::new(),
            std::sync::Arc::new(|_| {}),
        )
        .await
        .unwrap();
    assert!(
        reports.iter().all(|r| r.first_error().is_none()),
        "{reports:?}"
    );
    assert_eq!(accounts(&r).await, 5);
}

#[tokio::test]
async fn declining_in_the_browser_saves_nothing_and_says_so() {
    let sf = salesforce_app("ck", "cs", Consent::Deny).await;
    let (dir, r) = common::store().await;
    let (open, landing) = browser();
    let e = r
        .sign_in(
            form(Crm::Salesforce, &sf.base_url, "ck", Some("cs")),
            open,
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmAuth);
    assert!(e.to_string().contains("cancelled in the browser"), "{e}");
    assert_eq!(landing.await.unwrap().0, 400);
    assert!(r.connections().await.unwrap().is_empty());
    assert!(secrets::crm_secret(dir.path(), "Signed in").is_err());
}

#[tokio::test]
async fn a_wrong_client_id_or_secret_is_reported_before_anything_is_saved() {
    let fake = hubspot_app("app", "right", None).await;
    let (_dir, r) = common::store().await;
    let (open, _landing) = browser();
    let e = r
        .sign_in(
            form(Crm::Hubspot, &fake.base_url, "app", Some("wrong")),
            open,
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::CrmAuth);
    assert!(e.to_string().contains("client id and secret"), "{e}");
    assert!(r.connections().await.unwrap().is_empty());
    // HubSpot apps always have a secret: a missing one is caught before the browser opens.
    let e = r
        .sign_in(
            form(Crm::Hubspot, &fake.base_url, "app", None),
            |_: &str| panic!("no browser"),
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
}

#[tokio::test]
async fn cancelling_stops_waiting_and_frees_the_port() {
    let (_dir, r) = common::store().await;
    let cancel = CancellationToken::new();
    let (tx, rx) = tokio::sync::oneshot::channel::<u16>();
    let stop = cancel.clone();
    let open = move |url: &str| {
        let q: HashMap<String, String> = reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        let port = reqwest::Url::parse(&q["redirect_uri"])
            .unwrap()
            .port()
            .unwrap();
        let _ = tx.send(port);
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            stop.cancel();
        });
        Ok(())
    };
    let e = r
        .sign_in(
            form(Crm::Salesforce, "http://127.0.0.1:9", "ck", None),
            open,
            cancel,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Cancelled);
    let port = rx.await.unwrap();
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("the sign-in port is free again");
}
