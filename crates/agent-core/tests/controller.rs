//! The status controller against the in-process sandbox.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Controller, ControllerConfig, CoreError, Outcome, Source, Status, Target};
use exotel_api::{Availability, Device, Session};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};

const PHONE: Target = Target::Receiving(Device::Phone);
const SIP: Target = Target::Receiving(Device::Sip);

fn session(sandbox: &Sandbox) -> Arc<Session> {
    support::quick_session(sandbox, Duration::from_millis(500))
}

fn controller(sandbox: &Sandbox) -> Controller {
    support::quick_controller(session(sandbox), agent_core::LIMIT_WAIT)
}

/// Every status published from now on, collected in the background.
fn record(controller: &Controller) -> Arc<std::sync::Mutex<Vec<Status>>> {
    support::record(controller)
}

fn device_puts(sandbox: &Sandbox) -> Vec<serde_json::Value> {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Device))
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn two_requests_at_once_are_served_one_after_the_other() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_millis(100)));

    let (first, second) = tokio::join!(c.change(PHONE, Source::Tray), c.change(SIP, Source::Window));
    assert_eq!(first.unwrap().availability, Availability::Receiving(Device::Phone));
    let end = second.unwrap();
    assert_eq!(end.availability, Availability::Receiving(Device::Sip));
    assert_eq!(c.status().availability, Availability::Receiving(Device::Sip));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Sip))));

    let puts: Vec<_> =
        sandbox.requests().into_iter().filter(|r| r.endpoint == Some(Endpoint::Device)).collect();
    assert_eq!(puts.len(), 2);
    assert!(puts[0].body.contains("\"phone\"") && puts[1].body.contains("\"sip\""));
    assert!(
        puts[1].received_us >= puts[0].replied_us,
        "the second PUT arrived at {} us, before the first was answered at {} us",
        puts[1].received_us,
        puts[0].replied_us
    );
    let change = end.last_change.unwrap();
    assert_eq!(
        (change.from, change.to, change.source),
        (Availability::Receiving(Device::Phone), Availability::Receiving(Device::Sip), Source::Window)
    );
}

#[tokio::test]
async fn a_confirmed_change_costs_one_put_and_one_token() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    for target in [PHONE, SIP, PHONE] {
        c.change(target, Source::Tray).await.unwrap();
    }
    assert_eq!(sandbox.count(Endpoint::Device), 3);
    assert_eq!(sandbox.count(Endpoint::Usermapping), 0);
    assert_eq!(sandbox.count(Endpoint::Token), 1);
}

#[tokio::test]
async fn a_lagging_reply_is_confirmed_by_reading_back() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    let seen = record(&c);
    // The PUT's reply and the next two reads still show the old (empty) ActiveDeviceId,
    // exactly like the seed's example.
    sandbox.lag_next_change(2);

    let end = c.change(PHONE, Source::Window).await.unwrap();
    assert_eq!(end.availability, Availability::Receiving(Device::Phone));
    assert_eq!(end.last_change.map(|c| c.outcome), Some(Outcome::Confirmed));
    assert_eq!(sandbox.count(Endpoint::Device), 1);
    assert_eq!(sandbox.count(Endpoint::Usermapping), 3, "two stale reads, then the confirming one");

    let seen = seen.lock().unwrap().clone();
    assert!(seen.first().is_some_and(|s| s.pending == Some(PHONE)), "in flight first: {seen:?}");
    let shown_phone_early =
        seen.iter().any(|s| s.availability == Availability::Receiving(Device::Phone) && s.pending.is_some());
    assert!(!shown_phone_early, "phone was shown before Exotel confirmed it");
}

#[tokio::test]
async fn a_change_exotel_never_confirms_ends_unknown_with_an_error() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    c.refresh(Source::Start).await.unwrap();
    sandbox.lag_next_change(50);

    let err = c.change(SIP, Source::Tray).await.unwrap_err();
    assert_eq!(err, CoreError::Unconfirmed { target: SIP });
    let s = c.status();
    assert_eq!(s.availability, Availability::Unknown);
    assert_eq!(s.pending, None);
    assert_eq!(s.last_error.as_ref().map(|e| e.kind.as_str()), Some("unconfirmed"));
    assert!(s.last_error.unwrap().message.contains("did not confirm"));
    assert_eq!(sandbox.count(Endpoint::Usermapping), 1 + 3, "the start read and three read-backs, no more");
}

#[tokio::test]
async fn going_offline_turns_off_the_device_exotel_says_is_on() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    c.change(PHONE, Source::Tray).await.unwrap();
    // Someone switches the agent to the computer behind the app's back.
    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Sip));

    let end = c.change(Target::Offline, Source::Quit).await.unwrap();
    assert_eq!(end.availability, Availability::Offline);
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)));
    let puts = device_puts(&sandbox);
    assert_eq!(puts.len(), 3, "{puts:?}");
    assert_eq!(puts[1]["DeviceName"], "phone");
    assert_eq!(puts[2]["DeviceName"], "sip");
    assert_eq!(puts[2]["DeviceStatus"], false);
}

#[tokio::test]
async fn going_offline_from_an_unknown_state_reads_first() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Sip));
    let c = controller(&sandbox);
    let end = c.change(Target::Offline, Source::Cli).await.unwrap();
    assert_eq!(end.availability, Availability::Offline);
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)));
    assert_eq!(device_puts(&sandbox)[0]["DeviceName"], "sip");

    // Already offline: the read confirms it and no PUT is sent.
    sandbox.clear_requests();
    let c = controller(&sandbox);
    assert_eq!(c.change(Target::Offline, Source::Cli).await.unwrap().availability, Availability::Offline);
    assert_eq!(sandbox.count(Endpoint::Device), 0);
}

#[tokio::test]
async fn a_failed_change_keeps_the_last_confirmed_state() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    c.change(PHONE, Source::Tray).await.unwrap();

    // Rejected outright: nothing changed, nothing read.
    sandbox.set_fault(Endpoint::Device, Fault::status(400));
    let err = c.change(SIP, Source::Window).await.unwrap_err();
    assert_eq!(err.kind(), "invalid");
    let s = c.status();
    assert_eq!(s.availability, Availability::Receiving(Device::Phone));
    assert_eq!(s.pending, None);
    assert_eq!(s.last_error.map(|e| e.kind), Some(agent_core::ErrorKind::Invalid));
    let change = s.last_change.unwrap();
    assert_eq!(
        (change.outcome, change.to, change.error_kind),
        (Outcome::Failed, Availability::Receiving(Device::Phone), Some(agent_core::ErrorKind::Invalid))
    );

    // Uncertain (the server failed): a read tells the truth.
    sandbox.set_fault(Endpoint::Device, Fault::status(500));
    assert_eq!(c.change(SIP, Source::Window).await.unwrap_err().kind(), "server");
    assert_eq!(c.status().availability, Availability::Receiving(Device::Phone));

    // Uncertain and unreadable: the last confirmed state stays, with the error.
    sandbox.set_fault(Endpoint::Device, Fault::dropped());
    sandbox.set_fault(Endpoint::Usermapping, Fault::dropped());
    assert_eq!(c.change(Target::Offline, Source::Tray).await.unwrap_err().kind(), "network");
    let s = c.status();
    assert_eq!(s.availability, Availability::Receiving(Device::Phone));
    assert_eq!(s.last_error.map(|e| e.kind), Some(agent_core::ErrorKind::Network));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
}

#[tokio::test]
async fn a_difference_found_by_a_read_is_published_as_changed_elsewhere() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    let start = c.refresh(Source::Start).await.unwrap();
    assert_eq!(start.availability, Availability::Offline);
    assert_eq!(start.user.as_ref().and_then(|u| u.name.as_deref()), Some("Asha Demo"));

    let same = c.refresh(Source::Sync).await.unwrap();
    assert_eq!(
        same.last_change.map(|c| c.source),
        Some(Source::Start),
        "no change recorded when nothing changed"
    );

    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Phone));
    let s = c.refresh(Source::Sync).await.unwrap();
    assert_eq!(s.availability, Availability::Receiving(Device::Phone));
    let change = s.last_change.unwrap();
    assert_eq!((change.from, change.source, change.target), (Availability::Offline, Source::Sync, None));

    // An id that matches neither device is shown as unknown, not guessed.
    sandbox.set_active_device_id(DEMO_USER_ID, "no-such-device");
    assert_eq!(c.refresh(Source::Sync).await.unwrap().availability, Availability::Unknown);
}

#[tokio::test]
async fn signed_out_requests_are_refused_and_the_status_says_so() {
    let c = Controller::spawn(None, ControllerConfig::default());
    assert_eq!(c.change(PHONE, Source::Tray).await.unwrap_err(), CoreError::NotSignedIn);
    assert!(!c.status().signed_in);
    assert_eq!(c.status().availability, Availability::Unknown);
}

/// What subscribers rely on: a controller started with a session says so before its first
/// read; the revision only grows, across sign-outs and sign-ins too; a sign-in's note is shown.
#[tokio::test]
async fn the_published_status_starts_signed_in_and_its_revision_only_grows() {
    let sandbox = Sandbox::start().await.unwrap();
    let session = session(&sandbox);
    let c = support::quick_controller(session.clone(), agent_core::LIMIT_WAIT);
    assert!(c.status().signed_in, "signed in from the start");
    let mut last = c.status().revision;
    let mut grew = |s: &Status| {
        assert!(s.revision > last, "revision {} after {last}", s.revision);
        last = s.revision;
    };
    grew(&c.refresh(Source::Start).await.unwrap());
    grew(&c.change(PHONE, Source::Tray).await.unwrap());
    let note = agent_core::CoreError::NotSignedIn.info();
    let out = c.set_session(None, Some(note.clone())).await.unwrap();
    grew(&out);
    assert_eq!(out.last_error.map(|e| e.kind), Some(note.kind), "the sign-out's note is shown");
    assert!(!out.signed_in);
    let back = c.set_session(Some(session), None).await.unwrap();
    grew(&back);
    assert!(back.signed_in && back.last_error.is_none());
    grew(&c.set_break(Some(agent_core::now_ms() + 60_000)).await.unwrap());
}

/// Going offline from the phone when Exotel's reply lags (still shows the phone): one PUT,
/// then reads until Exotel confirms; the phone is not turned off twice.
#[tokio::test]
async fn going_offline_with_a_lagging_reply_sends_one_put_and_reads_back() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = controller(&sandbox);
    c.change(PHONE, Source::Tray).await.unwrap();
    sandbox.clear_requests();
    sandbox.lag_next_change(1);
    let s = c.change(Target::Offline, Source::Tray).await.unwrap();
    assert_eq!(s.availability, Availability::Offline);
    assert_eq!(sandbox.count(Endpoint::Device), 1, "one PUT");
    assert_eq!(sandbox.count(Endpoint::Usermapping), 2, "a stale read, then the confirming one");
}
