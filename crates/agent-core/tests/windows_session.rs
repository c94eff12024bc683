//! Windows (run under Wine by the Windows lane): the session's messages, sent to the app's
//! hidden window as Windows sends them, reach the agent against the sandbox: lock (offline by a
//! Group Policy the agent's own settings say no to) and unlock,
//! sleep (the message held until Exotel confirmed the offline) and wake, a cancelled and a real
//! end of the session; and `GetLastInputInfo` answers.

#![cfg(windows)]
// Sending window messages is `unsafe`; a test's helpers may panic.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod os_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use agent_core::AgentHandler;
use agent_core::{Preferences, Source, Target};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use os_events::idle::connect_source;
use os_events::windows::{END_WAIT, WINDOW_CLASS, spawn_session_window};
use os_support::{eventually, signed_in_agent_under};
use windows::Win32::Foundation::{HWND, LPARAM, WPARAM};
use windows::Win32::UI::WindowsAndMessaging::{
    FindWindowW, PBT_APMRESUMEAUTOMATIC, PBT_APMSUSPEND, SendMessageW, WM_ENDSESSION, WM_POWERBROADCAST,
    WM_QUERYENDSESSION, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK, WTS_SESSION_UNLOCK,
};

/// Sends `msg` to the app's hidden window from another thread, as Windows does, and returns
/// its answer once the window has handled it.
async fn send(msg: u32, wparam: u32) -> isize {
    tokio::task::spawn_blocking(move || {
        // SAFETY: a window class name and message arguments as Windows would pass them; the
        // window lives for the rest of the test.
        unsafe {
            let hwnd: HWND = FindWindowW(WINDOW_CLASS, None).expect("the hidden window");
            SendMessageW(hwnd, msg, Some(WPARAM(wparam as usize)), Some(LPARAM(0))).0
        }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sessions_messages_reach_the_agent() {
    let sandbox = Sandbox::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The agent's own settings: not offline on lock.
    agent_core::SettingsStore::new(dir.path().join("settings.toml"))
        .update(|s| {
            s.preferences =
                Preferences { offline_on_lock: false, offline_on_sleep: true, ..Preferences::default() };
            s.chosen = Some(["offline_on_lock", "offline_on_sleep"].map(String::from).into());
        })
        .unwrap();
    // The organisation's Group Policy says yes (under HKCU, which a test may write without being
    // an administrator; HKLM is read the same way, before it).
    let hkcu = winreg::RegKey::predef(winreg::enums::HKEY_CURRENT_USER);
    let (key, _) = hkcu.create_subkey(agent_core::policy::registry::KEY).unwrap();
    key.set_value("offline_on_lock", &1u32).unwrap();
    let policies = agent_core::policy::Policies::from_sources(&agent_core::policy::registry::sources());
    let _ = hkcu.delete_subkey_all(r"SOFTWARE\Policies\Exotel");
    assert_eq!(
        policies.enforced("offline_on_lock").map(|s| (s.value.clone(), s.origin.clone())),
        Some((serde_json::json!(true), r"HKCU\SOFTWARE\Policies\Exotel\AgentTray".to_owned()))
    );
    let agent = signed_in_agent_under(&sandbox, &dir, policies).await;
    assert!(agent.preferences().offline_on_lock, "the policy over the agent's own choice");
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();

    let shutdowns = Arc::new(AtomicUsize::new(0));
    let counter = shutdowns.clone();
    let handler = Arc::new(AgentHandler {
        agent: agent.clone(),
        on_shutdown: move || {
            counter.fetch_add(1, Ordering::SeqCst);
        },
    });
    let desk = agent_core::DeskReport::default();
    spawn_session_window(handler, &tokio::runtime::Handle::current(), &desk).unwrap();
    // What the hidden window gives is reported for "On this computer" and `doctor`.
    let found = desk.now();
    assert_eq!(found.get(agent_core::Protection::Sleep), agent_core::Support::works("WM_POWERBROADCAST"));
    assert_eq!(
        found.get(agent_core::Protection::Lock),
        agent_core::Support::works("WTSRegisterSessionNotification")
    );
    let active = || sandbox.active(DEMO_USER_ID).unwrap().unwrap();

    // Lock and unlock.
    send(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK).await;
    eventually("offline on lock", || active().is_none()).await;
    assert_eq!(agent.status().last_change.map(|c| c.source), Some(Source::Lock));
    send(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK).await;
    eventually("back on the computer on unlock", || active() == Some(DeviceName::Sip)).await;

    // Sleep: the message returns only once Exotel holds the agent offline (here it takes
    // 700 ms to confirm), so Windows does not suspend with calls still routed here.
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_millis(700)).times(1));
    assert_eq!(send(WM_POWERBROADCAST, PBT_APMSUSPEND).await, 1);
    assert_eq!(active(), None, "offline before the sleep message returned");
    assert_eq!(agent.status().availability, Availability::Offline);
    send(WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC).await;
    eventually("back on the computer on wake", || active() == Some(DeviceName::Sip)).await;

    // The end of the session: asked first (yes, never blocked); a cancelled end changes
    // nothing; the real end starts the quit and holds the message while the app quits.
    assert_eq!(send(WM_QUERYENDSESSION, 0).await, 1, "the app never blocks a shutdown");
    send(WM_ENDSESSION, 0).await;
    assert_eq!(shutdowns.load(Ordering::SeqCst), 0, "a cancelled end is not a quit");
    let started = Instant::now();
    send(WM_ENDSESSION, 1).await;
    assert_eq!(shutdowns.load(Ordering::SeqCst), 1, "the session's end quits the app");
    assert!(started.elapsed() >= END_WAIT, "held while the app quits: {:?}", started.elapsed());
    assert_eq!(active(), Some(DeviceName::Sip), "other messages changed nothing");

    // Idle time: GetLastInputInfo answers.
    let idle = connect_source().unwrap();
    assert!(idle.idle_for().is_some(), "{} answers", idle.name());
}
