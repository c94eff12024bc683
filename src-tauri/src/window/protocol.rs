//! What the tray process and its window process say to each other, one JSON object a line over
//! the window process's standard input and output, each after [`MARK`].
//!
//! The window runs in a process of its own (this binary with [`WINDOW_FLAG`]) so that closing it
//! gives back all the memory WebKit took: its web and network processes, and the GL libraries it
//! maps into the process that shows it (measured in `docs/benchmarks.md`). The tray process keeps
//! the agent, the tray, notifications and every rule; the window process only draws the page and
//! passes each command the page calls to the tray process, which answers it
//! ([`crate::commands::dispatch`]).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The argument that starts this binary as the window process; [`PROTOCOL`] follows it.
pub const WINDOW_FLAG: &str = "--window";

/// This build's version of the protocol, given to the window process after [`WINDOW_FLAG`]:
/// a window process from another build (the binary replaced by an upgrade while the tray process
/// runs, on a system that starts the new file) refuses to start rather than misunderstand.
pub const PROTOCOL: &str = concat!(env!("CARGO_PKG_VERSION"), "/1");

/// The window process's exit code when [`PROTOCOL`] differs from its own.
pub const OTHER_PROTOCOL_EXIT: u8 = 3;

/// What starts every message. The window process's standard output is shared with anything in
/// it (or in the WebKit processes it starts) that prints there; a line that is not ours has no
/// mark, and a message appended to a stray partial line is still found after its mark.
pub const MARK: &str = "\u{1e}exotel-agent-tray ";

/// From the tray process to the window process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToWindow {
    /// The answer to [`ToTray::Call`] `id`: the command's value, or its error (`ok: false`).
    Reply { id: u64, ok: bool, value: Value },
    /// An event for the page (the status, each time it is published).
    Event { name: String, payload: Value },
    /// Show the window and bring it to the front.
    Focus,
    /// Close the window (the window process then ends).
    Close,
}

impl ToWindow {
    pub fn reply<E: Serialize>(id: u64, result: Result<Value, E>) -> Self {
        match result {
            Ok(value) => Self::Reply { id, ok: true, value },
            Err(e) => Self::Reply { id, ok: false, value: serde_json::to_value(e).unwrap_or(Value::Null) },
        }
    }
}

/// From the window process to the tray process.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToTray {
    /// The page called `command` with `args` (the page's own argument object).
    Call { id: u64, command: String, args: Value },
    /// The window is built and shown.
    Opened,
    /// The window has closed (the process is ending): opening it now needs a new process.
    Closed,
    /// The window's size as it closes (logical pixels), to open it so next time.
    Size { width: u32, height: u32 },
    /// A `Focus` arrived after the window had closed (an "Open" clicked as it closed): the
    /// tray process opens a new window once this process has ended.
    Reopen,
}

/// Never the arguments: a call's may hold the secret typed into the sign-in form.
impl std::fmt::Debug for ToTray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Call { id, command, .. } => {
                f.debug_struct("Call").field("id", id).field("command", command).finish_non_exhaustive()
            }
            Self::Opened => f.write_str("Opened"),
            Self::Closed => f.write_str("Closed"),
            Self::Reopen => f.write_str("Reopen"),
            Self::Size { width, height } => write!(f, "Size({width}x{height})"),
        }
    }
}

/// One message as one line of JSON (no newline inside: strings escape theirs).
fn encode<T: Serialize>(message: &T) -> String {
    // Serialising these enums cannot fail: their keys are strings and values JSON already.
    let json = serde_json::to_string(message).unwrap_or_default();
    format!("{MARK}{json}\n")
}

/// Writes one message and flushes it, so the other side reads it at once.
pub async fn send<W, T>(out: &mut W, message: &T) -> std::io::Result<()>
where
    W: tokio::io::AsyncWrite + Unpin,
    T: Serialize,
{
    use tokio::io::AsyncWriteExt;
    out.write_all(encode(message).as_bytes()).await?;
    out.flush().await
}

/// A line as a message; `None` for anything else (a line another library printed, say).
pub fn decode<T: DeserializeOwned>(line: &str) -> Option<T> {
    let (_, json) = line.rsplit_once(MARK)?;
    serde_json::from_str(json.trim()).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_message_survives_the_line() {
        let to_window = [
            ToWindow::reply::<()>(7, Ok(json!({"availability": "offline"}))),
            ToWindow::reply(8, Err(json!({"kind": "auth", "message": "wrong secret"}))),
            ToWindow::Event { name: "status".into(), payload: json!({"device": "sip"}) },
            ToWindow::Focus,
            ToWindow::Close,
        ];
        for m in to_window {
            let line = encode(&m);
            assert!(line.ends_with('\n') && !line.trim_end().contains('\n'), "one line: {line:?}");
            assert_eq!(decode::<ToWindow>(&line), Some(m));
        }
        let call = ToTray::Call { id: 1, command: "sign_in".into(), args: json!({"appId": "a\nb"}) };
        assert_eq!(decode::<ToTray>(&encode(&call)), Some(call));
        for m in [ToTray::Opened, ToTray::Closed, ToTray::Size { width: 500, height: 800 }, ToTray::Reopen] {
            assert_eq!(decode::<ToTray>(&encode(&m)), Some(m));
        }
    }

    #[test]
    fn a_reply_says_whether_the_command_failed() {
        let failed = ToWindow::reply(3, Err(json!({"kind": "network"})));
        assert_eq!(failed, ToWindow::Reply { id: 3, ok: false, value: json!({"kind": "network"}) });
    }

    #[test]
    fn stray_lines_are_not_messages() {
        let marked = |json: &str| format!("{MARK}{json}");
        let lines = [
            String::new(),
            "Gtk-WARNING: whatever".into(),
            "{\"type\":\"opened\"}".into(),
            marked("{\"type\":\"launch_missiles\"}"),
            marked("[1,2]"),
            marked("{\"type\":\"call\"}"),
        ];
        for line in lines {
            assert_eq!(decode::<ToTray>(&line), None, "{line:?}");
        }
    }

    #[test]
    fn a_message_after_a_stray_partial_line_is_still_read() {
        let line = format!("CONSOLE LOG half a line{}", encode(&ToTray::Opened));
        assert_eq!(decode::<ToTray>(&line), Some(ToTray::Opened));
    }

    #[test]
    fn a_call_never_shows_its_arguments() {
        let call = ToTray::Call { id: 1, command: "sign_in".into(), args: json!({"secret": "s3cr3t"}) };
        let shown = format!("{call:?}");
        assert!(shown.contains("sign_in") && !shown.contains("s3cr3t"), "{shown}");
    }
}
