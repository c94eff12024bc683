//! How long the app waits before trying an away-offline again ([`crate::away::OfflineDuty`]):
//! from about a second to about a minute, doubling, spread so that a floor of agents whose
//! offline failed in the same outage do not all send again at the same moment, and never
//! before Exotel's `Retry-After`.

use std::time::Duration;

/// The waits between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (before the jitter).
    pub first: Duration,
    /// The longest wait: no attempt is ever further apart than this, or, after a 429, than its
    /// `Retry-After` and this.
    pub max: Duration,
}

impl Backoff {
    /// The app's: one second, doubling to a minute.
    pub const AWAY_OFFLINE: Backoff = Backoff { first: Duration::from_secs(1), max: Duration::from_secs(60) };

    /// [`Self::delay`] with a fresh random jitter: the wait before the next attempt.
    pub fn next(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        self.delay(failures, fastrand::f64(), retry_after)
    }

    /// The wait after `failures` failed attempts (at least one): `first` doubled for each
    /// failure after the first, at most `max`, then scaled by 0.5 to 1 from `jitter` (in
    /// `[0, 1)`: "equal jitter", which spreads a floor of agents over half the wait and keeps
    /// each within it).
    ///
    /// After a 429, Exotel's `Retry-After` first, then a random part of that wait more: a
    /// limit's `Retry-After` is the same moment for every agent the account refused (the
    /// window's start), and without the spread they would all send again at once.
    pub fn delay(&self, failures: u32, jitter: f64, retry_after: Option<Duration>) -> Duration {
        let doublings = failures.saturating_sub(1).min(31);
        let base = self.first.saturating_mul(1u32 << doublings).min(self.max);
        let jitter = jitter.clamp(0.0, 1.0);
        match retry_after {
            None => base.mul_f64(0.5 + 0.5 * jitter),
            Some(wait) => wait.saturating_add(base.mul_f64(jitter)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const B: Backoff = Backoff::AWAY_OFFLINE;

    #[test]
    fn from_a_second_to_a_minute() {
        assert_eq!(B.delay(1, 0.999_999, None).as_millis(), 999);
        assert_eq!(B.delay(1, 0.0, None), Duration::from_millis(500));
        assert_eq!(B.delay(3, 0.999_999, None).as_secs(), 3, "four seconds at most after three failures");
        assert_eq!(B.delay(40, 0.0, None), Duration::from_secs(30));
        assert!(B.delay(40, 0.999_999, None) < Duration::from_secs(60));
        assert_eq!(
            B.delay(2, 0.0, Some(Duration::from_secs(45))),
            Duration::from_secs(45),
            "Retry-After first"
        );
        assert_eq!(
            B.delay(2, 0.5, Some(Duration::from_secs(45))),
            Duration::from_secs(46),
            "then a random part of the wait"
        );
    }

    proptest! {
        /// Within half the wait and the whole of it, never past the longest (plus Exotel's
        /// word), never before Exotel's word, and never shorter after more failures (at the
        /// same jitter).
        #[test]
        fn waits_grow_to_the_cap_and_honour_retry_after(
            failures in 1u32..200,
            jitter in 0.0f64..1.0,
            retry_after in proptest::option::of(0u64..300),
        ) {
            let retry_after = retry_after.map(Duration::from_secs);
            let d = B.delay(failures, jitter, retry_after);
            prop_assert!(retry_after.is_some() || d >= B.first / 2);
            prop_assert!(d <= B.max + retry_after.unwrap_or_default());
            if let Some(wait) = retry_after {
                prop_assert!(d >= wait);
            }
            prop_assert!(B.delay(failures + 1, jitter, None) >= B.delay(failures, jitter, None));
        }
    }
}
