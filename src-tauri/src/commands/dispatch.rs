//! The commands the page may call, answered in the tray process: the window process passes
//! each call over its [`crate::window::protocol`], [`crate::window`] parses it ([`Command::parse`]) and
//! [`dispatch`] answers it. Each is a thin call into the core; what the page shows comes back
//! in words already ([`agent_core::present::view`]): a status as a [`WindowView`], an error as
//! an [`ErrorView`]. No command ever returns a secret.

use std::time::Duration;

use agent_core::present::Moment;
use agent_core::present::update::UpdateView;
use agent_core::present::view::{ChangeLine, ErrorView, PageWords, WindowView};
use agent_core::words::{Words, s};
use agent_core::{
    Account, CoreError, PreferenceChanges, Preferences, SignInDefaults, SignInInput, Source, Status, now_ms,
};
use exotel_api::{KNOWN_HOSTS, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID};
use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Manager};

use crate::commands::command::{Command, SignInArgs};
use crate::shell_handle::{Applied, Message, ShellHandle};
use crate::shortcut::ShortcutError;
use crate::state::AppState;

type CmdResult<T> = Result<T, ErrorView>;

/// The words of the language the agent chose.
pub fn words(state: &AppState) -> &'static Words {
    state.agent.words()
}

/// The words of the language the agent chose, once the app has started (before: the
/// automatic choice).
pub fn app_words(app: &AppHandle) -> &'static Words {
    app.try_state::<AppState>()
        .map_or_else(|| Words::chosen(agent_core::words::LanguageChoice::Auto), |state| words(state.inner()))
}

/// The window's whole view of `status` at `fresh`, with what this computer can do: the one way
/// both a command's answer and the shell's status event make it, so neither drops a part.
pub fn window_view(
    w: &Words,
    status: &Status,
    fresh: &Moment,
    agent: &agent_core::Agent,
    desk: &agent_core::DeskReport,
    (updates, current): (&crate::updates::UpdateBoard, &str),
) -> WindowView {
    let update = UpdateView::new(w, &updates.get(), current, fresh.now);
    WindowView::new(w, status, fresh).on_desk(w, &desk.now(), &agent.preferences()).with_update(update)
}

/// Answers one call of the page: a status as the window's whole view, anything else as its
/// own value, an error in words; before the app has started, the kind `starting`.
pub async fn dispatch(app: &AppHandle, shell: &ShellHandle, command: Command) -> CmdResult<Value> {
    let Some(state) = app.try_state::<AppState>() else {
        return Err(error(app_words(app), &CoreError::Starting));
    };
    let state = state.inner();
    let w = words(state);
    let view = |result: agent_core::Result<Status>| match result {
        Ok(status) => {
            let fresh = Moment::at(now_ms(), state.agent.sync_interval()).quiet(state.agent.quiet_until());
            let current = crate::updates::current_version(app);
            to_value(
                w,
                window_view(w, &status, &fresh, &state.agent, &state.desk, (&state.updates, &current)),
            )
        }
        Err(e) => Err(error(w, &e)),
    };
    match command {
        Command::GetStatus => view(Ok(state.agent.status())),
        Command::GetAccount => to_value(w, get_account(state).await),
        Command::SignInForm => to_value(w, sign_in_form(state)),
        Command::SignIn(args) => view(sign_in(state, args).await),
        Command::SignOut => view(sign_out(state, shell).await),
        Command::SetAvailability { target } => {
            view(state.agent.change(target.target(), Source::Window).await)
        }
        Command::Refresh => view(state.agent.refresh(Source::Sync).await),
        Command::TrySandbox => view(try_sandbox(state, shell).await),
        Command::GetPreferences => {
            let shortcut_error = shell.ask(Message::ShortcutError).await.flatten();
            to_value(w, preferences_view(w, state, Applied { shortcut_error, autostart_error: None }))
        }
        Command::SetPreferences { preferences } => {
            to_value(w, set_preferences(state, shell, preferences).await?)
        }
        Command::StartBreak { seconds } => view(state.agent.start_break(Duration::from_secs(seconds)).await),
        Command::EndBreak => view(state.agent.end_break().await),
        Command::GetHistory => to_value(w, get_history(w, state)?),
        Command::GetWords => to_value(w, PageWords::new(w)),
        Command::ToggleQuiet => {
            shell.send(Message::ToggleQuiet);
            Ok(Value::Null)
        }
        // The window process closes its own window; should one reach here, it is done here.
        Command::CloseWindow => {
            shell.send(Message::CloseWindow);
            Ok(Value::Null)
        }
        // The look's states (Checking, then its outcome) reach the window as the shell sets
        // them; a view sent back from here could arrive after Checking's and show it undone.
        Command::CheckUpdates => {
            shell.send(Message::CheckUpdates);
            Ok(Value::Null)
        }
        Command::InstallUpdate => {
            shell.send(Message::InstallUpdate);
            Ok(Value::Null)
        }
        Command::Quit => {
            shell.send(Message::Quit { from: crate::shell_handle::QuitFrom::Agent, session_end: false });
            Ok(Value::Null)
        }
    }
}

/// An error as the page shows it.
fn error(w: &Words, e: &CoreError) -> ErrorView {
    ErrorView::new(w, &e.info())
}

/// A request from the page the app could not read (kind `invalid_input`): a bug, so what was
/// wrong with it goes to the log, and the page says so in the agent's words.
pub fn invalid_input(w: &Words, why: String) -> ErrorView {
    tracing::warn!(why, "a request from the window could not be read");
    error(w, &CoreError::BadRequest(agent_core::detail::Part::new("error-request-unreadable")))
}

fn to_value<T: Serialize>(w: &Words, value: T) -> CmdResult<Value> {
    serde_json::to_value(value).map_err(|e| invalid_input(w, format!("could not encode the reply: {e}")))
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

async fn sign_in(state: &AppState, args: SignInArgs) -> agent_core::Result<Status> {
    let SignInArgs { host, app_id, secret, user_id } = args;
    state.agent.sign_in(SignInInput { host, app_id, secret, user_id }).await
}

async fn sign_out(state: &AppState, shell: &ShellHandle) -> agent_core::Result<Status> {
    let result = state.agent.sign_out().await;
    shell.send(Message::StopSandbox);
    result
}

/// The preferences, with what could not be applied, in words.
#[derive(Serialize)]
struct PreferencesView {
    preferences: Preferences,
    shortcut_error: Option<String>,
    autostart_error: Option<String>,
    /// The settings the organisation enforces: the window shows them fixed, "Set by your
    /// organisation".
    enforced: Vec<String>,
}

fn preferences_view(w: &Words, state: &AppState, applied: Applied) -> PreferencesView {
    let shortcut_error = applied.shortcut_error.map(|e: ShortcutError| {
        let id = if e.no_portal { "window-shortcut-wayland" } else { "window-shortcut-error" };
        // The system's own words about it are in the log ([`ShortcutError::new`]), not in the
        // agent's language.
        w.text(id, &[s("shortcut", e.shortcut)])
    });
    let autostart_error = applied.autostart_error.map(|_| w.get("window-autostart-error"));
    let enforced = state.agent.policies().enforced_keys().into_iter().collect();
    PreferencesView { preferences: state.agent.preferences(), shortcut_error, autostart_error, enforced }
}

/// Saves the settings the window sent over the current preferences (one it does not show keeps
/// its value); the shell applies the shortcut and start at login; answers in the
/// language just saved.
async fn set_preferences(
    state: &AppState,
    shell: &ShellHandle,
    changes: PreferenceChanges,
) -> CmdResult<PreferencesView> {
    let before = state.agent.preferences();
    let preferences = changes.apply_to(&before).map_err(|e| error(words(state), &e))?;
    state.agent.set_preferences(preferences).map_err(|e| error(words(state), &e))?;
    let before = Box::new(before);
    let applied = shell.ask(|reply| Message::PreferencesSaved { before, reply }).await.unwrap_or_default();
    Ok(preferences_view(words(state), state, applied))
}

/// The kept history, newest first, in words.
fn get_history(w: &Words, state: &AppState) -> CmdResult<Vec<ChangeLine>> {
    let Some(history) = &state.history else { return Ok(Vec::new()) };
    let changes = history.read().map_err(|e| error(w, &e))?;
    let now = now_ms();
    Ok(changes.iter().rev().map(|c| ChangeLine::new(w, c, now)).collect())
}

/// Starts the built-in sandbox on loopback and signs in to it with its demo credentials,
/// keeping nothing in the keyring or settings.
async fn try_sandbox(state: &AppState, shell: &ShellHandle) -> agent_core::Result<Status> {
    state.agent.policies().check_sandbox()?;
    let started = shell.ask(Message::StartSandbox).await.ok_or(CoreError::Stopped)?;
    let url = started.map_err(CoreError::Sandbox)?;
    let input = SignInInput {
        host: url,
        app_id: DEMO_APP_ID.to_owned(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.to_owned(),
    };
    state.agent.sign_in_sandbox(input).await
}
