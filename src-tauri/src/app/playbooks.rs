//! Thin IPC commands for retention playbooks and My tasks.

use tauri::State;

use super::AppState;
use rapport_core::domain::playbook::{
    Playbook, RunOutcome, RunView, TaskActed, TaskAction, TasksView,
};
use rapport_core::error::IpcError;
use rapport_core::portfolio::{PlaybookSaved, RunStarted};

#[tauri::command]
pub async fn playbooks(state: State<'_, AppState>) -> Result<Vec<Playbook>, IpcError> {
    state.with(async |r| r.playbooks().await).await
}

/// Saves a playbook as a new version (a new playbook when its key is empty).
#[tauri::command]
pub async fn save_playbook(
    state: State<'_, AppState>,
    playbook: Playbook,
) -> Result<PlaybookSaved, IpcError> {
    state.with(async |r| r.save_playbook(playbook).await).await
}

#[tauri::command]
pub async fn start_playbook(
    state: State<'_, AppState>,
    account_id: i64,
    key: String,
    alert_id: Option<i64>,
) -> Result<RunStarted, IpcError> {
    state
        .with(async |r| r.start_playbook(account_id, &key, alert_id).await)
        .await
}

#[tauri::command]
pub async fn tasks(state: State<'_, AppState>, all: bool) -> Result<TasksView, IpcError> {
    state.with(async |r| r.tasks(all).await).await
}

#[tauri::command]
pub async fn act_on_task(
    state: State<'_, AppState>,
    id: i64,
    action: TaskAction,
) -> Result<TaskActed, IpcError> {
    state.with(async |r| r.act_on_task(id, &action).await).await
}

#[tauri::command]
pub async fn record_outcome(
    state: State<'_, AppState>,
    run_id: i64,
    outcome: RunOutcome,
) -> Result<RunView, IpcError> {
    state
        .with(async |r| r.record_outcome(run_id, outcome).await)
        .await
}

/// Queues the task for the CRM and wakes the outbox sender; returns the outbox entry.
#[tauri::command]
pub async fn send_task(state: State<'_, AppState>, id: i64) -> Result<i64, IpcError> {
    let entry = state.with(async |r| r.send_task(id).await).await?;
    state.send_now.notify_one();
    Ok(entry)
}
