//! What the app does on its own so the agent is never available by accident: offline on quit,
//! on lock, sleep and idle (and back on return), timed breaks, and reading the status
//! regularly. The rules are [`crate::away`]'s; every decision is taken under the agent's one
//! duties lock, and every change goes through the controller with its own source, so it is
//! shown, notified and kept in the history like any other.

use std::sync::Arc;
use std::time::Duration;

use exotel_api::Availability;

use super::{Agent, Duties};
use crate::detail::Part;
use crate::error::{CoreError, Result};
use crate::settings::BreakState;
use crate::status::{Source, Status, Target};
use crate::supervise::spawn_supervised;
use crate::sync::{SyncRules, run_sync_loop};
use desk_events::AwayEvent;

/// How quitting went for the agent's availability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuitOutcome {
    /// Nothing to do: signed out, or "offline on quit" is off.
    NotNeeded,
    /// Exotel confirmed the agent offline.
    Offline,
    /// Not confirmed in time or refused: the agent may still receive calls.
    Failed(crate::detail::Detail),
}

/// The longest break that can be asked for.
pub const MAX_BREAK: Duration = Duration::from_secs(8 * 60 * 60);

/// A break's timer wakes at least this often to compare the wall clock with the break's end,
/// so a suspend (which stops the monotonic clock) or a clock jump ends it at most this late.
pub const BREAK_CHECK: Duration = Duration::from_secs(10);

impl Agent {
    /// Starts the app's own work: signs in with the saved account and reads the status,
    /// continues a break left from before a restart (or ends it now if it is over), and reads
    /// the status every interval from then on.
    pub async fn start(self: &Arc<Self>) {
        if let Err(e) = self.refresh(Source::Start).await {
            tracing::warn!(kind = %e.kind(), "no status at start: {e}");
        }
        self.resume_break().await;
        self.spawn_sync();
    }

    /// Before quitting: turn the device off and wait for Exotel's word, at most `limit`.
    ///
    /// Under the duties lock, with the break and anything parked dropped first, so nothing
    /// the app does on its own can turn a device on behind the quit; and for the account the
    /// settings file names now (one signed in with `exotel-agent` meanwhile, say).
    pub async fn quit_offline(&self, limit: Duration) -> QuitOutcome {
        self.quit_offline_attempt(limit, 1).await
    }

    /// [`Self::quit_offline`] again, as attempt number `attempt`, while a quit waits for
    /// Exotel: its failure is not recorded again (the first is), and the offline, when
    /// confirmed, is recorded with its count of attempts.
    pub async fn quit_offline_attempt(&self, limit: Duration, attempt: u32) -> QuitOutcome {
        if !self.preferences().offline_on_quit {
            return QuitOutcome::NotNeeded;
        }
        self.offline_to_stop(limit, attempt).await
    }

    /// Before an update's installer stops the app: offline, as on quit, whatever the agent's
    /// "offline on quit" (the installer may take a while, and the app restarts on its own);
    /// recorded as a quit. From here until [`Self::install_failed`], no change the agent asks
    /// for turns a device on (the tray, the window, the shortcut): an agent who pressed Phone
    /// while the installer asked for a password would be left receiving calls by an app about
    /// to end. (The away rules have nothing to turn back on: the quit's offline forgets what
    /// was parked, and a break.)
    pub async fn offline_before_install(&self, limit: Duration, attempt: u32) -> QuitOutcome {
        self.duties_now().await.0.installing = true;
        self.offline_to_stop(limit, attempt).await
    }

    /// The installer failed or was cancelled: this version carries on, and the agent's changes
    /// are taken again.
    pub async fn install_failed(&self) {
        self.duties_now().await.0.installing = false;
    }

    async fn offline_to_stop(&self, limit: Duration, attempt: u32) -> QuitOutcome {
        let quit = async {
            let (mut duties, _) = self.duties_now().await;
            duties.on_break = None;
            // The quit's own offline replaces an away-offline still owed.
            let _ = self.forget_parked(&mut duties).await;
            if !self.status().signed_in {
                return None;
            }
            Some(self.controller.retry(Target::Offline, Source::Quit, attempt.max(1)).await)
        };
        let started = crate::status::now_ms();
        let result = tokio::time::timeout(limit, quit).await;
        // A change that failed, followed by a read that found the agent offline (a request
        // that timed out after Exotel carried it out), is an offline all the same.
        let found_offline = self.status().confirmed_offline_since(started);
        match result {
            Ok(None) => QuitOutcome::NotNeeded,
            Ok(Some(Ok(s))) if s.availability == Availability::Offline => QuitOutcome::Offline,
            Ok(Some(Err(_))) if found_offline => QuitOutcome::Offline,
            Ok(Some(Ok(s))) => QuitOutcome::Failed(
                Part::new("quit-exotel-reports")
                    .words("status", format!("status-{}", s.availability.as_str()))
                    .into(),
            ),
            Ok(Some(Err(e))) => QuitOutcome::Failed(e.detail()),
            Err(_) => {
                QuitOutcome::Failed(Part::new("quit-not-confirmed").number("seconds", limit.as_secs()).into())
            }
        }
    }

    /// At start: the quit before this one, if its offline failed and the agent was not told
    /// yet (a session's end or a shutdown, where nobody could be asked): the newest line of
    /// the history is that failed quit. Told once: it is marked in the settings file.
    pub fn untold_quit_failure(&self, history: &crate::History) -> Option<crate::Change> {
        let last = history.read().ok()?.pop()?;
        // A failure whose read found the agent offline after all is nothing to tell.
        if last.source != Source::Quit
            || last.outcome != crate::Outcome::Failed
            || last.to == Availability::Offline
        {
            return None;
        }
        let settings = self.accounts.settings();
        if settings.read_quietly()?.quit_failure_told == Some(last.at) {
            return None;
        }
        if let Err(e) = settings.update_if_readable(|s| s.quit_failure_told = Some(last.at)) {
            tracing::warn!("could not keep that the failed quit was told: {e}");
        }
        Some(last)
    }

    /// The screen locked or unlocked, the computer is going to sleep or woke up, the agent went
    /// idle or is back: what the rules call for ([`crate::away`]), carried out. On waking, an
    /// away-offline still owed is sent first; then a break that ended during the sleep is
    /// ended too, and the status read. An away-offline that fails is owed, and tried again by
    /// a task of its own until it holds ([`super::away_offline`]).
    pub async fn away(self: &Arc<Self>, event: AwayEvent) -> Option<Result<Status>> {
        let (mut duties, followed) = self.duties_now().await;
        if let Err(e) = followed {
            tracing::info!(kind = %e.kind(), "could not follow the settings: {e}");
        }
        let going = matches!(event, AwayEvent::Locked | AwayEvent::Sleeping | AwayEvent::Idle);
        if !going && let Ok(loaded) = self.accounts.settings().load() {
            duties.rules.agent_changed(loaded.settings.agent_changed_at);
        }
        // What is on now, not what was last seen: going away parks only a device that is
        // really on, and a return restores only if nothing changed meanwhile (a supervisor's
        // switch is found by this read and recorded, which R3 then sees).
        if self.status().signed_in
            && let Err(e) = self.controller.refresh(Source::Sync).await
        {
            tracing::info!(kind = %e.kind(), "could not read the status first: {e}");
        }
        // Waking: what a failed offline before the suspend still owes comes first (R1), then
        // the rest of the rules (which restore only what it turned off, R3).
        let mut owed = None;
        if event == AwayEvent::Woke
            && let Some(duty) = duties.rules.duty()
        {
            owed = Some(self.take_offline(&mut duties, duty.source).await);
        }
        let before = self.status();
        let decision = duties.rules.on_event(event, &self.preferences(), &before);
        let mut attempted = owed.is_some();
        let result = match decision {
            Some((Target::Offline, source)) => {
                attempted = true;
                Some(self.take_offline(&mut duties, source).await)
            }
            Some((target, source)) => Some(self.controller.change(target, source).await),
            None => owed,
        };
        if event == AwayEvent::Woke {
            // After the rules saw the wake (so a break restores only if nothing else keeps
            // the agent away).
            self.sync_now.notify_one();
            let _ = self.check_break_locked(&mut duties).await;
        }
        let _ = self.controller.set_parked(duties.rules.parked().map(|p| p.device)).await;
        // An attempt made here schedules the next anew; none (a return, a duplicate) leaves the
        // one scheduled as it is.
        let attempted = attempted.then(|| result.as_ref().and_then(|r| r.as_ref().err()));
        self.follow_duty(&mut duties, attempted).await;
        result.map(|r| r.map(|_| self.status()))
    }

    /// Goes offline for `length`, then turns the device that was on back on. Kept in the
    /// settings file, so a restart in the middle continues it.
    pub async fn start_break(self: &Arc<Self>, length: Duration) -> Result<Status> {
        if length.is_zero() || length > MAX_BREAK {
            return Err(CoreError::BadRequest(
                crate::detail::Part::new("error-break-length").number("hours", MAX_BREAK.as_secs() / 3600),
            ));
        }
        let (mut duties, followed) = self.duties_now().await;
        followed?;
        // Only a device on now comes back at the end: starting a break is the agent's own
        // choice, so anything parked before is forgotten (R4).
        let restore = match self.status().availability {
            Availability::Receiving(d) => Some(d),
            _ => None,
        };
        self.agent_takes_over(&mut duties).await?;
        self.controller.change(Target::Offline, Source::Timer).await?;
        let ends_at =
            self.clock.now_ms().saturating_add(u64::try_from(length.as_millis()).unwrap_or(u64::MAX));
        let state = BreakState { ends_at, restore };
        self.store(|s| s.on_break = Some(state)).await?;
        duties.on_break = Some(state);
        self.watch_break(ends_at);
        self.controller.set_break(Some(ends_at)).await
    }

    /// Ends the break now and turns the device that was on back on (or, while the agent is
    /// away, when they return).
    pub async fn end_break(&self) -> Result<Status> {
        let mut duties = self.duties.lock().await;
        self.same_session(&mut duties);
        self.break_from_file(&mut duties).await?;
        let Some(state) = duties.on_break else {
            return Ok(self.status());
        };
        self.finish_break(&mut duties, state).await
    }

    /// Ends the break if its wall-clock end has passed: the timer calls it, and so does waking
    /// up (the timer's monotonic sleep stops during a suspend).
    pub async fn check_break(&self) {
        let mut duties = self.duties.lock().await;
        let _ = self.check_break_locked(&mut duties).await;
    }

    /// Follows the settings file's break (`exotel-agent` may have cancelled it), then ends it
    /// if it is over. `Err` only when the file's break could not be followed.
    async fn check_break_locked(&self, duties: &mut Duties) -> Result<()> {
        self.same_session(duties);
        self.break_from_file(duties).await?;
        let Some(state) = duties.on_break.filter(|b| b.ends_at <= self.clock.now_ms()) else { return Ok(()) };
        if let Err(e) = self.finish_break(duties, state).await {
            tracing::warn!(
                kind = %e.kind(),
                "the break ended but the device could not be turned back on: {e}"
            );
        }
        Ok(())
    }

    /// The agent's own change (R4): a break in progress is cancelled and what was parked
    /// forgotten, here and, through the settings file, in any other program that shares it
    /// (the app follows what `exotel-agent` did at its next look).
    pub(super) async fn agent_takes_over(&self, duties: &mut Duties) -> Result<()> {
        let now = crate::status::now_ms();
        duties.on_break = None;
        self.store(|s| {
            s.on_break = None;
            s.agent_changed_at = Some(now);
        })
        .await?;
        if self.status().break_until.is_some() {
            self.controller.set_break(None).await?;
        }
        self.forget_parked(duties).await
    }

    /// R4: nothing parked comes back after the agent's own change, and an away-offline still
    /// owed is not sent any more.
    pub(super) async fn forget_parked(&self, duties: &mut Duties) -> Result<()> {
        let owed = duties.rules.duty().is_some();
        if duties.rules.parked().is_some() || owed {
            duties.rules.forget();
            self.controller.set_parked(None).await?;
        }
        if owed || self.status().going_offline.is_some() {
            self.controller.set_going_offline(None).await?;
        }
        Ok(())
    }

    /// The break is over: its device back on, if the agent is still offline (a change made
    /// elsewhere during the break stands); while the agent is away (R2), it waits for their
    /// return instead, and the status says so.
    async fn finish_break(&self, duties: &mut Duties, state: BreakState) -> Result<Status> {
        // The file first: if it cannot be written, the break stays (and is tried again at the
        // next look) rather than half ended.
        self.store(|s| s.on_break = None).await?;
        duties.on_break = None;
        // What is on now: a device someone turned on during the break (a supervisor, another
        // computer) is not overridden by the break's own.
        if state.restore.is_some()
            && let Err(e) = self.controller.refresh(Source::Sync).await
        {
            tracing::info!(kind = %e.kind(), "could not read the status at the break's end: {e}");
        }
        let status = self.controller.set_break(None).await?;
        match state.restore {
            Some(device) if status.availability == Availability::Offline => {
                if duties.rules.away() {
                    tracing::info!("the break ended while the agent is away; restoring on return");
                    if self.preferences().restore_on_return {
                        duties.rules.park_for_return(device, &status);
                        return self.controller.set_parked(Some(device)).await;
                    }
                    return Ok(status);
                }
                self.controller.change(Target::Receiving(device), Source::Timer).await
            }
            _ => Ok(status),
        }
    }

    async fn resume_break(self: &Arc<Self>) {
        let mut duties = self.duties.lock().await;
        let Some(state) = duties.on_break else { return };
        if state.ends_at > self.clock.now_ms() {
            tracing::info!("continuing the break started before the restart");
            self.watch_break(state.ends_at);
            let _ = self.controller.set_break(Some(state.ends_at)).await;
        } else if let Err(e) = self.finish_break(&mut duties, state).await {
            tracing::warn!(
                kind = %e.kind(),
                "could not end the break that ended while the app was closed: {e}"
            );
        }
    }

    /// Follows a break cancelled (or started) in the settings file by `exotel-agent`.
    pub(super) async fn follow_stored_break(&self) -> Result<()> {
        // Read under the duties lock: a break being started or ended here is then either
        // wholly before or wholly after this look at the file. A break found over (its timer
        // lost, say, when the file could not be written at its end) is ended now.
        let mut duties = self.duties.lock().await;
        self.check_break_locked(&mut duties).await
    }

    /// Changes the settings file for the saved account's break and changes; the sandbox is a
    /// session of its own and leaves the file alone (its break lives in memory only). A file
    /// damaged since the last look is set aside and the app's own settings written back first
    /// (never the defaults with this one edit, which would lose the account).
    async fn store(&self, edit: impl FnOnce(&mut crate::settings::Settings)) -> Result<()> {
        if self.in_sandbox().await {
            return Ok(());
        }
        let settings = self.accounts.settings();
        if settings.read_quietly().is_none() {
            // Damaged since the last look: followed first, which sets it aside and writes the
            // app's own settings back (every edit here sets the break itself).
            self.follow_settings(None).await?;
        }
        settings.update_if_readable(edit)?;
        Ok(())
    }

    /// The break as the settings file has it now (`exotel-agent` may have cancelled it).
    async fn break_from_file(&self, duties: &mut Duties) -> Result<()> {
        // The file's break is the saved account's; the sandbox's lives in memory only.
        if self.in_sandbox().await {
            return Ok(());
        }
        // Read without setting a damaged file aside: that is for following the settings,
        // which writes the app's own back ([`Self::follow_settings`]); a damaged file here
        // changes nothing, rather than reading as "no break" and dropping this one.
        let Some(stored) = self.accounts.settings().read_quietly().map(|s| s.on_break) else {
            return Ok(());
        };
        if duties.on_break != stored {
            tracing::info!(on_break = stored.is_some(), "the stored break changed elsewhere; following it");
            duties.on_break = stored;
            self.controller.set_break(stored.map(|b| b.ends_at)).await?;
        }
        Ok(())
    }

    /// Sleeps until the break's wall-clock end, waking every [`BREAK_CHECK`] to look at the
    /// clock again; then ends it, if it is still the break in progress.
    fn watch_break(self: &Arc<Self>, ends_at: u64) {
        let me = Arc::clone(self);
        spawn_supervised("break timer", move || {
            let agent = Arc::clone(&me);
            async move { agent.wait_for_break_end(ends_at).await }
        });
    }

    async fn wait_for_break_end(&self, ends_at: u64) {
        loop {
            let left = Duration::from_millis(ends_at.saturating_sub(self.clock.now_ms()));
            if left.is_zero() {
                break;
            }
            tokio::time::sleep(left.min(BREAK_CHECK)).await;
            let current = self.duties.lock().await.on_break;
            if current.map(|b| b.ends_at) != Some(ends_at) {
                return; // ended early, cancelled or replaced
            }
        }
        self.check_break().await;
    }

    /// Reads the status every sync interval (backing off after failures), and at once when
    /// woken by [`Self::sync_soon`].
    fn spawn_sync(self: &Arc<Self>) {
        let me = Arc::clone(self);
        spawn_supervised("sync loop", move || {
            let agent = Arc::clone(&me);
            async move { agent.sync_loop().await }
        });
    }

    async fn sync_loop(&self) {
        let rules = SyncRules::SHARED;
        run_sync_loop(
            |interval, rules| self.sync(interval, rules),
            || self.sync_interval(),
            rules,
            &self.sync_now,
        )
        .await;
    }

    /// Asks the sync loop to read the status now (the window opened, the computer woke).
    pub fn sync_soon(&self) {
        self.sync_now.notify_one();
    }
}
