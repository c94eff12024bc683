//! Exotel's rate limit as one app sees it: the `X-RateLimit-*` headers of each reply and the
//! `Retry-After` of a 429, kept per budget (reads and writes are limited separately), so the
//! session never sends a request before Exotel said it may, and the sync loop can slow down
//! before the account runs out.
//!
//! Times are `tokio::time::Instant`s, so a simulation with tokio's paused clock (the fleet
//! benchmark) moves them too.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

/// The wait assumed when a 429 carries no `Retry-After`.
pub const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(10);

/// The longest `Retry-After` (or `X-RateLimit-Reset`) believed: a larger one (a broken proxy, a
/// hostile reply) is taken as this, so no wait is absurd and no time computed from it overflows.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// A budget is "running low" when at most this share of it is left (and at least one request
/// was counted against it).
pub const LOW_SHARE: f64 = 0.1;

/// Which of the account's budgets a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Budget {
    /// `GET usermapping`.
    Reads,
    /// `PUT device` and `POST token`.
    Writes,
}

/// What one reply said about the limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateInfo {
    /// `X-RateLimit-Limit`: requests allowed in the window.
    pub limit: Option<u32>,
    /// `X-RateLimit-Remaining`: requests left in the window.
    pub remaining: Option<u32>,
    /// `X-RateLimit-Reset`: seconds until the window starts over.
    pub reset: Option<Duration>,
    /// `Retry-After`, in seconds (the HTTP-date form is rare for APIs and is ignored).
    pub retry_after: Option<Duration>,
}

impl RateInfo {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let wait = |secs: u64| Duration::from_secs(secs).min(MAX_RETRY_AFTER);
        Self {
            limit: number("x-ratelimit-limit").and_then(|n| u32::try_from(n).ok()),
            remaining: number("x-ratelimit-remaining").and_then(|n| u32::try_from(n).ok()),
            reset: number("x-ratelimit-reset").map(wait),
            retry_after: number(RETRY_AFTER.as_str()).map(wait),
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Side {
    /// No request of this budget before this instant (a 429's `Retry-After`).
    not_before: Option<Instant>,
    limit: Option<u32>,
    remaining: Option<u32>,
    reset_at: Option<Instant>,
}

/// What the replies so far said about each budget. One per [`crate::Client`].
#[derive(Debug, Default)]
pub struct RateGate {
    reads: Mutex<Side>,
    writes: Mutex<Side>,
}

impl RateGate {
    fn side(&self, budget: Budget) -> std::sync::MutexGuard<'_, Side> {
        let m = match budget {
            Budget::Reads => &self.reads,
            Budget::Writes => &self.writes,
        };
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes in one reply's headers; `limited` when it was a 429.
    pub fn observe(&self, budget: Budget, info: &RateInfo, limited: bool) {
        let now = Instant::now();
        let mut side = self.side(budget);
        if limited {
            let wait = info.retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
            side.not_before = Some(now + wait);
        }
        if info.limit.is_some() {
            side.limit = info.limit;
        }
        if info.remaining.is_some() {
            side.remaining = info.remaining;
        }
        if let Some(reset) = info.reset {
            side.reset_at = Some(now + reset);
        }
    }

    /// How long Exotel asked to wait before the next request of `budget`, if it still must.
    pub fn wait(&self, budget: Budget) -> Option<Duration> {
        let not_before = self.side(budget).not_before?;
        let left = not_before.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }

    /// The room left in `budget`'s window as the last reply said it: (remaining, limit).
    pub fn room(&self, budget: Budget) -> Option<(u32, u32)> {
        let side = *self.side(budget);
        Some((side.remaining?, side.limit?))
    }

    /// When at most [`LOW_SHARE`] of `budget` is left in the current window: the time until the
    /// window starts over. `None` when there is room, or nothing is known.
    pub fn running_low(&self, budget: Budget) -> Option<Duration> {
        let side = *self.side(budget);
        let (limit, remaining, reset_at) = (side.limit?, side.remaining?, side.reset_at?);
        let left = reset_at.saturating_duration_since(Instant::now());
        let low = f64::from(remaining) <= f64::from(limit) * LOW_SHARE;
        (low && !left.is_zero()).then_some(left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(*k, v);
            }
        }
        h
    }

    /// A `Retry-After` or reset of absurd size (u64::MAX seconds) is taken as an hour: the gate
    /// takes it in without overflowing its clock, and the wait it asks for is that hour.
    #[test]
    fn an_absurd_retry_after_is_capped_not_a_crash() {
        let huge = u64::MAX.to_string();
        let info = RateInfo::from_headers(&headers(&[
            ("retry-after", &huge),
            ("x-ratelimit-reset", &huge),
            ("x-ratelimit-limit", "10"),
            ("x-ratelimit-remaining", "0"),
        ]));
        assert_eq!((info.retry_after, info.reset), (Some(MAX_RETRY_AFTER), Some(MAX_RETRY_AFTER)));
        let gate = RateGate::default();
        gate.observe(Budget::Writes, &info, true);
        assert!(gate.wait(Budget::Writes).is_some_and(|w| w <= MAX_RETRY_AFTER && w > MAX_RETRY_AFTER / 2));
        assert!(gate.running_low(Budget::Writes).is_some());
    }

    #[test]
    fn headers_are_read_and_nonsense_is_ignored() {
        let info = RateInfo::from_headers(&headers(&[
            ("x-ratelimit-limit", "300"),
            ("x-ratelimit-remaining", " 12 "),
            ("x-ratelimit-reset", "41"),
            ("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
        ]));
        assert_eq!(info.limit, Some(300));
        assert_eq!(info.remaining, Some(12));
        assert_eq!(info.reset, Some(Duration::from_secs(41)));
        assert_eq!(info.retry_after, None, "the date form is not read");
        assert_eq!(RateInfo::from_headers(&headers(&[("x-ratelimit-limit", "-1")])), RateInfo::default());
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_closes_its_budget_only_until_retry_after() {
        let gate = RateGate::default();
        let info = RateInfo { retry_after: Some(Duration::from_secs(7)), ..RateInfo::default() };
        gate.observe(Budget::Reads, &info, true);
        assert_eq!(gate.wait(Budget::Reads), Some(Duration::from_secs(7)));
        assert_eq!(gate.wait(Budget::Writes), None, "the other budget stays open");
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(gate.wait(Budget::Reads), Some(Duration::from_secs(2)));
        tokio::time::advance(Duration::from_secs(2)).await;
        assert_eq!(gate.wait(Budget::Reads), None);
        // A 429 without Retry-After waits the default.
        gate.observe(Budget::Writes, &RateInfo::default(), true);
        assert_eq!(gate.wait(Budget::Writes), Some(DEFAULT_RETRY_AFTER));
        // A reply that is not a 429 does not close anything.
        gate.observe(Budget::Reads, &info, false);
        assert_eq!(gate.wait(Budget::Reads), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_budget_runs_low_at_a_tenth_left_until_its_window_resets() {
        let gate = RateGate::default();
        let at = |remaining| RateInfo {
            limit: Some(300),
            remaining: Some(remaining),
            reset: Some(Duration::from_secs(20)),
            retry_after: None,
        };
        gate.observe(Budget::Reads, &at(31), false);
        assert_eq!(gate.running_low(Budget::Reads), None);
        gate.observe(Budget::Reads, &at(30), false);
        assert_eq!(gate.running_low(Budget::Reads), Some(Duration::from_secs(20)));
        assert_eq!(gate.running_low(Budget::Writes), None);
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(gate.running_low(Budget::Reads), None, "a new window has begun");
    }
}
