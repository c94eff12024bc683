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

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
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
