//! The library's error type, and the `{code, message}` shape errors take across IPC.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What went wrong, for the UI to branch on. Mirrored in TypeScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    KeychainUnavailable,
    PassphraseRequired,
    WrongKey,
    CorruptDatabase,
    Storage,
    /// The CRM refused the credentials (bad, revoked or expired beyond refresh).
    CrmAuth,
    /// The credentials lack a scope the sync needs.
    CrmScope,
    /// The CRM could not be reached (offline, DNS, refused, timed out).
    CrmUnreachable,
    /// The CRM kept answering "too many requests".
    CrmRateLimited,
    /// The CRM answered something that is not what its API documents.
    CrmBadResponse,
    /// The CRM lacks a field, object or scope Rapport writes to; an admin must add it.
    CrmSetup,
    /// The CRM refused a write for good (a value it does not accept).
    CrmRejected,
    /// The user stopped it.
    Cancelled,
    Internal,
}

impl ErrorCode {
    /// The code as it crosses IPC and as the store keeps it (`crm_unreachable`, ...).
    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "internal".into())
    }

    /// A stored code; one this version does not know reads as `internal`.
    pub fn parse(s: &str) -> ErrorCode {
        serde_json::from_value(serde_json::Value::String(s.into())).unwrap_or(ErrorCode::Internal)
    }
}

/// An error as it crosses IPC: a code and a sentence a person can read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    #[error("{0} was not found.")]
    NotFound(String),
    #[error("{0}")]
    InvalidInput(String),
    #[error("The system keychain is not available ({0}). Set RAPPORT_PASSPHRASE or enter a passphrase to encrypt the local data with a key derived from it.")]
    KeychainUnavailable(String),
    #[error("This Rapport database is protected by a passphrase. Enter it (or set RAPPORT_PASSPHRASE) to unlock.")]
    PassphraseRequired,
    #[error("The key of the database at {0} is not in the system keychain, so it cannot be opened. Nothing was changed: restore the keychain entry, or move the folder away to start afresh.")]
    KeyMissing(String),
    #[error("The database at {0} cannot be opened with this key: it was encrypted with a different key or passphrase. Nothing was changed.")]
    WrongKey(String),
    #[error("The database at {path} is damaged or is not a Rapport database ({detail}). Nothing was changed; move the file away to start afresh.")]
    Corrupt { path: String, detail: String },
    #[error("Local storage failed: {0}")]
    Storage(String),
    #[error("{0}")]
    Io(String),
    /// A CRM call failed; `message` says what happened and what to do next.
    #[error("{message}")]
    Crm { code: ErrorCode, message: String },
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::InvalidInput(_) => ErrorCode::InvalidInput,
            Error::KeychainUnavailable(_) => ErrorCode::KeychainUnavailable,
            Error::PassphraseRequired => ErrorCode::PassphraseRequired,
            Error::WrongKey(_) | Error::KeyMissing(_) => ErrorCode::WrongKey,
            Error::Corrupt { .. } => ErrorCode::CorruptDatabase,
            Error::Storage(_) => ErrorCode::Storage,
            Error::Io(_) => ErrorCode::Internal,
            Error::Crm { code, .. } => *code,
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Storage(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        Error::Storage(format!("migrating the local database: {e}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
