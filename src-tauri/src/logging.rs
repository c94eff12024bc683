//! Logs to stderr and to a daily file in the OS state directory, keeping the last 7 files, so
//! the log never grows without bound. `RUST_LOG` sets the level (default `info`). Secrets never
//! reach a log: they are only ever formatted as `[redacted]`.

use std::sync::{Mutex, PoisonError};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::RollingFileAppender;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Lines waiting to be written to the log file.
const LOG_QUEUE_LINES: usize = 1024;

/// The file writer's guard, for the life of the tray process: [`finish`] drops it.
static FILE_WRITER: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// Logs to stderr and the log file (the tray process), until [`finish`].
pub fn init() {
    let guard = start(log_file());
    *FILE_WRITER.lock().unwrap_or_else(PoisonError::into_inner) = guard;
}

/// Writes out the lines still queued for the log file. The process ends without returning from
/// `main` (the event loop's exit, a restart after an update), so nothing else
/// drops the writer: without this, its last lines (why it quit, what it installed) were lost.
/// Called as the process ends; later lines go to stderr only.
pub fn finish() {
    drop(FILE_WRITER.lock().unwrap_or_else(PoisonError::into_inner).take());
}

/// Logs to stderr only: the window process's (the tray process keeps the file).
pub fn init_stderr() {
    let _ = start(None);
}

fn start(file: Option<RollingFileAppender>) -> Option<WorkerGuard> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false);
    let (file_layer, guard) = match file {
        Some(appender) => {
            // tracing-appender's default queue holds 128,000 lines, and its slots are written
            // when it is made: 4 MB of memory for the life of the app (profiled with
            // `agent-bench --window`, docs/benchmarks.md). The app logs a few lines per change,
            // so 1,024 is ample; a line that finds the queue full is dropped rather than stall
            // the tray's thread on a slow disk.
            let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
                .buffered_lines_limit(LOG_QUEUE_LINES)
                .finish(appender);
            (Some(tracing_subscriber::fmt::layer().with_writer(writer).with_ansi(false)), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry().with(filter).with(stderr).with(file_layer).try_init();
    guard
}

/// The daily log file in the OS state directory, or `None` (said on stderr) if it cannot be made.
/// The folder is 0700 and its files 0600, also those an earlier version left readable.
fn log_file() -> Option<RollingFileAppender> {
    let dir = agent_core::paths::log_dir().ok()?;
    if let Err(e) = make_private(&dir) {
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
}

/// Creates `dir` (0700 on Unix) and takes away other users' access to it and its files.
fn make_private(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        for entry in std::fs::read_dir(dir)?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o600));
            }
        }
    }
    Ok(())
}
