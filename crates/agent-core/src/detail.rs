//! What an error says, as catalog messages with their arguments ([`Detail`]): rendered in the
//! agent's language where it is shown (the window, a notification, the command line), in
//! English for `--json` and the log. The one place that says which words each failure gets:
//! [`api_detail`] for Exotel's, [`crate::CoreError::detail`] for the app's own.
//!
//! What Exotel wrote itself (its `Error` text, a proxy page's title) is quoted as it wrote it,
//! marked as Exotel's words; the system's own words (an OS error's text) are not part of the
//! detail but its `cause`, kept for the log and `--json`.

use std::collections::BTreeMap;

use exotel_api::{ApiError, DEFAULT_HOST, HostError, Shape};
use serde::{Deserialize, Serialize};

use crate::words::{Arg, Lang, Words, n, s};

/// One argument of a [`Part`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Value {
    Number(u64),
    /// Text shown as it is: a host, what the agent typed, Exotel's own words.
    Text(String),
    /// The catalog message of this id, in the same language (a target, a reply's kind).
    Words(String),
}

/// One catalog message with its arguments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Value>,
}

impl Part {
    pub fn new(id: &str) -> Self {
        Self { id: id.to_owned(), args: BTreeMap::new() }
    }

    #[must_use]
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.args.insert(name.to_owned(), Value::Text(value.into()));
        self
    }

    #[must_use]
    pub fn number(mut self, name: &str, value: u64) -> Self {
        self.args.insert(name.to_owned(), Value::Number(value));
        self
    }

    #[must_use]
    pub fn words(mut self, name: &str, id: impl Into<String>) -> Self {
        self.args.insert(name.to_owned(), Value::Words(id.into()));
        self
    }

    /// The message in `w`'s language.
    pub fn render(&self, w: &Words) -> String {
        w.text(&self.id, &self.args_in(w))
    }

    /// Its arguments as `w` renders them (a catalog id as that message in `w`'s language).
    pub fn args_in(&self, w: &Words) -> Vec<Arg<'_>> {
        self.args
            .iter()
            .map(|(name, value)| match value {
                Value::Number(v) => n(name, *v),
                Value::Text(t) => s(name, t.as_str()),
                Value::Words(id) => s(name, w.get(id)),
            })
            .collect()
    }
}

/// What an error says: its sentences, in order ("Exotel had a server error (HTTP 502).", "The
/// reply was an HTML page.", "Try again in a minute.").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Detail(pub Vec<Part>);

impl Detail {
    /// The sentences in `w`'s language, one after the other.
    pub fn render(&self, w: &Words) -> String {
        self.0.iter().map(|p| p.render(w)).collect::<Vec<_>>().join(" ")
    }

    /// The same without its closing full stop, for a sentence that goes on after it.
    pub fn clause(&self, w: &Words) -> String {
        self.render(w).trim_end_matches(['.', '।']).to_owned()
    }

    /// In English: `--json`'s `message` and the log's.
    pub fn english(&self) -> String {
        self.render(Words::of(Lang::En))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Part> for Detail {
    fn from(part: Part) -> Self {
        Detail(vec![part])
    }
}

/// "Exotel said: “…”", when Exotel gave its own words.
fn said(message: &str) -> Option<Part> {
    (!message.is_empty()).then(|| Part::new("exotel-said").text("said", message))
}

/// What a reply was, in words.
pub fn shape_part(shape: &Shape) -> Part {
    match shape {
        Shape::Empty => Part::new("reply-empty"),
        Shape::Json(kind) => Part::new("reply-json").words("json", format!("json-{}", kind.as_str())),
        Shape::Html { title: Some(title) } => Part::new("reply-html-titled").text("title", title.as_str()),
        Shape::Html { title: None } => Part::new("reply-html"),
        Shape::NotJson { bytes } => Part::new("reply-not-json").number("bytes", *bytes as u64),
        Shape::TooLarge { kib } => Part::new("reply-too-large").number("kib", *kib as u64),
        Shape::NoData => Part::new("reply-no-data"),
        Shape::WrongData(kind) => {
            Part::new("reply-data-wrong").words("json", format!("json-{}", kind.as_str()))
        }
        Shape::EmptyToken => Part::new("reply-token-empty"),
    }
}

/// Why a host was refused, in words.
pub fn host_part(e: &HostError) -> Part {
    match e {
        HostError::Empty => Part::new("error-host-empty").text("example", DEFAULT_HOST),
        HostError::NotAUrl(input) => {
            Part::new("error-host-not-url").text("input", input.as_str()).text("example", DEFAULT_HOST)
        }
        HostError::NotHttps(input) => Part::new("error-host-not-https").text("input", input.as_str()),
        HostError::HasExtras(input) => Part::new("error-host-extras").text("input", input.as_str()),
    }
}

/// What a failure talking to Exotel says, and what to do.
pub fn api_detail(e: &ApiError) -> Detail {
    let parts: Vec<Option<Part>> = match e {
        ApiError::InvalidHost(h) => vec![Some(host_part(h))],
        ApiError::BadCredentials => vec![Some(Part::new("error-bad-credentials"))],
        ApiError::Unauthorized { message } => vec![Some(Part::new("error-unauthorized")), said(message)],
        ApiError::InvalidRequest { message } => vec![Some(Part::new("error-invalid")), said(message)],
        ApiError::NotFound { message } => vec![Some(Part::new("error-not-found")), said(message)],
        ApiError::RateLimited { retry_after: Some(wait) } => {
            vec![Some(Part::new("error-rate-limited-seconds").number("seconds", wait.as_secs().max(1)))]
        }
        ApiError::RateLimited { retry_after: None } => vec![Some(Part::new("error-rate-limited"))],
        ApiError::Server { status, message, reply } => vec![
            Some(Part::new("error-server").number("status", u64::from(*status))),
            said(message),
            reply.as_ref().map(shape_part),
            Some(Part::new("todo-try-in-a-minute")),
        ],
        ApiError::Network { cause, host, .. } => {
            let cause_words = format!("net-{}", cause.as_str());
            let first = match host {
                Some(h) => Part::new("error-network-host").text("host", h.as_str()),
                None => Part::new("error-network"),
            };
            vec![Some(first.words("cause", cause_words)), Some(Part::new("todo-check-network"))]
        }
        ApiError::Timeout => vec![Some(Part::new("error-timeout"))],
        ApiError::Malformed { status, shape } => vec![
            Some(Part::new("error-malformed").number("status", u64::from(*status))),
            Some(shape_part(shape)),
        ],
        ApiError::AccountChanged => vec![Some(Part::new("error-account-changed"))],
    };
    Detail(parts.into_iter().flatten().collect())
}

/// The system's own words about a failure, when it has some (a network error's, for the log
/// and `--json`; never shown in a language they are not in).
pub fn api_cause(e: &ApiError) -> Option<String> {
    match e {
        ApiError::Network { text, .. } if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::time::Duration;

    use exotel_api::{JsonKind, NetCause};

    use super::*;
    use crate::{CoreError, Field, KeyringError, Target};

    /// Values from outside, in Latin letters: in a Hindi line they may appear only where they
    /// are quoted or named, never as the app's own words.
    const HOST: &str = "api.example.in";
    const TYPED: &str = "ftp://typed.example";
    const EXOTEL_SAYS: &str = "bad UserId";
    const SYSTEM_SAYS: &str = "Connection refused (os error 111)";

    fn every_shape() -> Vec<Shape> {
        let kinds = [
            JsonKind::Null,
            JsonKind::Bool,
            JsonKind::Number,
            JsonKind::String,
            JsonKind::List,
            JsonKind::Object,
        ];
        let mut shapes = vec![
            Shape::Empty,
            Shape::Html { title: Some("502 Bad Gateway".into()) },
            Shape::Html { title: None },
            Shape::NotJson { bytes: 19 },
            Shape::TooLarge { kib: 1024 },
            Shape::NoData,
            Shape::EmptyToken,
        ];
        shapes.extend(kinds.iter().map(|k| Shape::Json(*k)));
        shapes.extend(kinds.iter().map(|k| Shape::WrongData(*k)));
        // A new shape fails to compile here until it is in the list above.
        for s in &shapes {
            match s {
                Shape::Empty
                | Shape::Json(_)
                | Shape::Html { .. }
                | Shape::NotJson { .. }
                | Shape::TooLarge { .. }
                | Shape::NoData
                | Shape::WrongData(_)
                | Shape::EmptyToken => {}
            }
        }
        shapes
    }

    /// Every error the agent can meet, with each shape of its arguments.
    fn every_error() -> Vec<CoreError> {
        let mut api = vec![
            ApiError::InvalidHost(HostError::Empty),
            ApiError::InvalidHost(HostError::NotAUrl(TYPED.into())),
            ApiError::InvalidHost(HostError::NotHttps(TYPED.into())),
            ApiError::InvalidHost(HostError::HasExtras(TYPED.into())),
            ApiError::BadCredentials,
            ApiError::Timeout,
            ApiError::AccountChanged,
            ApiError::RateLimited { retry_after: Some(Duration::from_secs(7)) },
            ApiError::RateLimited { retry_after: None },
        ];
        for message in ["", EXOTEL_SAYS] {
            api.push(ApiError::Unauthorized { message: message.into() });
            api.push(ApiError::InvalidRequest { message: message.into() });
            api.push(ApiError::NotFound { message: message.into() });
            api.push(ApiError::Server { status: 503, message: message.into(), reply: None });
        }
        for shape in every_shape() {
            api.push(ApiError::Server { status: 502, message: String::new(), reply: Some(shape.clone()) });
            api.push(ApiError::Malformed { status: 200, shape });
        }
        for cause in [NetCause::Dns, NetCause::Refused, NetCause::Tls, NetCause::Dropped, NetCause::Other] {
            for host in [None, Some(HOST.to_owned())] {
                api.push(ApiError::Network { cause, host, text: SYSTEM_SAYS.into() });
            }
        }
        let mut all: Vec<CoreError> = api.iter().cloned().map(CoreError::Api).collect();
        all.extend(api.into_iter().map(|source| CoreError::Rejected { field: Field::Host, source }));
        all.extend([
            CoreError::Unconfirmed { target: Target::Offline },
            CoreError::Unconfirmed { target: Target::Receiving(exotel_api::Device::Phone) },
            CoreError::Unconfirmed { target: Target::Receiving(exotel_api::Device::Sip) },
            CoreError::NotSignedIn,
            CoreError::SecretMissing,
            CoreError::Keyring(KeyringError::Locked(SYSTEM_SAYS.into())),
            CoreError::Keyring(KeyringError::Unavailable(SYSTEM_SAYS.into())),
            CoreError::Keyring(KeyringError::Failed(SYSTEM_SAYS.into())),
            CoreError::Settings(SYSTEM_SAYS.into()),
            CoreError::Stopped,
            CoreError::Starting,
            CoreError::Enforced { setting: "offline_on_lock".into() },
            CoreError::Sandbox(SYSTEM_SAYS.into()),
            CoreError::Internal,
        ]);
        for id in ["error-app-id-empty", "error-secret-empty", "error-user-id-empty", "error-user-id-control"]
        {
            all.push(CoreError::InvalidInput { field: Field::AppId, detail: Part::new(id) });
        }
        all.extend([
            CoreError::BadRequest(Part::new("error-no-such-setting").text("name", "offline_on_lok")),
            CoreError::BadRequest(Part::new("error-setting-wrong-kind")),
            CoreError::BadRequest(Part::new("error-break-length").number("hours", 12)),
            CoreError::BadRequest(Part::new("error-set-usage").text("input", "offline_on_lock")),
            CoreError::BadRequest(Part::new("error-request-unreadable")),
            CoreError::InvalidInput { field: Field::Secret, detail: Part::new("error-secret-unreadable") },
            CoreError::InvalidInput { field: Field::Secret, detail: Part::new("error-secret-no-terminal") },
        ]);
        all
    }

    /// The Hindi line with what may stay in Latin letters taken out: quoted text (Exotel's
    /// words, what was typed), the values given, names and numbers.
    fn app_words(line: &str) -> String {
        let mut out = crate::words::outside_quotes(line);
        for value in [
            HOST,
            DEFAULT_HOST,
            "offline_on_lock",
            "exotel-agent login",
            "--secret-stdin",
            "--set",
            "GNOME Keyring",
            "KeePassXC",
            "Linux",
            "https://",
            "https",
            "HTTP",
            "http",
            "Exotel",
        ] {
            out = out.replace(value, "");
        }
        out
    }

    #[test]
    fn every_error_has_its_words_in_every_language_and_no_english_in_the_hindi() {
        let (en, hi) = (Words::of(Lang::En), Words::of(Lang::Hi));
        for e in every_error() {
            let detail = e.detail();
            assert!(!detail.is_empty(), "{e:?} says something");
            for part in &detail.0 {
                for w in [en, hi] {
                    let text = w
                        .render(&part.id, &part.args_in(w))
                        .unwrap_or_else(|(t, why)| panic!("{e:?} {}: {why} ({t})", part.id));
                    assert!(!text.contains('{'), "{text}");
                    for v in part.args.values() {
                        if let Value::Words(id) = v {
                            assert!(w.has(id), "{:?} has {id}", w.lang());
                        }
                    }
                }
            }
            let english = detail.render(en);
            assert_eq!(e.to_string().split(" (Connection refused").next(), Some(english.as_str()), "{e:?}");
            assert!(english.ends_with('.'), "{english}");
            let hindi = detail.render(hi);
            let left = app_words(&hindi);
            assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "{e:?}: English in {hindi:?}");
            assert!(hindi.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)), "{hindi}");
            // The system's own words are for the log and --json, in no language's line.
            assert!(!english.contains(SYSTEM_SAYS) && !hindi.contains(SYSTEM_SAYS), "{english}");
            // Exotel's own words are quoted, as it wrote them.
            if matches!(&e, CoreError::Api(ApiError::InvalidRequest { message }) if !message.is_empty()) {
                assert!(hindi.contains(&format!("“{EXOTEL_SAYS}”")), "{hindi}");
            }
        }
    }

    #[test]
    fn a_detail_is_kept_and_read_back_as_it_was() {
        for e in every_error() {
            let info = e.info();
            let json = serde_json::to_string(&info).unwrap();
            let back: crate::ErrorInfo = serde_json::from_str(&json).unwrap();
            assert_eq!(back, info);
            assert_eq!(info.message, e.detail().english());
        }
        // An error published by an older version, with no detail, still reads.
        let old = r#"{"kind":"network","message":"refused","field":null,"at":5}"#;
        let info: crate::ErrorInfo = serde_json::from_str(old).unwrap();
        assert!(info.detail.is_empty() && info.message == "refused");
    }
}
