//! The account-wide rate limit, as Exotel's documentation describes it: requests per minute per
//! account (here, per app id), with separate budgets for reads (`usermapping`) and writes
//! (`device`, `token`). Every counted reply carries `X-RateLimit-Limit`, `X-RateLimit-Remaining`
//! and `X-RateLimit-Reset` (seconds until the window starts over); past the limit the reply is
//! HTTP 429 with Exotel's envelope and `Retry-After`, and the request is not carried out.
//!
//! Windows are fixed minutes from the sandbox's start, measured with `tokio::time::Instant`, so
//! a simulation with tokio's paused clock (the fleet benchmark) runs a day in seconds. A refused
//! request does not spend the budget.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::state::Endpoint;

/// The length of a window.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Requests per minute allowed per app id, per budget; `None` is unlimited (the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimits {
    pub reads_per_min: Option<u32>,
    pub writes_per_min: Option<u32>,
}

/// Which budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Budget {
    Reads,
    Writes,
}

impl Budget {
    pub fn of(endpoint: Endpoint) -> Self {
        match endpoint {
            Endpoint::Usermapping => Budget::Reads,
            Endpoint::Token | Endpoint::Device => Budget::Writes,
        }
    }
}

/// What one minute of the account saw (all apps together).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinuteStat {
    /// The minute's number since the sandbox started.
    pub minute: u64,
    /// Requests that arrived, by endpoint, refused ones included.
    pub reads: u64,
    pub writes: u64,
    pub tokens: u64,
    /// Of those, refused with 429 by the limit.
    pub limited_reads: u64,
    pub limited_writes: u64,
}

impl MinuteStat {
    pub fn total(&self) -> u64 {
        self.reads + self.writes
    }
    pub fn limited(&self) -> u64 {
        self.limited_reads + self.limited_writes
    }
}

/// The limit's verdict on one request: the headers to send, and whether it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub limit: u32,
    pub remaining: u32,
    /// Whole seconds until the window starts over (at least 1).
    pub reset_secs: u64,
    pub refused: bool,
}

#[derive(Debug)]
pub(crate) struct Limiter {
    pub limits: RateLimits,
    started: Instant,
    /// (app id, budget) -> (window number, requests counted in it).
    used: HashMap<(String, Budget), (u64, u32)>,
    minutes: BTreeMap<u64, MinuteStat>,
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Self {
        Self { limits, started: Instant::now(), used: HashMap::new(), minutes: BTreeMap::new() }
    }

    fn now(&self) -> (u64, Duration) {
        let elapsed = Instant::now().saturating_duration_since(self.started);
        let window = elapsed.as_secs() / WINDOW.as_secs();
        let into = elapsed.saturating_sub(WINDOW.saturating_mul(u32::try_from(window).unwrap_or(u32::MAX)));
        (window, WINDOW.saturating_sub(into))
    }

    /// Counts a request of `endpoint` by `app` (`None`: not attributable to an app, so not
    /// limited) and says whether it may be carried out.
    pub fn admit(&mut self, endpoint: Endpoint, app: Option<&str>) -> Option<Verdict> {
        let budget = Budget::of(endpoint);
        let (window, left) = self.now();
        let stat =
            self.minutes.entry(window).or_insert(MinuteStat { minute: window, ..MinuteStat::default() });
        match endpoint {
            Endpoint::Usermapping => stat.reads += 1,
            Endpoint::Device => stat.writes += 1,
            Endpoint::Token => {
                stat.writes += 1;
                stat.tokens += 1;
            }
        }
        let limit = match budget {
            Budget::Reads => self.limits.reads_per_min,
            Budget::Writes => self.limits.writes_per_min,
        }?;
        let app = app?;
        let used = self.used.entry((app.to_owned(), budget)).or_insert((window, 0));
        if used.0 != window {
            *used = (window, 0);
        }
        let refused = used.1 >= limit;
        if refused {
            match budget {
                Budget::Reads => stat.limited_reads += 1,
                Budget::Writes => stat.limited_writes += 1,
            }
        } else {
            used.1 += 1;
        }
        let reset_secs = left.as_secs_f64().ceil().max(1.0) as u64;
        Some(Verdict { limit, remaining: limit.saturating_sub(used.1), reset_secs, refused })
    }

    /// Every minute so far, in order (minutes with no request are left out).
    pub fn minutes(&self) -> Vec<MinuteStat> {
        self.minutes.values().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn each_app_and_budget_has_its_own_minute() {
        let mut l = Limiter::new(RateLimits { reads_per_min: Some(2), writes_per_min: Some(1) });
        let read = |l: &mut Limiter, app| l.admit(Endpoint::Usermapping, Some(app)).map(|v| v.refused);
        assert_eq!(read(&mut l, "a"), Some(false));
        assert_eq!(read(&mut l, "a"), Some(false));
        assert_eq!(read(&mut l, "a"), Some(true), "the third read in a minute is refused");
        assert_eq!(read(&mut l, "b"), Some(false), "another account has its own budget");
        let write = l.admit(Endpoint::Device, Some("a"));
        assert_eq!(write.map(|v| (v.refused, v.remaining)), Some((false, 0)), "writes are apart");
        tokio::time::advance(Duration::from_secs(45)).await;
        let v = l.admit(Endpoint::Usermapping, Some("a"));
        assert_eq!(v.map(|v| (v.refused, v.reset_secs)), Some((true, 15)));
        tokio::time::advance(Duration::from_secs(15)).await;
        assert_eq!(read(&mut l, "a"), Some(false), "a new minute, a new budget");
        let minutes = l.minutes();
        assert_eq!(minutes.len(), 2);
        assert_eq!((minutes[0].reads, minutes[0].limited_reads, minutes[0].writes), (5, 2, 1));
        assert_eq!(l.admit(Endpoint::Token, None), None, "an unknown app is not limited");
    }

    #[tokio::test(start_paused = true)]
    async fn no_limit_means_no_verdict_but_the_minute_is_still_counted() {
        let mut l = Limiter::new(RateLimits::default());
        assert_eq!(l.admit(Endpoint::Usermapping, Some("a")), None);
        assert_eq!(l.minutes().first().map(|m| m.reads), Some(1));
    }
}
