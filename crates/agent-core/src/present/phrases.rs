//! The words for the parts of a status: an availability, a target, a source, an error's
//! kind, the agent, and the status line itself.

use exotel_api::{Availability, Device};

use crate::status::{Source, Status, Target, UserSummary, now_ms};
use crate::words::{Words, s};

use super::time::{going_offline_line, limited_line, s_left};

/// "Offline: no new calls", "Receiving calls on phone", ...
pub fn availability_words(w: &Words, a: Availability) -> String {
    w.get(&format!("status-{}", a.as_str()))
}

/// "Offline", "Phone", "Computer", "Unknown".
pub fn short_words(w: &Words, a: Availability) -> String {
    w.get(&format!("short-{}", a.as_str()))
}

/// What a change asks for, inside a sentence: "receiving calls on phone".
pub fn target_words(w: &Words, t: Target) -> String {
    w.get(&t.message_id())
}

/// Where a change came from: "from the tray".
pub fn source_words(w: &Words, source: Source) -> String {
    let word = match source {
        Source::Tray => "tray",
        Source::Window => "window",
        Source::Shortcut => "shortcut",
        Source::Cli => "cli",
        Source::Timer => "timer",
        Source::Quit => "quit",
        Source::Lock => "lock",
        Source::Sleep => "sleep",
        Source::Idle => "idle",
        Source::Sync => "sync",
        Source::Start => "start",
        Source::SignIn => "sign_in",
    };
    w.get(&format!("source-{word}"))
}

/// The device that comes back when the agent returns: "calls on your phone".
pub fn device_words(w: &Words, d: Device) -> String {
    w.get(&format!("device-{}", Availability::Receiving(d).as_str()))
}

/// The words for an error's kind: "No connection to Exotel."
pub fn kind_words(w: &Words, kind: crate::ErrorKind) -> String {
    w.get(&format!("kind-{kind}"))
}

/// What happened and what to do, in `w`'s language ([`crate::detail`]); the English `message`
/// for an error published by a version that kept no detail.
pub fn error_words(w: &Words, e: &crate::status::ErrorInfo) -> String {
    if e.detail.is_empty() { e.message.clone() } else { e.detail.render(w) }
}

/// The same without its closing full stop, for a sentence that goes on after it.
pub(crate) fn error_clause(w: &Words, e: &crate::status::ErrorInfo) -> String {
    if e.detail.is_empty() { e.message.trim_end_matches('.').to_owned() } else { e.detail.clause(w) }
}

/// "Asha Demo, +910000000000", or "user 7" when Exotel gave neither.
pub fn user_words(w: &Words, user: &UserSummary) -> String {
    user_joined(w, user, ", ")
}

/// The agent's name and number joined by `separator`, or "user 7" when Exotel gave neither.
pub(crate) fn user_joined(w: &Words, user: &UserSummary, separator: &str) -> String {
    let parts: Vec<&str> =
        [user.name.as_deref(), user.agent_number.as_deref()].into_iter().flatten().collect();
    if parts.is_empty() {
        w.text("user-id", &[s("id", user.user_id.as_str())])
    } else {
        parts.join(separator)
    }
}

/// One line for people: "Receiving calls on phone (Asha Demo, +910000000000)".
pub fn status_sentence(w: &Words, status: &Status) -> String {
    let line = availability_words(w, status.availability);
    match &status.user {
        Some(u) => w.text("tooltip-named", &[s("line", line), s("name", user_words(w, u))]),
        None => line,
    }
}

/// "Receiving calls on phone", "Switching: …", "Signed out".
pub fn status_line(w: &Words, s: &Status) -> String {
    if !s.signed_in {
        return w.get("line-signed-out");
    }
    if let Some(going) = s.going_offline {
        return going_offline_line(w, going.next_at, now_ms());
    }
    if let (Some(_), Some(wait)) = (s.pending, s.limited) {
        return limited_line(w, wait.until, now_ms());
    }
    if let Some(target) = s.pending {
        return w.text("line-switching", &[crate::words::s("target", capitalise(&target_words(w, target)))]);
    }
    if let (Some(until), Availability::Offline) = (s.break_until, s.availability) {
        return w.text("line-break", &[s_left(w, until)]);
    }
    if let (Some(device), Availability::Offline) = (s.parked, s.availability) {
        return w.text("line-parked", &[crate::words::s("device", device_words(w, device))]);
    }
    match (s.availability, &s.last_error) {
        (Availability::Unknown, Some(_)) => w.get("line-unknown-error"),
        (a, _) => availability_words(w, a),
    }
}

/// The text with its first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The text with its first letter in lower case, for a status inside a sentence ("Now
/// receiving calls on phone"); scripts without case are left as they are.
pub(super) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}
