//! `agent-bench`: measures what an agent feels, against the sandbox on loopback, and prints one
//! table (figure, budget, ok/OVER). Run it with `make bench` (a release build). With
//! `--write PATH` it also writes the table, the date and the machine into that Markdown file.
//!
//! The app is measured as shipped: the release binary next to this one, under Xvfb with a
//! private D-Bus session, gnome-keyring and a notification server (test-session's `Desktop`).

// A benchmark's setup failing is a failed run, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout)]

mod measure;

use std::fmt::Write as _;
use std::time::Duration;

use measure::{Row, Table};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "fleet") {
        fleet_main(&args);
        return;
    }
    if args.get(1).is_some_and(|a| a == "outage") {
        outage_main(&args);
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(measure_app(args));
}

/// `agent-bench outage [--agents 500,1000,2000] [--minutes 5] [--reads-per-min 300]
/// [--writes-per-min 200] [--seed N]`: every agent locks during an outage
/// ([`agent_bench::outage`]); one Markdown row per size.
fn outage_main(args: &[String]) {
    use agent_bench::outage::{GIVE_UP, OutageConfig, run};
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--agents")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![500, 1000, 2000]);
    let minutes: f64 = flag(args, "--minutes").unwrap_or(5.0);
    let reads: u32 = flag(args, "--reads-per-min").unwrap_or(300);
    let writes: u32 = flag(args, "--writes-per-min").unwrap_or(200);
    let seed: u64 = flag(args, "--seed").unwrap_or(20_261_205);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Outage: one account, {reads} reads and {writes} writes a minute; Exotel refuses everything for {minutes} min, every agent's screen locks during it (simulated), seed {seed}.\n"
    );
    out.push_str("| agents | app | requests/min during the outage (max) | requests in the 5 min after | writes/min after (max, limit) | 429s in the 5 min after | offline after the outage p50 | p95 | max | not offline after 30 min | real time |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for &agents in &sizes {
        for retried in [false, true] {
            let app = if retried { "owed, retried" } else { "before (one attempt)" };
            eprintln!("outage: {agents} agents, {app}...");
            let config = OutageConfig {
                agents,
                outage: Duration::from_secs_f64(minutes * 60.0),
                reads_per_min: reads,
                writes_per_min: writes,
                seed,
                retried,
            };
            let r = match run(&config) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("outage: {agents} agents: {e}");
                    std::process::exit(1);
                }
            };
            let _ = writeln!(
                out,
                "| {agents} | {app} | {} | {} | {} ({writes}) | {} | {:.0} s | {:.0} s | {:.0} s | {} of {agents} | {:.1} s |",
                r.during_max(),
                r.after_requests(),
                r.after_writes_max(),
                r.after_limited(),
                r.offline_p50().as_secs_f64(),
                r.offline_p95().as_secs_f64(),
                r.offline_max().as_secs_f64(),
                r.not_offline,
                r.wall.as_secs_f64(),
            );
        }
    }
    let _ = writeln!(out, "\n(gave up {} min after the outage's end)", GIVE_UP.as_secs() / 60);
    print!("{out}");
}

/// `agent-bench fleet [--agents 100,500,1000] [--hours 8] [--reads-per-min 300]
/// [--writes-per-min 200] [--seed N]`: the fleet simulation ([`agent_bench::fleet`]), each size
/// under each policy, as one Markdown table.
fn fleet_main(args: &[String]) {
    use agent_bench::fleet::{FleetConfig, Policy, run};
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--agents")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100, 500, 1000]);
    let hours: f64 = flag(args, "--hours").unwrap_or(8.0);
    let reads: u32 = flag(args, "--reads-per-min").unwrap_or(300);
    let writes: u32 = flag(args, "--writes-per-min").unwrap_or(200);
    let seed: u64 = flag(args, "--seed").unwrap_or(20_261_127);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fleet: one account, {reads} reads and {writes} writes a minute, a {hours} h shift (simulated), seed {seed}.\n"
    );
    out.push_str("| agents | policy | sync interval | requests/min p50 | max | reads/min max (served) | 429s | clicks confirmed | click p50 | click p99 | click max | elsewhere shown p50 | p95 | not noticed | token mints | real time |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for &agents in &sizes {
        for policy in [Policy::BEFORE, Policy::SHARED_30, Policy::preset(agents, reads)] {
            eprintln!("fleet: {agents} agents, {}...", policy.name);
            let config = FleetConfig {
                agents,
                shift: Duration::from_secs_f64(hours * 3600.0),
                reads_per_min: reads,
                writes_per_min: writes,
                policy,
                seed,
            };
            let r = run(&config).unwrap();
            let _ = writeln!(
                out,
                "| {agents} | {} | {} s | {} | {} | {} ({}) | {:.2} % | {}/{} ({:.2} %) | {:.2} s | {:.2} s | {:.1} s | {:.0} s | {:.0} s | {} | {} | {:.1} s |",
                policy.name,
                policy.interval.as_secs(),
                r.minute_p50(),
                r.minute_max(),
                r.reads_max(),
                r.reads_served_max(),
                r.limited_share() * 100.0,
                r.confirmed,
                r.clicks,
                r.confirmed_share() * 100.0,
                r.click_p50().as_secs_f64(),
                r.click_p99().as_secs_f64(),
                r.click_max().as_secs_f64(),
                r.notice_p50().as_secs_f64(),
                r.notice_p95().as_secs_f64(),
                r.unnoticed,
                r.mints,
                r.wall.as_secs_f64(),
            );
            if !r.failures.is_empty() {
                eprintln!("  failed clicks by kind: {:?}", r.failures);
            }
        }
    }
    println!("{out}");
}

async fn measure_app(args: Vec<String>) {
    let write = args.iter().position(|a| a == "--write").and_then(|i| args.get(i + 1)).cloned();
    let changes: usize = flag(&args, "--changes").unwrap_or(1000);
    let launches: usize = flag(&args, "--launches").unwrap_or(5);
    let idle_secs: u64 = flag(&args, "--idle-secs").unwrap_or(60);

    let mut table = Table::default();
    if args.iter().any(|a| a == "--idle-only") {
        table.rows.push(measure::idle_cpu(Duration::from_secs(idle_secs), false).await);
        table.rows.push(measure::idle_cpu(Duration::from_secs(idle_secs), true).await);
        println!("{}", table.render());
        return;
    }
    if args.iter().any(|a| a == "--toggle-only") {
        table.rows.extend(measure::toggle_latency(changes).await.rows());
        println!("{}", table.render());
        return;
    }
    if args.iter().any(|a| a == "--window") {
        table.rows.push(measure::window_open_times(launches).await);
        table.rows.extend(measure::memory().await);
        println!("{}", table.render());
        return;
    }
    eprintln!("toggle latency: {changes} changes and {changes} raw requests...");
    let toggle = measure::toggle_latency(changes).await;
    table.rows.extend(toggle.rows());
    eprintln!("start: {launches} launches...");
    table.rows.extend(measure::start_times(launches).await);
    eprintln!("window: {launches} openings...");
    table.rows.push(measure::window_open_times(launches).await);
    eprintln!("memory: tray, window, after close...");
    table.rows.extend(measure::memory().await);
    eprintln!("idle CPU over {idle_secs} s...");
    table.rows.push(measure::idle_cpu(Duration::from_secs(idle_secs), false).await);
    table.rows.push(measure::idle_cpu(Duration::from_secs(idle_secs), true).await);
    table.rows.push(measure::binary_size());

    let text = table.render();
    println!("{text}");
    if let Some(path) = write {
        let mut doc = String::new();
        let _ = writeln!(doc, "# Benchmarks\n");
        let _ = writeln!(
            doc,
            "Measured {} on {}.\n",
            humantime::format_rfc3339_seconds(std::time::SystemTime::now()),
            machine()
        );
        let _ = writeln!(
            doc,
            "Command: `make bench` (release build; the sandbox on loopback; the app under Xvfb).\n"
        );
        doc.push_str(&text);
        std::fs::write(&path, doc).unwrap();
        eprintln!("wrote {path}");
    }
    let over = table.rows.iter().filter(|r: &&Row| !r.ok()).count();
    if over > 0 {
        eprintln!("{over} figure(s) over budget");
    }
}

fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Option<T> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok())
}

/// "2 cores, 23 GiB, Debian GNU/Linux 12 (bookworm), Intel(R) ..." from /proc and /etc.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|m| m.trim_start_matches([' ', '\t', ':']).to_owned());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem_kb: u64 = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    let os = std::fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_owned()))
        .unwrap_or_else(|| "unknown OS".into());
    format!(
        "{cores} cores, {} GiB, {os}, {}",
        mem_kb / 1024 / 1024,
        model.unwrap_or_else(|| "unknown CPU".into())
    )
}
