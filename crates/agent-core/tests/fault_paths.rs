//! Every direction of change through every fault at every step: the fault matrix's second half.
//!
//! Directions: to phone, to computer, to offline, to offline along the two-PUT path (the app
//! shows phone, Exotel has the computer on), and to offline from an unknown status (a read
//! first). Faults: the request refused (5xx, 429), lost (reset, timeout), unreadable, and the
//! ones where Exotel **did** make the change: "applied, reply lost", "applied, then 5xx",
//! "applied, then an unreadable reply". Steps: the first PUT only, every PUT, the second PUT
//! only (a retry, or the two-PUT path's second), the first read only (the read before going
//! offline, a read-back after a lagging reply, or the read after an uncertain failure), every
//! read.
//!
//! Every case checks what an agent relies on: what is shown is what the sandbox holds, or is
//! unknown with an error; a success shows the target, and the sandbox holds it; nothing is left
//! in flight; no error shows a credential; the requests are bounded; and the controller answers
//! afterwards. Prints `fault paths: N/M cases passed`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use agent_core::{Source, Target};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, FaultBody, Sandbox};

const TIMEOUT: Duration = Duration::from_millis(400);
const HANG: Duration = Duration::from_millis(900);
/// Cases run at most this many at a time, so a busy machine does not turn replies into timeouts.
const AT_ONCE: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    ToPhone,
    ToSip,
    ToOffline,
    /// The app shows phone; Exotel has the computer on: off(phone) shows sip, then off(sip).
    TwoPut,
    /// The app has not read the status: it reads before turning anything off.
    FromUnknown,
}

const DIRECTIONS: [Direction; 5] =
    [Direction::ToPhone, Direction::ToSip, Direction::ToOffline, Direction::TwoPut, Direction::FromUnknown];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    S500,
    S429,
    Reset,
    Timeout,
    Garbage,
    AppliedReplyLost,
    AppliedThen503,
    AppliedGarbage,
}

const KINDS: [Kind; 8] = [
    Kind::S500,
    Kind::S429,
    Kind::Reset,
    Kind::Timeout,
    Kind::Garbage,
    Kind::AppliedReplyLost,
    Kind::AppliedThen503,
    Kind::AppliedGarbage,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    FirstPut,
    EveryPut,
    SecondPutOnly,
    /// The first read, after the next change's reply lags (so a read-back is needed).
    FirstReadLagging,
    EveryRead,
}

const STEPS: [Step; 5] =
    [Step::FirstPut, Step::EveryPut, Step::SecondPutOnly, Step::FirstReadLagging, Step::EveryRead];

fn fault(kind: Kind) -> Fault {
    match kind {
        Kind::S500 => Fault::status(500),
        Kind::S429 => Fault::status(429).with_retry_after(1),
        Kind::Reset => Fault::dropped(),
        Kind::Timeout => Fault { drop_connection: true, ..Fault::delay(HANG) },
        Kind::Garbage => Fault::body(FaultBody::Garbage),
        Kind::AppliedReplyLost => Fault::applied_reply_lost(),
        Kind::AppliedThen503 => Fault::applied_then(503),
        Kind::AppliedGarbage => Fault { applied: true, ..Fault::body(FaultBody::Garbage) },
    }
}

fn holds(sandbox: &Sandbox) -> Availability {
    match sandbox.active(DEMO_USER_ID) {
        Some(Ok(None)) => Availability::Offline,
        Some(Ok(Some(DeviceName::Phone))) => Availability::Receiving(Device::Phone),
        Some(Ok(Some(DeviceName::Sip))) => Availability::Receiving(Device::Sip),
        _ => Availability::Unknown,
    }
}

async fn run(direction: Direction, kind: Kind, step: Step) -> Result<(), String> {
    let sandbox = Sandbox::start().await.map_err(|e| e.to_string())?;
    let session = support::quick_session(&sandbox, TIMEOUT);
    let controller = support::quick_controller(session, Duration::from_millis(2500));
    let (start, target) = match direction {
        Direction::ToPhone => (None, Target::Receiving(Device::Phone)),
        Direction::ToSip => (Some(DeviceName::Phone), Target::Receiving(Device::Sip)),
        Direction::ToOffline | Direction::TwoPut | Direction::FromUnknown => {
            (Some(DeviceName::Phone), Target::Offline)
        }
    };
    sandbox.set_active(DEMO_USER_ID, start);
    if direction != Direction::FromUnknown {
        controller.refresh(Source::Start).await.map_err(|e| format!("setup: {e}"))?;
    }
    if direction == Direction::TwoPut {
        sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Sip));
    }
    sandbox.clear_requests();
    let f = fault(kind);
    match step {
        Step::FirstPut => sandbox.set_fault(Endpoint::Device, f.times(1)),
        Step::EveryPut => sandbox.set_fault(Endpoint::Device, f),
        Step::SecondPutOnly => sandbox.set_fault(Endpoint::Device, f.after(1).times(1)),
        Step::FirstReadLagging => {
            sandbox.lag_next_change(0);
            sandbox.set_fault(Endpoint::Usermapping, f.times(1));
        }
        Step::EveryRead => sandbox.set_fault(Endpoint::Usermapping, f),
    }

    let before = controller.status().availability;
    let result = controller.change(target, Source::Window).await;
    if kind == Kind::Timeout {
        // Let the sandbox finish a hung request (it may carry it out late: it does not here).
        tokio::time::sleep(HANG).await;
    }
    let shown = controller.status();
    let truth = holds(&sandbox);
    let mut problems = Vec::new();
    match &result {
        Ok(s) => {
            if s.availability != target.availability() || truth != target.availability() {
                problems.push(format!("confirmed {:?}, Exotel holds {truth:?}", s.availability));
            }
        }
        Err(e) => {
            let unknown = shown.availability == Availability::Unknown;
            // A 429 says nothing was done and nothing about the device: the last confirmed
            // status stays (stale only if it was changed behind the app's back, the two-PUT case).
            let refused_as_before = e.kind() == "rate_limited" && shown.availability == before;
            if shown.availability != truth && !unknown && !refused_as_before {
                problems.push(format!(
                    "failed ({}) and shows {:?}, Exotel holds {truth:?}",
                    e.kind(),
                    shown.availability
                ));
            }
            if shown.last_error.is_none() {
                problems.push("failed, with no error shown".into());
            }
            for text in
                [e.to_string(), shown.last_error.as_ref().map(|i| i.message.clone()).unwrap_or_default()]
            {
                if [DEMO_APP_SECRET, "sbx-token-", "sbx-sip-secret"].iter().any(|c| text.contains(c)) {
                    problems.push(format!("an error shows a credential: {text}"));
                }
            }
        }
    }
    if result.is_ok() && shown.availability != truth {
        problems.push(format!("shows {:?}, Exotel holds {truth:?}", shown.availability));
    }
    if shown.pending.is_some() || shown.limited.is_some() {
        problems.push("left in flight".into());
    }
    let sent = sandbox.requests().len();
    if sent > 16 {
        problems.push(format!("{sent} requests for one change"));
    }
    // The controller answers afterwards, once the fault is gone (and Exotel's Retry-After).
    sandbox.clear_faults();
    if kind == Kind::S429 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    match controller.refresh(Source::Sync).await {
        Ok(s) if s.availability == holds(&sandbox) => {}
        other => problems.push(format!("after the fault, a read gave {other:?}")),
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_direction_through_every_fault_at_every_step() {
    let mut cases = Vec::new();
    for direction in DIRECTIONS {
        for kind in KINDS {
            for step in STEPS {
                cases.push((format!("{direction:?} x {kind:?} at {step:?}"), run(direction, kind, step)));
            }
        }
    }
    assert_eq!(cases.len(), DIRECTIONS.len() * KINDS.len() * STEPS.len());
    support::run_cases("fault paths", AT_ONCE, cases).await;
}
