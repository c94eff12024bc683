//! How a [`Status`] looks in the tray and in notifications: pure functions, so the shell only
//! applies them and they are tested without a display.

use exotel_api::{Availability, Device};

use crate::status::{Outcome, Status, Target, UnixMillis, now_ms};

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
}

impl TrayIcon {
    pub fn for_status(s: &Status) -> Self {
        if s.pending.is_some() {
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
    pub const STATUS: &str = "status";
    pub const PHONE: &str = "phone";
    pub const SIP: &str = "sip";
    pub const OFFLINE: &str = "offline";
    pub const OPEN: &str = "open";
    pub const QUIT: &str = "quit";
    pub const BREAK_MENU: &str = "break";
    pub const END_BREAK: &str = "end-break";
    /// `break-5`, `break-15`, ...: one item per length in [`super::BREAK_MINUTES`].
    pub const BREAK_PREFIX: &str = "break-";
}

/// The break lengths offered, in minutes.
pub const BREAK_MINUTES: [u64; 4] = [5, 15, 30, 60];

/// One check item of the tray menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckItem {
    pub enabled: bool,
    /// Ticked only from the confirmed state.
    pub checked: bool,
}

/// Everything the tray menu shows for a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuModel {
    /// The first, disabled line: the status in words.
    pub status_line: String,
    pub phone: CheckItem,
    pub sip: CheckItem,
    pub offline: CheckItem,
    /// "Open Exotel Agent Tray", or "Sign in..." when signed out.
    pub open_text: &'static str,
    /// The break submenu's items can start a break (signed in, nothing in flight).
    pub break_enabled: bool,
    /// "End break (12 min left)" while on a break.
    pub end_break: Option<String>,
}

impl MenuModel {
    pub fn for_status(s: &Status) -> Self {
        let actionable = s.signed_in && s.pending.is_none();
        let item =
            |a: Availability| CheckItem { enabled: actionable, checked: s.signed_in && s.availability == a };
        Self {
            status_line: status_line(s),
            phone: item(Availability::Receiving(Device::Phone)),
            sip: item(Availability::Receiving(Device::Sip)),
            offline: item(Availability::Offline),
            open_text: if s.signed_in { "Open Exotel Agent Tray" } else { "Sign in..." },
            break_enabled: actionable,
            end_break: s.break_until.map(|until| format!("End break ({} left)", time_left(until, now_ms()))),
        }
    }
}

/// "12 min", "45 s": the time until `until`, rounded up.
pub fn time_left(until: UnixMillis, now: UnixMillis) -> String {
    let secs = until.saturating_sub(now).div_ceil(1000);
    if secs < 60 { format!("{secs} s") } else { format!("{} min", secs.div_ceil(60)) }
}

/// What the global shortcut asks for: offline when receiving, else the device used last
/// (from the recent changes; the phone if none). From an unknown status (or a change in
/// flight) it takes the safe side, offline (R5 in [`crate::away`]): a key pressed without
/// looking never turns a device on by guess.
pub fn toggle_target(s: &Status) -> Target {
    if s.availability != Availability::Offline || s.pending.is_some() {
        return Target::Offline;
    }
    let last = s.recent.iter().find_map(|c| match c.to {
        Availability::Receiving(d) => Some(d),
        _ => None,
    });
    Target::Receiving(last.unwrap_or(Device::Phone))
}

/// What a click on a tray menu item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuAction {
    Change(Target),
    /// Start a break of this many minutes.
    StartBreak(u64),
    EndBreak,
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
        menu_id::END_BREAK => s.break_until.map(|_| MenuAction::EndBreak),
        other => {
            let minutes = other.strip_prefix(menu_id::BREAK_PREFIX)?.parse().ok()?;
            let offered = BREAK_MINUTES.contains(&minutes) && s.signed_in && s.pending.is_none();
            offered.then_some(MenuAction::StartBreak(minutes))
        }
    }
}

/// "Receiving calls on phone", "Switching to ...", "Signed out".
pub fn status_line(s: &Status) -> String {
    if !s.signed_in {
        return "Signed out".to_owned();
    }
    if let (Some(_), Some(wait)) = (s.pending, s.limited) {
        return limited_line(wait.until, now_ms());
    }
    if let Some(target) = s.pending {
        return format!("Switching: {}...", capitalise(target.describe()));
    }
    if let (Some(until), Availability::Offline) = (s.break_until, s.availability) {
        return format!("On a break: {} left", time_left(until, now_ms()));
    }
    if let (Some(device), Availability::Offline) = (s.parked, s.availability) {
        return format!("Offline while you are away ({} again when you return)", device_words(device));
    }
    match (s.availability, &s.last_error) {
        (Availability::Unknown, Some(_)) => "Status unknown (see the window)".to_owned(),
        (a, _) => a.describe().to_owned(),
    }
}

/// A change held back by Exotel's rate limit: "Exotel is limiting requests; trying again in 7 s".
pub fn limited_line(until: UnixMillis, now: UnixMillis) -> String {
    let seconds = until.saturating_sub(now).div_ceil(1000).max(1);
    format!("Exotel is limiting requests; trying again in {seconds} s")
}

/// The tray tooltip: the status in words and the agent's name; in the sandbox, says so first.
pub fn tooltip(s: &Status) -> String {
    let line = status_line(s);
    let world = if s.sandbox && s.signed_in { SANDBOX_PREFIX } else { "Exotel: " };
    match s.user.as_ref().and_then(|u| u.name.as_deref()) {
        Some(name) if s.signed_in => format!("{world}{line} ({name})"),
        _ => format!("{world}{line}"),
    }
}

/// What every word about the sandbox starts with, so it is never taken for the real account.
pub const SANDBOX_PREFIX: &str = "Sandbox (not Exotel): ";

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
}

/// The notification due when the published status goes from `before` to `after`: one for every
/// new confirmed change of availability and one for every new failed change, none otherwise.
pub fn notice(before: &Status, after: &Status) -> Option<Notice> {
    let mut notice = world_notice(before, after)?;
    if after.sandbox {
        notice.title = format!("{SANDBOX_PREFIX}{}", notice.title);
    }
    Some(notice)
}

fn device_words(d: Device) -> &'static str {
    match d {
        Device::Phone => "calls on your phone",
        Device::Sip => "calls on your computer",
    }
}

fn world_notice(before: &Status, after: &Status) -> Option<Notice> {
    // A break that ended while the agent was away (R2 in crate::away): nothing turned on yet.
    if let (Some(_), None, None, Some(device)) =
        (before.break_until, after.break_until, before.parked, after.parked)
    {
        return Some(Notice {
            title: "Break over".to_owned(),
            body: format!(
                "You are away, so you stay offline: {} again when you return.",
                device_words(device)
            ),
            failure: false,
        });
    }
    let change = after.last_change.as_ref()?;
    if before.last_change.as_ref() == Some(change) {
        return None;
    }
    match change.outcome {
        Outcome::Confirmed if change.from != change.to => Some(Notice {
            title: capitalise(&format!("now {}", phrase(change.to))),
            body: format!("{}, {}.", capitalise(change.to.describe()), change.source.describe()),
            failure: false,
        }),
        Outcome::Confirmed => None,
        Outcome::Failed => {
            let wanted = change.target.map_or("change your status", |t| t.describe());
            let error = after.last_error.as_ref().map(|e| e.message.as_str()).unwrap_or("the change failed");
            Some(Notice {
                title: format!("Could not switch to {wanted}"),
                body: format!("{}. {}.", capitalise(error), still(change.to)),
                failure: true,
            })
        }
    }
}

fn phrase(a: Availability) -> &'static str {
    match a {
        Availability::Offline => "offline: no new calls",
        Availability::Receiving(Device::Phone) => "receiving calls on phone",
        Availability::Receiving(Device::Sip) => "receiving calls on computer",
        Availability::Unknown => "status unknown",
    }
}

fn still(a: Availability) -> &'static str {
    match a {
        Availability::Offline => "Exotel still has you offline",
        Availability::Receiving(Device::Phone) => "Calls still ring on your phone",
        Availability::Receiving(Device::Sip) => "Calls still ring on your computer",
        Availability::Unknown => "Your status is unknown: check it in the window",
    }
}

/// The text with its first letter in upper case.
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorInfo;
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
        let m = MenuModel::for_status(&signed_in(Availability::Receiving(Device::Phone)));
        assert_eq!((m.phone.checked, m.sip.checked, m.offline.checked), (true, false, false));
        assert!(m.phone.enabled && m.sip.enabled && m.offline.enabled);
        assert_eq!(m.status_line, "Receiving calls on phone");

        // In flight to SIP: nothing new ticked, every action disabled.
        let pending = Status {
            pending: Some(Target::Receiving(Device::Sip)),
            ..signed_in(Availability::Receiving(Device::Phone))
        };
        let m = MenuModel::for_status(&pending);
        assert_eq!((m.phone.checked, m.sip.checked), (true, false));
        assert!(!m.phone.enabled && !m.sip.enabled && !m.offline.enabled);
        assert!(m.status_line.starts_with("Switching"), "{}", m.status_line);
        assert_eq!(TrayIcon::for_status(&pending), TrayIcon::Pending);

        let unknown = MenuModel::for_status(&signed_in(Availability::Unknown));
        assert!(!unknown.phone.checked && !unknown.sip.checked && !unknown.offline.checked);
    }

    #[test]
    fn signed_out_disables_actions_and_offers_sign_in() {
        let s = Status::default();
        let m = MenuModel::for_status(&s);
        assert!(!m.phone.enabled && !m.offline.enabled && !m.phone.checked);
        assert_eq!((m.status_line.as_str(), m.open_text), ("Signed out", "Sign in..."));
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
    fn breaks_in_the_menu_and_the_shortcut_toggle() {
        let s = signed_in(Availability::Offline);
        assert_eq!(menu_action("break-15", &s), Some(MenuAction::StartBreak(15)));
        assert_eq!(menu_action("break-7", &s), None, "only the offered lengths");
        assert_eq!(menu_action(menu_id::END_BREAK, &s), None, "no break to end");
        let on_break = Status { break_until: Some(now_ms() + 12 * 60_000 - 500), ..s.clone() };
        assert_eq!(menu_action(menu_id::END_BREAK, &on_break), Some(MenuAction::EndBreak));
        assert_eq!(MenuModel::for_status(&on_break).end_break.as_deref(), Some("End break (12 min left)"));
        assert_eq!(status_line(&on_break), "On a break: 12 min left");
        assert_eq!(time_left(10_000, 9_001), "1 s");
        assert_eq!(time_left(59_000, 0), "59 s");
        assert_eq!(time_left(60_000, 0), "1 min", "a whole minute is said in minutes");
        assert_eq!(time_left(61_000, 0), "2 min", "minutes round up");

        assert_eq!(toggle_target(&signed_in(Availability::Receiving(Device::Sip))), Target::Offline);
        // R5: from unknown, or with a change in flight, the shortcut goes offline.
        assert_eq!(toggle_target(&signed_in(Availability::Unknown)), Target::Offline);
        let mut in_flight = signed_in(Availability::Offline);
        in_flight.pending = Some(PHONE);
        assert_eq!(toggle_target(&in_flight), Target::Offline);
        assert_eq!(toggle_target(&s), PHONE, "no device used yet: the phone");
        let used_sip = change(
            Availability::Offline,
            Availability::Receiving(Device::Sip),
            Source::Tray,
            Outcome::Confirmed,
        );
        let back = change(
            Availability::Receiving(Device::Sip),
            Availability::Offline,
            Source::Tray,
            Outcome::Confirmed,
        );
        let s = Status { recent: vec![back, used_sip], ..s };
        assert_eq!(toggle_target(&s), Target::Receiving(Device::Sip));
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
        assert_eq!(tooltip(&signed_in(Availability::Offline)), "Exotel: Offline (no new calls) (Asha Demo)");
    }

    fn change(from: Availability, to: Availability, source: Source, outcome: Outcome) -> Change {
        Change { at: 1, from, to, source, outcome, target: Some(PHONE), error_kind: None }
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
        let n = notice(&before, &after).unwrap();
        assert_eq!(n.title, "Now receiving calls on phone");
        assert_eq!(n.body, "Receiving calls on phone, from the tray.");
        assert!(!n.failure);
        // The same status published again (a refresh that found nothing new): no second notice.
        assert_eq!(notice(&after, &after), None);

        let failed = change(Availability::Offline, Availability::Offline, Source::Window, Outcome::Failed);
        let error = ErrorInfo {
            kind: "server".into(),
            message: "Exotel had a server error (HTTP 500). Try again in a minute".into(),
            field: None,
            at: 2,
        };
        let after =
            Status { last_change: Some(failed), last_error: Some(error), ..signed_in(Availability::Offline) };
        let n = notice(&before, &after).unwrap();
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
        assert!(notice(&before, &after).unwrap().body.contains("changed elsewhere"));
    }

    #[test]
    fn markup_from_exotel_is_shown_as_written() {
        assert_eq!(escape_markup("<b>x</b> & <a href='y'>"), "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='y'&gt;");
        assert_eq!(escape_markup("Offline (no new calls)."), "Offline (no new calls).");
    }

    #[test]
    fn the_sandbox_is_named_in_the_tooltip_and_every_notification() {
        let mut s = signed_in(Availability::Offline);
        assert!(tooltip(&s).starts_with("Exotel: "), "{}", tooltip(&s));
        s.sandbox = true;
        assert!(tooltip(&s).starts_with(SANDBOX_PREFIX), "{}", tooltip(&s));
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
        });
        let n = notice(&s, &after).unwrap();
        assert_eq!(n.title, format!("{SANDBOX_PREFIX}Now receiving calls on phone"));
        after.sandbox = false;
        assert_eq!(notice(&s, &after).unwrap().title, "Now receiving calls on phone");
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
        assert_eq!(status_line(&held), "Exotel is limiting requests; trying again in 7 s");
        assert!(tooltip(&held).contains("Exotel is limiting requests"), "{}", tooltip(&held));
        assert_eq!(limited_line(now, now + 5_000), "Exotel is limiting requests; trying again in 1 s");
        let sent = Status { limited: None, ..held };
        assert!(status_line(&sent).starts_with("Switching"), "{}", status_line(&sent));
    }

    /// The tooltip names the agent only while signed in; a change that changed nothing is not
    /// notified; the "break over while away" notice names the device that will come back.
    #[test]
    fn names_only_when_signed_in_and_no_notice_for_nothing() {
        let phone = Availability::Receiving(Device::Phone);
        let signed_out = Status { signed_in: false, ..signed_in(Availability::Unknown) };
        assert!(!tooltip(&signed_out).contains("Asha"), "{}", tooltip(&signed_out));
        assert!(tooltip(&signed_in(phone)).contains("(Asha Demo)"));

        let same = Change {
            at: 1,
            from: phone,
            to: phone,
            source: Source::Sync,
            outcome: Outcome::Confirmed,
            target: None,
            error_kind: None,
        };
        let after = Status { last_change: Some(same), ..signed_in(phone) };
        assert_eq!(notice(&signed_in(phone), &after), None, "nothing changed, nothing said");

        let on_break = Status { break_until: Some(5), ..signed_in(Availability::Offline) };
        let parked = Status { parked: Some(Device::Sip), ..signed_in(Availability::Offline) };
        let n = notice(&on_break, &parked).expect("the break-over notice");
        assert!(n.body.contains("calls on your computer again when you return"), "{}", n.body);
    }
}
