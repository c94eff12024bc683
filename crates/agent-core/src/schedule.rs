//! When to read the status from Exotel next: every interval, backing off after failures up to
//! [`MAX_SYNC_DELAY`], with a little jitter so many agents do not read in step.

use std::time::Duration;

/// The longest wait between reads, however many failed.
pub const MAX_SYNC_DELAY: Duration = Duration::from_secs(300);

/// The wait before the next read: `interval` doubled for each failure in a row, at most
/// [`MAX_SYNC_DELAY`], then scaled by 0.9 to 1.1 from `jitter` (in `[0, 1)`).
pub fn sync_delay(interval: Duration, failures: u32, jitter: f64) -> Duration {
    let base = interval.saturating_mul(2u32.saturating_pow(failures.min(16))).min(MAX_SYNC_DELAY);
    base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_doubling_to_five_minutes_with_ten_percent_jitter() {
        let i = Duration::from_secs(30);
        assert_eq!(sync_delay(i, 0, 0.5), i);
        assert_eq!(sync_delay(i, 1, 0.5), Duration::from_secs(60));
        assert_eq!(sync_delay(i, 3, 0.5), Duration::from_secs(240));
        assert_eq!(sync_delay(i, 4, 0.5), MAX_SYNC_DELAY);
        assert_eq!(sync_delay(i, 40, 0.5), MAX_SYNC_DELAY);
        assert_eq!(sync_delay(i, 0, 0.0), Duration::from_secs(27));
        assert_eq!(sync_delay(i, 0, 1.0), Duration::from_secs(33));
    }
}
