//! The core's errors: the API's, the keyring's, the settings file's and bad input, each with a
//! stable `kind` word for the UI, JSON output and exit codes.

use exotel_api::{ApiError, HostError};

use crate::status::{ErrorInfo, Field, Target, now_ms};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// A keyring failure. There is no fallback: nothing is ever written elsewhere instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "the system keyring is locked: unlock it (for example by logging in to the desktop again) and retry ({0})"
    )]
    Locked(String),
    #[error(
        "no system keyring is available: start one (on Linux, gnome-keyring or KeePassXC's Secret Service) and retry ({0})"
    )]
    Unavailable(String),
    #[error("the system keyring refused the request: {0}")]
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Exotel answered but never confirmed the change (the state is then shown as unknown).
    #[error("Exotel did not confirm that you are {}; your status is unknown until it does. Try again", english_target(*.target))]
    Unconfirmed { target: Target },
    #[error("not signed in: sign in first (exotel-agent login, or the app's window)")]
    NotSignedIn,
    /// Signed in once, but the keyring no longer holds the secret.
    #[error("the app secret is no longer in the system keyring: sign in again")]
    SecretMissing,
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    /// Local validation of sign-in input.
    #[error("{message}")]
    InvalidInput { field: Field, message: String },
    /// A request the app cannot carry out as asked (not about a sign-in field).
    #[error("{0}")]
    BadRequest(String),
    /// Exotel refused a sign-in input.
    #[error("{source}")]
    Rejected { field: Field, source: ApiError },
    #[error("could not save the settings file: {0}")]
    Settings(String),
    #[error("the status controller stopped; restart the app")]
    Stopped,
    /// The app is still starting: the request came before it could be served.
    #[error("the app is still starting; try again in a moment")]
    Starting,
    /// The organisation enforces this setting: the agent may not change it
    /// ([`crate::policy`]).
    #[error("the setting {setting} is set by your organisation and cannot be changed here")]
    Enforced { setting: String },
    /// The built-in sandbox (*Try the sandbox*) could not be started.
    #[error("could not start the sandbox: {0}")]
    Sandbox(String),
    /// A bug: the request panicked. It was logged; the app carries on.
    #[error("something went wrong inside the app; the request was not completed")]
    Internal,
}

/// What a change asked for, in the English of the error details (the catalog's words).
fn english_target(target: Target) -> String {
    crate::words::Words::of(crate::words::Lang::En).get(&target.message_id())
}

impl From<HostError> for CoreError {
    fn from(e: HostError) -> Self {
        CoreError::InvalidInput { field: Field::Host, message: e.to_string() }
    }
}

/// The kind of a failure: what the window, the notifications and `--json` tell apart, and the
/// catalog's `kind-*` words. Serialised as its stable word (`"network"`, `"keyring_locked"`);
/// a word this version does not know (a history line written by a newer one) reads as
/// [`ErrorKind::Internal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    InvalidInput,
    BadCredentials,
    Unauthorized,
    Invalid,
    NotFound,
    RateLimited,
    Server,
    Network,
    Timeout,
    Malformed,
    Unconfirmed,
    NotSignedIn,
    Keyring,
    KeyringLocked,
    Settings,
    Starting,
    Sandbox,
    Enforced,
    #[serde(other)]
    Internal,
}

impl ErrorKind {
    /// Every kind, for the tests that hold the catalogs to them.
    pub const ALL: [ErrorKind; 19] = [
        ErrorKind::InvalidInput,
        ErrorKind::BadCredentials,
        ErrorKind::Unauthorized,
        ErrorKind::Invalid,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Server,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Malformed,
        ErrorKind::Unconfirmed,
        ErrorKind::NotSignedIn,
        ErrorKind::Keyring,
        ErrorKind::KeyringLocked,
        ErrorKind::Settings,
        ErrorKind::Starting,
        ErrorKind::Sandbox,
        ErrorKind::Enforced,
        ErrorKind::Internal,
    ];

    /// The stable word, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::BadCredentials => "bad_credentials",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Invalid => "invalid",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Server => "server",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Malformed => "malformed",
            ErrorKind::Unconfirmed => "unconfirmed",
            ErrorKind::NotSignedIn => "not_signed_in",
            ErrorKind::Keyring => "keyring",
            ErrorKind::KeyringLocked => "keyring_locked",
            ErrorKind::Settings => "settings",
            ErrorKind::Starting => "starting",
            ErrorKind::Sandbox => "sandbox",
            ErrorKind::Enforced => "enforced",
            ErrorKind::Internal => "internal",
        }
    }
}

/// `kind == "network"`: the word is what the page, `--json` and the tests know it by.
impl PartialEq<&str> for ErrorKind {
    fn eq(&self, word: &&str) -> bool {
        self.as_str() == *word
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CoreError {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            CoreError::Api(e) | CoreError::Rejected { source: e, .. } => api_kind(e),
            CoreError::Unconfirmed { .. } => ErrorKind::Unconfirmed,
            CoreError::NotSignedIn | CoreError::SecretMissing => ErrorKind::NotSignedIn,
            CoreError::Keyring(KeyringError::Locked(_)) => ErrorKind::KeyringLocked,
            CoreError::Keyring(_) => ErrorKind::Keyring,
            CoreError::InvalidInput { .. } | CoreError::BadRequest(_) => ErrorKind::InvalidInput,
            CoreError::Settings(_) => ErrorKind::Settings,
            CoreError::Starting => ErrorKind::Starting,
            CoreError::Sandbox(_) => ErrorKind::Sandbox,
            CoreError::Enforced { .. } => ErrorKind::Enforced,
            CoreError::Stopped | CoreError::Internal => ErrorKind::Internal,
        }
    }

    /// The sign-in field this error is about, if any.
    pub fn field(&self) -> Option<Field> {
        match self {
            CoreError::InvalidInput { field, .. } | CoreError::Rejected { field, .. } => Some(*field),
            _ => None,
        }
    }

    pub fn info(&self) -> ErrorInfo {
        ErrorInfo { kind: self.kind(), message: self.to_string(), field: self.field(), at: now_ms() }
    }
}

fn api_kind(e: &ApiError) -> ErrorKind {
    use exotel_api::ApiErrorKind as K;
    match e.kind() {
        K::InvalidHost => ErrorKind::InvalidInput,
        K::BadCredentials => ErrorKind::BadCredentials,
        K::Unauthorized => ErrorKind::Unauthorized,
        K::Invalid => ErrorKind::Invalid,
        K::NotFound => ErrorKind::NotFound,
        K::RateLimited => ErrorKind::RateLimited,
        K::Server => ErrorKind::Server,
        K::Network => ErrorKind::Network,
        K::Timeout => ErrorKind::Timeout,
        K::Malformed => ErrorKind::Malformed,
        K::AccountChanged => ErrorKind::NotSignedIn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_written_and_read_as_its_word_and_an_unknown_word_reads_as_internal() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).ok(), Some(kind));
        }
        assert_eq!(
            serde_json::from_str::<ErrorKind>("\"a_kind_from_later\"").ok(),
            Some(ErrorKind::Internal)
        );
    }
}
