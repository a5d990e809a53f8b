//! Salesforce: the objects Rapport reads, their fields, and the sync loop over SOQL batches.

pub mod client;
pub mod map;
pub mod plan;

use std::sync::atomic::Ordering;
use std::time::Instant;

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

pub use client::Client;

use super::engine::{ObjectReport, Progress, ProgressFn, SyncReport};
use super::{Connection, Settings};
use crate::domain::sync::PageRows;
use crate::domain::Clock;
use crate::domain::DealKind;
use crate::error::{Error, Result};
use crate::secrets::CrmSecret;
use crate::store::Store;
use plan::{SfCursor, SfPage, SfRequest};

/// One Salesforce object and where it lands.
#[derive(Debug, Clone, Copy)]
pub struct SObject {
    pub name: &'static str,
    pub table: &'static str,
    pub fields: &'static [&'static str],
}

/// Accounts first: the others link to them.
pub const OBJECTS: &[SObject] = &[
    SObject {
        name: "Account",
        table: "account",
        fields: &[
            "Id",
            "Name",
            "Website",
            "Industry",
            "Owner.Name",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Contact",
        table: "contact",
        fields: &[
            "Id",
            "AccountId",
            "FirstName",
            "LastName",
            "Email",
            "Title",
            "Role__c",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Opportunity",
        table: "deal",
        fields: &[
            "Id",
            "AccountId",
            "Name",
            "Amount",
            "CloseDate",
            "StageName",
            "Type",
            "IsClosed",
            "IsWon",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Case",
        table: "ticket",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "Priority",
            "Status",
            "IsClosed",
            "CreatedDate",
            "ClosedDate",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Task",
        table: "activity",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "ActivityDate",
            "TaskSubtype",
            "CallType",
            "SystemModstamp",
        ],
    },
    SObject {
        name: "Event",
        table: "activity",
        fields: &[
            "Id",
            "AccountId",
            "Subject",
            "ActivityDateTime",
            "SystemModstamp",
        ],
    },
];

/// Default mapping for Salesforce: custom account fields and opportunity types.
pub fn default_settings() -> Settings {
    Settings {
        arr_property: "ARR__c".into(),
        contract_start_property: "Contract_Start__c".into(),
        renewal_property: "Renewal_Date__c".into(),
        seats_purchased_property: "Seats_Purchased__c".into(),
        seats_used_property: "Seats_Used__c".into(),
        active_users_property: "Active_Users__c".into(),
        deal_types: [
            ("New Business", DealKind::New),
            ("Renewal", DealKind::Renewal),
            ("Existing Business - Upgrade", DealKind::Expansion),
            ("Existing Business - Downgrade", DealKind::Contraction),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
        won_stages: vec!["Closed Won".into()],
        lost_stages: vec!["Closed Lost".into()],
        closed_ticket_stages: vec!["Closed".into()],
        requests_per_10s: 100,
    }
}

impl SObject {
    fn all_fields(&self, s: &Settings) -> Vec<String> {
        let mut v: Vec<String> = self.fields.iter().map(|f| f.to_string()).collect();
        if self.name == "Account" {
            v.extend([
                s.arr_property.clone(),
                s.contract_start_property.clone(),
                s.renewal_property.clone(),
                s.seats_purchased_property.clone(),
                s.seats_used_property.clone(),
                s.active_users_property.clone(),
            ]);
        }
        v
    }
}

struct Job<'a> {
    store: &'a Store,
    conn: &'a Connection,
    client: &'a Client,
    full: bool,
    cancel: &'a CancellationToken,
    progress: &'a ProgressFn,
    now: DateTime<Utc>,
    clock: Clock,
}

/// Syncs every Salesforce object of `conn`, accounts first, one object at a time (Salesforce's
/// limit is a daily request count, so running them together gains nothing).
pub async fn sync_salesforce(
    store: &Store,
    conn: &Connection,
    secret: &CrmSecret,
    full: bool,
    cancel: CancellationToken,
    progress: ProgressFn,
    clock: &Clock,
) -> Result<SyncReport> {
    let now = clock.now();
    let client = Client::new(&conn.base_url, secret, conn.settings.requests_per_10s)?;
    let job = Job {
        store,
        conn,
        client: &client,
        full,
        cancel: &cancel,
        progress: &progress,
        now,
        clock: clock.clone(),
    };
    let mut objects = Vec::new();
    for o in OBJECTS {
        let report = sync_object(&job, o).await;
        let failed = report.error.is_some();
        objects.push(report);
        if failed && o.name == "Account" {
            break;
        }
    }
    store.relink_children().await?;
    Ok(SyncReport {
        connection: conn.name.clone(),
        objects,
        requests: client.counters.requests.load(Ordering::Relaxed),
        retries: client.counters.retries.load(Ordering::Relaxed),
        rate_limited: client.counters.rate_limited.load(Ordering::Relaxed),
    })
}

async fn sync_object(job: &Job<'_>, o: &SObject) -> ObjectReport {
    let started = Instant::now();
    let mut r = ObjectReport {
        object_type: o.name.into(),
        fetched: 0,
        upserted: 0,
        deleted: 0,
        duration_ms: 0,
        error: None,
    };
    // Rows this object's run expects (u64::MAX: not known yet).
    let total = std::sync::atomic::AtomicU64::new(u64::MAX);
    let send = |r: &ObjectReport, phase: &str, done: bool| {
        let t = Some(total.load(Ordering::Relaxed)).filter(|t| *t != u64::MAX);
        (job.progress)(&Progress::of(&job.conn.name, r, started, t, phase, done))
    };
    let result: Result<()> = async {
        let run = job.store.start_run(job.conn.id, o.name, job.now).await?;
        let outcome = async {
            let saved = job
                .store
                .sync_cursor(job.conn.id, o.name)
                .await?
                .and_then(|s| serde_json::from_str::<SfCursor>(&s).ok());
            let mut cursor = SfCursor::start(saved, job.full);
            let fields = o.all_fields(&job.conn.settings);
            let field_refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            while let Some(req) = plan::request(&cursor, o.name, &field_refs) {
                if job.cancel.is_cancelled() {
                    return Err(super::engine::cancelled());
                }
                let page = match &req {
                    SfRequest::Query { soql, all } => job.client.query(soql, *all).await?,
                    SfRequest::Next(url) => job.client.next(url).await?,
                };
                let deleting = matches!(cursor, SfCursor::Deletes { .. });
                if let (SfRequest::Query { .. }, Some(t), false) = (&req, page.total_size, deleting)
                {
                    total.store(r.fetched + t, Ordering::Relaxed);
                }
                let next = plan::advance(
                    &cursor,
                    &SfPage {
                        last: page.records.last().and_then(map::mark),
                        next: if page.done {
                            None
                        } else {
                            page.next_records_url.clone()
                        },
                    },
                );
                let (rows, fetched) = if deleting {
                    let ids = page
                        .records
                        .iter()
                        .filter_map(|r| r.get("Id")?.as_str().map(str::to_string))
                        .collect();
                    (PageRows::Deleted(ids), 0)
                } else {
                    (
                        map::rows(
                            o.name,
                            &page.records,
                            &job.conn.settings,
                            job.now.date_naive(),
                        ),
                        page.records.len() as u64,
                    )
                };
                let cursor_json =
                    serde_json::to_string(&next).map_err(|e| Error::Io(e.to_string()))?;
                let c = job
                    .store
                    .apply_page(
                        job.conn,
                        o.name,
                        o.table,
                        &rows,
                        &cursor_json,
                        run,
                        fetched,
                        job.now,
                        job.full,
                    )
                    .await?;
                r.fetched += c.fetched;
                r.upserted += c.upserted;
                r.deleted += c.deleted;
                cursor = next;
                send(&r, if deleting { "deletes" } else { "changes" }, false);
            }
            Ok(())
        }
        .await;
        let msg = outcome.as_ref().err().map(|e| e.to_string());
        job.store
            .finish_run(run, job.conn.id, o.name, msg.as_deref(), job.clock.now())
            .await?;
        outcome
    }
    .await;
    r.duration_ms = started.elapsed().as_millis() as u64;
    r.error = result.err().map(|e| e.to_string());
    send(&r, "done", true);
    r
}
