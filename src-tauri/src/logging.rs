//! Logs to stderr and to a daily file in the OS state directory, keeping the last 7 files, so
//! the log never grows without bound. `RUST_LOG` sets the level (default `info`). Secrets never
//! reach a log: they are only ever formatted as `[redacted]`.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Lines waiting to be written to the log file.
const LOG_QUEUE_LINES: usize = 1024;

/// Keep the guard alive for the life of the app: dropping it flushes the file.
pub fn init() -> Option<WorkerGuard> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false);
    let file = agent_core::paths::log_dir().ok().and_then(|dir| {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("exotel-agent-tray: no log file in {}: {e}", dir.display());
            return None;
        }
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("exotel-agent-tray")
            .filename_suffix("log")
            .max_log_files(7)
            .build(&dir)
            .map_err(|e| eprintln!("exotel-agent-tray: no log file in {}: {e}", dir.display()))
            .ok()
    });
    match file {
        Some(appender) => {
            // tracing-appender's default queue holds 128,000 lines, and its slots are written
            // when it is made: 4 MB of memory for the life of the app (profiled with
            // `agent-bench --memory-only`, docs/benchmarks.md). The app logs a few lines per
            // change, so 1,024 is ample; a line that finds the queue full is dropped rather
            // than stall the tray's thread on a slow disk.
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(LOG_QUEUE_LINES)
                .finish(appender);
            let file_layer = tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false);
            let _ = tracing_subscriber::registry().with(filter()).with(stderr).with(file_layer).try_init();
            Some(guard)
        }
        None => {
            let _ = tracing_subscriber::registry().with(filter()).with(stderr).try_init();
            None
        }
    }
}

/// Logs to stderr only: the window process's (the tray process keeps the file).
pub fn init_stderr() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false);
    let _ = tracing_subscriber::registry().with(filter).with(stderr).try_init();
}
