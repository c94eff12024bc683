//! One named test for each path on which the phone could come back on while the agent was
//! away (issue 13), through `Agent` against the sandbox. The rules themselves are
//! `agent_core::away`'s; the model test (`safety_model.rs`) walks random paths through them.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use agent_core::{
    AwayEvent, Change, ChangeSink, ControllerConfig, CoreError, Preferences, Source, Status, Target,
};
use exotel_api::{Availability, Device, Secret};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault};

const PHONE: Target = Target::Receiving(Device::Phone);

mod support;

use support::World;

/// This file's world: agents on the world's manual clock, with the away settings on.
/// Path 1: a lock from an unknown status, or while a change to phone is in flight, ends
/// offline (it used to do nothing unless the status was "receiving").
#[tokio::test]
async fn path1_a_lock_from_unknown_or_during_a_change_ends_offline() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    // Unknown: an id that matches neither device.
    t.sandbox.set_active_device_id(DEMO_USER_ID, "no-such-device");
    assert_eq!(agent.refresh(Source::Sync).await.unwrap().availability, Availability::Unknown);
    let locked = agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    assert_eq!(locked.availability, Availability::Offline);
    assert_eq!(t.active(), None);
    agent.away(AwayEvent::Unlocked).await;

    // A change to phone still in flight (a slow reply) when the screen locks.
    t.sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_millis(300)).times(1));
    let clicking = tokio::spawn({
        let agent = agent.clone();
        async move { agent.change(PHONE, Source::Tray).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(agent.status().pending, Some(PHONE), "the change is in flight");
    let locked = agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    clicking.await.unwrap().unwrap();
    assert_eq!(locked.availability, Availability::Offline, "followed by offline");
    assert_eq!(t.active(), None);
    // The phone was on when the app turned it off: it comes back on unlock.
    agent.away(AwayEvent::Unlocked).await.unwrap().unwrap();
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

/// Path 2: a break that ends while the screen is locked does not turn the device on; it does
/// when the agent unlocks, and the status says what waits for them.
#[tokio::test]
async fn path2_a_break_that_ends_while_locked_restores_only_on_unlock() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    agent.start_break(Duration::from_secs(15 * 60)).await.unwrap();
    agent.away(AwayEvent::Locked).await;
    t.clock.advance(16 * 60 * 1000);
    agent.check_break().await;
    let s = agent.status();
    assert_eq!((s.availability, s.break_until), (Availability::Offline, None), "the break is over");
    assert_eq!(t.active(), None, "but nothing was turned on behind the locked screen");
    assert_eq!(s.parked, Some(Device::Phone), "the phone waits for the agent's return");
    let back = agent.away(AwayEvent::Unlocked).await.unwrap().unwrap();
    assert_eq!(back.availability, Availability::Receiving(Device::Phone));
    assert_eq!((t.active(), back.parked), (Some(DeviceName::Phone), None));
}

/// Path 3: the break ends at its wall-clock time, even when the monotonic clock stopped (a
/// suspend): waking up ends an overdue break at once.
#[tokio::test]
async fn path3_waking_after_the_breaks_end_ends_it_at_once() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    agent.set_preferences(Preferences::default()).unwrap(); // sleep does nothing by itself
    agent.change(Target::Receiving(Device::Sip), Source::Tray).await.unwrap();
    agent.start_break(Duration::from_secs(60 * 60)).await.unwrap();
    agent.away(AwayEvent::Sleeping).await;
    t.clock.advance(2 * 60 * 60 * 1000); // slept two hours; the break's timer slept too
    let woke = agent.away(AwayEvent::Woke).await;
    assert!(woke.is_none(), "waking itself asks for nothing");
    let s = agent.status();
    assert_eq!((s.availability, s.break_until), (Availability::Receiving(Device::Sip), None));
    assert_eq!(s.last_change.map(|c| c.source), Some(Source::Timer));
}

/// Path 4 (R5): the shortcut from an unknown status goes offline.
#[tokio::test]
async fn path4_the_shortcut_from_unknown_goes_offline() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    t.sandbox.set_active_device_id(DEMO_USER_ID, "no-such-device");
    let unknown = agent.refresh(Source::Sync).await.unwrap();
    assert_eq!(agent_core::toggle_target(&unknown), Target::Offline);
    let after = agent.toggle().await.unwrap();
    assert_eq!(t.active(), None);
    assert_eq!(after.last_change.map(|c| c.source), Some(Source::Shortcut));
}

/// Path 5: a change from the command line (another `Agent` on the same settings file, as
/// `exotel-agent` makes) cancels the stored break, which the app follows, and is kept in the
/// history once, not again by the app's sync as "changed elsewhere".
#[tokio::test]
async fn path5_a_command_line_change_cancels_the_break_and_is_recorded_once() {
    let t = World::new().await;
    let app = t.away_agent(t.with_history()).await;
    app.change(PHONE, Source::Tray).await.unwrap();
    app.start_break(Duration::from_secs(5 * 60)).await.unwrap();
    let cli = t.away_agent(t.with_history()).await;
    cli.change(Target::Receiving(Device::Sip), Source::Cli).await.unwrap();
    assert_eq!(t.settings().load().unwrap().settings.on_break, None, "the stored break is cancelled");

    let synced = app.refresh(Source::Sync).await.unwrap();
    assert_eq!(synced.break_until, None, "the app follows");
    assert_eq!(synced.availability, Availability::Receiving(Device::Sip));
    assert_eq!(synced.last_change.as_ref().map(|c| c.source), Some(Source::Cli), "shown as the CLI's change");
    // The break's end passes: nothing comes back.
    t.clock.advance(10 * 60 * 1000);
    app.check_break().await;
    assert_eq!(t.active(), Some(DeviceName::Sip));
    let kept: Vec<(Source, Availability)> =
        t.history().read().unwrap().iter().map(|c| (c.source, c.to)).collect();
    assert_eq!(
        kept,
        [
            (Source::Tray, Availability::Receiving(Device::Phone)),
            (Source::Timer, Availability::Offline),
            (Source::Cli, Availability::Receiving(Device::Sip)),
        ],
        "each real change once"
    );
}

/// The command line's change, then a supervisor's on top of it (offline): the app's sync finds
/// offline and shows it as a change made elsewhere (kept once), not as the command line's
/// (which asked for the computer).
#[tokio::test]
async fn path5c_a_cli_change_overtaken_by_a_supervisor_is_shown_as_the_supervisors() {
    let t = World::new().await;
    let app = t.away_agent(t.with_history()).await;
    app.change(PHONE, Source::Tray).await.unwrap();
    let cli = t.away_agent(t.with_history()).await;
    cli.change(Target::Receiving(Device::Sip), Source::Cli).await.unwrap();
    t.sandbox.set_active(DEMO_USER_ID, None);
    let synced = app.refresh(Source::Sync).await.unwrap();
    assert_eq!(synced.availability, Availability::Offline);
    let last = synced.last_change.unwrap();
    assert_eq!((last.source, last.to), (Source::Sync, Availability::Offline));
    let kept: Vec<(Source, Availability)> =
        t.history().read().unwrap().iter().map(|c| (c.source, c.to)).collect();
    assert_eq!(
        kept,
        [
            (Source::Tray, Availability::Receiving(Device::Phone)),
            (Source::Cli, Availability::Receiving(Device::Sip)),
            (Source::Sync, Availability::Offline),
        ]
    );
}

/// R4 across programs: locked, the app parked the phone; the agent then went offline with
/// `exotel-agent` (Exotel offline as before, so only the settings file tells): on unlock the
/// phone is not turned back on.
#[tokio::test]
async fn path5b_an_offline_from_the_command_line_while_away_is_not_undone_on_return() {
    let t = World::new().await;
    let app = t.away_agent(t.with_history()).await;
    app.change(PHONE, Source::Tray).await.unwrap();
    assert!(app.away(AwayEvent::Locked).await.is_some_and(|r| r.is_ok()));
    assert_eq!(t.active(), None, "offline for the lock");
    assert_eq!(app.status().parked, Some(Device::Phone));
    let cli = t.away_agent(t.with_history()).await;
    cli.change(Target::Offline, Source::Cli).await.unwrap();
    assert!(t.settings().load().unwrap().settings.agent_changed_at.is_some());
    assert!(app.away(AwayEvent::Unlocked).await.is_none(), "nothing to do on return");
    assert_eq!(t.active(), None, "the phone stays off: the agent chose offline");
    assert_eq!(app.status().parked, None);

    // Without that choice, the same unlock brings the phone back.
    let t = World::new().await;
    let app = t.away_agent(t.with_history()).await;
    app.change(PHONE, Source::Tray).await.unwrap();
    assert!(app.away(AwayEvent::Locked).await.is_some_and(|r| r.is_ok()));
    assert!(app.away(AwayEvent::Unlocked).await.is_some_and(|r| r.is_ok()));
    assert_eq!(t.active(), Some(DeviceName::Phone));
}

/// A history that panics when a change is kept: a bug inside the controller's work.
#[derive(Debug)]
struct Panics;

impl ChangeSink for Panics {
    fn record(&self, _: &Change) {
        panic!("a bug while keeping the history");
    }
}

/// Path 6: a panic while a change is handled leaves nothing "in flight" for good: the caller
/// gets an internal error, the menu is usable again, and the next change works.
#[tokio::test]
async fn path6_a_panic_inside_a_change_never_leaves_it_in_flight() {
    let t = World::new().await;
    let agent =
        t.away_agent(ControllerConfig { history: Some(Arc::new(Panics)), ..Default::default() }).await;
    let err = agent.change(PHONE, Source::Tray).await.unwrap_err();
    assert_eq!(err, CoreError::Internal);
    let s = agent.status();
    assert_eq!(s.pending, None, "nothing left in flight");
    assert_eq!(s.last_error.map(|e| e.kind), Some(agent_core::ErrorKind::Internal));
    // The controller still answers.
    let again = agent.refresh(Source::Sync).await.unwrap();
    assert_eq!(again.availability, Availability::Receiving(Device::Phone), "what Exotel holds");

    // A panic in the middle of the change (minting a token, before anything is confirmed):
    // the change was published as in flight, and is not left so.
    let host = exotel_api::Host::parse(&t.sandbox.url()).unwrap();
    let client =
        exotel_api::Client::new(host.clone(), exotel_api::HttpConfig::default().build(&host).unwrap());
    let creds =
        exotel_api::AppCredentials { app_id: DEMO_APP_ID.into(), secret: Secret::new(DEMO_APP_SECRET) };
    let session = exotel_api::Session::new(client, creds, DEMO_USER_ID).with_sink(Arc::new(PanicsOnMint));
    let controller = agent_core::Controller::spawn(Some(Arc::new(session)), ControllerConfig::default());
    let err = controller.change(Target::Offline, Source::Tray).await.unwrap_err();
    assert_eq!(err, CoreError::Internal);
    assert_eq!(controller.status().pending, None, "nothing left in flight");
    assert_eq!(
        controller.refresh(Source::Sync).await.unwrap_err(),
        CoreError::Internal,
        "minting panics again"
    );
    assert_eq!(controller.status().pending, None);
}

/// A token sink that panics when a token is minted: a bug inside a change, before it is
/// confirmed.
struct PanicsOnMint;

impl exotel_api::TokenSink for PanicsOnMint {
    fn token_minted(&self, _: &exotel_api::Token) {
        panic!("a bug while keeping the token");
    }
}

/// Path 8: opening the window reads the status (the shell calls `sync_soon`).
#[tokio::test]
async fn path8_asking_for_a_read_reads_at_once() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    agent.start().await;
    let before = t.sandbox.count(Endpoint::Usermapping);
    agent.sync_soon();
    let mut read = false;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(25)).await;
        if t.sandbox.count(Endpoint::Usermapping) > before {
            read = true;
            break;
        }
    }
    assert!(read, "a read within a second, not at the next 30 s interval");
}

/// R2: while away, the app never turns a device on by itself: not a break's end, not a sync.
#[tokio::test]
async fn nothing_turns_on_while_idle() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    agent.change(PHONE, Source::Tray).await.unwrap();
    let idle = agent.away(AwayEvent::Idle).await.unwrap().unwrap();
    assert_eq!(
        (idle.availability, idle.last_change.map(|c| c.source)),
        (Availability::Offline, Some(Source::Idle))
    );
    agent.refresh(Source::Sync).await.unwrap();
    assert_eq!(t.active(), None);
    let back = agent.away(AwayEvent::Active).await.unwrap().unwrap();
    assert_eq!(back.availability, Availability::Receiving(Device::Phone), "restored on the first input");
    let _: Status = back;
}

/// R4: the agent's own change while away forgets what the lock parked, at once: the status no
/// longer says a device will come back.
#[tokio::test]
async fn the_agents_own_change_while_locked_forgets_what_was_parked() {
    let t = World::new().await;
    let agent = t.away_agent(t.with_history()).await;
    agent.change(Target::Receiving(Device::Phone), Source::Tray).await.unwrap();
    agent.away(AwayEvent::Locked).await.unwrap().unwrap();
    assert_eq!(agent.status().parked, Some(Device::Phone), "the lock parked the phone");
    let s = agent.change(Target::Offline, Source::Window).await.unwrap();
    assert_eq!(s.parked, None, "nothing will come back");
    agent.away(AwayEvent::Unlocked).await;
    assert_eq!(agent.status().availability, Availability::Offline);
    assert_eq!(t.active(), None);
}
