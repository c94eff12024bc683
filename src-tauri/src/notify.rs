//! Showing a notification through the OS (tauri-plugin-notification).

use agent_core::present::Notice;
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

/// Shows a notification (its failure is logged: there is nowhere else to say it). On Linux the
/// body is escaped, since notification servers read it as markup
/// ([`agent_core::present::escape_markup`]).
pub fn show(app: &AppHandle, notice: &Notice) {
    let body = if cfg!(target_os = "linux") {
        agent_core::present::escape_markup(&notice.body)
    } else {
        notice.body.clone()
    };
    match app.notification().builder().title(&notice.title).body(body).show() {
        Ok(()) => tracing::info!(title = %notice.title, "notified"),
        Err(e) => tracing::warn!("could not show a notification: {e}"),
    }
}
