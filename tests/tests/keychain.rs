//! The database key in the real OS keychain (Secret Service). Run inside
//! `scripts/with-keyring.sh`, which starts a private D-Bus session with gnome-keyring.

use rapport_core::domain::Clock;
use rapport_core::secrets::{self, KEYCHAIN_SERVICE};
use rapport_core::{ErrorCode, OpenOptions, Rapport};

fn opts(dir: &std::path::Path, passphrase: Option<&str>) -> OpenOptions {
    OpenOptions {
        passphrase: passphrase.map(String::from),
        ..OpenOptions::new(dir.to_path_buf(), Clock::system())
    }
}

#[tokio::test]
async fn the_database_key_lives_only_in_the_keychain() {
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open(&opts(dir.path(), None))
        .await
        .expect("the Secret Service must be reachable (run under scripts/with-keyring.sh)");
    assert_eq!(r.status().await.unwrap().key_source, "keychain");
    r.generate_demo(12, 3, chrono::Utc::now()).await.unwrap();
    r.close().await;

    let entry = keyring::Entry::new(
        KEYCHAIN_SERVICE,
        &format!("database-key:{}", dir.path().display()),
    )
    .unwrap();
    let key_hex = entry.get_password().expect("the key is in the keychain");
    assert_eq!(key_hex.len(), 64);
    assert!(key_hex.chars().all(|c| c.is_ascii_hexdigit()));
    // Neither the hex key nor its bytes are written anywhere in the data directory.
    let key_bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        assert!(!bytes
            .windows(64)
            .any(|w| w.eq_ignore_ascii_case(key_hex.as_bytes())));
        assert!(!bytes.windows(32).any(|w| w == key_bytes.as_slice()));
    }

    // The same keychain entry opens the same data again.
    let r = Rapport::open(&opts(dir.path(), None)).await.unwrap();
    assert_eq!(r.store().account_count().await.unwrap(), 12);
    r.close().await;

    // Without the key, the data stays locked and untouched.
    let db = dir.path().join("rapport.db");
    let before = std::fs::read(&db).unwrap();
    secrets::forget_keychain_key(dir.path()).unwrap();
    let err = Rapport::open(&opts(dir.path(), None))
        .await
        .err()
        .expect("must not open");
    assert_eq!(err.code(), ErrorCode::WrongKey, "{err}");
    assert!(
        err.to_string().contains("is not in the system keychain"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[tokio::test]
async fn passphrase_mode_asks_for_the_passphrase_and_refuses_a_wrong_one() {
    let dir = tempfile::tempdir().unwrap();
    // A store created in passphrase mode (the keychain-less fallback) keeps a salt file.
    secrets::passphrase_key(dir.path(), "correct horse battery").unwrap();
    let r = Rapport::open(&opts(dir.path(), Some("correct horse battery")))
        .await
        .unwrap();
    assert_eq!(r.status().await.unwrap().key_source, "passphrase");
    r.generate_demo(4, 1, chrono::Utc::now()).await.unwrap();
    r.close().await;

    if std::env::var_os(secrets::PASSPHRASE_ENV).is_none() {
        let err = Rapport::open(&opts(dir.path(), None)).await.err().unwrap();
        assert_eq!(err.code(), ErrorCode::PassphraseRequired);
    }
    let err = Rapport::open(&opts(dir.path(), Some("wrong")))
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), ErrorCode::WrongKey);
    let r = Rapport::open(&opts(dir.path(), Some("correct horse battery")))
        .await
        .unwrap();
    assert_eq!(r.store().account_count().await.unwrap(), 4);
}

#[tokio::test]
async fn a_passphrase_store_made_before_the_parameters_were_stored_still_opens() {
    // Version 1 kept only the salt; the key came from argon2's defaults of the time.
    let dir = tempfile::tempdir().unwrap();
    let salt = [7u8; 16];
    std::fs::write(dir.path().join(secrets::SALT_FILE), hex_encode(&salt)).unwrap();
    let old =
        secrets::DbKey::from_passphrase("an old passphrase", &salt, secrets::LEGACY_KDF).unwrap();
    let r = Rapport::open_with_key(
        dir.path(),
        &old,
        secrets::KeySource::Passphrase,
        Clock::system(),
    )
    .await
    .unwrap();
    r.generate_demo(3, 1, chrono::Utc::now()).await.unwrap();
    r.close().await;
    let r = Rapport::open(&opts(dir.path(), Some("an old passphrase")))
        .await
        .unwrap();
    assert_eq!(r.store().account_count().await.unwrap(), 3);
    assert!(!dir.path().join(secrets::KDF_FILE).exists());
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
