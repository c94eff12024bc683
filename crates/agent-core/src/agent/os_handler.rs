//! What the agent does with what the OS says ([`desk_events::OsEventHandler`]): away events go
//! to the away rules, the network's return to an owed offline, and sleep waits for Exotel while
//! "offline on sleep" is on. The OS side (`os-events`) knows only the trait.

use std::sync::Arc;

use desk_events::{OsEvent, OsEventHandler};

use super::Agent;

/// The usual handler: away events go to the agent; shutdown calls `on_shutdown`.
pub struct AgentHandler<F> {
    pub agent: Arc<Agent>,
    pub on_shutdown: F,
}

impl<F> std::fmt::Debug for AgentHandler<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentHandler").finish_non_exhaustive()
    }
}

impl<F: Fn() + Send + Sync + 'static> OsEventHandler for AgentHandler<F> {
    async fn handle(&self, event: OsEvent) {
        match event {
            OsEvent::Away(e) => {
                if let Some(Err(err)) = self.agent.away(e).await {
                    tracing::warn!(kind = %err.kind(), event = ?e, "could not change the status: {err}");
                }
            }
            OsEvent::Shutdown => (self.on_shutdown)(),
        }
    }

    fn network_changed(&self) {
        self.agent.network_changed();
    }

    fn waits_before_sleep(&self) -> bool {
        self.agent.preferences().offline_on_sleep
    }
}
