//! Score write-back (opt-in per connection): the accounts whose health score or band changed
//! get them written to CRM fields, through the outbox, so the whole team sees them in the CRM.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Rapport;
use crate::domain::capture::WriteKind;
use crate::domain::Crm;
use crate::error::Result;
use crate::sync::outbox::{hubspot, salesforce, Writer};

/// How a connection's score write-back stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WritebackView {
    pub connection: String,
    pub on: bool,
    /// The CRM fields the scores go to (HubSpot company properties, Salesforce Account fields).
    pub fields: Vec<String>,
    /// HubSpot properties Rapport created just now (turning it on).
    pub created: Vec<String>,
    /// What the CRM still lacks before the scores can land, in a sentence.
    pub setup: Option<String>,
    /// Accounts whose score the CRM holds as Rapport last computed it.
    pub delivered: i64,
    /// Score writes on their way.
    pub waiting: i64,
    #[ts(type = "string | null")]
    pub last_written_at: Option<DateTime<Utc>>,
}

/// The CRM fields score write-back fills on `crm`.
pub fn writeback_fields(crm: Crm) -> Vec<String> {
    match crm {
        Crm::Salesforce => salesforce::SCORE_FIELDS
            .iter()
            .map(|f| format!("Account.{}", f.0))
            .collect(),
        _ => hubspot::SCORE_PROPERTIES
            .iter()
            .map(|p| p.0.to_string())
            .collect(),
    }
}

impl Rapport {
    /// How the connection's score write-back stands.
    pub async fn writeback(&self, name: &str) -> Result<WritebackView> {
        let c = self.connection_named(name).await?;
        let f = self.store.writeback_facts(c.id).await?;
        Ok(WritebackView {
            connection: c.name,
            on: f.on,
            fields: writeback_fields(c.crm),
            created: vec![],
            setup: f.setup,
            delivered: f.delivered,
            waiting: f.waiting,
            last_written_at: f.last_delivered_at,
        })
    }

    /// Turns score write-back on or off for a connection. On, for HubSpot, creates the company
    /// properties the portal lacks (the caller has asked the user); for Salesforce, reads
    /// `describe` and says which Account fields an admin must create (the scores then wait for
    /// them). Then queues every account's score. Off drops the scores not yet sent.
    pub async fn set_score_writeback(&self, name: &str, on: bool) -> Result<WritebackView> {
        let c = self.connection_named(name).await?;
        let mut created = vec![];
        let mut setup = None;
        if on {
            let _turn = self.crm_io.lock().await;
            match self.writer_for(&c)? {
                Writer::HubSpot(client) => {
                    created = hubspot::ensure_score_properties(&client).await?;
                }
                Writer::Salesforce(client) => {
                    let described = salesforce::describe(&client, WriteKind::Score).await?;
                    let missing = salesforce::missing_fields(WriteKind::Score, described.as_ref());
                    if !missing.is_empty() {
                        setup =
                            Some(salesforce::setup_error(WriteKind::Score, &missing).to_string());
                    }
                }
            }
        }
        self.store.set_score_writeback(c.id, on).await?;
        if on {
            self.store
                .queue_score_writes(c.id, self.clock.now(), super::capture::new_key)
                .await?;
        }
        let mut view = self.writeback(name).await?;
        view.created = created;
        if setup.is_some() {
            view.setup = setup;
        }
        Ok(view)
    }

    /// Queues the changed scores of every connection that writes them back; returns how many.
    pub(super) async fn queue_score_writes(&self) -> Result<usize> {
        let mut n = 0;
        for id in self.store.score_writeback_connections().await? {
            n += self
                .store
                .queue_score_writes(id, self.clock.now(), super::capture::new_key)
                .await?;
        }
        Ok(n)
    }
}
