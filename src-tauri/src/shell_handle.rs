//! The way to the shell ([`crate::shell`]): every part of the shell (the tray, the
//! window's commands, the shortcut, OS signals, a second launch) holds a [`ShellHandle`] and sends it
//! a [`Message`]; none of them holds the shell's state or calls another.

use agent_core::QuitOutcome;
use agent_core::present::Notice;
use agent_core::updates::UpdateError;
use tokio::sync::{mpsc, oneshot};

use crate::shortcut::ShortcutError;

/// What applying saved preferences could not do, in the OS's words.
#[derive(Debug, Default)]
pub struct Applied {
    pub shortcut_error: Option<ShortcutError>,
    pub autostart_error: Option<String>,
}

/// What the shell is asked to do.
#[derive(Debug)]
pub enum Message {
    /// A tray menu item was clicked (its id, from [`agent_core::present::menu_id`]).
    Menu(String),
    /// The global shortcut was pressed: offline, or the device used last.
    Toggle,
    /// Show the window: bring it to the front, or start its process.
    OpenWindow,
    /// Close the window, if it is open (the app stays in the tray).
    CloseWindow,
    /// The window process `generation` is closing; `reopen`: open it again once it has ended.
    WindowClosing { generation: u64, reopen: bool },
    /// The window process `generation` has ended.
    WindowEnded { generation: u64 },
    /// Show a notification (replacing the last, unless that one told of a failure).
    Notify(Notice),
    /// The notification server gave the last notification this id (it is replaced by the next;
    /// Linux only, where notifications can replace each other).
    /// `failure`: it told of a failure, which the next notification must not replace.
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Notified { id: u32, failure: bool },
    /// "Quiet for 1 hour", or notify again if quiet now: the tray's item and the window's
    /// button, decided in one place ([`crate::shell`]).
    ToggleQuiet,
    /// The window saved the preferences (they were `before`): the shortcut and start at login
    /// are applied, every word is rendered again (the language may have changed), and `reply`
    /// says what could not be applied.
    PreferencesSaved { before: Box<agent_core::Preferences>, reply: oneshot::Sender<Applied> },
    /// What the window's settings show besides the preferences: the shortcut's error, if any.
    ShortcutError(oneshot::Sender<Option<ShortcutError>>),
    /// The desktop's portal answered for the shortcut asked for as `generation` (Linux).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    PortalAnswered { generation: u64, answer: crate::shortcut::PortalAnswer },
    /// The portal has not answered for `generation` within the moment a save waits for it:
    /// the window is answered without (its outcome is kept when it comes).
    PortalSlow { generation: u64 },
    /// *Try the sandbox*: the sandbox's address, started on first use (`Err`: why not).
    StartSandbox(oneshot::Sender<Result<String, String>>),
    /// The sandbox asked for has started (or could not).
    SandboxStarted {
        started: Result<exotel_sandbox::Sandbox, String>,
        reply: oneshot::Sender<Result<String, String>>,
    },
    /// Signed out: the sandbox, if one runs, stops.
    StopSandbox,
    /// Quit, offline first (once; later requests are ignored, but for the agent's "Quit anyway"
    /// while a quit waits for Exotel). `session_end`: the desktop is going away (Windows'
    /// `WM_ENDSESSION`), so the event loop is over and nothing more may go through it.
    Quit { from: QuitFrom, session_end: bool },
    /// Going offline before quitting has ended this way.
    Quitted(QuitOutcome),
    /// Look for a new version now: the schedule (`start::looks_for_updates`) or the
    /// window's *Check for updates*. Ignored while a look runs, with updates off, or while a
    /// version is ready or installing.
    CheckUpdates,
    /// A look has ended.
    UpdateLooked(Result<crate::updates::Found, UpdateError>),
    /// Install the version ready (the tray's item, the window's button): offline first, as on
    /// quit, then the installer, then the app starts again.
    InstallUpdate,
    /// The installer has returned (on Windows it ends the process instead). `restart`: the
    /// agent asked for the install; otherwise it ran at quit. `ready`: the download, for a
    /// failure's sake.
    Installed { result: Result<(), UpdateError>, ready: Box<crate::updates::Ready>, restart: bool },
}

/// Who asked to quit: what happens when Exotel does not confirm the offline first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuitFrom {
    /// The agent, from the tray or the window: told, and the app keeps trying (and quits once
    /// Exotel confirms) until they choose "Quit anyway" in the tray.
    Agent,
    /// A signal, `--quit`, the session's end or a shutdown: nobody to ask, so the bounded wait,
    /// then exit (the history keeps the failure, and the next start tells it). While the
    /// agent's own quit already waits for Exotel, it exits at once, as "Quit anyway" does.
    Unattended,
}

/// A handle on the shell ([`crate::shell`]). Sending never blocks; once the shell is gone (the app is
/// ending) a message is dropped.
#[derive(Debug, Clone)]
pub struct ShellHandle {
    to_shell: mpsc::UnboundedSender<Message>,
}

impl ShellHandle {
    /// A handle, and the inbox the shell reads.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Message>) {
        let (to_shell, inbox) = mpsc::unbounded_channel();
        (Self { to_shell }, inbox)
    }

    pub fn send(&self, message: Message) {
        if let Err(e) = self.to_shell.send(message) {
            tracing::debug!("the shell has ended; dropped {:?}", e.0);
        }
    }

    /// Sends the message `make` builds around a reply, and waits for the answer; `None` if the
    /// shell has ended or dropped the reply (a panic while handling it, which was logged).
    pub async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Message) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        self.send(make(reply));
        answer.await.ok()
    }
}
