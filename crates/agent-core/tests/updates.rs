//! The update channel, as the app and `exotel-agent update --check` read it: a static server on
//! loopback serves a manifest (or a fault), and the rules IT sets decide whether it is asked at
//! all.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use agent_core::updates::{
    InstallTime, Schedule, UpdateError, UpdateRules, check, platform_keys, run_checks,
};
use agent_core::words::{Lang, Words};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

/// What the channel answers, and how many times it was asked.
#[derive(Clone)]
struct Channel {
    reply: Arc<std::sync::Mutex<(u16, &'static str, Vec<u8>)>>,
    asked: Arc<AtomicUsize>,
    url: String,
}

impl Channel {
    async fn start() -> Self {
        let reply = Arc::new(std::sync::Mutex::new((404, "text/plain", b"no".to_vec())));
        let asked = Arc::new(AtomicUsize::new(0));
        let (r, a) = (reply.clone(), asked.clone());
        let app = axum::Router::new().route(
            "/stable/latest.json",
            axum::routing::get(move || {
                let (r, a) = (r.clone(), a.clone());
                async move {
                    a.fetch_add(1, Ordering::SeqCst);
                    let (status, kind, body) = r.lock().unwrap().clone();
                    (StatusCode::from_u16(status).unwrap(), [(header::CONTENT_TYPE, kind)], body)
                        .into_response()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/stable/latest.json", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { reply, asked, url }
    }

    fn serve(&self, status: u16, kind: &'static str, body: impl Into<Vec<u8>>) {
        *self.reply.lock().unwrap() = (status, kind, body.into());
    }

    fn manifest(&self, version: &str) {
        let platforms: serde_json::Map<String, serde_json::Value> = platform_keys(None)
            .into_iter()
            .map(|k| (k, serde_json::json!({ "url": "https://example.in/app", "signature": "c2lnbmF0dXJl" })))
            .collect();
        let body = serde_json::json!({ "version": version, "notes": "Fixes", "platforms": platforms });
        self.serve(200, "application/json", body.to_string());
    }

    fn rules(&self, enabled: bool) -> UpdateRules {
        UpdateRules { enabled, channel: self.url.clone(), install: InstallTime::Ask, pubkey: None }
    }
}

#[tokio::test]
async fn a_newer_version_is_offered_and_the_same_or_an_older_is_not() {
    let channel = Channel::start().await;
    channel.manifest("9.0.0");
    let offer = check(&channel.rules(true), "0.1.0", &platform_keys(None)).await.unwrap().unwrap();
    assert_eq!((offer.version.as_str(), offer.current.as_str()), ("9.0.0", "0.1.0"));
    assert_eq!(offer.notes.as_deref(), Some("Fixes"));
    for not_newer in ["0.1.0", "0.0.9"] {
        channel.manifest(not_newer);
        assert_eq!(check(&channel.rules(true), "0.1.0", &platform_keys(None)).await, Ok(None), "{not_newer}");
    }
}

/// Each failure has its own kind and its own words, in both languages; nothing is offered.
#[tokio::test]
async fn each_failure_has_its_kind_and_its_words() {
    let channel = Channel::start().await;
    let keys = platform_keys(None);
    let mut seen = Vec::new();
    for (status, kind, body, expected) in [
        (404, "text/html", "<html><title>404 Not Found</title></html>", "update_status"),
        (200, "text/html", "<html><title>Sign in to the proxy</title></html>", "update_unreadable"),
        (200, "application/octet-stream", "\u{0}\u{1}garbage", "update_unreadable"),
        (
            200,
            "application/json",
            "{\"version\":\"9.0.0\",\"platforms\":{\"plan9-mips\":{\"url\":\"u\",\"signature\":\"s\"}}}",
            "update_no_build",
        ),
    ] {
        channel.serve(status, kind, body);
        let e = check(&channel.rules(true), "0.1.0", &keys).await.unwrap_err();
        assert_eq!(e.kind(), expected, "{body}: {e:?}");
        seen.push(e);
    }
    // Nothing listens there.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/latest.json", closed.local_addr().unwrap());
    drop(closed);
    let rules = UpdateRules { enabled: true, channel: url, install: InstallTime::Ask, pubkey: None };
    let e = check(&rules, "0.1.0", &keys).await.unwrap_err();
    assert_eq!(e.kind(), "update_unreachable", "{e:?}");
    seen.push(e);
    seen.push(UpdateError::BadSignature("minisign: signature mismatch".into()));
    for e in seen {
        let (en, hi) = (e.detail().render(Words::of(Lang::En)), e.detail().render(Words::of(Lang::Hi)));
        assert!(!en.contains("update-error") && en.ends_with('.'), "{en}");
        let left: String = {
            let out = agent_core::words::outside_quotes(&hi);
            ["127.0.0.1", "HTTP", "plan9-mips", "linux-x86_64", "windows-x86_64", "darwin-aarch64"]
                .iter()
                .fold(out, |l, n| l.replace(n, ""))
        };
        assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "English in {hi:?}");
    }
}

/// With updates off, the channel is never asked, however many check times pass; on, it is asked
/// at each (the schedule shortened from a day to milliseconds).
#[tokio::test]
async fn updates_off_never_asks_and_on_asks_at_each_check_time() {
    let channel = Channel::start().await;
    channel.manifest("0.1.0");
    let schedule = Schedule {
        first_within: (Duration::from_millis(10), Duration::from_millis(20)),
        every: Duration::from_millis(60),
        jitter: Duration::from_millis(10),
    };
    let keys = platform_keys(None);
    for enabled in [false, true] {
        channel.asked.store(0, Ordering::SeqCst);
        let rules = channel.rules(enabled);
        let looks = AtomicUsize::new(0);
        let run = run_checks(&rules, schedule, || async {
            looks.fetch_add(1, Ordering::SeqCst);
            let _ = check(&rules, "0.1.0", &keys).await;
        });
        // Enough for the first look and at least four more (each at most 70 ms apart).
        let _ = tokio::time::timeout(Duration::from_millis(500), run).await;
        let asked = channel.asked.load(Ordering::SeqCst);
        if enabled {
            assert!(asked >= 5, "asked at each check time: {asked}");
            // The last look may have been cut short by the timeout before its request arrived.
            let looks = looks.load(Ordering::SeqCst);
            assert!(asked == looks || asked + 1 == looks, "one request a look: {asked} of {looks}");
        } else {
            assert_eq!(asked, 0, "updates off: no request, ever");
        }
    }
}
