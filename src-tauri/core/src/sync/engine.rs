//! The sync loop: per object type, plan → fetch → map → store the page with its cursor. Types
//! run concurrently after companies, sharing one request budget; a sync can be cancelled.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::hubspot::{self, map, Client, ObjectSpec};
use super::plan::{self, Cursor, PageMeta};
use super::Connection;
use crate::domain::sync::PageRows;
use crate::domain::Clock;
use crate::error::{Error, ErrorCode, Result};
use crate::secrets::CrmSecret;
use crate::store::Store;

/// Progress of one object type, sent after every stored page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Progress {
    pub connection: String,
    pub object_type: String,
    pub fetched: u64,
    pub upserted: u64,
    pub deleted: u64,
    /// Records per second so far.
    pub rate: f64,
    /// Records this run expects to read in all, when the CRM says (searches and SOQL do; a
    /// first HubSpot backfill through the list endpoint does not).
    pub total: Option<u64>,
    /// `backfill`, `incremental`, `deletes` or `done`.
    pub phase: String,
    pub done: bool,
    pub error: Option<String>,
}

impl Progress {
    /// Where `report` stands `started` ago, in `phase`; `total` is dropped once `done`.
    pub(crate) fn of(
        connection: &str,
        report: &ObjectReport,
        started: Instant,
        total: Option<u64>,
        phase: &str,
        done: bool,
    ) -> Progress {
        Progress {
            connection: connection.to_string(),
            object_type: report.object_type.clone(),
            fetched: report.fetched,
            upserted: report.upserted,
            deleted: report.deleted,
            rate: report.fetched as f64 / started.elapsed().as_secs_f64().max(1e-3),
            total: total.filter(|_| !done).map(|t| t.max(report.fetched)),
            phase: phase.into(),
            done,
            error: report.error.clone(),
        }
    }
}

/// The error a stopped sync ends with.
pub(crate) fn cancelled() -> Error {
    Error::Crm {
        code: ErrorCode::Cancelled,
        message: "The sync was stopped. What was fetched so far is kept; the next sync continues from there.".into(),
    }
}

/// Called with each progress update (from several tasks).
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// The outcome of one object type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ObjectReport {
    pub object_type: String,
    pub fetched: u64,
    pub upserted: u64,
    pub deleted: u64,
    pub duration_ms: u64,
    pub error: Option<String>,
}

/// The outcome of syncing one connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub connection: String,
    pub objects: Vec<ObjectReport>,
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
}

impl SyncReport {
    pub fn fetched(&self) -> u64 {
        self.objects.iter().map(|o| o.fetched).sum()
    }
    pub fn first_error(&self) -> Option<&str> {
        self.objects.iter().find_map(|o| o.error.as_deref())
    }
}

#[derive(Clone)]
struct Job {
    store: Store,
    conn: Arc<Connection>,
    client: Arc<Client>,
    owners: Arc<HashMap<String, String>>,
    full: bool,
    cancel: CancellationToken,
    progress: ProgressFn,
    now: DateTime<Utc>,
    clock: Clock,
}

fn phase(c: &Cursor) -> &'static str {
    match c {
        Cursor::Backfill { .. } => "backfill",
        Cursor::Search { .. } | Cursor::Walk { .. } => "incremental",
        Cursor::Archived { .. } => "deletes",
        Cursor::Done { .. } => "done",
    }
}

/// Syncs every HubSpot object type of `conn` into `store`.
pub async fn sync_hubspot(
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
    let owners = client.owners().await?;
    let job = Job {
        store: store.clone(),
        conn: Arc::new(conn.clone()),
        client: client.clone(),
        owners: Arc::new(owners),
        full,
        cancel,
        progress,
        now,
        clock: clock.clone(),
    };
    let (first, rest) = hubspot::OBJECTS.split_first().expect("companies first");
    let mut objects = vec![sync_object(job.clone(), *first).await];
    if objects[0].error.is_none() {
        let mut set = tokio::task::JoinSet::new();
        for spec in rest {
            set.spawn(sync_object(job.clone(), *spec));
        }
        while let Some(r) = set.join_next().await {
            objects.push(r.map_err(|e| Error::Io(format!("a sync task failed: {e}")))?);
        }
        let order = |t: &str| hubspot::OBJECTS.iter().position(|s| s.object_type == t);
        objects.sort_by_key(|o| order(&o.object_type));
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

async fn sync_object(job: Job, spec: ObjectSpec) -> ObjectReport {
    let started = Instant::now();
    let mut report = ObjectReport {
        object_type: spec.object_type.into(),
        fetched: 0,
        upserted: 0,
        deleted: 0,
        duration_ms: 0,
        error: None,
    };
    let result = run_object(&job, spec, &mut report, started).await;
    report.duration_ms = started.elapsed().as_millis() as u64;
    if let Err(e) = result {
        report.error = Some(e.to_string());
    }
    (job.progress)(&Progress::of(
        &job.conn.name,
        &report,
        started,
        None,
        "done",
        true,
    ));
    report
}

async fn run_object(
    job: &Job,
    spec: ObjectSpec,
    report: &mut ObjectReport,
    started: Instant,
) -> Result<()> {
    let store = &job.store;
    let run = store
        .start_run(job.conn.id, spec.object_type, job.now)
        .await?;
    let outcome = async {
        let saved = store
            .sync_cursor(job.conn.id, spec.object_type)
            .await?
            .and_then(|s| serde_json::from_str::<Cursor>(&s).ok());
        let mut cursor = Cursor::start(saved, job.full, job.now.timestamp_millis());
        let props = spec.all_properties(&job.conn.settings);
        // A backfill's list pages carry no total; one search says how many to expect.
        let mut total = match &cursor {
            Cursor::Backfill { after: None, .. } => job.client.count(spec.object_type).await.ok(),
            _ => None,
        };
        while let Some(req) = plan::request(&cursor, spec.modified_prop) {
            if job.cancel.is_cancelled() {
                return Err(cancelled());
            }
            let page = tokio::select! {
                p = job.client.page(spec.object_type, &props, &req) => p?,
                _ = job.cancel.cancelled() => continue,
            };
            let meta = PageMeta {
                records: page
                    .results
                    .iter()
                    .map(|o| (o.id.parse().unwrap_or(0), map::modified_ms(&spec, o)))
                    .collect(),
                next_after: page.next_after(),
            };
            if let (plan::Request::Search { after: 0, .. }, Some(t)) = (&req, page.total) {
                total = Some(report.fetched + t);
            }
            let next = plan::advance(&cursor, &meta);
            let (rows, fetched) = if matches!(cursor, Cursor::Archived { .. }) {
                (
                    PageRows::Deleted(page.results.iter().map(|o| o.id.clone()).collect()),
                    0,
                )
            } else {
                let parents = if spec.has_parent && !page.results.is_empty() {
                    let ids: Vec<String> = page.results.iter().map(|o| o.id.clone()).collect();
                    job.client
                        .associations(spec.object_type, "companies", &ids)
                        .await?
                } else {
                    HashMap::new()
                };
                let rows = map::rows(
                    &spec,
                    &page.results,
                    &parents,
                    &job.owners,
                    &job.conn.settings,
                    job.now.date_naive(),
                );
                (rows, page.results.len() as u64)
            };
            let cursor_json = serde_json::to_string(&next).map_err(|e| Error::Io(e.to_string()))?;
            let counts = store
                .apply_page(
                    &job.conn,
                    spec.object_type,
                    spec.table,
                    &rows,
                    &cursor_json,
                    run,
                    fetched,
                    job.now,
                    job.full,
                )
                .await?;
            report.fetched += counts.fetched;
            report.upserted += counts.upserted;
            report.deleted += counts.deleted;
            cursor = next;
            (job.progress)(&Progress::of(
                &job.conn.name,
                report,
                started,
                total,
                phase(&cursor),
                false,
            ));
        }
        Ok(())
    }
    .await;
    let msg = outcome.as_ref().err().map(|e| e.to_string());
    store
        .finish_run(
            run,
            job.conn.id,
            spec.object_type,
            msg.as_deref(),
            job.clock.now(),
        )
        .await?;
    outcome
}
