//! Desktop notifications of new critical warnings after a background sync: one batched
//! notification; clicking it brings the window forward on its Warnings view.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use super::AppState;
use rapport_core::error::IpcError;
use rapport_core::portfolio::Notice;

/// Escapes CRM text for a notification server that reads markup in the body (XDG
/// `body-markup`): an account named `<b>x</b>` stays those characters.
fn escape_markup(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn show(app: AppHandle, n: Notice) {
    #[cfg(all(unix, not(target_os = "macos")))]
    let markup = notify_rust::get_capabilities()
        .map(|c| c.iter().any(|c| c == "body-markup"))
        .unwrap_or(false);
    #[cfg(not(all(unix, not(target_os = "macos"))))]
    let markup = false;
    let body = if markup {
        escape_markup(&n.body)
    } else {
        n.body.clone()
    };
    let mut note = notify_rust::Notification::new();
    note.appname("Rapport").summary(&n.title).body(&body);
    #[cfg(all(unix, not(target_os = "macos")))]
    note.action("default", "Open Warnings");
    match note.show() {
        Ok(_handle) => {
            // XDG servers report the click; elsewhere the notification opens the app by itself.
            #[cfg(all(unix, not(target_os = "macos")))]
            _handle.wait_for_action(|action| {
                if action == "default" {
                    if let Some(w) = app.get_webview_window("main") {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                    let state = app.state::<AppState>();
                    tauri::async_runtime::block_on(async {
                        if let Some(ch) = state.warnings_watch.lock().await.as_ref() {
                            let _ = ch.send(());
                        }
                    });
                }
            });
        }
        Err(e) => tracing::warn!("the notification could not be shown: {e}"),
    }
}

/// Shows the notification due for new critical warnings, if any (after a background sync).
/// Returns whether one was shown.
#[tauri::command]
pub async fn notify_warnings(app: AppHandle, state: State<'_, AppState>) -> Result<bool, IpcError> {
    let Some(n) = state.with(async |r| r.take_notice().await).await? else {
        return Ok(false);
    };
    // The click is waited for on a thread of its own: the server holds it until then.
    std::thread::spawn(move || show(app, n));
    Ok(true)
}

/// Subscribes the window to notification clicks. The latest subscription wins.
#[tauri::command]
pub async fn watch_warnings(
    state: State<'_, AppState>,
    on_open: Channel<()>,
) -> Result<(), IpcError> {
    *state.warnings_watch.lock().await = Some(on_open);
    Ok(())
}

#[tauri::command]
pub async fn notifications(state: State<'_, AppState>) -> Result<bool, IpcError> {
    state.with(async |r| r.notifications_on().await).await
}

#[tauri::command]
pub async fn set_notifications(state: State<'_, AppState>, on: bool) -> Result<(), IpcError> {
    state.with(async |r| r.set_notifications(on).await).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn crm_text_is_not_markup_in_a_notification() {
        assert_eq!(
            super::escape_markup("<b>Acme</b> & <a href=x>Co</a>"),
            "&lt;b&gt;Acme&lt;/b&gt; &amp; &lt;a href=x&gt;Co&lt;/a&gt;"
        );
    }
}
