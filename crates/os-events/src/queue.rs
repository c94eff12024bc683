//! The one way from an OS's callbacks (a window procedure, a notification block) to the
//! handler: events are handled in the order they came, one at a time, on the app's runtime,
//! and a callback may wait, bounded, for its event to be handled (the OS waits for it too).

use std::sync::Arc;
use std::time::Duration;

use crate::{OsEvent, OsEventHandler};

/// How a callback hands an event over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Queued; the callback returns at once.
    Queue,
    /// Queued; the callback returns when the handler is done, or after the bound.
    WaitUpTo(Duration),
    /// Queued; once the handler is done (or after the bound), the callback is held for this
    /// long more: the process is meant to end meanwhile.
    ThenHold(Duration),
}

/// An event on its way to the handler, with where to say it was handled.
type Queued = (OsEvent, Option<std::sync::mpsc::Sender<()>>);

/// The sending end; cheap to clone, and usable from any thread.
#[derive(Debug, Clone)]
pub struct EventQueue(tokio::sync::mpsc::UnboundedSender<Queued>);

impl EventQueue {
    /// Starts the task on `runtime` that hands each event to `handler`.
    pub fn start<H: OsEventHandler>(handler: Arc<H>, runtime: &tokio::runtime::Handle) -> Self {
        let (queue, mut events) = tokio::sync::mpsc::unbounded_channel::<Queued>();
        runtime.spawn(async move {
            while let Some((event, done)) = events.recv().await {
                tracing::info!(?event, "from the OS");
                handler.handle(event).await;
                if let Some(done) = done {
                    let _ = done.send(());
                }
            }
        });
        Self(queue)
    }

    /// Hands `event` over, waiting as `delivery` says. Blocks the calling thread (an OS
    /// callback's, never the runtime's) for at most the delivery's bound.
    pub fn deliver(&self, event: OsEvent, delivery: Delivery) {
        let (done, handled) = std::sync::mpsc::channel();
        let wait = !matches!(delivery, Delivery::Queue);
        if self.0.send((event, wait.then_some(done))).is_err() {
            tracing::warn!(?event, "the app no longer takes events");
            return;
        }
        match delivery {
            Delivery::Queue => {}
            Delivery::WaitUpTo(limit) => {
                if handled.recv_timeout(limit).is_err() {
                    tracing::warn!(?event, "not done within {} s; the OS carries on", limit.as_secs());
                }
            }
            Delivery::ThenHold(hold) => {
                let _ = handled.recv_timeout(hold);
                std::thread::sleep(hold);
            }
        }
    }
}
