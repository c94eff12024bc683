//! The app secret and the current token, kept only in the OS keyring (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows). There is no plaintext fallback:
//! when the keyring is locked or absent, the caller gets a [`KeyringError`] and nothing is
//! written anywhere else.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use exotel_api::{Secret, Token, TokenSink};

use crate::error::KeyringError;

/// The keyring service name of every entry the app keeps.
pub const KEYRING_SERVICE: &str = "exotel-agent-tray";
const SECRET_ENTRY: &str = "app-secret";
const TOKEN_ENTRY: &str = "token";

/// The app's entries in the OS keyring.
#[derive(Debug, Clone)]
pub struct Keyring {
    service: String,
}

impl Default for Keyring {
    fn default() -> Self {
        Self { service: KEYRING_SERVICE.to_owned() }
    }
}

impl Keyring {
    pub fn store_secret(&self, secret: &Secret) -> Result<(), KeyringError> {
        self.entry(SECRET_ENTRY)?.set_password(secret.expose()).map_err(map_error)
    }

    pub fn secret(&self) -> Result<Option<Secret>, KeyringError> {
        self.read(SECRET_ENTRY).map(|v| v.map(Secret::new))
    }

    /// Stored as `v1:<minted at, Unix seconds>:<token>`, so the token's age survives restarts.
    pub fn store_token(&self, token: &Token) -> Result<(), KeyringError> {
        let minted = token.minted_at.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let value = Secret::new(format!("v1:{minted}:{}", token.value.expose()));
        self.entry(TOKEN_ENTRY)?.set_password(value.expose()).map_err(map_error)
    }

    /// The kept token; an entry in an unknown format is treated as no token (a new one is
    /// minted).
    pub fn token(&self) -> Result<Option<Token>, KeyringError> {
        let Some(raw) = self.read(TOKEN_ENTRY)?.map(Secret::new) else {
            return Ok(None);
        };
        let mut parts = raw.expose().splitn(3, ':');
        let (Some("v1"), Some(secs), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            return Ok(None);
        };
        let Ok(secs) = secs.parse::<u64>() else {
            return Ok(None);
        };
        if value.is_empty() {
            return Ok(None);
        }
        Ok(Some(Token { value: Secret::new(value), minted_at: UNIX_EPOCH + Duration::from_secs(secs) }))
    }

    pub fn delete_token(&self) -> Result<(), KeyringError> {
        self.delete(TOKEN_ENTRY)
    }

    /// Removes every entry the app keeps. Entries already gone are fine.
    pub fn clear(&self) -> Result<(), KeyringError> {
        let token = self.delete(TOKEN_ENTRY);
        let secret = self.delete(SECRET_ENTRY);
        token.and(secret)
    }

    fn entry(&self, name: &str) -> Result<keyring::Entry, KeyringError> {
        keyring::Entry::new(&self.service, name).map_err(map_error)
    }

    fn read(&self, name: &str) -> Result<Option<String>, KeyringError> {
        match self.entry(name)?.get_password() {
            Ok(v) => Ok(Some(v)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn delete(&self, name: &str) -> Result<(), KeyringError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }
}

fn map_error(e: keyring::Error) -> KeyringError {
    let detail = e.to_string();
    let locked = detail.to_ascii_lowercase().contains("locked");
    match e {
        keyring::Error::NoStorageAccess(_) => KeyringError::Locked(detail),
        keyring::Error::PlatformFailure(_) if locked => KeyringError::Locked(detail),
        keyring::Error::PlatformFailure(_) => KeyringError::Unavailable(detail),
        _ => KeyringError::Failed(detail),
    }
}

/// Keeps every token the session mints in the keyring. A keyring failure here is logged, not
/// fatal: the token stays in memory and a new one is minted on the next run.
#[derive(Debug, Clone, Default)]
pub struct KeyringTokenSink {
    keyring: Keyring,
}

impl KeyringTokenSink {
    pub fn new(keyring: Keyring) -> Arc<Self> {
        Arc::new(Self { keyring })
    }
}

impl TokenSink for KeyringTokenSink {
    fn token_minted(&self, token: &Token) {
        if let Err(e) = self.keyring.store_token(token) {
            tracing::warn!("could not keep the new token in the keyring: {e}");
        }
    }

    fn token_rejected(&self) {
        if let Err(e) = self.keyring.delete_token() {
            tracing::warn!("could not remove the rejected token from the keyring: {e}");
        }
    }
}
