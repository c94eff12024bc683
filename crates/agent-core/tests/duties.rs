//! Breaks, lock/sleep, quit, sync and history, through `Agent` against the sandbox (with the
//! in-memory sign-in, so no keyring is needed; the desktop tests cover the keyring).

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use agent_core::{Agent, AwayEvent, BreakState, Preferences, QuitOutcome, Source, Status, Target, now_ms};
use exotel_api::{Availability, Device};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Endpoint, Fault};

const PHONE: Target = Target::Receiving(Device::Phone);

mod support;

use support::World;

/// This file's world: an agent on the system clock, with the history on.
async fn until(agent: &Agent, ok: impl Fn(&Status) -> bool) -> Status {
    support::until_agent(agent, ok).await
}

#[tokio::test]
async fn a_break_goes_offline_then_restores_the_device() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();

    let on_break = agent.start_break(Duration::from_millis(400)).await.unwrap();
    assert_eq!(on_break.availability, Availability::Offline);
    assert!(on_break.break_until.is_some_and(|t| t > now_ms()));
    assert_eq!(t.active(), None);
    assert!(t.settings().load().unwrap().settings.on_break.is_some(), "kept for a restart");

    let back = until(&agent, |s| s.availability == Availability::Receiving(Device::Phone)).await;
    assert_eq!(back.last_change.map(|c| c.source), Some(Source::Timer));
    assert_eq!(back.break_until, None);
    assert_eq!(t.active(), Some(DeviceName::Phone));
    assert_eq!(t.settings().load().unwrap().settings.on_break, None);
}

#[tokio::test]
async fn a_manual_change_cancels_the_break() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    agent.start_break(Duration::from_millis(300)).await.unwrap();
    // Offline by hand during the break: a break still armed anywhere (in memory or in the
    // settings file, which a sync or a restart follows) would turn the phone back on at its end.
    let s = agent.change(Target::Offline, Source::Window).await.unwrap();
    assert_eq!(s.break_until, None);
    assert_eq!(t.settings().load().unwrap().settings.on_break, None, "the stored break is gone too");
    agent.refresh(Source::Sync).await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    agent.check_break().await;
    assert_eq!(agent.status().availability, Availability::Offline, "the timer restored nothing");
    assert_eq!(t.active(), None, "and Exotel has nothing on");
    assert_eq!(agent.status().break_until, None);

    // Ending a break early restores at once.
    agent.change(Target::Receiving(Device::Sip), Source::Window).await.unwrap();
    agent.start_break(Duration::from_secs(60)).await.unwrap();
    let s = agent.end_break().await.unwrap();
    assert_eq!((s.availability, s.break_until), (Availability::Receiving(Device::Sip), None));
}

#[tokio::test]
async fn a_restart_continues_the_break_or_ends_it_if_it_is_over() {
    let t = World::new().await;
    // As a run that quit mid-break left it: offline, the break's end in the settings.
    let state = BreakState { ends_at: now_ms() + 500, restore: Some(Device::Sip) };
    t.settings().update(|s| s.on_break = Some(state)).unwrap();
    let agent = t.agent().await;
    agent.start().await;
    assert_eq!(agent.status().break_until, Some(state.ends_at));
    assert_eq!(agent.status().availability, Availability::Offline);
    until(&agent, |s| s.availability == Availability::Receiving(Device::Sip)).await;

    let t = World::new().await;
    let over = BreakState { ends_at: now_ms() - 1_000, restore: Some(Device::Phone) };
    t.settings().update(|s| s.on_break = Some(over)).unwrap();
    let agent = t.agent().await;
    agent.start().await;
    assert_eq!(agent.status().availability, Availability::Receiving(Device::Phone), "restored right away");
    assert_eq!(agent.status().break_until, None);
}

#[tokio::test]
async fn lock_goes_offline_and_unlock_restores_unless_the_agent_changed_something() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.set_preferences(Preferences { offline_on_lock: true, ..Preferences::default() }).unwrap();
    agent.change(PHONE, Source::Tray).await.unwrap();

    let locked = agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    assert_eq!(locked.availability, Availability::Offline);
    assert_eq!(locked.last_change.map(|c| c.source), Some(Source::Lock));
    assert_eq!(t.active(), None);
    let back = agent.away(AwayEvent::Unlocked).await.unwrap().unwrap();
    assert_eq!(back.availability, Availability::Receiving(Device::Phone));
    assert_eq!(t.active(), Some(DeviceName::Phone));

    agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    agent.change(Target::Receiving(Device::Sip), Source::Window).await.unwrap();
    agent.change(Target::Offline, Source::Window).await.unwrap();
    assert!(agent.away(AwayEvent::Unlocked).await.is_none(), "the agent changed things: nothing restored");
    assert_eq!(t.active(), None);

    // With the setting off, locking does nothing.
    agent.set_preferences(Preferences::default()).unwrap();
    agent.change(PHONE, Source::Tray).await.unwrap();
    assert!(agent.away(AwayEvent::Locked).await.is_none());
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

#[tokio::test]
async fn sleep_goes_offline_and_wake_restores() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.set_preferences(Preferences { offline_on_sleep: true, ..Preferences::default() }).unwrap();
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();
    let s = agent.away(AwayEvent::Sleeping).await.unwrap().unwrap();
    assert_eq!(
        (s.availability, s.last_change.map(|c| c.source)),
        (Availability::Offline, Some(Source::Sleep))
    );
    let s = agent.away(AwayEvent::Woke).await.unwrap().unwrap();
    assert_eq!(s.availability, Availability::Receiving(Device::Sip));
}

#[tokio::test]
async fn quitting_goes_offline_within_the_bound_or_says_it_could_not() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    assert_eq!(agent.quit_offline(Duration::from_secs(3)).await, QuitOutcome::Offline);
    assert_eq!(t.active(), None);
    assert_eq!(agent.status().last_change.map(|c| c.source), Some(Source::Quit));

    agent.change(PHONE, Source::Tray).await.unwrap();
    t.sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_secs(4)));
    let started = std::time::Instant::now();
    let outcome = agent.quit_offline(Duration::from_millis(500)).await;
    assert!(started.elapsed() < Duration::from_secs(2), "bounded: {:?}", started.elapsed());
    assert!(
        matches!(outcome, QuitOutcome::Failed(ref m) if m.english().contains("did not confirm")),
        "{outcome:?}"
    );

    t.sandbox.clear_faults();
    agent.set_preferences(Preferences { offline_on_quit: false, ..Preferences::default() }).unwrap();
    assert_eq!(agent.quit_offline(Duration::from_secs(3)).await, QuitOutcome::NotNeeded);
}

/// From the offline before an update's installer until the installer fails, nothing turns a
/// device on: not the tray, not the shortcut, not the return from a lock while the installer's
/// offline was still owed. Offline is still taken; after a failed install the agent's changes
/// are taken again.
#[tokio::test]
async fn while_an_update_installs_nothing_turns_a_device_on() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent
        .set_preferences(Preferences {
            offline_on_lock: true,
            offline_on_quit: false,
            ..Preferences::default()
        })
        .unwrap();
    agent.change(PHONE, Source::Tray).await.unwrap();

    // Exotel refuses the installer's offline at first (the quit then waits, retrying).
    t.sandbox.set_fault(Endpoint::Device, Fault::status(503));
    let waiting = agent.offline_before_install(Duration::from_millis(300), 1).await;
    assert!(matches!(waiting, QuitOutcome::Failed(_)), "{waiting:?}");
    t.sandbox.clear_faults();
    // Meanwhile the screen locks and unlocks: offline, and the phone not turned back on.
    let _ = agent.away(AwayEvent::Locked).await;
    assert_eq!(t.active(), None);
    let _ = agent.away(AwayEvent::Unlocked).await;
    assert_eq!((t.active(), agent.status().availability), (None, Availability::Offline), "no return");

    let refused = agent.change(PHONE, Source::Tray).await.unwrap_err();
    assert_eq!(refused.kind(), agent_core::ErrorKind::InvalidInput);
    assert!(refused.to_string().contains("An update is being installed"), "{refused}");
    assert!(agent.toggle().await.is_err(), "the shortcut is refused too");
    assert_eq!(t.active(), None);
    assert_eq!(agent.offline_before_install(Duration::from_secs(3), 2).await, QuitOutcome::Offline);
    agent.change(Target::Offline, Source::Window).await.unwrap();

    agent.install_failed().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    assert_eq!(t.active(), Some(DeviceName::Phone), "after a failed install, the agent's changes count");
}

#[tokio::test]
async fn sync_finds_a_change_made_elsewhere() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.start().await;
    t.sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Phone));
    agent.sync_soon();
    let s = until(&agent, |s| s.availability == Availability::Receiving(Device::Phone)).await;
    assert_eq!(s.last_change.map(|c| c.source), Some(Source::Sync));
    // Kept in the history as a change made elsewhere (what the agent's day really was).
    let kept: Vec<_> = t.history().read().unwrap().iter().map(|c| (c.source, c.from, c.to)).collect();
    assert_eq!(kept, vec![(Source::Sync, Availability::Offline, Availability::Receiving(Device::Phone))]);
}

#[tokio::test]
async fn every_change_and_failure_is_kept_in_the_history() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    t.sandbox.set_fault(Endpoint::Device, Fault::status(400));
    let _ = agent.change(Target::Offline, Source::Window).await;
    let kept = t.history().read().unwrap();
    let summary: Vec<_> = kept.iter().map(|c| (c.source, c.to, c.error_kind)).collect();
    assert_eq!(
        summary,
        vec![
            (Source::Tray, Availability::Receiving(Device::Phone), None),
            (Source::Window, Availability::Receiving(Device::Phone), Some(agent_core::ErrorKind::Invalid)),
        ]
    );
}

/// A break lasts between one second and eight hours, both ends included.
#[tokio::test]
async fn a_break_is_refused_outside_one_second_to_eight_hours() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    assert!(agent.start_break(Duration::ZERO).await.is_err(), "no empty break");
    let too_long = agent_core::MAX_BREAK + Duration::from_secs(1);
    assert!(agent.start_break(too_long).await.is_err(), "no break past eight hours");
    assert_eq!(t.active(), Some(DeviceName::Phone), "a refused break changes nothing");
    let s = agent.start_break(Duration::from_secs(8 * 60 * 60)).await.unwrap();
    assert_eq!(s.availability, Availability::Offline, "eight hours exactly is a break");
    agent.end_break().await.unwrap();
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

/// A device turned on elsewhere during a break (a supervisor, another computer) stands at the
/// break's end: the break does not turn its own device back on over it.
#[tokio::test]
async fn a_device_turned_on_elsewhere_during_a_break_stands_at_its_end() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    agent.start_break(Duration::from_millis(300)).await.unwrap();
    assert!(t.sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Sip)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    agent.check_break().await;
    let s = until(&agent, |s| s.break_until.is_none()).await;
    assert_eq!(s.availability, Availability::Receiving(Device::Sip), "{s:?}");
    assert_eq!(t.active(), Some(DeviceName::Sip), "the phone was not turned back on");
}

/// Quitting says it failed when Exotel still reports a device on after the offline (its
/// reply and read-backs lag): the agent is warned, not told they are offline.
#[tokio::test]
async fn quitting_fails_when_exotel_does_not_report_offline() {
    let t = World::new().await;
    let agent = t.agent().await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    t.sandbox.lag_next_change(1000);
    match agent.quit_offline(Duration::from_secs(3)).await {
        QuitOutcome::Failed(why) => assert!(!why.english().is_empty()),
        other => panic!("{other:?} although Exotel still reports the phone"),
    }
}

/// A settings file damaged during a break does not end the break: the break's checks read it
/// without setting it aside, and a damaged file reads as "nothing known", not "no break".
#[tokio::test]
async fn a_damaged_settings_file_does_not_end_a_break() {
    let w = World::new().await;
    let agent = w.agent().await;
    agent.change(PHONE, Source::Window).await.unwrap();
    let on_break = agent.start_break(Duration::from_secs(600)).await.unwrap();
    assert!(on_break.break_until.is_some());
    let path = w.dir.path().join("settings.toml");
    std::fs::write(&path, "[on_break\nends_at = ").unwrap();
    agent.check_break().await;
    let s = agent.status();
    assert_eq!(
        (s.availability, s.break_until),
        (Availability::Offline, on_break.break_until),
        "the break ended"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "[on_break\nends_at = ", "the file was changed");
    // Ended by the agent, the device comes back as the break promised; the damaged file is
    // set aside (kept beside, named .corrupt-) and the settings written anew.
    let s = agent.end_break().await.unwrap();
    assert_eq!((s.availability, s.break_until), (Availability::Receiving(Device::Phone), None));
    let kept = std::fs::read_dir(w.dir.path()).unwrap().flatten().any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.contains(".corrupt-") && std::fs::read_to_string(e.path()).unwrap() == "[on_break\nends_at = "
    });
    assert!(kept, "the damaged file was not kept beside");
    assert!(agent_core::SettingsStore::new(&path).read_quietly().is_some_and(|s| s.on_break.is_none()));
}
