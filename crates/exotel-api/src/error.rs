//! Everything that can go wrong talking to Exotel, as kinds a caller can branch on.

use std::time::Duration;

use crate::host::HostError;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// One failure of a request to Exotel. Messages are sentences a person can act on and never
/// hold a secret: a reply is described by its shape, and Exotel's own text is cleaned and its
/// credentials hidden ([`crate::text`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    InvalidHost(#[from] HostError),
    /// 401 from the token endpoint.
    #[error(
        "the app id or app secret is wrong: Exotel refused to issue a token. Check both and sign in again"
    )]
    BadCredentials,
    /// 401/403 from the device or usermapping endpoint, after one fresh token was tried.
    #[error("Exotel refused the app's token{}. Sign in again", suffix(.message))]
    Unauthorized { message: String },
    /// 400: Exotel's own words about what was invalid.
    #[error("Exotel rejected the request as invalid{}", suffix(.message))]
    InvalidRequest { message: String },
    /// 404: most often an unknown user id.
    #[error("Exotel does not know this user{}. Check the user id", suffix(.message))]
    NotFound { message: String },
    /// 429.
    #[error("Exotel is limiting requests; try again {}", after(.retry_after))]
    RateLimited { retry_after: Option<Duration> },
    /// 5xx.
    #[error("Exotel had a server error (HTTP {status}){}. Try again in a minute", suffix(.message))]
    Server { status: u16, message: String },
    /// Refused, reset, DNS, TLS: the request did not complete.
    #[error("could not reach Exotel ({0}). Check the network connection and the host")]
    Network(String),
    #[error("Exotel did not answer in time. Check the network connection and try again")]
    Timeout,
    /// A reply that is not the documented envelope (HTML, garbage, empty, too large).
    #[error("Exotel sent a reply that could not be read (HTTP {status}: {detail})")]
    Malformed { status: u16, detail: String },
    /// The session's account is no longer the signed-in one (signed out, or another account
    /// signed in, by `exotel-agent` or the app): the request was not sent.
    #[error("this account was signed out or replaced by another sign-in; nothing was sent to Exotel")]
    AccountChanged,
}

/// The stable word for each kind of failure, for the UI, JSON output and exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorKind {
    InvalidHost,
    BadCredentials,
    Unauthorized,
    Invalid,
    NotFound,
    RateLimited,
    Server,
    Network,
    Timeout,
    Malformed,
    AccountChanged,
}

impl ApiError {
    pub fn kind(&self) -> ApiErrorKind {
        match self {
            ApiError::InvalidHost(_) => ApiErrorKind::InvalidHost,
            ApiError::BadCredentials => ApiErrorKind::BadCredentials,
            ApiError::Unauthorized { .. } => ApiErrorKind::Unauthorized,
            ApiError::InvalidRequest { .. } => ApiErrorKind::Invalid,
            ApiError::NotFound { .. } => ApiErrorKind::NotFound,
            ApiError::RateLimited { .. } => ApiErrorKind::RateLimited,
            ApiError::Server { .. } => ApiErrorKind::Server,
            ApiError::Network(_) => ApiErrorKind::Network,
            ApiError::Timeout => ApiErrorKind::Timeout,
            ApiError::Malformed { .. } => ApiErrorKind::Malformed,
            ApiError::AccountChanged => ApiErrorKind::AccountChanged,
        }
    }

    /// Worth sending again unchanged: the request may not have arrived, or the server said
    /// "later". Everything else (4xx, bad replies) would fail the same way again.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Network(_) | ApiError::Timeout | ApiError::Server { .. } | ApiError::RateLimited { .. }
        )
    }
}

fn suffix(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(": {message}") }
}

fn after(retry_after: &Option<Duration>) -> String {
    match retry_after {
        Some(d) => format!("in {} s", d.as_secs().max(1)),
        None => "in a minute".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_cause() {
        assert!(ApiError::BadCredentials.to_string().contains("app secret is wrong"));
        let e = ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)) };
        assert!(e.to_string().contains("in 7 s"));
        assert!(e.is_transient());
        assert!(!ApiError::InvalidRequest { message: String::new() }.is_transient());
    }
}
