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
mod state;
mod tray;
mod window;

use std::process::ExitCode;
use std::sync::Arc;

use agent_core::present::{Notice, availability_words};
use agent_core::words::s;
use agent_core::{Accounts, Agent, ChangeSink, ControllerConfig, DeskReport, History, Protection, Support};
use tauri::{Manager, RunEvent};

use crate::shell_handle::{Message, ShellHandle};
use crate::state::AppState;

/// Starts the app; returns when it quits. With [`window::protocol::WINDOW_FLAG`] (given only by the app
/// itself) it is the window's process instead ([`window::process`]).
pub fn run() -> ExitCode {
    logging::private_files();
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
    let _log = logging::init();
    let show_window = args.iter().any(|a| a == "--show");
    let quit_only = args.iter().any(|a| a == QUIT_FLAG);

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
        shell.send(if hide { Message::CloseWindow } else { Message::OpenWindow });
        tracing::info!(hide, "another launch handed over");
    }));
    let built = shortcut::plugin(builder, toggle)
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_autostart::init(tauri_plugin_autostart::MacosLauncher::LaunchAgent, None))
        .setup(move |app| {
            if quit_only {
                // No running app to quit (a running one would have been handed the flag).
                tracing::info!("--quit: the app is not running");
                app.handle().exit(0);
                return Ok(());
            }
            let accounts = Accounts::default_location()?;
            let history = History::default_location().ok();
            let config = ControllerConfig {
                history: history.clone().map(|h| Arc::new(h) as Arc<dyn ChangeSink>),
                ..ControllerConfig::default()
            };
            let agent = tauri::async_runtime::block_on(async { Arc::new(Agent::new(accounts, config)) });
            // The last quit could not go offline (at a session's end nobody could be asked).
            let quit_failed = history.as_ref().and_then(|h| agent.untold_quit_failure(h));
            let (shell, inbox) = ShellHandle::new();
            app.manage(shell.clone());
            // What this computer can do, as each part finds out ("On this computer").
            let desk = DeskReport::default();
            os_events::platform_desk(&desk);
            #[cfg(windows)]
            notifications_identity(app.handle(), &desk);
            on_panic(shell.clone(), agent.clone());
            app.manage(AppState { agent: agent.clone(), history, desk: desk.clone() });
            // The first read (keyring, token, Exotel) runs while the tray is being built.
            let starting = agent.clone();
            tauri::async_runtime::spawn(async move { starting.start().await });
            let words = agent.words();
            let tray = tray::build(app.handle(), shell.clone(), words)?;
            if !cfg!(target_os = "linux") {
                // Elsewhere the OS always has one; on Linux the desktop may not (os_events::desk).
                desk.set(
                    Protection::Tray,
                    Support::works(if cfg!(windows) { "notification area" } else { "menu bar" }),
                );
            }
            shell::spawn(app.handle().clone(), shell.clone(), inbox, agent.clone(), tray, desk.clone());
            if let Some(failed) = quit_failed {
                shell.send(Message::Notify(agent_core::present::last_quit_notice(agent.words(), &failed)));
            }
            signals::quit_on_signals(shell.clone());
            {
                // On Windows the session's end has ended the event loop already (tao ends it
                // on WM_ENDSESSION); elsewhere it is an ordinary quit.
                let quitting = shell.clone();
                let on_shutdown = move || {
                    quitting.send(Message::Quit {
                        from: shell_handle::QuitFrom::Unattended,
                        session_end: cfg!(windows),
                    });
                };
                let os = Arc::new(agent_core::AgentHandler { agent: agent.clone(), on_shutdown });
                let runtime = tauri::async_runtime::handle().inner().clone();
                // Lock, sleep and the session's end: D-Bus on Linux, a hidden window on Windows,
                // notifications on macOS.
                #[cfg(target_os = "linux")]
                {
                    let (os, desk) = (os.clone(), desk.clone());
                    tauri::async_runtime::spawn(async move { os_events::spawn(os, desk) });
                }
                #[cfg(windows)]
                if let Err(e) = os_events::windows::spawn_session_window(os.clone(), &runtime, &desk) {
                    tracing::warn!("no lock, sleep or session-end events: {e}");
                }
                // On macOS, notifications delivered by the main thread's run loop (setup runs
                // there); the app stays out of the Dock, as a menu-bar app.
                #[cfg(target_os = "macos")]
                {
                    os_events::macos::watch_session(os.clone(), &runtime);
                    app.set_activation_policy(tauri::ActivationPolicy::Accessory);
                }
                let idle_agent = agent;
                let threshold = move || idle_threshold(&idle_agent.preferences());
                if let Err(e) = os_events::idle::spawn(os, threshold, runtime, desk) {
                    tracing::warn!("no idle detection: {e}");
                }
            }
            tracing::info!("tray ready");
            if show_window {
                shell.send(Message::OpenWindow);
            }
            Ok(())
        })
        .build(context());
    let app = match built {
        Ok(app) => app,
        Err(e) => {
            eprintln!("exotel-agent-tray: could not start: {e}");
            return ExitCode::from(1);
        }
    };
    app.run(|_app, event| {
        // The tray process has no window of its own; only quitting (an explicit exit code)
        // ends it.
        if let RunEvent::ExitRequested { api, code: None, .. } = event {
            api.prevent_exit();
        }
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

/// A panic (a bug) is logged and the agent told, with what Exotel last confirmed; the task it
/// happened in is started again ([`agent_core::spawn_supervised`]) or, in the controller, the
/// request fails and the next is served.
fn on_panic(shell: ShellHandle, agent: Arc<Agent>) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!("panicked: {info}");
        // Told from a task of its own, once this thread has unwound (and let go of any lock).
        let (shell, agent) = (shell.clone(), agent.clone());
        tauri::async_runtime::spawn(async move {
            let w = agent.words();
            let confirmed = availability_words(w, agent.status().availability);
            shell.send(Message::Notify(Notice::from_words(
                w,
                "notice-panic",
                "notice-panic-body",
                &[s("status", confirmed)],
            )));
        });
        default(info);
    }));
}

/// How long without input counts as idle, or `None` when the setting is off.
/// `EXOTEL_AGENT_IDLE_SECS` overrides the minutes (for tests and demonstrations).
fn idle_threshold(prefs: &agent_core::Preferences) -> Option<std::time::Duration> {
    if !prefs.offline_when_idle {
        return None;
    }
    let seconds = std::env::var("EXOTEL_AGENT_IDLE_SECS").ok().and_then(|s| s.trim().parse::<u64>().ok());
    Some(seconds.filter(|s| *s > 0).map_or_else(|| prefs.idle_after(), std::time::Duration::from_secs))
}

/// Windows shows a notification only for an app it knows by its AppUserModelID, which the
/// installer's Start-menu shortcut carries (the app's identifier). The notification plugin
/// uses that ID, except when run from a cargo `target` folder; a copied or unpacked `.exe` with
/// no such shortcut may show none, so the log says why.
#[cfg(windows)]
fn notifications_identity(app: &tauri::AppHandle, desk: &DeskReport) {
    let id = &app.config().identifier;
    let name = app.package_info().name.clone();
    let menus = [std::env::var_os("APPDATA"), std::env::var_os("ProgramData")];
    let shortcut = menus.into_iter().flatten().map(std::path::PathBuf::from).find_map(|root| {
        let link = root.join("Microsoft/Windows/Start Menu/Programs").join(format!("{name}.lnk"));
        link.exists().then_some(link)
    });
    match shortcut {
        Some(link) => {
            tracing::info!(app_id = %id, "notifications under the Start-menu shortcut {}", link.display());
            desk.set(Protection::Notifications, Support::works("Windows notifications"));
        }
        None => {
            let why = format!("no Start-menu shortcut named {name} carries the app's AppUserModelID");
            desk.set(Protection::Notifications, Support::missing(why));
            tracing::warn!(
            app_id = %id,
            "no Start-menu shortcut named {name}: Windows may not show this app's notifications \
             (install it with its installer, which makes the shortcut with this AppUserModelID)"
            )
        }
    }
}

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
