//! Thin IPC commands for early warnings and their rules.

use tauri::State;

use super::AppState;
use rapport_core::domain::risk::{AlertAction, AlertQuery, RuleSet};
use rapport_core::error::IpcError;
use rapport_core::portfolio::{ModelReport, RulesView, WarningsView};

/// The Warnings view: the first rows matching the query's filters, with the totals.
#[tauri::command]
pub async fn warnings(
    state: State<'_, AppState>,
    query: AlertQuery,
) -> Result<WarningsView, IpcError> {
    state
        .with(async |r| r.warnings_matching(&query).await)
        .await
}

#[tauri::command]
pub async fn act_on_warnings(
    state: State<'_, AppState>,
    ids: Vec<i64>,
    action: AlertAction,
) -> Result<usize, IpcError> {
    state
        .with(async |r| r.act_on_warnings(&ids, &action).await)
        .await
}

#[tauri::command]
pub async fn mark_warnings_seen(state: State<'_, AppState>, ids: Vec<i64>) -> Result<(), IpcError> {
    state.with(async |r| r.mark_warnings_seen(&ids).await).await
}

#[tauri::command]
pub async fn rules(state: State<'_, AppState>) -> Result<RulesView, IpcError> {
    state.with(async |r| r.rules().await).await
}

/// Saves the rules as a new version; the book is evaluated under them before this returns.
#[tauri::command]
pub async fn save_rules(state: State<'_, AppState>, set: RuleSet) -> Result<RulesView, IpcError> {
    state.with(async |r| r.save_rules(set).await).await
}

/// The churn model's report as last computed (fitted now when none is kept for today).
#[tauri::command]
pub async fn model_report(state: State<'_, AppState>) -> Result<ModelReport, IpcError> {
    state.with(async |r| r.model_report(r.today()).await).await
}
