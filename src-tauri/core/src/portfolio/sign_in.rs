//! Connecting a CRM by signing in through the system browser (`sync::oauth`), and what the form
//! starts from: the app the user last signed in with, else the organisation's defaults.

use tokio_util::sync::CancellationToken;

use super::crm::check_address;
use super::{Rapport, SignInDefaults, SignInForm};
use crate::domain::Crm;
use crate::error::{Error, Result};
use crate::sync::oauth::{self, SignIn};
use crate::sync::{default_base, Connection};

fn meta_key(crm: Crm, what: &str) -> String {
    format!("oauth.{}.{what}", crm.as_str())
}

/// The organisation's client id for `crm`, set once for every laptop by whoever deploys Rapport.
fn org_client_id(crm: Crm) -> Option<String> {
    let var = match crm {
        Crm::Salesforce => "RAPPORT_SALESFORCE_CLIENT_ID",
        _ => "RAPPORT_HUBSPOT_CLIENT_ID",
    };
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

impl Rapport {
    /// What the sign-in form for `crm` starts from.
    pub async fn sign_in_defaults(&self, crm: Crm) -> Result<SignInDefaults> {
        if crm == Crm::Demo {
            return Err(Error::InvalidInput("The demo is not a CRM.".into()));
        }
        let client_id = match self.store.meta(&meta_key(crm, "client_id")).await? {
            Some(id) => id,
            None => org_client_id(crm).unwrap_or_default(),
        };
        let base_url = self
            .store
            .meta(&meta_key(crm, "base_url"))
            .await?
            .unwrap_or_else(|| default_base(crm).to_string());
        let port = self
            .store
            .meta(&meta_key(crm, "port"))
            .await?
            .and_then(|p| p.parse().ok())
            .unwrap_or(oauth::DEFAULT_REDIRECT_PORT);
        Ok(SignInDefaults {
            crm,
            client_id,
            base_url,
            port,
            redirect_uri: oauth::redirect_uri(port),
        })
    }

    /// Signs in through the browser, then tests and saves the connection like `connect`.
    /// `open` receives the sign-in address (to open it, and to show it in case the browser did
    /// not come up). Everything that can be checked is checked before the browser opens.
    pub async fn sign_in(
        &self,
        form: SignInForm,
        open: impl FnOnce(&str) -> Result<()>,
        cancel: CancellationToken,
    ) -> Result<Connection> {
        let name = form.name.trim();
        if name.is_empty() {
            return Err(Error::InvalidInput("Give the connection a name.".into()));
        }
        if self.connection_named(name).await.is_ok() {
            return Err(Error::InvalidInput(format!(
                "A connection named {name:?} already exists."
            )));
        }
        let base_url = match form.base_url.trim().trim_end_matches('/') {
            "" => default_base(form.crm),
            b => b,
        }
        .to_string();
        check_address(&base_url)?;
        let req = SignIn {
            crm: form.crm,
            base_url: base_url.clone(),
            client_id: form.client_id.trim().to_string(),
            client_secret: form.client_secret,
            port: form.port,
        };
        let secret = oauth::sign_in(&req, open, cancel, oauth::SIGN_IN_TIMEOUT).await?;
        let conn = self
            .connect(name, form.crm, Some(&base_url), secret)
            .await?;
        for (what, value) in [
            ("client_id", req.client_id.clone()),
            ("base_url", base_url),
            ("port", req.port.to_string()),
        ] {
            self.store
                .set_meta(&meta_key(form.crm, what), &value)
                .await?;
        }
        Ok(conn)
    }
}
