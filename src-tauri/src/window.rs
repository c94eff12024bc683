//! The window, as the tray process sees it: a child process (this binary with
//! [`WINDOW_FLAG`]), started when the window is opened and ended when it is closed, so that
//! WebKit's memory goes with it (see [`crate::link`] for why and how they talk). At most one is
//! open; opening it again brings it to the front.

use std::process::Stdio;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use agent_core::Status;
use tauri::{AppHandle, Manager};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::link::{self, OTHER_PROTOCOL_EXIT, PROTOCOL, ToTray, ToWindow, WINDOW_FLAG};

/// How long a window process is given to end once its window has closed, before it is killed.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The event the page listens to; its payload is the [`Status`].
pub const STATUS_EVENT: &str = "status";

/// The open window's process: where messages for it go.
struct Open {
    generation: u64,
    to_window: mpsc::UnboundedSender<ToWindow>,
    /// Its window is closing: the process is about to end.
    closing: bool,
    /// Opened again while closing: start a new process once this one has ended.
    reopen: bool,
}

static OPEN: Mutex<Option<Open>> = Mutex::new(None);
static GENERATION: AtomicU64 = AtomicU64::new(0);

fn with_open<T>(f: impl FnOnce(&mut Option<Open>) -> T) -> T {
    // A poisoned lock only means a panic elsewhere while holding it; the slot is still usable.
    let mut slot = OPEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    f(&mut slot)
}

/// Shows the window: brings the open one to the front, or starts its process.
pub fn open(app: &AppHandle) {
    // The status is read whenever the window is asked for, so it opens on a fresh one.
    if let Some(state) = app.try_state::<crate::AppState>() {
        state.agent.sync_soon();
    }
    with_open(|slot| {
        if let Some(open) = slot.as_mut() {
            if open.closing {
                open.reopen = true;
                return;
            }
            if open.to_window.send(ToWindow::Focus).is_ok() {
                return;
            }
        }
        let (to_window, outbox) = mpsc::unbounded_channel();
        let generation = GENERATION.fetch_add(1, Ordering::Relaxed) + 1;
        *slot = Some(Open { generation, to_window: to_window.clone(), closing: false, reopen: false });
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            if let Err(e) = serve(&app, generation, to_window, outbox).await {
                tracing::error!("could not open the window: {e}");
            }
            if forget(generation) {
                open(&app);
            }
        });
    });
}

/// Closes the window, if it is open: its process ends, and WebKit's with it.
pub fn close() {
    with_open(|slot| {
        if let Some(open) = slot.as_mut() {
            open.closing = true;
            open.reopen = false;
            let _ = open.to_window.send(ToWindow::Close);
        }
    });
}

/// Sends the page the status just published, if the window is open.
pub fn send_status(status: &Status) {
    with_open(|slot| {
        let Some(open) = slot.as_ref() else { return };
        match serde_json::to_value(status) {
            Ok(payload) => {
                let _ = open.to_window.send(ToWindow::Event { name: STATUS_EVENT.into(), payload });
            }
            Err(e) => tracing::warn!("could not send the status to the window: {e}"),
        }
    });
}

/// Marks the window process `generation` as closing; `reopen`: open the window again once
/// it has ended.
fn closing(generation: u64, reopen: bool) {
    with_open(|slot| {
        if let Some(open) = slot.as_mut().filter(|o| o.generation == generation) {
            open.closing = true;
            open.reopen |= reopen;
        }
    });
}

/// Forgets the window process `generation` once it has ended (unless another replaced it);
/// whether the window was opened again meanwhile.
fn forget(generation: u64) -> bool {
    with_open(|slot| match slot.take() {
        Some(open) if open.generation == generation => open.reopen,
        other => {
            *slot = other;
            false
        }
    })
}

/// Runs one window process: starts it, passes it `outbox`, answers its calls, and returns when
/// it has ended.
async fn serve(
    app: &AppHandle,
    generation: u64,
    to_window: mpsc::UnboundedSender<ToWindow>,
    mut outbox: mpsc::UnboundedReceiver<ToWindow>,
) -> std::io::Result<()> {
    let mut child = tokio::process::Command::new(this_binary()?)
        .args([WINDOW_FLAG, PROTOCOL])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(std::io::Error::other("the window process has no pipes"));
    };
    let mut lines = BufReader::new(stdout).lines();
    let mut exited = None;
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => answer(app, generation, &to_window, &line),
                // It closed its output: it is ending.
                _ => break,
            },
            Some(message) = outbox.recv() => {
                if link::send(&mut stdin, &message).await.is_err() {
                    break;
                }
            }
            status = child.wait() => {
                exited = Some(status);
                break;
            }
        }
    }
    // From here on, opening the window waits for this process to end and starts another; an
    // opening asked for that it never saw counts as one.
    let mut unseen_focus = false;
    while let Ok(message) = outbox.try_recv() {
        unseen_focus |= message == ToWindow::Focus;
    }
    closing(generation, unseen_focus);
    drop(stdin);
    let status = match exited {
        Some(status) => status?,
        None => match tokio::time::timeout(EXIT_GRACE, child.wait()).await {
            Ok(status) => status?,
            Err(_) => {
                tracing::warn!("the window process did not end after its window closed; stopping it");
                child.kill().await?;
                child.wait().await?
            }
        },
    };
    tracing::info!(%status, "window closed");
    if status.code() == Some(i32::from(OTHER_PROTOCOL_EXIT)) {
        tracing::error!("the window process is from another version of the app");
        crate::forward::notify(
            app,
            "Restart Exotel Agent Tray",
            "It was updated while running: quit it and start it again to open its window.",
        );
    }
    Ok(())
}

/// The binary to start the window process from: on Linux the running file itself, even if a
/// package upgrade has since replaced (and unlinked) it; elsewhere its path.
fn this_binary() -> std::io::Result<std::path::PathBuf> {
    if cfg!(target_os = "linux") {
        Ok(std::path::PathBuf::from("/proc/self/exe"))
    } else {
        std::env::current_exe()
    }
}

/// One line from the window process.
fn answer(app: &AppHandle, generation: u64, to_window: &mpsc::UnboundedSender<ToWindow>, line: &str) {
    match link::decode::<ToTray>(line) {
        Some(ToTray::Opened) => tracing::info!("window opened"),
        Some(ToTray::Closed) => closing(generation, false),
        Some(ToTray::Call { id, command, args }) => {
            let (app, replies) = (app.clone(), to_window.clone());
            tauri::async_runtime::spawn(async move {
                let result = crate::commands::dispatch(app, &command, args).await;
                let _ = replies.send(ToWindow::reply(id, result));
            });
        }
        // Never the line itself: it may be anything, a secret included.
        None => tracing::debug!("a line from the window process that is not a message"),
    }
}
