//! What the tests of the OS's signals share: the demo agent signed in (in memory, no keyring) to a sandbox,
//! and a bounded wait.

#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Accounts, Agent, ControllerConfig, Keyring, SettingsStore, SignInInput};
use exotel_api::Secret;
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox};

/// The demo agent, signed in to `sandbox`, its settings in `dir`.
pub async fn signed_in_agent(sandbox: &Sandbox, dir: &tempfile::TempDir) -> Arc<Agent> {
    signed_in_agent_with(sandbox, dir, ControllerConfig::default()).await
}

/// [`signed_in_agent`] with `config`.
pub async fn signed_in_agent_with(
    sandbox: &Sandbox,
    dir: &tempfile::TempDir,
    config: ControllerConfig,
) -> Arc<Agent> {
    signed_in(sandbox, agent_in(dir, config)).await
}

/// [`signed_in_agent`] under `policies`.
pub async fn signed_in_agent_under(
    sandbox: &Sandbox,
    dir: &tempfile::TempDir,
    policies: agent_core::policy::Policies,
) -> Arc<Agent> {
    signed_in(sandbox, agent_in(dir, ControllerConfig::default()).with_policies(policies)).await
}

fn agent_in(dir: &tempfile::TempDir, config: ControllerConfig) -> Agent {
    Agent::new(
        Accounts::new(Keyring::default(), SettingsStore::new(dir.path().join("settings.toml"))),
        config,
    )
}

async fn signed_in(sandbox: &Sandbox, agent: Agent) -> Arc<Agent> {
    let input = SignInInput {
        host: sandbox.url(),
        app_id: DEMO_APP_ID.into(),
        secret: Secret::new(DEMO_APP_SECRET),
        user_id: DEMO_USER_ID.into(),
    };
    agent.sign_in_in_memory(input).await.unwrap();
    Arc::new(agent)
}

/// Waits for `ok`, at most 5 s.
pub async fn eventually(what: &str, ok: impl Fn() -> bool) {
    for _ in 0..100 {
        if ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 5 s");
}
