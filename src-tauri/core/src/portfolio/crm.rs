//! CRM connections and syncing, as the app and the CLI use them.

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::{ConnectionView, Rapport};
use crate::domain::sync::Derived;
use crate::domain::{Clock, Crm};
use crate::error::{Error, Result};
use crate::secrets::{self, CrmSecret};
use crate::store::META_DATA_AS_OF;
use crate::sync::engine::{self, Run};
use crate::sync::http::RotateFn;
use crate::sync::hubspot::HubSpot;
use crate::sync::salesforce::{self, Salesforce};
use crate::sync::{derive, AuthKind, Connection, NewConnection, ProgressFn, Settings, SyncReport};
pub use crate::sync::{HUBSPOT_API, SALESFORCE_LOGIN};

/// Checks a CRM address: `https://`, or plain `http://` to this machine only (tests, local
/// proxies). Returns whether it is such an unencrypted local address.
pub fn check_address(url: &str) -> Result<bool> {
    let parsed = reqwest::Url::parse(url).map_err(|_| {
        Error::InvalidInput(format!(
            "{url:?} is not a web address; it should look like https://api.hubapi.com."
        ))
    })?;
    let local = matches!(
        parsed.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    match parsed.scheme() {
        "https" => Ok(false),
        "http" if local => Ok(true),
        "http" => Err(Error::InvalidInput(format!(
            "{url} is not encrypted: Rapport only sends CRM credentials over https:// (plain http:// is allowed to this computer only)."
        ))),
        _ => Err(Error::InvalidInput(format!(
            "{url:?} is not a web address; it should start with https://."
        ))),
    }
}

/// A keychain writer for a refresh token the CRM rotates, and the newest one it wrote.
pub(super) fn rotation(
    data_dir: &std::path::Path,
    name: &str,
    secret: &CrmSecret,
    persist: bool,
) -> (RotateFn, Arc<Mutex<Option<String>>>) {
    let latest = Arc::new(Mutex::new(None::<String>));
    let (dir, name, secret, seen) = (
        data_dir.to_path_buf(),
        name.to_string(),
        secret.clone(),
        latest.clone(),
    );
    let f: RotateFn = Arc::new(move |token: &str| {
        *seen.lock().unwrap_or_else(|e| e.into_inner()) = Some(token.to_string());
        if persist {
            let kept = CrmSecret {
                refresh_token: Some(token.to_string()),
                ..secret.clone()
            };
            if let Err(e) = secrets::store_crm_secret(&dir, &name, &kept) {
                tracing::error!(code = ?e.code(), "keeping the rotated refresh token failed: {e}");
            }
        }
    });
    (f, latest)
}

/// Checks credentials against the CRM and reads what the mapping can use there. Returns the
/// secret to keep (a CRM may have rotated the refresh token) and the mapping's notes.
async fn check_credentials(
    conn: &Connection,
    secret: &CrmSecret,
    clock: &Clock,
) -> Result<(CrmSecret, Vec<String>)> {
    let (on_rotate, latest) = rotation(std::path::Path::new(""), &conn.name, secret, false);
    let notes = match conn.crm {
        Crm::Salesforce => {
            Salesforce::prepare(conn, secret, Some(on_rotate), clock.clone())
                .await?
                .1
        }
        _ => {
            HubSpot::prepare(conn, secret, Some(on_rotate), clock.clone())
                .await?
                .1
        }
    };
    let mut kept = secret.clone();
    if let Some(t) = latest.lock().unwrap_or_else(|e| e.into_inner()).take() {
        kept.refresh_token = Some(t);
    }
    Ok((kept, notes))
}

fn auth_of(secret: &CrmSecret) -> AuthKind {
    if secret.token.is_some() {
        AuthKind::Token
    } else {
        AuthKind::Oauth
    }
}

impl Rapport {
    pub async fn connections(&self) -> Result<Vec<Connection>> {
        self.store.connections().await
    }

    /// Connections with their last sync, the mapping's notes and, when the newest run of a type
    /// failed, its error.
    pub async fn connection_views(&self) -> Result<Vec<ConnectionView>> {
        let runs = self.store.sync_runs(500).await?;
        let mut out = Vec::new();
        for c in self.store.connections().await? {
            let mut seen = std::collections::HashSet::new();
            let last_error = runs
                .iter()
                .filter(|r| r.connection == c.name && seen.insert(r.object_type.clone()))
                .find_map(|r| r.error.clone());
            out.push(ConnectionView {
                score_writeback: self.store.writeback_facts(c.id).await?.on,
                last_synced: self.store.last_synced(c.id).await?,
                notes: self.store.connection_notes(c.id).await?,
                unencrypted: check_address(&c.base_url).unwrap_or(false),
                name: c.name,
                crm: c.crm,
                base_url: c.base_url,
                last_error,
                requests_per_10s: c.settings.requests_per_10s,
                settings: c.settings,
            });
        }
        Ok(out)
    }

    pub(super) async fn connection_named(&self, name: &str) -> Result<Connection> {
        self.store
            .connections()
            .await?
            .into_iter()
            .find(|c| c.name == name)
            .ok_or_else(|| Error::NotFound(format!("A connection named {name:?}")))
    }

    /// Checks credentials against the CRM, then saves the connection and its secret (keychain).
    pub async fn connect(
        &self,
        name: &str,
        crm: Crm,
        base_url: Option<&str>,
        secret: CrmSecret,
    ) -> Result<Connection> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::InvalidInput("Give the connection a name.".into()));
        }
        let default_base = match (crm, base_url) {
            (Crm::Hubspot, _) => HUBSPOT_API,
            (Crm::Salesforce, _) if secret.token.is_none() => SALESFORCE_LOGIN,
            (Crm::Salesforce, Some(_)) => "",
            (Crm::Salesforce, None) => {
                return Err(Error::InvalidInput(
                    "A Salesforce session token needs the org's instance address (https://yourorg.my.salesforce.com).".into(),
                ))
            }
            (Crm::Demo, _) => return Err(Error::InvalidInput("The demo is not a CRM.".into())),
        };
        let base_url = base_url
            .unwrap_or(default_base)
            .trim()
            .trim_end_matches('/');
        check_address(base_url)?;
        if self.connection_named(name).await.is_ok() {
            return Err(Error::InvalidInput(format!(
                "A connection named {name:?} already exists."
            )));
        }
        let settings = match crm {
            Crm::Salesforce => salesforce::default_settings(),
            _ => Settings::default(),
        };
        let draft = Connection {
            id: 0,
            name: name.to_string(),
            crm,
            base_url: base_url.to_string(),
            auth: auth_of(&secret),
            settings: settings.clone(),
            created_at: self.clock.now(),
        };
        let (secret, notes) = check_credentials(&draft, &secret, &self.clock).await?;
        let conn = self
            .store
            .add_connection(
                &NewConnection {
                    name: name.to_string(),
                    crm,
                    base_url: base_url.to_string(),
                    auth: auth_of(&secret),
                    settings,
                },
                self.clock.now(),
            )
            .await?;
        if let Err(e) = secrets::store_crm_secret(&self.data_dir, name, &secret) {
            self.store.remove_connection(conn.id).await?;
            return Err(e);
        }
        self.store.set_connection_notes(conn.id, &notes).await?;
        Ok(conn)
    }

    /// Changes a connection's address, mapping and budget, and optionally its credentials; the
    /// result is tested against the CRM before anything is saved. A stored secret is never sent
    /// to a new address: moving a connection needs the credential entered again.
    pub async fn edit_connection(
        &self,
        name: &str,
        base_url: &str,
        settings: Settings,
        new_secret: Option<CrmSecret>,
    ) -> Result<Connection> {
        let mut c = self.connection_named(name).await?;
        let base_url = base_url.trim().trim_end_matches('/');
        check_address(base_url)?;
        if !(10..=100_000).contains(&settings.requests_per_10s) {
            return Err(Error::InvalidInput(
                "Requests per 10 seconds must be between 10 and 100000.".into(),
            ));
        }
        let moved = !base_url.eq_ignore_ascii_case(c.base_url.trim_end_matches('/'));
        let secret = match &new_secret {
            Some(s) => s.clone(),
            None if moved => {
                return Err(Error::InvalidInput(format!(
                    "Moving {name:?} to {base_url} needs its credential entered again: Rapport never sends a stored token to a new address."
                )))
            }
            None => secrets::crm_secret(&self.data_dir, &c.name)?,
        };
        let mut draft = c.clone();
        draft.base_url = base_url.to_string();
        draft.settings = settings.clone();
        let (secret, notes) = check_credentials(&draft, &secret, &self.clock).await?;
        secrets::store_crm_secret(&self.data_dir, &c.name, &secret)?;
        c.auth = auth_of(&secret);
        c.base_url = base_url.to_string();
        c.settings = settings;
        self.store.update_connection(&c).await?;
        self.store.set_connection_notes(c.id, &notes).await?;
        Ok(c)
    }

    /// Asks the CRM whether the saved credentials still work; returns the mapping's notes.
    pub async fn test_connection(&self, name: &str) -> Result<Vec<String>> {
        let c = self.connection_named(name).await?;
        let secret = secrets::crm_secret(&self.data_dir, &c.name)?;
        let (kept, notes) = check_credentials(&c, &secret, &self.clock).await?;
        if kept != secret {
            secrets::store_crm_secret(&self.data_dir, &c.name, &kept)?;
        }
        self.store.set_connection_notes(c.id, &notes).await?;
        Ok(notes)
    }

    /// Removes a connection, its keychain entry and every row it brought in.
    pub async fn disconnect(&self, name: &str) -> Result<()> {
        let c = self.connection_named(name).await?;
        secrets::forget_crm_secret(&self.data_dir, &c.name)?;
        self.store.remove_connection(c.id).await
    }

    /// Syncs one connection (or all), derives what the CRMs do not hold, then scores the
    /// accounts it changed.
    /// Per-type failures are in the reports.
    pub async fn sync(
        &self,
        only: Option<&str>,
        full: bool,
        cancel: CancellationToken,
        progress: ProgressFn,
    ) -> Result<Vec<SyncReport>> {
        let conns = match only {
            Some(n) => vec![self.connection_named(n).await?],
            None => self.store.connections().await?,
        };
        if conns.is_empty() {
            return Err(Error::InvalidInput(
                "No CRM is connected yet. Connect HubSpot or Salesforce first.".into(),
            ));
        }
        let mut reports = Vec::new();
        let turn = self.crm_io.lock().await;
        for c in conns {
            reports.push(
                self.sync_one(c, full, cancel.clone(), progress.clone())
                    .await?,
            );
        }
        drop(turn);
        if reports.iter().all(|r| r.first_error().is_none()) {
            let now = self
                .clock
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            self.store.set_meta(META_DATA_AS_OF, &now).await?;
        }
        self.score_changes(self.today()).await?;
        Ok(reports)
    }

    async fn sync_one(
        &self,
        c: Connection,
        full: bool,
        cancel: CancellationToken,
        progress: ProgressFn,
    ) -> Result<SyncReport> {
        let secret = secrets::crm_secret(&self.data_dir, &c.name)?;
        let (on_rotate, _) = rotation(&self.data_dir, &c.name, &secret, true);
        let run = Run {
            store: self.store.clone(),
            conn: Arc::new(c.clone()),
            full,
            cancel,
            progress,
            clock: self.clock.clone(),
        };
        let (objects, budget, notes) = match c.crm {
            Crm::Salesforce => {
                let (sf, notes) =
                    Salesforce::prepare(&c, &secret, Some(on_rotate), self.clock.clone()).await?;
                let sf = Arc::new(sf);
                let objects = engine::sync(sf.clone(), run).await?;
                (objects, engine::Connector::budget(&*sf), notes)
            }
            _ => {
                let (hs, notes) =
                    HubSpot::prepare(&c, &secret, Some(on_rotate), self.clock.clone()).await?;
                let hs = Arc::new(hs);
                let objects = engine::sync(hs.clone(), run).await?;
                (objects, engine::Connector::budget(&*hs), notes)
            }
        };
        self.store.relink_children(c.id).await?;
        self.derive_accounts(c.id).await?;
        // A complete read of the accounts confirms the usage levels of those that did not change.
        if objects.first().is_some_and(|o| o.error.is_none()) {
            self.store
                .carry_usage_forward(c.id, c.crm.as_str(), self.today())
                .await?;
        }
        self.store.set_connection_notes(c.id, &notes).await?;
        Ok(SyncReport {
            connection: c.name,
            objects,
            budget,
            notes,
        })
    }

    /// Works out, for a connection's accounts, the ARR, contract dates and churn the CRM does
    /// not hold (DESIGN §4 definitions over the synced deals).
    async fn derive_accounts(&self, connection_id: i64) -> Result<()> {
        let today = self.today();
        let derived: Vec<Derived> = self
            .store
            .derivation_inputs(connection_id)
            .await?
            .iter()
            .map(|f| derive::account(f, today))
            .collect();
        self.store.apply_derived(&derived, derive::segment).await?;
        Ok(())
    }
}
