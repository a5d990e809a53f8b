//! CRM connections and syncing, as the app and the CLI use them.

use tokio_util::sync::CancellationToken;

use super::{ConnectionView, Rapport};
use crate::domain::Crm;
use crate::error::{Error, Result};
use crate::secrets::{self, CrmSecret};
use crate::store::META_DATA_AS_OF;
use crate::sync::engine::sync_hubspot;
use crate::sync::hubspot::Client;
use crate::sync::salesforce::{self, sync_salesforce};
use crate::sync::{AuthKind, Connection, NewConnection, ProgressFn, Settings, SyncReport};

/// HubSpot's API host.
pub const HUBSPOT_API: &str = "https://api.hubapi.com";
/// Salesforce's login host (OAuth); data calls go to the `instance_url` it returns.
pub const SALESFORCE_LOGIN: &str = "https://login.salesforce.com";

async fn test_credentials(crm: Crm, base_url: &str, secret: &CrmSecret, budget: u32) -> Result<()> {
    match crm {
        Crm::Salesforce => {
            salesforce::Client::new(base_url, secret, budget)?
                .test()
                .await
        }
        _ => Client::new(base_url, secret, budget)?.test().await,
    }
}

impl Rapport {
    pub async fn connections(&self) -> Result<Vec<Connection>> {
        self.store.connections().await
    }

    /// Connections with their last sync and, when the newest run of a type failed, its error.
    pub async fn connection_views(&self) -> Result<Vec<ConnectionView>> {
        let runs = self.store.sync_runs(500).await?;
        let mut out = Vec::new();
        for c in self.store.connections().await? {
            let mut seen = std::collections::HashSet::new();
            let last_error = runs
                .iter()
                .filter(|r| r.connection == c.name && seen.insert(r.object_type.clone()))
                .find_map(|r| r.error_message.clone());
            out.push(ConnectionView {
                last_synced: self.store.last_synced(c.id).await?,
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

    async fn connection_named(&self, name: &str) -> Result<Connection> {
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
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(Error::InvalidInput(format!(
                "{base_url:?} is not a web address; it should start with https://."
            )));
        }
        let auth = if secret.token.is_some() {
            AuthKind::Token
        } else {
            AuthKind::Oauth
        };
        let settings = match crm {
            Crm::Salesforce => salesforce::default_settings(),
            _ => Settings::default(),
        };
        test_credentials(crm, base_url, &secret, settings.requests_per_10s).await?;
        let conn = self
            .store
            .add_connection(
                &NewConnection {
                    name: name.to_string(),
                    crm,
                    base_url: base_url.to_string(),
                    auth,
                    settings,
                },
                self.clock.now(),
            )
            .await?;
        if let Err(e) = secrets::store_crm_secret(&self.data_dir, name, &secret) {
            self.store.remove_connection(conn.id).await?;
            return Err(e);
        }
        Ok(conn)
    }

    /// Changes a connection's address, mapping and budget, and optionally its credentials; the
    /// result is tested against the CRM before anything is saved.
    pub async fn edit_connection(
        &self,
        name: &str,
        base_url: &str,
        settings: Settings,
        new_secret: Option<CrmSecret>,
    ) -> Result<Connection> {
        let mut c = self.connection_named(name).await?;
        let base_url = base_url.trim().trim_end_matches('/');
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(Error::InvalidInput(format!(
                "{base_url:?} is not a web address; it should start with https://."
            )));
        }
        if !(10..=100_000).contains(&settings.requests_per_10s) {
            return Err(Error::InvalidInput(
                "Requests per 10 seconds must be between 10 and 100000.".into(),
            ));
        }
        let secret = match &new_secret {
            Some(s) => s.clone(),
            None => secrets::crm_secret(&self.data_dir, &c.name)?,
        };
        test_credentials(c.crm, base_url, &secret, settings.requests_per_10s).await?;
        if let Some(s) = &new_secret {
            secrets::store_crm_secret(&self.data_dir, &c.name, s)?;
            c.auth = if s.token.is_some() {
                AuthKind::Token
            } else {
                AuthKind::Oauth
            };
        }
        c.base_url = base_url.to_string();
        c.settings = settings;
        self.store.update_connection(&c).await?;
        Ok(c)
    }

    /// Asks the CRM whether the saved credentials still work.
    pub async fn test_connection(&self, name: &str) -> Result<()> {
        let c = self.connection_named(name).await?;
        let secret = secrets::crm_secret(&self.data_dir, &c.name)?;
        test_credentials(c.crm, &c.base_url, &secret, c.settings.requests_per_10s).await
    }

    /// Removes a connection, its keychain entry and the accounts it brought in.
    pub async fn disconnect(&self, name: &str) -> Result<()> {
        let c = self.connection_named(name).await?;
        secrets::forget_crm_secret(&self.data_dir, &c.name)?;
        self.store.remove_connection(c.id).await
    }

    /// Syncs one connection (or all), then rescores. Per-type failures are in the reports.
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
                "No CRM is connected yet. Connect HubSpot first.".into(),
            ));
        }
        let mut reports = Vec::new();
        for c in conns {
            let secret = secrets::crm_secret(&self.data_dir, &c.name)?;
            let (cancel, progress) = (cancel.clone(), progress.clone());
            let report = match c.crm {
                Crm::Salesforce => {
                    sync_salesforce(
                        &self.store,
                        &c,
                        &secret,
                        full,
                        cancel,
                        progress,
                        &self.clock,
                    )
                    .await?
                }
                _ => {
                    sync_hubspot(
                        &self.store,
                        &c,
                        &secret,
                        full,
                        cancel,
                        progress,
                        &self.clock,
                    )
                    .await?
                }
            };
            reports.push(report);
        }
        if reports.iter().all(|r| r.first_error().is_none()) {
            let now = self
                .clock
                .now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            self.store.set_meta(META_DATA_AS_OF, &now).await?;
        }
        self.rescore(self.today()).await?;
        Ok(reports)
    }
}
