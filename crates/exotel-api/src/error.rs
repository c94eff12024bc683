//! Everything that can go wrong talking to Exotel, as kinds a caller can branch on.

use std::time::Duration;

use crate::host::HostError;
use crate::text::Shape;

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
    /// 5xx: Exotel's own words, or else what the reply was when it was not Exotel's envelope
    /// (a proxy's HTML page).
    #[error("Exotel had a server error (HTTP {status}){}{}. Try again in a minute", suffix(.message), reply_suffix(.reply))]
    Server { status: u16, message: String, reply: Option<Shape> },
    /// Refused, reset, DNS, TLS: the request did not complete. `host` is the host it was for
    /// (never the path or query); `text` the system's own words, for the log.
    #[error("could not reach Exotel ({}{text}). Check the network connection and the host", host_prefix(.host))]
    Network { cause: NetCause, host: Option<String>, text: String },
    #[error("Exotel did not answer in time. Check the network connection and try again")]
    Timeout,
    /// A reply that is not the documented envelope (HTML, garbage, empty, too large).
    #[error("Exotel sent a reply that could not be read (HTTP {status}: {shape})")]
    Malformed { status: u16, shape: Shape },
    /// The session's account is no longer the signed-in one (signed out, or another account
    /// signed in, by `exotel-agent` or the app): the request was not sent.
    #[error("this account was signed out or replaced by another sign-in; nothing was sent to Exotel")]
    AccountChanged,
}

/// Why a request did not complete, as far as the system's error says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetCause {
    /// The host's name could not be looked up.
    Dns,
    /// The host refused the connection (nothing listens there).
    Refused,
    /// The secure connection could not be made (a certificate, a proxy that intercepts).
    Tls,
    /// The connection was dropped or reset before the reply.
    Dropped,
    /// Anything else.
    Other,
}

/// An error and its causes, one after the other: reqwest's own line says little ("error
/// sending request"); the layers below it (hyper's, rustls', the OS's) say why.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

impl NetCause {
    /// The cause that `e`, read through every layer of its causes, says.
    pub fn of(e: &dyn std::error::Error) -> Self {
        Self::from_text(&error_chain(e).to_ascii_lowercase())
    }

    /// The cause a system error's text (any of its causes, in lower case) says.
    pub fn from_text(lower: &str) -> Self {
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if has(&["dns", "lookup", "resolve", "name or service not known", "no such host", "nodename"]) {
            NetCause::Dns
        } else if has(&["refused"]) {
            NetCause::Refused
        } else if has(&["certificate", "tls", "ssl", "handshake", "https"]) {
            NetCause::Tls
        } else if has(&["reset", "closed", "broken pipe", "aborted", "incomplete", "eof", "unexpected end"]) {
            NetCause::Dropped
        } else {
            NetCause::Other
        }
    }

    /// Its stable word, as the catalogs name it.
    pub fn as_str(self) -> &'static str {
        match self {
            NetCause::Dns => "dns",
            NetCause::Refused => "refused",
            NetCause::Tls => "tls",
            NetCause::Dropped => "dropped",
            NetCause::Other => "other",
        }
    }
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
            ApiError::Network { .. } => ApiErrorKind::Network,
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
            ApiError::Network { .. }
                | ApiError::Timeout
                | ApiError::Server { .. }
                | ApiError::RateLimited { .. }
        )
    }
}

fn suffix(message: &str) -> String {
    if message.is_empty() { String::new() } else { format!(": {message}") }
}

fn reply_suffix(reply: &Option<Shape>) -> String {
    reply.as_ref().map(|r| format!(": the reply was {r}")).unwrap_or_default()
}

fn host_prefix(host: &Option<String>) -> String {
    host.as_ref().map(|h| format!("{h}: ")).unwrap_or_default()
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
        let html = ApiError::Server {
            status: 502,
            message: String::new(),
            reply: Some(Shape::Html { title: None }),
        };
        assert_eq!(
            html.to_string(),
            "Exotel had a server error (HTTP 502): the reply was an HTML page. Try again in a minute"
        );
    }

    #[test]
    fn a_system_error_says_its_cause() {
        for (text, cause) in [
            ("dns error: failed to lookup address information", NetCause::Dns),
            ("connection refused (os error 111)", NetCause::Refused),
            ("invalid peer certificate: unknownissuer", NetCause::Tls),
            ("connection reset by peer (os error 104)", NetCause::Dropped),
            ("connection closed before message completed", NetCause::Dropped),
            ("network is unreachable (os error 101)", NetCause::Other),
        ] {
            assert_eq!(NetCause::from_text(text), cause, "{text}");
        }
    }
}
