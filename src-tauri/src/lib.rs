//! Exotel Agent Tray: the desktop shell. It only translates: tray clicks, window commands,
//! the global shortcut and OS events become requests to the core ([`agent_core::Agent`]), and
//! each status the controller publishes becomes a tray icon, menu ticks, a notification and an
//! event for the window. No API call, business rule or word lives here.
//!
//! One actor, the shell ([`shell`]), holds the shell's state; the tray, the window's commands, the
//! shortcut, signals and a second launch hold a [`shell_handle::ShellHandle`] and send it
//! messages.

mod commands;
mod logging;
mod notify;
mod shell;
mod shell_handle;
mod shortcut;
mod signals;
mod start;
mod state;
mod tray;
mod updates;
mod window;

use std::process::ExitCode;

use tauri::{Manager, RunEvent};

use crate::shell_handle::{Message, ShellHandle};

/// Starts the app; returns when it quits. With [`window::protocol::WINDOW_FLAG`] (given only by the app
/// itself) it is the window's process instead ([`window::process`]).
pub fn run() -> ExitCode {
    agent_core::paths::private_files();
    if let Some(reason) = no_display() {
        eprintln!("exotel-agent-tray: {reason}");
        return ExitCode::from(1);
    }
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(window::protocol::WINDOW_FLAG) {
        // Its log lines go to standard error: the log file has one writer, the tray process.
        logging::init_stderr();
        let arg = |i: usize| args.get(i).map(String::as_str);
        return window::process::run(context(), arg(2), arg(3), arg(4));
    }
    logging::init();
    let show_window = args.iter().any(|a| a == "--show");
    // Either flag is only for a running app: alone, the launch ends at once.
    let quit_only = args.iter().any(|a| a == QUIT_FLAG || a == INSTALL_UPDATE_FLAG);

    // First, so a second launch hands over before anything else starts.
    // A second launch opens the running app's window, closes it with --hide, or quits the app
    // (offline first, as from the tray) with --quit.
    let builder = tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
        let Some(shell) = app.try_state::<ShellHandle>() else {
            tracing::warn!("another launch, before the app was ready: ignored");
            return;
        };
        let hide = args.iter().any(|a| a == "--hide");
        if args.iter().any(|a| a == QUIT_FLAG) {
            tracing::info!("another launch asked to quit");
            shell.send(Message::Quit { from: shell_handle::QuitFrom::Unattended, session_end: false });
            return;
        }
        if args.iter().any(|a| a == INSTALL_UPDATE_FLAG) {
            tracing::info!("another launch asked to install the update ready");
            shell.send(Message::InstallUpdate);
            return;
        }
        shell.send(if hide { Message::CloseWindow } else { Message::OpenWindow });
        tracing::info!(hide, "another launch handed over");
    }));
    let built = shortcut::plugin(builder, toggle)
        .plugin(tauri_plugin_notification::init())
        .plugin(updates::plugin())
        .plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, None))
        .setup(move |app| {
            if quit_only {
                // No running app to quit (a running one would have been handed the flag).
                tracing::info!("--quit: the app is not running");
                app.handle().exit(0);
                return Ok(());
            }
            start::tray_process(app, show_window)
        })
        .build(context());
    let app = match built {
        Ok(app) => app,
        Err(e) => {
            eprintln!("exotel-agent-tray: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    app.run(|_app, event| match event {
        // The tray process has no window of its own; only quitting (an explicit exit code)
        // ends it.
        RunEvent::ExitRequested { api, code: None, .. } => api.prevent_exit(),
        // Last, before the process exits (or restarts after an update).
        RunEvent::Exit => logging::finish(),
        _ => {}
    });
    ExitCode::SUCCESS
}

/// The global shortcut was pressed (the plugin's handler, where the plugin is used).
fn toggle(app: &tauri::AppHandle) {
    if let Some(shell) = app.try_state::<ShellHandle>() {
        shell.send(Message::Toggle);
    }
}

/// `exotel-agent-tray --quit`: the running app quits, offline first (for scripts, an admin's
/// log-off script, and the Windows test lane, where no signal reaches a GUI app).
pub const QUIT_FLAG: &str = "--quit";

/// `exotel-agent-tray --install-update`: the running app installs the version it has ready, as
/// its tray item does (offline first); nothing if none is ready (an IT script at a shift's
/// end, and the Windows test lane, where nobody clicks).
pub const INSTALL_UPDATE_FLAG: &str = "--install-update";

/// The app's configuration and the page's files, embedded once for both processes.
fn context() -> tauri::Context {
    tauri::generate_context!()
}

/// On Linux, a sentence saying why there is no display to open, instead of GTK's panic.
fn no_display() -> Option<String> {
    #[cfg(target_os = "linux")]
    if let Some(reason) = os_events::display::unavailable() {
        return Some(format!(
            "{reason}: run it from a desktop session, or use the exotel-agent command line"
        ));
    }
    None
}
