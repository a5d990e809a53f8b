//! Thin IPC commands for the customer journey, the handoff checklists and adoption.

use chrono::NaiveDate;
use tauri::State;

use super::AppState;
use rapport_core::domain::journey::{AccountJourney, JourneyView};
use rapport_core::error::IpcError;

/// The journey over `[from, to]` (by default the last year).
#[tauri::command]
pub async fn journey(
    state: State<'_, AppState>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<JourneyView, IpcError> {
    state.with(async |r| r.journey(from, to).await).await
}

/// Ticks a checklist item off today, or back on.
#[tauri::command]
pub async fn set_handoff_item(
    state: State<'_, AppState>,
    item_id: i64,
    done: bool,
) -> Result<AccountJourney, IpcError> {
    state
        .with(async |r| r.set_handoff_item(item_id, done).await)
        .await
}

/// The book's adoption: accounts by seat utilisation and feature breadth.
#[tauri::command]
pub async fn adoption(
    state: State<'_, AppState>,
) -> Result<rapport_core::domain::adoption::AdoptionBook, IpcError> {
    state.with(async |r| r.adoption().await).await
}
