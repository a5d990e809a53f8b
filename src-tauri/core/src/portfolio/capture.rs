//! Capturing feedback, notes and sentiment, their drafts, and sending the outbox: what the
//! forms, `rapport feedback|note|outbox` and the background sender call.

use tokio_util::sync::CancellationToken;

use super::crm::rotation;
use super::Rapport;
use crate::domain::capture::{
    CaptureForm, Captured, ContactFacts, Draft, OutboxEntryView, WriteKind,
};
use crate::domain::Crm;
use crate::error::{Error, Result};
use crate::feedback;
use crate::secrets;
use crate::store::NewCapture;
use crate::sync::outbox::{self, FlushReport, Writer};
use crate::sync::{hubspot, salesforce};

/// A fresh idempotency key: 128 random bits as 32 hex digits (letters and digits only, so the
/// HubSpot marker stays one searchable word; 32 characters fit Salesforce's 40-character key).
pub(super) fn new_key() -> String {
    use rand::RngCore;
    let mut b = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

impl Rapport {
    /// The account's contacts, for the forms' "who said it" and "attendees".
    pub async fn capture_contacts(&self, account_id: i64) -> Result<Vec<ContactFacts>> {
        self.store.account_target(account_id).await?;
        self.store.capture_contacts(account_id).await
    }

    /// Saves a capture without waiting for any CRM: the local row (counted in the account's score
    /// at once) and its outbox entry, in one transaction. Invalid input saves nothing and comes
    /// back as field errors; the draft is kept.
    pub async fn capture(&self, form: &CaptureForm) -> Result<Captured> {
        self.capture_with(form, true).await
    }

    /// `capture`, keeping the user's draft of that form when `ends_draft` is false.
    pub(super) async fn capture_with(
        &self,
        form: &CaptureForm,
        ends_draft: bool,
    ) -> Result<Captured> {
        let now = self.clock.now();
        let target = self.store.account_target(form.account_id()).await?;
        let contacts = self.store.capture_contacts(form.account_id()).await?;
        let errors = feedback::validate(form, &contacts, now);
        if !errors.is_empty() {
            return Ok(Captured {
                errors,
                outbox: None,
            });
        }
        let payload = feedback::payload(form, &target.crm_id, &contacts, now);
        let key = new_key();
        let entry = self
            .store
            .save_capture(
                NewCapture {
                    form,
                    payload: &payload,
                    key: &key,
                    now,
                    ends_draft,
                },
                &target,
            )
            .await?;
        self.score_changes(self.today()).await?;
        let outbox = match entry {
            Some(id) => Some(self.store.outbox_entry(id).await?),
            None => None,
        };
        Ok(Captured {
            errors: Vec::new(),
            outbox,
        })
    }

    /// Keeps a form's content as typed (valid or not).
    pub async fn save_draft(&self, form: &CaptureForm) -> Result<()> {
        self.store.account_target(form.account_id()).await?;
        self.store.save_draft(form, self.clock.now()).await
    }

    pub async fn drafts(&self, account_id: i64) -> Result<Vec<Draft>> {
        Ok(self
            .store
            .drafts(account_id)
            .await?
            .into_iter()
            .map(|(form, saved_at)| Draft { form, saved_at })
            .collect())
    }

    pub async fn discard_draft(&self, account_id: i64, kind: WriteKind) -> Result<()> {
        self.store.discard_draft(account_id, kind).await
    }

    /// Every outbox entry, or one account's, newest first.
    pub async fn outbox(&self, account_id: Option<i64>) -> Result<Vec<OutboxEntryView>> {
        self.store.outbox_entries(account_id).await
    }

    pub async fn outbox_entry(&self, id: i64) -> Result<OutboxEntryView> {
        self.store.outbox_entry(id).await
    }

    /// Puts a refused entry back in the queue, to go with the next send.
    pub async fn retry_outbox(&self, id: i64) -> Result<OutboxEntryView> {
        self.store.outbox_retry(id, self.clock.now()).await?;
        self.store.outbox_entry(id).await
    }

    /// The client the outbox writes to `c` through, with the connection's secret and budget.
    pub(super) fn writer_for(&self, c: &crate::sync::Connection) -> Result<Writer> {
        let secret = secrets::crm_secret(&self.data_dir, &c.name)?;
        let (on_rotate, _) = rotation(&self.data_dir, &c.name, &secret, true);
        let rate = c.settings.requests_per_10s;
        Ok(match c.crm {
            Crm::Salesforce => Writer::Salesforce(salesforce::client::Client::new(
                &c.base_url,
                &secret,
                rate,
                Some(on_rotate),
            )?),
            Crm::Hubspot => Writer::HubSpot(hubspot::client::Client::new(
                &c.base_url,
                &secret,
                rate,
                Some(on_rotate),
            )?),
            Crm::Demo => {
                return Err(Error::InvalidInput(
                    "The demo has no CRM to send to.".into(),
                ))
            }
        })
    }

    /// Sends every due entry of every connection, each connection's in the order captured.
    /// One send at a time: two would send the same entries.
    pub async fn send_outbox(&self, cancel: CancellationToken) -> Result<Vec<FlushReport>> {
        let _one = self.sending.lock().await;
        let _turn = self.crm_io.lock().await;
        // Entries left "sending" by a process that stopped mid-attempt may have landed.
        self.store.outbox_recover().await?;
        let mut reports = Vec::new();
        let conns = self.store.connections().await?;
        for id in self.store.outbox_connections().await? {
            let Some(c) = conns.iter().find(|c| c.id == id) else {
                continue;
            };
            let writer = self.writer_for(c)?;
            reports.push(
                outbox::flush(&self.store, (&c.name, c.id), &writer, &self.clock, &cancel).await?,
            );
        }
        Ok(reports)
    }
}
