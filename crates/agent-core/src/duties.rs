//! What the app does on its own so the agent is never available by accident: offline on quit,
//! on lock and sleep (and back on return), timed breaks, and reading the status regularly.
//! Every change goes through the controller with its own source, so it is shown, notified and
//! kept in the history like any other.

use std::sync::Arc;
use std::time::Duration;

use exotel_api::Availability;

use crate::agent::Agent;
use crate::away::AwayEvent;
use crate::error::{CoreError, Result};
use crate::schedule::sync_delay;
use crate::settings::BreakState;
use crate::status::{Source, Status, Target, now_ms};

/// How quitting went for the agent's availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuitOutcome {
    /// Nothing to do: signed out, or "offline on quit" is off.
    NotNeeded,
    /// Exotel confirmed the agent offline.
    Offline,
    /// Not confirmed in time or refused: the agent may still receive calls.
    Failed(String),
}

/// The longest break that can be asked for.
pub const MAX_BREAK: Duration = Duration::from_secs(8 * 60 * 60);

impl Agent {
    /// Starts the app's own work: signs in with the saved account and reads the status,
    /// continues a break left from before a restart (or ends it now if it is over), and reads
    /// the status every interval from then on.
    pub async fn start(self: &Arc<Self>) {
        if let Err(e) = self.refresh(Source::Start).await {
            tracing::warn!(kind = e.kind(), "no status at start: {e}");
        }
        self.resume_break().await;
        self.spawn_sync();
    }

    /// Before quitting: turn the device off and wait for Exotel's word, at most `limit`.
    pub async fn quit_offline(&self, limit: Duration) -> QuitOutcome {
        if !self.preferences().offline_on_quit || !self.status().signed_in {
            return QuitOutcome::NotNeeded;
        }
        match tokio::time::timeout(limit, self.controller.change(Target::Offline, Source::Quit)).await {
            Ok(Ok(s)) if s.availability == Availability::Offline => QuitOutcome::Offline,
            Ok(Ok(s)) => QuitOutcome::Failed(format!("Exotel reports {}", s.availability.describe())),
            Ok(Err(e)) => QuitOutcome::Failed(e.to_string()),
            Err(_) => QuitOutcome::Failed(format!("Exotel did not confirm within {} s", limit.as_secs())),
        }
    }

    /// The screen locked or unlocked, the computer is going to sleep or woke up.
    pub async fn away(&self, event: AwayEvent) -> Option<Result<Status>> {
        let mut memory = self.away.lock().await;
        if event == AwayEvent::Woke {
            self.sync_now.notify_one();
        }
        let before = self.status();
        let decision = memory.decide(event, &self.preferences(), &before);
        let result = match decision {
            Some((target, source)) => Some(self.controller.change(target, source).await),
            None => None,
        };
        memory.after(event, before.availability, &self.status());
        result
    }

    /// Goes offline for `length`, then turns the device that was on back on. Kept in the
    /// settings file, so a restart in the middle continues it.
    pub async fn start_break(self: &Arc<Self>, length: Duration) -> Result<Status> {
        if length.is_zero() || length > MAX_BREAK {
            return Err(CoreError::BadRequest(format!(
                "a break lasts between 1 second and {} hours",
                MAX_BREAK.as_secs() / 3600
            )));
        }
        let restore = match self.status().availability {
            Availability::Receiving(d) => Some(d),
            _ => None,
        };
        self.cancel_break().await?;
        self.controller.change(Target::Offline, Source::Timer).await?;
        let ends_at = now_ms().saturating_add(u64::try_from(length.as_millis()).unwrap_or(u64::MAX));
        let state = BreakState { ends_at, restore };
        self.accounts.settings().update(|s| s.on_break = Some(state))?;
        self.watch_break(ends_at);
        self.controller.set_break(Some(ends_at)).await
    }

    /// Ends the break now and turns the device that was on back on.
    pub async fn end_break(&self) -> Result<Status> {
        let Some(state) = self.accounts.settings().load()?.settings.on_break else {
            return Ok(self.status());
        };
        self.finish_break(state).await
    }

    /// Forgets a break in progress without restoring anything (a manual change took over).
    pub(crate) async fn cancel_break(&self) -> Result<()> {
        let had = self.accounts.settings().load().map(|l| l.settings.on_break.is_some()).unwrap_or(false);
        if had || self.status().break_until.is_some() {
            self.accounts.settings().update(|s| s.on_break = None)?;
            self.controller.set_break(None).await?;
        }
        Ok(())
    }

    async fn finish_break(&self, state: BreakState) -> Result<Status> {
        self.accounts.settings().update(|s| s.on_break = None)?;
        let status = self.controller.set_break(None).await?;
        match state.restore {
            // Only if still offline: a change made elsewhere during the break stands.
            Some(device) if status.availability == Availability::Offline => {
                self.controller.change(Target::Receiving(device), Source::Timer).await
            }
            _ => Ok(status),
        }
    }

    async fn resume_break(self: &Arc<Self>) {
        let Ok(Some(state)) = self.accounts.settings().load().map(|l| l.settings.on_break) else { return };
        if state.ends_at > now_ms() {
            tracing::info!("continuing the break started before the restart");
            self.watch_break(state.ends_at);
            let _ = self.controller.set_break(Some(state.ends_at)).await;
        } else if let Err(e) = self.finish_break(state).await {
            tracing::warn!(
                kind = e.kind(),
                "could not end the break that ended while the app was closed: {e}"
            );
        }
    }

    fn watch_break(self: &Arc<Self>, ends_at: u64) {
        let agent = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(ends_at.saturating_sub(now_ms()))).await;
            let current = agent.accounts.settings().load().ok().and_then(|l| l.settings.on_break);
            // Only the break this timer was started for (not one ended early or replaced).
            if let Some(state) = current.filter(|b| b.ends_at == ends_at)
                && let Err(e) = agent.finish_break(state).await
            {
                tracing::warn!(
                    kind = e.kind(),
                    "the break ended but the device could not be turned back on: {e}"
                );
            }
        });
    }

    /// Reads the status every sync interval (backing off after failures), and at once when
    /// woken by [`Self::sync_soon`].
    fn spawn_sync(self: &Arc<Self>) {
        let agent = Arc::clone(self);
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                let wait = sync_delay(agent.preferences().sync_interval(), failures, fastrand::f64());
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = agent.sync_now.notified() => {}
                }
                match agent.refresh(Source::Sync).await {
                    Ok(_) | Err(CoreError::NotSignedIn) => failures = 0,
                    Err(e) => {
                        failures = failures.saturating_add(1);
                        tracing::info!(kind = e.kind(), failures, "sync failed; backing off");
                    }
                }
            }
        });
    }

    /// Asks the sync loop to read the status now (the window opened, the computer woke).
    pub fn sync_soon(&self) {
        self.sync_now.notify_one();
    }
}
