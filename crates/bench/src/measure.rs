//! Each measurement, and the table they make.

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use agent_core::{Controller, ControllerConfig, Source, Target};
use exotel_api::{AppCredentials, Client, Device, Host, HttpConfig, Secret, Session};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Endpoint, Sandbox};
use test_session::Desktop;
use test_session::procs::tree;

/// One figure and its budget.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub figure: f64,
    pub unit: &'static str,
    /// `None`: a figure shown for reference, with no budget.
    pub budget: Option<f64>,
}

impl Row {
    fn new(name: impl Into<String>, figure: f64, unit: &'static str, budget: Option<f64>) -> Self {
        Self { name: name.into(), figure, unit, budget }
    }

    pub fn ok(&self) -> bool {
        self.budget.is_none_or(|b| self.figure <= b)
    }
}

#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    /// A Markdown table: measure, figure, budget, ok/OVER.
    pub fn render(&self) -> String {
        let mut out = String::from("| measure | figure | budget | |\n|---|---:|---:|---|\n");
        for r in &self.rows {
            let budget = r.budget.map_or("-".to_owned(), |b| format!("{} {}", fmt(b), r.unit));
            let verdict = match r.budget {
                None => "",
                Some(_) if r.ok() => "ok",
                Some(_) => "OVER",
            };
            out.push_str(&format!("| {} | {} {} | {budget} | {verdict} |\n", r.name, fmt(r.figure), r.unit));
        }
        out
    }
}

fn fmt(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.3}")
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted.get((sorted.len() * p / 100).min(sorted.len().saturating_sub(1))).copied().unwrap_or_default()
}

/// The release binaries next to this one.
fn sibling(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("own path");
    let path = exe.with_file_name(name);
    assert!(path.exists(), "{} is missing: build it first (make bench does)", path.display());
    path
}

pub struct Toggle {
    controller: Vec<Duration>,
    raw: Vec<Duration>,
    puts_per_change: f64,
    mints_after_first: f64,
}

impl Toggle {
    pub fn rows(&self) -> Vec<Row> {
        let (c50, c99) = (percentile(&self.controller, 50), percentile(&self.controller, 99));
        let (r50, r99) = (percentile(&self.raw, 50), percentile(&self.raw, 99));
        vec![
            Row::new("Toggle through the controller, p50", ms(c50), "ms", None),
            Row::new("Toggle through the controller, p99", ms(c99), "ms", None),
            Row::new("Raw keep-alive PUT, p50", ms(r50), "ms", None),
            Row::new("Raw keep-alive PUT, p99", ms(r99), "ms", None),
            Row::new("Controller minus raw, p50", ms(c50) - ms(r50), "ms", Some(0.3)),
            Row::new("Controller minus raw, p99", ms(c99) - ms(r99), "ms", None),
            Row::new("PUTs per confirmed change", self.puts_per_change, "", Some(1.0)),
            Row::new("Token mints after the first", self.mints_after_first, "", Some(0.0)),
        ]
    }
}

/// `n` alternating changes through the whole path (controller, session, client, sandbox,
/// reply, published state), each followed by the same PUT from a plain keep-alive client in
/// the same process, so both see the same machine at the same moment.
pub async fn toggle_latency(n: usize) -> Toggle {
    let sandbox = Sandbox::start().await.unwrap();
    let host = Host::parse(&sandbox.url()).unwrap();
    let client = Client::new(host.clone(), HttpConfig::default().build(&host).unwrap());
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let controller = Controller::spawn(
        Some(Arc::new(Session::new(client, creds, DEMO_USER_ID))),
        ControllerConfig::default(),
    );
    controller.refresh(Source::Start).await.unwrap();

    let raw = reqwest::Client::new();
    let token_body = serde_json::json!({"Id": DEMO_APP_ID, "Secret": DEMO_APP_SECRET, "Entity": "app"});
    let minted: serde_json::Value = raw
        .post(format!("{}/v2/integrations/token", sandbox.url()))
        .json(&token_body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = minted["Data"].as_str().unwrap().to_owned();
    let device_url = format!("{}/v2/integrations/device", sandbox.url());
    let put = |device: &str| {
        raw.put(&device_url)
            .header("Authorization", &token)
            .json(&serde_json::json!({"UserId": DEMO_USER_ID, "DeviceName": device, "DeviceStatus": true}))
    };
    put("phone").send().await.unwrap().bytes().await.unwrap(); // warm the raw connection
    sandbox.clear_requests();

    let (mut c, mut r) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        let (target, device) = if i % 2 == 0 {
            (Target::Receiving(Device::Sip), "sip")
        } else {
            (Target::Receiving(Device::Phone), "phone")
        };
        let t = Instant::now();
        controller.change(target, Source::Tray).await.unwrap();
        c.push(t.elapsed());
        let t = Instant::now();
        put(device).send().await.unwrap().bytes().await.unwrap();
        r.push(t.elapsed());
    }
    c.sort();
    r.sort();
    let controller_puts = sandbox.count(Endpoint::Device).saturating_sub(n);
    Toggle {
        controller: c,
        raw: r,
        puts_per_change: controller_puts as f64 / n as f64,
        mints_after_first: sandbox.count(Endpoint::Token) as f64,
    }
}

/// A desktop with the app signed in to a sandbox (through `exotel-agent`, as a person would).
struct Bench {
    desktop: Desktop,
    sandbox: Sandbox,
}

impl Bench {
    async fn new() -> Self {
        let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring, dunst");
        let sandbox = Sandbox::start().await.unwrap();
        let args = sandbox.cli_login_args();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let login = desktop.run(sibling("exotel-agent"), &args, Some(DEMO_APP_SECRET)).unwrap();
        assert!(login.status.success(), "exotel-agent login: {}", String::from_utf8_lossy(&login.stderr));
        Self { desktop, sandbox }
    }

    /// The app, logging at `info` into `state_dir`.
    fn launch(&self, state_dir: &Path, args: &[&str]) -> Child {
        self.desktop
            .command(sibling("exotel-agent-tray"))
            .args(args)
            .env("RUST_LOG", "info")
            .env("XDG_STATE_HOME", state_dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }
}

/// When the first log line containing `needle` was written, polling for at most 20 s.
async fn logged_at(state_dir: &Path, needle: &str) -> SystemTime {
    logged_at_nth(state_dir, needle, 1).await
}

/// When the `n`th log line containing `needle` was written, polling for at most 20 s.
async fn logged_at_nth(state_dir: &Path, needle: &str, n: usize) -> SystemTime {
    let dir = state_dir.join("exotel-agent-tray/logs");
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            if let Some(line) = text.lines().filter(|l| l.contains(needle)).nth(n - 1) {
                let stamp = line.split_whitespace().next().unwrap_or_default();
                return humantime::parse_rfc3339_weak(stamp).unwrap();
            }
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the app never logged {needle:?} in {}", dir.display());
}

/// Median over `k` launches: launch to tray ready, and tray ready to the first status Exotel
/// confirmed; with the sandbox's round trip for reference.
pub async fn start_times(k: usize) -> Vec<Row> {
    let bench = Bench::new().await;
    let (mut tray, mut status) = (Vec::new(), Vec::new());
    for i in 0..k {
        let state = bench.desktop.home().join(format!("state-{i}"));
        let launched = SystemTime::now();
        let mut app = bench.launch(&state, &[]);
        let ready = logged_at(&state, "tray ready").await;
        let confirmed = logged_at(&state, "status confirmed by Exotel").await;
        tray.push(ready.duration_since(launched).unwrap_or_default());
        status.push(confirmed.duration_since(ready).unwrap_or_default());
        let _ = app.kill();
        let _ = app.wait();
    }
    tray.sort();
    status.sort();
    let rtt = round_trip(&bench.sandbox).await;
    vec![
        Row::new(
            format!("Start: launch to tray ready (median of {k})"),
            ms(percentile(&tray, 50)),
            "ms",
            Some(150.0),
        ),
        Row::new(
            format!("Start: tray ready to first confirmed status (median of {k})"),
            ms(percentile(&status, 50)),
            "ms",
            Some(20.0 + ms(rtt)),
        ),
        Row::new("Sandbox round trip (new connection, for the budget above)", ms(rtt), "ms", None),
    ]
}

/// Median over `k` openings of the window (a second launch with `--show`, as the desktop entry
/// does) until the app logs it open, its web view built; the window is closed between them.
/// A reference figure, with no budget: the price of the window's own process.
pub async fn window_open_times(k: usize) -> Row {
    let bench = Bench::new().await;
    let state = bench.desktop.home().join("state-open");
    let mut app = bench.launch(&state, &[]);
    logged_at(&state, "status confirmed by Exotel").await;
    let mut times = Vec::new();
    for i in 1..=k {
        let launched = SystemTime::now();
        let _ = bench.launch(&state, &["--show"]).wait();
        let opened = logged_at_nth(&state, "window opened", i).await;
        times.push(opened.duration_since(launched).unwrap_or_default());
        let _ = bench.launch(&state, &["--hide"]).wait();
        logged_at_nth(&state, "window closed", i).await;
    }
    let _ = app.kill();
    let _ = app.wait();
    times.sort();
    Row::new(
        format!("Window: launch --show to window open (median of {k})"),
        ms(percentile(&times, 50)),
        "ms",
        None,
    )
}

/// One token mint and one read on a fresh connection: what the app's first read costs at least.
async fn round_trip(sandbox: &Sandbox) -> Duration {
    let mut samples = Vec::new();
    for _ in 0..11 {
        let host = Host::parse(&sandbox.url()).unwrap();
        let client = Client::new(host.clone(), HttpConfig::default().build(&host).unwrap());
        let t = Instant::now();
        let token = client.mint_token(DEMO_APP_ID, &Secret::new(DEMO_APP_SECRET)).await.unwrap();
        client.user(&token, DEMO_USER_ID).await.unwrap();
        samples.push(t.elapsed());
    }
    samples.sort();
    percentile(&samples, 50)
}

/// PSS in MB summed over `root` and every process under it (WebKit's web and network
/// processes included), from `/proc/<pid>/smaps_rollup`. A page shared with other processes
/// counts a share, so the figure falls when other programs map the same libraries.
fn pss_mb(root: u32) -> f64 {
    rollup_mb(root, &["Pss:"])
}

/// The memory `root`'s tree has written itself (private dirty pages: heap, stacks, relocated
/// library data), in MB: the same whatever else runs on the machine, unlike PSS (and unlike
/// USS, whose clean library pages count as private while no other process maps them), so the
/// figure to compare across runs and machines.
fn private_dirty_mb(root: u32) -> f64 {
    rollup_mb(root, &["Private_Dirty:"])
}

/// The sum of `fields` (kB) of `/proc/<pid>/smaps_rollup` over `root`'s tree, in MB.
fn rollup_mb(root: u32, fields: &[&str]) -> f64 {
    let kb: u64 = tree(root)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .flat_map(|t| {
            t.lines()
                .filter_map(|l| fields.iter().find_map(|f| l.strip_prefix(f)))
                .filter_map(|v| v.split_whitespace().next()?.parse::<u64>().ok())
                .collect::<Vec<_>>()
        })
        .sum();
    kb as f64 / 1024.0
}

/// Each process of `root`'s tree: its id, its name and its `/proc/<pid>/smaps`.
fn smaps(root: u32) -> Vec<(u32, String, String)> {
    tree(root)
        .into_iter()
        .map(|pid| {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
            (pid, comm.trim().to_owned(), smaps)
        })
        .collect()
}

/// Where the PSS of these processes goes: kB per process and mapped file (or `[heap]`,
/// `[anon]`, `[stack]`...), largest first.
fn pss_by_mapping(processes: &[(u32, String, String)]) -> Vec<(String, u64)> {
    let mut by: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    for (_, comm, text) in processes {
        let mut name = String::new();
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let first = words.next().unwrap_or_default();
            if first.contains('-') && !first.ends_with(':') {
                // A mapping's header: range perms offset dev inode [path].
                let path = words.nth(4).unwrap_or("[anon]");
                let file = path.rsplit('/').next().unwrap_or(path);
                name = format!("{comm}: {file}");
            } else if first == "Pss:" {
                let kb: u64 = words.next().and_then(|v| v.parse().ok()).unwrap_or(0);
                *by.entry(name.clone()).or_insert(0) += kb;
            }
        }
    }
    let mut out: Vec<(String, u64)> = by.into_iter().filter(|(_, kb)| *kb > 0).collect();
    out.sort_by_key(|(_, kb)| std::cmp::Reverse(*kb));
    out
}

/// With `AGENT_BENCH_PROFILE_MEMORY=<dir>`, the profile behind a memory figure: the PSS by
/// process and mapped file, printed, and each process's whole `smaps` saved in `<dir>`.
fn print_profile(phase: &str, root: u32) {
    let Some(dir) = std::env::var_os("AGENT_BENCH_PROFILE_MEMORY") else {
        return;
    };
    let processes = smaps(root);
    let dir = std::path::PathBuf::from(dir);
    if std::fs::create_dir_all(&dir).is_ok() {
        for (pid, comm, smaps) in &processes {
            let name = format!("{}-{comm}-{pid}.smaps", phase.replace(' ', "-"));
            let _ = std::fs::write(dir.join(name), smaps);
        }
    }
    let rows = pss_by_mapping(&processes);
    let total: u64 = rows.iter().map(|(_, kb)| kb).sum();
    eprintln!("PSS by mapping, {phase}: {:.1} MB in all", total as f64 / 1024.0);
    for (name, kb) in rows.iter().take(40) {
        eprintln!("  {:>8.1} MB  {name}", *kb as f64 / 1024.0);
    }
}

/// Clock ticks used so far by each thread of `root` and its descendants, keyed
/// "process/thread name#tid" (unnamed threads carry the process's name): where idle CPU goes.
fn ticks_by_thread(root: u32) -> std::collections::BTreeMap<String, u64> {
    let mut out = std::collections::BTreeMap::new();
    for pid in tree(root) {
        let process = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        for task in std::fs::read_dir(format!("/proc/{pid}/task")).into_iter().flatten().flatten() {
            let dir = task.path();
            let name = std::fs::read_to_string(dir.join("comm")).unwrap_or_default();
            let Some(ticks) = std::fs::read_to_string(dir.join("stat")).ok().as_deref().and_then(stat_ticks)
            else {
                continue;
            };
            let tid = dir.file_name().and_then(|t| t.to_str()).unwrap_or_default().to_owned();
            *out.entry(format!("{}/{}#{tid}", process.trim(), name.trim())).or_insert(0) += ticks;
        }
    }
    out
}

/// utime + stime from a `/proc/.../stat` line, in clock ticks of 1/100 s (Linux's fixed
/// USER_HZ).
fn stat_ticks(stat: &str) -> Option<u64> {
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// CPU seconds used so far by `root` and its descendants.
fn cpu_secs(root: u32) -> f64 {
    let ticks: u64 = tree(root)
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| stat_ticks(&stat))
        .sum();
    ticks as f64 / 100.0
}

/// Tray only (idle), window open, and 5 s after the window closed.
pub async fn memory() -> Vec<Row> {
    let bench = Bench::new().await;
    let state = bench.desktop.home().join("state-mem");
    let mut app = bench.launch(&state, &[]);
    logged_at(&state, "status confirmed by Exotel").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let tray = pss_mb(app.id());
    let tray_private = private_dirty_mb(app.id());
    print_profile("tray only", app.id());

    // A second launch opens the running app's window (single instance).
    let mut second = bench.launch(&state, &["--show"]);
    let _ = second.wait();
    logged_at(&state, "window opened").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let window = pss_mb(app.id());
    print_profile("window open", app.id());

    // A third launch with --hide closes the running app's window.
    let mut third = bench.launch(&state, &["--hide"]);
    let _ = third.wait();
    logged_at(&state, "window closed").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = pss_mb(app.id());
    print_profile("after close", app.id());
    let _ = app.kill();
    let _ = app.wait();
    vec![
        Row::new("Memory (PSS), tray only, idle", tray, "MB", Some(60.0)),
        Row::new("Memory (private dirty), tray only, idle", tray_private, "MB", None),
        Row::new("Memory (PSS), window open", window, "MB", Some(260.0)),
        Row::new("Memory (PSS), 5 s after the window closed", after, "MB", Some(70.0)),
    ]
}

/// CPU used in the tray, signed in, sync at its default interval, over `d`; with
/// `idle_detection`, the setting *Go offline after N minutes without input* on (its thread
/// reads the idle time at most once a minute while the agent is active).
pub async fn idle_cpu(d: Duration, idle_detection: bool) -> Row {
    let bench = Bench::new().await;
    if idle_detection {
        let path = bench.desktop.home().join(".config/exotel-agent-tray/settings.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("offline_when_idle = false"), "{text}");
        std::fs::write(&path, text.replace("offline_when_idle = false", "offline_when_idle = true")).unwrap();
    }
    let state = bench.desktop.home().join("state-cpu");
    let mut app = bench.launch(&state, &[]);
    logged_at(&state, "status confirmed by Exotel").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let before = cpu_secs(app.id());
    let threads_before = ticks_by_thread(app.id());
    tokio::time::sleep(d).await;
    let used = cpu_secs(app.id()) - before;
    // The profile behind the figure: which threads woke (ticks of 10 ms), busiest first.
    let mut spent: Vec<(String, u64)> = ticks_by_thread(app.id())
        .into_iter()
        .map(|(name, t)| {
            let spent = t.saturating_sub(threads_before.get(&name).copied().unwrap_or(0));
            (name, spent)
        })
        .filter(|(_, t)| *t > 0)
        .collect();
    spent.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    eprintln!("idle CPU by thread (10 ms ticks over {} s): {spent:?}", d.as_secs());
    let _ = app.kill();
    let _ = app.wait();
    let with = if idle_detection { ", idle detection on" } else { "" };
    Row::new(
        format!("Idle CPU in the tray over {} s{with}", d.as_secs()),
        used / d.as_secs_f64() * 100.0,
        "% of a core",
        Some(0.1),
    )
}

pub fn binary_size() -> Row {
    let len = std::fs::metadata(sibling("exotel-agent-tray")).map(|m| m.len()).unwrap_or(0);
    Row::new("Release binary size", len as f64 / 1_000_000.0, "MB", Some(16.0))
}
