//! The outbox sender: carries captured entries to their CRM, in the order they were captured,
//! exactly once whatever the network does. The decisions are pure (`plan`); each CRM's wire
//! format and answers are in its own module; this loop is the I/O between them and the store.

pub mod hubspot;
pub mod hubspot_object;
pub mod plan;
pub mod salesforce;
pub mod sf_metadata;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::domain::capture::{OutboxState, WriteKind};
use crate::domain::Clock;
use crate::error::{Error, ErrorCode, Result};
use crate::store::Store;
use plan::Outcome;

/// The CRM client an outbox flush writes through.
pub enum Writer {
    HubSpot(Arc<crate::sync::hubspot::client::Client>),
    Salesforce(Arc<crate::sync::salesforce::client::Client>),
}

impl Writer {
    fn counters(&self) -> &crate::sync::http::Counters {
        match self {
            Writer::HubSpot(c) => &c.counters,
            Writer::Salesforce(c) => &c.counters,
        }
    }
}

/// What one flush of a connection did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct FlushReport {
    pub connection: String,
    pub delivered: u32,
    /// Found in the CRM by their marker after an attempt whose answer was lost.
    pub confirmed: u32,
    /// Still on their way after this flush (pending or unconfirmed).
    pub waiting: u32,
    /// Refused for good by the CRM, until fixed and retried.
    pub failed: u32,
    pub requests: u64,
    pub rate_limited: u64,
    /// Why entries remain, one sentence per distinct reason.
    pub reasons: Vec<String>,
}

/// The flush stops at the first sign that the CRM cannot take more now: the others would only
/// fail the same way and spend attempts.
fn stops_the_flush(o: &Outcome) -> bool {
    match o {
        Outcome::Retry { error, .. } | Outcome::Ambiguous { error } => {
            matches!(
                error.code(),
                ErrorCode::CrmUnreachable | ErrorCode::CrmRateLimited
            )
        }
        // A refused session or a spent daily allowance refuses every other entry too.
        Outcome::NotReady { error } => {
            matches!(error.code(), ErrorCode::CrmAuth | ErrorCode::CrmRateLimited)
        }
        _ => false,
    }
}

/// Records how an attempt ended and counts it in the report; true when the flush should stop.
async fn apply(
    store: &Store,
    clock: &Clock,
    report: &mut FlushReport,
    e: &crate::domain::capture::OutboxRecord,
    outcome: &Outcome,
    looked_up: bool,
) -> Result<bool> {
    let update = plan::after(e, outcome, clock.now(), rand::random::<f64>());
    store.outbox_update(e.id, &update, clock.now()).await?;
    match outcome {
        Outcome::Delivered { .. } if looked_up => report.confirmed += 1,
        Outcome::Delivered { .. } => report.delivered += 1,
        Outcome::Retry { error, .. }
        | Outcome::Ambiguous { error }
        | Outcome::Rejected { error }
        | Outcome::NotReady { error } => {
            let why = error.to_string();
            if !report.reasons.contains(&why) {
                report.reasons.push(why);
            }
        }
    }
    Ok(stops_the_flush(outcome))
}

/// Sends every due entry of `connection_id` through `writer` (Salesforce's in batches of up to
/// 200 per call).
pub async fn flush(
    store: &Store,
    connection: (&str, i64),
    writer: &Writer,
    clock: &Clock,
    cancel: &CancellationToken,
) -> Result<FlushReport> {
    let (name, connection_id) = connection;
    let mut report = FlushReport {
        connection: name.to_string(),
        ..FlushReport::default()
    };
    // Salesforce: whether the org has the objects and fields, asked once per kind and flush.
    let mut setup: HashMap<WriteKind, Option<Error>> = HashMap::new();
    let mut batch = Vec::new();
    // Score writes go together in batch updates after the rest, one per account at a time.
    let mut scores: Vec<crate::domain::capture::OutboxRecord> = Vec::new();
    // HubSpot: the portal's feedback custom object, asked once per flush when feedback waits;
    // new feedback goes there in batch upserts.
    let mut stopped = false;
    let open = store.outbox_open(connection_id).await?;
    let mut feedback_object: Option<String> = None;
    // Why the portal could not say whether it has the object: the feedback waits for it.
    let mut object_error: Option<Error> = None;
    if let Writer::HubSpot(c) = writer {
        let now = clock.now();
        if open
            .iter()
            .any(|e| e.kind == WriteKind::Feedback && e.next_attempt_at <= now)
        {
            match hubspot_object::feedback_object(c).await {
                Ok(t) => feedback_object = t,
                Err(err) => object_error = Some(err),
            }
        }
    }
    let mut upserts: Vec<crate::domain::capture::OutboxRecord> = Vec::new();
    for e in open {
        let now = clock.now();
        if stopped || cancel.is_cancelled() || e.next_attempt_at > now {
            continue;
        }
        // With whether the outcome came from looking the entry up rather than sending it.
        let (outcome, looked_up) = match writer {
            Writer::HubSpot(_) if e.kind == WriteKind::Score => {
                if !scores.iter().any(|s| s.account_id == e.account_id) {
                    scores.push(e);
                }
                continue;
            }
            Writer::HubSpot(_) if e.kind == WriteKind::Feedback && object_error.is_some() => (
                Outcome::Retry {
                    error: object_error.clone().expect("checked by the guard"),
                    after: None,
                },
                false,
            ),
            // New feedback goes to the custom object when the portal has one.
            Writer::HubSpot(_)
                if e.kind == WriteKind::Feedback
                    && e.state == OutboxState::Pending
                    && feedback_object.is_some() =>
            {
                upserts.push(e);
                continue;
            }
            Writer::HubSpot(c) => {
                // An entry that may already be in HubSpot is looked up, once the search shows
                // recent writes, before it is ever sent again.
                // An update cannot land twice: it is simply sent again.
                let looked = if e.state == OutboxState::Pending || e.kind.is_update() {
                    None
                } else if plan::lookup_due(&e, now) {
                    hubspot::look_up(c, &e).await
                } else {
                    continue;
                };
                match looked {
                    Some(o) => (o, true),
                    None if e.kind == WriteKind::Advisory => {
                        store.outbox_sending(e.id, now).await?;
                        (hubspot::deliver_update(c, &e).await, false)
                    }
                    // Feedback that is not a note (looked up above) goes to the custom
                    // object: an upsert cannot make a second record, a note could.
                    None if e.kind == WriteKind::Feedback && feedback_object.is_some() => {
                        upserts.push(e);
                        continue;
                    }
                    None => {
                        store.outbox_sending(e.id, now).await?;
                        (hubspot::deliver(c, &e).await, false)
                    }
                }
            }
            Writer::Salesforce(c) => {
                if let std::collections::hash_map::Entry::Vacant(v) = setup.entry(e.kind) {
                    let missing = match salesforce::describe(c, e.kind).await {
                        Ok(d) => {
                            let m = salesforce::missing_fields(e.kind, d.as_ref());
                            (!m.is_empty()).then(|| salesforce::setup_error(e.kind, &m))
                        }
                        Err(err) => {
                            report.reasons.push(err.to_string());
                            stopped = true;
                            continue;
                        }
                    };
                    v.insert(missing);
                }
                match setup.get(&e.kind).cloned().flatten() {
                    Some(error) => (Outcome::NotReady { error }, false),
                    None if e.kind == WriteKind::Score => {
                        if !scores.iter().any(|s| s.account_id == e.account_id) {
                            scores.push(e);
                        }
                        continue;
                    }
                    None if e.kind == WriteKind::Advisory => {
                        store.outbox_sending(e.id, now).await?;
                        (salesforce::deliver_update(c, &e).await, false)
                    }
                    None => {
                        // Sent below, up to 200 in one sObject Collections call.
                        batch.push(e);
                        continue;
                    }
                }
            }
        };
        stopped |= apply(store, clock, &mut report, &e, &outcome, looked_up).await?;
    }
    if let Writer::Salesforce(c) = writer {
        // Consecutive entries of one sObject go together; each call's answer is read record by
        // record. The upserts are idempotent, so a lost answer only means sending them again.
        let mut start = 0;
        while start < batch.len() && !stopped && !cancel.is_cancelled() {
            let object = salesforce::upsert_body(&batch[start]).0;
            let mut end = start + 1;
            while end < batch.len()
                && end - start < salesforce::COLLECTION_MAX
                && salesforce::upsert_body(&batch[end]).0 == object
            {
                end += 1;
            }
            let chunk: Vec<&crate::domain::capture::OutboxRecord> =
                batch[start..end].iter().collect();
            let now = clock.now();
            for e in &chunk {
                store.outbox_sending(e.id, now).await?;
            }
            let outcomes = salesforce::deliver_many(c, &chunk).await;
            for (e, outcome) in chunk.iter().zip(&outcomes) {
                stopped |= apply(store, clock, &mut report, e, outcome, false).await?;
            }
            start = end;
        }
    }
    if let (Writer::HubSpot(c), Some(type_id)) = (writer, &feedback_object) {
        for chunk in upserts.chunks(hubspot::BATCH_MAX) {
            if stopped || cancel.is_cancelled() {
                break;
            }
            let chunk: Vec<&crate::domain::capture::OutboxRecord> = chunk.iter().collect();
            let now = clock.now();
            for e in &chunk {
                store.outbox_sending(e.id, now).await?;
            }
            let outcomes = hubspot_object::deliver(c, type_id, &chunk).await;
            for (e, outcome) in chunk.iter().zip(&outcomes) {
                stopped |= apply(store, clock, &mut report, e, outcome, false).await?;
            }
        }
    }
    let max = match writer {
        Writer::HubSpot(_) => hubspot::BATCH_MAX,
        Writer::Salesforce(_) => salesforce::COLLECTION_MAX,
    };
    for chunk in scores.chunks(max) {
        if stopped || cancel.is_cancelled() {
            break;
        }
        let chunk: Vec<&crate::domain::capture::OutboxRecord> = chunk.iter().collect();
        let now = clock.now();
        for e in &chunk {
            store.outbox_sending(e.id, now).await?;
        }
        let outcomes = match writer {
            Writer::HubSpot(c) => hubspot::deliver_scores(c, &chunk).await,
            Writer::Salesforce(c) => salesforce::deliver_scores(c, &chunk).await,
        };
        for (e, outcome) in chunk.iter().zip(&outcomes) {
            stopped |= apply(store, clock, &mut report, e, outcome, false).await?;
        }
    }
    report.waiting = store.outbox_open(connection_id).await?.len() as u32;
    report.failed = store.outbox_failed(connection_id).await? as u32;
    let counters = writer.counters();
    report.requests = counters.requests.load(std::sync::atomic::Ordering::Relaxed);
    report.rate_limited = counters
        .rate_limited
        .load(std::sync::atomic::Ordering::Relaxed);
    Ok(report)
}
