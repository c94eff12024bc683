//! `exotel-agent doctor`: what this computer can do for the app (the same checks as the
//! window's "On this computer"), and whether Exotel can be reached from here: the host's DNS,
//! TLS (the certificate verifier's verdict), the proxy in use, the clock against Exotel's
//! `Date`, the kept token's age, the rate limit's room from the last reply, the versions.
//!
//! Exit codes: 0 when all is well; [`PROTECTION_CODE`] when a protection the agent turned on
//! cannot work here; 4 when Exotel cannot be reached (it wins: nothing works without it).
//! Never a secret in its output: the token is only aged, a proxy's password is cut out.

use std::time::{Duration, SystemTime};

use agent_core::detail::{Detail, Part, api_detail, host_part};
use agent_core::present::desk::{DeskLine, lines};
use agent_core::words::{Words, n, s};
use agent_core::{Accounts, Desk, Preferences, Protection};
use exotel_api::{Budget, Host};
use serde::Serialize;

/// The exit code when a protection the agent turned on cannot work on this computer.
pub const PROTECTION_CODE: u8 = 6;
/// The exit code when Exotel cannot be reached.
pub const UNREACHABLE_CODE: u8 = 4;

/// Everything `doctor` found.
#[derive(Debug, Serialize)]
pub struct Findings {
    pub version: &'static str,
    pub os: &'static str,
    pub arch: &'static str,
    pub protections: Vec<ProtectionFinding>,
    /// The protections the agent turned on that cannot work here.
    pub problems: Vec<Protection>,
    pub exotel: Reach,
    pub account: AccountFinding,
    pub exit_code: u8,
}

#[derive(Debug, Serialize)]
pub struct ProtectionFinding {
    pub protection: Protection,
    /// `works`, `locked`, `missing` or `checking`.
    pub state: &'static str,
    /// Through what it works, or what was found instead.
    pub detail: String,
    pub turned_on: bool,
    #[serde(skip)]
    line: DeskLine,
}

/// Exotel from here.
#[derive(Debug, Serialize)]
pub struct Reach {
    pub host: String,
    /// The addresses the host's name resolved to (empty: it did not).
    pub dns: Vec<String>,
    pub dns_error: Option<String>,
    /// `verified` (the certificate chain and name checked), `not used` (a loopback sandbox over
    /// plain http), or the verifier's complaint.
    pub tls: String,
    pub reachable: bool,
    /// The HTTP status the host answered a plain `GET /` with.
    pub http_status: Option<u16>,
    /// What went wrong, in the system's words (English).
    pub error: Option<String>,
    /// The same, in the catalog's words, for the agent's line.
    #[serde(skip)]
    said: Option<Detail>,
    /// The catalog's word for `tls`.
    #[serde(skip)]
    tls_id: &'static str,
    /// Exotel's clock minus this computer's, from the reply's `Date` (seconds).
    pub clock_skew_secs: Option<i64>,
    /// The proxy requests to this host go through (its password, if any, cut out).
    pub proxy: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AccountFinding {
    pub signed_in: bool,
    pub user_id: Option<String>,
    /// Seconds since the kept token was minted.
    pub token_age_secs: Option<u64>,
    /// The reads left in the rate limit's window, and its size, from a read made now.
    pub rate_remaining: Option<u32>,
    pub rate_limit: Option<u32>,
    /// Why the account could not be read or checked (no secret in it), in English.
    pub error: Option<String>,
    /// The same, in the catalog's words, for the agent's line.
    #[serde(skip)]
    said: Option<Detail>,
}

/// Runs every check.
pub async fn examine(accounts: &Accounts, prefs: &Preferences, w: &Words) -> Findings {
    let desk = os_events::look_at_desk().await;
    let protections = protection_findings(&desk, prefs, w);
    let problems = desk.problems(|p| prefs.relies_on(p));
    let account = accounts.account().ok().flatten();
    let host = account.as_ref().map_or_else(|| accounts.sign_in_defaults().host, |a| a.host.clone());
    let exotel = reach(&host).await;
    let account = account_finding(accounts, account.is_some()).await;
    let exit_code = if !exotel.reachable {
        UNREACHABLE_CODE
    } else if !problems.is_empty() {
        PROTECTION_CODE
    } else {
        0
    };
    Findings {
        version: env!("CARGO_PKG_VERSION"),
        os: std::env::consts::OS,
        arch: std::env::consts::ARCH,
        protections,
        problems,
        exotel,
        account,
        exit_code,
    }
}

fn protection_findings(desk: &Desk, prefs: &Preferences, w: &Words) -> Vec<ProtectionFinding> {
    lines(w, desk, prefs)
        .into_iter()
        .map(|line| {
            let support = desk.get(line.protection);
            let detail = match &support {
                agent_core::Support::Works { via } | agent_core::Support::Locked { via } => via.clone(),
                agent_core::Support::Missing { detail } => detail.clone(),
                agent_core::Support::Checking => String::new(),
            };
            ProtectionFinding {
                protection: line.protection,
                state: support.state(),
                detail,
                turned_on: prefs.relies_on(line.protection),
                line,
            }
        })
        .collect()
}

async fn reach(host: &str) -> Reach {
    let mut found = Reach {
        host: host.to_owned(),
        dns: Vec::new(),
        dns_error: None,
        tls: String::new(),
        reachable: false,
        http_status: None,
        error: None,
        said: None,
        tls_id: "cli-doctor-tls-not-reached",
        clock_skew_secs: None,
        proxy: None,
    };
    let parsed = match Host::parse(host) {
        Ok(h) => h,
        Err(e) => {
            found.error = Some(e.to_string());
            found.said = Some(host_part(&e).into());
            return found;
        }
    };
    let Ok(url) = url::Url::parse(parsed.as_str()) else { return found };
    let name = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    match tokio::net::lookup_host((name.as_str(), port)).await {
        Ok(addrs) => found.dns = addrs.map(|a| a.ip().to_string()).collect(),
        Err(e) => found.dns_error = Some(e.to_string()),
    }
    found.proxy = if parsed.is_loopback() { None } else { proxy_for(url.scheme()) };
    let http = match exotel_api::shared_http(&parsed) {
        Ok(c) => c,
        Err(e) => {
            found.error = Some(e.to_string());
            found.said = Some(api_detail(&e));
            return found;
        }
    };
    let plain = url.scheme() == "http";
    match http.get(url.clone()).send().await {
        Ok(reply) => {
            found.reachable = true;
            found.http_status = Some(reply.status().as_u16());
            (found.tls, found.tls_id) = if plain {
                ("not used (a loopback sandbox over http)".into(), "cli-doctor-tls-not-used")
            } else {
                ("verified".into(), "cli-doctor-tls-verified")
            };
            let date = reply.headers().get(reqwest::header::DATE).and_then(|d| d.to_str().ok());
            found.clock_skew_secs = date.and_then(|d| httpdate::parse_http_date(d).ok()).map(skew);
        }
        Err(e) => {
            let chain = exotel_api::error_chain(&e);
            (found.tls, found.tls_id) =
                if chain.contains("certificate") || chain.contains("tls") || chain.contains("TLS") {
                    (chain.clone(), "cli-doctor-tls-refused")
                } else if plain {
                    ("not used (a loopback sandbox over http)".into(), "cli-doctor-tls-not-used")
                } else {
                    ("not reached".into(), "cli-doctor-tls-not-reached")
                };
            let cause = exotel_api::NetCause::from_text(&chain.to_ascii_lowercase());
            found.said =
                Some(Part::new("net-cause").words("cause", format!("net-{}", cause.as_str())).into());
            found.error = Some(chain);
        }
    }
    found
}

/// Exotel's clock minus this one's, in whole seconds.
fn skew(theirs: SystemTime) -> i64 {
    let now = SystemTime::now();
    let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    match theirs.duration_since(now) {
        Ok(ahead) => secs(ahead),
        Err(behind) => -secs(behind.duration()),
    }
}

/// The proxy reqwest takes from the environment for this scheme, its user and password cut
/// out; `None` when there is none (or `NO_PROXY` is `*`).
fn proxy_for(scheme: &str) -> Option<String> {
    let var = |name: &str| {
        std::env::var(name).ok().or_else(|| std::env::var(name.to_lowercase()).ok()).filter(|v| !v.is_empty())
    };
    if var("NO_PROXY").as_deref() == Some("*") {
        return None;
    }
    let raw = if scheme == "https" { var("HTTPS_PROXY") } else { var("HTTP_PROXY") }
        .or_else(|| var("ALL_PROXY"))?;
    Some(without_password(&raw))
}

/// A proxy's address without its user and password.
fn without_password(raw: &str) -> String {
    // Without a scheme (`user:pass@host:port`, as curl accepts) it is no URL: `user:` would
    // read as one's scheme, the password as its path.
    match url::Url::parse(raw) {
        Ok(mut u) if raw.contains("://") => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        // Not a URL: only what follows an `@` (where a password would be) is shown.
        _ => raw.rsplit('@').next().unwrap_or_default().to_owned(),
    }
}

async fn account_finding(accounts: &Accounts, signed_in: bool) -> AccountFinding {
    let mut found = AccountFinding {
        signed_in,
        user_id: None,
        token_age_secs: None,
        rate_remaining: None,
        rate_limit: None,
        error: None,
        said: None,
    };
    if !signed_in {
        return found;
    }
    match accounts.token_minted_at() {
        Ok(minted) => {
            found.token_age_secs =
                minted.and_then(|at| SystemTime::now().duration_since(at).ok()).map(|d| d.as_secs());
        }
        Err(e) => (found.error, found.said) = (Some(e.to_string()), Some(e.detail())),
    }
    let session = match accounts.open_session() {
        Ok(s) => s,
        Err(e) => {
            (found.error, found.said) = (Some(e.to_string()), Some(e.detail()));
            return found;
        }
    };
    found.user_id = Some(session.user_id().to_owned());
    // One read: it checks the credentials and brings the rate limit's headers.
    if let Err(e) = session.user().await {
        (found.error, found.said) = (Some(e.to_string()), Some(api_detail(&e)));
    }
    if let Some((remaining, limit)) = session.client().rate().room(Budget::Reads) {
        found.rate_remaining = Some(remaining);
        found.rate_limit = Some(limit);
    }
    found
}

impl Findings {
    /// For people, in the agent's language: each protection, then Exotel, the account and the
    /// versions.
    pub fn lines(&self, w: &Words) -> Vec<String> {
        let mut out = vec![w.get("window-desk")];
        for p in &self.protections {
            out.push(format!("  {}: {}", p.line.name, p.line.text));
            for extra in [&p.line.problem, &p.line.hint].into_iter().flatten() {
                out.push(format!("    {extra}"));
            }
        }
        let e = &self.exotel;
        out.push(match (&e.http_status, &e.said) {
            (Some(_), _) => {
                w.text("cli-doctor-exotel", &[s("host", e.host.clone()), s("tls", w.get(e.tls_id))])
            }
            (None, said) => w.text(
                "cli-doctor-unreachable",
                &[
                    s("host", e.host.clone()),
                    s("error", said.as_ref().map(|d| d.render(w)).unwrap_or_default()),
                ],
            ),
        });
        if let Some(skew) = e.clock_skew_secs {
            out.push(w.text("cli-doctor-clock", &[s("skew", skew.to_string())]));
        }
        out.push(match &e.proxy {
            Some(proxy) => w.text("cli-doctor-proxy", &[s("proxy", proxy.clone())]),
            None => w.get("cli-doctor-no-proxy"),
        });
        let a = &self.account;
        if !a.signed_in {
            out.push(w.get("cli-doctor-signed-out"));
        }
        if let Some(age) = a.token_age_secs {
            out.push(w.text("cli-doctor-token", &[n("minutes", age / 60)]));
        }
        if let (Some(remaining), Some(limit)) = (a.rate_remaining, a.rate_limit) {
            out.push(w.text(
                "cli-doctor-rate",
                &[n("remaining", u64::from(remaining)), n("limit", u64::from(limit))],
            ));
        }
        if let Some(said) = &a.said {
            out.push(w.text("cli-doctor-account-error", &[s("error", said.render(w))]));
        }
        out.push(w.text(
            "cli-doctor-version",
            &[s("version", self.version), s("os", self.os), s("arch", self.arch)],
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxys_password_is_never_shown() {
        assert_eq!(without_password("http://agent:hunter2@proxy.corp:3128"), "http://proxy.corp:3128/");
        assert_eq!(without_password("agent:hunter2@proxy.corp:3128"), "proxy.corp:3128");
        assert_eq!(without_password("http://proxy.corp:3128"), "http://proxy.corp:3128/");
    }

    /// Exotel unreachable and the account not checked, said in Hindi: no English but the host,
    /// names and numbers (the system's own words stay in `--json`'s `error`).
    #[test]
    fn what_doctor_found_wrong_is_said_in_the_agents_language() {
        let reach = Reach {
            host: "https://api.example.in".into(),
            dns: Vec::new(),
            dns_error: None,
            tls: "not reached".into(),
            reachable: false,
            http_status: None,
            error: Some("error sending request: Connection refused (os error 111)".into()),
            said: Some(Part::new("net-cause").words("cause", "net-refused").into()),
            tls_id: "cli-doctor-tls-not-reached",
            clock_skew_secs: None,
            proxy: None,
        };
        let not_signed = agent_core::CoreError::SecretMissing;
        let account = AccountFinding {
            signed_in: true,
            user_id: Some("1".into()),
            token_age_secs: None,
            rate_remaining: None,
            rate_limit: None,
            error: Some(not_signed.to_string()),
            said: Some(not_signed.detail()),
        };
        let findings = Findings {
            version: "1.0.0",
            os: "linux",
            arch: "x86_64",
            protections: Vec::new(),
            problems: Vec::new(),
            exotel: reach,
            account,
            exit_code: UNREACHABLE_CODE,
        };
        let hi = Words::of(agent_core::words::Lang::Hi);
        let lines = findings.lines(hi);
        let said: Vec<&String> =
            lines.iter().filter(|l| l.contains("नहीं पहुँचा") || l.contains("जाँच नहीं")).collect();
        assert_eq!(said.len(), 2, "{lines:#?}");
        for line in said {
            let left =
                ["https://api.example.in", "Exotel"].iter().fold(line.clone(), |l, n| l.replace(n, ""));
            assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "English in {line:?}");
        }
        let en = findings.lines(Words::of(agent_core::words::Lang::En));
        assert!(
            en.iter().any(|l| l == "Exotel at https://api.example.in cannot be reached. The reason: the connection was refused."),
            "{en:#?}"
        );
        let json = serde_json::to_value(&findings).unwrap_or_default();
        assert_eq!(json["exotel"]["error"], "error sending request: Connection refused (os error 111)");
    }

    #[test]
    fn the_clock_skew_is_signed_towards_exotel() {
        let now = SystemTime::now();
        assert!((skew(now + Duration::from_secs(90)) - 90).abs() <= 1);
        assert!((skew(now - Duration::from_secs(90)) + 90).abs() <= 1);
    }
}
