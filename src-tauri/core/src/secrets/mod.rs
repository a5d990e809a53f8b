//! The database key: random and kept in the OS keychain, or derived from a passphrase when no
//! keychain is reachable. Never written anywhere in plain text.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Keychain service name under which Rapport keeps its secrets.
pub const KEYCHAIN_SERVICE: &str = "app.rapport.desktop";
/// Environment variable holding a passphrase for machines without a keychain.
pub const PASSPHRASE_ENV: &str = "RAPPORT_PASSPHRASE";
/// Version 1 of passphrase mode: a file beside the database holding only the Argon2 salt in hex;
/// the key was derived with [`LEGACY_KDF`]. Still read, never written.
pub const SALT_FILE: &str = "rapport.salt";
/// Passphrase mode since version 2: the (non-secret) key-derivation algorithm, parameters and
/// salt, as JSON, so a library upgrade can never change how an existing database's key is made.
pub const KDF_FILE: &str = "rapport.kdf";
/// Shortest passphrase accepted for a new database.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// How a passphrase becomes the database key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB, passes, lanes of Argon2id (version 0x13), 32-byte output.
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
}

/// What argon2 0.5's `Argon2::default()` used (Argon2id v0x13, 19 MiB, 2 passes, 1 lane): the
/// parameters of version-1 salt files, pinned so those databases keep opening.
pub const LEGACY_KDF: KdfParams = KdfParams {
    m_kib: 19_456,
    t: 2,
    p: 1,
};

/// New databases: 128 MiB and 3 passes, about half a second on a laptop core (0.6 s measured on
/// these 2-core test machines), which makes guessing passphrases from a stolen file expensive.
pub const CURRENT_KDF: KdfParams = KdfParams {
    m_kib: 131_072,
    t: 3,
    p: 1,
};

/// The contents of [`KDF_FILE`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KdfFile {
    version: u32,
    algorithm: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

/// A 256-bit SQLCipher key, wiped from memory when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> DbKey {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        DbKey(k)
    }

    /// Derives a key from a passphrase with Argon2id and `params`.
    pub fn from_passphrase(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<DbKey> {
        if passphrase.is_empty() {
            return Err(Error::InvalidInput(
                "The passphrase cannot be empty.".into(),
            ));
        }
        let mut k = Zeroizing::new([0u8; 32]);
        let p = Params::new(params.m_kib, params.t, params.p, Some(32))
            .map_err(|e| Error::InvalidInput(format!("Unusable key-derivation parameters: {e}")))?;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, p)
            .hash_password_into(passphrase.as_bytes(), salt, k.as_mut())
            .map_err(|e| Error::InvalidInput(format!("Could not derive a key: {e}")))?;
        Ok(DbKey(k))
    }

    fn from_hex(s: &str) -> Option<DbKey> {
        let bytes = Zeroizing::new(hex::decode(s.trim()).ok()?);
        let arr: [u8; 32] = bytes.as_slice().try_into().ok()?;
        Some(DbKey(Zeroizing::new(arr)))
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The value of SQLCipher's `key` pragma: a raw key, so no key derivation runs per connection.
    pub fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("\"x'{}'\"", self.to_hex().as_str()))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// How the key of an opened store was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Keychain,
    Passphrase,
}

impl KeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::Keychain => "keychain",
            KeySource::Passphrase => "passphrase",
        }
    }
}

/// The keychain entry for the database in `data_dir` (one key per data directory).
fn keychain_entry(data_dir: &Path) -> Result<keyring::Entry> {
    let user = format!("database-key:{}", data_dir.display());
    keyring::Entry::new(KEYCHAIN_SERVICE, &user).map_err(unavailable)
}

fn unavailable(e: keyring::Error) -> Error {
    Error::KeychainUnavailable(e.to_string())
}

/// Reads the key of the database in `data_dir` from the keychain, creating and storing a new one
/// when there is neither a key nor a database yet.
pub fn keychain_key(data_dir: &Path, db_exists: bool) -> Result<DbKey> {
    let entry = keychain_entry(data_dir)?;
    match entry.get_password() {
        Ok(hex) => DbKey::from_hex(&hex).ok_or_else(|| {
            Error::KeychainUnavailable("the stored database key is not a 256-bit hex key".into())
        }),
        Err(keyring::Error::NoEntry) if db_exists => {
            Err(Error::KeyMissing(data_dir.display().to_string()))
        }
        Err(keyring::Error::NoEntry) => {
            let key = DbKey::random();
            entry.set_password(&key.to_hex()).map_err(unavailable)?;
            // Read it back: some keychains accept a write they cannot return.
            match entry.get_password() {
                Ok(back) if back == *key.to_hex() => Ok(key),
                Ok(_) => Err(Error::KeychainUnavailable(
                    "the keychain returned a different key than was stored".into(),
                )),
                Err(e) => Err(unavailable(e)),
            }
        }
        Err(e) => Err(unavailable(e)),
    }
}

/// Removes the keychain entry of `data_dir` (used when a store is reset from scratch).
pub fn forget_keychain_key(data_dir: &Path) -> Result<()> {
    match keychain_entry(data_dir)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(unavailable(e)),
    }
}

/// True when the store in `data_dir` was created in passphrase mode.
pub fn uses_passphrase(data_dir: &Path) -> bool {
    data_dir.join(KDF_FILE).exists() || data_dir.join(SALT_FILE).exists()
}

fn corrupt(path: &Path, detail: &str) -> Error {
    Error::Corrupt {
        path: path.display().to_string(),
        detail: detail.into(),
    }
}

/// The salt and parameters of an existing passphrase store, if it is one.
fn stored_kdf(data_dir: &Path) -> Result<Option<(Vec<u8>, KdfParams)>> {
    let kdf = data_dir.join(KDF_FILE);
    match std::fs::read_to_string(&kdf) {
        Ok(s) => {
            let f: KdfFile = serde_json::from_str(&s)
                .map_err(|_| corrupt(&kdf, "the key-derivation file is not readable"))?;
            if f.version != 2 || f.algorithm != "argon2id" {
                return Err(corrupt(
                    &kdf,
                    &format!(
                        "it names an unknown key derivation ({} v{}); a newer Rapport made it",
                        f.algorithm, f.version
                    ),
                ));
            }
            let salt = hex::decode(&f.salt).map_err(|_| corrupt(&kdf, "the salt is not hex"))?;
            return Ok(Some((salt, f.params)));
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        Err(_) => {}
    }
    let legacy = data_dir.join(SALT_FILE);
    match std::fs::read_to_string(&legacy) {
        Ok(s) => {
            let salt =
                hex::decode(s.trim()).map_err(|_| corrupt(&legacy, "the salt file is not hex"))?;
            Ok(Some((salt, LEGACY_KDF)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Key for passphrase mode: derived with the parameters stored beside the database, or, for a
/// new one, with [`CURRENT_KDF`] and a fresh salt, which are stored first.
pub fn passphrase_key(data_dir: &Path, passphrase: &str) -> Result<DbKey> {
    if let Some((salt, params)) = stored_kdf(data_dir)? {
        return DbKey::from_passphrase(passphrase, &salt, params);
    }
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::InvalidInput(format!(
            "Choose a passphrase of at least {MIN_PASSPHRASE_CHARS} characters: it is all that protects this data."
        )));
    }
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    let key = DbKey::from_passphrase(passphrase, &salt, CURRENT_KDF)?;
    let f = KdfFile {
        version: 2,
        algorithm: "argon2id".into(),
        params: CURRENT_KDF,
        salt: hex::encode(salt),
    };
    std::fs::create_dir_all(data_dir)?;
    let json = serde_json::to_string_pretty(&f).map_err(|e| Error::Io(e.to_string()))?;
    std::fs::write(data_dir.join(KDF_FILE), json)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_is_a_raw_hex_key() {
        let k = DbKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(
            k.pragma_value().as_str(),
            format!("\"x'{}'\"", "ab".repeat(32))
        );
        assert_eq!(format!("{k:?}"), "DbKey(<redacted>)");
    }

    #[test]
    fn passphrase_keys_depend_on_passphrase_and_salt() {
        let (s1, s2) = (b"0123456789abcdef", b"fedcba9876543210");
        let a = DbKey::from_passphrase("correct horse", s1, LEGACY_KDF).unwrap();
        let b = DbKey::from_passphrase("correct horse", s1, LEGACY_KDF).unwrap();
        let c = DbKey::from_passphrase("correct horsf", s1, LEGACY_KDF).unwrap();
        let d = DbKey::from_passphrase("correct horse", s2, LEGACY_KDF).unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
        assert_ne!(a.to_hex(), c.to_hex());
        assert_ne!(a.to_hex(), d.to_hex());
        assert!(DbKey::from_passphrase("", s1, LEGACY_KDF).is_err());
    }

    #[test]
    fn the_legacy_parameters_give_the_key_a_version_1_store_was_made_with() {
        // Argon2id v0x13, m = 19456 KiB, t = 2, p = 1, 32 bytes: the reference implementation
        // (Python argon2-cffi's hash_secret_raw) gives this for these inputs.
        let salt: Vec<u8> = (0u8..16).collect();
        let k = DbKey::from_passphrase("correct horse battery staple", &salt, LEGACY_KDF).unwrap();
        assert_eq!(
            k.to_hex().as_str(),
            "818259b6310026a8e0dbac5d2e6927abcfdb07b32258fac4f61b18b80f929085"
        );
        // A version-1 data directory: the salt file alone.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SALT_FILE), hex::encode(&salt)).unwrap();
        assert!(uses_passphrase(dir.path()));
        let again = passphrase_key(dir.path(), "correct horse battery staple").unwrap();
        assert_eq!(again.to_hex(), k.to_hex());
        assert!(!dir.path().join(KDF_FILE).exists(), "nothing rewritten");
    }

    #[test]
    fn a_new_store_records_its_parameters_and_refuses_a_short_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!uses_passphrase(dir.path()));
        let short = passphrase_key(dir.path(), "pw").err().unwrap();
        assert_eq!(short.code(), crate::ErrorCode::InvalidInput);
        assert!(
            !uses_passphrase(dir.path()),
            "nothing written for a refused passphrase"
        );
        let a = passphrase_key(dir.path(), "a long enough passphrase").unwrap();
        let f: KdfFile =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join(KDF_FILE)).unwrap())
                .unwrap();
        assert_eq!(
            (f.version, f.algorithm.as_str(), f.params),
            (2, "argon2id", CURRENT_KDF)
        );
        let b = passphrase_key(dir.path(), "a long enough passphrase").unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
        // The stored parameters are used, whatever the current defaults are.
        let salt = hex::decode(&f.salt).unwrap();
        let expected =
            DbKey::from_passphrase("a long enough passphrase", &salt, CURRENT_KDF).unwrap();
        assert_eq!(a.to_hex(), expected.to_hex());
    }

    #[test]
    fn mock_keychain_creates_a_key_for_a_new_store() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        let dir = tempfile::tempdir().unwrap();
        let k = keychain_key(dir.path(), false).unwrap();
        assert_eq!(k.to_hex().len(), 64);
    }
}

/// A CRM connection's credentials, kept only in the keychain (as JSON in one entry).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrmSecret {
    /// Private-app or session token.
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
}

impl std::fmt::Debug for CrmSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CrmSecret(…)")
    }
}

fn crm_entry(data_dir: &Path, connection: &str) -> Result<keyring::Entry> {
    let user = format!("crm:{}:{connection}", data_dir.display());
    keyring::Entry::new(KEYCHAIN_SERVICE, &user).map_err(unavailable)
}

fn crm_keychain_error(e: keyring::Error) -> Error {
    Error::KeychainUnavailable(format!(
        "{e}; CRM tokens are only ever kept in the system keychain, so a connection needs one"
    ))
}

pub fn store_crm_secret(data_dir: &Path, connection: &str, secret: &CrmSecret) -> Result<()> {
    let json = Zeroizing::new(serde_json::to_string(secret).map_err(|e| Error::Io(e.to_string()))?);
    crm_entry(data_dir, connection)?
        .set_password(&json)
        .map_err(crm_keychain_error)
}

pub fn crm_secret(data_dir: &Path, connection: &str) -> Result<CrmSecret> {
    match crm_entry(data_dir, connection)?.get_password() {
        Ok(json) => {
            let json = Zeroizing::new(json);
            serde_json::from_str(&json).map_err(|_| {
                Error::KeychainUnavailable(format!(
                    "the keychain entry of connection {connection:?} is not readable; connect it again"
                ))
            })
        }
        Err(keyring::Error::NoEntry) => Err(Error::Crm {
            code: crate::ErrorCode::CrmAuth,
            message: format!(
                "The keychain holds no credentials for connection {connection:?}. Connect it again with a token."
            ),
        }),
        Err(e) => Err(crm_keychain_error(e)),
    }
}

pub fn forget_crm_secret(data_dir: &Path, connection: &str) -> Result<()> {
    match crm_entry(data_dir, connection)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(crm_keychain_error(e)),
    }
}
