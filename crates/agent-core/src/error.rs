//! The core's errors: the API's, the keyring's, the settings file's and bad input, each with a
//! stable `kind` word for the UI, JSON output and exit codes.

use exotel_api::{ApiError, HostError};

use crate::detail::{Detail, Part, api_cause, api_detail};
use crate::status::{ErrorInfo, Field, Target, now_ms};

pub type Result<T, E = CoreError> = std::result::Result<T, E>;

/// A keyring failure. There is no fallback: nothing is ever written elsewhere instead. Its
/// text is the keyring's own words (the log's and `--json`'s cause); what the agent reads is
/// the catalog's ([`CoreError::detail`]).
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

/// A failure of the core. Its text ([`std::fmt::Display`]) is the English catalog's words
/// ([`CoreError::detail`]), with the system's own words ([`CoreError::cause`]) after them for
/// the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoreError {
    #[error("{}", english(self))]
    Api(#[from] ApiError),
    /// Exotel answered but never confirmed the change (the state is then shown as unknown).
    #[error("{}", english(self))]
    Unconfirmed { target: Target },
    #[error("{}", english(self))]
    NotSignedIn,
    /// Signed in once, but the keyring no longer holds the secret.
    #[error("{}", english(self))]
    SecretMissing,
    #[error("{}", english(self))]
    Keyring(#[from] KeyringError),
    /// Local validation of sign-in input: what is wrong, in the catalog's words.
    #[error("{}", english(self))]
    InvalidInput { field: Field, detail: Part },
    /// A request the app cannot carry out as asked (not about a sign-in field).
    #[error("{}", english(self))]
    BadRequest(Part),
    /// Exotel refused a sign-in input.
    #[error("{}", english(self))]
    Rejected { field: Field, source: ApiError },
    /// The settings or history file could not be read or written: the system's words.
    #[error("{}", english(self))]
    Settings(String),
    #[error("{}", english(self))]
    Stopped,
    /// The app is still starting: the request came before it could be served.
    #[error("{}", english(self))]
    Starting,
    /// The organisation enforces this setting: the agent may not change it
    /// ([`crate::policy`]).
    #[error("{}", english(self))]
    Enforced { setting: String },
    /// The built-in sandbox (*Try the sandbox*) could not be started: the system's words.
    #[error("{}", english(self))]
    Sandbox(String),
    /// A bug: the request panicked. It was logged; the app carries on.
    #[error("{}", english(self))]
    Internal,
}

/// The English catalog's words, then the system's own in brackets.
fn english(e: &CoreError) -> String {
    let text = e.detail().english();
    match e.cause() {
        Some(cause) => format!("{text} ({cause})"),
        None => text,
    }
}

impl From<HostError> for CoreError {
    fn from(e: HostError) -> Self {
        CoreError::InvalidInput { field: Field::Host, detail: crate::detail::host_part(&e) }
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

    /// What happened and what to do, as catalog messages: the one place that says which
    /// words each failure gets.
    pub fn detail(&self) -> Detail {
        let part = |id: &str| Detail::from(Part::new(id));
        match self {
            CoreError::Api(e) | CoreError::Rejected { source: e, .. } => api_detail(e),
            CoreError::Unconfirmed { target } => {
                Part::new("error-unconfirmed").words("target", target.message_id()).into()
            }
            CoreError::NotSignedIn => part("error-not-signed-in"),
            CoreError::SecretMissing => part("error-secret-missing"),
            CoreError::Keyring(KeyringError::Locked(_)) => part("error-keyring-locked"),
            CoreError::Keyring(KeyringError::Unavailable(_)) => part("error-keyring-unavailable"),
            CoreError::Keyring(KeyringError::Failed(_)) => part("error-keyring-failed"),
            CoreError::InvalidInput { detail, .. } | CoreError::BadRequest(detail) => detail.clone().into(),
            CoreError::Settings(_) => part("error-settings"),
            CoreError::Stopped => part("error-stopped"),
            CoreError::Starting => part("error-starting"),
            CoreError::Enforced { setting } => {
                Part::new("error-enforced").text("setting", setting.as_str()).into()
            }
            CoreError::Sandbox(_) => part("error-sandbox"),
            CoreError::Internal => part("error-internal"),
        }
    }

    /// The system's own words about the failure (the keyring's, the file system's, the
    /// network's), for the log and `--json`: the agent reads [`CoreError::detail`].
    pub fn cause(&self) -> Option<String> {
        match self {
            CoreError::Api(e) | CoreError::Rejected { source: e, .. } => api_cause(e),
            CoreError::Keyring(
                KeyringError::Locked(text) | KeyringError::Unavailable(text) | KeyringError::Failed(text),
            )
            | CoreError::Settings(text)
            | CoreError::Sandbox(text) => Some(text.clone()).filter(|t| !t.is_empty()),
            _ => None,
        }
    }

    pub fn info(&self) -> ErrorInfo {
        let detail = self.detail();
        ErrorInfo {
            kind: self.kind(),
            message: detail.english(),
            detail,
            cause: self.cause(),
            field: self.field(),
            at: now_ms(),
        }
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
