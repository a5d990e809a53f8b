//! The database key: random and kept in the OS keychain, or derived from a passphrase when no
//! keychain is reachable. Never written anywhere in plain text.

use std::path::Path;

use argon2::Argon2;
use rand::RngCore;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Keychain service name under which Rapport keeps its secrets.
pub const KEYCHAIN_SERVICE: &str = "app.rapport.desktop";
/// Environment variable holding a passphrase for machines without a keychain.
pub const PASSPHRASE_ENV: &str = "RAPPORT_PASSPHRASE";
/// File beside the database marking passphrase mode; holds the (non-secret) Argon2 salt in hex.
pub const SALT_FILE: &str = "rapport.salt";

/// A 256-bit SQLCipher key, wiped from memory when dropped.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn random() -> DbKey {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        DbKey(k)
    }

    /// Derives a key from a passphrase with Argon2id (default parameters: 19 MiB, 2 passes).
    pub fn from_passphrase(passphrase: &str, salt: &[u8]) -> Result<DbKey> {
        if passphrase.is_empty() {
            return Err(Error::InvalidInput(
                "The passphrase cannot be empty.".into(),
            ));
        }
        let mut k = Zeroizing::new([0u8; 32]);
        Argon2::default()
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
    data_dir.join(SALT_FILE).exists()
}

/// Key for passphrase mode; creates the salt file on first use.
pub fn passphrase_key(data_dir: &Path, passphrase: &str) -> Result<DbKey> {
    let path = data_dir.join(SALT_FILE);
    let salt = match std::fs::read_to_string(&path) {
        Ok(s) => hex::decode(s.trim()).map_err(|_| Error::Corrupt {
            path: path.display().to_string(),
            detail: "the salt file is not hex".into(),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut salt = [0u8; 16];
            rand::rngs::OsRng.fill_bytes(&mut salt);
            std::fs::create_dir_all(data_dir)?;
            std::fs::write(&path, hex::encode(salt))?;
            salt.to_vec()
        }
        Err(e) => return Err(e.into()),
    };
    DbKey::from_passphrase(passphrase, &salt)
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
        let a = DbKey::from_passphrase("correct horse", b"0123456789abcdef").unwrap();
        let b = DbKey::from_passphrase("correct horse", b"0123456789abcdef").unwrap();
        let c = DbKey::from_passphrase("correct horsf", b"0123456789abcdef").unwrap();
        let d = DbKey::from_passphrase("correct horse", b"fedcba9876543210").unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
        assert_ne!(a.to_hex(), c.to_hex());
        assert_ne!(a.to_hex(), d.to_hex());
        assert!(DbKey::from_passphrase("", b"0123456789abcdef").is_err());
    }

    #[test]
    fn salt_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!uses_passphrase(dir.path()));
        let a = passphrase_key(dir.path(), "pw").unwrap();
        assert!(uses_passphrase(dir.path()));
        let b = passphrase_key(dir.path(), "pw").unwrap();
        assert_eq!(a.to_hex(), b.to_hex());
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
