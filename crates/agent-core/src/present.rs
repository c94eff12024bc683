//! How a [`Status`] is put into words and pictures: pure functions over a catalog
//! ([`crate::words::Words`]), so the shell only applies them and they are tested without a
//! display. The tray's menu and icon, its tooltip, the notifications, the window's view
//! ([`view`]) and the command line's lines all come from here.

pub mod desk;
pub mod view;

use std::time::Duration;

use exotel_api::{Availability, Device};

use crate::status::{Outcome, Source, Status, Target, UnixMillis, UserSummary, now_ms};
use crate::words::{Words, n, s};

/// The tray icon for a status (one image per variant, told apart by shape as well as colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrayIcon {
    Offline,
    Phone,
    Sip,
    /// Unknown, or the last change failed, or signed out.
    Unknown,
    /// A change is in flight.
    Pending,
    /// Not confirmed for a while: reads keep failing ([`Moment::stale_since`]).
    Stale,
}

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

/// When a change happened, as its line in the recent changes and the history says it: "10:42"
/// on the day of `now`, "27/11 10:42" (day/month, as India writes it) before, in the OS's
/// time zone, like every other time the app shows.
pub fn change_time(at: UnixMillis, now: UnixMillis) -> String {
    use chrono::TimeZone;
    let local =
        |ms: UnixMillis| chrono::Local.timestamp_millis_opt(i64::try_from(ms).unwrap_or(i64::MAX)).single();
    match (local(at), local(now)) {
        (Some(at), Some(now)) if at.date_naive() == now.date_naive() => at.format("%H:%M").to_string(),
        (Some(at), _) => at.format("%d/%m %H:%M").to_string(),
        (None, _) => String::new(),
    }
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

/// Everything the tray shows for a status at a moment: the icon, the tooltip and the menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayView {
    pub icon: TrayIcon,
    pub tooltip: String,
    pub menu: MenuModel,
}

impl TrayView {
    /// A stale status has its own icon, and its tooltip and first menu line say since when it
    /// is not confirmed; otherwise the tooltip says for how long the agent has been in it.
    pub fn new(w: &Words, st: &Status, fresh: &Moment) -> Self {
        let mut menu = MenuModel::for_status(w, st);
        if let Some(until) = fresh.quiet_until {
            menu.quiet_text = w.text("menu-quiet-end", &[crate::words::s("time", clock_time(until))]);
        }
        // A quit waiting for Exotel says so first, and its item quits without waiting.
        if fresh.quit_waiting {
            menu.status_line = w.get("line-quit-waiting");
            menu.quit_text = w.get(&format!("menu-quit-anyway-{}", quit_anyway_case(st.availability)));
            let tooltip = tooltip_with(w, st, menu.status_line.clone());
            return Self { icon: TrayIcon::Pending, tooltip, menu };
        }
        // An away-offline owed says so itself (what is shown is the last confirmed status).
        let Some(since) = fresh.stale_since(st).filter(|_| st.going_offline.is_none()) else {
            let tooltip = match since_line(w, st, fresh.now)
                .filter(|_| st.pending.is_none() && st.break_until.is_none())
            {
                Some(line) => tooltip_with(w, st, line),
                None => tooltip(w, st),
            };
            return Self { icon: TrayIcon::for_status(st), tooltip, menu };
        };
        menu.status_line = stale_line(w, st, since);
        Self { icon: TrayIcon::Stale, tooltip: tooltip_with(w, st, menu.status_line.clone()), menu }
    }
}

impl TrayView {
    /// A protection the agent turned on that cannot work here ([`desk::tray_warning`]): said
    /// first in the menu and in the tooltip.
    pub fn warn(mut self, warning: Option<String>) -> Self {
        if let Some(line) = &warning {
            self.tooltip = format!("{line}\n{}", self.tooltip);
        }
        self.menu.warning = warning;
        self
    }
}

impl TrayIcon {
    pub fn for_status(s: &Status) -> Self {
        // An away-offline owed is a change under way (not a failure, not a status confirmed).
        if s.pending.is_some() || (s.signed_in && s.going_offline.is_some()) {
            return TrayIcon::Pending;
        }
        match (s.signed_in, s.availability) {
            (false, _) | (_, Availability::Unknown) => TrayIcon::Unknown,
            (true, Availability::Offline) => TrayIcon::Offline,
            (true, Availability::Receiving(Device::Phone)) => TrayIcon::Phone,
            (true, Availability::Receiving(Device::Sip)) => TrayIcon::Sip,
        }
    }
}

/// The ids of the tray menu's items.
pub mod menu_id {
    pub const WARNING: &str = "warning";
    pub const STATUS: &str = "status";
    pub const PHONE: &str = "phone";
    pub const SIP: &str = "sip";
    pub const OFFLINE: &str = "offline";
    pub const OPEN: &str = "open";
    pub const QUIT: &str = "quit";
    pub const BREAK_MENU: &str = "break";
    pub const END_BREAK: &str = "end-break";
    pub const QUIET: &str = "quiet";
    /// `break-5`, `break-15`, ...: one item per length in [`super::BREAK_MINUTES`].
    pub const BREAK_PREFIX: &str = "break-";
}

/// The break lengths offered, in minutes.
pub const BREAK_MINUTES: [u64; 4] = [5, 15, 30, 60];

/// One check item of the tray menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckItem {
    pub label: String,
    pub enabled: bool,
    /// Ticked only from the confirmed state.
    pub checked: bool,
}

/// Everything the tray menu shows for a status, words included (so a change of language
/// changes the menu like a change of status does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuModel {
    /// A protection the agent turned on that cannot work here ([`TrayView::warn`]): a disabled
    /// line above the status.
    pub warning: Option<String>,
    /// The first, disabled line (after the warning, if any): the status in words.
    pub status_line: String,
    pub phone: CheckItem,
    pub sip: CheckItem,
    pub offline: CheckItem,
    /// "Open Exotel Agent Tray", or "Sign in…" when signed out.
    pub open_text: String,
    /// "Take a break", and its items' words, one per [`BREAK_MINUTES`].
    pub break_text: String,
    pub break_lengths: Vec<String>,
    /// The break submenu's items can start a break (signed in, nothing in flight).
    pub break_enabled: bool,
    /// "End break", or "End break (12 min left)" while on a break.
    pub end_break: String,
    pub end_break_enabled: bool,
    /// "Quiet for 1 hour", or while quiet "Notify again (quiet until 11:42)" ([`TrayView`]).
    pub quiet_text: String,
    pub quit_text: String,
}

impl MenuModel {
    pub fn for_status(w: &Words, s: &Status) -> Self {
        let actionable = s.signed_in && s.pending.is_none();
        let item = |id: &str, a: Availability| CheckItem {
            label: w.get(id),
            enabled: actionable,
            checked: s.signed_in && s.availability == a,
        };
        let end_break = match s.break_until {
            Some(until) => w.text("menu-end-break-left", &[s_left(w, until)]),
            None => w.get("menu-end-break"),
        };
        Self {
            warning: None,
            status_line: status_line(w, s),
            phone: item("menu-phone", Availability::Receiving(Device::Phone)),
            sip: item("menu-sip", Availability::Receiving(Device::Sip)),
            offline: item("menu-offline", Availability::Offline),
            open_text: w.get(if s.signed_in { "menu-open" } else { "menu-sign-in" }),
            break_text: w.get("menu-break"),
            break_lengths: BREAK_MINUTES
                .iter()
                .map(|m| w.text("menu-break-length", &[n("minutes", *m)]))
                .collect(),
            break_enabled: actionable,
            end_break,
            end_break_enabled: s.break_until.is_some(),
            quiet_text: w.get("menu-quiet"),
            quit_text: w.get("menu-quit"),
        }
    }
}

/// The `left` argument: the time until `until`, in words.
fn s_left(w: &Words, until: UnixMillis) -> crate::words::Arg<'static> {
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

/// What a click on a tray menu item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuAction {
    Change(Target),
    /// Start a break of this many minutes.
    StartBreak(u64),
    EndBreak,
    /// "Quiet for 1 hour", or notify again if quiet already.
    ToggleQuiet,
    OpenWindow,
    Quit,
}

/// The action of the item `id`, or `None` for an item that does nothing (the status line) or
/// an action not allowed now (signed out, a change in flight): the menu disables those, and
/// this says the same so a stale click is ignored.
pub fn menu_action(id: &str, s: &Status) -> Option<MenuAction> {
    let change = |t: Target| (s.signed_in && s.pending.is_none()).then_some(MenuAction::Change(t));
    match id {
        menu_id::PHONE => change(Target::Receiving(Device::Phone)),
        menu_id::SIP => change(Target::Receiving(Device::Sip)),
        menu_id::OFFLINE => change(Target::Offline),
        menu_id::OPEN => Some(MenuAction::OpenWindow),
        menu_id::QUIT => Some(MenuAction::Quit),
        menu_id::QUIET => Some(MenuAction::ToggleQuiet),
        menu_id::END_BREAK => s.break_until.map(|_| MenuAction::EndBreak),
        other => {
            let minutes = other.strip_prefix(menu_id::BREAK_PREFIX)?.parse().ok()?;
            let offered = BREAK_MINUTES.contains(&minutes) && s.signed_in && s.pending.is_none();
            offered.then_some(MenuAction::StartBreak(minutes))
        }
    }
}

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

/// A change held back by Exotel's rate limit: "Exotel is limiting requests; trying again in 7 s".
pub fn limited_line(w: &Words, until: UnixMillis, now: UnixMillis) -> String {
    let seconds = until.saturating_sub(now).div_ceil(1000).max(1);
    w.text("line-limited", &[n("seconds", seconds)])
}

/// Which "Quit anyway" is said: the device that may still ring, if Exotel last said one.
fn quit_anyway_case(a: Availability) -> &'static str {
    match a {
        Availability::Receiving(Device::Phone) => "phone",
        Availability::Receiving(Device::Sip) => "sip",
        _ => "unknown",
    }
}

/// An away-offline owed: "Going offline: not confirmed yet, trying again in 7 s".
pub fn going_offline_line(w: &Words, next_at: UnixMillis, now: UnixMillis) -> String {
    let seconds = next_at.saturating_sub(now).div_ceil(1000).max(1);
    w.text("line-going-offline", &[n("seconds", seconds)])
}

/// The tray tooltip: the status in words and the agent's name; in the sandbox, says so first.
pub fn tooltip(w: &Words, st: &Status) -> String {
    tooltip_with(w, st, status_line(w, st))
}

/// The tooltip around `line`: the agent's name after it, the world before it.
fn tooltip_with(w: &Words, st: &Status, line: String) -> String {
    let line = match st.user.as_ref().and_then(|u| u.name.as_deref()) {
        Some(name) if st.signed_in => w.text("tooltip-named", &[s("line", line), s("name", name)]),
        _ => line,
    };
    let world = if st.sandbox && st.signed_in { "tooltip-sandbox" } else { "tooltip-exotel" };
    w.text(world, &[s("line", line)])
}

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
    let mut notice = world_notice(w, before, after)?;
    if after.sandbox {
        notice.title = w.text("notice-sandbox", &[s("title", notice.title)]);
    }
    Some(notice)
}

fn world_notice(w: &Words, before: &Status, after: &Status) -> Option<Notice> {
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
            .map_or_else(|| w.get("notice-failed-unknown"), |e| e.message.trim_end_matches('.').to_owned());
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
                Some(e) => capitalise(e.message.trim_end_matches('.')),
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

/// The text with its first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The text with its first letter in lower case, for a status inside a sentence ("Now
/// receiving calls on phone"); scripts without case are left as they are.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::ErrorInfo;
    use crate::words::Lang;

    fn en() -> &'static Words {
        Words::of(Lang::En)
    }
    use crate::status::{Change, Source, UserSummary};

    fn signed_in(a: Availability) -> Status {
        Status {
            availability: a,
            signed_in: true,
            user: Some(UserSummary {
                user_id: "1".into(),
                name: Some("Asha Demo".into()),
                ..Default::default()
            }),
            ..Status::default()
        }
    }

    const PHONE: Target = Target::Receiving(Device::Phone);

    #[test]
    fn ticks_follow_the_confirmed_state_only() {
        let m = MenuModel::for_status(en(), &signed_in(Availability::Receiving(Device::Phone)));
        assert_eq!((m.phone.checked, m.sip.checked, m.offline.checked), (true, false, false));
        assert!(m.phone.enabled && m.sip.enabled && m.offline.enabled);
        assert_eq!(m.status_line, "Receiving calls on phone");

        // In flight to SIP: nothing new ticked, every action disabled.
        let pending = Status {
            pending: Some(Target::Receiving(Device::Sip)),
            ..signed_in(Availability::Receiving(Device::Phone))
        };
        let m = MenuModel::for_status(en(), &pending);
        assert_eq!((m.phone.checked, m.sip.checked), (true, false));
        assert!(!m.phone.enabled && !m.sip.enabled && !m.offline.enabled);
        assert!(m.status_line.starts_with("Switching"), "{}", m.status_line);
        assert_eq!(TrayIcon::for_status(&pending), TrayIcon::Pending);

        let unknown = MenuModel::for_status(en(), &signed_in(Availability::Unknown));
        assert!(!unknown.phone.checked && !unknown.sip.checked && !unknown.offline.checked);
    }

    #[test]
    fn signed_out_disables_actions_and_offers_sign_in() {
        let s = Status::default();
        let m = MenuModel::for_status(en(), &s);
        assert!(!m.phone.enabled && !m.offline.enabled && !m.phone.checked);
        assert_eq!((m.status_line.as_str(), m.open_text.as_str()), ("Signed out", "Sign in…"));
        assert_eq!(menu_action(menu_id::PHONE, &s), None);
        assert_eq!(menu_action(menu_id::OPEN, &s), Some(MenuAction::OpenWindow));
        assert_eq!(TrayIcon::for_status(&s), TrayIcon::Unknown);
    }

    #[test]
    fn each_item_maps_to_the_same_request_the_window_sends() {
        let s = signed_in(Availability::Offline);
        assert_eq!(menu_action(menu_id::PHONE, &s), Some(MenuAction::Change(PHONE)));
        assert_eq!(menu_action(menu_id::SIP, &s), Some(MenuAction::Change(Target::Receiving(Device::Sip))));
        assert_eq!(menu_action(menu_id::OFFLINE, &s), Some(MenuAction::Change(Target::Offline)));
        assert_eq!(menu_action(menu_id::QUIT, &s), Some(MenuAction::Quit));
        assert_eq!(menu_action(menu_id::STATUS, &s), None);
        let busy = Status { pending: Some(PHONE), ..s };
        assert_eq!(menu_action(menu_id::OFFLINE, &busy), None, "a stale click during a change is ignored");
    }

    #[test]
    fn breaks_in_the_menu() {
        let s = signed_in(Availability::Offline);
        assert_eq!(menu_action("break-15", &s), Some(MenuAction::StartBreak(15)));
        assert_eq!(menu_action("break-7", &s), None, "only the offered lengths");
        assert_eq!(menu_action(menu_id::END_BREAK, &s), None, "no break to end");
        let on_break = Status { break_until: Some(now_ms() + 12 * 60_000 - 500), ..s };
        assert_eq!(menu_action(menu_id::END_BREAK, &on_break), Some(MenuAction::EndBreak));
        assert_eq!(MenuModel::for_status(en(), &on_break).end_break, "End break (12 min left)");
        assert_eq!(status_line(en(), &on_break), "On a break: 12 min left");
        assert_eq!(time_left(en(), 10_000, 9_001), "1 s");
        assert_eq!(time_left(en(), 59_000, 0), "59 s");
        assert_eq!(time_left(en(), 60_000, 0), "1 min", "a whole minute is said in minutes");
        assert_eq!(time_left(en(), 61_000, 0), "2 min", "minutes round up");
    }

    #[test]
    fn each_availability_has_its_own_icon_and_a_tooltip_with_the_name() {
        let icons: std::collections::HashSet<_> = [
            Availability::Offline,
            Availability::Receiving(Device::Phone),
            Availability::Receiving(Device::Sip),
            Availability::Unknown,
        ]
        .map(|a| TrayIcon::for_status(&signed_in(a)))
        .into_iter()
        .collect();
        assert_eq!(icons.len(), 4);
        assert_eq!(
            tooltip(en(), &signed_in(Availability::Offline)),
            "Exotel: Offline: no new calls (Asha Demo)"
        );
    }

    fn change(from: Availability, to: Availability, source: Source, outcome: Outcome) -> Change {
        Change { at: 1, from, to, source, outcome, target: Some(PHONE), error_kind: None, attempts: None }
    }

    #[test]
    fn a_notice_for_each_new_change_and_none_otherwise() {
        let before = signed_in(Availability::Offline);
        let c = change(
            Availability::Offline,
            Availability::Receiving(Device::Phone),
            Source::Tray,
            Outcome::Confirmed,
        );
        let after = Status { last_change: Some(c), ..signed_in(Availability::Receiving(Device::Phone)) };
        let n = notice(en(), &before, &after).unwrap();
        assert_eq!(n.title, "Now receiving calls on phone");
        assert_eq!(n.body, "Receiving calls on phone, from the tray.");
        assert!(!n.failure);
        // The same status published again (a refresh that found nothing new): no second notice.
        assert_eq!(notice(en(), &after, &after), None);

        let failed = change(Availability::Offline, Availability::Offline, Source::Window, Outcome::Failed);
        let error = ErrorInfo {
            kind: crate::ErrorKind::Server,
            message: "Exotel had a server error (HTTP 500). Try again in a minute".into(),
            field: None,
            at: 2,
        };
        let after =
            Status { last_change: Some(failed), last_error: Some(error), ..signed_in(Availability::Offline) };
        let n = notice(en(), &before, &after).unwrap();
        assert_eq!(n.title, "Could not switch to receiving calls on phone");
        assert!(
            n.body.contains("HTTP 500") && n.body.ends_with("Exotel still has you offline."),
            "{}",
            n.body
        );
        assert!(n.failure);

        let elsewhere = change(
            Availability::Offline,
            Availability::Receiving(Device::Sip),
            Source::Sync,
            Outcome::Confirmed,
        );
        let after =
            Status { last_change: Some(elsewhere), ..signed_in(Availability::Receiving(Device::Sip)) };
        assert!(notice(en(), &before, &after).unwrap().body.contains("changed elsewhere"));
    }

    /// An away-offline owed: the tray's line, tooltip and icon say so (not a failure, not the
    /// stale look), in both languages; one notice when it becomes owed, none for its first
    /// failure, none for a retry; the history line of its confirmation carries the count.
    #[test]
    fn an_away_offline_owed_is_shown_as_its_own_state_and_said_once() {
        let now = now_ms();
        let phone = Status { confirmed_at: Some(1), ..signed_in(Availability::Receiving(Device::Phone)) };
        let failed = Change {
            target: Some(Target::Offline),
            ..change(
                Availability::Receiving(Device::Phone),
                Availability::Receiving(Device::Phone),
                Source::Lock,
                Outcome::Failed,
            )
        };
        let error = ErrorInfo {
            kind: crate::ErrorKind::Server,
            message: "Exotel had a server error (HTTP 503). Try again in a minute.".into(),
            field: None,
            at: 2,
        };
        let refused = Status { last_change: Some(failed), last_error: Some(error), ..phone.clone() };
        assert_eq!(notice(en(), &phone, &refused), None, "the first failure: the owed notice follows");
        let owed = Status {
            going_offline: Some(crate::status::GoingOffline {
                source: Source::Lock,
                attempts: 1,
                next_at: now + 6_500,
            }),
            ..refused.clone()
        };
        let n = notice(en(), &refused, &owed).unwrap();
        assert_eq!(n.title, "Going offline: not confirmed yet");
        assert!(n.body.starts_with("Calls still ring on your phone: Exotel has not confirmed"), "{}", n.body);
        assert!(n.body.contains("HTTP 503") && n.failure, "{}", n.body);
        let hi = Words::of(crate::words::Lang::Hi);
        assert!(notice(hi, &refused, &owed).unwrap().title.contains("ऑफ़लाइन हो रहे हैं"));
        let retried = Status {
            going_offline: Some(crate::status::GoingOffline {
                source: Source::Lock,
                attempts: 2,
                next_at: now + 9_000,
            }),
            revision: 9,
            ..owed.clone()
        };
        assert_eq!(notice(en(), &owed, &retried), None, "a retry is not said again");

        // A day later (stale by any measure): still "going offline", with the pending icon.
        let later = Moment::at(now + 86_400_000, Duration::from_secs(30));
        let at_once = Moment::at(now, Duration::from_secs(30));
        let view = TrayView::new(en(), &owed, &at_once);
        assert_eq!(view.menu.status_line, "Going offline: not confirmed yet, trying again in 7 s");
        assert_eq!(view.icon, TrayIcon::Pending);
        assert!(view.tooltip.contains("Going offline: not confirmed yet"), "{}", view.tooltip);
        assert_ne!(TrayView::new(en(), &owed, &later).icon, TrayIcon::Stale);
        assert!(view.menu.phone.enabled, "the agent can still make their own change (R4)");
        let window = view::WindowView::new(en(), &owed, &at_once);
        assert_eq!(window.status, "Going offline: not confirmed yet, trying again in 7 s");
        assert!(!window.stale);

        // Confirmed after three attempts: one line, with the count.
        let done = Change {
            attempts: Some(3),
            target: Some(Target::Offline),
            ..change(
                Availability::Receiving(Device::Phone),
                Availability::Offline,
                Source::Lock,
                Outcome::Confirmed,
            )
        };
        assert_eq!(
            view::ChangeLine::new(en(), &done, now).text,
            "Phone → Offline, on screen lock, after 3 attempts"
        );
    }

    /// A quit the agent asked for, waiting for Exotel: the tray says so first and its quit
    /// item quits anyway, naming what may still ring, in both languages.
    #[test]
    fn a_quit_waiting_for_exotel_offers_quit_anyway() {
        let phone = signed_in(Availability::Receiving(Device::Phone));
        let waiting = Moment::at(now_ms(), Duration::from_secs(30)).quit_waiting(true);
        let view = TrayView::new(en(), &phone, &waiting);
        assert_eq!(view.menu.status_line, "Quitting once Exotel confirms you are offline");
        assert_eq!(view.menu.quit_text, "Quit anyway (calls may still ring on phone)");
        assert_eq!(view.icon, TrayIcon::Pending);
        assert!(view.tooltip.contains("Quitting once Exotel confirms"), "{}", view.tooltip);
        let unknown = TrayView::new(en(), &signed_in(Availability::Unknown), &waiting);
        assert_eq!(unknown.menu.quit_text, "Quit anyway (calls may still ring)");
        let hi = TrayView::new(Words::of(crate::words::Lang::Hi), &phone, &waiting);
        assert_eq!(hi.menu.quit_text, "फिर भी बंद करें (फ़ोन पर कॉल आ सकती हैं)");
        let plain = TrayView::new(en(), &phone, &waiting.quit_waiting(false));
        assert_eq!(plain.menu.quit_text, "Quit");
    }

    #[test]
    fn markup_from_exotel_is_shown_as_written() {
        assert_eq!(escape_markup("<b>x</b> & <a href='y'>"), "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='y'&gt;");
        assert_eq!(escape_markup("Offline (no new calls)."), "Offline (no new calls).");
    }

    #[test]
    fn the_sandbox_is_named_in_the_tooltip_and_every_notification() {
        let mut s = signed_in(Availability::Offline);
        assert!(tooltip(en(), &s).starts_with("Exotel: "), "{}", tooltip(en(), &s));
        s.sandbox = true;
        assert!(tooltip(en(), &s).starts_with("Sandbox (not Exotel): "), "{}", tooltip(en(), &s));
        let mut after = s.clone();
        after.availability = Availability::Receiving(Device::Phone);
        after.last_change = Some(Change {
            at: 1,
            from: Availability::Offline,
            to: after.availability,
            source: Source::Window,
            outcome: crate::status::Outcome::Confirmed,
            target: None,
            error_kind: None,
            attempts: None,
        });
        let n = notice(en(), &s, &after).unwrap();
        assert_eq!(n.title, "Sandbox (not Exotel): Now receiving calls on phone");
        after.sandbox = false;
        assert_eq!(notice(en(), &s, &after).unwrap().title, "Now receiving calls on phone");
    }

    #[test]
    fn a_change_held_back_by_the_rate_limit_says_so_and_when_it_is_sent_again() {
        let now = now_ms();
        let held = Status {
            signed_in: true,
            availability: Availability::Offline,
            pending: Some(PHONE),
            limited: Some(crate::status::RateWait { seconds: 7, until: now + 6_500 }),
            ..Status::default()
        };
        assert_eq!(status_line(en(), &held), "Exotel is limiting requests; trying again in 7 s");
        assert!(tooltip(en(), &held).contains("Exotel is limiting requests"), "{}", tooltip(en(), &held));
        assert_eq!(limited_line(en(), now, now + 5_000), "Exotel is limiting requests; trying again in 1 s");
        let sent = Status { limited: None, ..held };
        assert!(status_line(en(), &sent).starts_with("Switching"), "{}", status_line(en(), &sent));
    }

    /// The tooltip names the agent only while signed in; a change that changed nothing is not
    /// notified; the "break over while away" notice names the device that will come back.
    #[test]
    fn names_only_when_signed_in_and_no_notice_for_nothing() {
        let phone = Availability::Receiving(Device::Phone);
        let signed_out = Status { signed_in: false, ..signed_in(Availability::Unknown) };
        assert!(!tooltip(en(), &signed_out).contains("Asha"), "{}", tooltip(en(), &signed_out));
        assert!(tooltip(en(), &signed_in(phone)).contains("(Asha Demo)"));

        let same = Change {
            at: 1,
            from: phone,
            to: phone,
            source: Source::Sync,
            outcome: Outcome::Confirmed,
            target: None,
            error_kind: None,
            attempts: None,
        };
        let after = Status { last_change: Some(same), ..signed_in(phone) };
        assert_eq!(notice(en(), &signed_in(phone), &after), None, "nothing changed, nothing said");

        let on_break = Status { break_until: Some(5), ..signed_in(Availability::Offline) };
        let parked = Status { parked: Some(Device::Sip), ..signed_in(Availability::Offline) };
        let n = notice(en(), &on_break, &parked).expect("the break-over notice");
        assert!(n.body.contains("calls on your computer again when you return"), "{}", n.body);
    }

    #[test]
    fn one_line_for_people_names_the_agent_or_their_id() {
        let named = UserSummary {
            user_id: "7".into(),
            name: Some("Asha Demo".into()),
            agent_number: Some("+910000000000".into()),
            ..UserSummary::default()
        };
        assert_eq!(user_words(en(), &named), "Asha Demo, +910000000000");
        assert_eq!(
            user_words(en(), &UserSummary { user_id: "7".into(), ..UserSummary::default() }),
            "user 7"
        );
        let status = Status {
            availability: Availability::Receiving(Device::Phone),
            user: Some(named),
            ..Status::default()
        };
        assert_eq!(status_sentence(en(), &status), "Receiving calls on phone (Asha Demo, +910000000000)");
        assert_eq!(status_sentence(en(), &Status::default()), "Status unknown");
    }

    /// Switching the language switches every word of the tray and the notifications; names
    /// and numbers stay.
    #[test]
    fn hindi_everywhere_the_tray_and_notifications_speak() {
        let hi = Words::of(Lang::Hi);
        let s =
            Status { break_until: Some(now_ms() + 12 * 60_000 - 500), ..signed_in(Availability::Offline) };
        let m = MenuModel::for_status(hi, &s);
        assert_eq!(m.status_line, "ब्रेक पर: 12 मिनट बाक़ी");
        assert_eq!(m.end_break, "ब्रेक ख़त्म करें (12 मिनट बाक़ी)");
        assert_eq!(m.phone.label, "फ़ोन पर कॉल लें");
        assert_eq!(m.break_lengths[0], "5 मिनट");
        assert_eq!(
            tooltip(hi, &signed_in(Availability::Receiving(Device::Sip))),
            "Exotel: कंप्यूटर पर कॉल आ रही हैं (Asha Demo)"
        );
        let after = Status {
            last_change: Some(change(
                Availability::Offline,
                Availability::Receiving(Device::Phone),
                Source::Tray,
                Outcome::Confirmed,
            )),
            ..signed_in(Availability::Receiving(Device::Phone))
        };
        let n = notice(hi, &signed_in(Availability::Offline), &after).unwrap();
        assert_eq!(
            (n.title.as_str(), n.body.as_str()),
            ("अब फ़ोन पर कॉल आ रही हैं", "फ़ोन पर कॉल आ रही हैं, ट्रे से।")
        );
    }

    /// Stale only when something failed and Exotel has not confirmed for more than two sync
    /// intervals; fresh again with the next good read.
    #[test]
    fn a_status_goes_stale_after_two_intervals_of_failures_and_back() {
        let interval = Duration::from_secs(30);
        let confirmed = 1_000_000;
        let error = ErrorInfo {
            kind: crate::ErrorKind::Network,
            message: "refused".into(),
            field: None,
            at: confirmed,
        };
        let failing = Status {
            confirmed_at: Some(confirmed),
            last_error: Some(error),
            ..signed_in(Availability::Receiving(Device::Phone))
        };
        let at = |ms: u64| Moment::at(confirmed + ms, interval);
        assert_eq!(at(60_000).stale_since(&failing), None, "two intervals: not yet");
        assert_eq!(at(60_001).stale_since(&failing), Some(confirmed));
        let quiet = Status { last_error: None, ..failing.clone() };
        assert_eq!(at(600_000).stale_since(&quiet), None, "no failure: only not read yet");
        let busy = Status { pending: Some(PHONE), ..failing.clone() };
        assert_eq!(at(600_000).stale_since(&busy), None, "a change in flight says so itself");
        let out = Status { signed_in: false, ..failing.clone() };
        assert_eq!(at(600_000).stale_since(&out), None);

        let view = TrayView::new(en(), &failing, &at(90_000));
        assert_eq!(view.icon, TrayIcon::Stale);
        let time = clock_time(confirmed);
        assert_eq!(
            view.menu.status_line,
            format!("Not confirmed since {time}; last known: Receiving calls on phone")
        );
        assert!(
            view.tooltip.starts_with("Exotel: Not confirmed since") && view.tooltip.ends_with("(Asha Demo)")
        );
        let good_read = Status { last_error: None, confirmed_at: Some(confirmed + 90_000), ..failing };
        let view = TrayView::new(en(), &good_read, &at(90_000));
        assert_eq!(view.icon, TrayIcon::Phone);
        let hi = TrayView::new(
            Words::of(Lang::Hi),
            &Status { last_error: good_read.last_error.clone(), ..good_read },
            &at(900_000),
        );
        assert_eq!(hi.icon, TrayIcon::Phone);
    }

    /// "On phone for 12 min" counts from the change into it; a state only found at start (it
    /// may have held for hours) gets no duration.
    #[test]
    fn how_long_the_agent_has_been_in_the_state() {
        let into_phone = Change {
            at: 0,
            ..change(
                Availability::Offline,
                Availability::Receiving(Device::Phone),
                Source::Tray,
                Outcome::Confirmed,
            )
        };
        let st = Status { recent: vec![into_phone], ..signed_in(Availability::Receiving(Device::Phone)) };
        assert_eq!(since_line(en(), &st, 12 * 60_000 + 59_000).as_deref(), Some("On phone for 12 min"));
        assert_eq!(since_line(en(), &st, 125 * 60_000).as_deref(), Some("On phone for 2 h 5 min"));
        assert_eq!(since_line(Words::of(Lang::Hi), &st, 12 * 60_000).as_deref(), Some("12 मिनट से फ़ोन पर"));
        assert_eq!(since_line(en(), &st, 10).as_deref(), Some("On phone for 1 min"), "at least a minute");
        let view = TrayView::new(en(), &st, &Moment::at(12 * 60_000, Duration::from_secs(30)));
        assert_eq!(view.tooltip, "Exotel: On phone for 12 min (Asha Demo)");

        let found_at_start = Change {
            source: Source::Start,
            ..change(
                Availability::Unknown,
                Availability::Receiving(Device::Phone),
                Source::Start,
                Outcome::Confirmed,
            )
        };
        let st = Status { recent: vec![found_at_start], ..signed_in(Availability::Receiving(Device::Phone)) };
        assert_eq!(since(&st), None);
        let failed_since = change(
            Availability::Receiving(Device::Phone),
            Availability::Receiving(Device::Phone),
            Source::Tray,
            Outcome::Failed,
        );
        let moved = change(
            Availability::Offline,
            Availability::Receiving(Device::Phone),
            Source::Window,
            Outcome::Confirmed,
        );
        let st =
            Status { recent: vec![failed_since, moved], ..signed_in(Availability::Receiving(Device::Phone)) };
        assert_eq!(since(&st), Some(1), "a failed attempt since does not restart the count");
    }

    /// Each kind of notification has its switch; the quiet hour silences changes, never a
    /// failure; and the tray offers the way back while quiet.
    #[test]
    fn the_agent_decides_which_notifications_show() {
        let prefs = crate::settings::Preferences::default();
        let now = 1_000_000;
        let moment = Moment::at(now, Duration::from_secs(30));
        let mine = Notice {
            title: String::new(),
            body: String::new(),
            failure: false,
            kind: NoticeKind::of(Source::Tray),
        };
        let elsewhere = Notice { kind: NoticeKind::of(Source::Sync), ..mine.clone() };
        let failure = Notice { kind: NoticeKind::Failure, failure: true, ..mine.clone() };
        assert_eq!((mine.kind, elsewhere.kind), (NoticeKind::Mine, NoticeKind::Elsewhere));
        assert_eq!(NoticeKind::of(Source::Idle), NoticeKind::Elsewhere, "the app's own changes");
        assert_eq!(NoticeKind::of(Source::Cli), NoticeKind::Mine);
        assert!(
            wanted(&mine, &prefs, &moment)
                && wanted(&elsewhere, &prefs, &moment)
                && wanted(&failure, &prefs, &moment)
        );

        let quiet = moment.quiet(Some(now + 60_000));
        assert!(!wanted(&mine, &prefs, &quiet) && !wanted(&elsewhere, &prefs, &quiet));
        assert!(wanted(&failure, &prefs, &quiet), "failures are never quieted");
        assert_eq!(moment.quiet(Some(now - 1)).quiet_until, None, "a quiet hour over is over");

        let no_mine = crate::settings::Preferences { notify_mine: false, ..prefs.clone() };
        assert!(!wanted(&mine, &no_mine, &moment) && wanted(&elsewhere, &no_mine, &moment));
        let no_failures = crate::settings::Preferences { notify_failures: false, ..prefs };
        assert!(!wanted(&failure, &no_failures, &moment));

        let st = signed_in(Availability::Offline);
        assert_eq!(TrayView::new(en(), &st, &moment).menu.quiet_text, "Quiet for 1 hour");
        let quiet_text = TrayView::new(en(), &st, &quiet).menu.quiet_text;
        assert_eq!(quiet_text, format!("Notify again (quiet until {})", clock_time(now + 60_000)));
        assert_eq!(menu_action(menu_id::QUIET, &Status::default()), Some(MenuAction::ToggleQuiet));
    }

    #[test]
    fn a_change_says_its_time_like_the_rest_of_the_app_and_its_day_when_not_today() {
        let now = now_ms();
        // Today: the time of day as "Confirmed at" writes it.
        assert_eq!(change_time(now, now), clock_time(now));
        // Two days ago: day/month before it.
        let earlier = now - 2 * 24 * 3_600_000;
        let said = change_time(earlier, now);
        assert!(said.ends_with(&clock_time(earlier)) && said.len() == "27/11 10:42".len(), "{said}");
        assert!(said.contains('/'), "{said}");
    }

    #[test]
    fn a_warning_comes_first_in_the_menu_and_the_tooltip_and_the_status_stays() {
        let w = Words::of(crate::words::Lang::En);
        let st = Status { availability: Availability::Offline, signed_in: true, ..Status::default() };
        let moment = Moment::at(now_ms(), Duration::from_secs(30));
        let plain = TrayView::new(w, &st, &moment);
        let line = "Screen lock cannot be detected on this desktop: locking will not take you offline.";
        let warned = TrayView::new(w, &st, &moment).warn(Some(line.to_owned()));
        assert_eq!(warned.menu.warning.as_deref(), Some(line));
        assert_eq!(warned.menu.status_line, plain.menu.status_line, "the status line is kept");
        assert_eq!(warned.tooltip, format!("{line}\n{}", plain.tooltip));
        assert_eq!(TrayView::new(w, &st, &moment).warn(None), plain, "no warning, no change");
    }
}
