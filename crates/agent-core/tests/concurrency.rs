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
