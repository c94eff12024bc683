//! When to read the status from Exotel next, so that every agent of a call centre shares the
//! account's rate limit (Exotel limits requests per account, not per agent) and a change made
//! elsewhere is still seen soon.
//!
//! The rules ([`SyncRules::SHARED`], the default):
//! - **Skip when fresh**: no read while Exotel confirmed the status (a change's reply or a
//!   read) less than an interval ago; the next read is an interval after that confirmation.
//! - **Spread**: the first read after start waits a random part of the interval, and each wait
//!   varies by up to 10 %, so agents started together do not read together.
//! - **Retry-After**: no read before a 429's `Retry-After` has passed (the session refuses to
//!   send it); then a random part of an interval more, so the agents told to wait do not all
//!   come back in the same second.
//! - **Budget low**: when a reply says at most a tenth of the read budget is left
//!   ([`exotel_api::LOW_SHARE`]), the next read waits for the budget's window to start over, plus
//!   a random part of an interval.
//! - **Pace**: every 429 or low budget doubles this agent's interval (up to [`MAX_PACE`] times,
//!   and never past [`MAX_SYNC_DELAY`]); every read with room to spare takes a tenth of the
//!   slowdown back ([`next_pace`]). The agents of an account, none of which knows how many
//!   others there are, so settle on what the account allows (additive increase, multiplicative
//!   decrease, as TCP shares a link).
//! - **Failures** back off: the interval doubled for each failure in a row, up to
//!   [`MAX_SYNC_DELAY`].
//!
//! The interval itself is the agent's preference, raised to the admin's preset if there is one
//! ([`crate::presets::SyncPresets`]). Rule of thumb for the admin: interval (s) >= agents x 60 /
//! reads allowed per minute, e.g. 500 agents under 300 reads a minute: at least 100 s.

use std::time::Duration;

use exotel_api::ApiError;
use tokio::sync::Notify;

use crate::error::{CoreError, Result};
use crate::status::Status;

/// The longest wait between reads, however many failed.
pub const MAX_SYNC_DELAY: Duration = Duration::from_secs(300);

/// The most a sync interval is stretched by the pace.
pub const MAX_PACE: f64 = 16.0;

/// The pace after a sync: doubled by a 429 or a low budget, eased back by a tenth after a read
/// with room to spare; between 1 and [`MAX_PACE`]. Only with [`SyncRules::spread`].
pub fn next_pace(pace: f64, last: &Result<Synced>, rules: SyncRules) -> f64 {
    if !rules.spread {
        return 1.0;
    }
    let next = match last {
        Ok(Synced::Read { low_for: Some(_), .. })
        | Ok(Synced::Limited(_))
        | Err(CoreError::Api(ApiError::RateLimited { .. })) => pace * 2.0,
        Ok(Synced::Read { low_for: None, .. }) => pace * 0.9,
        _ => pace,
    };
    next.clamp(1.0, MAX_PACE)
}

/// Which of the sharing rules the sync loop follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncRules {
    /// Skip a read while Exotel confirmed the status less than an interval ago.
    pub skip_fresh: bool,
    /// Spread reads: a random first wait, a random extra after a `Retry-After`, and wait for the
    /// window to start over when the budget runs low.
    pub spread: bool,
}

impl SyncRules {
    /// Today's rules (the default).
    pub const SHARED: Self = Self { skip_fresh: true, spread: true };
    /// The rules before the account's limit was shared: a read every interval whatever
    /// happened, backing off only after failures. Kept to measure against (`agent-bench fleet`).
    pub const FIXED: Self = Self { skip_fresh: false, spread: false };
}

impl Default for SyncRules {
    fn default() -> Self {
        Self::SHARED
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Synced {
    /// Read from Exotel; `low_for`: the read budget is running low, and its window starts over
    /// in this long.
    Read { status: Box<Status>, low_for: Option<Duration> },
    /// Not read: Exotel confirmed the status recently; it goes stale in this long.
    Fresh(Duration),
    /// Not read: an earlier 429 asked to wait this much longer.
    Limited(Duration),
    /// Not read: a change arrived while the read was in flight, and went first.
    Superseded,
}

/// The wait before the next read: `interval` doubled for each failure in a row, at most
/// [`MAX_SYNC_DELAY`], then scaled by 0.9 to 1.1 from `jitter` (in `[0, 1)`).
pub fn sync_delay(interval: Duration, failures: u32, jitter: f64) -> Duration {
    let base = interval.saturating_mul(2u32.saturating_pow(failures.min(16))).min(MAX_SYNC_DELAY);
    base.mul_f64(0.9 + 0.2 * jitter.clamp(0.0, 1.0))
}

/// The wait before the first read after start.
pub fn first_wait(interval: Duration, rules: SyncRules, jitter: f64) -> Duration {
    if rules.spread { interval.mul_f64(jitter.clamp(0.0, 1.0)) } else { sync_delay(interval, 0, jitter) }
}

/// The wait before the next read, from what the last sync did; `failures` counts the failed
/// ones in a row (the last included); `jitter` is in `[0, 1)`.
pub fn next_wait(
    interval: Duration,
    last: &Result<Synced>,
    failures: u32,
    rules: SyncRules,
    jitter: f64,
) -> Duration {
    let jitter = jitter.clamp(0.0, 1.0);
    let spread = interval.mul_f64(jitter);
    match last {
        Ok(Synced::Read { low_for: Some(reset), .. }) if rules.spread => reset.saturating_add(spread),
        Ok(Synced::Fresh(left)) => left.saturating_add(interval.mul_f64(0.1 * jitter)),
        Ok(Synced::Limited(wait)) => wait.saturating_add(spread),
        Err(CoreError::Api(ApiError::RateLimited { retry_after })) if rules.spread => {
            let asked = retry_after.unwrap_or(exotel_api::DEFAULT_RETRY_AFTER);
            asked.max(sync_delay(interval, failures.saturating_sub(1), 0.5)).saturating_add(spread)
        }
        Ok(_) | Err(CoreError::NotSignedIn) => sync_delay(interval, 0, jitter),
        Err(_) => sync_delay(interval, failures, jitter),
    }
}

/// Runs a sync loop for ever: waits ([`first_wait`], then [`next_wait`]), or until `wake` is
/// notified, then calls `sync` with the interval of the moment and the rules. Woken, it reads
/// even when the status is fresh (the window opened, the computer woke: the agent is looking),
/// but still never before a `Retry-After`.
pub async fn run_sync_loop<F, Fut>(
    mut sync: F,
    interval: impl Fn() -> Duration,
    rules: SyncRules,
    wake: &Notify,
) where
    F: FnMut(Duration, SyncRules) -> Fut,
    Fut: Future<Output = Result<Synced>>,
{
    let mut failures = 0u32;
    let mut pace = 1.0f64;
    let mut wait = first_wait(interval(), rules, fastrand::f64());
    loop {
        let woken = tokio::select! {
            () = tokio::time::sleep(wait) => false,
            () = wake.notified() => true,
        };
        let own = interval();
        let interval = own.mul_f64(pace).min(MAX_SYNC_DELAY.max(own));
        let now_rules = if woken { SyncRules { skip_fresh: false, ..rules } } else { rules };
        let result = sync(interval, now_rules).await;
        pace = next_pace(pace, &result, rules);
        match &result {
            Ok(Synced::Read { .. }) | Err(CoreError::NotSignedIn) => failures = 0,
            Ok(_) => {}
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::info!(kind = %e.kind(), failures, "sync failed; backing off");
            }
        }
        wait = next_wait(interval, &result, failures, rules, fastrand::f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const I: Duration = Duration::from_secs(30);

    fn read(low_for: Option<Duration>) -> Result<Synced> {
        Ok(Synced::Read { status: Box::default(), low_for })
    }

    #[test]
    fn backs_off_doubling_to_five_minutes_with_ten_percent_jitter() {
        assert_eq!(sync_delay(I, 0, 0.5), I);
        assert_eq!(sync_delay(I, 1, 0.5), Duration::from_secs(60));
        assert_eq!(sync_delay(I, 3, 0.5), Duration::from_secs(240));
        assert_eq!(sync_delay(I, 4, 0.5), MAX_SYNC_DELAY);
        assert_eq!(sync_delay(I, 40, 0.5), MAX_SYNC_DELAY);
        assert_eq!(sync_delay(I, 0, 0.0), Duration::from_secs(27));
        assert_eq!(sync_delay(I, 0, 1.0), Duration::from_secs(33));
    }

    #[test]
    fn a_read_waits_an_interval_and_a_failure_backs_off() {
        let r = SyncRules::SHARED;
        assert_eq!(next_wait(I, &read(None), 0, r, 0.5), I);
        let timeout = Err(CoreError::Api(ApiError::Timeout));
        assert_eq!(next_wait(I, &timeout, 2, r, 0.5), Duration::from_secs(120));
        assert_eq!(next_wait(I, &Err(CoreError::NotSignedIn), 0, r, 0.5), I);
    }

    #[test]
    fn a_fresh_status_is_read_when_it_goes_stale_not_before() {
        let left = Duration::from_secs(12);
        for jitter in [0.0, 0.5, 0.99] {
            let wait = next_wait(I, &Ok(Synced::Fresh(left)), 0, SyncRules::SHARED, jitter);
            assert!(wait >= left && wait <= left + I / 10, "{wait:?}");
        }
    }

    #[test]
    fn no_read_before_retry_after_and_the_agents_told_to_wait_come_back_spread() {
        let limited =
            Err(CoreError::Api(ApiError::RateLimited { retry_after: Some(Duration::from_secs(40)) }));
        let waits: Vec<Duration> =
            [0.0, 0.3, 0.6, 0.9].iter().map(|j| next_wait(I, &limited, 1, SyncRules::SHARED, *j)).collect();
        assert!(waits.iter().all(|w| *w >= Duration::from_secs(40)), "{waits:?}");
        assert!(waits.windows(2).all(|w| w[0] < w[1]), "spread over an interval: {waits:?}");
        assert_eq!(waits[0], Duration::from_secs(40), "from the Retry-After on, not a backoff");
        let long = Err(CoreError::Api(ApiError::RateLimited { retry_after: Some(Duration::from_secs(200)) }));
        assert!(next_wait(I, &long, 1, SyncRules::SHARED, 0.0) >= Duration::from_secs(200));
        let held = Ok(Synced::Limited(Duration::from_secs(7)));
        assert!(next_wait(I, &held, 0, SyncRules::SHARED, 0.0) >= Duration::from_secs(7));
        // The old rules only backed off.
        assert_eq!(next_wait(I, &limited, 1, SyncRules::FIXED, 0.5), Duration::from_secs(60));
    }

    #[test]
    fn a_low_budget_waits_for_its_window_to_start_over() {
        let low = read(Some(Duration::from_secs(50)));
        let wait = next_wait(I, &low, 0, SyncRules::SHARED, 0.25);
        assert_eq!(wait, Duration::from_secs(50) + I / 4);
        assert_eq!(next_wait(I, &low, 0, SyncRules::FIXED, 0.5), I, "the old rules did not look");
    }

    #[test]
    fn the_pace_doubles_on_a_limit_and_eases_back_on_room() {
        let r = SyncRules::SHARED;
        let limited = Err(CoreError::Api(ApiError::RateLimited { retry_after: None }));
        assert_eq!(next_pace(1.0, &limited, r), 2.0);
        assert_eq!(next_pace(2.0, &read(Some(Duration::from_secs(3))), r), 4.0);
        assert_eq!(next_pace(4.0, &Ok(Synced::Limited(Duration::from_secs(3))), r), 8.0);
        assert_eq!(next_pace(MAX_PACE, &limited, r), MAX_PACE, "bounded");
        assert!((next_pace(4.0, &read(None), r) - 3.6).abs() < 1e-9);
        assert_eq!(next_pace(1.0, &read(None), r), 1.0, "never faster than the interval");
        assert_eq!(next_pace(4.0, &Ok(Synced::Fresh(I)), r), 4.0, "a skipped sync says nothing");
        assert_eq!(next_pace(4.0, &Err(CoreError::Api(ApiError::Timeout)), r), 4.0);
        assert_eq!(next_pace(1.0, &limited, SyncRules::FIXED), 1.0, "the old rules had no pace");
    }

    #[test]
    fn the_first_read_is_spread_over_the_interval() {
        assert_eq!(first_wait(I, SyncRules::SHARED, 0.0), Duration::ZERO);
        assert_eq!(first_wait(I, SyncRules::SHARED, 0.5), I / 2);
        assert_eq!(first_wait(I, SyncRules::FIXED, 0.5), I);
    }

    /// Runs the loop on tokio's paused clock against a scripted sync, and returns when each
    /// sync was called (seconds since start) and with which rules.
    async fn drive(
        script: Vec<Result<Synced>>,
        interval: &std::sync::atomic::AtomicU64,
        wake_at: Option<usize>,
    ) -> Vec<(f64, SyncRules)> {
        use std::sync::Mutex;
        let start = tokio::time::Instant::now();
        let calls = Mutex::new(Vec::new());
        let script = Mutex::new(script.into_iter());
        let wake = Notify::new();
        let looping = run_sync_loop(
            |_interval, rules| {
                let mut c = calls.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                c.push((start.elapsed().as_secs_f64(), rules));
                if Some(c.len()) == wake_at {
                    wake.notify_one();
                }
                let next = script.lock().unwrap_or_else(std::sync::PoisonError::into_inner).next();
                async move { next.unwrap_or(Err(CoreError::NotSignedIn)) }
            },
            || Duration::from_secs(interval.load(std::sync::atomic::Ordering::SeqCst)),
            SyncRules::SHARED,
            &wake,
        );
        let n = script.lock().map(|s| s.len()).unwrap_or(0) + 1;
        let watch = async {
            while calls.lock().map(|c| c.len()).unwrap_or(0) < n {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        tokio::select! {
            () = looping => {}
            () = watch => {}
        }
        calls.into_inner().unwrap_or_default()
    }

    fn gaps(calls: &[(f64, SyncRules)]) -> Vec<f64> {
        calls.windows(2).map(|w| w[1].0 - w[0].0).collect()
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_counts_failures_backs_off_resets_and_follows_a_new_interval() {
        let interval = std::sync::atomic::AtomicU64::new(30);
        let timeout = || Err(CoreError::Api(ApiError::Timeout));
        let script = vec![timeout(), timeout(), timeout(), read(None), read(None)];
        let calls = drive(script, &interval, None).await;
        assert!(calls[0].0 <= 30.0, "the first read within an interval: {calls:?}");
        let g = gaps(&calls);
        let within = |g: f64, lo: f64, hi: f64| g >= lo - 0.01 && g <= hi + 0.01;
        assert!(within(g[0], 54.0, 66.0), "one failure: doubled {g:?}");
        assert!(within(g[1], 108.0, 132.0), "two: doubled again {g:?}");
        assert!(within(g[2], 216.0, 264.0), "three {g:?}");
        assert!(within(g[3], 27.0, 33.0), "a read resets the count {g:?}");
        assert!(within(g[4], 27.0, 33.0), "{g:?}");

        // The interval changes (Settings): the next wait follows it.
        interval.store(100, std::sync::atomic::Ordering::SeqCst);
        let calls = drive(vec![read(None), read(None)], &interval, None).await;
        let g = gaps(&calls);
        assert!(within(g[0], 90.0, 110.0) && within(g[1], 90.0, 110.0), "{g:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_waits_out_limits_and_fresh_status_and_reads_at_once_when_woken() {
        let interval = std::sync::atomic::AtomicU64::new(30);
        let limited =
            Err(CoreError::Api(ApiError::RateLimited { retry_after: Some(Duration::from_secs(40)) }));
        let script = vec![Ok(Synced::Fresh(Duration::from_secs(12))), limited, read(None), read(None)];
        // Woken after the third call: the fourth comes at once, reading even if fresh.
        let calls = drive(script, &interval, Some(3)).await;
        let g = gaps(&calls);
        assert!(g[0] >= 12.0 && g[0] <= 15.01, "fresh: read when stale {g:?}");
        assert!(g[1] >= 40.0, "never before Retry-After {g:?}");
        assert!(g[2] < 0.01, "woken: at once {g:?}");
        assert!(calls[..3].iter().all(|c| c.1 == SyncRules::SHARED));
        assert!(!calls[3].1.skip_fresh, "a woken read is not skipped as fresh");
        assert!(calls[4].1.skip_fresh);
    }

    /// Random outcomes of a sync, every kind the loop can see.
    fn outcome() -> impl proptest::strategy::Strategy<Value = Result<Synced>> {
        use proptest::prelude::*;
        let secs = || (0u64..900).prop_map(Duration::from_secs);
        prop_oneof![
            proptest::option::of(secs()).prop_map(read),
            secs().prop_map(|d| Ok(Synced::Fresh(d))),
            secs().prop_map(|d| Ok(Synced::Limited(d))),
            Just(Ok(Synced::Superseded)),
            proptest::option::of(secs())
                .prop_map(|retry_after| Err(CoreError::Api(ApiError::RateLimited { retry_after }))),
            Just(Err(CoreError::Api(ApiError::Timeout))),
            Just(Err(CoreError::NotSignedIn)),
        ]
    }

    proptest::proptest! {
        /// Whatever happened, the shared rules never read before Exotel's `Retry-After`, before
        /// a fresh status goes stale, or before a low budget's window starts over; never wait
        /// unboundedly; and keep the pace between 1 and 16, doubling on a 429 or a low budget and
        /// never rising after a read with room to spare.
        #[test]
        fn the_shared_rules_never_read_too_early_or_wait_for_ever(
            last in outcome(),
            failures in 0u32..40,
            interval in proptest::strategy::Strategy::prop_map(10u64..600, Duration::from_secs),
            jitter in 0.0f64..1.0,
            pace in 1.0f64..=MAX_PACE,
        ) {
            let wait = next_wait(interval, &last, failures, SyncRules::SHARED, jitter);
            let floor = match &last {
                Ok(Synced::Fresh(left)) => *left,
                Ok(Synced::Limited(asked)) => *asked,
                Ok(Synced::Read { low_for: Some(reset), .. }) => *reset,
                Err(CoreError::Api(ApiError::RateLimited { retry_after })) => {
                    retry_after.unwrap_or(exotel_api::DEFAULT_RETRY_AFTER)
                }
                _ => Duration::ZERO,
            };
            proptest::prop_assert!(wait >= floor, "{wait:?} before {floor:?} after {last:?}");
            let ceiling = floor.max(MAX_SYNC_DELAY.mul_f64(1.1)) + interval;
            proptest::prop_assert!(wait <= ceiling, "{wait:?} past {ceiling:?} after {last:?}");

            let next = next_pace(pace, &last, SyncRules::SHARED);
            proptest::prop_assert!((1.0..=MAX_PACE).contains(&next), "{next}");
            let pressed = matches!(
                &last,
                Ok(Synced::Read { low_for: Some(_), .. } | Synced::Limited(_))
                    | Err(CoreError::Api(ApiError::RateLimited { .. }))
            );
            if pressed {
                proptest::prop_assert_eq!(next, (pace * 2.0).min(MAX_PACE));
            } else {
                proptest::prop_assert!(next <= pace, "{pace} rose to {next} after {last:?}");
            }
            proptest::prop_assert_eq!(next_pace(pace, &last, SyncRules::FIXED), 1.0);
        }
    }
}
