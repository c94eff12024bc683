//! The words of the status: what is asked for (`Target`, `Source`) and what is published
//! (`Status`, `Change`, `UserSummary`). Everything here is safe to hand to a UI: no secrets.

use std::time::{SystemTime, UNIX_EPOCH};

use exotel_api::{Availability, Device, User, printable};
use serde::{Deserialize, Serialize};

/// What a change asks Exotel for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "target", content = "device")]
pub enum Target {
    Offline,
    Receiving(Device),
}

impl Target {
    /// The availability that confirms this target.
    pub fn availability(self) -> Availability {
        match self {
            Target::Offline => Availability::Offline,
            Target::Receiving(d) => Availability::Receiving(d),
        }
    }

    /// The catalog message that names this target inside a sentence (`target-phone`): the
    /// one rule for it, used by the words shown ([`crate::present::target_words`]) and by
    /// the errors' English details.
    pub fn message_id(self) -> String {
        format!("target-{}", self.availability().as_str())
    }
}

/// Where a request came from; shown in notifications and history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Tray,
    Window,
    Shortcut,
    Cli,
    /// A timed break starting or ending.
    Timer,
    Quit,
    Lock,
    Sleep,
    /// No keyboard or mouse input for a while (and input again).
    Idle,
    /// A read found Exotel's state different from the last one known.
    Sync,
    /// The first read after the app starts.
    Start,
    /// The first read after signing in.
    SignIn,
}

/// The sign-in input an error is about, so a form can show it next to that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Host,
    AppId,
    Secret,
    UserId,
}

/// An error as published: `{kind, message, detail, cause, field, at}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub kind: crate::ErrorKind,
    /// What happened and what to do, in English (`--json`'s and the log's).
    pub message: String,
    /// The same as catalog messages, for each place to say in the agent's language
    /// ([`crate::present::error_words`]).
    #[serde(default)]
    pub detail: crate::detail::Detail,
    /// The system's own words, if any (an OS error's text): for the log and `--json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    pub field: Option<Field>,
    pub at: UnixMillis,
}

/// Milliseconds since the Unix epoch (what the UI and history files store).
pub type UnixMillis = u64;

pub fn now_ms() -> UnixMillis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// How a change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Exotel confirmed the new state.
    Confirmed,
    /// The request failed; the state is the last confirmed one (or unknown).
    Failed,
}

/// One change of availability, or one failed attempt at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: UnixMillis,
    pub from: Availability,
    pub to: Availability,
    pub source: Source,
    pub outcome: Outcome,
    /// What was asked for (none for a change found by a read).
    pub target: Option<Target>,
    /// The error's kind when the outcome is `Failed`.
    pub error_kind: Option<crate::ErrorKind>,
    /// How many times the app sent it: more than one for an away-offline Exotel confirmed only
    /// after retries ([`GoingOffline`]), whose failed retries are not recorded one by one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
}

/// The agent as shown: no secrets (no `SipSecret`, no token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub user_id: String,
    pub name: Option<String>,
    pub agent_number: Option<String>,
    pub email: Option<String>,
    pub virtual_number: Option<String>,
}

impl UserSummary {
    /// Only printable text is kept ([`exotel_api::printable`]): a name or number from Exotel
    /// reaches a terminal, a notification and a tooltip, where an escape sequence or a
    /// bidirectional override would disguise or garble it.
    pub fn from_user(user_id: &str, user: &User) -> Self {
        let clean = |s: &Option<String>| s.as_deref().map(printable).filter(|s| !s.is_empty());
        Self {
            user_id: printable(user_id),
            name: user.display_name().map(printable).filter(|s| !s.is_empty()),
            agent_number: clean(&user.agent_number),
            email: clean(&user.email),
            virtual_number: clean(&user.virtual_number),
        }
    }
}

/// Everything the controller publishes. Each subscriber (tray, window, notifier, CLI) reads
/// this one value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// What Exotel last confirmed (or `Unknown`).
    pub availability: Availability,
    pub signed_in: bool,
    /// Signed in to a sandbox (the app's built-in one), not to Exotel: nothing here changes
    /// the agent's real status, and nothing is kept in the history.
    #[serde(default)]
    pub sandbox: bool,
    pub user: Option<UserSummary>,
    /// A change in flight.
    pub pending: Option<Target>,
    pub last_change: Option<Change>,
    pub last_error: Option<ErrorInfo>,
    /// When Exotel last confirmed the availability.
    pub confirmed_at: Option<UnixMillis>,
    /// The latest changes and failed attempts, newest first, at most [`RECENT_CHANGES`].
    pub recent: Vec<Change>,
    /// When the timed break in progress ends, if one is.
    pub break_until: Option<UnixMillis>,
    /// The device the app will turn back on when the agent returns (it turned it off itself
    /// when they went away, or their break ended while they were away).
    #[serde(default)]
    pub parked: Option<Device>,
    /// The change in flight waits for Exotel's rate limit: it is sent again at `until`.
    #[serde(default)]
    pub limited: Option<RateWait>,
    /// Going away asked for offline and Exotel has not confirmed it yet: the app keeps trying
    /// (R1 through an outage, [`crate::away`]).
    #[serde(default)]
    pub going_offline: Option<GoingOffline>,
    /// Grows by one on each publish, so subscribers can tell updates apart.
    pub revision: u64,
}

/// A change held back by Exotel's rate limit (HTTP 429 and its `Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateWait {
    /// The wait, in whole seconds, as it began.
    pub seconds: u64,
    /// When the change is sent again.
    pub until: UnixMillis,
}

/// An away-offline that failed and is being tried again until Exotel confirms it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoingOffline {
    /// What sent the agent away (lock, sleep or idle).
    pub source: Source,
    /// The attempts so far, the first one included.
    pub attempts: u32,
    /// When the next attempt is sent (sooner if the computer wakes or the network returns).
    pub next_at: UnixMillis,
}

impl Default for Status {
    fn default() -> Self {
        Self {
            availability: Availability::Unknown,
            signed_in: false,
            sandbox: false,
            user: None,
            pending: None,
            last_change: None,
            last_error: None,
            confirmed_at: None,
            recent: Vec::new(),
            break_until: None,
            parked: None,
            limited: None,
            going_offline: None,
            revision: 0,
        }
    }
}

/// How many changes [`Status::recent`] keeps.
pub const RECENT_CHANGES: usize = 20;

impl Status {
    /// Exotel confirmed the agent offline at `at` or later (a reply, or a read after a failed
    /// change that found it so): what ends an away-offline owed or a quit's offline.
    pub fn confirmed_offline_since(&self, at: UnixMillis) -> bool {
        self.availability == Availability::Offline && self.confirmed_at.is_some_and(|c| c >= at)
    }

    /// Records a change as the last one and at the head of the recent ones.
    pub(crate) fn record(&mut self, change: Change) {
        self.recent.insert(0, change.clone());
        self.recent.truncate(RECENT_CHANGES);
        self.last_change = Some(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_exotel_reach_people_as_printable_text() {
        let user = User {
            exotel_user_name: Some("\u{1b}]0;pwned\u{7}Asha\u{202E}omeD".into()),
            agent_number: Some("+91\u{1b}[2J000".into()),
            email: Some("\u{0}".into()),
            ..User::default()
        };
        let summary = UserSummary::from_user("1\r\n", &user);
        assert_eq!(summary.name.as_deref(), Some("]0;pwned AshaomeD"));
        assert_eq!(summary.agent_number.as_deref(), Some("+91 [2J000"));
        assert_eq!(summary.email, None, "nothing printable is nothing");
        assert_eq!(summary.user_id, "1");
    }
}
