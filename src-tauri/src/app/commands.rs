//! Thin IPC commands: each forwards to the library and returns `{code, message}` on error.

use tauri::ipc::Channel;
use tauri::State;

use super::AppState;
use rapport_core::domain::capture::{
    CaptureForm, Captured, ContactFacts, Draft, OutboxEntryView, WriteKind,
};
use rapport_core::domain::Crm;
use rapport_core::error::IpcError;
use rapport_core::portfolio::{
    AccountDetail, AppStatus, ConnectionView, CrmCredentials, Portfolio, SignInDefaults,
    SignInForm, WritebackView, DEFAULT_DEMO_ACCOUNTS, DEFAULT_DEMO_SEED,
};
use rapport_core::sync::{Progress, Settings, SyncReport};

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    state.with(async |r| r.status().await).await
}

#[tauri::command]
pub async fn portfolio(state: State<'_, AppState>) -> Result<Portfolio, IpcError> {
    state.with(async |r| r.portfolio(r.today()).await).await
}

#[tauri::command]
pub async fn account(state: State<'_, AppState>, id: i64) -> Result<AccountDetail, IpcError> {
    state
        .with(async |r| r.account_detail(id, r.today()).await)
        .await
}

#[tauri::command]
pub async fn reset_demo(
    state: State<'_, AppState>,
    seed: Option<u64>,
    accounts: Option<usize>,
) -> Result<AppStatus, IpcError> {
    state
        .with(async |r| {
            let now = r.clock().now();
            r.generate_demo(
                accounts.unwrap_or(DEFAULT_DEMO_ACCOUNTS),
                seed.unwrap_or(DEFAULT_DEMO_SEED),
                now,
            )
            .await?;
            r.score_changes(r.today()).await?;
            r.status().await
        })
        .await
}

#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    passphrase: String,
    confirm: Option<String>,
) -> Result<AppStatus, IpcError> {
    state.unlock(passphrase, confirm).await?;
    state.with(async |r| r.status().await).await
}

#[tauri::command]
pub async fn connections(state: State<'_, AppState>) -> Result<Vec<ConnectionView>, IpcError> {
    state.with(async |r| r.connection_views().await).await
}

#[tauri::command]
pub async fn connect_crm(
    state: State<'_, AppState>,
    crm: Crm,
    name: String,
    base_url: Option<String>,
    credentials: CrmCredentials,
) -> Result<Vec<ConnectionView>, IpcError> {
    state
        .with(async |r| {
            let base = base_url.as_deref().map(str::trim).filter(|b| !b.is_empty());
            r.connect(&name, crm, base, credentials.into()).await?;
            r.connection_views().await
        })
        .await
}

#[tauri::command]
pub async fn edit_connection(
    state: State<'_, AppState>,
    name: String,
    base_url: String,
    settings: Settings,
    credentials: Option<CrmCredentials>,
) -> Result<Vec<ConnectionView>, IpcError> {
    state
        .with(async |r| {
            r.edit_connection(&name, &base_url, settings, credentials.map(Into::into))
                .await?;
            r.connection_views().await
        })
        .await
}

#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<String>, IpcError> {
    state.with(async |r| r.test_connection(&name).await).await
}

#[tauri::command]
pub async fn score_writeback(
    state: State<'_, AppState>,
    name: String,
) -> Result<WritebackView, IpcError> {
    state.with(async |r| r.writeback(&name).await).await
}

/// Turns score write-back on or off; on, the scores of every account go with the next send.
/// The window asks before turning it on for HubSpot (it creates company properties there).
#[tauri::command]
pub async fn set_score_writeback(
    state: State<'_, AppState>,
    name: String,
    on: bool,
) -> Result<WritebackView, IpcError> {
    let view = state
        .with(async |r| r.set_score_writeback(&name, on).await)
        .await?;
    state.send_now.notify_one();
    Ok(view)
}

#[tauri::command]
pub async fn disconnect(
    state: State<'_, AppState>,
    name: String,
) -> Result<Vec<ConnectionView>, IpcError> {
    state
        .with(async |r| {
            r.disconnect(&name).await?;
            r.connection_views().await
        })
        .await
}

/// Syncs one connection or all, streaming each object type's progress over `on_progress`.
#[tauri::command]
pub async fn sync_now(
    state: State<'_, AppState>,
    name: Option<String>,
    full: bool,
    on_progress: Channel<Progress>,
) -> Result<Vec<SyncReport>, IpcError> {
    let cancel = state.begin_sync().await?;
    let progress: rapport_core::sync::ProgressFn = std::sync::Arc::new(move |p: &Progress| {
        let _ = on_progress.send(p.clone());
    });
    let result = state
        .with(async |r| r.sync(name.as_deref(), full, cancel, progress).await)
        .await;
    state.end_sync().await;
    result
}

#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.cancel_sync().await;
    Ok(())
}

/// Subscribes the window to score updates: the scorer sends a message each time scores change
/// in the background (a new day). The latest subscription wins.
#[tauri::command]
pub async fn watch_scores(
    state: State<'_, AppState>,
    on_change: Channel<()>,
) -> Result<(), IpcError> {
    *state.scores_watch.lock().await = Some(on_change);
    Ok(())
}

#[tauri::command]
pub async fn sign_in_defaults(
    state: State<'_, AppState>,
    crm: Crm,
) -> Result<SignInDefaults, IpcError> {
    state.with(async |r| r.sign_in_defaults(crm).await).await
}

/// Signs in through the system browser and saves the connection. `on_address` receives the
/// sign-in address as the browser opens, for the window to offer it when no browser came up.
#[tauri::command]
pub async fn sign_in_crm(
    state: State<'_, AppState>,
    form: SignInForm,
    on_address: Channel<String>,
) -> Result<Vec<ConnectionView>, IpcError> {
    let cancel = state.begin_sign_in().await;
    state
        .with(async |r| {
            let open = |url: &str| {
                let _ = on_address.send(url.to_string());
                // A browser that does not open is not a failure: the window shows the address.
                if let Err(e) = rapport_core::sync::oauth::open_in_browser(url) {
                    tracing::warn!("{e}");
                }
                Ok(())
            };
            r.sign_in(form, open, cancel).await?;
            r.connection_views().await
        })
        .await
}

#[tauri::command]
pub async fn cancel_sign_in(state: State<'_, AppState>) -> Result<(), IpcError> {
    state.cancel_sign_in().await;
    Ok(())
}

#[tauri::command]
pub async fn capture_contacts(
    state: State<'_, AppState>,
    account_id: i64,
) -> Result<Vec<ContactFacts>, IpcError> {
    state
        .with(async |r| r.capture_contacts(account_id).await)
        .await
}

/// Saves a capture (never waiting for the CRM) and wakes the sender.
#[tauri::command]
pub async fn capture(state: State<'_, AppState>, form: CaptureForm) -> Result<Captured, IpcError> {
    let captured = state.with(async |r| r.capture(&form).await).await?;
    if captured.outbox.is_some() {
        state.send_now.notify_one();
    }
    Ok(captured)
}

#[tauri::command]
pub async fn save_draft(state: State<'_, AppState>, form: CaptureForm) -> Result<(), IpcError> {
    state.with(async |r| r.save_draft(&form).await).await
}

#[tauri::command]
pub async fn drafts(state: State<'_, AppState>, account_id: i64) -> Result<Vec<Draft>, IpcError> {
    state.with(async |r| r.drafts(account_id).await).await
}

#[tauri::command]
pub async fn discard_draft(
    state: State<'_, AppState>,
    account_id: i64,
    kind: WriteKind,
) -> Result<(), IpcError> {
    state
        .with(async |r| r.discard_draft(account_id, kind).await)
        .await
}

#[tauri::command]
pub async fn outbox(
    state: State<'_, AppState>,
    account_id: Option<i64>,
) -> Result<Vec<OutboxEntryView>, IpcError> {
    state.with(async |r| r.outbox(account_id).await).await
}

/// Puts a refused entry back in the queue and wakes the sender.
#[tauri::command]
pub async fn retry_outbox(
    state: State<'_, AppState>,
    id: i64,
) -> Result<OutboxEntryView, IpcError> {
    let entry = state.with(async |r| r.retry_outbox(id).await).await?;
    state.send_now.notify_one();
    Ok(entry)
}

/// Opens a delivered entry's record in the CRM, in the system browser. The address comes from
/// the store (the CRM's own host and id), never from the window.
#[tauri::command]
pub async fn open_in_crm(state: State<'_, AppState>, id: i64) -> Result<(), IpcError> {
    let entry = state.with(async |r| r.outbox_entry(id).await).await?;
    let url = entry.crm_url.ok_or_else(|| IpcError {
        code: rapport_core::ErrorCode::NotFound,
        message: "This entry is not in the CRM yet.".into(),
    })?;
    rapport_core::sync::oauth::open_in_browser(&url).map_err(IpcError::from)
}

/// Subscribes the window to outbox changes (an entry delivered, refused, or waiting again).
#[tauri::command]
pub async fn watch_outbox(
    state: State<'_, AppState>,
    on_change: Channel<()>,
) -> Result<(), IpcError> {
    *state.outbox_watch.lock().await = Some(on_change);
    Ok(())
}
