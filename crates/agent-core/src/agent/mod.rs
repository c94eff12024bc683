//! The app's use of the core, in one place: the controller plus the account it is signed in
//! with, kept in step with the settings file that `exotel-agent` shares. The desktop shell's
//! commands are one-line calls into this. One file a part:
//! - here: the [`Agent`], its preferences and the changes the agent asks for;
//! - [`session`]: signing in and out, and following the settings file;
//! - [`duties`]: what the app does on its own (quit, lock, sleep, idle, breaks, syncs);
//! - [`away_offline`]: an away-offline owed through an outage, tried until it holds;
//! - [`os_handler`]: what the agent does with what the OS says.

mod away_offline;
mod duties;
mod os_handler;
mod session;

pub use duties::{BREAK_CHECK, MAX_BREAK, QuitOutcome};
pub use os_handler::AgentHandler;
use session::SignedIn;

use std::sync::Arc;

use tokio::sync::Mutex;

use crate::account::Accounts;
use crate::away::AwayRules;
use crate::clock::{Clock, SystemClock};
use crate::controller::{Controller, ControllerConfig};
use crate::error::Result;
use crate::settings::{BreakState, Preferences};
use crate::status::{Source, Status, Target};
use crate::sync::{SyncRules, Synced};

#[derive(Debug)]
pub struct Agent {
    accounts: Accounts,
    controller: Controller,
    signed_in: Mutex<SignedIn>,
    /// The preferences as last loaded or saved (the settings file is their home).
    preferences: std::sync::Mutex<Preferences>,
    /// "Quiet for 1 hour" is on until then: read at start, kept here and in the settings file
    /// (so a restart keeps it); the one place the app asks.
    quiet_until: std::sync::Mutex<Option<crate::status::UnixMillis>>,
    /// The away rules and the break, under one lock: every source (tray, window, shortcut,
    /// command line, timers, OS events) meets them one at a time ([`crate::away`]).
    duties: Mutex<Duties>,
    /// Wakes the sync loop early (after sleep, when the window opens).
    sync_now: tokio::sync::Notify,
    /// Sends an away-offline still owed now (the network came back).
    duty_now: tokio::sync::Notify,
    /// The waits between attempts of an away-offline owed.
    offline_retry: crate::backoff::Backoff,
    /// The admin's shortest sync interval for this computer, read at start.
    sync_floor: Option<std::time::Duration>,
    /// The organisation's policies, read at start ([`crate::policy`]).
    policies: crate::policy::Policies,
    /// The wall clock, for breaks (a parameter, so tests can move it).
    clock: Arc<dyn Clock>,
    /// Counts the sign-in sessions the controller was given (signed in, out, to another
    /// account or the sandbox): a break or a parked device belongs to the session it was made
    /// in, and is dropped, never acted on, in another one.
    sessions: std::sync::atomic::AtomicU64,
}

/// What the app itself keeps track of for the agent.
#[derive(Debug, Default)]
struct Duties {
    pub rules: AwayRules,
    /// The break in progress; its home is here, and the settings file keeps a copy so that a
    /// restart continues it.
    pub on_break: Option<BreakState>,
    /// The number of the session ([`Agent::sessions`]) the break and what is parked belong to.
    pub session: u64,
    /// The away-offline owed ([`crate::away::OfflineDuty`]) whose retry task runs, by id.
    pub retrying: u64,
    /// When that task sends its next attempt.
    pub retry_at: Option<tokio::time::Instant>,
    /// An update's installer is about to run, or runs: from the offline before it
    /// ([`Agent::offline_before_install`]) until it fails ([`Agent::install_failed`]), nothing
    /// turns a device on (the app ends or restarts once it succeeds).
    pub installing: bool,
}

impl Agent {
    /// Starts the controller (on the current tokio runtime), signed out. The first
    /// [`Self::refresh`] signs it in with the saved account, if there is one, and reads the
    /// status. A saved account that cannot be opened (keyring locked, secret gone) leaves the
    /// app signed out with that error published; it is tried again at the next refresh.
    pub fn new(accounts: Accounts, config: ControllerConfig) -> Self {
        Self::with_clock(accounts, config, Arc::new(SystemClock))
    }

    /// [`Self::new`] with another wall clock (tests move it to end breaks at once).
    pub fn with_clock(accounts: Accounts, config: ControllerConfig, clock: Arc<dyn Clock>) -> Self {
        let settings = accounts.settings().load().map(|l| l.settings).unwrap_or_default();
        let offline_retry = config.offline_retry;
        let policies = crate::policy::Policies::load();
        let preferences =
            policies.effective(&settings.preferences, &settings.chosen_preferences()).preferences;
        let sync_floor = policies.min_sync_interval().max(crate::presets::SyncPresets::load().interval());
        Self {
            accounts,
            controller: Controller::spawn(None, config),
            signed_in: Mutex::new(SignedIn::Out),
            preferences: std::sync::Mutex::new(preferences),
            quiet_until: std::sync::Mutex::new(settings.quiet_until),
            duties: Mutex::new(Duties { on_break: settings.on_break, ..Duties::default() }),
            sync_now: tokio::sync::Notify::new(),
            duty_now: tokio::sync::Notify::new(),
            offline_retry,
            sync_floor,
            policies,
            clock,
            sessions: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The duties, for the account the settings file names now (one signed in or out with
    /// `exotel-agent` since the last look, say) and with nothing left from another session;
    /// with whether following the settings failed (each caller decides what that means).
    /// Taken first, before the settings are followed: an away event arriving meanwhile waits.
    async fn duties_now(&self) -> (tokio::sync::MutexGuard<'_, Duties>, Result<()>) {
        let mut duties = self.duties.lock().await;
        let followed = self.follow_settings(self.break_of_this_session(&duties)).await;
        self.same_session(&mut duties);
        (duties, followed)
    }

    /// Drops a break and a parked device made in an earlier session. Every use of the duties
    /// starts here.
    fn same_session(&self, duties: &mut Duties) {
        let now = self.sessions.load(std::sync::atomic::Ordering::SeqCst);
        if duties.session != now {
            if duties.on_break.is_some() || duties.rules.parked().is_some() {
                tracing::info!("the session changed: its break and what it parked are dropped");
            }
            duties.on_break = None;
            duties.rules.forget();
            duties.session = now;
        }
    }

    /// The preferences in force: the organisation's enforced values over the agent's own
    /// choices over its defaults ([`crate::policy`]).
    pub fn preferences(&self) -> Preferences {
        self.preferences.lock().map(|p| p.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The organisation's policies, as read at start.
    pub fn policies(&self) -> &crate::policy::Policies {
        &self.policies
    }

    /// These policies instead of this computer's (tests; a tool that reads them elsewhere).
    #[must_use]
    pub fn with_policies(mut self, policies: crate::policy::Policies) -> Self {
        let settings = self.accounts.settings().read_quietly().unwrap_or_default();
        let preferences =
            policies.effective(&settings.preferences, &settings.chosen_preferences()).preferences;
        self.sync_floor = self.sync_floor.max(policies.min_sync_interval());
        self.policies = policies;
        *self.preferences.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner) = preferences;
        self
    }

    /// Saves new preferences (the sync interval is raised to its minimum if need be); each
    /// that differs from the one in force becomes the agent's own choice. One the organisation
    /// enforces cannot change: the whole save is refused, naming it. A settings file damaged
    /// since start is left as it is, with an error: its account is never replaced by the
    /// defaults (the next look at the settings, at a sync, refresh or change, sets it aside and
    /// writes the app's own back). Returns the preferences now in force.
    pub fn set_preferences(&self, mut prefs: Preferences) -> Result<Preferences> {
        prefs.sync_interval_secs = prefs.sync_interval().as_secs();
        let changed = changed_keys(&self.preferences(), &prefs);
        self.policies.check_changes(&changed)?;
        let saved = prefs.clone();
        let kept = self.accounts.settings().update_if_readable(|s| {
            let mut chosen = s.chosen_preferences();
            chosen.extend(changed);
            s.chosen = Some(chosen);
            s.preferences = saved;
        })?;
        let now = self.policies.effective(&prefs, &kept.chosen_preferences()).preferences;
        match self.preferences.lock() {
            Ok(mut p) => *p = now.clone(),
            Err(poisoned) => *poisoned.into_inner() = now.clone(),
        }
        self.sync_now.notify_one();
        Ok(now)
    }

    /// The catalog of the language the agent chose ([`crate::words`]).
    pub fn words(&self) -> &'static crate::words::Words {
        crate::words::Words::chosen(self.preferences().language)
    }

    /// Until when notifications of changes are quiet, if they are now.
    pub fn quiet_until(&self) -> Option<crate::status::UnixMillis> {
        let until = *self.quiet_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        until.filter(|until| *until > self.clock.now_ms())
    }

    /// Quiets the notifications of changes until `until` (`None`: no longer). It holds from now
    /// on even when the settings file cannot keep it (the error says so; a restart then
    /// forgets it).
    pub fn set_quiet_until(&self, until: Option<crate::status::UnixMillis>) -> Result<()> {
        *self.quiet_until.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = until;
        self.accounts.settings().update_if_readable(|s| s.quiet_until = until).map(|_| ())
    }

    /// The size the agent last gave the window, if any.
    pub fn window_size(&self) -> Option<crate::settings::WindowSize> {
        self.accounts.settings().read_quietly()?.window_size
    }

    /// Keeps the window's size for the next time it opens.
    pub fn set_window_size(&self, size: crate::settings::WindowSize) -> Result<()> {
        self.accounts.settings().update_if_readable(|s| s.window_size = Some(size)).map(|_| ())
    }

    pub fn controller(&self) -> &Controller {
        &self.controller
    }

    pub fn status(&self) -> Status {
        self.controller.status()
    }

    /// A change asked for by the agent (or the app on their behalf). Any change other than the
    /// break timer's own cancels a break in progress.
    ///
    /// The settings file is followed first, so that a change never goes to an account that
    /// was signed out or replaced with `exotel-agent` since the last read. An explicit change
    /// (any source but the break timer) always wins (R4 in [`crate::away`]): it cancels a
    /// break in progress and forgets what was waiting for the agent's return.
    pub async fn change(&self, target: Target, source: Source) -> Result<Status> {
        self.change_to(|_| target, source).await
    }

    /// The global shortcut: offline, or back to the device used last, decided by R5
    /// ([`crate::away::toggle_target`]) from the status under the duties lock, so no away
    /// event or other change can come between what it saw and what it asks for.
    pub async fn toggle(&self) -> Result<Status> {
        self.change_to(crate::away::toggle_target, Source::Shortcut).await
    }

    /// A change to the target `decide` picks from the status, under the duties lock.
    async fn change_to(&self, decide: impl Fn(&Status) -> Target, source: Source) -> Result<Status> {
        // The duties first: an away event that arrives meanwhile then waits for this change
        // and follows it with offline (R1), rather than being overtaken by it.
        let (mut duties, followed) = self.duties_now().await;
        followed?;
        if duties.installing && decide(&self.controller.status()) != Target::Offline {
            return Err(crate::error::CoreError::BadRequest(crate::detail::Part::new(
                "error-installing-update",
            )));
        }
        if source != Source::Timer {
            self.agent_takes_over(&mut duties).await?;
        }
        let target = decide(&self.controller.status());
        self.controller.change(target, source).await
    }

    /// Follows the settings file first (a sign-in or sign-out made with `exotel-agent`, a
    /// break it cancelled), then reads the status from Exotel.
    pub async fn refresh(&self, source: Source) -> Result<Status> {
        self.follow_settings(self.current_break().await).await?;
        self.follow_stored_break().await?;
        self.controller.refresh(source).await
    }

    /// The sync loop's read ([`Controller::sync`]), after following the settings file and the
    /// stored break as [`Self::refresh`] does.
    pub async fn sync(&self, interval: std::time::Duration, rules: SyncRules) -> Result<Synced> {
        self.follow_settings(self.current_break().await).await?;
        self.follow_stored_break().await?;
        self.controller.sync(interval, rules).await
    }

    /// The time between syncs: the agent's preference, raised to the admin's preset
    /// ([`crate::presets::SyncPresets`]) if there is one.
    pub fn sync_interval(&self) -> std::time::Duration {
        let own = self.preferences().sync_interval();
        self.sync_floor.map_or(own, |floor| own.max(floor))
    }

    /// The break in progress in this session, if any (what a repaired settings file keeps).
    async fn current_break(&self) -> Option<BreakState> {
        self.break_of_this_session(&*self.duties.lock().await)
    }

    /// `duties`' break, unless it belongs to an earlier session (dropped at the next look).
    fn break_of_this_session(&self, duties: &Duties) -> Option<BreakState> {
        let now = self.sessions.load(std::sync::atomic::Ordering::SeqCst);
        duties.on_break.filter(|_| duties.session == now)
    }
}

/// The names of the preferences whose values differ between `a` and `b`.
fn changed_keys(a: &Preferences, b: &Preferences) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    b.into_iter().filter(|(k, v)| a.get(k) != Some(v)).map(|(k, _)| k).collect()
}
