//! What `exotel-agent` prints and the exit code it ends with. One line for people, one JSON
//! object with `--json`; never a secret (only [`Status`]/[`UserSummary`], which hold none).

use std::process::ExitCode;

use agent_core::present::view::ChangeLine;
use agent_core::present::{availability_words, capitalise, iso_time, status_sentence, user_words};
use agent_core::words::{Words, s};
use agent_core::{Change, CoreError, Field, KeyringError, Status, UserSummary, now_ms};
use exotel_api::{ApiError, Availability, User};
use serde_json::{Value, json};

/// The outcome of one command.
#[derive(Debug)]
pub enum Report {
    Status(Status),
    SignedIn {
        host: String,
        user: UserSummary,
        availability: Availability,
    },
    SignedOut,
    History(Vec<Change>),
    /// What `doctor` found.
    Doctor(Box<crate::doctor::Findings>),
    /// Each setting in force and where it came from, and the policies ignored.
    Settings {
        listed: Vec<agent_core::policy::Listed>,
        problems: Vec<agent_core::policy::Problem>,
    },
    /// What the update channel offers (`found` is none when updates are off).
    Update {
        rules: agent_core::updates::UpdateRules,
        current: &'static str,
        found: Option<Result<Option<agent_core::updates::Offer>, agent_core::updates::UpdateError>>,
    },
    /// A failure, with the status Exotel last confirmed in this run, if a controller ran.
    Failed {
        error: CoreError,
        status: Option<Status>,
    },
}

impl Report {
    pub fn status(status: Status) -> Self {
        Report::Status(status)
    }

    pub fn signed_in(host: &str, user_id: &str, user: &User) -> Self {
        Report::SignedIn {
            host: host.to_owned(),
            user: UserSummary::from_user(user_id, user),
            availability: user.availability(),
        }
    }

    pub fn signed_out() -> Self {
        Report::SignedOut
    }

    pub fn history(changes: Vec<Change>) -> Self {
        Report::History(changes)
    }

    pub fn failed(error: CoreError, status: Option<Status>) -> Self {
        Report::Failed { error, status }
    }

    pub fn code(&self) -> ExitCode {
        match self {
            Report::Failed { error, .. } => ExitCode::from(exit_code(error)),
            Report::Doctor(findings) => ExitCode::from(findings.exit_code),
            Report::Update { found: Some(Err(_)), .. } => ExitCode::from(4),
            _ => ExitCode::SUCCESS,
        }
    }

    #[allow(clippy::print_stdout)] // printing is this module's job
    pub fn print(&self, json: bool, w: &Words) {
        if json {
            println!("{}", self.json());
        } else if let Some(line) = self.human(w) {
            println!("{line}");
        }
        if let Report::Failed { error, status } = self {
            eprintln!("exotel-agent: {}", failure_sentence(w, error, status.as_ref()));
        }
        if let Report::Update { found: Some(Err(e)), .. } = self {
            eprintln!("exotel-agent: {}", e.detail().render(w));
        }
    }

    /// The line for people, in the agent's language.
    fn human(&self, w: &Words) -> Option<String> {
        match self {
            Report::Status(st) => Some(status_sentence(w, st)),
            Report::SignedIn { host, user, availability } => Some(w.text(
                "cli-signed-in",
                &[
                    s("user", user_words(w, user)),
                    s("host", host.as_str()),
                    s("status", availability_words(w, *availability)),
                ],
            )),
            Report::SignedOut => Some(w.get("cli-signed-out")),
            Report::History(changes) if changes.is_empty() => Some(w.get("cli-no-changes")),
            Report::History(changes) => {
                let now = now_ms();
                Some(changes.iter().map(|c| history_line(w, c, now)).collect::<Vec<_>>().join("\n"))
            }
            Report::Doctor(findings) => Some(findings.lines(w).join("\n")),
            Report::Settings { listed, problems } => {
                let lines = listed.iter().map(|l| setting_line(w, l));
                let ignored =
                    problems.iter().map(|p| w.text("cli-settings-problem", &[s("problem", p.words(w))]));
                Some(lines.chain(ignored).collect::<Vec<_>>().join("\n"))
            }
            Report::Update { found: None, .. } => Some(w.get("update-off")),
            Report::Update { current, found: Some(Ok(None)), .. } => {
                Some(w.text("update-up-to-date", &[s("version", *current)]))
            }
            Report::Update { current, found: Some(Ok(Some(offer))), .. } => Some(
                w.text("update-ready-cli", &[s("version", offer.version.as_str()), s("current", *current)]),
            ),
            Report::Failed { .. } | Report::Update { found: Some(Err(_)), .. } => None,
        }
    }

    fn json(&self) -> Value {
        match self {
            Report::Status(s) => status_json(s.availability, s.user.as_ref(), None),
            Report::SignedIn { host, user, availability } => {
                let mut v = status_json(*availability, Some(user), None);
                v["host"] = json!(host);
                v["signed_in"] = json!(true);
                v
            }
            Report::SignedOut => json!({ "signed_in": false }),
            Report::History(changes) => {
                json!({ "changes": changes.iter().map(change_json).collect::<Vec<_>>() })
            }
            Report::Doctor(findings) => serde_json::to_value(findings).unwrap_or_default(),
            Report::Settings { listed, problems } => {
                let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                json!({ "settings": listed, "problems": problems })
            }
            Report::Update { rules, current, found } => {
                let offer = found.as_ref().and_then(|f| f.as_ref().ok()).and_then(Option::as_ref);
                let error = found.as_ref().and_then(|f| f.as_ref().err());
                json!({
                    "updates": if rules.enabled { "on" } else { "off" },
                    "channel": rules.channel,
                    "install": rules.install,
                    "current": current,
                    "available": offer.is_some(),
                    "version": offer.map(|o| o.version.as_str()),
                    "notes": offer.and_then(|o| o.notes.as_deref()),
                    "error": error.map(|e| json!({ "kind": e.kind(), "message": e.to_string() })),
                })
            }
            Report::Failed { error, status } => {
                let availability = status.as_ref().map_or(Availability::Unknown, |s| s.availability);
                status_json(availability, status.as_ref().and_then(|s| s.user.as_ref()), Some(error))
            }
        }
    }
}

/// `offline_on_lock = true  (set by your organisation: HKLM\…)`, in the agent's language.
fn setting_line(w: &Words, l: &agent_core::policy::Listed) -> String {
    use agent_core::policy::From;
    let value = match &l.value {
        Value::String(text) => format!("{text:?}"),
        other => other.to_string(),
    };
    let (id, origin) = match &l.from {
        From::Enforced(origin) => ("cli-settings-enforced", origin.as_str()),
        From::Own => ("cli-settings-own", ""),
        From::Default(origin) => ("cli-settings-default", origin.as_str()),
        From::BuiltIn => ("cli-settings-built-in", ""),
    };
    w.text(id, &[s("name", l.name.as_str()), s("value", value), s("origin", origin)])
}

/// `today 10:42  Offline → Phone, from the tray`, or for a failed change what was asked and
/// why it was not done: the window's line ([`ChangeLine`]), in the agent's language and time.
fn history_line(w: &Words, c: &Change, now: u64) -> String {
    let line = ChangeLine::new(w, c, now);
    format!("{}  {}", line.time, line.text)
}

/// A change as `--json` gives it: the machine form (epoch milliseconds, English words) and
/// `time`, the same moment in ISO 8601 with this computer's offset.
fn change_json(c: &Change) -> Value {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    v["time"] = json!(iso_time(c.at));
    v
}

fn status_json(availability: Availability, user: Option<&UserSummary>, error: Option<&CoreError>) -> Value {
    json!({
        "availability": availability,
        "user_id": user.map(|u| u.user_id.as_str()),
        "name": user.and_then(|u| u.name.as_deref()),
        "agent_number": user.and_then(|u| u.agent_number.as_deref()),
        "error": error.map(|e| {
            let info = e.info();
            json!({ "kind": info.kind, "message": info.message, "cause": info.cause, "field": info.field })
        }),
    })
}

/// One sentence a person can act on. When Exotel may not have done what was asked, it also
/// says what Exotel last confirmed.
fn failure_sentence(w: &Words, error: &CoreError, status: Option<&Status>) -> String {
    // What happened and what to do, in the agent's language; Exotel's own words quoted.
    let mut sentence = capitalise(&error.detail().render(w));
    if exit_code(error) == 4 {
        let last = match status.map(|st| st.availability) {
            Some(Availability::Unknown) | None => w.get("cli-none-confirmed"),
            Some(a) => w.text("cli-last-confirmed", &[s("status", availability_words(w, a))]),
        };
        sentence = format!("{sentence} {last}");
    }
    sentence
}

/// The documented exit codes: 2 bad input, 3 not signed in or credentials refused, 4 network
/// or server, 5 keyring; 1 for anything else (a settings file that cannot be written).
pub fn exit_code(error: &CoreError) -> u8 {
    match error {
        CoreError::InvalidInput { .. } | CoreError::BadRequest(_) => 2,
        CoreError::Enforced { .. } => 7,
        CoreError::Rejected { field: Field::Secret | Field::AppId, .. } => 3,
        CoreError::Rejected { source, .. } | CoreError::Api(source) => api_exit_code(source),
        CoreError::NotSignedIn | CoreError::SecretMissing => 3,
        CoreError::Unconfirmed { .. } => 4,
        CoreError::Keyring(
            KeyringError::Locked(_) | KeyringError::Unavailable(_) | KeyringError::Failed(_),
        ) => 5,
        CoreError::Settings(_)
        | CoreError::Stopped
        | CoreError::Starting
        | CoreError::Sandbox(_)
        | CoreError::Internal => 1,
    }
}

fn api_exit_code(e: &ApiError) -> u8 {
    match e {
        ApiError::InvalidHost(_) | ApiError::InvalidRequest { .. } | ApiError::NotFound { .. } => 2,
        ApiError::BadCredentials | ApiError::Unauthorized { .. } | ApiError::AccountChanged => 3,
        ApiError::RateLimited { .. }
        | ApiError::Server { .. }
        | ApiError::Network { .. }
        | ApiError::Timeout
        | ApiError::Malformed { .. } => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_documented_exit_code() {
        let api = |e: ApiError| exit_code(&CoreError::Api(e));
        assert_eq!(api(ApiError::Timeout), 4);
        assert_eq!(api(ApiError::Server { status: 500, message: String::new(), reply: None }), 4);
        assert_eq!(api(ApiError::RateLimited { retry_after: None }), 4);
        assert_eq!(api(ApiError::Unauthorized { message: String::new() }), 3);
        assert_eq!(api(ApiError::NotFound { message: String::new() }), 2);
        assert_eq!(exit_code(&CoreError::NotSignedIn), 3);
        assert_eq!(api(ApiError::AccountChanged), 3);
        assert_eq!(exit_code(&CoreError::Keyring(KeyringError::Locked("x".into()))), 5);
        assert_eq!(
            exit_code(&CoreError::Rejected { field: Field::Secret, source: ApiError::BadCredentials }),
            3
        );
        assert_eq!(exit_code(&CoreError::Rejected { field: Field::Host, source: ApiError::Timeout }), 4);
    }

    #[test]
    fn failures_that_leave_the_state_open_say_what_exotel_last_confirmed() {
        let status = Status { availability: Availability::Offline, ..Status::default() };
        let en = Words::of(agent_core::words::Lang::En);
        let s = failure_sentence(en, &CoreError::Api(ApiError::Timeout), Some(&status));
        assert!(
            s.starts_with("Exotel did not answer in time")
                && s.ends_with("Exotel last confirmed: Offline: no new calls."),
            "{s}"
        );
        let hi = Words::of(agent_core::words::Lang::Hi);
        let s = failure_sentence(hi, &CoreError::Api(ApiError::Timeout), Some(&status));
        assert!(s.starts_with("Exotel ने समय पर जवाब नहीं दिया।"), "{s}");
        assert!(s.ends_with("Exotel ने आख़िरी बार बताया: ऑफ़लाइन: नई कॉल नहीं आएँगी।"), "{s}");
    }
}
