//! The window, as the tray process sees it: a child process (this binary with
//! [`WINDOW_FLAG`]), started when the window is opened and ended when it is closed, so that
//! WebKit's memory goes with it (see [`crate::window::protocol`] for why and how they talk). The shell's
//! owner ([`crate::shell`]) keeps the one open window ([`OpenWindow`]); this module runs its
//! process and answers the page's calls, and tells the shell when the window closes and ends.

use std::process::Stdio;

use agent_core::WindowSize;
use agent_core::present::Notice;
use agent_core::words::Lang;
use tauri::{AppHandle, Manager};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::commands::command::Command;
use crate::shell_handle::{Message, ShellHandle};
use crate::window::protocol::{self, OTHER_PROTOCOL_EXIT, PROTOCOL, ToTray, ToWindow, WINDOW_FLAG};

/// How long a window process is given to end once its window has closed, before it is killed.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(5);
/// How long the lines an ended window process left in its pipe are read for (a helper process
/// that inherited the pipe may keep it open, so its end is not waited for).
const DRAIN: std::time::Duration = std::time::Duration::from_millis(300);

/// The event the page listens to for each status; its payload is the window's view of it.
pub const STATUS_EVENT: &str = "status";

/// The event that tells the page its words changed (the language was switched).
pub const WORDS_EVENT: &str = "words";

/// The open window's process: where messages for it go.
#[derive(Debug)]
pub struct OpenWindow {
    pub generation: u64,
    pub to_window: mpsc::UnboundedSender<ToWindow>,
    /// Its window is closing: the process is about to end.
    pub closing: bool,
    /// Opened again while closing: start a new process once this one has ended.
    pub reopen: bool,
}

impl OpenWindow {
    /// Starts the window process `generation`, its words in `lang` until the page asks.
    pub fn start(
        app: &AppHandle,
        shell: &ShellHandle,
        generation: u64,
        lang: Lang,
        size: Option<WindowSize>,
    ) -> Self {
        let (to_window, outbox) = mpsc::unbounded_channel();
        let (app, shell, replies) = (app.clone(), shell.clone(), to_window.clone());
        tauri::async_runtime::spawn(async move {
            if let Err(e) = serve(&app, &shell, generation, (lang, size), replies, outbox).await {
                tracing::error!("could not open the window: {e}");
            }
            shell.send(Message::WindowEnded { generation });
        });
        Self { generation, to_window, closing: false, reopen: false }
    }

    /// Queued for the window process, which emits it to the page; dropped if that process
    /// has ended meanwhile.
    pub fn event(&self, name: &str, payload: serde_json::Value) {
        let _ = self.to_window.send(ToWindow::Event { name: name.to_owned(), payload });
    }
}

/// Runs one window process: starts it, passes it `outbox`, answers its calls, and returns when
/// it has ended.
async fn serve(
    app: &AppHandle,
    shell: &ShellHandle,
    generation: u64,
    (lang, size): (Lang, Option<WindowSize>),
    to_window: mpsc::UnboundedSender<ToWindow>,
    mut outbox: mpsc::UnboundedReceiver<ToWindow>,
) -> std::io::Result<()> {
    let mut child = tokio::process::Command::new(this_binary()?)
        .args([WINDOW_FLAG, PROTOCOL, lang.code()])
        .args(size.map(|s| format!("{}x{}", s.width, s.height)))
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
    // The window's size as the agent last left it (saved once, when the window ends).
    let mut last_size = None;
    loop {
        tokio::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => {
                    last_size = answer(app, shell, generation, &to_window, &line).or(last_size);
                }
                // It closed its output: it is ending.
                _ => break,
            },
            Some(message) = outbox.recv() => {
                if protocol::send(&mut stdin, &message).await.is_err() {
                    break;
                }
            }
            status = child.wait() => {
                exited = Some(status);
                break;
            }
        }
    }
    // Ended before its last lines were read (a Size, a Reopen): read what is left in the pipe.
    if exited.is_some() {
        let drain = async {
            while let Ok(Some(line)) = lines.next_line().await {
                last_size = answer(app, shell, generation, &to_window, &line).or(last_size);
            }
        };
        let _ = tokio::time::timeout(DRAIN, drain).await;
    }
    // From here on, opening the window waits for this process to end and starts another; an
    // opening asked for that it never saw counts as one.
    let mut unseen_focus = false;
    while let Ok(message) = outbox.try_recv() {
        unseen_focus |= message == ToWindow::Focus;
    }
    shell.send(Message::WindowClosing { generation, reopen: unseen_focus });
    if let (Some(size), Some(state)) = (last_size, app.try_state::<crate::state::AppState>())
        && state.agent.window_size() != Some(size)
        && let Err(e) = state.agent.set_window_size(size)
    {
        tracing::warn!("could not keep the window's size: {e}");
    }
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
        let w = agent_core::words::Words::of(lang);
        shell.send(Message::Notify(Notice::from_words(w, "notice-restart", "notice-restart-body", &[])));
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

/// One line from the window process, answered; the window's size if it told one (kept by
/// `serve`, which saves the last one once the window has ended).
fn answer(
    app: &AppHandle,
    shell: &ShellHandle,
    generation: u64,
    to_window: &mpsc::UnboundedSender<ToWindow>,
    line: &str,
) -> Option<WindowSize> {
    match protocol::decode::<ToTray>(line) {
        Some(ToTray::Opened) => tracing::info!("window opened"),
        Some(ToTray::Closed) => shell.send(Message::WindowClosing { generation, reopen: false }),
        Some(ToTray::Reopen) => shell.send(Message::WindowClosing { generation, reopen: true }),
        Some(ToTray::Size { width, height }) => return Some(WindowSize { width, height }),
        Some(ToTray::Call { id, command, args }) => {
            let (app, shell, replies) = (app.clone(), shell.clone(), to_window.clone());
            tauri::async_runtime::spawn(async move {
                let result = match Command::parse(&command, args) {
                    Ok(command) => crate::commands::dispatch::dispatch(&app, &shell, command).await,
                    Err(reason) => Err(crate::commands::dispatch::invalid_input(
                        crate::commands::dispatch::app_words(&app),
                        format!("not a command the window may call: {reason}"),
                    )),
                };
                let _ = replies.send(ToWindow::reply(id, result));
            });
        }
        // Never the line itself: it may be anything, a secret included.
        None => tracing::debug!("a line from the window process that is not a message"),
    }
    None
}
