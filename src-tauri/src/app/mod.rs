//! The desktop shell: Tauri setup and state. The only module that imports tauri.

mod commands;
mod expansion;
mod import;
mod insights;
mod journey;
mod notify;
mod playbooks;
mod risk;
mod success;

use std::path::PathBuf;

use tauri::ipc::Channel;
use tokio::sync::{watch, RwLock};
use tokio_util::sync::CancellationToken;

use rapport_core::domain::Clock;
use rapport_core::error::{Error, IpcError};
use rapport_core::portfolio::{OpenOptions, Rapport};

/// The store, once unlocked; commands wait for the first unlock attempt to finish.
pub struct AppState {
    data_dir: PathBuf,
    rapport: RwLock<Result<Rapport, IpcError>>,
    ready: watch::Receiver<bool>,
    /// The running sync's stop switch; one sync at a time.
    sync: tokio::sync::Mutex<Option<CancellationToken>>,
    /// Where to say that scores changed in the background (the window's subscription).
    scores_watch: tokio::sync::Mutex<Option<Channel<()>>>,
    /// Wakes the scorer before its period is up (after an unlock).
    score_now: tokio::sync::Notify,
    /// The browser sign-in waiting for its redirect, if any; a new one replaces it.
    sign_in: tokio::sync::Mutex<Option<CancellationToken>>,
    /// Wakes the outbox sender before its period is up (after a capture or a retry).
    send_now: tokio::sync::Notify,
    /// Where to say that outbox entries changed (the window's subscription).
    outbox_watch: tokio::sync::Mutex<Option<Channel<()>>>,
    /// Where to say that a notification was clicked: the window opens its Warnings view.
    warnings_watch: tokio::sync::Mutex<Option<Channel<()>>>,
    /// Files exported in this session: the only ones the window may ask to open.
    exported: tokio::sync::Mutex<Vec<PathBuf>>,
    /// The usage file the user picked in the open dialog: the window refers to it, never names
    /// a path itself.
    import_file: tokio::sync::Mutex<Option<PathBuf>>,
}

impl AppState {
    pub(crate) async fn begin_sync(&self) -> Result<CancellationToken, IpcError> {
        let mut slot = self.sync.lock().await;
        if slot.is_some() {
            return Err(IpcError {
                code: rapport_core::ErrorCode::InvalidInput,
                message: "A sync is already running.".into(),
            });
        }
        let token = CancellationToken::new();
        *slot = Some(token.clone());
        Ok(token)
    }

    pub(crate) async fn end_sync(&self) {
        *self.sync.lock().await = None;
    }

    /// A stop switch for a new browser sign-in; one waiting before it is cancelled (its
    /// loopback port is freed for the new one).
    pub(crate) async fn begin_sign_in(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(old) = self.sign_in.lock().await.replace(token.clone()) {
            old.cancel();
        }
        token
    }

    pub(crate) async fn cancel_sign_in(&self) {
        if let Some(t) = self.sign_in.lock().await.take() {
            t.cancel();
        }
    }

    pub(crate) async fn cancel_sync(&self) {
        if let Some(t) = &*self.sync.lock().await {
            t.cancel();
        }
    }

    /// Runs `f` against the unlocked store, or returns why it is locked.
    pub(crate) async fn with<T>(
        &self,
        f: impl AsyncFnOnce(&Rapport) -> rapport_core::Result<T>,
    ) -> Result<T, IpcError> {
        let mut ready = self.ready.clone();
        let _ = ready.wait_for(|r| *r).await;
        let guard = self.rapport.read().await;
        match &*guard {
            Ok(r) => f(r).await.map_err(IpcError::from),
            Err(e) => Err(e.clone()),
        }
    }

    /// Opens the store with `passphrase` (after the keychain was unavailable or a passphrase is required).
    pub(crate) async fn unlock(
        &self,
        passphrase: String,
        confirm: Option<String>,
    ) -> Result<(), IpcError> {
        let mut guard = self.rapport.write().await;
        if guard.is_ok() {
            return Ok(());
        }
        let opened = open_and_prepare(OpenOptions {
            passphrase: Some(passphrase),
            confirm,
            ..OpenOptions::new(self.data_dir.clone(), Clock::system())
        })
        .await;
        match opened {
            Ok(r) => {
                *guard = Ok(r);
                self.score_now.notify_one();
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// Opens the store and fills an empty one with the demo portfolio, scored. Scores that are
/// merely out of date (a new day) are brought up to date by the scorer after the window shows
/// the last ones.
async fn open_and_prepare(opts: OpenOptions) -> rapport_core::Result<Rapport> {
    let r = Rapport::open(&opts).await?;
    if r.ensure_demo(r.clock().now()).await? {
        r.score_changes(r.today()).await?;
    }
    Ok(r)
}

/// How often the scorer looks for a new day.
const SCORER_PERIOD: std::time::Duration = std::time::Duration::from_secs(60);

/// A background job: once the store is open, runs `work` on it, then again every `period` or
/// when `wake` fires; when `work` says something changed, tells the window through `watch`.
async fn background(
    handle: tauri::AppHandle,
    period: std::time::Duration,
    wake: fn(&AppState) -> &tokio::sync::Notify,
    watch: fn(&AppState) -> &tokio::sync::Mutex<Option<Channel<()>>>,
    work: impl AsyncFn(&Rapport) -> bool,
) {
    use tauri::Manager;
    let state = handle.state::<AppState>();
    let mut ready = state.ready.clone();
    let _ = ready.wait_for(|r| *r).await;
    loop {
        let changed = match &*state.rapport.read().await {
            Ok(r) => work(r).await,
            Err(_) => false,
        };
        if changed {
            if let Some(ch) = &*watch(&state).lock().await {
                let _ = ch.send(());
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = wake(&state).notified() => {}
        }
    }
}

/// Keeps scores current while the app runs: once after start, then on every new local day.
async fn scorer(handle: tauri::AppHandle) {
    background(
        handle,
        SCORER_PERIOD,
        |s| &s.score_now,
        |s| &s.scores_watch,
        async |r| {
            // Verbatims read ahead of the first look at the feedback view.
            if let Err(e) = r.tag_feedback().await {
                tracing::warn!(code = ?e.code(), "reading verbatims failed: {e}");
            }
            match r.score_changes(r.today()).await {
                Ok(s) => s != rapport_core::portfolio::Scored::Nothing,
                Err(e) => {
                    tracing::warn!(code = ?e.code(), "scoring failed: {e}");
                    false
                }
            }
        },
    )
    .await
}

/// How often the sender tries waiting entries (each entry's own backoff still applies).
const SENDER_PERIOD: std::time::Duration = std::time::Duration::from_secs(30);

/// Delivers the outbox in the background while the app runs: after each capture, and every
/// 30 s while entries wait.
async fn sender(handle: tauri::AppHandle) {
    background(
        handle,
        SENDER_PERIOD,
        |s| &s.send_now,
        |s| &s.outbox_watch,
        async |r| {
            if r.store().outbox_waiting().await.unwrap_or(0) == 0 {
                return false;
            }
            match r.send_outbox(CancellationToken::new()).await {
                Ok(reports) => !reports.is_empty(),
                Err(e) => {
                    tracing::warn!(code = ?e.code(), "sending the outbox failed: {e}");
                    false
                }
            }
        },
    )
    .await
}

/// Starts the desktop app on the data directory `data_dir`.
pub fn run(data_dir: PathBuf) -> Result<(), Error> {
    let (tx, rx) = watch::channel(false);
    let state = AppState {
        data_dir: data_dir.clone(),
        rapport: RwLock::new(Err(IpcError {
            code: rapport_core::ErrorCode::Internal,
            message: "Still opening the local database.".into(),
        })),
        ready: rx,
        sync: tokio::sync::Mutex::new(None),
        scores_watch: tokio::sync::Mutex::new(None),
        score_now: tokio::sync::Notify::new(),
        sign_in: tokio::sync::Mutex::new(None),
        send_now: tokio::sync::Notify::new(),
        outbox_watch: tokio::sync::Mutex::new(None),
        warnings_watch: tokio::sync::Mutex::new(None),
        exported: tokio::sync::Mutex::new(Vec::new()),
        import_file: tokio::sync::Mutex::new(None),
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        .setup(move |app| {
            use tauri::Manager;
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let started = std::time::Instant::now();
                let opened = open_and_prepare(OpenOptions::new(data_dir, Clock::system())).await;
                if let Err(e) = &opened {
                    tracing::error!(code = ?e.code(), "opening the store failed: {e}");
                } else {
                    tracing::info!(ms = started.elapsed().as_millis() as u64, "store ready");
                }
                let state = handle.state::<AppState>();
                *state.rapport.write().await = opened.map_err(IpcError::from);
                let _ = tx.send(true);
            });
            tauri::async_runtime::spawn(scorer(app.handle().clone()));
            tauri::async_runtime::spawn(sender(app.handle().clone()));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::portfolio,
            commands::account,
            commands::reset_demo,
            commands::unlock,
            commands::connections,
            commands::connect_crm,
            commands::edit_connection,
            commands::test_connection,
            commands::score_writeback,
            commands::set_score_writeback,
            commands::disconnect,
            commands::sync_now,
            commands::cancel_sync,
            commands::watch_scores,
            commands::sign_in_defaults,
            commands::sign_in_crm,
            commands::cancel_sign_in,
            commands::capture_contacts,
            commands::capture,
            commands::save_draft,
            commands::drafts,
            commands::discard_draft,
            commands::outbox,
            commands::retry_outbox,
            commands::open_in_crm,
            commands::watch_outbox,
            insights::feedback_insights,
            insights::taxonomy,
            insights::save_taxonomy,
            insights::set_feedback_override,
            insights::export_insights,
            insights::open_export,
            insights::followups,
            insights::accept_followup,
            insights::dismiss_followup,
            insights::save_salesforce_setup,
            insights::advisory_members,
            insights::set_advisory,
            risk::warnings,
            risk::act_on_warnings,
            risk::mark_warnings_seen,
            risk::rules,
            risk::save_rules,
            risk::model_report,
            notify::notify_warnings,
            notify::watch_warnings,
            notify::notifications,
            notify::set_notifications,
            playbooks::playbooks,
            playbooks::save_playbook,
            playbooks::start_playbook,
            playbooks::tasks,
            playbooks::act_on_task,
            playbooks::record_outcome,
            playbooks::send_task,
            success::success,
            success::save_plan,
            success::delete_plan,
            success::save_milestone,
            success::act_on_milestone,
            success::save_plan_draft,
            success::discard_plan_draft,
            success::milestones,
            success::ttv,
            success::save_value_entry,
            success::delete_value_entry,
            expansion::expansion,
            expansion::save_price_book,
            expansion::hand_off,
            import::pick_usage_file,
            import::preview_usage,
            import::import_usage,
            journey::journey,
            journey::set_handoff_item,
            journey::adoption,
        ])
        .run(tauri::generate_context!())
        .map_err(|e| Error::Io(format!("the window could not start: {e}")))
}

/// The native file dialog, opened where people keep the files they download or save (the
/// working directory is nobody's).
pub(crate) fn file_dialog(
    app: &tauri::AppHandle,
) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    use tauri::Manager;
    use tauri_plugin_dialog::DialogExt;
    let dialog = app.dialog().file();
    match app
        .path()
        .download_dir()
        .or_else(|_| app.path().document_dir())
        .ok()
        .filter(|d| d.is_dir())
    {
        Some(dir) => dialog.set_directory(dir),
        None => dialog,
    }
}
