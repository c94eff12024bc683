//! What the controller tests share: a session on the sandbox with quick retries and a short
//! timeout, a controller with quick read-backs, and a bounded wait for a published status.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Controller, ControllerConfig, Status};
use exotel_api::{AppCredentials, Client, Host, HttpConfig, RetryPolicy, Secret, Session};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Sandbox};

/// The demo agent's session on `sandbox`: requests time out after `timeout`; transient failures
/// are sent 3 times with 5-20 ms between.
pub fn quick_session(sandbox: &Sandbox, timeout: Duration) -> Arc<Session> {
    let host = Host::parse(&sandbox.url()).unwrap();
    let http = HttpConfig { request_timeout: timeout, ..HttpConfig::default() }.build(&host).unwrap();
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let retry = RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    Arc::new(Session::new(Client::new(host, http), creds, DEMO_USER_ID).with_retry(retry))
}

/// A controller on `session` that reads a change back 3 times from 10 ms, and waits out a 429
/// on a change for at most `limit_wait`.
pub fn quick_controller(session: Arc<Session>, limit_wait: Duration) -> Controller {
    let config = ControllerConfig {
        confirm_reads: 3,
        confirm_backoff: Duration::from_millis(10),
        limit_wait,
        ..ControllerConfig::default()
    };
    Controller::spawn(Some(session), config)
}

/// Waits (at most `within`) until the published status satisfies `ok`.
pub async fn until(
    controller: &Controller,
    within: Duration,
    ok: impl Fn(&Status) -> bool,
) -> Option<Status> {
    let mut rx = controller.subscribe();
    let wait = async {
        loop {
            let s = rx.borrow_and_update().clone();
            if ok(&s) {
                return Some(s);
            }
            if rx.changed().await.is_err() {
                return None;
            }
        }
    };
    tokio::time::timeout(within, wait).await.ok().flatten()
}
