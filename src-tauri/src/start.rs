//! What the tray process does at start, step by step ([`tray_process`]): the agent, what this
//! computer can do, the shell (tray, window, shortcut), and the OS's events. Each step is a
//! function named for it; the order matters and is said where it does.

use std::sync::Arc;

use agent_core::present::{Notice, availability_words, last_quit_notice};
use agent_core::words::s;
use agent_core::{
    Accounts, Agent, AgentHandler, ChangeSink, ControllerConfig, DeskReport, History, Protection, Support,
};
use tauri::{App, Manager};

use crate::shell_handle::{Message, QuitFrom, ShellHandle};
use crate::state::AppState;

/// Starts the tray process's parts; `show_window`: open the window once the tray is ready.
pub fn tray_process(app: &mut App, show_window: bool) -> Result<(), Box<dyn std::error::Error>> {
    let (agent, history) = make_agent()?;
    // The last quit could not go offline (at a session's end nobody could be asked).
    let quit_failed = history.as_ref().and_then(|h| agent.untold_quit_failure(h));
    let (shell, inbox) = ShellHandle::new();
    app.manage(shell.clone());
    let desk = platform_desk(app);
    on_panic(shell.clone(), agent.clone());
    let rules = agent.policies().update_rules();
    let updates = crate::updates::UpdateBoard::new(if rules.enabled {
        agent_core::updates::UpdateState::NotChecked
    } else {
        agent_core::updates::UpdateState::Off
    });
    app.manage(AppState { agent: agent.clone(), history, desk: desk.clone(), updates: updates.clone() });
    // The first read (keyring, token, Exotel) runs while the tray is being built.
    let starting = agent.clone();
    tauri::async_runtime::spawn(async move { starting.start().await });
    let tray = crate::tray::build(app.handle(), shell.clone(), agent.words())?;
    crate::shell::spawn(
        app.handle().clone(),
        shell.clone(),
        inbox,
        agent.clone(),
        tray,
        desk.clone(),
        (updates, rules.clone()),
    );
    looks_for_updates(shell.clone(), rules);
    if let Some(failed) = quit_failed {
        shell.send(Message::Notify(last_quit_notice(agent.words(), &failed)));
    }
    crate::signals::quit_on_signals(shell.clone());
    listen_to_the_os(app, &shell, agent, desk);
    tracing::info!(version = %app.package_info().version, "tray ready");
    if show_window {
        shell.send(Message::OpenWindow);
    }
    Ok(())
}

/// Asks the shell for a look at the update channel on the organisation's schedule
/// ([`crate::updates::schedule`]), for as long as the app runs; with updates off, never.
fn looks_for_updates(shell: ShellHandle, rules: agent_core::updates::UpdateRules) {
    tauri::async_runtime::spawn(async move {
        agent_core::updates::run_checks(&rules, crate::updates::schedule(), || {
            shell.send(Message::CheckUpdates);
            std::future::ready(())
        })
        .await;
    });
}

/// The agent, with the history its changes are kept in (none if it has no place).
fn make_agent() -> Result<(Arc<Agent>, Option<History>), agent_core::CoreError> {
    let accounts = Accounts::default_location()?;
    let history = History::default_location().ok();
    let config = ControllerConfig {
        history: history.clone().map(|h| Arc::new(h) as Arc<dyn ChangeSink>),
        ..ControllerConfig::default()
    };
    // The controller starts on the async runtime.
    let agent = tauri::async_runtime::block_on(async { Arc::new(Agent::new(accounts, config)) });
    Ok((agent, history))
}

/// What this computer can do, as far as the platform says at once ("On this computer"); the
/// rest is reported as each part finds out.
fn platform_desk(#[cfg_attr(not(windows), allow(unused_variables))] app: &App) -> DeskReport {
    let desk = DeskReport::default();
    os_events::platform_desk(&desk);
    #[cfg(windows)]
    notifications_identity(app.handle(), &desk);
    if !cfg!(target_os = "linux") {
        // Elsewhere the OS always has a tray; on Linux the desktop may not (os_events::desk).
        desk.set(
            Protection::Tray,
            Support::works(if cfg!(windows) { "notification area" } else { "menu bar" }),
        );
    }
    desk
}

/// Lock, sleep and the session's end (D-Bus on Linux, a hidden window on Windows, notifications
/// on macOS), and idle time, handed to the agent.
fn listen_to_the_os(
    #[cfg_attr(not(target_os = "macos"), allow(unused_variables))] app: &mut App,
    shell: &ShellHandle,
    agent: Arc<Agent>,
    desk: DeskReport,
) {
    // On Windows the session's end has ended the event loop already (tao ends it on
    // WM_ENDSESSION); elsewhere it is an ordinary quit.
    let quitting = shell.clone();
    let on_shutdown = move || {
        quitting.send(Message::Quit { from: QuitFrom::Unattended, session_end: cfg!(windows) });
    };
    let os = Arc::new(AgentHandler { agent: agent.clone(), on_shutdown });
    let runtime = tauri::async_runtime::handle().inner().clone();
    #[cfg(target_os = "linux")]
    {
        let (os, desk) = (os.clone(), desk.clone());
        tauri::async_runtime::spawn(async move { os_events::spawn(os, desk) });
    }
    #[cfg(windows)]
    if let Err(e) = os_events::windows::spawn_session_window(os.clone(), &runtime, &desk) {
        tracing::warn!("no lock, sleep or session-end events: {e}");
    }
    // On macOS, notifications delivered by the main thread's run loop (setup runs there); the
    // app stays out of the Dock, as a menu-bar app.
    #[cfg(target_os = "macos")]
    {
        os_events::macos::watch_session(os.clone(), &runtime);
        app.set_activation_policy(tauri::ActivationPolicy::Accessory);
    }
    let threshold = move || idle_threshold(&agent.preferences());
    if let Err(e) = os_events::idle::spawn(os, threshold, runtime, desk) {
        tracing::warn!("no idle detection: {e}");
    }
}

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

/// Windows shows a notification only for an app it knows by its AppUserModelID (the app's
/// identifier). The installer's Start-menu shortcut carries it; so that a copied or portable
/// `.exe` notifies too, the app registers the ID for this user at each start
/// (`HKCU\Software\Classes\AppUserModelId\<id>`: its display name, and its icon where the
/// installer put one) and sets it on its process, as Microsoft documents for apps without a
/// package. The registration stays after an uninstall (one small per-user key; the README says
/// how to remove it).
#[cfg(windows)]
fn notifications_identity(app: &tauri::AppHandle, desk: &DeskReport) {
    let id = app.config().identifier.clone();
    let name = app.package_info().name.clone();
    match register_app_user_model_id(&id, &name) {
        Ok(()) => {
            tracing::info!(app_id = %id, "notifications under the AppUserModelID registered for this user");
            desk.set(Protection::Notifications, Support::works(format!("Windows notifications ({id})")));
        }
        Err(why) => {
            tracing::warn!(app_id = %id, "Windows may not show this app's notifications: {why}");
            desk.set(Protection::Notifications, Support::missing(why));
        }
    }
}

#[cfg(windows)]
fn register_app_user_model_id(id: &str, name: &str) -> Result<(), String> {
    let classes = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER);
    let path = format!(r"Software\Classes\AppUserModelId\{id}");
    let (key, _) = classes
        .create_subkey(&path)
        .map_err(|e| format!("the AppUserModelID could not be registered: {e}"))?;
    key.set_value("DisplayName", &name)
        .map_err(|e| format!("the AppUserModelID's name could not be set: {e}"))?;
    let icon = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join("icon.png")));
    if let Some(icon) = icon.filter(|i| i.exists()) {
        let _ = key.set_value("IconUri", &icon.display().to_string());
    }
    let wide = windows::core::HSTRING::from(id);
    // SAFETY: a valid, NUL-terminated wide string that lives for the call.
    #[allow(unsafe_code)]
    unsafe { windows::Win32::UI::Shell::SetCurrentProcessExplicitAppUserModelID(&wide) }
        .map_err(|e| format!("the AppUserModelID could not be set on the process: {e}"))
}
