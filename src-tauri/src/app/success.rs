//! Thin IPC commands for success plans, the portfolio's milestones and time-to-value.

use tauri::State;

use super::AppState;
use rapport_core::domain::success::{
    MilestoneAction, MilestoneForm, MilestonesView, PlanDraftForm, PlanForm, PlanSaved, SuccessView,
};
use rapport_core::domain::value::{TtvView, ValueEntryForm};
use rapport_core::error::IpcError;

#[tauri::command]
pub async fn success(state: State<'_, AppState>, account_id: i64) -> Result<SuccessView, IpcError> {
    state.with(async |r| r.success(account_id).await).await
}

#[tauri::command]
pub async fn save_plan(state: State<'_, AppState>, form: PlanForm) -> Result<PlanSaved, IpcError> {
    state.with(async |r| r.save_plan(&form).await).await
}

#[tauri::command]
pub async fn delete_plan(
    state: State<'_, AppState>,
    account_id: i64,
    id: i64,
) -> Result<PlanSaved, IpcError> {
    state
        .with(async |r| r.delete_plan(account_id, id).await)
        .await
}

/// Saves a milestone; with `tell_crm` set, wakes the outbox sender for its note.
#[tauri::command]
pub async fn save_milestone(
    state: State<'_, AppState>,
    form: MilestoneForm,
) -> Result<PlanSaved, IpcError> {
    let saved = state.with(async |r| r.save_milestone(&form).await).await?;
    if saved.outbox.is_some() {
        state.send_now.notify_one();
    }
    Ok(saved)
}

#[tauri::command]
pub async fn act_on_milestone(
    state: State<'_, AppState>,
    id: i64,
    action: MilestoneAction,
) -> Result<PlanSaved, IpcError> {
    let saved = state
        .with(async |r| r.act_on_milestone(id, &action).await)
        .await?;
    if saved.outbox.is_some() {
        state.send_now.notify_one();
    }
    Ok(saved)
}

#[tauri::command]
pub async fn save_plan_draft(
    state: State<'_, AppState>,
    form: PlanDraftForm,
) -> Result<(), IpcError> {
    state.with(async |r| r.save_plan_draft(&form).await).await
}

#[tauri::command]
pub async fn discard_plan_draft(
    state: State<'_, AppState>,
    account_id: i64,
    target: String,
) -> Result<(), IpcError> {
    state
        .with(async |r| r.discard_plan_draft(account_id, &target).await)
        .await
}

#[tauri::command]
pub async fn milestones(state: State<'_, AppState>) -> Result<MilestonesView, IpcError> {
    state.with(async |r| r.milestones().await).await
}

#[tauri::command]
pub async fn ttv(state: State<'_, AppState>) -> Result<TtvView, IpcError> {
    state.with(async |r| r.ttv().await).await
}

/// Saves a value entry; with `tell_crm` set, wakes the outbox sender for its note.
#[tauri::command]
pub async fn save_value_entry(
    state: State<'_, AppState>,
    form: ValueEntryForm,
) -> Result<PlanSaved, IpcError> {
    let saved = state
        .with(async |r| r.save_value_entry(&form).await)
        .await?;
    if saved.outbox.is_some() {
        state.send_now.notify_one();
    }
    Ok(saved)
}

#[tauri::command]
pub async fn delete_value_entry(
    state: State<'_, AppState>,
    account_id: i64,
    id: i64,
) -> Result<PlanSaved, IpcError> {
    state
        .with(async |r| r.delete_value_entry(account_id, id).await)
        .await
}
