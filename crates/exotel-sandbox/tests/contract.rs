//! The sandbox answers like the contract says, byte for byte where the contract is precise,
//! and its admin API drives the same state as the library.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use exotel_sandbox::{
    DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Sandbox, SandboxConfig,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn call(
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().request(method, url);
    if let Some(t) = token {
        req = req.header("Authorization", t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

async fn token(s: &Sandbox) -> String {
    let body = json!({"Id": DEMO_APP_ID, "Secret": DEMO_APP_SECRET, "Entity": "app"});
    let (status, v) =
        call(reqwest::Method::POST, format!("{}/v2/integrations/token", s.url()), None, Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    v["Data"].as_str().unwrap().to_owned()
}

async fn put_device(s: &Sandbox, token: &str, body: Value) -> (StatusCode, Value) {
    call(reqwest::Method::PUT, format!("{}/v2/integrations/device", s.url()), Some(token), Some(body)).await
}

#[tokio::test]
async fn replies_carry_the_contracts_envelope_and_user() {
    let s = Sandbox::start().await.unwrap();
    let t = token(&s).await;
    let (status, v) =
        put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceName": "phone", "DeviceStatus": true}))
            .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (v["Status"].as_str(), v["Code"].as_i64(), v["Error"].as_str()),
        (Some("Success"), Some(200), Some(""))
    );
    assert!(v["RequestId"].as_str().is_some_and(|id| id.len() == 36));
    let user = &v["Data"];
    for field in [
        "CustomerId",
        "AppID",
        "AppUserId",
        "ExotelAccountSid",
        "ExotelUserId",
        "AppUsername",
        "ExotelUserName",
        "AgentNumber",
        "ActiveDeviceId",
        "PhoneDeviceID",
        "SipDeviceID",
        "VirtualNumber",
        "Email",
        "OutboundActive",
        "Role",
        "SipId",
        "SipSecret",
        "IsActive",
        "UserDetail",
        "CreatedAt",
        "UpdatedAt",
    ] {
        assert!(user.get(field).is_some(), "{field} missing");
    }
    assert_eq!(user["ActiveDeviceId"], user["PhoneDeviceID"]);
}

#[tokio::test]
async fn validation_is_exotel_like() {
    let s = Sandbox::start().await.unwrap();
    let t = token(&s).await;
    for (body, words) in [
        (json!({"DeviceName": "phone", "DeviceStatus": true}), "UserId"),
        (json!({"UserId": "1", "DeviceName": "phone", "DeviceStatus": "yes"}), "DeviceStatus"),
        (json!({"UserId": "1", "DeviceName": "landline", "DeviceStatus": true}), "DeviceName"),
        (json!({"UserId": "1", "DeviceStatus": true}), "DeviceName"),
    ] {
        let (status, v) = put_device(&s, &t, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(v["Status"], "Failed");
        assert!(v["Error"].as_str().unwrap().contains(words), "{body}: {v}");
    }
    let (status, _) =
        put_device(&s, &t, json!({"UserId": "nobody", "DeviceName": "sip", "DeviceStatus": true})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, v) =
        put_device(&s, "not-a-token", json!({"UserId": "1", "DeviceName": "sip", "DeviceStatus": true}))
            .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(v["Code"], 401);
    let wrong = json!({"Id": DEMO_APP_ID, "Secret": "nope", "Entity": "app"});
    let (status, v) =
        call(reqwest::Method::POST, format!("{}/v2/integrations/token", s.url()), None, Some(wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(v["Error"].as_str().unwrap().contains("Check the entity id and secret"));
    // No request changed the state, and the log saw them all, auth flagged.
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(None)));
    let log = s.requests();
    assert_eq!(log.iter().filter(|r| r.endpoint == Some(Endpoint::Device)).count(), 6);
    assert_eq!(log.iter().filter(|r| r.endpoint == Some(Endpoint::Device) && !r.auth_valid).count(), 1);
}

#[tokio::test]
async fn off_with_a_device_name_turns_off_only_that_device() {
    let s = Sandbox::start().await.unwrap();
    let t = token(&s).await;
    s.set_active(DEMO_USER_ID, Some(DeviceName::Sip));
    let (_, v) =
        put_device(&s, &t, json!({"UserId": "1", "DeviceName": "phone", "DeviceStatus": false})).await;
    assert_eq!(v["Data"]["ActiveDeviceId"], v["Data"]["SipDeviceID"]);
    let (_, v) = put_device(&s, &t, json!({"UserId": "1", "DeviceName": "sip", "DeviceStatus": false})).await;
    assert_eq!(v["Data"]["ActiveDeviceId"], "");
}

#[tokio::test]
async fn the_admin_api_sets_faults_and_state() {
    let s = Sandbox::start().await.unwrap();
    let admin = |path: &str| format!("{}/_sandbox/{path}", s.url());
    let t = token(&s).await;

    let (status, _) = call(
        reqwest::Method::PUT,
        admin("faults/usermapping"),
        None,
        Some(json!({"status": 503, "times": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let read = format!("{}/v2/integrations/usermapping?user_id=1", s.url());
    assert_eq!(
        call(reqwest::Method::GET, read.clone(), Some(&t), None).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        call(reqwest::Method::GET, read.clone(), Some(&t), None).await.0,
        StatusCode::OK,
        "used up after one"
    );

    call(reqwest::Method::PUT, admin("users/1/active"), None, Some(json!({"device": "phone"}))).await;
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    let (_, user) = call(reqwest::Method::GET, admin("users/1"), None, None).await;
    assert_eq!(user["active"], "phone");

    call(reqwest::Method::POST, admin("tokens/expire"), None, None).await;
    assert_eq!(call(reqwest::Method::GET, read, Some(&t), None).await.0, StatusCode::UNAUTHORIZED);

    let (_, log) = call(reqwest::Method::GET, admin("requests"), None, None).await;
    let log = log.as_array().unwrap();
    assert!(
        log.iter().all(|r| !r["path"].as_str().unwrap().starts_with("/_sandbox")),
        "admin calls are not logged"
    );
    assert!(
        log.iter().all(|r| !r["body"].as_str().unwrap().contains(DEMO_APP_SECRET)),
        "secrets are redacted"
    );
}

/// The desktop app's built-in sandbox: no controls over HTTP, and bounded memory whatever a
/// local program sends it.
#[tokio::test]
async fn the_in_app_sandbox_has_no_controls_and_bounded_memory() {
    let config = SandboxConfig::in_app();
    let (max_log, max_tokens) = (config.max_log, config.max_tokens);
    let s = Sandbox::start_with(([127, 0, 0, 1], 0).into(), config).await.unwrap();
    // The controls are not there: no request log, no faults.
    let (status, _) = call(reqwest::Method::GET, format!("{}/_sandbox/requests", s.url()), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let fault = json!({"body": {"kind": "huge", "bytes": 1_000_000_000usize}});
    let (status, _) =
        call(reqwest::Method::PUT, format!("{}/_sandbox/faults/token", s.url()), None, Some(fault)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Tokens: the oldest beyond the bound stops being honoured; the newest works.
    let first = token(&s).await;
    let mut last = String::new();
    for _ in 0..max_tokens + 4 {
        last = token(&s).await;
    }
    assert_eq!(s.tokens_honoured(), max_tokens);
    let read = |t: String| {
        let url = format!("{}/v2/integrations/usermapping?user_id={DEMO_USER_ID}", s.url());
        async move { call(reqwest::Method::GET, url, Some(&t), None).await.0 }
    };
    assert_eq!(read(first).await, StatusCode::UNAUTHORIZED);
    assert_eq!(read(last).await, StatusCode::OK);
    // The log keeps the last requests only, the newest with its reply filled in.
    for _ in 0..max_log {
        let _ = call(reqwest::Method::GET, format!("{}/nowhere", s.url()), None, None).await;
    }
    let log = s.requests();
    assert_eq!(log.len(), max_log);
    let newest = log.last().unwrap();
    assert_eq!((newest.path.as_str(), newest.status), ("/nowhere", 404));
    assert!(log.windows(2).all(|w| w[0].seq < w[1].seq), "oldest first");
}

/// A request whose Host is not the sandbox's own loopback address is refused, so a web page
/// that points its name at 127.0.0.1 cannot drive the sandbox from a browser.
#[tokio::test]
async fn only_requests_addressed_to_loopback_are_served() {
    let s = Sandbox::start().await.unwrap();
    let port = s.addr().port();
    let client = reqwest::Client::new();
    let url = format!("{}/v2/integrations/usermapping?user_id=1", s.url());
    for (host, served) in [
        (format!("127.0.0.1:{port}"), true),
        (format!("localhost:{port}"), true),
        (format!("LOCALHOST:{port}"), true),
        (format!("evil.example:{port}"), false),
        ("127.0.0.1".to_owned(), false),
        (format!("127.0.0.1:{}", port.wrapping_add(1)), false),
        (format!("127.0.0.1.evil.example:{port}"), false),
    ] {
        let resp = client.get(&url).header("Host", &host).send().await.unwrap();
        let refused = resp.status() == StatusCode::MISDIRECTED_REQUEST;
        assert_eq!(!refused, served, "Host: {host} gave {}", resp.status());
    }
    // Refused requests never reached the API: only the served ones are logged.
    assert_eq!(s.requests().len(), 3);
}

#[tokio::test]
async fn the_account_limit_answers_429_with_exotels_envelope_and_headers() {
    let s = Sandbox::start().await.unwrap();
    let t = token(&s).await;
    let admin = reqwest::Client::new();
    let set = admin
        .put(format!("{}/_sandbox/limits", s.url()))
        .json(&json!({"reads_per_min": 2, "writes_per_min": 5}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), StatusCode::NO_CONTENT);
    let read = || async {
        reqwest::Client::new()
            .get(format!("{}/v2/integrations/usermapping?user_id={DEMO_USER_ID}", s.url()))
            .header("Authorization", &t)
            .send()
            .await
            .unwrap()
    };
    let header = |r: &reqwest::Response, name: &str| {
        r.headers().get(name).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok())
    };
    let first = read().await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(header(&first, "x-ratelimit-limit"), Some(2));
    assert_eq!(header(&first, "x-ratelimit-remaining"), Some(1));
    let reset = header(&first, "x-ratelimit-reset").unwrap();
    assert!((1..=60).contains(&reset), "{reset}");
    assert_eq!(read().await.status(), StatusCode::OK);
    let refused = read().await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), Some(0));
    let retry = header(&refused, "retry-after").unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!((body["Status"].as_str(), body["Code"].as_u64()), (Some("Failed"), Some(429)));
    assert!(body["Error"].as_str().is_some_and(|e| !e.is_empty()));
    // Writes have a budget of their own, still open; a refused read changed nothing.
    let (status, _) = put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceName": "sip"})).await;
    assert_eq!(status, StatusCode::OK);
    // The minute's counts: 3 reads (1 refused), 2 writes (the token and the PUT).
    let stats: Value =
        admin.get(format!("{}/_sandbox/limits", s.url())).send().await.unwrap().json().await.unwrap();
    let minute = &stats["minutes"][0];
    assert_eq!((minute["reads"].as_u64(), minute["limited_reads"].as_u64()), (Some(3), Some(1)));
    assert_eq!((minute["writes"].as_u64(), minute["tokens"].as_u64()), (Some(2), Some(1)));
}

#[tokio::test]
async fn an_applied_fault_makes_the_change_then_loses_or_fails_the_reply() {
    let s = Sandbox::start().await.unwrap();
    let t = token(&s).await;
    // Applied, reply lost: the connection closes without a reply, the device is on.
    s.set_fault(Endpoint::Device, exotel_sandbox::Fault::applied_reply_lost().times(1));
    let lost = reqwest::Client::new()
        .put(format!("{}/v2/integrations/device", s.url()))
        .header("Authorization", &t)
        .json(&json!({"UserId": DEMO_USER_ID, "DeviceName": "phone", "DeviceStatus": true}))
        .send()
        .await;
    assert!(lost.is_err(), "no reply: {lost:?}");
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))), "but the change was made");
    // Applied, then 5xx, set over the admin API, on the second request only.
    let admin = reqwest::Client::new();
    let fault = json!({"status": 503, "applied": true, "skip": 1, "times": 1});
    admin.put(format!("{}/_sandbox/faults/device", s.url())).json(&fault).send().await.unwrap();
    let (first, _) = put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceName": "sip"})).await;
    assert_eq!(first, StatusCode::OK, "the first request is let through");
    let (second, body) =
        put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceName": "phone", "DeviceStatus": false}))
            .await;
    assert_eq!(second, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["Status"], "Failed");
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Sip))), "off(phone) left sip on");
    let (third, _) = put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceStatus": false})).await;
    assert_eq!(third, StatusCode::OK);
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(None)));
    // A fault that is not applied still never carries the request out.
    s.set_fault(Endpoint::Device, exotel_sandbox::Fault::status(503).times(1));
    let (refused, _) = put_device(&s, &t, json!({"UserId": DEMO_USER_ID, "DeviceName": "sip"})).await;
    assert_eq!(refused, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(s.active(DEMO_USER_ID), Some(Ok(None)));
}
