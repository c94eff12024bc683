//! The tray: its icon, its tooltip and its menu for a status ([`TrayView`], [`MenuModel`]),
//! and what a click on an item asks for ([`menu_action`]).

use exotel_api::{Availability, Device};

use crate::status::{Status, Target};
use crate::words::{Words, n, s};

use super::phrases::status_line;
use super::time::{Moment, clock_time, s_left, since_line, stale_line};

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

    /// A new version ([`super::update::menu_line`]): an item under the status line, which
    /// installs it when `.1` (a verified download), or only says it (the package manager's).
    pub fn offer(mut self, update: Option<(String, bool)>) -> Self {
        self.menu.update = update;
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
    /// "Version 1.0.0 is ready: install and restart".
    pub const UPDATE: &str = "update";
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
    /// A new version, under the status line ([`TrayView::offer`]): its words, and whether a
    /// click installs it.
    pub update: Option<(String, bool)>,
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
            update: None,
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
    /// Install the version ready (offline first); the shell checks one is.
    InstallUpdate,
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
        menu_id::UPDATE => Some(MenuAction::InstallUpdate),
        menu_id::END_BREAK => s.break_until.map(|_| MenuAction::EndBreak),
        other => {
            let minutes = other.strip_prefix(menu_id::BREAK_PREFIX)?.parse().ok()?;
            let offered = BREAK_MINUTES.contains(&minutes) && s.signed_in && s.pending.is_none();
            offered.then_some(MenuAction::StartBreak(minutes))
        }
    }
}

/// Which "Quit anyway" is said: the device that may still ring, if Exotel last said one.
fn quit_anyway_case(a: Availability) -> &'static str {
    match a {
        Availability::Receiving(Device::Phone) => "phone",
        Availability::Receiving(Device::Sip) => "sip",
        _ => "unknown",
    }
}

/// The tray tooltip: the status in words and the agent's name; in the sandbox, says so first.
pub fn tooltip(w: &Words, st: &Status) -> String {
    tooltip_with(w, st, status_line(w, st))
}

/// The tooltip around `line`: the agent's name after it, Exotel or the sandbox before it.
fn tooltip_with(w: &Words, st: &Status, line: String) -> String {
    let line = match st.user.as_ref().and_then(|u| u.name.as_deref()) {
        Some(name) if st.signed_in => w.text("tooltip-named", &[s("line", line), s("name", name)]),
        _ => line,
    };
    let place = if st.sandbox && st.signed_in { "tooltip-sandbox" } else { "tooltip-exotel" };
    w.text(place, &[s("line", line)])
}
