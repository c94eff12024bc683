//! The fault matrix: every pair of endpoint x fault, through the controller, against the
//! sandbox. For each case: the published state is true (the last confirmed one, what Exotel
//! says, or unknown; never the target that failed), the error kind, the number of requests sent
//! to each endpoint (only transport failures, 5xx and 429 are retried, and boundedly), and no
//! panic (the controller answers afterwards). Prints `fault matrix: N/M cases passed`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use agent_core::{Source, Target};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, FaultBody, Sandbox};

const TIMEOUT: Duration = Duration::from_millis(300);
const HANG: Duration = Duration::from_millis(900);
const PHONE: Availability = Availability::Receiving(Device::Phone);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    S400,
    S401,
    S404,
    S429,
    S500,
    S502Html,
    Timeout,
    Reset,
    Garbage,
    Empty,
    WrongContentType,
    Huge,
    Lagging,
    MatchesNeither,
    /// A 500 whose `Error` text repeats the request's token and secret.
    EchoesCredentials,
    /// A good reply whose `Code` is text.
    CodeAsText,
}

const KINDS: [Kind; 16] = [
    Kind::S400,
    Kind::S401,
    Kind::S404,
    Kind::S429,
    Kind::S500,
    Kind::S502Html,
    Kind::Timeout,
    Kind::Reset,
    Kind::Garbage,
    Kind::Empty,
    Kind::WrongContentType,
    Kind::Huge,
    Kind::Lagging,
    Kind::MatchesNeither,
    Kind::EchoesCredentials,
    Kind::CodeAsText,
];

/// What a case must end with.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    error: Option<&'static str>,
    shown: Availability,
    /// Requests to token, device, usermapping during the operation.
    requests: [usize; 3],
}

fn expect(
    error: Option<&'static str>,
    shown: Availability,
    token: usize,
    device: usize,
    read: usize,
) -> Outcome {
    Outcome { error, shown, requests: [token, device, read] }
}

/// The rules, case by case. The operation: for `device` and `token` faults, a change from
/// offline (confirmed) to phone (for `token`, the cached token was expired first, so the PUT
/// meets a 401 and a new token is minted under the fault); for `usermapping`, a read after the
/// agent was switched to phone elsewhere (lagging replies need a change, so that case changes).
fn expected(endpoint: Endpoint, kind: Kind) -> Outcome {
    use Availability::{Offline, Unknown};
    use Kind::*;
    match (endpoint, kind) {
        // Device PUT faults. Transient ones are sent 3 times; uncertain ones are followed by
        // one read, which tells the truth (offline: a faulted request is not carried out).
        (Endpoint::Device, S400) => expect(Some("invalid"), Offline, 0, 1, 0),
        (Endpoint::Device, S401) => expect(Some("unauthorized"), Offline, 1, 2, 0),
        (Endpoint::Device, S404) => expect(Some("not_found"), Offline, 0, 1, 0),
        // A 429 is sent again only after its Retry-After, by the controller, within its bound.
        (Endpoint::Device, S429) => expect(Some("rate_limited"), Offline, 0, 3, 0),
        (Endpoint::Device, S500 | S502Html | EchoesCredentials) => expect(Some("server"), Offline, 0, 3, 1),
        (Endpoint::Device, Timeout) => expect(Some("timeout"), Offline, 0, 3, 1),
        (Endpoint::Device, Reset) => expect(Some("network"), Offline, 0, 3, 1),
        (Endpoint::Device, Garbage | Empty | Huge) => expect(Some("malformed"), Offline, 0, 1, 1),
        (Endpoint::Device, WrongContentType | CodeAsText) => expect(None, PHONE, 0, 1, 0),
        (Endpoint::Device, Lagging) => expect(None, PHONE, 0, 1, 1),
        (Endpoint::Device, MatchesNeither) => expect(None, PHONE, 0, 1, 1),
        // Usermapping faults on a read: the last confirmed state stays, with the error.
        (Endpoint::Usermapping, S400) => expect(Some("invalid"), Offline, 0, 0, 1),
        (Endpoint::Usermapping, S401) => expect(Some("unauthorized"), Offline, 1, 0, 2),
        (Endpoint::Usermapping, S404) => expect(Some("not_found"), Offline, 0, 0, 1),
        // A read refused with 429 is not sent again: the next sync waits for its Retry-After.
        (Endpoint::Usermapping, S429) => expect(Some("rate_limited"), Offline, 0, 0, 1),
        (Endpoint::Usermapping, S500 | S502Html | EchoesCredentials) => {
            expect(Some("server"), Offline, 0, 0, 3)
        }
        (Endpoint::Usermapping, Timeout) => expect(Some("timeout"), Offline, 0, 0, 3),
        (Endpoint::Usermapping, Reset) => expect(Some("network"), Offline, 0, 0, 3),
        (Endpoint::Usermapping, Garbage | Empty | Huge) => expect(Some("malformed"), Offline, 0, 0, 1),
        (Endpoint::Usermapping, WrongContentType | CodeAsText) => expect(None, PHONE, 0, 0, 1),
        (Endpoint::Usermapping, Lagging) => expect(None, PHONE, 0, 1, 3),
        (Endpoint::Usermapping, MatchesNeither) => expect(None, Unknown, 0, 0, 1),
        // Token faults while re-minting after the 401. An uncertain failure is followed by a
        // read, which needs a token, so the mint is tried (and retried) again.
        (Endpoint::Token, S400) => expect(Some("invalid"), Offline, 1, 1, 0),
        (Endpoint::Token, S401) => expect(Some("bad_credentials"), Offline, 1, 1, 0),
        (Endpoint::Token, S404) => expect(Some("not_found"), Offline, 1, 1, 0),
        (Endpoint::Token, S429) => expect(Some("rate_limited"), Offline, 3, 1, 0),
        (Endpoint::Token, S500 | S502Html | EchoesCredentials) => expect(Some("server"), Offline, 6, 1, 0),
        (Endpoint::Token, Timeout) => expect(Some("timeout"), Offline, 6, 1, 0),
        (Endpoint::Token, Reset) => expect(Some("network"), Offline, 6, 1, 0),
        (Endpoint::Token, Garbage | Empty | Huge) => expect(Some("malformed"), Offline, 2, 1, 0),
        (Endpoint::Token, WrongContentType | MatchesNeither | CodeAsText) => expect(None, PHONE, 1, 2, 0),
        (Endpoint::Token, Lagging) => expect(None, PHONE, 1, 2, 1),
    }
}

/// Arms the fault in the sandbox.
fn arm(sandbox: &Sandbox, endpoint: Endpoint, kind: Kind) {
    let fault = match kind {
        Kind::S400 => Fault::status(400),
        Kind::S401 => Fault::status(401),
        Kind::S404 => Fault::status(404),
        Kind::S429 => Fault::status(429).with_retry_after(1),
        Kind::S500 => Fault::status(500),
        Kind::S502Html => Fault { status: Some(502), body: Some(FaultBody::Html), ..Fault::default() },
        // Hangs past the client's timeout, then drops the connection (never carried out).
        Kind::Timeout => Fault { drop_connection: true, ..Fault::delay(HANG) },
        Kind::Reset => Fault::dropped(),
        Kind::Garbage => Fault::body(FaultBody::Garbage),
        Kind::Empty => Fault::body(FaultBody::Empty),
        Kind::WrongContentType => Fault::default().with_content_type("text/html; charset=iso-8859-1"),
        Kind::Huge => Fault::body(FaultBody::Huge { bytes: 10 * 1024 * 1024 }),
        Kind::Lagging => {
            // The device's reply lags (0 stale reads after it), or the reads lag (2 of them).
            sandbox.lag_next_change(if endpoint == Endpoint::Usermapping { 2 } else { 0 });
            return;
        }
        Kind::MatchesNeither => Fault::bogus_active(),
        Kind::EchoesCredentials => Fault::echoing_credentials(500),
        Kind::CodeAsText => Fault::code_as_text(),
    };
    sandbox.set_fault(endpoint, fault);
}

fn counts(sandbox: &Sandbox) -> [usize; 3] {
    [sandbox.count(Endpoint::Token), sandbox.count(Endpoint::Device), sandbox.count(Endpoint::Usermapping)]
}

/// Runs one case; `Err` says how it differed from the rules.
async fn run(endpoint: Endpoint, kind: Kind) -> Result<(), String> {
    let sandbox = Sandbox::start().await.map_err(|e| e.to_string())?;
    // A change refused with 429 (Retry-After: 1) is sent again after 1 s, 2 s, then fails.
    let controller =
        support::quick_controller(support::quick_session(&sandbox, TIMEOUT), Duration::from_millis(2500));
    let start = controller.refresh(Source::Start).await.map_err(|e| format!("setup: {e}"))?;
    if start.availability != Availability::Offline {
        return Err(format!("setup: {:?}", start.availability));
    }

    let read_op = endpoint == Endpoint::Usermapping && kind != Kind::Lagging;
    if read_op {
        sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Phone));
    }
    if endpoint == Endpoint::Token {
        sandbox.expire_tokens();
    }
    arm(&sandbox, endpoint, kind);
    let before = counts(&sandbox);
    let result = if read_op {
        controller.refresh(Source::Sync).await
    } else {
        controller.change(Target::Receiving(Device::Phone), Source::Window).await
    };
    if kind == Kind::Timeout {
        // The sandbox logs a hung request when it gives up on it.
        tokio::time::sleep(HANG + Duration::from_millis(200)).await;
    }
    let after = counts(&sandbox);
    let status = controller.status();
    let got = Outcome {
        error: result.as_ref().err().map(|e| e.kind().as_str()),
        shown: status.availability,
        requests: [after[0] - before[0], after[1] - before[1], after[2] - before[2]],
    };
    let want = expected(endpoint, kind);
    let mut problems = Vec::new();
    if got != want {
        problems.push(format!("got {got:?}, want {want:?}"));
    }
    // Never the target that failed; and what is shown is what the sandbox holds, unless it is
    // shown as unknown.
    if got.error.is_some() && status.availability == PHONE {
        problems.push("shows the target that failed".into());
    }
    let truth = match sandbox.active(DEMO_USER_ID) {
        Some(Ok(None)) => Availability::Offline,
        Some(Ok(Some(DeviceName::Phone))) => PHONE,
        _ => Availability::Unknown,
    };
    let stale_is_fine = got.error.is_some() || status.availability == Availability::Unknown;
    if status.availability != truth && !stale_is_fine {
        problems.push(format!("shows {:?} but Exotel holds {truth:?}", status.availability));
    }
    // No credential reaches what people see: the error returned, the error published.
    let texts =
        [result.as_ref().err().map(|e| e.to_string()), status.last_error.as_ref().map(|e| e.message.clone())];
    for text in texts.iter().flatten() {
        for secret in [DEMO_APP_SECRET, "sbx-token-", "sbx-sip-secret"] {
            if text.contains(secret) {
                problems.push(format!("an error shows a credential ({secret}...): {text}"));
            }
        }
    }
    if status.pending.is_some() {
        problems.push("still pending".into());
    }
    // The controller is alive and answers (no panic killed it), once Exotel's Retry-After is over.
    sandbox.clear_faults();
    if kind == Kind::S429 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    if controller.refresh(Source::Sync).await.is_err() && kind != Kind::S401 {
        problems.push("the controller did not recover".into());
    }
    if problems.is_empty() { Ok(()) } else { Err(problems.join("; ")) }
}

/// Cases run at most this many at a time: with all 48 at once (three sending 10 MiB bodies) a
/// busy 2-core machine turned replies into timeouts, about one run in six.
const AT_ONCE: usize = 6;

#[tokio::test(flavor = "multi_thread")]
async fn fault_matrix() {
    let mut cases = Vec::new();
    for endpoint in [Endpoint::Token, Endpoint::Device, Endpoint::Usermapping] {
        for kind in KINDS {
            cases.push((format!("{endpoint:?} x {kind:?}"), run(endpoint, kind)));
        }
    }
    assert_eq!(cases.len(), 3 * KINDS.len());
    support::run_cases("fault matrix", AT_ONCE, cases).await;
}
