//! The tray icon and menu. Built once; each published status is applied with [`Tray::show`]
//! from the model in [`agent_core::present`], and each click becomes the same controller request
//! the window sends.

use std::sync::Arc;

use agent_core::present::{MenuAction, MenuModel, TrayIcon as Look, menu_action, menu_id, tooltip};
use agent_core::{Agent, Source, Status};
use std::time::Duration;
use tauri::image::Image;

use agent_core::present::BREAK_MINUTES;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Wry};

use crate::{quit, window};

/// What the tray last showed: a status that looks the same (a sync read that only moved
/// `confirmed_at`, say) changes nothing, so the icon is not re-encoded and re-sent to the
/// tray host over D-Bus every sync (measured in docs/benchmarks.md, idle CPU).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    look: Look,
    tooltip: String,
    model: MenuModel,
}

/// The tray icon and the menu items whose look follows the status.
#[derive(Clone)]
pub struct Tray {
    shown: Arc<std::sync::Mutex<Option<Shown>>>,
    icon: TrayIcon,
    status: MenuItem<Wry>,
    phone: CheckMenuItem<Wry>,
    sip: CheckMenuItem<Wry>,
    offline: CheckMenuItem<Wry>,
    breaks: Submenu<Wry>,
    end_break: MenuItem<Wry>,
    open: MenuItem<Wry>,
}

/// Whether tray icons are templates (macOS: black and clear, tinted by the menu bar to suit
/// light and dark; each status keeps its own shape). Elsewhere they are in colour.
const TEMPLATE_ICONS: bool = cfg!(target_os = "macos");

fn image(look: Look) -> tauri::Result<Image<'static>> {
    Image::from_bytes(image_bytes(look, TEMPLATE_ICONS))
}

/// The PNG for a status, in colour or as a template.
fn image_bytes(look: Look, template: bool) -> &'static [u8] {
    match (look, template) {
        (Look::Offline, false) => include_bytes!("../../icons/tray-offline.png"),
        (Look::Phone, false) => include_bytes!("../../icons/tray-phone.png"),
        (Look::Sip, false) => include_bytes!("../../icons/tray-sip.png"),
        (Look::Unknown, false) => include_bytes!("../../icons/tray-unknown.png"),
        (Look::Pending, false) => include_bytes!("../../icons/tray-pending.png"),
        (Look::Offline, true) => include_bytes!("../../icons/tray-template-offline.png"),
        (Look::Phone, true) => include_bytes!("../../icons/tray-template-phone.png"),
        (Look::Sip, true) => include_bytes!("../../icons/tray-template-sip.png"),
        (Look::Unknown, true) => include_bytes!("../../icons/tray-template-unknown.png"),
        (Look::Pending, true) => include_bytes!("../../icons/tray-template-pending.png"),
    }
}

pub fn build(app: &AppHandle, agent: Arc<Agent>) -> tauri::Result<Tray> {
    let start = Status::default();
    let model = MenuModel::for_status(&start);
    let status = MenuItem::with_id(app, menu_id::STATUS, &model.status_line, false, None::<&str>)?;
    let check = |id: &str, text: &str| CheckMenuItem::with_id(app, id, text, false, false, None::<&str>);
    let phone = check(menu_id::PHONE, "Receive calls on phone")?;
    let sip = check(menu_id::SIP, "Receive calls on computer")?;
    let offline = check(menu_id::OFFLINE, "Go offline")?;
    let lengths = BREAK_MINUTES
        .iter()
        .map(|m| {
            MenuItem::with_id(
                app,
                format!("{}{m}", menu_id::BREAK_PREFIX),
                format!("{m} minutes"),
                true,
                None::<&str>,
            )
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    let length_refs: Vec<&dyn IsMenuItem<Wry>> = lengths.iter().map(|i| i as &dyn IsMenuItem<Wry>).collect();
    let breaks = Submenu::with_id_and_items(app, menu_id::BREAK_MENU, "Take a break", false, &length_refs)?;
    let end_break = MenuItem::with_id(app, menu_id::END_BREAK, "End break", false, None::<&str>)?;
    let open = MenuItem::with_id(app, menu_id::OPEN, model.open_text, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, menu_id::QUIT, "Quit", true, None::<&str>)?;
    let separator = || PredefinedMenuItem::separator(app);
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &separator()?,
            &phone,
            &sip,
            &offline,
            &separator()?,
            &breaks,
            &end_break,
            &separator()?,
            &open,
            &quit,
        ],
    )?;

    let icon = TrayIconBuilder::with_id("main")
        .icon(image(Look::for_status(&start))?)
        .tooltip(tooltip(&start))
        .menu(&menu)
        // Each desktop's convention: on Windows a left click opens the window and a right
        // click the menu; elsewhere (where the tray host may only offer the menu) any click
        // shows the menu, which holds *Open window*.
        .icon_as_template(TEMPLATE_ICONS)
        .show_menu_on_left_click(!cfg!(windows))
        .on_tray_icon_event(|icon, event| {
            if cfg!(windows)
                && let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
            {
                window::open(icon.app_handle());
            }
        })
        .build(app)?;
    let shown = Arc::new(std::sync::Mutex::new(None));
    let tray = Tray { shown, icon, status, phone, sip, offline, breaks, end_break, open };

    let handler = tray.clone();
    tray.icon.on_menu_event(move |app, event| {
        let now = agent.status();
        match menu_action(event.id().as_ref(), &now) {
            Some(MenuAction::Change(target)) => {
                let agent = agent.clone();
                tauri::async_runtime::spawn(async move {
                    // The outcome is published (and notified) by the controller.
                    let _ = agent.change(target, Source::Tray).await;
                });
            }
            Some(MenuAction::StartBreak(minutes)) => {
                let agent = agent.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = agent.start_break(Duration::from_secs(minutes * 60)).await;
                });
            }
            Some(MenuAction::EndBreak) => {
                let agent = agent.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = agent.end_break().await;
                });
            }
            Some(MenuAction::OpenWindow) => window::open(app),
            Some(MenuAction::Quit) => quit::quit(app),
            None => {}
        }
        // A check item ticks itself when clicked; put the ticks back to the confirmed state.
        handler.restore_ticks(&now);
    });
    Ok(tray)
}

impl Tray {
    /// Applies a status to the icon, tooltip and menu; only what differs from what is shown.
    /// Called by the one forwarding task only (so two calls never interleave); the lock is
    /// not held while the tray is updated on the main thread.
    pub fn show(&self, s: &Status) {
        let next = Shown { look: Look::for_status(s), tooltip: tooltip(s), model: MenuModel::for_status(s) };
        let before = match self.shown.lock() {
            Ok(mut shown) => shown.replace(next.clone()),
            Err(_) => None,
        };
        if before.as_ref() == Some(&next) {
            return;
        }
        let icon_changed = before.as_ref().is_none_or(|old| old.look != next.look);
        let tooltip_changed = before.as_ref().is_none_or(|old| old.tooltip != next.tooltip);
        let model = &next.model;
        let result = (|| -> tauri::Result<()> {
            if icon_changed {
                self.icon.set_icon(Some(image(next.look)?))?;
                if TEMPLATE_ICONS {
                    self.icon.set_icon_as_template(true)?;
                }
            }
            if tooltip_changed {
                self.icon.set_tooltip(Some(&next.tooltip))?;
            }
            self.status.set_text(&model.status_line)?;
            for (item, state) in
                [(&self.phone, model.phone), (&self.sip, model.sip), (&self.offline, model.offline)]
            {
                item.set_checked(state.checked)?;
                item.set_enabled(state.enabled)?;
            }
            self.breaks.set_enabled(model.break_enabled)?;
            self.end_break.set_enabled(model.end_break.is_some())?;
            self.end_break.set_text(model.end_break.as_deref().unwrap_or("End break"))?;
            self.open.set_text(model.open_text)
        })();
        if let Err(e) = result {
            // Forgotten: the next status applies everything again.
            if let Ok(mut shown) = self.shown.lock() {
                *shown = None;
            }
            tracing::warn!("could not update the tray: {e}");
        }
    }

    /// After a click a check item has ticked itself: puts the three ticks back to the
    /// confirmed state (a change, if one was asked for, is shown when Exotel confirms it).
    pub fn restore_ticks(&self, s: &Status) {
        let model = MenuModel::for_status(s);
        for (item, state) in
            [(&self.phone, model.phone), (&self.sip, model.sip), (&self.offline, model.offline)]
        {
            if let Err(e) = item.set_checked(state.checked) {
                tracing::warn!("could not update the tray: {e}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOKS: [Look; 5] = [Look::Offline, Look::Phone, Look::Sip, Look::Unknown, Look::Pending];

    /// macOS tints a template by its alpha alone: each must be black where drawn, and each
    /// status must keep a shape of its own (at least a tenth of the pixels differ).
    #[test]
    fn template_icons_are_black_and_each_status_has_its_own_shape() {
        let masks: Vec<Vec<bool>> = LOOKS
            .iter()
            .map(|&look| {
                let image = Image::from_bytes(image_bytes(look, true)).expect("a PNG");
                let rgba = image.rgba();
                assert!(
                    rgba.chunks(4).all(|p| p[3] == 0 || p[..3] == [0, 0, 0]),
                    "{look:?}: only black and clear"
                );
                rgba.chunks(4).map(|p| p[3] > 127).collect()
            })
            .collect();
        for (i, a) in masks.iter().enumerate() {
            assert!(a.iter().filter(|&&on| on).count() > a.len() / 20, "{:?} draws something", LOOKS[i]);
            for (j, b) in masks.iter().enumerate().skip(i + 1) {
                let differ = a.iter().zip(b).filter(|(x, y)| x != y).count();
                assert!(differ > a.len() / 10, "{:?} and {:?} look alike", LOOKS[i], LOOKS[j]);
            }
        }
    }
}
