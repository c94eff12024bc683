//! Signing in and out, and opening the signed-in agent's session: the settings file and the
//! keyring together. The desktop app and `exotel-agent` both go through here.

use std::sync::Arc;

use exotel_api::{ApiError, AppCredentials, Client, Host, RetryPolicy, Secret, Session, User, shared_http};

use crate::credentials::{Keyring, KeyringTokenSink};
use crate::error::{CoreError, Result};
use crate::presets::{Presets, SignInDefaults};
use crate::settings::{Account, SettingsStore};
use crate::status::Field;

/// What a person types to sign in.
#[derive(Debug, Clone)]
pub struct SignInInput {
    pub host: String,
    pub app_id: String,
    pub secret: Secret,
    pub user_id: String,
}

/// The checked form of [`SignInInput`].
struct Checked {
    host: Host,
    app_id: String,
    secret: Secret,
    user_id: String,
}

impl SignInInput {
    /// Local checks, before anything is sent: each error names its field.
    fn check(self) -> Result<Checked> {
        let host = Host::parse(&self.host)?;
        let app_id = self.app_id.trim().to_owned();
        if app_id.is_empty() {
            return Err(invalid(Field::AppId, "error-app-id-empty"));
        }
        if self.secret.expose().trim().is_empty() {
            return Err(invalid(Field::Secret, "error-secret-empty"));
        }
        let user_id = self.user_id.trim().to_owned();
        if user_id.is_empty() {
            return Err(invalid(Field::UserId, "error-user-id-empty"));
        }
        if user_id.chars().any(char::is_control) {
            return Err(invalid(Field::UserId, "error-user-id-control"));
        }
        Ok(Checked { host, app_id, secret: self.secret, user_id })
    }
}

/// What is wrong with `field`, as the catalog message `id`.
fn invalid(field: Field, id: &str) -> CoreError {
    CoreError::InvalidInput { field, detail: crate::detail::Part::new(id) }
}

/// The signed-in account, kept in the settings file (host, app id, user id) and the keyring
/// (secret, token).
#[derive(Debug, Clone)]
pub struct Accounts {
    keyring: Keyring,
    settings: SettingsStore,
    retry: RetryPolicy,
}

impl Accounts {
    pub fn new(keyring: Keyring, settings: SettingsStore) -> Self {
        Self { keyring, settings, retry: RetryPolicy::default() }
    }

    /// The OS keyring and the settings file at its usual place.
    pub fn default_location() -> Result<Self> {
        Ok(Self::new(Keyring::default(), SettingsStore::default_location()?))
    }

    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        Self { retry, ..self }
    }

    pub fn settings(&self) -> &SettingsStore {
        &self.settings
    }

    /// The account in the settings file, if any (not a proof that the keyring still holds it).
    pub fn account(&self) -> Result<Option<Account>> {
        Ok(self.settings.load()?.settings.account)
    }

    /// What the sign-in form starts with: this agent's own account if one is saved, else the
    /// admin's presets ([`crate::presets`]). A settings file that cannot be read counts as no
    /// account here (signing in says why).
    pub fn sign_in_defaults(&self) -> SignInDefaults {
        SignInDefaults::resolve(self.account().ok().flatten().as_ref(), Presets::load())
    }

    /// Validates, then stores. A token is minted and the user read; only when both succeed are
    /// the secret and token put in the keyring and the account in the settings file. On any
    /// failure nothing is kept, and the error names the input that was wrong.
    pub async fn sign_in(&self, input: SignInInput) -> Result<(Arc<Session>, User)> {
        let checked = input.check()?;
        let (session, user) = self.check_with_exotel(&checked).await?;
        let token = session.token().await?; // the one just minted, from the session's cache
        let account = Account {
            host: checked.host.as_str().to_owned(),
            app_id: checked.app_id.clone(),
            user_id: checked.user_id.clone(),
        };
        // What a failure below puts back: the account signed in before, if any.
        let previous =
            self.keyring.secret().ok().flatten().map(|s| (s, self.keyring.raw_token().ok().flatten()));
        let stored = self
            .keyring
            .store_secret(&checked.secret)
            .and_then(|()| self.keyring.store_token(&token, &account))
            .map_err(CoreError::from)
            .and_then(|()| {
                // A break (and what it would turn back on) belongs to the account before.
                self.settings
                    .update(|s| {
                        s.account = Some(account.clone());
                        s.on_break = None;
                        s.agent_changed_at = None;
                    })
                    .map(drop)
            });
        if let Err(e) = stored {
            self.put_back(previous);
            return Err(e);
        }
        tracing::info!(user_id = session.user_id(), host = %checked.host, "signed in");
        let sink = KeyringTokenSink::new(self.keyring.clone(), account, self.settings.clone());
        Ok((Arc::new(session.with_sink(sink)), user))
    }

    /// After a sign-in that could not be stored: the previous account's secret and token back
    /// in the keyring (its settings were not changed), so a failed re-sign-in loses nothing;
    /// with no previous account, nothing half-stored is left. A keyring that failed to store
    /// will likely fail here too; that only means there was nothing to undo.
    fn put_back(&self, previous: Option<(Secret, Option<Secret>)>) {
        let restored = match previous {
            Some((secret, token)) => self.keyring.store_secret(&secret).and_then(|()| match token {
                Some(raw) => self.keyring.store_raw_token(&raw),
                None => self.keyring.delete_token(),
            }),
            None => self.keyring.clear(),
        };
        if let Err(e) = restored {
            tracing::warn!("could not restore the keyring after a failed sign-in: {e}");
        }
    }

    /// Validates with Exotel like [`Self::sign_in`] but keeps nothing: the session lives in
    /// memory only (the built-in sandbox).
    pub async fn validate(&self, input: SignInInput) -> Result<(Arc<Session>, User)> {
        let checked = input.check()?;
        let (session, user) = self.check_with_exotel(&checked).await?;
        Ok((Arc::new(session), user))
    }

    /// Mints a token and reads the user; each refusal is tied to the input it is about.
    async fn check_with_exotel(&self, c: &Checked) -> Result<(Session, User)> {
        let client = Client::new(c.host.clone(), shared_http(&c.host)?);
        let credentials = AppCredentials { app_id: c.app_id.clone(), secret: c.secret.clone() };
        let session = Session::new(client, credentials, c.user_id.clone()).with_retry(self.retry.clone());
        let rejected = |field: Field, source: ApiError| CoreError::Rejected { field, source };
        session.token().await.map_err(|e| match e {
            ApiError::BadCredentials => rejected(Field::Secret, e),
            ApiError::InvalidRequest { .. } => rejected(Field::AppId, e),
            ApiError::Network { .. }
            | ApiError::Timeout
            | ApiError::Malformed { .. }
            | ApiError::NotFound { .. } => rejected(Field::Host, e),
            other => CoreError::Api(other),
        })?;
        let user = session.user().await.map_err(|e| match e {
            ApiError::NotFound { .. } | ApiError::InvalidRequest { .. } => rejected(Field::UserId, e),
            ApiError::Unauthorized { .. } => rejected(Field::AppId, e),
            other => CoreError::Api(other),
        })?;
        Ok((session, user))
    }

    /// Removes every keyring entry and the account from the settings file. Both are attempted
    /// even if the first fails; the first error is returned.
    pub fn sign_out(&self) -> Result<()> {
        let keyring = self.keyring.clear().map_err(CoreError::from);
        let settings = self
            .settings
            .update(|s| {
                s.account = None;
                s.on_break = None;
                s.agent_changed_at = None;
            })
            .map(drop);
        tracing::info!("signed out");
        keyring.and(settings)
    }

    /// When the token kept for the signed-in account was minted (`None`: none is kept).
    pub fn token_minted_at(&self) -> Result<Option<std::time::SystemTime>> {
        let Some(account) = self.account()? else { return Ok(None) };
        Ok(self.keyring.token(&account)?.map(|t| t.minted_at))
    }

    /// The signed-in agent's session: the account from the settings file, the secret and the
    /// kept token from the keyring.
    pub fn open_session(&self) -> Result<Arc<Session>> {
        let account = self.account()?.ok_or(CoreError::NotSignedIn)?;
        let host = Host::parse(&account.host)?;
        let secret = self.keyring.secret()?.ok_or(CoreError::SecretMissing)?;
        let token = self.keyring.token(&account)?;
        let client = Client::new(host.clone(), shared_http(&host)?);
        let credentials = AppCredentials { app_id: account.app_id.clone(), secret };
        let sink = KeyringTokenSink::new(self.keyring.clone(), account.clone(), self.settings.clone());
        let session = Session::new(client, credentials, account.user_id)
            .with_retry(self.retry.clone())
            .with_token(token)
            .with_sink(sink);
        Ok(Arc::new(session))
    }
}
