//! R1 through an outage: an away-offline (lock, sleep, idle) that Exotel did not confirm is
//! owed ([`crate::away::OfflineDuty`]) and tried again by a task of its own, with a growing,
//! spread wait ([`crate::backoff::Backoff`]) that never comes before Exotel's `Retry-After`,
//! until one of these:
//! - Exotel confirms the agent offline: the reply to an attempt, or any read (a sync, a
//!   refresh) that finds them offline after the duty began;
//! - the agent returns (unlock, input; a wake only after the duty's own attempt), and the
//!   away rules decide: nothing is restored that the app did not turn off;
//! - the agent makes their own change (R4), here or with `exotel-agent`;
//! - the session changes (sign-out, another account, the sandbox).
//!
//! Each attempt goes through the controller like any change (a click waits its turn with
//! it, reads wait behind it), under the duties lock (so it meets the same rules as every
//! other source). The first failure is recorded; the retries are not, one by one: the
//! confirmed change, when it comes, carries their count ([`crate::Change::attempts`]). While
//! it is owed, the status says so ([`crate::Status::going_offline`]).

use std::sync::Arc;

use exotel_api::ApiError;

use super::{Agent, Duties};
use crate::error::{CoreError, Result};
use crate::status::{GoingOffline, Source, Status, Target, now_ms};
use crate::supervise::spawn_supervised;

impl Agent {
    /// Sends the away-offline for `source` (the first attempt, or the next one of the duty
    /// owed). Confirmed: the device it turned off waits for the agent's return and nothing is
    /// owed. Not confirmed: it is owed while the agent is away.
    pub(super) async fn take_offline(&self, duties: &mut Duties, source: Source) -> Result<Status> {
        let before = self.status();
        let started = now_ms();
        let result = match duties.rules.duty() {
            Some(duty) => {
                self.controller.retry(Target::Offline, duty.source, duty.attempts.saturating_add(1)).await
            }
            None => self.controller.change(Target::Offline, source).await,
        };
        let now = self.status();
        duties.rules.went_offline(&before, &now);
        // A failure followed by a read that found the agent offline counts too (a request
        // that timed out after Exotel carried it out).
        if result.is_ok() || now.confirmed_offline_since(started) {
            if let Some(duty) = duties.rules.offline_confirmed() {
                tracing::info!(attempts = duty.attempts + 1, "the away-offline owed is confirmed by Exotel");
            }
        } else if let Some(duty) = duties.rules.offline_failed(source) {
            tracing::warn!(attempts = duty.attempts, "the away-offline is not confirmed; trying again");
        }
        result
    }

    /// Publishes what is owed (or that nothing is), with when the next attempt goes; starts
    /// the retry task for a duty that has none yet. `attempted`: an attempt was just made
    /// (with its error, whose `Retry-After` the next attempt waits for), so the next one is
    /// scheduled anew; otherwise the one scheduled stands.
    pub(super) async fn follow_duty(
        self: &Arc<Self>,
        duties: &mut Duties,
        attempted: Option<Option<&CoreError>>,
    ) {
        let Some(duty) = duties.rules.duty() else {
            duties.retry_at = None;
            if self.status().going_offline.is_some() {
                let _ = self.controller.set_going_offline(None).await;
            }
            return;
        };
        let now = tokio::time::Instant::now();
        let due = match (attempted, duties.retry_at) {
            (None, Some(due)) if duties.retrying == duty.id => due,
            (failed, _) => {
                let retry_after = match failed.flatten() {
                    Some(CoreError::Api(ApiError::RateLimited { retry_after })) => {
                        Some(retry_after.unwrap_or(exotel_api::DEFAULT_RETRY_AFTER))
                    }
                    _ => None,
                };
                let wait = self.offline_retry.next(duty.attempts, retry_after);
                now.checked_add(wait).unwrap_or(now + exotel_api::MAX_RETRY_AFTER)
            }
        };
        duties.retry_at = Some(due);
        if duties.retrying != duty.id {
            duties.retrying = duty.id;
            self.watch_duty(duty.id);
        }
        let wait_ms = u64::try_from(due.saturating_duration_since(now).as_millis()).unwrap_or(u64::MAX);
        let going = Some(GoingOffline {
            source: duty.source,
            attempts: duty.attempts,
            next_at: now_ms().saturating_add(wait_ms),
        });
        if going != self.status().going_offline {
            let _ = self.controller.set_going_offline(going).await;
        }
    }

    /// The network came back (or may have): an away-offline still owed is sent now rather
    /// than at the end of its wait. Only a retry waiting now is woken (no permit is kept for
    /// a duty owed later, which then waits as usual).
    pub fn network_changed(&self) {
        self.duty_now.notify_waiters();
    }

    fn watch_duty(self: &Arc<Self>, id: u64) {
        let me = Arc::clone(self);
        spawn_supervised("away-offline retry", move || {
            let agent = Arc::clone(&me);
            async move { agent.retry_duty(id).await }
        });
    }

    /// Tries duty `id` again at each `retry_at` (or at once when the network comes back),
    /// until it is no longer owed. A read that finds the agent offline meanwhile ends it
    /// without another request.
    async fn retry_duty(self: &Arc<Self>, id: u64) {
        let mut updates = self.controller.subscribe();
        loop {
            let (due, since) = {
                let duties = self.duties.lock().await;
                match duties.rules.duty().filter(|d| d.id == id) {
                    Some(duty) => (duties.retry_at.unwrap_or_else(tokio::time::Instant::now), duty.since),
                    None => return,
                }
            };
            let read_offline = async {
                loop {
                    if updates.borrow_and_update().confirmed_offline_since(since) {
                        return;
                    }
                    if updates.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            };
            let (found, woken) = tokio::select! {
                () = tokio::time::sleep_until(due) => (false, false),
                () = self.duty_now.notified() => (false, true),
                () = read_offline => (true, false),
            };
            let (mut duties, _) = self.duties_now().await;
            // Scheduled anew meanwhile (a wake's attempt failed with a `Retry-After`): wait on.
            if !found && !woken && duties.retry_at.is_some_and(|at| at > tokio::time::Instant::now()) {
                continue;
            }
            if duties.rules.duty().is_none_or(|d| d.id != id) {
                // Ended meanwhile (a return, the agent's change, another session); a newer
                // duty has a task of its own.
                if duties.rules.duty().is_none() {
                    self.follow_duty(&mut duties, Some(None)).await;
                }
                return;
            }
            // R4 from another program: `exotel-agent` changed the status since it began.
            if let Some(stored) = self.accounts.settings().read_quietly() {
                duties.rules.agent_changed(stored.agent_changed_at);
            }
            let failed = if found && self.status().confirmed_offline_since(since) {
                duties.rules.offline_confirmed();
                tracing::info!("a read found the agent offline; the away-offline owed is done");
                None
            } else if let Some(duty) = duties.rules.duty() {
                // What is on now, so the device parked is the one really turned off.
                if let Err(e) = self.controller.refresh(Source::Sync).await {
                    tracing::info!(kind = %e.kind(), "could not read the status before trying again: {e}");
                }
                self.take_offline(&mut duties, duty.source).await.err()
            } else {
                None
            };
            let _ = self.controller.set_parked(duties.rules.parked().map(|p| p.device)).await;
            self.follow_duty(&mut duties, Some(failed.as_ref())).await;
            if duties.rules.duty().is_none_or(|d| d.id != id) {
                return;
            }
        }
    }
}
