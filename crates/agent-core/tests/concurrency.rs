//! 1,000 change requests from four concurrent sources (as the tray, the window, the shortcut and
//! the break timer would send them), random targets, random delays in the sandbox: every
//! request is answered, nothing deadlocks, and the final published state equals the sandbox's
//! state and the target of the request served last.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use agent_core::{Controller, ControllerConfig, Source, Target};
use exotel_api::{AppCredentials, Availability, Client, Device, Host, HttpConfig, Secret, Session};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_requests_from_four_sources_end_in_one_true_state() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_fault(Endpoint::Device, Fault::jitter(Duration::from_millis(3)));
    sandbox.set_fault(Endpoint::Usermapping, Fault::jitter(Duration::from_millis(3)));
    let host = Host::parse(&sandbox.url()).unwrap();
    let client = Client::new(host.clone(), HttpConfig::default().build(&host).unwrap());
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let session = Arc::new(Session::new(client, creds, DEMO_USER_ID));
    let controller =
        Controller::spawn(Some(session), ControllerConfig { queue: 8, ..ControllerConfig::default() });

    let targets = [Target::Offline, Target::Receiving(Device::Phone), Target::Receiving(Device::Sip)];
    let mut sources = tokio::task::JoinSet::new();
    for source in [Source::Tray, Source::Window, Source::Shortcut, Source::Timer] {
        let c = controller.clone();
        sources.spawn(async move {
            let mut served = Vec::new();
            for _ in 0..250 {
                let target = targets[fastrand::usize(0..targets.len())];
                let status = c.change(target, source).await.expect("every request is answered and succeeds");
                served.push((status.revision, target, status.availability));
                if fastrand::u8(0..4) == 0 {
                    tokio::time::sleep(Duration::from_micros(fastrand::u64(0..500))).await;
                }
            }
            served
        });
    }
    let all = tokio::time::timeout(Duration::from_secs(120), async {
        let mut all = Vec::new();
        while let Some(done) = sources.join_next().await {
            all.extend(done.unwrap());
        }
        all
    })
    .await
    .expect("no deadlock: all 1,000 answered within 120 s");

    assert_eq!(all.len(), 1000);
    // Each answer showed its own target, confirmed.
    assert!(all.iter().all(|(_, t, shown)| t.availability() == *shown));
    let (_, last_target, _) = all.iter().max_by_key(|(rev, _, _)| *rev).copied().unwrap();
    let final_status = controller.status();
    let truth = match sandbox.active(DEMO_USER_ID).unwrap().unwrap() {
        None => Availability::Offline,
        Some(DeviceName::Phone) => Availability::Receiving(Device::Phone),
        Some(DeviceName::Sip) => Availability::Receiving(Device::Sip),
    };
    assert_eq!(final_status.availability, truth, "published = sandbox");
    assert_eq!(final_status.availability, last_target.availability(), "published = the last request served");
    assert_eq!(final_status.pending, None);
    assert_eq!(sandbox.count(Endpoint::Token), 1);
}

/// Many more callers than the queue holds (so senders wait for room), with syncs, faults,
/// lagging replies, breaks, sign-outs and sign-ins interleaved and the history on: every call
/// is answered, every confirmed change shows its target, the history is whole, and at the end
/// what is shown is what the sandbox holds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_storm_with_syncs_faults_breaks_and_sign_outs_keeps_the_rules() {
    use agent_core::{ChangeSink, CoreError, History, Outcome, SyncRules};
    let sandbox = Arc::new(Sandbox::start().await.unwrap());
    let host = Host::parse(&sandbox.url()).unwrap();
    let http = HttpConfig { request_timeout: Duration::from_millis(500), ..HttpConfig::default() };
    let client = Client::new(host.clone(), http.build(&host).unwrap());
    let creds = AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let session = Arc::new(Session::new(client, creds, DEMO_USER_ID));
    let dir = tempfile::tempdir().unwrap();
    let history = History::new(dir.path().join("history.jsonl"));
    let config = ControllerConfig {
        queue: 4,
        confirm_backoff: Duration::from_millis(5),
        history: Some(Arc::new(history.clone()) as Arc<dyn ChangeSink>),
        ..ControllerConfig::default()
    };
    let controller = Controller::spawn(Some(session.clone()), config);
    let targets = [Target::Offline, Target::Receiving(Device::Phone), Target::Receiving(Device::Sip)];

    let mut tasks = tokio::task::JoinSet::new();
    // 32 callers at once against a queue of 4.
    for i in 0..32 {
        let c = controller.clone();
        tasks.spawn(async move {
            let mut bad = Vec::new();
            for _ in 0..15 {
                let target = targets[fastrand::usize(0..targets.len())];
                match c.change(target, if i % 2 == 0 { Source::Tray } else { Source::Shortcut }).await {
                    Ok(s) if s.availability != target.availability() => {
                        bad.push(format!("confirmed {:?} for {target:?}", s.availability))
                    }
                    Err(CoreError::Internal | CoreError::Stopped) => bad.push("no answer".into()),
                    _ => {}
                }
            }
            bad
        });
    }
    // Syncs, breaks, faults and sign-out/sign-in, meanwhile.
    let (c, s, sb) = (controller.clone(), session.clone(), sandbox.clone());
    tasks.spawn(async move {
        for round in 0..40 {
            let _ = c.sync(Duration::ZERO, SyncRules::SHARED).await;
            let _ =
                c.set_break(if round % 3 == 0 { Some(agent_core::now_ms() + 60_000) } else { None }).await;
            match round % 5 {
                0 => sb.set_fault(Endpoint::Device, Fault::status(500).times(1)),
                1 => sb.set_fault(Endpoint::Device, Fault::applied_reply_lost().times(1)),
                2 => sb.lag_next_change(1),
                3 => {
                    let _ = c.set_session(None, None).await;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    let _ = c.set_session(Some(s.clone()), None).await;
                }
                _ => sb.set_fault(Endpoint::Usermapping, Fault::dropped().times(1)),
            }
            tokio::time::sleep(Duration::from_millis(fastrand::u64(1..10))).await;
        }
        Vec::new()
    });
    let problems = tokio::time::timeout(Duration::from_secs(120), async {
        let mut all = Vec::new();
        while let Some(done) = tasks.join_next().await {
            all.extend(done.unwrap());
        }
        all
    })
    .await
    .expect("no deadlock: every call answered within 120 s");
    assert!(problems.is_empty(), "{problems:?}");

    sandbox.clear_faults();
    let end = controller.refresh(Source::Sync).await.unwrap();
    let truth = match sandbox.active(DEMO_USER_ID).unwrap().unwrap() {
        None => Availability::Offline,
        Some(DeviceName::Phone) => Availability::Receiving(Device::Phone),
        Some(DeviceName::Sip) => Availability::Receiving(Device::Sip),
    };
    assert_eq!(end.availability, truth, "published = sandbox");
    assert_eq!((end.pending, end.limited), (None, None));
    let kept = history.read().unwrap();
    assert!(kept.len() > 20, "the history kept the changes: {}", kept.len());
    for c in &kept {
        if c.outcome == Outcome::Confirmed && c.target.is_some() {
            assert_eq!(
                Some(c.to),
                c.target.map(Target::availability),
                "a confirmed change kept as confirmed: {c:?}"
            );
        }
        assert_ne!(c.from, c.to, "a line is a change or a failure: {c:?}");
    }
}
