//! Thin IPC commands: each forwards to the library and returns `{code, message}` on error.

use tauri::State;

use super::AppState;
use crate::error::IpcError;
use crate::portfolio::{
    AccountDetail, AppStatus, Portfolio, DEFAULT_DEMO_ACCOUNTS, DEFAULT_DEMO_SEED,
};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    state.with(async |r| r.status().await).await
}

#[tauri::command]
pub async fn portfolio(state: State<'_, AppState>) -> Result<Portfolio, IpcError> {
    state.with(async |r| r.portfolio(today()).await).await
}

#[tauri::command]
pub async fn account(state: State<'_, AppState>, id: i64) -> Result<AccountDetail, IpcError> {
    state
        .with(async |r| r.account_detail(id, today()).await)
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
            let now = chrono::Utc::now();
            r.generate_demo(
                accounts.unwrap_or(DEFAULT_DEMO_ACCOUNTS),
                seed.unwrap_or(DEFAULT_DEMO_SEED),
                now,
            )
            .await?;
            r.rescore(now.date_naive()).await?;
            r.status().await
        })
        .await
}

#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, passphrase: String) -> Result<AppStatus, IpcError> {
    state.unlock(passphrase).await?;
    state.with(async |r| r.status().await).await
}
