//! Exotel's rate limit, through the controller, against the sandbox: a click is sent again
//! once the limit lifts (and only then), the status says it is waiting, reads go after
//! clicks, and a sync neither reads while the status is fresh nor before a `Retry-After`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Controller, ControllerConfig, Source, Status, SyncRules, Synced, Target};
use exotel_api::{AppCredentials, Availability, Client, Device, Host, HttpConfig, Secret, Session};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Endpoint, Fault, Sandbox};

const PHONE: Target = Target::Receiving(Device::Phone);

fn controller(sandbox: &Sandbox, limit_wait: Duration) -> Controller {
    let host = Host::parse(&sandbox.url()).unwrap();
    let http = HttpConfig::default().build(&host).unwrap();
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let session = Arc::new(Session::new(Client::new(host, http), creds, DEMO_USER_ID));
    let config =
        ControllerConfig { confirm_backoff: Duration::from_millis(10), limit_wait, ..Default::default() };
    Controller::spawn(Some(session), config)
}

fn record(controller: &Controller) -> Arc<std::sync::Mutex<Vec<Status>>> {
    support::record(controller)
}

/// (arrived at, status) of each request to `endpoint`, in microseconds since the sandbox began.
fn arrivals(sandbox: &Sandbox, endpoint: Endpoint) -> Vec<(u64, u16)> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(endpoint))
        .map(|r| (r.received_us, r.status))
        .collect()
}

#[tokio::test]
async fn a_click_during_a_429_storm_is_confirmed_once_the_limit_lifts_and_not_sent_before() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox, Duration::from_secs(30));
    c.refresh(Source::Start).await.unwrap();
    let seen = record(&c);
    sandbox.set_fault(Endpoint::Device, Fault::status(429).with_retry_after(1).times(2));
    let done = c.change(PHONE, Source::Tray).await.expect("confirmed once the limit lifted");
    assert_eq!(done.availability, Availability::Receiving(Device::Phone));
    assert_eq!(done.limited, None);
    let puts = arrivals(&sandbox, Endpoint::Device);
    assert_eq!(puts.iter().map(|p| p.1).collect::<Vec<_>>(), vec![429, 429, 200]);
    for pair in puts.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= 1_000_000, "sent again before Retry-After: {puts:?}");
    }
    let seen = seen.lock().unwrap().clone();
    let waits: Vec<_> = seen.iter().filter_map(|s| s.limited.map(|w| (s.pending, w.seconds))).collect();
    assert_eq!(waits, vec![(Some(PHONE), 1), (Some(PHONE), 1)], "the status said it was waiting, twice");
    assert_eq!(seen.last().map(|s| s.availability), Some(Availability::Receiving(Device::Phone)));
}

#[tokio::test]
async fn a_click_refused_past_the_bound_fails_at_once_and_shows_what_exotel_holds() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox, Duration::from_secs(30));
    c.refresh(Source::Start).await.unwrap();
    sandbox.set_fault(Endpoint::Device, Fault::status(429).with_retry_after(45));
    let started = std::time::Instant::now();
    let err = c.change(PHONE, Source::Tray).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "a 45 s wait is not waited out");
    assert_eq!(err.kind(), "rate_limited");
    assert!(err.to_string().contains("Exotel is limiting requests"), "{err}");
    let s = c.status();
    assert_eq!((s.availability, s.pending, s.limited), (Availability::Offline, None, None));
    assert_eq!(arrivals(&sandbox, Endpoint::Device).len(), 1, "sent once");
    // A second click within the Retry-After is not sent at all.
    sandbox.clear_faults();
    let again = c.change(PHONE, Source::Tray).await.unwrap_err();
    assert_eq!(again.kind(), "rate_limited");
    assert_eq!(arrivals(&sandbox, Endpoint::Device).len(), 1, "nothing sent before Retry-After");
}

#[tokio::test]
async fn a_sync_skips_while_fresh_and_while_reads_are_limited_and_a_click_is_not() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox, Duration::from_secs(30));
    let interval = Duration::from_secs(30);
    // Nothing heard yet: it reads.
    assert!(matches!(c.sync(interval, SyncRules::SHARED).await, Ok(Synced::Read { .. })));
    // Heard just now: skipped, for about an interval.
    match c.sync(interval, SyncRules::SHARED).await {
        Ok(Synced::Fresh(left)) => assert!(left > Duration::from_secs(29) && left <= interval, "{left:?}"),
        other => panic!("{other:?}"),
    }
    // The old rules read anyway.
    assert!(matches!(c.sync(interval, SyncRules::FIXED).await, Ok(Synced::Read { .. })));
    let reads = arrivals(&sandbox, Endpoint::Usermapping).len();
    assert_eq!(reads, 2);
    // A read refused with 429: the next syncs send nothing until its Retry-After.
    sandbox.set_fault(Endpoint::Usermapping, Fault::status(429).with_retry_after(30).times(1));
    let refused = c.sync(Duration::ZERO, SyncRules::SHARED).await;
    assert_eq!(refused.map_err(|e| e.kind()).err(), Some(agent_core::ErrorKind::RateLimited));
    match c.sync(Duration::ZERO, SyncRules::SHARED).await {
        Ok(Synced::Limited(wait)) => assert!(wait > Duration::from_secs(25), "{wait:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(arrivals(&sandbox, Endpoint::Usermapping).len(), reads + 1);
    // Writes have their own budget: a click goes through while reads wait.
    let s = c.change(PHONE, Source::Window).await.unwrap();
    assert_eq!(s.availability, Availability::Receiving(Device::Phone));
}

#[tokio::test]
async fn a_click_is_not_queued_behind_a_slow_read() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox, Duration::from_secs(30));
    c.refresh(Source::Start).await.unwrap();
    // The next read hangs for 3 s; the click arrives while it is in flight.
    sandbox.set_fault(Endpoint::Usermapping, Fault::delay(Duration::from_secs(3)).times(1));
    let reader = c.clone();
    let read = tokio::spawn(async move { reader.sync(Duration::ZERO, SyncRules::SHARED).await });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = std::time::Instant::now();
    let s = c.change(PHONE, Source::Shortcut).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "waited {:?} behind the read", started.elapsed());
    assert_eq!(s.availability, Availability::Receiving(Device::Phone));
    assert_eq!(read.await.unwrap().unwrap(), Synced::Superseded);
}
