//! The wall clock, as a parameter: breaks end at a wall-clock time (the monotonic clock stops
//! while the computer sleeps), and a test moves its own clock to end an hour's break at once.

use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::status::{UnixMillis, now_ms};

/// What time it is.
pub trait Clock: Send + Sync + Debug {
    fn now_ms(&self) -> UnixMillis;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> UnixMillis {
        now_ms()
    }
}

/// A clock that moves only when told (for tests and simulations).
#[derive(Debug, Default)]
pub struct ManualClock(AtomicU64);

impl ManualClock {
    pub fn new(start: UnixMillis) -> Self {
        Self(AtomicU64::new(start))
    }

    /// Moves the clock by `ms` (forward, or back when negative, as a clock jump can).
    pub fn advance(&self, ms: i64) {
        let now = self.0.load(Ordering::SeqCst);
        let next = if ms >= 0 {
            now.saturating_add(ms.unsigned_abs())
        } else {
            now.saturating_sub(ms.unsigned_abs())
        };
        self.0.store(next, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> UnixMillis {
        self.0.load(Ordering::SeqCst)
    }
}
