//! SIGTERM (the session ending, `kill`) and SIGINT (Ctrl+C) quit the app as the tray's *Quit*
//! does: offline first.

use crate::shell_handle::ShellHandle;

pub fn quit_on_signals(shell: ShellHandle) {
    #[cfg(unix)]
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (signal(SignalKind::terminate()), signal(SignalKind::interrupt()))
        else {
            tracing::warn!("could not listen for SIGTERM/SIGINT");
            return;
        };
        tokio::select! {
            _ = term.recv() => tracing::info!("SIGTERM"),
            _ = int.recv() => tracing::info!("SIGINT"),
        }
        shell.send(crate::shell_handle::Message::Quit {
            from: crate::shell_handle::QuitFrom::Unattended,
            session_end: false,
        });
    });
    #[cfg(not(unix))]
    let _ = shell;
}
