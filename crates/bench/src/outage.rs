//! `agent-bench outage`: a floor of agents locks their screens during an outage, in simulated
//! time ([`crate::sim_time`]).
//!
//! N agents, each a real [`Agent`] (controller, session, away rules and the away-offline owed
//! with its backoff), signed in on phone to one in-process sandbox that limits the account's
//! requests a minute. Exotel then refuses every request (503) for the outage's length; during
//! it every agent's screen locks once, at a random moment, so each owes an offline. When the
//! outage ends, the retries must not storm the account: they wait (1 s doubling to a minute,
//! spread), honour each 429's `Retry-After`, and every agent should be offline at the sandbox
//! within a few minutes. Measured: the requests and 429s in each minute around the outage's
//! end, and, per agent, the time from the outage's end to offline at the sandbox.

use std::sync::Arc;
use std::time::Duration;

use agent_core::{
    Accounts, Agent, AwayEvent, ChangeSink, ControllerConfig, Keyring, SettingsStore, SignInInput,
};
use exotel_api::Secret;
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DeviceName, Endpoint, Fault, MinuteStat};
use tokio::time::Instant;

/// One run's settings.
#[derive(Debug, Clone)]
pub struct OutageConfig {
    pub agents: usize,
    /// How long Exotel refuses everything.
    pub outage: Duration,
    pub reads_per_min: u32,
    pub writes_per_min: u32,
    pub seed: u64,
    /// The app of this issue: an away-offline that failed is owed and tried again. Off: the
    /// app before it, which sent it once (its waits made longer than any run).
    pub retried: bool,
}

/// What one run measured (simulated time).
#[derive(Debug, Clone, Default)]
pub struct OutageReport {
    /// Each minute of the run, the account's requests and 429s.
    pub per_minute: Vec<MinuteStat>,
    /// The minute (since the sandbox started) the outage began and ended in.
    pub outage_minutes: (u64, u64),
    /// From the outage's end to offline at the sandbox, for each agent that got there.
    pub offline_after: Vec<Duration>,
    /// Agents still receiving calls when the run gave up ([`GIVE_UP`] after the outage).
    pub not_offline: usize,
    /// How long the simulation took, in real time.
    pub wall: Duration,
}

/// How long after the outage's end the run waits for every agent to be offline.
pub const GIVE_UP: Duration = Duration::from_secs(30 * 60);

impl OutageReport {
    fn pick(&self, per_mille: usize) -> Duration {
        let mut v = self.offline_after.clone();
        v.sort();
        match v.len() {
            0 => Duration::ZERO,
            n => v[(n * per_mille / 1000).min(n - 1)],
        }
    }
    pub fn offline_p50(&self) -> Duration {
        self.pick(500)
    }
    pub fn offline_p95(&self) -> Duration {
        self.pick(950)
    }
    pub fn offline_max(&self) -> Duration {
        self.offline_after.iter().max().copied().unwrap_or_default()
    }
    /// The minutes of the outage (all of them refused with 503s).
    fn during(&self) -> impl Iterator<Item = &MinuteStat> {
        let (from, to) = self.outage_minutes;
        self.per_minute.iter().filter(move |m| m.minute >= from && m.minute < to)
    }
    /// The five minutes from the outage's end.
    fn after(&self) -> impl Iterator<Item = &MinuteStat> {
        let to = self.outage_minutes.1;
        self.per_minute.iter().filter(move |m| m.minute >= to && m.minute < to + 5)
    }
    /// The most requests (writes and reads, refused ones included) in a minute of the outage:
    /// the retries a minute.
    pub fn during_max(&self) -> u64 {
        self.during().map(MinuteStat::total).max().unwrap_or(0)
    }
    /// The most writes sent in a minute of the five after the outage, and the account's limit.
    pub fn after_writes_max(&self) -> u64 {
        self.after().map(|m| m.writes + m.tokens).max().unwrap_or(0)
    }
    /// 429s in the five minutes after the outage.
    pub fn after_limited(&self) -> u64 {
        self.after().map(MinuteStat::limited).sum()
    }
    pub fn after_requests(&self) -> u64 {
        self.after().map(MinuteStat::total).sum()
    }
}

/// Runs on a paused current-thread runtime of its own (call it outside any runtime).
pub fn run(config: &OutageConfig) -> Result<OutageReport, String> {
    let (mut report, wall) = crate::sim_time::run_simulated(config.seed, simulate(config))?;
    report.wall = wall;
    Ok(report)
}

/// A history that keeps nothing (the agents' histories are not measured).
#[derive(Debug)]
struct NoHistory;

impl ChangeSink for NoHistory {
    fn record(&self, _change: &agent_core::Change) {}
}

async fn simulate(config: &OutageConfig) -> Result<OutageReport, String> {
    let user_id = |i: usize| format!("agent-{i}");
    let sandbox = crate::fleet::account(config.agents, config.reads_per_min, config.writes_per_min).await?;
    for i in 0..config.agents {
        sandbox.set_active(&user_id(i), Some(DeviceName::Phone));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("a folder for the settings: {e}"))?;
    let begin = Instant::now();
    let mut rng = fastrand::Rng::with_seed(config.seed);
    // Sign-ins spread so that their token mints fit in the account's writes (with room).
    let spread =
        Duration::from_secs_f64(config.agents as f64 * 60.0 / (0.5 * f64::from(config.writes_per_min)));
    let offline_retry = if config.retried {
        agent_core::Backoff::AWAY_OFFLINE
    } else {
        // Ten years: one attempt, as the app did before (even a 429's random part of the
        // wait falls within a run's half hour once in 175,000).
        let never = Duration::from_secs(3650 * 24 * 3600);
        agent_core::Backoff { first: never, max: never }
    };
    // The outage begins once every agent is signed in (a minute later); each then locks at
    // its own moment of it.
    let signed_in = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (start_outage, outage_started) = tokio::sync::watch::channel(None::<Instant>);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..config.agents {
        let sign_in_at = spread.mul_f64(rng.f64());
        let lock_after = config.outage.mul_f64(rng.f64());
        let (signed_in, mut outage_started) = (signed_in.clone(), outage_started.clone());
        let keep_until = Duration::from_secs(24 * 3600);
        let settings = SettingsStore::new(dir.path().join(format!("{i}.toml")));
        let (host, user) = (sandbox.url(), user_id(i));
        tasks.spawn(async move {
            tokio::time::sleep_until(begin + sign_in_at).await;
            let config = ControllerConfig {
                history: Some(Arc::new(NoHistory) as Arc<dyn ChangeSink>),
                offline_retry,
                ..ControllerConfig::default()
            };
            let agent = Arc::new(Agent::new(Accounts::new(Keyring::default(), settings), config));
            let prefs =
                agent_core::Preferences { offline_on_lock: true, ..agent_core::Preferences::default() };
            if let Err(e) = agent.set_preferences(prefs) {
                return Err(format!("settings: {e}"));
            }
            loop {
                let input = SignInInput {
                    host: host.clone(),
                    app_id: DEMO_APP_ID.into(),
                    secret: Secret::new(DEMO_APP_SECRET),
                    user_id: user.clone(),
                };
                match agent.sign_in_in_memory(input).await {
                    Ok(_) => break,
                    // Refused by the account's limit: a person would try again shortly.
                    Err(_) => tokio::time::sleep(Duration::from_secs(20)).await,
                }
            }
            signed_in.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let Ok(start) = outage_started.wait_for(Option::is_some).await.map(|s| *s) else {
                return Ok(());
            };
            if let Some(start) = start {
                tokio::time::sleep_until(start + lock_after).await;
            }
            let _ = agent.away(AwayEvent::Locked).await;
            // Kept alive (its retries run) until the run ends (the task is aborted).
            tokio::time::sleep(keep_until).await;
            drop(agent);
            Ok(())
        });
    }
    while signed_in.load(std::sync::atomic::Ordering::SeqCst) < config.agents {
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_secs(60)).await;
    let outage_at = begin.elapsed();
    for endpoint in [Endpoint::Token, Endpoint::Device, Endpoint::Usermapping] {
        sandbox.set_fault(endpoint, Fault::status(503));
    }
    let _ = start_outage.send(Some(Instant::now()));
    let outage_end = outage_at + config.outage;
    let minute_of = |at: Duration| at.as_secs() / 60;
    tokio::time::sleep_until(begin + outage_end).await;
    sandbox.clear_faults();
    let mut offline_after = vec![None; config.agents];
    let mut left = config.agents;
    let ended = Instant::now();
    while left > 0 && ended.elapsed() < GIVE_UP {
        for (i, seen) in offline_after.iter_mut().enumerate() {
            if seen.is_none() && sandbox.active(&user_id(i)) == Some(Ok(None)) {
                *seen = Some(ended.elapsed());
                left -= 1;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tasks.abort_all();
    while let Some(done) = tasks.join_next().await {
        if let Ok(Err(e)) = done {
            return Err(e);
        }
    }
    Ok(OutageReport {
        per_minute: sandbox.minutes(),
        outage_minutes: (minute_of(outage_at), minute_of(outage_end)),
        offline_after: offline_after.iter().flatten().copied().collect(),
        not_offline: left,
        wall: Duration::ZERO,
    })
}
