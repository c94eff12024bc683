//! The window process (this binary with [`crate::window::protocol::WINDOW_FLAG`], started by the tray
//! process): it shows the page, passes every command the page calls to the tray process and
//! the reply back, and passes the tray's events to the page. It holds no account, secret or
//! rule. It ends when its window closes, or when the tray process is gone (its input ends).

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use agent_core::present::view::ErrorView;
use agent_core::words::{Lang, Words};
use agent_core::{ErrorInfo, now_ms};
use serde_json::Value;
use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::{mpsc, oneshot};

use crate::commands::command::CLOSE_WINDOW;
use crate::window::protocol::{self, OTHER_PROTOCOL_EXIT, PROTOCOL, ToTray, ToWindow};
use agent_core::placement::{Area, DEFAULT_SIZE, MIN_SIZE, beside_pointer, parse_size};

/// The longest a command waits for the tray process's answer: longer than any command takes
/// (a sign-in is two requests to Exotel, each up to 3 sends of at most 10 s), so that a page
/// never waits forever on a tray process that cannot answer.
const CALL_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// How long the window process is given to end by itself once the tray process is gone.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The window's label (`capabilities/main.json` grants it the app's commands).
pub const MAIN: &str = "main";

type Reply = Result<Value, Value>;

/// The way to the tray process: calls waiting for their reply, and the outgoing messages.
#[derive(Clone)]
struct TrayLink {
    next_id: Arc<AtomicU64>,
    waiting: Arc<Mutex<HashMap<u64, oneshot::Sender<Reply>>>>,
    to_tray: mpsc::UnboundedSender<ToTray>,
    /// The window has been built (so a missing one has closed, not yet to come).
    built: Arc<std::sync::atomic::AtomicBool>,
    /// The language the tray process named at start, for this process's own errors.
    words: &'static Words,
}

impl TrayLink {
    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Reply>>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Calls `command` in the tray process; resolves with its reply.
    fn call(&self, command: String, args: Value) -> impl Future<Output = Reply> + Send + 'static {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.waiting().insert(id, tx);
        let sent = self.to_tray.send(ToTray::Call { id, command, args });
        let words = self.words;
        async move {
            if sent.is_err() {
                return Err(failed(words, "link-gone"));
            }
            match tokio::time::timeout(CALL_LIMIT, rx).await {
                Ok(reply) => reply.unwrap_or_else(|_| Err(failed(words, "link-gone"))),
                Err(_) => Err(failed(words, "link-unanswered")),
            }
        }
    }

    fn settle(&self, id: u64, reply: Reply) {
        if let Some(tx) = self.waiting().remove(&id) {
            let _ = tx.send(reply);
        }
    }
}

/// The error a call gets when the tray process is gone (`link-gone`) or did not answer within
/// [`CALL_LIMIT`] (`link-unanswered`), as the page shows errors.
fn failed(w: &Words, id: &str) -> Value {
    let detail = agent_core::detail::Detail::from(agent_core::detail::Part::new(id));
    let info = ErrorInfo {
        kind: agent_core::ErrorKind::Internal,
        message: detail.english(),
        detail,
        cause: None,
        field: None,
        at: now_ms(),
    };
    serde_json::to_value(ErrorView::new(w, &info)).unwrap_or(Value::Null)
}

/// Runs the window process; returns when the window has closed. `protocol`: the argument after
/// the window flag, which must be this build's [`PROTOCOL`]; `lang`: the language's code.
pub fn run(
    context: tauri::Context,
    protocol: Option<&str>,
    lang: Option<&str>,
    size: Option<&str>,
) -> ExitCode {
    if protocol != Some(PROTOCOL) {
        eprintln!(
            "exotel-agent-tray: this window is version {PROTOCOL} and the app that started it {}: \
             restart the app",
            protocol.unwrap_or("unknown")
        );
        return ExitCode::from(OTHER_PROTOCOL_EXIT);
    }
    let words = Words::of(lang.and_then(Lang::from_locale).unwrap_or(Lang::En));
    let size = size.and_then(parse_size).unwrap_or(DEFAULT_SIZE);
    let built = tauri::Builder::default()
        .invoke_handler(pass_to_tray)
        .setup(move |app| {
            let link = start_link(app.handle(), words);
            app.manage(link.clone());
            let (width, height) = size;
            let window = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::App("index.html".into()))
                .title(words.get("window-title"))
                .inner_size(f64::from(width), f64::from(height))
                .min_inner_size(f64::from(MIN_SIZE.0), f64::from(MIN_SIZE.1))
                .visible(false)
                .build()?;
            place_beside_pointer(&window, size);
            let _ = window.show();
            // Shown, its frame (a title bar on Windows) is known: fitted again with it, so the
            // whole window stays clear of the taskbar.
            if let (Ok(outer), Ok(inner)) = (window.outer_size(), window.inner_size())
                && outer != inner
                && outer.width >= inner.width
                && outer.height >= inner.height
                && inner.width >= MIN_SIZE.0
            {
                let scale = window.scale_factor().unwrap_or(1.0);
                let outer = outer.to_logical::<f64>(scale);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                place_beside_pointer(&window, (outer.width.round() as u32, outer.height.round() as u32));
            }
            let _ = window.set_focus();
            let closed = link.to_tray.clone();
            let resized = window.clone();
            window.on_window_event(move |event| match event {
                // The size the agent gives it, kept by the tray process once the window ends.
                // Not while minimised (Windows reports 0x0 then).
                tauri::WindowEvent::Resized(_) => {
                    if let Some((width, height)) = logical_size(&resized)
                        && width >= MIN_SIZE.0
                        && height >= MIN_SIZE.1
                        && !resized.is_minimized().unwrap_or(false)
                    {
                        let _ = closed.send(ToTray::Size { width, height });
                    }
                }
                tauri::WindowEvent::Destroyed => {
                    let _ = closed.send(ToTray::Closed);
                }
                _ => {}
            });
            link.built.store(true, Ordering::SeqCst);
            let _ = link.to_tray.send(ToTray::Opened);
            Ok(())
        })
        .build(context);
    match built {
        // Closing the window ends this process (Tauri exits when its last window is gone).
        Ok(app) => {
            app.run(|_, _| {});
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("exotel-agent-tray: could not open the window: {e}");
            ExitCode::from(1)
        }
    }
}

/// Every command the page calls goes to the tray process, with the page's arguments as sent;
/// Tauri has already checked it is one the window may call (`capabilities/main.json`). One is
/// answered here: `close_window` (Escape) closes this window, which ends this process and tells
/// the tray process so.
///
/// A handler of our own rather than `generate_handler!`: one forwarder for every command, so the
/// list of commands and their arguments stays in one place ([`crate::commands::command::Command`]).
/// Tauri marks [`Invoke`] as used by its macros and not covered by semver; `Cargo.lock` pins the
/// version, and the end-to-end tests call every command through it.
fn pass_to_tray(invoke: Invoke) -> bool {
    let command = invoke.message.command().to_owned();
    if command == CLOSE_WINDOW {
        close(invoke.message.webview().app_handle());
        invoke.resolver.resolve(());
        return true;
    }
    let args = match invoke.message.payload() {
        InvokeBody::Json(v) => v.clone(),
        InvokeBody::Raw(_) => Value::Null,
    };
    let Some(link) = invoke.message.webview().try_state::<TrayLink>().map(|l| l.inner().clone()) else {
        return false;
    };
    let reply = link.call(command, args);
    invoke.resolver.respond_async(async move { reply.await.map_err(InvokeError) });
    true
}

/// Starts reading the tray's messages from standard input and writing ours to standard output.
fn start_link(app: &AppHandle, words: &'static Words) -> TrayLink {
    let (to_tray, mut outbox) = mpsc::unbounded_channel::<ToTray>();
    let link =
        TrayLink { next_id: Arc::default(), waiting: Arc::default(), to_tray, built: Arc::default(), words };
    tauri::async_runtime::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(message) = outbox.recv().await {
            if protocol::send(&mut stdout, &message).await.is_err() {
                break;
            }
        }
    });
    let (app, reader) = (app.clone(), link.clone());
    tauri::async_runtime::spawn(async move {
        let mut lines = BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let Some(message) = protocol::decode::<ToWindow>(&line) else { continue };
            match message {
                ToWindow::Reply { id, ok, value } => {
                    reader.settle(id, if ok { Ok(value) } else { Err(value) })
                }
                ToWindow::Event { name, payload } => {
                    if let Err(e) = app.emit(&name, payload) {
                        tracing::warn!("could not pass {name} to the page: {e}");
                    }
                }
                ToWindow::Focus => match app.get_webview_window(MAIN) {
                    Some(w) => {
                        let _ = w.unminimize();
                        let _ = w.show();
                        let _ = w.set_focus();
                    }
                    // Closed already (the tray had not yet read that): not lost, a new window.
                    // Not built yet: it is about to show anyway.
                    None if reader.built.load(Ordering::SeqCst) => {
                        let _ = reader.to_tray.send(ToTray::Reopen);
                    }
                    None => {}
                },
                ToWindow::Close => close(&app),
            }
        }
        // The tray process is gone: a window without it could only show errors. Should the
        // event loop not end it, the process ends anyway.
        app.exit(0);
        std::thread::spawn(|| {
            std::thread::sleep(EXIT_GRACE);
            std::process::exit(0);
        });
    });
    link
}

/// Closes the window, which ends the process; if there is no window (yet, or any more), ends
/// the process.
fn close(app: &AppHandle) {
    match app.get_webview_window(MAIN) {
        Some(w) => {
            if let Err(e) = w.close() {
                tracing::warn!("could not close the window: {e}");
                app.exit(0);
            }
        }
        None => app.exit(0),
    }
}

/// Moves the window beside the pointer, on the monitor under it ([`agent_core::placement`]); where
/// the pointer or monitor cannot be known (a Wayland session), the window manager places it.
fn place_beside_pointer(window: &tauri::WebviewWindow, (width, height): (u32, u32)) {
    let Ok(pointer) = window.cursor_position() else { return };
    let Ok(Some(monitor)) = window.monitor_from_point(pointer.x, pointer.y) else { return };
    // The size asked for, in the monitor's pixels (the window is not mapped yet, so its own
    // size is not known).
    let size = tauri::LogicalSize::new(f64::from(width), f64::from(height))
        .to_physical::<u32>(monitor.scale_factor());
    let work = monitor.work_area();
    let area =
        Area { x: work.position.x, y: work.position.y, width: work.size.width, height: work.size.height };
    // Whole pixels: the pointer's fraction of a pixel does not matter here.
    #[allow(clippy::cast_possible_truncation)]
    let at = (pointer.x.round() as i32, pointer.y.round() as i32);
    let (x, y) = beside_pointer(at, area, (size.width, size.height));
    if let Err(e) = window.set_position(tauri::PhysicalPosition::new(x, y)) {
        tracing::debug!("the window manager places the window: {e}");
    }
}

/// The window's inner size in logical pixels.
fn logical_size(window: &tauri::WebviewWindow) -> Option<(u32, u32)> {
    let scale = window.scale_factor().ok()?;
    let size = window.inner_size().ok()?.to_logical::<f64>(scale);
    // Sizes are far below u32::MAX and never negative.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some((size.width.round() as u32, size.height.round() as u32))
}
