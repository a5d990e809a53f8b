//! Thin IPC commands of the feedback analysis: insights, the taxonomy, overrides, follow-ups,
//! and the export through the native save dialog.

use std::path::PathBuf;

use tauri::State;

use super::AppState;
use rapport_core::domain::followup::{AcceptFollowUp, AdvisoryMember, FollowUpView};
use rapport_core::domain::insights::{FeedbackOverride, Insights, InsightsFilter, Taxonomy, Theme};
use rapport_core::error::IpcError;
use rapport_core::portfolio::{Accepted, ExportReport};
use rapport_core::ErrorCode;

#[tauri::command]
pub async fn feedback_insights(
    state: State<'_, AppState>,
    filter: InsightsFilter,
) -> Result<Insights, IpcError> {
    state
        .with(async |r| r.insights(&filter, r.today()).await)
        .await
}

#[tauri::command]
pub async fn taxonomy(state: State<'_, AppState>) -> Result<Taxonomy, IpcError> {
    state.with(async |r| r.taxonomy().await).await
}

#[tauri::command]
pub async fn save_taxonomy(
    state: State<'_, AppState>,
    themes: Vec<Theme>,
) -> Result<Taxonomy, IpcError> {
    state.with(async |r| r.save_taxonomy(&themes).await).await
}

#[tauri::command]
pub async fn set_feedback_override(
    state: State<'_, AppState>,
    change: FeedbackOverride,
) -> Result<(), IpcError> {
    state
        .with(async |r| r.set_feedback_override(&change).await)
        .await
}

#[tauri::command]
pub async fn followups(
    state: State<'_, AppState>,
    account_id: Option<i64>,
) -> Result<Vec<FollowUpView>, IpcError> {
    state.with(async |r| r.followups(account_id).await).await
}

/// Accepts a follow-up; its tasks go to the CRM in the background at once.
#[tauri::command]
pub async fn accept_followup(
    state: State<'_, AppState>,
    accept: AcceptFollowUp,
) -> Result<Accepted, IpcError> {
    let got = state
        .with(async |r| r.accept_followup(&accept).await)
        .await?;
    if !got.outbox.is_empty() {
        state.send_now.notify_one();
    }
    Ok(got)
}

#[tauri::command]
pub async fn dismiss_followup(
    state: State<'_, AppState>,
    response_id: i64,
    reason: String,
) -> Result<(), IpcError> {
    state
        .with(async |r| r.dismiss_followup(response_id, &reason).await)
        .await
}

/// Asks where to save (the native dialog; `RAPPORT_EXPORT_DIR` skips it, for automated runs),
/// then writes the export there. `None` when the user cancels.
#[tauri::command]
pub async fn export_insights(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    filter: InsightsFilter,
    format: String,
) -> Result<Option<ExportReport>, IpcError> {
    let (ext, label) = match format.as_str() {
        "xlsx" => ("xlsx", "Excel workbook"),
        "csv" => ("csv", "CSV"),
        _ => {
            return Err(IpcError {
                code: ErrorCode::InvalidInput,
                message: format!("Rapport exports CSV or XLSX, not {format:?}."),
            })
        }
    };
    let today = state.with(async |r| Ok(r.today())).await?;
    let name = format!("rapport-feedback-{today}.{ext}");
    let path: PathBuf = match std::env::var_os("RAPPORT_EXPORT_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir).join(&name),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            super::file_dialog(&app)
                .set_title("Export feedback insights")
                .set_file_name(&name)
                .add_filter(label, &[ext])
                .save_file(move |p| {
                    let _ = tx.send(p);
                });
            let Some(chosen) = rx.await.ok().flatten() else {
                return Ok(None);
            };
            let mut p = chosen.into_path().map_err(|e| IpcError {
                code: ErrorCode::InvalidInput,
                message: format!("That place cannot be written to: {e}"),
            })?;
            // Only a name without an extension gets one: renaming after the dialog could replace
            // a file the dialog never asked about.
            if p.extension().is_none() {
                p.set_extension(ext);
            }
            p
        }
    };
    let report = state
        .with(async |r| {
            let (csv, xlsx) = match ext {
                "csv" => (Some(path.as_path()), None),
                _ => (None, Some(path.as_path())),
            };
            r.export_insights(&filter, r.today(), csv, xlsx).await
        })
        .await?;
    state.exported.lock().await.push(path);
    Ok(Some(report))
}

#[tauri::command]
pub async fn advisory_members(state: State<'_, AppState>) -> Result<Vec<AdvisoryMember>, IpcError> {
    state.with(async |r| r.advisory_members().await).await
}

/// Adds a contact to the advisory program or takes them out; the CRM hears it in the background.
#[tauri::command]
pub async fn set_advisory(
    state: State<'_, AppState>,
    contact_id: i64,
    member: bool,
) -> Result<(), IpcError> {
    let entry = state
        .with(async |r| r.set_advisory(contact_id, member).await)
        .await?;
    if entry.is_some() {
        state.send_now.notify_one();
    }
    Ok(())
}

/// Asks for a folder (`RAPPORT_EXPORT_DIR` skips the dialog) and writes the Salesforce package
/// an admin deploys so Rapport can write there; returns how to deploy it, or `None` if cancelled.
#[tauri::command]
pub async fn save_salesforce_setup(app: tauri::AppHandle) -> Result<Option<String>, IpcError> {
    let dir: PathBuf = match std::env::var_os("RAPPORT_EXPORT_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            super::file_dialog(&app)
                .set_title("Save the Salesforce setup package in…")
                .pick_folder(move |p| {
                    let _ = tx.send(p);
                });
            let Some(chosen) = rx.await.ok().flatten() else {
                return Ok(None);
            };
            chosen.into_path().map_err(|e| IpcError {
                code: ErrorCode::InvalidInput,
                message: format!("That folder cannot be written to: {e}"),
            })?
        }
    };
    let target = dir.join("rapport-salesforce-setup");
    rapport_core::sync::outbox::sf_metadata::write_package(&target)
        .map(Some)
        .map_err(IpcError::from)
}

/// Opens a file this session exported, or the folder it is in. Only such files: the window
/// cannot make the app open anything else.
#[tauri::command]
pub async fn open_export(
    state: State<'_, AppState>,
    path: String,
    folder: bool,
) -> Result<(), IpcError> {
    let p = PathBuf::from(&path);
    if !state.exported.lock().await.contains(&p) {
        return Err(IpcError {
            code: ErrorCode::NotFound,
            message: "Only a file exported in this session can be opened from here.".into(),
        });
    }
    let target = if folder {
        p.parent().map(PathBuf::from).unwrap_or(p)
    } else {
        p
    };
    open::that_detached(&target).map_err(|e| IpcError {
        code: ErrorCode::Internal,
        message: format!("{} could not be opened: {e}", target.display()),
    })
}
