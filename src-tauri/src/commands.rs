//! The commands the window may call. Each is a thin call into the core; errors reach the
//! window as `{kind, message, field}` ([`ErrorInfo`]) and no command ever returns a secret.

use agent_core::{Account, ErrorInfo, SignInInput, Source, Status, Target, now_ms};
use exotel_api::{DEFAULT_HOST, Device, KNOWN_HOSTS, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox};
use serde::Serialize;
use tauri::State;

use crate::AppState;

type CmdResult<T> = Result<T, ErrorInfo>;

/// Every command, for `invoke_handler` (and `build.rs`'s permission list).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        get_status,
        get_account,
        hosts,
        sign_in,
        sign_out,
        set_availability,
        refresh,
        try_sandbox
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

#[derive(Serialize)]
struct Hosts {
    default: &'static str,
    known: Vec<HostChoice>,
}

#[tauri::command]
fn hosts() -> Hosts {
    Hosts {
        default: DEFAULT_HOST,
        known: KNOWN_HOSTS.iter().map(|(label, url)| HostChoice { label, url }).collect(),
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
