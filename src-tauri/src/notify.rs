//! Showing a notification through the OS. A new one replaces the one the app showed last
//! where the platform allows (Linux: the notification server's `replaces_id`), so an agent
//! sees the current state, not a stack of past ones; elsewhere through
//! tauri-plugin-notification, which stacks them.

use agent_core::present::Notice;
use tauri::AppHandle;

use crate::shell_handle::ShellHandle;

/// Shows `notice` in place of the notification `replaces` (the id the server gave the last
/// one, if any); the new one's id comes back as [`crate::shell_handle::Message::Notified`]. Its
/// failure is logged: there is nowhere else to say it.
#[cfg(target_os = "linux")]
pub fn show(_app: &AppHandle, shell: &ShellHandle, notice: &Notice, replaces: Option<u32>) {
    // Notification servers read the body as markup: text from Exotel is escaped.
    let body = agent_core::present::escape_markup(&notice.body);
    let (title, shell, failure) = (notice.title.clone(), shell.clone(), notice.failure);
    tauri::async_runtime::spawn_blocking(move || {
        let mut n = notify_rust::Notification::new();
        n.summary(&title).body(&body).auto_icon();
        if failure {
            // Shown with more urgency (and, on most servers, until dismissed).
            n.urgency(notify_rust::Urgency::Critical);
        }
        if let Some(id) = replaces {
            n.id(id);
        }
        match n.show() {
            Ok(handle) => {
                tracing::info!(%title, "notified");
                shell.send(crate::shell_handle::Message::Notified { id: handle.id(), failure });
            }
            Err(e) => tracing::warn!("could not show a notification: {e}"),
        }
    });
}

#[cfg(not(target_os = "linux"))]
pub fn show(app: &AppHandle, _shell: &ShellHandle, notice: &Notice, _replaces: Option<u32>) {
    use tauri_plugin_notification::NotificationExt;
    match app.notification().builder().title(&notice.title).body(&notice.body).show() {
        Ok(()) => tracing::info!(title = %notice.title, "notified"),
        Err(e) => tracing::warn!("could not show a notification: {e}"),
    }
}
