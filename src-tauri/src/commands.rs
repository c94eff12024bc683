//! The commands the page may call, answered in the tray process: the window process passes
//! each call here over its [`crate::link`] ([`dispatch`]). Each is a thin call into the core;
//! errors reach the page as `{kind, message, field}` ([`ErrorInfo`]) and no command ever returns a
//! secret. Arguments arrive as the page sent them (camelCase keys, as Tauri's own commands take).

use std::time::Duration;

use agent_core::{
    Account, Change, CoreError, ErrorInfo, Preferences, SignInDefaults, SignInInput, Source, Status, Target,
};
use exotel_api::{Device, KNOWN_HOSTS, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox, SandboxConfig};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt;

use crate::{AppState, quit, shortcut};

type CmdResult<T> = Result<T, ErrorInfo>;

/// Answers the page's call of `command` (one of [`crate::command_names::COMMANDS`]) with `args`.
pub async fn dispatch(app: AppHandle, command: &str, args: Value) -> CmdResult<Value> {
    let Some(state) = app.try_state::<AppState>() else {
        return Err(invalid_input("the app is still starting".into()));
    };
    let state = state.inner();
    match command {
        "get_status" => to_value(state.agent.status()),
        "get_account" => to_value(get_account(state).await),
        "sign_in_form" => to_value(sign_in_form(state)),
        "sign_in" => to_value(sign_in(state, parse(args)?).await?),
        "sign_out" => to_value(sign_out(state).await?),
        "set_availability" => to_value(set_availability(state, parse(args)?).await?),
        "refresh" => to_value(state.agent.refresh(Source::Sync).await.map_err(|e| e.info())?),
        "try_sandbox" => to_value(try_sandbox(state).await?),
        "get_preferences" => to_value(preferences_view(state, None)),
        "set_preferences" => to_value(set_preferences(&app, state, parse(args)?)?),
        "start_break" => to_value(start_break(state, parse(args)?).await?),
        "end_break" => to_value(state.agent.end_break().await.map_err(|e| e.info())?),
        "get_history" => to_value(get_history(state)?),
        // Escape in the window: it closes; the app stays in the tray.
        "close_window" => {
            crate::window::close();
            Ok(Value::Null)
        }
        // Quits the app (going offline first if the agent asked for that).
        "quit" => {
            quit::quit(&app);
            Ok(Value::Null)
        }
        other => Err(invalid_input(format!("unknown command {other:?}"))),
    }
}

/// A request the app cannot carry out as asked (kind `invalid_input`).
fn invalid_input(message: String) -> ErrorInfo {
    CoreError::BadRequest(message).info()
}

/// The page's arguments, or a clear error naming what is wrong with them.
fn parse<T: DeserializeOwned>(args: Value) -> CmdResult<T> {
    serde_json::from_value(args).map_err(|e| invalid_input(format!("invalid arguments: {e}")))
}

fn to_value<T: Serialize>(value: T) -> CmdResult<Value> {
    serde_json::to_value(value).map_err(|e| invalid_input(format!("could not encode the reply: {e}")))
}

/// The account the app is signed in with (no secret).
#[derive(Serialize)]
struct AccountView {
    account: Option<Account>,
    sandbox: bool,
}

async fn get_account(state: &AppState) -> AccountView {
    AccountView { account: state.agent.account().await, sandbox: state.agent.in_sandbox().await }
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

fn sign_in_form(state: &AppState) -> SignInForm {
    SignInForm {
        known: KNOWN_HOSTS.iter().map(|(label, url)| HostChoice { label, url }).collect(),
        defaults: state.agent.sign_in_defaults(),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignInArgs {
    host: String,
    app_id: String,
    secret: Secret,
    user_id: String,
}

async fn sign_in(state: &AppState, args: SignInArgs) -> CmdResult<Status> {
    let SignInArgs { host, app_id, secret, user_id } = args;
    let input = SignInInput { host, app_id, secret, user_id };
    state.agent.sign_in(input).await.map_err(|e| e.info())
}

async fn sign_out(state: &AppState) -> CmdResult<Status> {
    let result = state.agent.sign_out().await.map_err(|e| e.info());
    state.sandbox.lock().await.take();
    result
}

/// `target`: `offline`, `phone` or `sip`.
#[derive(Deserialize)]
struct AvailabilityArgs {
    target: String,
}

async fn set_availability(state: &AppState, args: AvailabilityArgs) -> CmdResult<Status> {
    let target = match args.target.as_str() {
        "offline" => Target::Offline,
        "phone" => Target::Receiving(Device::Phone),
        "sip" => Target::Receiving(Device::Sip),
        other => {
            return Err(invalid_input(format!("unknown target {other:?}: expected offline, phone or sip")));
        }
    };
    state.agent.change(target, Source::Window).await.map_err(|e| e.info())
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

/// Saves the preferences and applies the shortcut and start-at-login ones.
#[derive(Deserialize)]
struct PreferencesArgs {
    preferences: Preferences,
}

fn set_preferences(app: &AppHandle, state: &AppState, args: PreferencesArgs) -> CmdResult<PreferencesView> {
    let before = state.agent.preferences();
    let saved = state.agent.set_preferences(args.preferences).map_err(|e| e.info())?;
    if saved.shortcut != before.shortcut {
        let error = shortcut::apply(app, &saved.shortcut);
        if let Ok(mut slot) = state.shortcut_error.lock() {
            *slot = error;
        }
    }
    let autolaunch = app.autolaunch();
    let applied = if saved.start_at_login { autolaunch.enable() } else { autolaunch.disable() };
    let autostart_error = applied.err().map(|e| format!("Start at login could not be changed: {e}"));
    Ok(preferences_view(state, autostart_error))
}

/// A break of `seconds` (the window offers 5, 15, 30 and 60 minutes).
#[derive(Deserialize)]
struct BreakArgs {
    seconds: u64,
}

async fn start_break(state: &AppState, args: BreakArgs) -> CmdResult<Status> {
    state.agent.start_break(Duration::from_secs(args.seconds)).await.map_err(|e| e.info())
}

/// The kept history, newest first.
fn get_history(state: &AppState) -> CmdResult<Vec<Change>> {
    let Some(history) = &state.history else { return Ok(Vec::new()) };
    let mut changes = history.read().map_err(|e| e.info())?;
    changes.reverse();
    Ok(changes)
}

/// Starts the built-in sandbox on loopback and signs in to it with its demo credentials,
/// keeping nothing in the keyring or settings.
async fn try_sandbox(state: &AppState) -> CmdResult<Status> {
    let mut sandbox = state.sandbox.lock().await;
    if sandbox.is_none() {
        // Without its controls over HTTP, and with bounded logs (any local user can reach it).
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let started = Sandbox::start_with(loopback, SandboxConfig::in_app())
            .await
            .map_err(|e| CoreError::Settings(format!("could not start the sandbox: {e}")).info())?;
        *sandbox = Some(started);
    }
    let url = sandbox.as_ref().map(Sandbox::url).unwrap_or_default();
    let input = SignInInput {
        host: url,
        app_id: DEMO_APP_ID.to_owned(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.to_owned(),
    };
    state.agent.sign_in_sandbox(input).await.map_err(|e| e.info())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::command_names::COMMANDS;

    /// A command the window may not call fails in the page with "not allowed": each one must be
    /// granted by the window's capability.
    #[test]
    fn the_window_is_granted_every_command() {
        let capability = include_str!("../capabilities/main.json");
        for command in COMMANDS {
            let permission = format!("\"allow-{}\"", command.replace('_', "-"));
            assert!(capability.contains(&permission), "capabilities/main.json lacks {permission}");
        }
    }
}
