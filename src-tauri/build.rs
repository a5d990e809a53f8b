fn main() {
    // Declaring the app's commands makes each one need an explicit permission in capabilities/.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "app_status",
            "portfolio",
            "account",
            "reset_demo",
            "unlock",
            "connections",
            "connect_crm",
            "edit_connection",
            "test_connection",
            "disconnect",
            "sync_now",
            "cancel_sync",
            "watch_scores",
            "sign_in_defaults",
            "sign_in_crm",
            "cancel_sign_in",
            "capture_contacts",
            "capture",
            "save_draft",
            "drafts",
            "discard_draft",
            "outbox",
            "retry_outbox",
            "open_in_crm",
            "watch_outbox",
        ]),
    ))
    .expect("tauri build script failed");
}
