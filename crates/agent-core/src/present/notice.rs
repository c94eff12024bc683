//! Notifications: which one is due for a change of status ([`notice`]), whether the agent's
//! settings let it show ([`wanted`]), and its body made safe for the notification servers.

use exotel_api::Availability;

use crate::status::{Outcome, Source, Status, Target};
use crate::words::{Words, s};

use super::phrases::{availability_words, capitalise, device_words, lower_first, source_words, target_words};
use super::time::Moment;

/// A notification's body as the freedesktop notification servers read it: they interpret a
/// small markup (`<b>`, `<a href>`, entities), so text from Exotel (an error, a name) is
/// escaped and shows as written. Linux only; other platforms show the body as plain text.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// A failure (shown with more urgency).
    pub failure: bool,
    /// Which setting decides whether it is shown ([`wanted`]).
    pub kind: NoticeKind,
}

/// What a notification is about, as the agent's notification settings group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A change the agent made (tray, window, shortcut, command line).
    Mine,
    /// A change made elsewhere (a supervisor) or by the app (a break, a lock, idle, start).
    Elsewhere,
    /// A change that failed, or the app itself in trouble.
    Failure,
}

impl NoticeKind {
    /// The kind of a confirmed change made from `source`.
    pub fn of(source: Source) -> Self {
        match source {
            Source::Tray | Source::Window | Source::Shortcut | Source::Cli => NoticeKind::Mine,
            _ => NoticeKind::Elsewhere,
        }
    }
}

impl Notice {
    /// A notice about the app itself (a quit that could not go offline, a bug), from two
    /// catalog messages.
    pub fn from_words(w: &Words, title: &str, body: &str, args: &[crate::words::Arg<'_>]) -> Self {
        Notice { title: w.get(title), body: w.text(body, args), failure: true, kind: NoticeKind::Failure }
    }
}

/// At start, for a quit whose offline failed ([`crate::Agent::untold_quit_failure`]): "When you
/// last quit, going offline failed", with what Exotel last said.
pub fn last_quit_notice(w: &Words, failed: &crate::status::Change) -> Notice {
    Notice::from_words(
        w,
        "notice-last-quit-failed",
        "notice-last-quit-failed-body",
        &[s("status", lower_first(&availability_words(w, failed.to)))],
    )
}

/// Whether the agent's settings let `notice` show at `moment`: each kind has its switch;
/// "Quiet for 1 hour" silences changes, never failures.
pub fn wanted(notice: &Notice, prefs: &crate::settings::Preferences, moment: &Moment) -> bool {
    let quiet = moment.quiet_until.is_some_and(|until| until > moment.now);
    match notice.kind {
        NoticeKind::Failure => prefs.notify_failures,
        NoticeKind::Mine => prefs.notify_mine && !quiet,
        NoticeKind::Elsewhere => prefs.notify_elsewhere && !quiet,
    }
}

/// The notification due when the published status goes from `before` to `after`: one for every
/// new confirmed change of availability and one for every new failed change, none otherwise.
pub fn notice(w: &Words, before: &Status, after: &Status) -> Option<Notice> {
    let mut notice = change_notice(w, before, after)?;
    if after.sandbox {
        notice.title = w.text("notice-sandbox", &[s("title", notice.title)]);
    }
    Some(notice)
}

/// [`notice`] before the sandbox's mark.
fn change_notice(w: &Words, before: &Status, after: &Status) -> Option<Notice> {
    // A break that ended while the agent was away (R2 in crate::away): nothing turned on yet.
    if let (Some(_), None, None, Some(device)) =
        (before.break_until, after.break_until, before.parked, after.parked)
    {
        return Some(Notice {
            title: w.get("notice-break-over"),
            body: w.text("notice-break-over-body", &[s("device", device_words(w, device))]),
            failure: false,
            kind: NoticeKind::Elsewhere,
        });
    }
    // An away-offline Exotel did not confirm: said once, when it becomes owed (its retries
    // are not recorded; the confirmed offline, when it comes, is a change like any other).
    if let (None, Some(_)) = (before.going_offline, after.going_offline) {
        let error = after
            .last_error
            .as_ref()
            .map_or_else(|| w.get("notice-failed-unknown"), |e| super::phrases::error_clause(w, e));
        // Shown offline is not what is owed (it may be stale): said as unknown.
        let still = match after.availability {
            a @ Availability::Receiving(_) => w.get(&format!("still-{}", a.as_str())),
            _ => w.get("still-unknown"),
        };
        return Some(Notice {
            title: w.get("notice-going-offline"),
            body: w.text("notice-going-offline-body", &[s("still", still), s("error", error)]),
            failure: true,
            kind: NoticeKind::Failure,
        });
    }
    let change = after.last_change.as_ref()?;
    if before.last_change.as_ref() == Some(change) {
        return None;
    }
    // The first failure of an away-offline is followed at once by the notice above (the app
    // owes it while the agent is away): one notification, not two.
    if change.outcome == Outcome::Failed
        && change.target == Some(Target::Offline)
        && matches!(change.source, Source::Lock | Source::Sleep | Source::Idle)
    {
        return None;
    }
    match change.outcome {
        Outcome::Confirmed if change.from != change.to => {
            let status = availability_words(w, change.to);
            Some(Notice {
                title: capitalise(&w.text("notice-now", &[s("status", lower_first(&status))])),
                body: w.text(
                    "notice-now-body",
                    &[s("status", status), s("source", source_words(w, change.source))],
                ),
                failure: false,
                kind: NoticeKind::of(change.source),
            })
        }
        Outcome::Confirmed => None,
        Outcome::Failed => {
            let title = match change.target {
                Some(t) => w.text("notice-failed", &[s("target", target_words(w, t))]),
                None => w.get("notice-failed-any"),
            };
            let error = match after.last_error.as_ref() {
                Some(e) => capitalise(&super::phrases::error_clause(w, e)),
                None => w.get("notice-failed-unknown"),
            };
            let still = w.get(&format!("still-{}", change.to.as_str()));
            Some(Notice {
                title: capitalise(&title),
                body: w.text("notice-failed-body", &[s("error", error), s("still", still)]),
                failure: true,
                kind: NoticeKind::Failure,
            })
        }
    }
}
