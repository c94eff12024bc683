//! Where `exotel-agent`'s log goes. The command line prints only its own lines: its log
//! (retries, warnings, what a request met) goes to a daily file, `exotel-agent-cli.<date>.log` in
//! the app's log folder (the last 7 kept), and to standard error only with `--verbose` or when
//! `RUST_LOG` is set, which also sets the level (default `info`). Logs never hold a secret:
//! secrets are only ever formatted as `[redacted]`.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Starts the log; `verbose` also prints it on standard error.
pub fn init(verbose: bool) {
    let from_env = std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty());
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = (verbose || from_env).then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_ansi(std::io::stderr().is_terminal())
            .without_time()
            .with_filter(filter())
    });
    let file = log_file().map(|appender| {
        tracing_subscriber::fmt::layer().with_writer(appender).with_ansi(false).with_filter(filter())
    });
    let _ = tracing_subscriber::registry().with(stderr).with(file).try_init();
}

/// Today's log file in the app's log folder (made for this user only), or none: a command that
/// cannot keep its log still does its work, quietly.
fn log_file() -> Option<tracing_appender::rolling::RollingFileAppender> {
    let dir = agent_core::paths::log_dir().ok()?;
    agent_core::paths::create_private_dir(&dir).ok()?;
    tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("exotel-agent-cli")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()
}
