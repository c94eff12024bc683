//! The app's use of the core, in one place: the controller plus the account it is signed in
//! with, kept in step with the settings file that `exotel-agent` shares. The desktop shell's
//! commands are one-line calls into this.

use std::sync::Arc;

use exotel_api::Session;
use tokio::sync::Mutex;

use crate::account::{Accounts, SignInInput};
use crate::away::AwayRules;
use crate::clock::{Clock, SystemClock};
use crate::controller::{Controller, ControllerConfig};
use crate::error::{CoreError, Result};
use crate::settings::{Account, BreakState, Preferences, Settings};
use crate::status::{Source, Status, Target};
use crate::sync::{SyncRules, Synced};

/// Which account the controller is signed in with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SignedIn {
    Out,
    /// The account in the settings file (shared with the command line).
    Saved(Account),
    /// An account kept in memory only (the built-in sandbox, or a test's): never in the
    /// keyring or the settings; a sandbox's changes are not kept in the history either.
    /// `saved` is the saved account when it was entered: a sign-in or sign-out made since (with
    /// `exotel-agent`) brings the app back to that account.
    InMemory {
        saved: Option<Account>,
        sandbox: bool,
    },
}

#[derive(Debug)]
pub struct Agent {
    pub(crate) accounts: Accounts,
    pub(crate) controller: Controller,
    signed_in: Mutex<SignedIn>,
    /// The preferences as last loaded or saved (the settings file is their home).
    pub(crate) preferences: std::sync::Mutex<Preferences>,
    /// "Quiet for 1 hour" is on until then: read at start, kept here and in the settings file
    /// (so a restart keeps it); the one place the app asks.
    quiet_until: std::sync::Mutex<Option<crate::status::UnixMillis>>,
    /// The away rules and the break, under one lock: every source (tray, window, shortcut,
    /// command line, timers, OS events) meets them one at a time ([`crate::away`]).
    pub(crate) duties: Mutex<Duties>,
    /// Wakes the sync loop early (after sleep, when the window opens).
    pub(crate) sync_now: tokio::sync::Notify,
    /// Sends an away-offline still owed now (the network came back).
    pub(crate) duty_now: tokio::sync::Notify,
    /// The waits between attempts of an away-offline owed.
    pub(crate) offline_retry: crate::backoff::Backoff,
    /// The admin's shortest sync interval for this computer, read at start.
    sync_floor: Option<std::time::Duration>,
    /// The wall clock, for breaks (a parameter, so tests can move it).
    pub(crate) clock: Arc<dyn Clock>,
    /// Counts the sessions the controller was given: a break or a parked device belongs to
    /// the session it was made in, and is dropped, never acted on, in another one.
    world: std::sync::atomic::AtomicU64,
}

/// What the app itself keeps track of for the agent.
#[derive(Debug, Default)]
pub(crate) struct Duties {
    pub rules: AwayRules,
    /// The break in progress; its home is here, and the settings file keeps a copy so that a
    /// restart continues it.
    pub on_break: Option<BreakState>,
    /// The session (account or sandbox) the break and what is parked belong to.
    pub world: u64,
    /// The away-offline owed ([`crate::away::OfflineDuty`]) whose retry task runs, by id.
    pub retrying: u64,
    /// When that task sends its next attempt.
    pub retry_at: Option<tokio::time::Instant>,
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
        Self {
            accounts,
            controller: Controller::spawn(None, config),
            signed_in: Mutex::new(SignedIn::Out),
            preferences: std::sync::Mutex::new(settings.preferences),
            quiet_until: std::sync::Mutex::new(settings.quiet_until),
            duties: Mutex::new(Duties { on_break: settings.on_break, ..Duties::default() }),
            sync_now: tokio::sync::Notify::new(),
            duty_now: tokio::sync::Notify::new(),
            offline_retry,
            sync_floor: crate::presets::SyncPresets::load().interval(),
            clock,
            world: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// A new session (signed in, out, to another account or the sandbox): what belonged to
    /// the one before (its break, what it parked) is dropped at the next look ([`Duties`]).
    async fn enter_world<T>(&self, switching: impl Future<Output = Result<T>>) -> Result<T> {
        self.world.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        switching.await
    }

    /// The duties, for the account the settings file names now (one signed in or out with
    /// `exotel-agent` since the last look, say) and with nothing left from another session;
    /// with whether following the settings failed (each caller decides what that means).
    /// Taken first, before the settings are followed: an away event arriving meanwhile waits.
    pub(crate) async fn duties_now(&self) -> (tokio::sync::MutexGuard<'_, Duties>, Result<()>) {
        let mut duties = self.duties.lock().await;
        let followed = self.follow_settings(self.break_of_this_world(&duties)).await;
        self.same_world(&mut duties);
        (duties, followed)
    }

    /// Drops a break and a parked device made in an earlier session. Every use of the duties
    /// starts here.
    pub(crate) fn same_world(&self, duties: &mut Duties) {
        let now = self.world.load(std::sync::atomic::Ordering::SeqCst);
        if duties.world != now {
            if duties.on_break.is_some() || duties.rules.parked().is_some() {
                tracing::info!("the session changed: its break and what it parked are dropped");
            }
            duties.on_break = None;
            duties.rules.forget();
            duties.world = now;
        }
    }

    pub fn preferences(&self) -> Preferences {
        self.preferences.lock().map(|p| p.clone()).unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Saves new preferences (the sync interval is raised to its minimum if need be). A settings
    /// file damaged since start is left as it is, with an error: its account is never replaced
    /// by the defaults (the next look at the settings, at a sync, refresh or change, sets it
    /// aside and writes the app's own back).
    pub fn set_preferences(&self, mut prefs: Preferences) -> Result<Preferences> {
        prefs.sync_interval_secs = prefs.sync_interval().as_secs();
        let saved = prefs.clone();
        self.accounts.settings().update_if_readable(|s| s.preferences = saved)?;
        match self.preferences.lock() {
            Ok(mut p) => *p = prefs.clone(),
            Err(poisoned) => *poisoned.into_inner() = prefs.clone(),
        }
        self.sync_now.notify_one();
        Ok(prefs)
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

    /// The saved account the app is signed in with (none when signed out or in memory).
    pub async fn account(&self) -> Option<Account> {
        match &*self.signed_in.lock().await {
            SignedIn::Saved(a) => Some(a.clone()),
            _ => None,
        }
    }

    /// What the sign-in form starts with (the saved account, else the admin's presets).
    pub fn sign_in_defaults(&self) -> crate::SignInDefaults {
        self.accounts.sign_in_defaults()
    }

    /// Validates with Exotel, stores (keyring and settings) and signs the controller in.
    pub async fn sign_in(&self, input: SignInInput) -> Result<Status> {
        let mut signed_in = self.signed_in.lock().await;
        let (session, _) = self.accounts.sign_in(input).await?;
        *signed_in = match self.accounts.account()? {
            Some(a) => SignedIn::Saved(a),
            None => SignedIn::InMemory { saved: None, sandbox: false },
        };
        self.use_session(session).await
    }

    /// Validates with Exotel and signs the controller in, keeping nothing on disk or in the
    /// keyring; its changes are kept in the history like any account's.
    pub async fn sign_in_in_memory(&self, input: SignInInput) -> Result<Status> {
        self.enter_in_memory(input, false).await
    }

    /// *Try the sandbox*: like [`Self::sign_in_in_memory`], in a world of its own: every
    /// status says it is the sandbox ([`Status::sandbox`]), nothing is kept in the history,
    /// and *Leave the sandbox* ([`Self::sign_out`]) or a sign-in elsewhere brings the app
    /// back to the saved account.
    pub async fn sign_in_sandbox(&self, input: SignInInput) -> Result<Status> {
        self.enter_in_memory(input, true).await
    }

    async fn enter_in_memory(&self, input: SignInInput, sandbox: bool) -> Result<Status> {
        let mut signed_in = self.signed_in.lock().await;
        let (session, _) = self.accounts.validate(input).await?;
        *signed_in = SignedIn::InMemory { saved: self.accounts.account().ok().flatten(), sandbox };
        if sandbox {
            self.enter_world(self.controller.set_sandbox_session(session)).await?;
            self.controller.refresh(Source::SignIn).await
        } else {
            self.use_session(session).await
        }
    }

    /// Whether the app is in the built-in sandbox rather than an Exotel account.
    pub async fn in_sandbox(&self) -> bool {
        matches!(*self.signed_in.lock().await, SignedIn::InMemory { sandbox: true, .. })
    }

    /// Signs out: a saved account is removed from the keyring and settings (so the command
    /// line is signed out too). From the sandbox it is *Leave the sandbox*: the saved account,
    /// if there is one, is untouched and signed in again (its session opened anew, e.g. now
    /// that the keyring is unlocked); else the app is signed out.
    pub async fn sign_out(&self) -> Result<Status> {
        let mut signed_in = self.signed_in.lock().await;
        let was = std::mem::replace(&mut *signed_in, SignedIn::Out);
        let removed = match &was {
            SignedIn::Saved(_) => self.accounts.sign_out(),
            _ => Ok(()),
        };
        self.enter_world(self.controller.set_session(None, removed.as_ref().err().map(CoreError::info)))
            .await?;
        removed?;
        drop(signed_in);
        if matches!(was, SignedIn::InMemory { .. }) {
            tracing::info!("left the sandbox");
            // Back to the saved account, if any; a session that cannot be opened is said in
            // the published status, and the app is signed out.
            if self.follow_settings(None).await.is_ok() && self.status().signed_in {
                return self.controller.refresh(Source::SignIn).await;
            }
        }
        Ok(self.status())
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
    async fn change_to(&self, decide: impl FnOnce(&Status) -> Target, source: Source) -> Result<Status> {
        // The duties first: an away event that arrives meanwhile then waits for this change
        // and follows it with offline (R1), rather than being overtaken by it.
        let (mut duties, followed) = self.duties_now().await;
        followed?;
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
        self.break_of_this_world(&*self.duties.lock().await)
    }

    /// `duties`' break, unless it belongs to an earlier session (dropped at the next look).
    fn break_of_this_world(&self, duties: &Duties) -> Option<BreakState> {
        let now = self.world.load(std::sync::atomic::Ordering::SeqCst);
        duties.on_break.filter(|_| duties.world == now)
    }

    /// Follows the settings file: an account signed in or out with `exotel-agent`, changed
    /// preferences. A file damaged meanwhile is set aside by the load and the app's own settings
    /// are written back: the account, the preferences, the quiet hour and `on_break` (the break
    /// in progress, which the caller knows).
    pub(crate) async fn follow_settings(&self, on_break: Option<BreakState>) -> Result<()> {
        let mut signed_in = self.signed_in.lock().await;
        let loaded = match self.accounts.settings().load() {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!("could not read the settings: {e}");
                return Ok(());
            }
        };
        // A file damaged while the app runs (set aside by the load) is not a sign-out: the
        // app's own account and preferences are written back, and the agent stays signed in.
        if let (Some(warning), SignedIn::Saved(account)) = (&loaded.warning, &*signed_in) {
            let restored = Settings {
                account: Some(account.clone()),
                preferences: self.preferences(),
                on_break,
                quiet_until: self.quiet_until(),
                ..loaded.settings
            };
            match self.accounts.settings().save(&restored) {
                Ok(()) => tracing::warn!("{warning}; the app's own settings were written back"),
                Err(e) => tracing::warn!("{warning}; writing the app's own back failed too: {e}"),
            }
            return Ok(());
        }
        let saved = loaded.settings.account;
        if let SignedIn::InMemory { saved: at_entry, .. } = &*signed_in {
            if *at_entry == saved {
                return Ok(());
            }
            tracing::info!("signed in or out elsewhere; leaving the sandbox");
        }
        let wanted = saved.clone().map_or(SignedIn::Out, SignedIn::Saved);
        if wanted == *signed_in {
            return Ok(());
        }
        tracing::info!(signed_in = saved.is_some(), "the saved account changed; following it");
        match saved {
            None => {
                *signed_in = SignedIn::Out;
                self.enter_world(self.controller.set_session(None, None)).await?;
            }
            Some(_) => match self.accounts.open_session() {
                Ok(session) => {
                    *signed_in = wanted;
                    self.enter_world(self.controller.set_session(Some(session), None)).await?;
                }
                Err(e) => {
                    *signed_in = SignedIn::Out;
                    self.enter_world(self.controller.set_session(None, Some(e.info()))).await?;
                    return Err(e);
                }
            },
        }
        Ok(())
    }

    async fn use_session(&self, session: Arc<Session>) -> Result<Status> {
        self.enter_world(self.controller.set_session(Some(session), None)).await?;
        self.controller.refresh(Source::SignIn).await
    }
}
