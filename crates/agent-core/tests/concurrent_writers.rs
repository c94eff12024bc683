//! The settings and history files are shared by the app and `exotel-agent`: several processes
//! changing them at once lose nothing. Each "process" here is this test binary started again
//! with one writer's job ([`writer`], ignored in a normal run).

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Stdio};

use agent_core::{Change, History, Outcome, SettingsStore, Source};
use exotel_api::{Availability, Device};

const PROCESSES: u64 = 6;
const EACH: u64 = 25;

/// One writer's job, when started by [`n_processes_writing_at_once_lose_nothing`]: `EACH`
/// history lines stamped with its number, and `EACH` increments of a counter in the settings.
#[test]
#[ignore = "started as a child process by n_processes_writing_at_once_lose_nothing"]
fn writer() {
    let (Ok(dir), Ok(n)) = (std::env::var("WRITER_DIR"), std::env::var("WRITER_NUMBER")) else {
        panic!("only run as a child of n_processes_writing_at_once_lose_nothing");
    };
    let n: u64 = n.parse().unwrap();
    let history = History::new(Path::new(&dir).join("history.jsonl"));
    let settings = SettingsStore::new(Path::new(&dir).join("settings.toml"));
    for i in 0..EACH {
        history.append(&change(n * 1000 + i)).unwrap();
        settings.update(|s| s.preferences.sync_interval_secs += 1).unwrap();
    }
}

fn change(at: u64) -> Change {
    Change {
        at,
        from: Availability::Offline,
        to: Availability::Receiving(Device::Phone),
        source: Source::Cli,
        outcome: Outcome::Confirmed,
        target: None,
        error_kind: None,
        attempts: None,
    }
}

#[test]
fn n_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let settings = SettingsStore::new(dir.path().join("settings.toml"));
    settings.update(|s| s.preferences.sync_interval_secs = 0).unwrap();
    let me = std::env::current_exe().unwrap();
    let children: Vec<_> = (0..PROCESSES)
        .map(|n| {
            let start = || {
                Command::new(&me)
                    .args(["writer", "--exact", "--ignored", "--test-threads=1"])
                    .env("WRITER_DIR", dir.path())
                    .env("WRITER_NUMBER", n.to_string())
                    // Its own test report stays out of this run's output (and its tally).
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
            };
            // Under Wine a process start can fail once under load (error 1359, "Internal
            // error"); what is tested is the writers, so a start is tried again.
            start()
                .or_else(|_| {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                    start()
                })
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "a writer failed: {}", String::from_utf8_lossy(&out.stdout));
    }

    let mut kept: Vec<u64> =
        History::new(dir.path().join("history.jsonl")).read().unwrap().iter().map(|c| c.at).collect();
    kept.sort_unstable();
    let mut wanted: Vec<u64> = (0..PROCESSES).flat_map(|n| (0..EACH).map(move |i| n * 1000 + i)).collect();
    wanted.sort_unstable();
    assert_eq!(kept, wanted, "every history line from every process is kept");
    // Each writer's lines are in the order it wrote them.
    let lines = History::new(dir.path().join("history.jsonl")).read().unwrap();
    for n in 0..PROCESSES {
        let own: Vec<u64> = lines.iter().map(|c| c.at).filter(|at| at / 1000 == n).collect();
        assert!(own.windows(2).all(|w| w[0] < w[1]), "writer {n}: {own:?}");
    }
    assert_eq!(
        settings.load().unwrap().settings.preferences.sync_interval_secs,
        PROCESSES * EACH,
        "no settings update was lost"
    );
}

/// A lock that stays taken (another program stuck while writing) is waited for at most
/// `LOCK_WAIT`, then the change fails with a clear error and the file is left as it was; a
/// lock let go meanwhile is taken and the change made.
#[test]
fn a_lock_held_too_long_fails_the_change_clearly_and_a_released_one_is_waited_for() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("settings.toml");
    let settings = SettingsStore::new(&path);
    settings.update(|s| s.preferences.sync_interval_secs = 42).unwrap();
    // Another program's lock (a second open file: locks are per open file, as between processes).
    let holder = std::fs::OpenOptions::new().write(true).open(dir.path().join("settings.toml.lock")).unwrap();
    holder.lock().unwrap();
    let started = std::time::Instant::now();
    let err = settings.update(|s| s.preferences.sync_interval_secs = 99).unwrap_err();
    let waited = started.elapsed();
    assert!(waited >= agent_core::LOCK_WAIT, "gave up after {waited:?}");
    assert!(waited < agent_core::LOCK_WAIT * 2, "waited {waited:?}");
    assert!(err.to_string().contains("held it for more than"), "{err}");
    assert_eq!(settings.load().unwrap().settings.preferences.sync_interval_secs, 42, "unchanged");

    let releaser = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        drop(holder);
    });
    settings.update(|s| s.preferences.sync_interval_secs = 99).unwrap();
    releaser.join().unwrap();
    assert_eq!(settings.load().unwrap().settings.preferences.sync_interval_secs, 99);
}

/// A history that cannot be read (not a file) is an error, not an empty history.
#[test]
fn an_unreadable_history_is_an_error_not_an_empty_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    assert_eq!(History::new(&path).read().unwrap(), Vec::new(), "none yet: empty");
    std::fs::create_dir(&path).unwrap();
    assert!(History::new(&path).read().is_err());
}
