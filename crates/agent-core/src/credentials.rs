//! The app secret and the current token, kept only in the OS keyring (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows). There is no plaintext fallback:
//! when the keyring is locked or absent, the caller gets a [`KeyringError`] and nothing is
//! written anywhere else.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use exotel_api::{Secret, Token, TokenSink};
use serde::{Deserialize, Serialize};

use crate::error::KeyringError;
use crate::settings::{Account, SettingsStore};

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

    /// Kept with the account it was minted for (host, app id, user id) and when (so its age
    /// survives restarts), as `v2:` and a JSON object.
    pub fn store_token(&self, token: &Token, owner: &Account) -> Result<(), KeyringError> {
        let minted_at = token.minted_at.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let kept = KeptToken { minted_at, account: owner.clone(), token: token.value.expose().to_owned() };
        let json = serde_json::to_string(&kept).map_err(|e| KeyringError::Failed(e.to_string()))?;
        let value = Secret::new(format!("{TOKEN_FORMAT}{json}"));
        self.entry(TOKEN_ENTRY)?.set_password(value.expose()).map_err(map_error)
    }

    /// The kept token, if it was minted for `owner`. A token of another account (another host,
    /// app or user: left by a sign-in elsewhere, or stored late by an app still running the
    /// old account), or in an unknown format (an older version's), is not used: a new one is
    /// minted, and no token ever reaches a host it was not minted by.
    pub fn token(&self, owner: &Account) -> Result<Option<Token>, KeyringError> {
        let Some(raw) = self.read(TOKEN_ENTRY)?.map(Secret::new) else {
            return Ok(None);
        };
        let Some(kept) = KeptToken::parse(raw.expose()) else {
            return Ok(None);
        };
        if kept.account != *owner {
            tracing::info!("the kept token belongs to another account; a new one will be minted");
            return Ok(None);
        }
        if kept.token.is_empty() {
            return Ok(None);
        }
        // A time past what the system clock can hold (a damaged entry) is no token.
        let Some(minted_at) = UNIX_EPOCH.checked_add(Duration::from_secs(kept.minted_at)) else {
            return Ok(None);
        };
        Ok(Some(Token { value: Secret::new(kept.token), minted_at }))
    }

    /// The raw token entry (for putting it back after a failed sign-in).
    pub(crate) fn raw_token(&self) -> Result<Option<Secret>, KeyringError> {
        self.read(TOKEN_ENTRY).map(|v| v.map(Secret::new))
    }

    pub(crate) fn store_raw_token(&self, raw: &Secret) -> Result<(), KeyringError> {
        self.entry(TOKEN_ENTRY)?.set_password(raw.expose()).map_err(map_error)
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

const TOKEN_FORMAT: &str = "v2:";

/// The token entry's content.
#[derive(Serialize, Deserialize)]
struct KeptToken {
    /// Unix seconds.
    minted_at: u64,
    account: Account,
    token: String,
}

impl KeptToken {
    fn parse(raw: &str) -> Option<Self> {
        serde_json::from_str(raw.strip_prefix(TOKEN_FORMAT)?).ok()
    }
}

/// The session of one saved account, kept in step with the settings file that the app and
/// `exotel-agent` share: every token it mints is kept in the keyring, bound to the account,
/// but only while that account is still the signed-in one; and before each request the
/// session asks whether it still is ([`TokenSink::still_signed_in`]), so an app whose
/// account was signed out or replaced from the command line sends nothing more for it.
/// A keyring failure here is logged, not fatal: the token stays in memory and a new one is
/// minted on the next run.
#[derive(Debug, Clone)]
pub struct KeyringTokenSink {
    keyring: Keyring,
    owner: Account,
    settings: SettingsStore,
}

impl KeyringTokenSink {
    pub fn new(keyring: Keyring, owner: Account, settings: SettingsStore) -> Arc<Self> {
        Arc::new(Self { keyring, owner, settings })
    }
}

/// Whether the settings file still names `owner`. A file that cannot be read at all says
/// nothing either way, so the session carries on (the next read will tell).
fn still_signed_in(owner: &Account, settings: &SettingsStore) -> bool {
    match settings.load() {
        Ok(loaded) => loaded.settings.account.as_ref() == Some(owner),
        Err(e) => {
            tracing::warn!("could not check the signed-in account: {e}");
            true
        }
    }
}

impl TokenSink for KeyringTokenSink {
    fn token_minted(&self, token: &Token) {
        if !self.still_signed_in() {
            tracing::info!("the account changed elsewhere; the new token is not kept");
            return;
        }
        if let Err(e) = self.keyring.store_token(token, &self.owner) {
            tracing::warn!("could not keep the new token in the keyring: {e}");
        }
    }

    fn token_rejected(&self) {
        // Only this account's own token: another sign-in's is left alone.
        if !matches!(self.keyring.token(&self.owner), Ok(Some(_))) {
            return;
        }
        if let Err(e) = self.keyring.delete_token() {
            tracing::warn!("could not remove the rejected token from the keyring: {e}");
        }
    }

    fn still_signed_in(&self) -> bool {
        still_signed_in(&self.owner, &self.settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(user_id: &str) -> Account {
        Account { host: "http://127.0.0.1:1".into(), app_id: "app".into(), user_id: user_id.into() }
    }

    #[test]
    fn a_session_is_signed_in_only_while_the_settings_name_its_account() {
        let dir = tempfile::tempdir().unwrap();
        let settings = SettingsStore::new(dir.path().join("settings.toml"));
        assert!(!still_signed_in(&account("1"), &settings), "no account saved");
        settings.update(|s| s.account = Some(account("1"))).unwrap();
        assert!(still_signed_in(&account("1"), &settings));
        settings.update(|s| s.account = Some(account("2"))).unwrap();
        assert!(!still_signed_in(&account("1"), &settings), "another account signed in");
        let other_host = Account { host: "https://elsewhere.example".into(), ..account("2") };
        assert!(!still_signed_in(&other_host, &settings), "same user, another host");
        settings.update(|s| s.account = None).unwrap();
        assert!(!still_signed_in(&account("2"), &settings), "signed out");
    }

    #[test]
    fn kept_tokens_are_bound_to_their_account_and_older_formats_are_not_used() {
        let kept = KeptToken { minted_at: 7, account: account("1"), token: "t".into() };
        let raw = format!("{TOKEN_FORMAT}{}", serde_json::to_string(&kept).unwrap());
        let parsed = KeptToken::parse(&raw).unwrap();
        assert_eq!((parsed.minted_at, parsed.account, parsed.token.as_str()), (7, account("1"), "t"));
        assert!(KeptToken::parse("v1:7:t").is_none(), "a token of an unknown account");
        assert!(KeptToken::parse("v2:{").is_none());
    }

    /// What each keyring refusal tells the agent to do. gnome-keyring reports a locked keyring
    /// as "no storage access" (checked with a real one in tests/saved_account.rs); other
    /// Secret Service providers report it as a platform failure that says "locked".
    #[test]
    fn a_refusal_says_locked_absent_or_refused() {
        let platform =
            |text: &str| keyring::Error::PlatformFailure(Box::new(std::io::Error::other(text.to_owned())));
        let access = keyring::Error::NoStorageAccess(Box::new(std::io::Error::other("denied")));
        assert!(matches!(map_error(access), KeyringError::Locked(_)));
        assert!(matches!(map_error(platform("Collection is Locked")), KeyringError::Locked(_)));
        assert!(matches!(map_error(platform("Failed to connect to socket")), KeyringError::Unavailable(_)));
        assert!(matches!(map_error(keyring::Error::TooLong("x".into(), 1)), KeyringError::Failed(_)));
    }
}
