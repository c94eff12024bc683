//! Simulated time that real HTTP can live with.
//!
//! The fleet runs on a current-thread tokio runtime with its clock paused: whenever every task
//! waits, tokio jumps the clock to the next timer, so an 8-hour shift takes seconds. But a
//! request on loopback is also "waiting" (for the other end's bytes), and a jump then would
//! fire timers (a request's own timeout, another agent's sync) in the middle of it, as if the
//! request had taken that long. So while any request to Exotel is in flight (exotel-api's
//! `exotel_request` span is open) one blocking task runs, which, by tokio's rule for paused
//! clocks, stops the clock from jumping; a request then takes no simulated time at all.
//!
//! [`InFlight`] is a `tracing` layer that counts those spans; install it with
//! [`InFlight::install`] on the thread that runs the simulation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use tracing::span;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Layer, Registry};

/// The span exotel-api opens around each request.
const REQUEST_SPAN: &str = "exotel_request";

#[derive(Debug, Default)]
struct Count {
    open: AtomicUsize,
    lock: Mutex<()>,
    zero: Condvar,
}

impl Count {
    fn wait_for_zero(&self) {
        let mut guard = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while self.open.load(Ordering::SeqCst) > 0 {
            guard = self.zero.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// Runs `simulation` on a current-thread runtime of its own with its clock paused and held
/// still while a request is in flight ([`InFlight`]), `fastrand` seeded with `seed`; what it
/// returned, and how long it took in real time. Call it outside any runtime.
pub fn run_simulated<T>(
    seed: u64,
    simulation: impl Future<Output = Result<T, String>>,
) -> Result<(T, std::time::Duration), String> {
    let _in_flight = InFlight::install();
    fastrand::seed(seed);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let wall = std::time::Instant::now();
    let out = runtime.block_on(simulation)?;
    Ok((out, wall.elapsed()))
}

/// Holds tokio's paused clock still while a request is in flight.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<Count>);

impl InFlight {
    /// Installs the layer for this thread; the guard removes it.
    pub fn install() -> tracing::subscriber::DefaultGuard {
        let subscriber = Registry::default().with(InFlight::default());
        tracing::subscriber::set_default(subscriber)
    }
}

impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for InFlight {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, _id: &span::Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() != REQUEST_SPAN {
            return;
        }
        if self.0.open.fetch_add(1, Ordering::SeqCst) == 0 {
            let count = self.0.clone();
            // A running blocking task keeps the paused clock from auto-advancing.
            drop(tokio::task::spawn_blocking(move || count.wait_for_zero()));
        }
    }

    fn on_close(&self, id: span::Id, ctx: Context<'_, S>) {
        let ours = ctx.span(&id).is_some_and(|s| s.metadata().name() == REQUEST_SPAN);
        if ours && self.0.open.fetch_sub(1, Ordering::SeqCst) == 1 {
            let _guard = self.0.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            self.0.zero.notify_all();
        }
    }
}
