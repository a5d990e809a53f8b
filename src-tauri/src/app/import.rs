//! Usage CSV import: the native open dialog (asked from Rust: the window gets no dialog or file
//! permission), the preview and the import with its progress.

use std::path::PathBuf;

use tauri::ipc::Channel;
use tauri::State;

use super::AppState;
use rapport_core::domain::usage::{ColumnMapping, ImportPreview, ImportProgress, ImportReport};
use rapport_core::error::{ErrorCode, IpcError};

fn no_file() -> IpcError {
    IpcError {
        code: ErrorCode::InvalidInput,
        message: "Choose a CSV file first.".into(),
    }
}

/// Asks for a CSV file (`RAPPORT_IMPORT_FILE` skips the dialog, for automated runs) and
/// previews it with the mapping its headers suggest. `None` when the user cancels.
#[tauri::command]
pub async fn pick_usage_file(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
) -> Result<Option<ImportPreview>, IpcError> {
    let path: PathBuf = match std::env::var_os("RAPPORT_IMPORT_FILE").filter(|f| !f.is_empty()) {
        Some(f) => PathBuf::from(f),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            super::file_dialog(&app)
                .set_title("Import product usage")
                .add_filter("CSV", &["csv", "txt"])
                .pick_file(move |p| {
                    let _ = tx.send(p);
                });
            let Some(chosen) = rx.await.ok().flatten() else {
                return Ok(None);
            };
            chosen.into_path().map_err(|e| IpcError {
                code: ErrorCode::InvalidInput,
                message: format!("That file cannot be opened: {e}"),
            })?
        }
    };
    let preview = state
        .with(async |r| r.preview_usage(&path, None).await)
        .await?;
    *state.import_file.lock().await = Some(path);
    Ok(Some(preview))
}

/// The picked file again, with the user's mapping.
#[tauri::command]
pub async fn preview_usage(
    state: State<'_, AppState>,
    mapping: ColumnMapping,
) -> Result<ImportPreview, IpcError> {
    let path = state.import_file.lock().await.clone().ok_or_else(no_file)?;
    state
        .with(async |r| r.preview_usage(&path, Some(mapping)).await)
        .await
}

#[tauri::command]
pub async fn import_usage(
    state: State<'_, AppState>,
    mapping: ColumnMapping,
    skip_bad: bool,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, IpcError> {
    let path = state.import_file.lock().await.clone().ok_or_else(no_file)?;
    let report = state
        .with(async |r| {
            r.import_usage(&path, &mapping, skip_bad, &mut |p| {
                let _ = on_progress.send(p);
            })
            .await
        })
        .await?;
    state.score_now.notify_one();
    Ok(report)
}
