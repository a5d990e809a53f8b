//! What the cross-module tests share: credentials, a fresh store, and a clock that can be moved.

#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{Duration, FixedOffset, Utc};
use rapport_core::domain::Clock;
use rapport_core::secrets::{CrmSecret, DbKey, KeySource};
use rapport_core::Rapport;

/// A private-app (HubSpot) or session (Salesforce) token.
pub fn token(t: &str) -> CrmSecret {
    CrmSecret {
        token: Some(t.into()),
        client_id: None,
        client_secret: None,
        refresh_token: None,
    }
}

/// A clock in UTC running `ahead` milliseconds after the system clock (move it with `store`).
pub fn shifted_clock() -> (Clock, Arc<AtomicI64>) {
    let ahead = Arc::new(AtomicI64::new(0));
    let by = ahead.clone();
    let clock = Clock::new(
        move || Utc::now() + Duration::milliseconds(by.load(Ordering::Relaxed)),
        |_| FixedOffset::east_opt(0).unwrap(),
    );
    (clock, ahead)
}

/// A fresh encrypted store in a temporary directory, read with `clock`.
pub async fn store_with(clock: Clock) -> (tempfile::TempDir, Rapport) {
    let dir = tempfile::tempdir().unwrap();
    let r = Rapport::open_with_key(dir.path(), &DbKey::random(), KeySource::Keychain, clock)
        .await
        .unwrap();
    (dir, r)
}

/// A fresh encrypted store on the system clock.
pub async fn store() -> (tempfile::TempDir, Rapport) {
    store_with(Clock::system()).await
}
