//! macOS: lock/unlock from the distributed notifications `com.apple.screenIsLocked` and
//! `com.apple.screenIsUnlocked`, sleep/wake from `NSWorkspace`'s `willSleep`/`didWake`
//! notifications, and the time since the last input from `CGEventSource`.
//!
//! Compiled and linted here for aarch64-apple-darwin (`scripts/check-macos.sh`), never run:
//! there is no Mac on this machine. The sleep notification is held, at most [`SLEEP_WAIT`],
//! until Exotel has confirmed the offline (macOS does not wait for an app's answer; this only
//! gives the request its best chance to leave before the network goes down).

// The Objective-C calls below are `unsafe` by nature; each says why it is sound.
#![allow(unsafe_code)]

use std::ptr::NonNull;
use std::sync::Arc;
use std::time::Duration;

use block2::RcBlock;
use desk_events::AwayEvent;
use objc2_app_kit::{NSWorkspace, NSWorkspaceDidWakeNotification, NSWorkspaceWillSleepNotification};
use objc2_foundation::{NSDistributedNotificationCenter, NSNotification, NSNotificationCenter, NSString};

use crate::queue::{Delivery, EventQueue};
use crate::{OsEvent, OsEventHandler};

/// The longest the sleep notification is held while the agent goes offline.
pub const SLEEP_WAIT: Duration = Duration::from_secs(2);

/// The screen-lock notifications' names (distributed, from the login window).
const SCREEN_LOCKED: &str = "com.apple.screenIsLocked";
const SCREEN_UNLOCKED: &str = "com.apple.screenIsUnlocked";

/// Watches lock, unlock, sleep and wake for the life of the app, handing each to `handler` on
/// `runtime`. Call it on the main thread: its run loop delivers the notifications.
pub fn watch_session<H: OsEventHandler>(handler: Arc<H>, runtime: &tokio::runtime::Handle) {
    let queue = EventQueue::start(handler, runtime);
    let distributed = NSDistributedNotificationCenter::defaultCenter();
    observe(&distributed, &NSString::from_str(SCREEN_LOCKED), &queue, AwayEvent::Locked, Delivery::Queue);
    observe(&distributed, &NSString::from_str(SCREEN_UNLOCKED), &queue, AwayEvent::Unlocked, Delivery::Queue);
    let workspace = NSWorkspace::sharedWorkspace().notificationCenter();
    // SAFETY: AppKit's notification names are immutable strings that live for the process.
    let (will_sleep, did_wake) =
        unsafe { (NSWorkspaceWillSleepNotification, NSWorkspaceDidWakeNotification) };
    observe(&workspace, will_sleep, &queue, AwayEvent::Sleeping, Delivery::WaitUpTo(SLEEP_WAIT));
    observe(&workspace, did_wake, &queue, AwayEvent::Woke, Delivery::Queue);
    tracing::info!("watching lock, sleep and wake notifications");
}

/// One observer, kept for the life of the app.
fn observe(
    center: &NSNotificationCenter,
    name: &NSString,
    queue: &EventQueue,
    event: AwayEvent,
    delivery: Delivery,
) {
    let queue = queue.clone();
    let block = RcBlock::new(move |_: NonNull<NSNotification>| queue.deliver(OsEvent::Away(event), delivery));
    // SAFETY: no object filter; no operation queue (the block runs on the posting thread's run
    // loop, the main thread's); the block only sends on a thread-safe channel.
    let observer =
        unsafe { center.addObserverForName_object_queue_usingBlock(Some(name), None, None, &block) };
    // Observed for as long as the app runs: the centre keeps the block, the token is not needed.
    std::mem::forget(observer);
}
