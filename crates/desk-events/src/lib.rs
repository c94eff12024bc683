//! The words the OS side (`os-events`, the shell) and the agent (`agent-core`) share, so that
//! neither needs the other:
//! - [`AwayEvent`] and [`OsEvent`]: what the OS said (locked, asleep, idle, back; the session
//!   ending);
//! - [`OsEventHandler`]: what the agent's side does with it (`agent_core::AgentHandler` is the
//!   usual one);
//! - [`LockLatch`]: one lock from several sources is one event;
//! - [`Protection`], [`Support`], [`Desk`] and [`DeskReport`]: what this computer can do, kept
//!   up to date by the OS side and followed by the shell.

mod desk;
mod os_event;

pub use desk::{Desk, DeskReport, Protection, Support};
pub use os_event::{AwayEvent, LockLatch, OsEvent, OsEventHandler};
