//! Which Exotel host the app talks to, and the rule that keeps credentials off plain HTTP.

use std::fmt;
use std::net::IpAddr;

use url::Url;

/// Exotel's documented production host (also the base URL of Exotel's own web SDK).
pub const DEFAULT_HOST: &str = "https://integrationscore.mum1.exotel.com";

/// Hosts that public material names. No official list of regions exists, so anything else is
/// typed by the user as a custom host.
pub const KNOWN_HOSTS: &[(&str, &str)] =
    &[("Mumbai (default)", DEFAULT_HOST), ("US3 QA", "https://integrationscore.us3.qaexotel.com")];

/// Why a host was refused. Raised before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostError {
    #[error("the host is empty: enter an address such as {DEFAULT_HOST}")]
    Empty,
    #[error("\"{0}\" is not a web address: enter one such as {DEFAULT_HOST}")]
    NotAUrl(String),
    #[error(
        "\"{0}\" does not use https: Exotel hosts must start with https:// (plain http is allowed only for a loopback address such as 127.0.0.1)"
    )]
    NotHttps(String),
    #[error("\"{0}\" must be only a host, with no path, query, user name or password")]
    HasExtras(String),
}

/// A host that passed the rules: `https`, or `http` on a loopback address only; no path, query,
/// fragment or credentials. Stored without a trailing slash.
#[derive(Clone, PartialEq, Eq)]
pub struct Host(Url);

impl Host {
    pub fn parse(input: &str) -> Result<Self, HostError> {
        // Echoed in errors: only its printable text (a pasted escape sequence is not replayed).
        let printable = crate::text::printable(input);
        let trimmed = printable.as_str();
        if trimmed.is_empty() {
            return Err(HostError::Empty);
        }
        let url = Url::parse(trimmed).map_err(|_| HostError::NotAUrl(trimmed.to_owned()))?;
        let host = url.host().ok_or_else(|| HostError::NotAUrl(trimmed.to_owned()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            _ => return Err(HostError::NotHttps(trimmed.to_owned())),
        }
        let has_path = !(url.path().is_empty() || url.path() == "/");
        if has_path
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(HostError::HasExtras(trimmed.to_owned()));
        }
        Ok(Self(url))
    }

    /// `https://host[:port]` with no trailing slash, as shown to people and stored in settings.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// Whether the host is this computer (`localhost`, 127.0.0.0/8, `::1`): the sandbox.
    pub fn is_loopback(&self) -> bool {
        self.0.host().is_some_and(|h| is_loopback(&h))
    }

    /// The URL of an integrations endpoint, e.g. `endpoint("device")`.
    pub(crate) fn endpoint(&self, name: &str) -> Url {
        let mut url = self.0.clone();
        url.set_path(&format!("/v2/integrations/{name}"));
        url
    }
}

impl Default for Host {
    #[allow(clippy::expect_used)] // a constant, checked by `default_is_exotels_documented_host`
    fn default() -> Self {
        Self::parse(DEFAULT_HOST).expect("DEFAULT_HOST is a valid https URL")
    }
}

fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Host({})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_exotels_documented_host() {
        assert_eq!(Host::default().as_str(), DEFAULT_HOST);
        for (_, h) in KNOWN_HOSTS {
            assert!(Host::parse(h).is_ok(), "{h}");
        }
    }

    #[test]
    fn https_hosts_are_accepted_and_normalised() {
        let h = Host::parse(" https://integrationscore.mum1.exotel.com/ ").expect("valid");
        assert_eq!(h.as_str(), "https://integrationscore.mum1.exotel.com");
        assert_eq!(
            h.endpoint("device").as_str(),
            "https://integrationscore.mum1.exotel.com/v2/integrations/device"
        );
        assert!(Host::parse("https://example.com:8443").is_ok());
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(Host::parse("http://127.0.0.1:8080").is_ok());
        assert!(Host::parse("http://localhost:8080").is_ok());
        assert!(Host::parse("http://[::1]:8080").is_ok());
        assert!(Host::parse("http://127.0.0.2:8080").is_ok_and(|h| h.is_loopback()));
        assert!(Host::parse("https://localhost").is_ok_and(|h| h.is_loopback()));
        assert!(!Host::default().is_loopback());
        assert!(!Host::parse("https://127.example.com").is_ok_and(|h| h.is_loopback()));
        assert_eq!(
            Host::parse("http://integrationscore.mum1.exotel.com"),
            Err(HostError::NotHttps("http://integrationscore.mum1.exotel.com".into()))
        );
        assert!(matches!(Host::parse("http://10.0.0.1"), Err(HostError::NotHttps(_))));
        assert!(matches!(Host::parse("ftp://example.com"), Err(HostError::NotHttps(_))));
    }

    #[test]
    fn garbage_and_extras_are_refused_with_a_reason() {
        assert_eq!(Host::parse("  "), Err(HostError::Empty));
        assert!(matches!(Host::parse("integrationscore.mum1.exotel.com"), Err(HostError::NotAUrl(_))));
        assert!(matches!(Host::parse("https://x.com/v2/integrations"), Err(HostError::HasExtras(_))));
        assert!(matches!(Host::parse("https://u:p@x.com"), Err(HostError::HasExtras(_))));
        let msg = Host::parse("http://example.com").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("https://"), "{msg}");
    }
}
