//! Everything that can go wrong talking to Exotel, as kinds a caller can branch on.

use std::time::Duration;

use crate::host::HostError;

pub type Result<T, E = ApiError> = std::result::Result<T, E>;

/// One failure of a request to Exotel. Messages are sentences a person can act on and never
/// hold a secret: server texts are trimmed and reply snippets are cut before any credential.
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

/// Words that may be followed by a credential in a reply; a snippet stops before the first.
const SENSITIVE_MARKERS: &[&str] = &["secret", "token", "data", "authorization", "password"];

/// A short, printable excerpt of a reply body for an error message: at most 80 characters,
/// control characters replaced, and cut before any word that may introduce a credential.
pub(crate) fn safe_snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let cut = SENSITIVE_MARKERS.iter().filter_map(|m| lower.find(m)).min().unwrap_or(text.len());
    let head: String = text
        .get(..cut)
        .unwrap_or("")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(80)
        .collect();
    let head = head.split_whitespace().collect::<Vec<_>>().join(" ");
    if head.is_empty() { "empty reply".to_owned() } else { format!("\"{head}\"") }
}

/// Exotel's own `Error` text, made safe to show: one line, at most 200 characters.
pub(crate) fn clean_message(message: &str) -> String {
    let one_line: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200).collect();
    one_line.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_stop_before_credentials() {
        let body = br#"{"RequestId":"x","Status":"Success","Data":{"SipSecret":"b*5#TGC"#;
        let s = safe_snippet(body);
        assert!(!s.contains("TGC") && !s.contains("Data"), "{s}");
        assert!(s.contains("RequestId"), "{s}");
        assert_eq!(safe_snippet(b""), "empty reply");
        let html = safe_snippet(b"<html>\n<head><title>502 Bad Gateway</title></head></html>");
        assert!(html.contains("502 Bad Gateway"), "{html}");
    }

    #[test]
    fn messages_name_the_cause() {
        assert!(ApiError::BadCredentials.to_string().contains("app secret is wrong"));
        let e = ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)) };
        assert!(e.to_string().contains("in 7 s"));
        assert!(e.is_transient());
        assert!(!ApiError::InvalidRequest { message: String::new() }.is_transient());
    }
}
