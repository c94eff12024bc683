//! Times as the app says them: how long, since when, how long left, and whether what is
//! shown is still fresh ([`Moment`]).

use std::time::Duration;

use exotel_api::Availability;

use crate::status::{Outcome, Source, Status, UnixMillis, now_ms};
use crate::words::{Words, n, s};

use super::phrases::availability_words;

/// After how many sync intervals of failed reads the status shown counts as stale.
pub const STALE_AFTER_INTERVALS: u32 = 2;

/// When a status is shown: how often it should have been read (so whether it is still fresh,
/// and for how long the agent has been in it), and whether notifications are quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub now: UnixMillis,
    pub sync_interval: Duration,
    /// "Quiet for 1 hour" is on until then.
    pub quiet_until: Option<UnixMillis>,
    /// The agent asked to quit and Exotel has not confirmed the offline yet: the app keeps
    /// trying, and the tray offers "Quit anyway".
    pub quit_waiting: bool,
}

impl Moment {
    pub fn at(now: UnixMillis, sync_interval: Duration) -> Self {
        Self { now, sync_interval, quiet_until: None, quit_waiting: false }
    }

    /// The same moment, with a quit waiting for Exotel's confirmation (or not).
    #[must_use]
    pub fn quit_waiting(self, waiting: bool) -> Self {
        Self { quit_waiting: waiting, ..self }
    }

    /// The same moment, notifications quiet until `until` (if that is still to come).
    #[must_use]
    pub fn quiet(self, until: Option<UnixMillis>) -> Self {
        Self { quiet_until: until.filter(|u| *u > self.now), ..self }
    }

    /// When Exotel last confirmed the status, if that was more than
    /// [`STALE_AFTER_INTERVALS`] sync intervals ago and a read or change has failed since:
    /// what is shown may no longer be true. Back to fresh on the next good read (which clears
    /// the error and moves `confirmed_at`).
    pub fn stale_since(&self, s: &Status) -> Option<UnixMillis> {
        if !s.signed_in || s.pending.is_some() || s.last_error.is_none() {
            return None;
        }
        let confirmed = s.confirmed_at?;
        let limit = self.sync_interval.saturating_mul(STALE_AFTER_INTERVALS);
        let limit = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX);
        (self.now.saturating_sub(confirmed) > limit).then_some(confirmed)
    }
}

/// Since when the agent has been in the availability Exotel confirmed, if the app knows: the
/// latest confirmed change into it. Unknown when the app only found it so at start or at
/// sign-in (it may have been so for hours before).
pub fn since(s: &Status) -> Option<UnixMillis> {
    if !s.signed_in || s.availability == Availability::Unknown {
        return None;
    }
    let last = s.recent.iter().find(|c| c.outcome == Outcome::Confirmed && c.from != c.to)?;
    let found_so =
        matches!(last.source, Source::Start | Source::SignIn) && last.from == Availability::Unknown;
    (last.to == s.availability && !found_so).then_some(last.at)
}

/// "12 min", "2 h 5 min": how long since `from` (whole minutes, at least one).
pub fn duration_words(w: &Words, from: UnixMillis, now: UnixMillis) -> String {
    let minutes = (now.saturating_sub(from) / 60_000).max(1);
    if minutes < 60 {
        w.text("time-minutes", &[n("n", minutes)])
    } else {
        w.text("time-hours", &[n("h", minutes / 60), n("m", minutes % 60)])
    }
}

/// "10:42": the time of day of `at` in the OS's time zone.
pub fn clock_time(at: UnixMillis) -> String {
    use chrono::TimeZone;
    let millis = i64::try_from(at).unwrap_or(i64::MAX);
    chrono::Local
        .timestamp_millis_opt(millis)
        .single()
        .map(|t| t.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// When a change happened, as its line in the recent changes and the history says it: "today
/// 10:42" on the day of `now`, "27/11 10:42" (day/month, as India writes it) before, in the
/// OS's time zone, like every other time the app shows.
pub fn change_time(w: &Words, at: UnixMillis, now: UnixMillis) -> String {
    use chrono::TimeZone;
    let local =
        |ms: UnixMillis| chrono::Local.timestamp_millis_opt(i64::try_from(ms).unwrap_or(i64::MAX)).single();
    match (local(at), local(now)) {
        (Some(at), Some(now)) if at.date_naive() == now.date_naive() => {
            w.text("time-today", &[s("time", at.format("%H:%M").to_string())])
        }
        (Some(at), _) => at.format("%d/%m %H:%M").to_string(),
        (None, _) => String::new(),
    }
}

/// `at` as ISO 8601 with the OS time zone's offset ("2026-12-05T10:42:07+05:30"), for
/// `--json`.
pub fn iso_time(at: UnixMillis) -> String {
    use chrono::TimeZone;
    chrono::Local
        .timestamp_millis_opt(i64::try_from(at).unwrap_or(i64::MAX))
        .single()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

/// "On phone for 12 min", when the app knows since when.
pub fn since_line(w: &Words, s: &Status, now: UnixMillis) -> Option<String> {
    let from = since(s)?;
    Some(w.text(
        &format!("since-{}", s.availability.as_str()),
        &[crate::words::s("duration", duration_words(w, from, now))],
    ))
}

/// "Not confirmed since 10:42; last known: Receiving calls on phone".
pub fn stale_line(w: &Words, s: &Status, since: UnixMillis) -> String {
    w.text(
        "line-stale",
        &[
            crate::words::s("time", clock_time(since)),
            crate::words::s("status", availability_words(w, s.availability)),
        ],
    )
}

/// The `left` argument: the time until `until`, in words.
pub(super) fn s_left(w: &Words, until: UnixMillis) -> crate::words::Arg<'static> {
    s("left", time_left(w, until, now_ms()))
}

/// "12 min", "45 s": the time until `until`, rounded up.
pub fn time_left(w: &Words, until: UnixMillis, now: UnixMillis) -> String {
    let secs = until.saturating_sub(now).div_ceil(1000);
    if secs < 60 {
        w.text("time-seconds", &[n("n", secs)])
    } else {
        w.text("time-minutes", &[n("n", secs.div_ceil(60))])
    }
}

/// A change held back by Exotel's rate limit: "Exotel is limiting requests; trying again in 7 s".
pub fn limited_line(w: &Words, until: UnixMillis, now: UnixMillis) -> String {
    let seconds = until.saturating_sub(now).div_ceil(1000).max(1);
    w.text("line-limited", &[n("seconds", seconds)])
}

/// An away-offline owed: "Going offline: not confirmed yet, trying again in 7 s".
pub fn going_offline_line(w: &Words, next_at: UnixMillis, now: UnixMillis) -> String {
    let seconds = next_at.saturating_sub(now).div_ceil(1000).max(1);
    w.text("line-going-offline", &[n("seconds", seconds)])
}
