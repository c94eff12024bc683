//! The client and session against the in-process sandbox: real replies, real faults.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use exotel_api::{
    ApiError, AppCredentials, Availability, Client, Device, DeviceChange, Host, HttpConfig, RetryPolicy,
    Secret, Session, Shape,
};
use exotel_sandbox::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, FaultBody, Sandbox,
};

fn client(sandbox: &Sandbox) -> Client {
    let host = Host::parse(&sandbox.url()).unwrap();
    let http = HttpConfig { request_timeout: Duration::from_millis(500), ..HttpConfig::default() }
        .build(&host)
        .unwrap();
    Client::new(host, http)
}

fn creds(secret: &str) -> AppCredentials {
    AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(secret) }
}

fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(2),
        ..RetryPolicy::default()
    }
}

fn session(sandbox: &Sandbox, user: &str) -> Session {
    Session::new(client(sandbox), creds(DEMO_APP_SECRET), user).with_retry(quick_retry())
}

async fn token(sandbox: &Sandbox) -> Secret {
    client(sandbox).mint_token(DEMO_APP_ID, &Secret::new(DEMO_APP_SECRET)).await.unwrap()
}

#[tokio::test]
async fn every_endpoint_succeeds_and_the_state_follows() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let t = token(&sandbox).await;

    let user = c.user(&t, DEMO_USER_ID).await.unwrap();
    assert_eq!(user.availability(), Availability::Offline);
    assert_eq!(user.app_user_id.as_deref(), Some(DEMO_USER_ID));

    let on_phone = c.set_device(&t, DEMO_USER_ID, DeviceChange::On(Device::Phone)).await.unwrap();
    assert_eq!(on_phone.availability(), Availability::Receiving(Device::Phone));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));

    let on_sip = c.set_device(&t, DEMO_USER_ID, DeviceChange::On(Device::Sip)).await.unwrap();
    assert_eq!(on_sip.availability(), Availability::Receiving(Device::Sip));
    assert_eq!(c.user(&t, DEMO_USER_ID).await.unwrap().availability(), Availability::Receiving(Device::Sip));

    let off = c.set_device(&t, DEMO_USER_ID, DeviceChange::Off(None)).await.unwrap();
    assert_eq!(off.availability(), Availability::Offline);
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)));

    // The token travels raw in Authorization, with no "Bearer " prefix: the sandbox honoured it.
    let authed: Vec<_> =
        sandbox.requests().into_iter().filter(|r| r.endpoint != Some(Endpoint::Token)).collect();
    assert_eq!(authed.len(), 5);
    assert!(authed.iter().all(|r| r.auth_valid));
}

#[tokio::test]
async fn a_plus_in_the_user_id_is_percent_encoded() {
    let sandbox = Sandbox::start().await.unwrap();
    let user = client(&sandbox).user(&token(&sandbox).await, "agent+3").await.unwrap();
    assert_eq!(user.app_user_id.as_deref(), Some("agent+3"));
    let q = sandbox.requests().last().and_then(|r| r.query.clone()).unwrap_or_default();
    assert_eq!(q, "user_id=agent%2B3");
}

#[tokio::test]
async fn wrong_secret_is_reported_as_bad_credentials() {
    let sandbox = Sandbox::start().await.unwrap();
    let err = client(&sandbox).mint_token(DEMO_APP_ID, &Secret::new("wrong")).await.unwrap_err();
    assert_eq!(err, ApiError::BadCredentials);
    assert!(err.to_string().contains("app id or app secret is wrong"));
    // The secret is not kept in the sandbox's log either.
    assert!(sandbox.requests().iter().all(|r| !r.body.contains(DEMO_APP_SECRET)));
}

#[tokio::test]
async fn each_error_kind_comes_from_a_real_fault() {
    let sandbox = Sandbox::start().await.unwrap();
    let c = client(&sandbox);
    let t = token(&sandbox).await;
    let read = || c.user(&t, DEMO_USER_ID);

    // 404: an unknown user.
    assert!(matches!(c.user(&t, "no-such-user").await, Err(ApiError::NotFound { .. })));
    // 400: Exotel's validation, with its words.
    match c.user(&t, "").await {
        Err(ApiError::InvalidRequest { message }) => {
            assert!(message.contains("user_id"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // 401: a token Exotel no longer honours.
    sandbox.expire_tokens();
    assert!(matches!(read().await, Err(ApiError::Unauthorized { .. })));
    let t = token(&sandbox).await;
    let read = || c.user(&t, DEMO_USER_ID);

    type Expect = fn(&ApiError) -> bool;
    let cases: Vec<(Fault, Expect)> = vec![
        (
            Fault::status(400),
            |e| matches!(e, ApiError::InvalidRequest { message } if message == "Invalid parameters"),
        ),
        (Fault::status(429).with_retry_after(7), |e| {
            *e == ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)) }
        }),
        (Fault::status(500), |e| matches!(e, ApiError::Server { status: 500, .. })),
        (
            Fault { status: Some(502), body: Some(FaultBody::Html), ..Fault::default() },
            |e| matches!(e, ApiError::Server { status: 502, reply: Some(Shape::Html { title: Some(t) }), .. } if t.contains("Bad Gateway")),
        ),
        (Fault::body(FaultBody::Html), |e| matches!(e, ApiError::Malformed { status: 200, .. })),
        (Fault::body(FaultBody::Garbage), |e| matches!(e, ApiError::Malformed { .. })),
        (Fault::body(FaultBody::Empty), |e| matches!(e, ApiError::Malformed { shape: Shape::Empty, .. })),
        (Fault::body(FaultBody::Huge { bytes: 2 * exotel_api::MAX_REPLY_BYTES }), |e| {
            matches!(e, ApiError::Malformed { shape: Shape::TooLarge { .. }, .. })
        }),
        (Fault::dropped(), |e| matches!(e, ApiError::Network { .. })),
        (Fault::delay(Duration::from_millis(1500)), |e| *e == ApiError::Timeout),
    ];
    for (fault, expected) in cases {
        sandbox.set_fault(Endpoint::Usermapping, fault.clone().times(1));
        let got = read().await;
        match &got {
            Err(e) => assert!(expected(e), "fault {fault:?} gave {e:?}"),
            Ok(_) => panic!("fault {fault:?} gave a user"),
        }
        // And the next request, with the fault used up, works.
        assert_eq!(read().await.map(|u| u.availability()), Ok(Availability::Offline), "after {fault:?}");
    }
}

#[tokio::test]
async fn a_refused_connection_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let host = Host::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let c = Client::new(host.clone(), HttpConfig::default().build(&host).unwrap());
    let err = c.mint_token("a", &Secret::new("b")).await.unwrap_err();
    assert!(matches!(err, ApiError::Network { .. }), "{err:?}");
    assert!(err.to_string().contains("could not reach Exotel"));
}

#[tokio::test]
async fn the_token_is_minted_once_for_many_requests_and_again_after_a_401() {
    let sandbox = Sandbox::start().await.unwrap();
    let s = session(&sandbox, DEMO_USER_ID);
    for _ in 0..5 {
        s.user().await.unwrap();
    }
    s.set_device(DeviceChange::On(Device::Phone)).await.unwrap();
    assert_eq!(sandbox.count(Endpoint::Token), 1);
    assert_eq!(sandbox.count(Endpoint::Usermapping), 5);

    sandbox.expire_tokens();
    let user = s.user().await.unwrap();
    assert_eq!(user.availability(), Availability::Receiving(Device::Phone));
    assert_eq!(sandbox.count(Endpoint::Token), 2, "re-minted once after the 401");
    assert_eq!(sandbox.count(Endpoint::Usermapping), 7, "the 401 and its one retry");
    let statuses: Vec<u16> = sandbox.requests().iter().rev().take(3).map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 200, 401]);
}

#[tokio::test]
async fn a_401_after_a_fresh_token_is_reported_not_looped() {
    let sandbox = Sandbox::start().await.unwrap();
    let s = session(&sandbox, DEMO_USER_ID);
    sandbox.set_fault(Endpoint::Usermapping, Fault::status(401));
    let err = s.user().await.unwrap_err();
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    assert_eq!(sandbox.count(Endpoint::Usermapping), 2, "one try, one retry with a fresh token");
    assert_eq!(sandbox.count(Endpoint::Token), 2);
}

#[tokio::test]
async fn transient_failures_are_retried_a_bounded_number_of_times() {
    let sandbox = Sandbox::start().await.unwrap();
    let s = session(&sandbox, DEMO_USER_ID);
    s.user().await.unwrap();
    sandbox.clear_requests();

    sandbox.set_fault(Endpoint::Device, Fault::status(503).times(1));
    let user = s.set_device(DeviceChange::On(Device::Sip)).await.unwrap();
    assert_eq!(user.availability(), Availability::Receiving(Device::Sip));
    assert_eq!(sandbox.count(Endpoint::Device), 2);

    sandbox.clear_requests();
    sandbox.set_fault(Endpoint::Device, Fault::dropped());
    assert!(matches!(s.set_device(DeviceChange::Off(None)).await, Err(ApiError::Network { .. })));
    assert_eq!(sandbox.count(Endpoint::Device), 3, "three sends in all, then the error");

    sandbox.clear_requests();
    sandbox.set_fault(Endpoint::Device, Fault::status(400));
    assert!(matches!(s.set_device(DeviceChange::Off(None)).await, Err(ApiError::InvalidRequest { .. })));
    assert_eq!(sandbox.count(Endpoint::Device), 1, "a 400 is not retried");
    assert_eq!(
        sandbox.active(DEMO_USER_ID),
        Some(Ok(Some(DeviceName::Sip))),
        "no faulted request changed the state"
    );
}

#[tokio::test]
async fn the_token_endpoints_401_is_not_retried() {
    let sandbox = Sandbox::start().await.unwrap();
    let s = Session::new(client(&sandbox), creds("wrong-secret"), DEMO_USER_ID).with_retry(quick_retry());
    assert_eq!(s.user().await.unwrap_err(), ApiError::BadCredentials);
    assert_eq!(sandbox.count(Endpoint::Token), 1);
    assert_eq!(sandbox.count(Endpoint::Usermapping), 0);
}

/// Asked before every request: the test flips it to "signed out elsewhere".
struct Flag(std::sync::atomic::AtomicBool);

impl exotel_api::TokenSink for Flag {
    fn token_minted(&self, _: &exotel_api::Token) {}
    fn still_signed_in(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[tokio::test]
async fn nothing_is_sent_for_an_account_signed_out_elsewhere() {
    let sandbox = Sandbox::start().await.unwrap();
    let flag = std::sync::Arc::new(Flag(std::sync::atomic::AtomicBool::new(true)));
    let s = session(&sandbox, DEMO_USER_ID).with_sink(flag.clone());
    s.set_device(DeviceChange::On(Device::Phone)).await.unwrap();
    let sent = sandbox.requests().len();

    flag.0.store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(s.set_device(DeviceChange::Off(None)).await.unwrap_err(), ApiError::AccountChanged);
    assert_eq!(s.user().await.unwrap_err(), ApiError::AccountChanged);
    sandbox.expire_tokens();
    assert_eq!(s.user().await.unwrap_err(), ApiError::AccountChanged, "not even a new token is minted");
    assert_eq!(sandbox.requests().len(), sent, "nothing reached Exotel");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
}

#[tokio::test]
async fn a_token_thirty_days_old_is_replaced_before_it_is_used_and_a_younger_one_is_kept() {
    use exotel_api::Token;
    use std::time::SystemTime;
    let sandbox = Sandbox::start().await.unwrap();
    // A token the sandbox still honours, so only its age can make the session mint another.
    let honoured = token(&sandbox).await;
    let minted = |days: u64| SystemTime::now() - Duration::from_secs(days * 86_400);
    let young = session(&sandbox, DEMO_USER_ID)
        .with_token(Some(Token { value: honoured.clone(), minted_at: minted(29) }));
    young.user().await.unwrap();
    assert_eq!(sandbox.count(Endpoint::Token), 1, "a 29-day-old token is used as it is");
    let old =
        session(&sandbox, DEMO_USER_ID).with_token(Some(Token { value: honoured, minted_at: minted(30) }));
    old.user().await.unwrap();
    assert_eq!(sandbox.count(Endpoint::Token), 2, "a 30-day-old token is re-minted first");
    let reads: Vec<bool> = sandbox
        .requests()
        .iter()
        .filter(|r| r.endpoint == Some(Endpoint::Usermapping))
        .map(|r| r.auth_valid)
        .collect();
    assert_eq!(reads, vec![true, true]);
}

#[tokio::test]
async fn a_429_is_not_retried_and_nothing_of_its_budget_is_sent_before_retry_after() {
    use exotel_api::Budget;
    let sandbox = Sandbox::start().await.unwrap();
    let s = Session::new(client(&sandbox), creds(DEMO_APP_SECRET), DEMO_USER_ID);
    s.user().await.unwrap();
    sandbox.set_fault(Endpoint::Usermapping, Fault::status(429).with_retry_after(2).times(1));
    let refused = s.user().await;
    assert_eq!(refused.err(), Some(ApiError::RateLimited { retry_after: Some(Duration::from_secs(2)) }));
    assert_eq!(sandbox.count(Endpoint::Usermapping), 2, "not retried by the session");
    let wait = s.rate_wait(Budget::Reads).expect("reads wait");
    assert!(wait > Duration::from_millis(1500) && wait <= Duration::from_secs(2), "{wait:?}");
    // Meanwhile a read is refused without being sent; a write (its own budget) goes.
    assert!(matches!(s.user().await, Err(ApiError::RateLimited { retry_after: Some(_) })));
    assert_eq!(sandbox.count(Endpoint::Usermapping), 2, "nothing sent before Retry-After");
    assert_eq!(s.rate_wait(Budget::Writes), None);
    s.set_device(DeviceChange::On(Device::Sip)).await.unwrap();
    tokio::time::sleep(wait).await;
    assert_eq!(s.rate_wait(Budget::Reads), None);
    assert!(s.user().await.is_ok(), "sent again once Retry-After has passed");
    assert_eq!(sandbox.count(Endpoint::Usermapping), 3);
}

#[tokio::test]
async fn the_session_knows_when_the_read_budget_runs_low() {
    use exotel_api::Budget;
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_limits(exotel_sandbox::RateLimits { reads_per_min: Some(10), writes_per_min: None });
    let s = Session::new(client(&sandbox), creds(DEMO_APP_SECRET), DEMO_USER_ID);
    for _ in 0..8 {
        s.user().await.unwrap();
    }
    assert_eq!(s.rate_low(Budget::Reads), None, "2 of 10 left is a fifth: room");
    s.user().await.unwrap();
    let low = s.rate_low(Budget::Reads).expect("1 of 10 left is low");
    assert!(low <= Duration::from_secs(60), "until the window starts over: {low:?}");
    assert_eq!(s.rate_low(Budget::Writes), None);
    // The app as it was paid no attention to any of it.
    let before = Session::new(client(&sandbox), creds(DEMO_APP_SECRET), DEMO_USER_ID)
        .with_retry(RetryPolicy { honour_limits: false, ..RetryPolicy::default() });
    before.user().await.unwrap();
    assert_eq!(before.rate_low(Budget::Reads), None);
}

#[tokio::test]
async fn without_honouring_limits_a_short_retry_after_is_waited_out_inline_as_before() {
    let sandbox = Sandbox::start().await.unwrap();
    let old = RetryPolicy { honour_limits: false, ..quick_retry() };
    let s = Session::new(client(&sandbox), creds(DEMO_APP_SECRET), DEMO_USER_ID).with_retry(old);
    s.user().await.unwrap();
    sandbox.set_fault(Endpoint::Usermapping, Fault::status(429).with_retry_after(1).times(1));
    let started = std::time::Instant::now();
    assert!(s.user().await.is_ok());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(sandbox.count(Endpoint::Usermapping), 3, "the 429, then the retry");
}

#[tokio::test]
async fn a_large_valid_reply_is_read_and_one_over_the_cap_is_refused() {
    use exotel_api::MAX_REPLY_BYTES;
    let sandbox = Sandbox::start().await.unwrap();
    let s = session(&sandbox, DEMO_USER_ID);
    let user = |detail_len: usize| {
        serde_json::json!({
            "Status": "Success", "Code": 200, "Error": "",
            "Data": { "AppUserId": "1", "ActiveDeviceId": "", "PhoneDeviceID": "051", "SipDeviceID": "9001",
                      "UserDetail": "x".repeat(detail_len) }
        })
        .to_string()
    };
    // 300 KiB: far beyond any real reply, still read.
    sandbox.set_fault(Endpoint::Usermapping, Fault::body(FaultBody::Raw { text: user(300 * 1024) }).times(1));
    assert_eq!(s.user().await.map(|u| u.availability()).ok(), Some(Availability::Offline));
    // Just over the cap: refused as malformed, without being read whole.
    let over = user(MAX_REPLY_BYTES);
    sandbox.set_fault(Endpoint::Usermapping, Fault::body(FaultBody::Raw { text: over }).times(1));
    match s.user().await {
        Err(ApiError::Malformed { shape, .. }) => {
            assert_eq!(shape, Shape::TooLarge { kib: 1024 })
        }
        other => panic!("{other:?}"),
    }
}
