//! The app's background tasks (the sync loop, a break's timer, the shell's forwarder) are
//! restarted when they panic, rather than silently gone: a dead sync loop would leave the tray
//! showing an old status all day, a dead break timer a break that never ends.
//!
//! Restart, not exit: the panic is logged (and the desktop shell's panic hook notifies the
//! agent, saying what Exotel last confirmed), and the app keeps telling the truth. Exiting
//! would leave the agent with no app at all and, after going offline, no calls.

use std::time::Duration;

/// The pause before a panicked task is started again (so a task that panics at once does not
/// spin).
pub const RESTART_PAUSE: Duration = Duration::from_secs(1);

/// Runs the task `make` makes, on the current tokio runtime, and makes and runs it again each
/// time it panics. Returns at once.
pub fn spawn_supervised<F, Fut>(name: &'static str, make: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match tokio::spawn(make()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(task = name, "a background task panicked; starting it again");
                    tokio::time::sleep(RESTART_PAUSE).await;
                }
                // Cancelled: the runtime is shutting down.
                Err(_) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_is_started_again_until_it_ends() {
        let runs = Arc::new(AtomicU32::new(0));
        let counter = runs.clone();
        spawn_supervised("test", move || {
            let counter = counter.clone();
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                    panic!("a bug");
                }
            }
        });
        tokio::time::sleep(RESTART_PAUSE * 5).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3, "two panics, two restarts, then it ended");
    }
}
