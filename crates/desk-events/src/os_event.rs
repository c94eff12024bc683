//! What the OS says about the agent being away, and what the agent's side does with it.

/// Something the OS said about the agent being away or back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwayEvent {
    Locked,
    Unlocked,
    Sleeping,
    Woke,
    /// No keyboard or mouse input for the idle setting's minutes.
    Idle,
    /// Input again after [`AwayEvent::Idle`].
    Active,
}

/// What the OS said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsEvent {
    Away(AwayEvent),
    /// The system is shutting down or the session ending.
    Shutdown,
}

/// What the agent's side does with what the OS says. `handle` returns when the work is done (so
/// a sleep inhibitor is held until then).
pub trait OsEventHandler: Send + Sync + 'static {
    fn handle(&self, event: OsEvent) -> impl Future<Output = ()> + Send;

    /// The network came back: work owed after an outage may be tried at once.
    fn network_changed(&self) {}

    /// Whether sleep should wait for [`OsEventHandler::handle`] (the agent asked to go offline
    /// before sleep), so the OS side holds a sleep inhibitor.
    fn waits_before_sleep(&self) -> bool {
        false
    }
}

/// Lock and unlock as reported by several sources at once (each screensaver's name, logind's
/// session): only a change passes, so a lock two sources report is one lock event, and an
/// unlock after it one return. The OS side keeps one for every source of the screen's lock.
#[derive(Debug, Default)]
pub struct LockLatch(std::sync::Mutex<Option<bool>>);

impl LockLatch {
    /// Whether `locked` is news (a change from what the last source said).
    pub fn passes(&self, locked: bool) -> bool {
        let mut known = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let news = *known != Some(locked);
        *known = Some(locked);
        news
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_two_sources_report_is_one_lock_and_the_unlock_after_it_one_return() {
        let latch = LockLatch::default();
        assert!(latch.passes(true), "the first lock is news");
        assert!(!latch.passes(true), "the same lock from a second source is not");
        assert!(latch.passes(false), "the unlock is");
        assert!(!latch.passes(false));
    }
}
