//! The one sync loop both CRMs run (Atuin's shape: a pure planner decides, this loop does the
//! I/O): per object type, load the cursor → fetch the page the connector plans → store its rows
//! together with the next cursor in one transaction → report progress. Object types after the
//! first (the accounts, which the others link to) may run concurrently, sharing one budget.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use crate::domain::sync::{Connection, PageRows, SyncPhase};
use crate::domain::Clock;
use crate::error::{Error, ErrorCode, IpcError, Result};
use crate::store::Store;

/// One object type a connector syncs, and the table its rows land in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectKind {
    pub name: &'static str,
    pub table: &'static str,
}

/// A fetched page: its rows, how many records it read, the cursor after it, and how many
/// records its query still matched, this page included, when the CRM says (for the ETA).
#[derive(Debug)]
pub struct Fetched<C> {
    pub rows: PageRows,
    pub fetched: u64,
    pub next: C,
    pub remaining: Option<u64>,
}

/// The CRM's API budget as the last answer reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Budget {
    pub requests: u64,
    pub retries: u64,
    pub rate_limited: u64,
    /// Requests used of the daily allowance, and the allowance (HubSpot's daily cap,
    /// Salesforce's 24-hour API limit), when the CRM reports them.
    pub daily_used: Option<u64>,
    pub daily_limit: Option<u64>,
}

/// One CRM's wire protocol as the loop drives it. Planning stays pure inside each connector.
pub trait Connector: Send + Sync + 'static {
    /// Where one object type stands; saved with each page.
    type Cursor: Serialize + DeserializeOwned + Clone + Send + Sync + std::fmt::Debug;

    /// The object types in sync order; the first is the accounts.
    fn objects(&self) -> &'static [ObjectKind];

    /// Whether the types after the first may run at the same time.
    fn concurrent(&self) -> bool;

    /// The cursor a run starts from: the saved one, a fresh backfill, or a full resync.
    fn start(&self, object: ObjectKind, saved: Option<Self::Cursor>, full: bool) -> Self::Cursor;

    fn phase(&self, cursor: &Self::Cursor) -> SyncPhase;

    /// Fetches the page `cursor` plans and maps it to rows.
    fn fetch(
        &self,
        object: ObjectKind,
        cursor: &Self::Cursor,
    ) -> impl Future<Output = Result<Fetched<Self::Cursor>>> + Send;

    fn budget(&self) -> Budget;
}

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
    /// Records this run expects to read in all, when the CRM says.
    pub total: Option<u64>,
    pub phase: SyncPhase,
    pub done: bool,
    pub error: Option<IpcError>,
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
    pub error: Option<IpcError>,
}

/// The outcome of syncing one connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub connection: String,
    pub objects: Vec<ObjectReport>,
    pub budget: Budget,
    /// What the connection's mapping could not find, in sentences (e.g. a missing property).
    pub notes: Vec<String>,
}

impl SyncReport {
    pub fn fetched(&self) -> u64 {
        self.objects.iter().map(|o| o.fetched).sum()
    }
    pub fn first_error(&self) -> Option<&IpcError> {
        self.objects.iter().find_map(|o| o.error.as_ref())
    }
}

/// The error a stopped sync ends with.
pub(crate) fn cancelled() -> Error {
    Error::Crm {
        code: ErrorCode::Cancelled,
        message: "The sync was stopped. What was fetched so far is kept; the next sync continues from there.".into(),
    }
}

/// What one run needs besides the connector.
#[derive(Clone)]
pub struct Run {
    pub store: Store,
    pub conn: Arc<Connection>,
    pub full: bool,
    pub cancel: CancellationToken,
    pub progress: ProgressFn,
    pub clock: Clock,
}

/// Syncs every object type of `connector`; per-type failures are in the report.
pub async fn sync<C: Connector>(connector: Arc<C>, run: Run) -> Result<Vec<ObjectReport>> {
    let objects = connector.objects();
    let (first, rest) = objects
        .split_first()
        .expect("a connector syncs at least accounts");
    let mut reports = vec![sync_object(connector.clone(), run.clone(), *first).await];
    if reports[0].error.is_some() {
        return Ok(reports);
    }
    if connector.concurrent() {
        let mut set = tokio::task::JoinSet::new();
        for o in rest {
            set.spawn(sync_object(connector.clone(), run.clone(), *o));
        }
        while let Some(r) = set.join_next().await {
            reports.push(r.map_err(|e| Error::Io(format!("a sync task failed: {e}")))?);
        }
        let order: HashMap<&str, usize> = objects
            .iter()
            .enumerate()
            .map(|(i, o)| (o.name, i))
            .collect();
        reports.sort_by_key(|r| order.get(r.object_type.as_str()).copied());
    } else {
        for o in rest {
            reports.push(sync_object(connector.clone(), run.clone(), *o).await);
        }
    }
    Ok(reports)
}

async fn sync_object<C: Connector>(c: Arc<C>, run: Run, object: ObjectKind) -> ObjectReport {
    let started = Instant::now();
    let mut report = ObjectReport {
        object_type: object.name.into(),
        fetched: 0,
        upserted: 0,
        deleted: 0,
        duration_ms: 0,
        error: None,
    };
    let mut total = None;
    let mut phase = SyncPhase::Backfill;
    let result = run_object(
        &*c,
        &run,
        object,
        &mut report,
        &mut total,
        &mut phase,
        started,
    )
    .await;
    report.duration_ms = started.elapsed().as_millis() as u64;
    report.error = result.err().map(IpcError::from);
    (run.progress)(&progress(
        &run,
        &report,
        started,
        None,
        SyncPhase::Done,
        true,
    ));
    report
}

fn progress(
    run: &Run,
    report: &ObjectReport,
    started: Instant,
    total: Option<u64>,
    phase: SyncPhase,
    done: bool,
) -> Progress {
    Progress {
        connection: run.conn.name.clone(),
        object_type: report.object_type.clone(),
        fetched: report.fetched,
        upserted: report.upserted,
        deleted: report.deleted,
        rate: report.fetched as f64 / started.elapsed().as_secs_f64().max(1e-3),
        total: total.filter(|_| !done).map(|t| t.max(report.fetched)),
        phase,
        done,
        error: report.error.clone(),
    }
}

async fn run_object<C: Connector>(
    c: &C,
    run: &Run,
    object: ObjectKind,
    report: &mut ObjectReport,
    total: &mut Option<u64>,
    phase: &mut SyncPhase,
    started: Instant,
) -> Result<()> {
    let store = &run.store;
    let run_id = store
        .start_run(run.conn.id, object.name, run.clock.now())
        .await?;
    let outcome = async {
        let saved = store
            .sync_cursor(run.conn.id, object.name)
            .await?
            .and_then(|s| serde_json::from_str::<C::Cursor>(&s).ok());
        let mut cursor = c.start(object, saved, run.full);
        *phase = c.phase(&cursor);
        (run.progress)(&progress(run, report, started, None, *phase, false));
        while c.phase(&cursor) != SyncPhase::Done {
            if run.cancel.is_cancelled() {
                return Err(cancelled());
            }
            let page = tokio::select! {
                p = c.fetch(object, &cursor) => p?,
                _ = run.cancel.cancelled() => return Err(cancelled()),
            };
            if let Some(left) = page.remaining {
                let t = report.fetched + left;
                *total = Some(total.map_or(t, |old: u64| old.max(t)));
            }
            let cursor_json =
                serde_json::to_string(&page.next).map_err(|e| Error::Io(e.to_string()))?;
            let counts = store
                .apply_page(
                    &run.conn,
                    object.name,
                    object.table,
                    &page.rows,
                    &cursor_json,
                    run_id,
                    page.fetched,
                    run.clock.now(),
                    run.clock.today(),
                    run.full,
                )
                .await?;
            report.fetched += counts.fetched;
            report.upserted += counts.upserted;
            report.deleted += counts.deleted;
            cursor = page.next;
            *phase = c.phase(&cursor);
            (run.progress)(&progress(run, report, started, *total, *phase, false));
        }
        Ok(())
    }
    .await;
    let err = outcome.as_ref().err().map(|e| IpcError::from(e.clone()));
    store
        .finish_run(
            run_id,
            run.conn.id,
            object.name,
            err.as_ref(),
            run.clock.now(),
        )
        .await?;
    outcome
}
