//! CRM credentials live in the keychain only: after connecting and syncing with recognisable
//! tokens (a private-app token, and OAuth with rotating refresh tokens), and after the errors a
//! bad token and a revoked refresh token cause, none of them appears in any table of the
//! decrypted database, in any file of the data directory, in the logs at debug level, or in any
//! error message; nor does the database key appear in the logs. Real keychain (scripts/with-keyring.sh), real SQLCipher, real HTTP.

use std::io::Write;
use std::sync::{Arc, Mutex};

use rapport_core::domain::{Clock, Crm};
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::Rapport;
use rapport_tests::hubspot::{Config, FakeHubSpot, OAuth};
use sqlx::Row;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "pat-na1-SECRET-d1e5a7c3-RECOGNISABLE";
const CLIENT_SECRET: &str = "cs-SECRET-5b2e-RECOGNISABLE";
const REFRESH: &str = "rt-SECRET-9f01-RECOGNISABLE";
const WRONG: &str = "pat-na1-SECRET-WRONG-RECOGNISABLE";

/// Everything logged, at debug level for every crate.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every text value of every table, read through SQLCipher with the database key.
async fn every_text(dir: &std::path::Path, key: &DbKey) -> String {
    use sqlx::ConnectOptions;
    use std::str::FromStr;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str(&format!(
        "sqlite://{}",
        dir.join("rapport.db").display()
    ))
    .unwrap()
    .pragma("key", key.pragma_value().to_string())
    .connect()
    .await
    .unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() > 20, "{tables:?}");
    let mut all = String::new();
    for t in tables {
        let rows = sqlx::query(&format!("SELECT * FROM \"{t}\""))
            .fetch_all(&mut conn)
            .await
            .unwrap();
        for r in rows {
            for i in 0..r.len() {
                if let Ok(Some(v)) = r.try_get::<Option<String>, _>(i) {
                    all.push_str(&v);
                    all.push('\n');
                }
            }
        }
    }
    all
}

#[tokio::test]
async fn no_crm_secret_reaches_the_database_files_logs_or_errors() {
    let logs = Logs::default();
    let writer = logs.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let hs = FakeHubSpot::start(Config {
        tokens: vec![TOKEN.into()],
        ..Config::default()
    })
    .await;
    hs.seed(8, 1);
    let oauth = FakeHubSpot::start(Config {
        tokens: vec![],
        oauth: Some(OAuth {
            client_id: "rapport-client".into(),
            client_secret: CLIENT_SECRET.into(),
            refresh_token: REFRESH.into(),
            access_ttl_secs: 1_800,
            rotate_refresh_token: true,
            redirect_uri: None,
            consent: Default::default(),
        }),
        ..Config::default()
    })
    .await;
    oauth.seed(5, 2);

    let dir = tempfile::tempdir().unwrap();
    let key = DbKey::random();
    let r = Rapport::open_with_key(dir.path(), &key, KeySource::Keychain, Clock::system())
        .await
        .unwrap();
    let token = |t: &str| CrmSecret {
        token: Some(t.into()),
        client_id: None,
        client_secret: None,
        refresh_token: None,
    };
    let mut errors = Vec::new();
    r.connect("hs", Crm::Hubspot, Some(&hs.base_url), token(TOKEN))
        .await
        .unwrap();
    r.connect(
        "oauth",
        Crm::Hubspot,
        Some(&oauth.base_url),
        CrmSecret {
            token: None,
            client_id: Some("rapport-client".into()),
            client_secret: Some(CLIENT_SECRET.into()),
            refresh_token: Some(REFRESH.into()),
        },
    )
    .await
    .unwrap();
    let reports = r
        .sync(None, false, CancellationToken::new(), Arc::new(|_| {}))
        .await
        .unwrap();
    assert!(
        reports.iter().all(|x| x.first_error().is_none()),
        "{reports:?}"
    );
    // A wrong token, and a refresh token that no longer works.
    errors.push(
        r.connect("bad", Crm::Hubspot, Some(&hs.base_url), token(WRONG))
            .await
            .unwrap_err()
            .to_string(),
    );
    errors.push(
        r.connect(
            "stale",
            Crm::Hubspot,
            Some(&oauth.base_url),
            CrmSecret {
                token: None,
                client_id: Some("rapport-client".into()),
                client_secret: Some(CLIENT_SECRET.into()),
                refresh_token: Some(REFRESH.into()),
            },
        )
        .await
        .unwrap_err()
        .to_string(),
    );
    for rep in &reports {
        errors.push(format!("{rep:?}"));
    }
    errors.push(format!("{:?}", r.connection_views().await.unwrap()));
    r.close().await;

    // What must never be written anywhere but the keychain.
    let mut secrets = vec![
        TOKEN.to_string(),
        CLIENT_SECRET.to_string(),
        REFRESH.to_string(),
        WRONG.to_string(),
    ];
    secrets.extend(oauth.current_refresh_token());
    secrets.extend(oauth.access_tokens());
    assert!(secrets.len() >= 6, "rotations and access tokens happened");

    // Taken before this test opens the database itself (its own connection is not the app's).
    let logged = String::from_utf8_lossy(&logs.0.lock().unwrap()).to_string();
    let db = every_text(dir.path(), &key).await;
    assert!(
        db.contains("hs") && db.len() > 10_000,
        "the database was read"
    );
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        files.push((e.path(), std::fs::read(e.path()).unwrap_or_default()));
    }
    assert!(logged.contains("DEBUG"), "debug logging was on");
    // Nor is the database key anywhere but the keychain (the logs carry every SQL statement).
    let key_hex = key
        .pragma_value()
        .trim_matches(['"', 'x', '\''])
        .to_string();
    assert_eq!(key_hex.len(), 64);
    assert!(
        !logged.contains(&key_hex),
        "the database key is in the logs"
    );
    for e in &errors {
        assert!(
            !e.contains(&key_hex),
            "the database key is in an error: {e}"
        );
    }
    for s in &secrets {
        assert!(!db.contains(s.as_str()), "{s} is in the database");
        for (path, bytes) in &files {
            assert!(
                !bytes.windows(s.len()).any(|w| w == s.as_bytes()),
                "{s} is in {}",
                path.display()
            );
        }
        assert!(!logged.contains(s.as_str()), "{s} is in the logs");
        for e in &errors {
            assert!(!e.contains(s.as_str()), "{s} is in an error: {e}");
        }
    }
    // The secrets are where they belong.
    let kept = rapport_core::secrets::crm_secret(dir.path(), "oauth").unwrap();
    assert_eq!(kept.refresh_token, oauth.current_refresh_token());
}
