//! Windows: lock/unlock, sleep/wake and the end of the session, from the messages Windows sends
//! to a hidden window of the app's own, and the time since the last input from
//! `GetLastInputInfo`.
//!
//! - `WM_WTSSESSION_CHANGE` (after `WTSRegisterSessionNotification`): `WTS_SESSION_LOCK` and
//!   `WTS_SESSION_UNLOCK` are the lock and unlock.
//! - `WM_POWERBROADCAST`: `PBT_APMSUSPEND` is the sleep. Windows gives an application about two
//!   seconds with this message before it suspends, so the window holds it until Exotel has
//!   confirmed the offline, at most [`SLEEP_WAIT`]: the same promise as logind's delay lock on
//!   Linux. `PBT_APMRESUMEAUTOMATIC` (sent on every wake, with or without a person) is the wake.
//! - `WM_QUERYENDSESSION` is answered "yes" (the app never blocks a shutdown or log-off);
//!   `WM_ENDSESSION` with `TRUE` is the end: Windows may end the process as soon as the window
//!   returns from it, so the window starts the app's quit (offline first, at most 3 s, then exit)
//!   and holds the message for up to [`END_WAIT`], in which the quit ends the process.
//!   `WM_ENDSESSION` with `FALSE` (another program cancelled the shutdown) changes nothing.
//!
//! The window is a top-level one that is never shown: message-only windows do not receive the
//! broadcast power and session-end messages. Events are handed to the handler in the order
//! they came, one at a time, on the app's runtime.

// The Win32 calls below are `unsafe` by nature; each says why it is sound.
#![allow(unsafe_code)]

use std::sync::Arc;
use std::time::Duration;

use desk_events::{AwayEvent, DeskReport, Protection, Support};
use windows::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows::Win32::System::LibraryLoader::GetModuleHandleW;
use windows::Win32::System::RemoteDesktop::{NOTIFY_FOR_THIS_SESSION, WTSRegisterSessionNotification};
use windows::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, MSG, PBT_APMRESUMEAUTOMATIC,
    PBT_APMSUSPEND, RegisterClassW, TranslateMessage, WINDOW_EX_STYLE, WM_ENDSESSION, WM_POWERBROADCAST,
    WM_QUERYENDSESSION, WM_WTSSESSION_CHANGE, WNDCLASSW, WS_OVERLAPPED, WTS_SESSION_LOCK, WTS_SESSION_UNLOCK,
};
use windows::core::{PCWSTR, w};

pub use crate::queue::Delivery;
use crate::queue::EventQueue;
use crate::{OsError, OsEvent, OsEventHandler};

/// The hidden window's class name (a test finds the window by it, as Windows' own senders
/// need not).
pub const WINDOW_CLASS: PCWSTR = w!("ExotelAgentTraySessionEvents");

/// The longest the sleep message is held while the agent goes offline.
pub const SLEEP_WAIT: Duration = Duration::from_secs(2);

/// The longest the session-end message is held: the app's quit bound (3 s) and a moment for
/// its last notification.
pub const END_WAIT: Duration = Duration::from_secs(4);

/// The event a window message means, and how to deliver it; `None` for every other message.
pub fn event_for(msg: u32, wparam: usize) -> Option<(OsEvent, Delivery)> {
    let code = u32::try_from(wparam).ok();
    match (msg, code) {
        (WM_WTSSESSION_CHANGE, Some(WTS_SESSION_LOCK)) => {
            Some((OsEvent::Away(AwayEvent::Locked), Delivery::Queue))
        }
        (WM_WTSSESSION_CHANGE, Some(WTS_SESSION_UNLOCK)) => {
            Some((OsEvent::Away(AwayEvent::Unlocked), Delivery::Queue))
        }
        (WM_POWERBROADCAST, Some(PBT_APMSUSPEND)) => {
            Some((OsEvent::Away(AwayEvent::Sleeping), Delivery::WaitUpTo(SLEEP_WAIT)))
        }
        (WM_POWERBROADCAST, Some(PBT_APMRESUMEAUTOMATIC)) => {
            Some((OsEvent::Away(AwayEvent::Woke), Delivery::Queue))
        }
        (WM_ENDSESSION, _) if wparam != 0 => Some((OsEvent::Shutdown, Delivery::ThenHold(END_WAIT))),
        _ => None,
    }
}

// The window thread's way to the handler (the window procedure cannot carry it). Clippy
// 1.96 with a std built by -Zbuild-std asks for `const` here although it is there.
#[allow(clippy::missing_const_for_thread_local)]
mod thread_queue {
    thread_local! {
        pub(super) static QUEUE: std::cell::RefCell<Option<crate::queue::EventQueue>> =
            const { std::cell::RefCell::new(None) };
    }
}
use thread_queue::QUEUE;

/// Starts the hidden window on a thread of its own, its events handed to `handler` on
/// `runtime` ([`EventQueue`]). `Err` says why there is none.
pub fn spawn_session_window<H: OsEventHandler>(
    handler: Arc<H>,
    runtime: &tokio::runtime::Handle,
    desk: &DeskReport,
) -> Result<(), OsError> {
    let queue = EventQueue::start(handler, runtime);
    let (ready, started) = std::sync::mpsc::channel();
    let window_desk = desk.clone();
    std::thread::Builder::new()
        .name("session-events".into())
        .spawn(move || {
            QUEUE.with(|q| *q.borrow_mut() = Some(queue));
            match create_window(&window_desk) {
                Ok(_) => {
                    let _ = ready.send(Ok(()));
                    run_messages();
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                }
            }
        })
        .map_err(|e| OsError::Thread("session-events", e.to_string()))?;
    let made = started.recv().map_err(|e| OsError::Thread("session-events", e.to_string())).and_then(|r| r);
    if let Err(why) = &made {
        for p in [Protection::Lock, Protection::Sleep] {
            desk.set(p, Support::missing(why.to_string()));
        }
    }
    made
}

/// Hands `event` to the handler, waiting as `delivery` says.
fn deliver(event: OsEvent, delivery: Delivery) {
    let queue = QUEUE.with(|q| q.try_borrow().ok().and_then(|q| q.clone()));
    match queue {
        Some(queue) => queue.deliver(event, delivery),
        None => tracing::warn!(?event, "no queue on this thread"),
    }
}

/// The hidden window's procedure: the messages above become events; every message then gets
/// Windows' default answer, but the two that ask: yes, the session may end; yes, the power
/// change was seen.
unsafe extern "system" fn window_proc(hwnd: HWND, msg: u32, wparam: WPARAM, lparam: LPARAM) -> LRESULT {
    if let Some((event, delivery)) = event_for(msg, wparam.0) {
        deliver(event, delivery);
    }
    match msg {
        WM_QUERYENDSESSION | WM_POWERBROADCAST => LRESULT(1),
        // SAFETY: the arguments are those Windows gave this procedure.
        _ => unsafe { DefWindowProcW(hwnd, msg, wparam, lparam) },
    }
}

/// The hidden window, registered for the session's messages; what that gives goes into
/// `desk`.
fn create_window(desk: &DeskReport) -> Result<HWND, OsError> {
    // SAFETY: the module handle of this process; the class names a procedure with the right
    // signature and a static name; the window is this thread's, never shown.
    unsafe {
        let module = GetModuleHandleW(None).map_err(|e| OsError::Window(format!("no module handle: {e}")))?;
        let class = WNDCLASSW {
            lpfnWndProc: Some(window_proc),
            hInstance: module.into(),
            lpszClassName: WINDOW_CLASS,
            ..Default::default()
        };
        if RegisterClassW(&raw const class) == 0 {
            return Err(OsError::Window("the window class could not be registered".to_owned()));
        }
        let hwnd = CreateWindowExW(
            WINDOW_EX_STYLE::default(),
            WINDOW_CLASS,
            w!("Exotel Agent Tray"),
            WS_OVERLAPPED,
            0,
            0,
            0,
            0,
            None,
            None,
            Some(module.into()),
            None,
        )
        .map_err(|e| OsError::Window(e.to_string()))?;
        desk.set(Protection::Sleep, Support::works("WM_POWERBROADCAST"));
        match WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION) {
            Ok(()) => {
                tracing::info!("watching lock, sleep and session-end messages");
                desk.set(Protection::Lock, Support::works("WTSRegisterSessionNotification"));
            }
            Err(e) => {
                tracing::warn!("no lock or unlock messages (sleep and session end still come): {e}");
                let why = format!("the session-notification registration failed: {e}");
                desk.set(Protection::Lock, Support::missing(why));
            }
        }
        Ok(hwnd)
    }
}

/// This thread's message loop, for as long as the app runs.
fn run_messages() {
    let mut msg = MSG::default();
    // SAFETY: `msg` is a valid MSG for the calls to fill in and read; GetMessageW returns -1
    // on error and 0 on WM_QUIT, both ending the loop.
    while unsafe { GetMessageW(&raw mut msg, None, 0, 0) }.0 > 0 {
        unsafe {
            let _ = TranslateMessage(&raw const msg);
            DispatchMessageW(&raw const msg);
        }
    }
}
