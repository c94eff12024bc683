//! What the controller tests share: a session on the sandbox with quick retries and a short
//! timeout, a controller with quick read-backs, and a bounded wait for a published status.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
// The fault tests print their tally for the test command's summary.
#![allow(clippy::print_stdout)]

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

/// An agent's world for the `Agent` tests: a sandbox, a folder for the settings and the
/// history, and a wall clock the test moves.
pub struct World {
    pub sandbox: Sandbox,
    pub dir: tempfile::TempDir,
    pub clock: Arc<agent_core::ManualClock>,
}

impl World {
    pub async fn new() -> Self {
        Self {
            sandbox: Sandbox::start().await.unwrap(),
            dir: tempfile::tempdir().unwrap(),
            clock: Arc::new(agent_core::ManualClock::new(agent_core::now_ms())),
        }
    }

    pub fn settings(&self) -> agent_core::SettingsStore {
        agent_core::SettingsStore::new(self.dir.path().join("settings.toml"))
    }

    pub fn history(&self) -> agent_core::History {
        agent_core::History::new(self.dir.path().join("history.jsonl"))
    }

    /// Which device the sandbox has on for the demo agent.
    pub fn active(&self) -> Option<exotel_sandbox::DeviceName> {
        self.sandbox.active(DEMO_USER_ID).unwrap().unwrap()
    }

    /// An agent signed in (in memory: no keyring) to the sandbox with `config`, on the system
    /// clock or this world's, with `prefs` saved if given.
    pub async fn agent_with(
        &self,
        config: ControllerConfig,
        manual_clock: bool,
        prefs: Option<agent_core::Preferences>,
    ) -> Arc<agent_core::Agent> {
        let accounts = agent_core::Accounts::new(agent_core::Keyring::default(), self.settings());
        self.agent_on(accounts, config, manual_clock, prefs).await
    }

    async fn agent_on(
        &self,
        accounts: agent_core::Accounts,
        config: ControllerConfig,
        manual_clock: bool,
        prefs: Option<agent_core::Preferences>,
    ) -> Arc<agent_core::Agent> {
        let agent = if manual_clock {
            agent_core::Agent::with_clock(accounts, config, self.clock.clone())
        } else {
            agent_core::Agent::new(accounts, config)
        };
        let agent = Arc::new(agent);
        let input = agent_core::SignInInput {
            host: self.sandbox.url(),
            app_id: DEMO_APP_ID.into(),
            secret: Secret::new(DEMO_APP_SECRET),
            user_id: DEMO_USER_ID.into(),
        };
        agent.sign_in_in_memory(input).await.unwrap();
        if let Some(p) = prefs {
            agent.set_preferences(p).unwrap();
        }
        agent
    }

    /// An agent on the system clock, with this world's history (the duties tests).
    pub async fn agent(&self) -> Arc<agent_core::Agent> {
        self.agent_with(self.with_history(), false, None).await
    }

    /// An agent on this world's clock with lock, sleep and idle all taking it offline (the
    /// away rules' tests), with `config`.
    pub async fn away_agent(&self, config: ControllerConfig) -> Arc<agent_core::Agent> {
        let prefs = agent_core::Preferences {
            offline_on_lock: true,
            offline_on_sleep: true,
            offline_when_idle: true,
            ..agent_core::Preferences::default()
        };
        self.agent_with(config, true, Some(prefs)).await
    }

    /// An agent as [`Self::away_agent`] makes, with *Turn calls back on when I return* on, for
    /// the outage tests: each request sent 3 times 1-2 ms apart, read-backs 1 ms apart, a 429
    /// never waited out within a change, and an away-offline that failed tried again after
    /// 20 ms, doubling to 200 ms.
    pub async fn outage_agent(&self) -> Arc<agent_core::Agent> {
        let retry = RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryPolicy::default()
        };
        let accounts =
            agent_core::Accounts::new(agent_core::Keyring::default(), self.settings()).with_retry(retry);
        let config = ControllerConfig {
            confirm_backoff: Duration::from_millis(1),
            offline_retry: OUTAGE_BACKOFF,
            // A 429 is not waited out inside the change: the away-offline's own retry waits
            // for its `Retry-After`.
            limit_wait: Duration::ZERO,
            ..self.with_history()
        };
        let prefs = agent_core::Preferences {
            offline_on_lock: true,
            offline_on_sleep: true,
            offline_when_idle: true,
            restore_on_return: true,
            ..agent_core::Preferences::default()
        };
        self.agent_on(accounts, config, true, Some(prefs)).await
    }

    /// The config with this world's history.
    pub fn with_history(&self) -> ControllerConfig {
        ControllerConfig { history: Some(Arc::new(self.history())), ..ControllerConfig::default() }
    }
}

/// The outage tests' waits between attempts of an away-offline.
pub const OUTAGE_BACKOFF: agent_core::Backoff =
    agent_core::Backoff { first: Duration::from_millis(20), max: Duration::from_millis(200) };

/// Waits (at most 5 s) until the agent's published status satisfies `ok`.
pub async fn until_agent(agent: &agent_core::Agent, ok: impl Fn(&Status) -> bool) -> Status {
    until(agent.controller(), Duration::from_secs(5), ok).await.expect("the expected status within 5 s")
}

/// Every status the controller publishes from now on, collected in the background.
pub fn record(controller: &Controller) -> Arc<std::sync::Mutex<Vec<Status>>> {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut rx = controller.subscribe();
    let out = seen.clone();
    tokio::spawn(async move {
        while rx.changed().await.is_ok() {
            let s = rx.borrow_and_update().clone();
            out.lock().unwrap().push(s);
        }
    });
    seen
}

/// Runs named cases at most `at_once` at a time (a busy 2-core machine must not turn replies
/// into timeouts), prints `FAILED name: why` for each failure (a panic included) and the tally
/// `{title}: passed/total cases passed`, and fails the test if any case failed.
pub async fn run_cases<F>(title: &str, at_once: usize, cases: Vec<(String, F)>)
where
    F: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let gate = Arc::new(tokio::sync::Semaphore::new(at_once));
    let expected = cases.len();
    let mut running = tokio::task::JoinSet::new();
    for (name, case) in cases {
        let gate = gate.clone();
        running.spawn(async move {
            let _permit = gate.acquire_owned().await;
            (name, case.await)
        });
    }
    let mut failed = Vec::new();
    let mut total = 0;
    while let Some(done) = running.join_next().await {
        total += 1;
        match done {
            Ok((_, Ok(()))) => {}
            Ok((name, Err(why))) => failed.push(format!("{name}: {why}")),
            Err(panic) => failed.push(format!("a case panicked: {panic}")),
        }
    }
    failed.sort();
    for f in &failed {
        println!("FAILED {f}");
    }
    println!("{title}: {}/{total} cases passed", total - failed.len());
    assert!(failed.is_empty(), "{} of {total} cases failed", failed.len());
    assert_eq!(total, expected);
}

/// A model test's run: `cases` sequences drawn from `sequence` with a fixed seed (every run walks
/// the same paths), each given to `run` with the count of steps taken so far; prints `{title}:
/// N sequences, M steps, K violations` for the test command (with `, L liveness violations`
/// when `liveness`: a failure whose reason begins with "liveness"), and panics with proptest's
/// smallest failing sequence.
pub fn run_model<S: proptest::strategy::Strategy>(
    title: &str,
    liveness: bool,
    seed: &[u8; 32],
    cases: u32,
    sequence: S,
    run: impl Fn(S::Value, &std::sync::atomic::AtomicUsize) -> Result<(), proptest::test_runner::TestCaseError>,
) {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Shrinking a failure stops after two minutes (a liveness failure waits out its bound at
    // every try): the sequence printed is then the smallest found by then.
    let config = Config { cases, failure_persistence: None, max_shrink_time: 120_000, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, seed));
    let (sequences, steps) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let outcome = runner.run(&sequence, |value| {
        sequences.fetch_add(1, Ordering::Relaxed);
        run(value, &steps)
    });
    let live = outcome.as_ref().err().is_some_and(|e| e.to_string().contains("liveness"));
    let tally = format!(
        "{title}: {} sequences, {} steps, {} violations",
        sequences.load(Ordering::Relaxed),
        steps.load(Ordering::Relaxed),
        usize::from(outcome.is_err() && !live)
    );
    if liveness {
        println!("{tally}, {} liveness violations", usize::from(live));
    } else {
        println!("{tally}");
    }
    if let Err(e) = outcome {
        panic!("{e}");
    }
}
