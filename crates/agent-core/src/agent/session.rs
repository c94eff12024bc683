//! The agent's sign-in session: which account the controller is signed in with (saved, in
//! memory, the sandbox, or none), signing in and out, and following the settings file that
//! `exotel-agent` shares (an account signed in or out there is followed here). Each new session
//! is counted ([`Agent::sessions`]), so what belonged to the last one is dropped.

use std::sync::Arc;

use exotel_api::Session;

use super::Agent;
use crate::account::SignInInput;
use crate::error::{CoreError, Result};
use crate::settings::{Account, BreakState, Settings};
use crate::status::{Source, Status};

/// Which account the controller is signed in with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SignedIn {
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

impl Agent {
    /// A new session (signed in, out, to another account or the sandbox): what belonged to
    /// the one before (its break, what it parked) is dropped at the next look ([`Duties`]).
    async fn new_session<T>(&self, switching: impl Future<Output = Result<T>>) -> Result<T> {
        self.sessions.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        switching.await
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
        self.accounts.sign_in_defaults().under(&self.policies)
    }

    /// Validates with Exotel, stores (keyring and settings) and signs the controller in.
    pub async fn sign_in(&self, input: SignInInput) -> Result<Status> {
        self.policies.check_sign_in(&input.host, &input.app_id, &input.user_id)?;
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

    /// *Try the sandbox*: like [`Self::sign_in_in_memory`], in a session of its own: every
    /// status says it is the sandbox ([`Status::sandbox`]), nothing is kept in the history,
    /// and *Leave the sandbox* ([`Self::sign_out`]) or a sign-in elsewhere brings the app
    /// back to the saved account.
    pub async fn sign_in_sandbox(&self, input: SignInInput) -> Result<Status> {
        self.policies.check_sandbox()?;
        self.enter_in_memory(input, true).await
    }

    async fn enter_in_memory(&self, input: SignInInput, sandbox: bool) -> Result<Status> {
        let mut signed_in = self.signed_in.lock().await;
        let (session, _) = self.accounts.validate(input).await?;
        *signed_in = SignedIn::InMemory { saved: self.accounts.account().ok().flatten(), sandbox };
        if sandbox {
            self.new_session(self.controller.set_sandbox_session(session)).await?;
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
        self.new_session(self.controller.set_session(None, removed.as_ref().err().map(CoreError::info)))
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

    /// Follows the settings file: an account signed in or out with `exotel-agent`, changed
    /// preferences. A file damaged meanwhile is set aside by the load and the app's own settings
    /// are written back: the account, the preferences, the quiet hour and `on_break` (the break
    /// in progress, which the caller knows).
    pub(super) async fn follow_settings(&self, on_break: Option<BreakState>) -> Result<()> {
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
        self.follow_preferences(&loaded.settings);
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
                self.new_session(self.controller.set_session(None, None)).await?;
            }
            Some(_) => match self.accounts.open_session() {
                Ok(session) => {
                    *signed_in = wanted;
                    self.new_session(self.controller.set_session(Some(session), None)).await?;
                }
                Err(e) => {
                    *signed_in = SignedIn::Out;
                    self.new_session(self.controller.set_session(None, Some(e.info()))).await?;
                    return Err(e);
                }
            },
        }
        Ok(())
    }

    /// Preferences changed in the file (`exotel-agent settings --set`) are followed, under the
    /// organisation's policies as always.
    fn follow_preferences(&self, settings: &Settings) {
        let now = self.policies.effective(&settings.preferences, &settings.chosen_preferences()).preferences;
        let mut current = self.preferences.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *current != now {
            tracing::info!("the preferences changed in the settings file; following them");
            *current = now;
        }
    }

    async fn use_session(&self, session: Arc<Session>) -> Result<Status> {
        self.new_session(self.controller.set_session(Some(session), None)).await?;
        self.controller.refresh(Source::SignIn).await
    }
}
