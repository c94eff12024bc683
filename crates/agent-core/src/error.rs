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

impl CoreError {
    /// The stable word for the kind of failure.
    pub fn kind(&self) -> &'static str {
        match self {
            CoreError::Api(e) | CoreError::Rejected { source: e, .. } => api_kind(e),
            CoreError::Unconfirmed { .. } => "unconfirmed",
            CoreError::NotSignedIn | CoreError::SecretMissing => "not_signed_in",
            CoreError::Keyring(KeyringError::Locked(_)) => "keyring_locked",
            CoreError::Keyring(_) => "keyring",
            CoreError::InvalidInput { .. } | CoreError::BadRequest(_) => "invalid_input",
            CoreError::Settings(_) => "settings",
            CoreError::Stopped | CoreError::Internal => "internal",
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
        ErrorInfo {
            kind: self.kind().to_owned(),
            message: self.to_string(),
            field: self.field(),
            at: now_ms(),
        }
    }
}

fn api_kind(e: &ApiError) -> &'static str {
    use exotel_api::ApiErrorKind as K;
    match e.kind() {
        K::InvalidHost => "invalid_input",
        K::BadCredentials => "bad_credentials",
        K::Unauthorized => "unauthorized",
        K::Invalid => "invalid",
        K::NotFound => "not_found",
        K::RateLimited => "rate_limited",
        K::Server => "server",
        K::Network => "network",
        K::Timeout => "timeout",
        K::Malformed => "malformed",
        K::AccountChanged => "not_signed_in",
    }
}
