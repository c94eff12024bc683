//! The commands the window may call. Each is a thin call into the core; errors reach the
//! window as `{kind, message, field}` ([`ErrorInfo`]) and no command ever returns a secret.

use std::time::Duration;

use agent_core::{
    Account, Change, ErrorInfo, Preferences, SignInDefaults, SignInInput, Source, Status, Target, now_ms,
};
use exotel_api::{Device, KNOWN_HOSTS, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox};
use serde::Serialize;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

use crate::{AppState, quit, shortcut};

type CmdResult<T> = Result<T, ErrorInfo>;

/// Every command, for `invoke_handler` (and `build.rs`'s permission list).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        get_status,
        get_account,
        sign_in_form,
        sign_in,
        sign_out,
        set_availability,
        refresh,
        try_sandbox,
        get_preferences,
        set_preferences,
        start_break,
        end_break,
        get_history,
        close_window,
        quit
    ]
}

/// The status as last published.
#[tauri::command]
fn get_status(state: State<'_, AppState>) -> Status {
    state.agent.status()
}

/// The account the app is signed in with (no secret).
#[derive(Serialize)]
struct AccountView {
    account: Option<Account>,
    sandbox: bool,
}

#[tauri::command]
async fn get_account(state: State<'_, AppState>) -> CmdResult<AccountView> {
    let sandbox = state.sandbox.lock().await.is_some();
    Ok(AccountView { account: state.agent.account().await, sandbox })
}

#[derive(Serialize)]
struct HostChoice {
    label: &'static str,
    url: &'static str,
}

/// What the sign-in form starts with: the known hosts to choose from, and the fields filled in
/// from the saved account or the admin's presets (`agent_core::presets`).
#[derive(Serialize)]
struct SignInForm {
    known: Vec<HostChoice>,
    #[serde(flatten)]
    defaults: SignInDefaults,
}

#[tauri::command]
fn sign_in_form(state: State<'_, AppState>) -> SignInForm {
    SignInForm {
        known: KNOWN_HOSTS.iter().map(|(label, url)| HostChoice { label, url }).collect(),
        defaults: state.agent.sign_in_defaults(),
    }
}

#[tauri::command]
async fn sign_in(
    state: State<'_, AppState>,
    host: String,
    app_id: String,
    secret: String,
    user_id: String,
) -> CmdResult<Status> {
    let input = SignInInput { host, app_id, secret: Secret::new(secret), user_id };
    state.agent.sign_in(input).await.map_err(|e| e.info())
}

#[tauri::command]
async fn sign_out(state: State<'_, AppState>) -> CmdResult<Status> {
    let result = state.agent.sign_out().await.map_err(|e| e.info());
    state.sandbox.lock().await.take();
    result
}

/// `target`: `offline`, `phone` or `sip`.
#[tauri::command]
async fn set_availability(state: State<'_, AppState>, target: String) -> CmdResult<Status> {
    let target = match target.as_str() {
        "offline" => Target::Offline,
        "phone" => Target::Receiving(Device::Phone),
        "sip" => Target::Receiving(Device::Sip),
        other => {
            let message = format!("unknown target {other:?}: expected offline, phone or sip");
            return Err(ErrorInfo { kind: "invalid_input".into(), message, field: None, at: now_ms() });
        }
    };
    state.agent.change(target, Source::Window).await.map_err(|e| e.info())
}

/// Reads the status from Exotel now (the window calls it once when it opens).
#[tauri::command]
async fn refresh(state: State<'_, AppState>) -> CmdResult<Status> {
    state.agent.refresh(Source::Sync).await.map_err(|e| e.info())
}

/// The preferences, with what could not be applied.
#[derive(Serialize)]
struct PreferencesView {
    preferences: Preferences,
    shortcut_error: Option<String>,
    autostart_error: Option<String>,
}

fn preferences_view(state: &AppState, autostart_error: Option<String>) -> PreferencesView {
    let shortcut_error = state.shortcut_error.lock().map(|e| e.clone()).unwrap_or_default();
    PreferencesView { preferences: state.agent.preferences(), shortcut_error, autostart_error }
}

#[tauri::command]
fn get_preferences(state: State<'_, AppState>) -> PreferencesView {
    preferences_view(&state, None)
}

/// Saves the preferences and applies the shortcut and start-at-login ones.
#[tauri::command]
fn set_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
    preferences: Preferences,
) -> CmdResult<PreferencesView> {
    let before = state.agent.preferences();
    let saved = state.agent.set_preferences(preferences).map_err(|e| e.info())?;
    if saved.shortcut != before.shortcut {
        let error = shortcut::apply(&app, &saved.shortcut);
        if let Ok(mut slot) = state.shortcut_error.lock() {
            *slot = error;
        }
    }
    let autolaunch = app.autolaunch();
    let applied = if saved.start_at_login { autolaunch.enable() } else { autolaunch.disable() };
    let autostart_error = applied.err().map(|e| format!("Start at login could not be changed: {e}"));
    Ok(preferences_view(&state, autostart_error))
}

/// A break of `seconds` (the window offers 5, 15, 30 and 60 minutes).
#[tauri::command]
async fn start_break(state: State<'_, AppState>, seconds: u64) -> CmdResult<Status> {
    state.agent.start_break(Duration::from_secs(seconds)).await.map_err(|e| e.info())
}

#[tauri::command]
async fn end_break(state: State<'_, AppState>) -> CmdResult<Status> {
    state.agent.end_break().await.map_err(|e| e.info())
}

/// The kept history, newest first.
#[tauri::command]
fn get_history(state: State<'_, AppState>) -> CmdResult<Vec<Change>> {
    let Some(history) = &state.history else { return Ok(Vec::new()) };
    let mut changes = history.read().map_err(|e| e.info())?;
    changes.reverse();
    Ok(changes)
}

/// Closes the window (Escape); the app stays in the tray.
#[tauri::command]
fn close_window(app: AppHandle) {
    crate::window::close(&app);
}

/// Quits the app (going offline first if the agent asked for that).
#[tauri::command]
fn quit(app: AppHandle) {
    quit::quit(&app);
}

/// Starts the built-in sandbox on loopback and signs in to it with its demo credentials,
/// keeping nothing in the keyring or settings.
#[tauri::command]
async fn try_sandbox(state: State<'_, AppState>) -> CmdResult<Status> {
    let mut sandbox = state.sandbox.lock().await;
    if sandbox.is_none() {
        let started = Sandbox::start().await.map_err(|e| {
            agent_core::CoreError::Settings(format!("could not start the sandbox: {e}")).info()
        })?;
        *sandbox = Some(started);
    }
    let url = sandbox.as_ref().map(Sandbox::url).unwrap_or_default();
    let input = SignInInput {
        host: url,
        app_id: DEMO_APP_ID.to_owned(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.to_owned(),
    };
    state.agent.sign_in_in_memory(input).await.map_err(|e| e.info())
}
