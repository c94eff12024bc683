//! The window: a process of its own (this binary with [`protocol::WINDOW_FLAG`]), so the tray
//! process holds no WebKit while the window is closed.
//! - [`protocol`]: the lines the two processes exchange over the child's stdin and stdout;
//! - [`host`]: the tray process's side (starts the child, passes the page's calls to
//!   [`crate::commands`], sends it the status);
//! - [`process`]: the child's side (shows the page, passes its calls to the tray process).

pub mod host;
pub mod process;
pub mod protocol;
