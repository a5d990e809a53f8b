//! Thin IPC commands for expansion opportunities and the price book.

use tauri::State;

use super::AppState;
use rapport_core::domain::expansion::{ExpansionView, HandedOff, PriceBook, PriceBookSaved};
use rapport_core::error::IpcError;

#[tauri::command]
pub async fn expansion(state: State<'_, AppState>) -> Result<ExpansionView, IpcError> {
    state.with(async |r| r.expansion().await).await
}

#[tauri::command]
pub async fn save_price_book(
    state: State<'_, AppState>,
    book: PriceBook,
) -> Result<PriceBookSaved, IpcError> {
    state.with(async |r| r.save_price_book(&book).await).await
}

/// Hands the account's opportunity to sales; wakes the outbox sender for its CRM task.
#[tauri::command]
pub async fn hand_off(state: State<'_, AppState>, account_id: i64) -> Result<HandedOff, IpcError> {
    let done = state.with(async |r| r.hand_off(account_id).await).await?;
    if done.outbox_id.is_some() {
        state.send_now.notify_one();
    }
    Ok(done)
}
