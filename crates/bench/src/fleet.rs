//! `agent-bench fleet`: a whole call centre on one Exotel account, in simulated time.
//!
//! N agents, each a real [`Controller`] with its own [`Session`] (its own token and its own view
//! of the rate limit) and a real sync loop ([`run_sync_loop`]), live through a shift against one
//! in-process sandbox that limits the account's requests per minute. Each agent starts the app
//! at a random time in the first quarter hour, goes on phone or computer, and during the day
//! clicks, takes breaks (offline, then back), locks the screen (offline, then back), has their
//! device changed by a supervisor (a change made elsewhere), and goes offline at the end.
//! Time is tokio's paused clock, held still while a request is in flight
//! ([`crate::sim_time`]), so an 8-hour shift takes seconds and figures are in simulated time.
//!
//! Two policies are compared: **today** (what the app did before: a read every 30 s, a 429
//! retried inline only when its `Retry-After` is at most 5 s, never waited for after that) and
//! **shared** (skip while fresh, spread, honour `Retry-After`, slow down when the budget runs
//! low, a click waits out a 429 within 30 s), with an interval: 30 s, or the admin's preset
//! from the rule of thumb.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agent_core::{Controller, ControllerConfig, Source, SyncRules, Target, run_sync_loop};
use exotel_api::{
    AppCredentials, Availability, Client, Device, Host, HttpConfig, RetryPolicy, Secret, Session,
};
use exotel_sandbox::{
    DEMO_APP_ID, DEMO_APP_SECRET, DeviceName, MinuteStat, RateLimits, Sandbox, SandboxConfig, SandboxUser,
};
use tokio::time::Instant;

/// How the agents' apps behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub name: &'static str,
    pub interval: Duration,
    /// The sharing rules of today's app; off: the app as it was.
    pub shared: bool,
}

impl Policy {
    /// The app before the account's limit was shared: a read every 30 s, and nothing else.
    pub const BEFORE: Self =
        Self { name: "before (30 s, no budget)", interval: Duration::from_secs(30), shared: false };

    /// Today's rules with the default 30 s interval (no admin preset).
    pub const SHARED_30: Self =
        Self { name: "shared rules, 30 s", interval: Duration::from_secs(30), shared: true };

    /// Today's rules with the admin's preset interval from the rule of thumb.
    pub fn preset(agents: usize, reads_per_min: u32) -> Self {
        Self { name: "shared rules + preset", interval: rule_of_thumb(agents, reads_per_min), shared: true }
    }

    fn retry(&self) -> RetryPolicy {
        RetryPolicy { honour_limits: self.shared, ..RetryPolicy::default() }
    }

    fn controller(&self) -> ControllerConfig {
        let limit_wait = if self.shared { agent_core::LIMIT_WAIT } else { Duration::ZERO };
        ControllerConfig { limit_wait, ..ControllerConfig::default() }
    }

    fn rules(&self) -> SyncRules {
        if self.shared { SyncRules::SHARED } else { SyncRules::FIXED }
    }
}

/// The README's rule of thumb for the admin's preset: every agent reads once an interval, and
/// the reads of all must fit in 80 % of the account's reads a minute (the rest is for clicks'
/// own reads and start-ups): interval >= agents x 60 / (0.8 x reads per minute), whole seconds,
/// at least 30 s.
pub fn rule_of_thumb(agents: usize, reads_per_min: u32) -> Duration {
    let agents = u32::try_from(agents).unwrap_or(u32::MAX);
    let secs = (f64::from(agents) * 60.0 / (0.8 * f64::from(reads_per_min.max(1)))).ceil();
    Duration::from_secs((secs as u64).max(30))
}

/// One run's settings.
#[derive(Debug, Clone)]
pub struct FleetConfig {
    pub agents: usize,
    pub shift: Duration,
    pub reads_per_min: u32,
    pub writes_per_min: u32,
    pub policy: Policy,
    pub seed: u64,
}

/// What one run measured (simulated time).
#[derive(Debug, Clone, Default)]
pub struct FleetReport {
    /// Account requests (reads and writes, refused ones included) in each minute of the shift.
    pub per_minute: Vec<MinuteStat>,
    pub requests: u64,
    pub limited: u64,
    pub mints: u64,
    pub clicks: usize,
    pub confirmed: usize,
    /// Click to confirmed (or failed), each click.
    pub click_times: Vec<Duration>,
    /// Change made elsewhere to shown, each one noticed before the agent's next own change.
    pub notice_times: Vec<Duration>,
    /// Changes made elsewhere not noticed before the agent's next own change.
    pub unnoticed: usize,
    /// Clicks that failed, by error kind.
    pub failures: std::collections::BTreeMap<String, usize>,
    /// How long the simulation took, in real time.
    pub wall: Duration,
}

fn sorted_pick(v: &[Duration], per_mille: usize) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    if s.is_empty() {
        return Duration::ZERO;
    }
    let i = (s.len() * per_mille / 1000).min(s.len() - 1);
    s[i]
}

impl FleetReport {
    pub fn minute_p50(&self) -> u64 {
        let mut v: Vec<u64> = self.per_minute.iter().map(MinuteStat::total).collect();
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    }
    pub fn minute_max(&self) -> u64 {
        self.per_minute.iter().map(MinuteStat::total).max().unwrap_or(0)
    }
    /// The most reads sent in a minute, refused ones included.
    pub fn reads_max(&self) -> u64 {
        self.per_minute.iter().map(|m| m.reads).max().unwrap_or(0)
    }
    /// The most reads carried out in a minute (not refused).
    pub fn reads_served_max(&self) -> u64 {
        self.per_minute.iter().map(|m| m.reads - m.limited_reads).max().unwrap_or(0)
    }
    pub fn limited_share(&self) -> f64 {
        if self.requests == 0 { 0.0 } else { self.limited as f64 / self.requests as f64 }
    }
    pub fn confirmed_share(&self) -> f64 {
        if self.clicks == 0 { 1.0 } else { self.confirmed as f64 / self.clicks as f64 }
    }
    pub fn click_p50(&self) -> Duration {
        sorted_pick(&self.click_times, 500)
    }
    pub fn click_p99(&self) -> Duration {
        sorted_pick(&self.click_times, 990)
    }
    pub fn click_max(&self) -> Duration {
        self.click_times.iter().max().copied().unwrap_or_default()
    }
    pub fn notice_p50(&self) -> Duration {
        sorted_pick(&self.notice_times, 500)
    }
    pub fn notice_p95(&self) -> Duration {
        sorted_pick(&self.notice_times, 950)
    }
}

/// One thing in an agent's day, at a time since the shift began.
#[derive(Debug, Clone, Copy)]
enum Act {
    /// A click (tray, window, shortcut) to this target.
    Click(Target),
    /// Away (a break starting, the screen locking): offline, then `Back` later.
    Away(Source),
    /// Back from a break or a lock: the device turned on again.
    Back(Source),
    /// A supervisor switches the agent's device in Exotel.
    Elsewhere,
    /// The end of the shift: offline on quit.
    Quit,
}

/// A random day: start, clicks, three breaks, locks, changes made elsewhere, quit.
fn day(rng: &mut fastrand::Rng, shift: Duration) -> Vec<(Duration, Act)> {
    let secs = shift.as_secs().max(600);
    let at = |s: u64| Duration::from_secs(s);
    let device = |rng: &mut fastrand::Rng| if rng.bool() { Device::Phone } else { Device::Sip };
    let start = rng.u64(0..900);
    let mut acts = vec![(at(start + 5), Act::Click(Target::Receiving(device(rng))))];
    // Breaks at about a quarter, half (lunch) and three quarters of the shift.
    for (share, minutes) in [(0.25, 15), (0.5, 30), (0.75, 15)] {
        let begin = (secs as f64 * share) as u64 + rng.u64(0..1200);
        acts.push((at(begin), Act::Away(Source::Timer)));
        acts.push((at(begin + minutes * 60), Act::Back(Source::Timer)));
    }
    // Poisson-like: a click every 40 min, a lock every hour (2 to 8 min), a change made
    // elsewhere every 2 hours, on average.
    let mut t = start + 60;
    loop {
        t += rng.u64(60..4800);
        if t >= secs - 300 {
            break;
        }
        let target = match rng.u8(0..3) {
            0 => Target::Offline,
            _ => Target::Receiving(device(rng)),
        };
        acts.push((at(t), Act::Click(target)));
    }
    let mut t = start + 60;
    loop {
        t += rng.u64(600..6600);
        if t >= secs - 900 {
            break;
        }
        acts.push((at(t), Act::Away(Source::Lock)));
        acts.push((at(t + rng.u64(120..480)), Act::Back(Source::Lock)));
    }
    let mut t = start + 600;
    loop {
        t += rng.u64(1800..12_600);
        if t >= secs - 900 {
            break;
        }
        acts.push((at(t), Act::Elsewhere));
    }
    // The shift ends: each agent quits in its last ten minutes.
    acts.push((at(secs - rng.u64(0..600)), Act::Quit));
    acts.sort_by_key(|a| a.0);
    acts
}

#[derive(Default)]
struct Tally {
    clicks: usize,
    confirmed: usize,
    click_times: Vec<Duration>,
    notice_times: Vec<Duration>,
    unnoticed: usize,
    failures: std::collections::BTreeMap<String, usize>,
}

/// Runs a fleet on a paused current-thread runtime of its own (call it outside any runtime).
pub fn run(config: &FleetConfig) -> Result<FleetReport, String> {
    let (mut report, wall) = crate::sim_time::run_simulated(config.seed, simulate(config))?;
    report.wall = wall;
    Ok(report)
}

/// One account on an in-process sandbox with its limit: users `agent-0` to `agent-{n-1}`.
pub(crate) async fn account(
    agents: usize,
    reads_per_min: u32,
    writes_per_min: u32,
) -> Result<Arc<Sandbox>, String> {
    let users: Vec<SandboxUser> = (0..agents)
        .map(|i| {
            SandboxUser::new(
                &format!("agent-{i}"),
                &format!("Agent {i}"),
                u32::try_from(i % 100).unwrap_or(0),
            )
        })
        .collect();
    let sandbox_config = SandboxConfig {
        users,
        admin: false,
        max_log: 16,
        max_tokens: agents * 2 + 16,
        limits: RateLimits { reads_per_min: Some(reads_per_min), writes_per_min: Some(writes_per_min) },
        ..SandboxConfig::default()
    };
    Sandbox::start_with(std::net::SocketAddr::from(([127, 0, 0, 1], 0)), sandbox_config)
        .await
        .map(Arc::new)
        .map_err(|e| format!("the sandbox did not start: {e}"))
}

async fn simulate(config: &FleetConfig) -> Result<FleetReport, String> {
    let sandbox = account(config.agents, config.reads_per_min, config.writes_per_min).await?;
    let host = Host::parse(&sandbox.url()).map_err(|e| format!("sandbox host: {e}"))?;
    // Long timeouts: a simulated request takes no time, and a real one never times out here.
    let http = HttpConfig { request_timeout: Duration::from_secs(60), ..HttpConfig::default() }
        .build(&host)
        .map_err(|e| format!("http client: {e}"))?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let begin = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    let mut rng = fastrand::Rng::with_seed(config.seed);
    for i in 0..config.agents {
        let acts = day(&mut rng, config.shift);
        let ctx = AgentCtx {
            user_id: format!("agent-{i}"),
            client: Client::new(host.clone(), http.clone()),
            sandbox: sandbox.clone(),
            policy: config.policy,
            tally: tally.clone(),
            begin,
        };
        tasks.spawn(agent_day(ctx, acts));
    }
    while tasks.join_next().await.is_some() {}
    let per_minute = sandbox.minutes();
    let t = std::mem::take(&mut *tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    Ok(FleetReport {
        requests: per_minute.iter().map(MinuteStat::total).sum(),
        limited: per_minute.iter().map(MinuteStat::limited).sum(),
        mints: per_minute.iter().map(|m| m.tokens).sum(),
        per_minute,
        clicks: t.clicks,
        confirmed: t.confirmed,
        click_times: t.click_times,
        notice_times: t.notice_times,
        unnoticed: t.unnoticed,
        failures: t.failures,
        wall: Duration::ZERO,
    })
}

struct AgentCtx {
    user_id: String,
    client: Client,
    sandbox: Arc<Sandbox>,
    policy: Policy,
    tally: Arc<Mutex<Tally>>,
    begin: Instant,
}

impl AgentCtx {
    fn tally(&self) -> std::sync::MutexGuard<'_, Tally> {
        self.tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A change the agent (or the app for them) asks for, timed and counted.
async fn click(ctx: &AgentCtx, controller: &Controller, target: Target, source: Source) {
    let started = Instant::now();
    let result = controller.change(target, source).await;
    let mut t = ctx.tally();
    t.clicks += 1;
    t.click_times.push(started.elapsed());
    match result {
        Ok(_) => t.confirmed += 1,
        Err(e) => *t.failures.entry(e.kind().as_str().to_owned()).or_default() += 1,
    }
}

async fn agent_day(ctx: AgentCtx, acts: Vec<(Duration, Act)>) {
    let Some((first, _)) = acts.first() else { return };
    tokio::time::sleep_until(ctx.begin + first.saturating_sub(Duration::from_secs(5))).await;
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let session =
        Arc::new(Session::new(ctx.client.clone(), creds, ctx.user_id.clone()).with_retry(ctx.policy.retry()));
    let controller = Controller::spawn(Some(session), ctx.policy.controller());
    // The app's first read at start, as the real app does.
    let _ = controller.refresh(Source::Start).await;
    let sync = {
        let controller = controller.clone();
        let (interval, rules) = (ctx.policy.interval, ctx.policy.rules());
        tokio::spawn(async move {
            let never = tokio::sync::Notify::new();
            run_sync_loop(|interval, rules| controller.sync(interval, rules), || interval, rules, &never)
                .await;
        })
    };
    let mut device = Device::Phone;
    let mut watching: Option<tokio::task::JoinHandle<bool>> = None;
    for (at, act) in acts {
        tokio::time::sleep_until(ctx.begin + at).await;
        if !matches!(act, Act::Elsewhere)
            && let Some(w) = watching.take()
        {
            // The agent's own change comes first: one not noticed by now never will be.
            if !w.is_finished() {
                w.abort();
                ctx.tally().unnoticed += 1;
            }
        }
        match act {
            Act::Click(target) => {
                if let Target::Receiving(d) = target {
                    device = d;
                }
                click(&ctx, &controller, target, Source::Tray).await;
            }
            Act::Away(source) => click(&ctx, &controller, Target::Offline, source).await,
            Act::Back(source) => click(&ctx, &controller, Target::Receiving(device), source).await,
            Act::Quit => click(&ctx, &controller, Target::Offline, Source::Quit).await,
            Act::Elsewhere => {
                let shown = controller.status().availability;
                let (next, name) = match shown {
                    Availability::Receiving(Device::Phone) => {
                        (Availability::Receiving(Device::Sip), Some(DeviceName::Sip))
                    }
                    Availability::Receiving(Device::Sip) => (Availability::Offline, None),
                    _ => (Availability::Receiving(Device::Phone), Some(DeviceName::Phone)),
                };
                ctx.sandbox.set_active(&ctx.user_id, name);
                let changed_at = Instant::now();
                let mut rx = controller.subscribe();
                let tally = ctx.tally.clone();
                watching = Some(tokio::spawn(async move {
                    loop {
                        if rx.borrow_and_update().availability == next {
                            let mut t = tally.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                            t.notice_times.push(changed_at.elapsed());
                            return true;
                        }
                        if rx.changed().await.is_err() {
                            return false;
                        }
                    }
                }));
            }
        }
    }
    sync.abort();
}
