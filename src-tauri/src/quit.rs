//! Quitting: from the tray, the window, SIGTERM/SIGINT or the end of the session, the app first
//! turns the agent's device off (if "offline on quit" is on) and waits for Exotel, at most
//! [`QUIT_LIMIT`], then exits whatever happened, saying so when it could not.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use agent_core::QuitOutcome;
use tauri::{AppHandle, Manager};

use crate::AppState;

/// The longest quitting waits for Exotel's confirmation.
pub const QUIT_LIMIT: Duration = Duration::from_secs(3);

/// How long a last notification is given to reach the notification server before exit.
const NOTICE_GRACE: Duration = Duration::from_millis(500);

static QUITTING: AtomicBool = AtomicBool::new(false);
static SESSION_ENDING: AtomicBool = AtomicBool::new(false);

/// Starts quitting (once; later calls are ignored).
pub fn quit(app: &AppHandle) {
    quit_then(app);
}

/// Quitting because the Windows session ends (`WM_ENDSESSION`). The event loop was told too
/// and is over (tao ends it then), so nothing may go through it any more: the tray is left as
/// it is, and once the agent is offline (or the bound passed) the process exits directly.
#[cfg_attr(not(windows), allow(dead_code))]
pub fn quit_for_session_end(app: &AppHandle) {
    SESSION_ENDING.store(true, Ordering::SeqCst);
    quit_then(app);
}

/// Whether the session is ending: then the tray and window are no longer updated.
pub fn session_ending() -> bool {
    SESSION_ENDING.load(Ordering::SeqCst)
}

/// Offline first, then exit: through the event loop, or directly once the session is ending
/// (also when it began ending during a quit already under way).
fn quit_then(app: &AppHandle) {
    if QUITTING.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let outcome = match app.try_state::<AppState>() {
            Some(state) => state.agent.quit_offline(QUIT_LIMIT).await,
            None => QuitOutcome::NotNeeded,
        };
        tracing::info!(?outcome, "quitting");
        if session_ending() {
            // No notification either: the desktop is going away.
            std::process::exit(0);
        }
        if let QuitOutcome::Failed(reason) = outcome {
            let body = format!(
                "{reason}. You may still be receiving calls: go offline in Exotel if you are leaving."
            );
            crate::forward::notify(&app, "Quit without going offline", &body);
            // The plugin's show() hands the D-Bus call to a background task and returns at once;
            // give it a moment to be delivered before the process ends.
            tokio::time::sleep(NOTICE_GRACE).await;
        }
        app.exit(0);
    });
}

/// SIGTERM (the session ending, `kill`) and SIGINT (Ctrl+C) quit the same way.
pub fn on_signals(app: &AppHandle) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let (Ok(mut term), Ok(mut int)) =
                (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
            else {
                tracing::warn!("could not listen for SIGTERM/SIGINT");
                return;
            };
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM"),
                _ = int.recv() => tracing::info!("SIGINT"),
            }
            quit(&app);
        });
    }
    #[cfg(not(unix))]
    let _ = app;
}
