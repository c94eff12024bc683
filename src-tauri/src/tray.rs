//! The tray icon and menu. Built once; each published status is applied with [`Tray::show`]
//! from the model in [`agent_core::present`] (words included, so a change of language applies
//! like a change of status), and each click goes to the shell as the item's id.

use agent_core::Status;
use agent_core::present::{BREAK_MINUTES, MenuModel, Moment, TrayIcon as Look, TrayView, menu_id, tooltip};
use agent_core::words::Words;
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::tray::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Wry};

use crate::shell_handle::{Message, ShellHandle};

/// What the tray last showed: a status that looks the same (a sync read that only moved
/// `confirmed_at`, say) changes nothing, so the icon is not re-encoded and re-sent to the
/// tray host over D-Bus every sync (measured in docs/benchmarks.md, idle CPU).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shown {
    look: Look,
    tooltip: String,
    model: MenuModel,
}

/// The tray icon and its menu.
pub struct Tray {
    shown: Option<Shown>,
    icon: TrayIcon,
    items: Items,
    app: AppHandle,
}

/// The menu's items whose look follows the status.
struct Items {
    menu: Menu<Wry>,
    /// A protection the agent turned on that cannot work here: in the menu (first) only then.
    warning: MenuItem<Wry>,
    warned: bool,
    /// A new version: under the status line, only then.
    update: MenuItem<Wry>,
    offered: bool,
    status: MenuItem<Wry>,
    phone: CheckMenuItem<Wry>,
    sip: CheckMenuItem<Wry>,
    offline: CheckMenuItem<Wry>,
    breaks: Submenu<Wry>,
    end_break: MenuItem<Wry>,
    open: MenuItem<Wry>,
    quiet: MenuItem<Wry>,
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
        (Look::Stale, false) => include_bytes!("../../icons/tray-stale.png"),
        (Look::Offline, true) => include_bytes!("../../icons/tray-template-offline.png"),
        (Look::Phone, true) => include_bytes!("../../icons/tray-template-phone.png"),
        (Look::Sip, true) => include_bytes!("../../icons/tray-template-sip.png"),
        (Look::Unknown, true) => include_bytes!("../../icons/tray-template-unknown.png"),
        (Look::Pending, true) => include_bytes!("../../icons/tray-template-pending.png"),
        (Look::Stale, true) => include_bytes!("../../icons/tray-template-stale.png"),
    }
}

/// The menu for `model`, its items in the desktop's usual order.
fn items(app: &AppHandle, model: &MenuModel) -> tauri::Result<Items> {
    let warning = MenuItem::with_id(app, menu_id::WARNING, "", false, None::<&str>)?;
    let update = MenuItem::with_id(app, menu_id::UPDATE, "", true, None::<&str>)?;
    let status = MenuItem::with_id(app, menu_id::STATUS, &model.status_line, false, None::<&str>)?;
    let check = |id: &str, text: &str| CheckMenuItem::with_id(app, id, text, false, false, None::<&str>);
    let phone = check(menu_id::PHONE, &model.phone.label)?;
    let sip = check(menu_id::SIP, &model.sip.label)?;
    let offline = check(menu_id::OFFLINE, &model.offline.label)?;
    let lengths = BREAK_MINUTES
        .iter()
        .zip(&model.break_lengths)
        .map(|(m, text)| {
            MenuItem::with_id(app, format!("{}{m}", menu_id::BREAK_PREFIX), text, true, None::<&str>)
        })
        .collect::<tauri::Result<Vec<_>>>()?;
    let length_refs: Vec<&dyn IsMenuItem<Wry>> = lengths.iter().map(|i| i as &dyn IsMenuItem<Wry>).collect();
    let breaks =
        Submenu::with_id_and_items(app, menu_id::BREAK_MENU, &model.break_text, false, &length_refs)?;
    let end_break = MenuItem::with_id(app, menu_id::END_BREAK, &model.end_break, false, None::<&str>)?;
    let open = MenuItem::with_id(app, menu_id::OPEN, &model.open_text, true, None::<&str>)?;
    let quiet = MenuItem::with_id(app, menu_id::QUIET, &model.quiet_text, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, menu_id::QUIT, &model.quit_text, true, None::<&str>)?;
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
            &quiet,
            &open,
            &quit,
        ],
    )?;
    let mut items = Items {
        menu,
        warning,
        warned: false,
        update,
        offered: false,
        status,
        phone,
        sip,
        offline,
        breaks,
        end_break,
        open,
        quiet,
    };
    items.warn(model.warning.as_deref())?;
    items.offer(model.update.as_ref())?;
    Ok(items)
}

impl Items {
    /// Puts the warning line first in the menu, with these words, or takes it out.
    fn warn(&mut self, warning: Option<&str>) -> tauri::Result<()> {
        match (warning, self.warned) {
            (Some(line), warned) => {
                self.warning.set_text(line)?;
                if !warned {
                    self.menu.insert(&self.warning, 0)?;
                }
            }
            (None, true) => self.menu.remove(&self.warning)?,
            (None, false) => {}
        }
        self.warned = warning.is_some();
        Ok(())
    }

    /// Puts the new version's item under the status line, with these words (clickable when
    /// `.1`), or takes it out.
    fn offer(&mut self, update: Option<&(String, bool)>) -> tauri::Result<()> {
        match (update, self.offered) {
            (Some((line, clickable)), offered) => {
                self.update.set_text(line)?;
                self.update.set_enabled(*clickable)?;
                if !offered {
                    self.menu.insert(&self.update, usize::from(self.warned) + 1)?;
                }
            }
            (None, true) => self.menu.remove(&self.update)?,
            (None, false) => {}
        }
        self.offered = update.is_some();
        Ok(())
    }
}

pub fn build(app: &AppHandle, shell: ShellHandle, w: &Words) -> tauri::Result<Tray> {
    let start = Status::default();
    let items = items(app, &MenuModel::for_status(w, &start))?;
    let clicks = shell.clone();
    let icon = TrayIconBuilder::with_id("main")
        .icon(image(Look::for_status(&start))?)
        .tooltip(tooltip(w, &start))
        .menu(&items.menu)
        // Each desktop's convention: on Windows a left click opens the window and a right
        // click the menu; elsewhere (where the tray host may only offer the menu) any click
        // shows the menu, which holds *Open window*.
        .icon_as_template(TEMPLATE_ICONS)
        .show_menu_on_left_click(!cfg!(windows))
        .on_tray_icon_event(move |_icon, event| {
            if cfg!(windows)
                && let TrayIconEvent::Click {
                    button: MouseButton::Left,
                    button_state: MouseButtonState::Up,
                    ..
                } = event
            {
                clicks.send(Message::OpenWindow);
            }
        })
        .on_menu_event(move |_app, event| shell.send(Message::Menu(event.id().as_ref().to_owned())))
        .build(app)?;
    Ok(Tray { shown: None, icon, items, app: app.clone() })
}

impl Tray {
    /// Applies a status, as it looks at `fresh`, to the icon, tooltip and menu, in the words of
    /// `w`; only what differs from what is shown. Called by the shell only.
    /// `warning`: a protection the agent turned on that cannot work here
    /// ([`agent_core::present::desk::tray_warning`]).
    /// `update`: the new version's item ([`agent_core::present::update::menu_line`]).
    pub fn show(
        &mut self,
        w: &Words,
        s: &Status,
        fresh: &Moment,
        warning: Option<String>,
        update: Option<(String, bool)>,
    ) {
        let view = TrayView::new(w, s, fresh).warn(warning).offer(update);
        let next = Shown { look: view.icon, tooltip: view.tooltip, model: view.menu };
        let before = self.shown.replace(next.clone());
        if before.as_ref() == Some(&next) {
            return;
        }
        let icon_changed = before.as_ref().is_none_or(|old| old.look != next.look);
        let tooltip_changed = before.as_ref().is_none_or(|old| old.tooltip != next.tooltip);
        // Another language: a new menu (a submenu's label set later does not reach every tray
        // host: the AppIndicator export keeps the old one).
        let words_changed = before.as_ref().is_some_and(|old| old.model.quit_text != next.model.quit_text);
        let model = &next.model;
        let result = (|| -> tauri::Result<()> {
            if words_changed {
                self.items = items(&self.app, model)?;
                self.icon.set_menu(Some(self.items.menu.clone()))?;
            }
            if icon_changed {
                self.icon.set_icon(Some(image(next.look)?))?;
                if TEMPLATE_ICONS {
                    self.icon.set_icon_as_template(true)?;
                }
            }
            if tooltip_changed {
                self.icon.set_tooltip(Some(&next.tooltip))?;
            }
            self.items.warn(model.warning.as_deref())?;
            self.items.offer(model.update.as_ref())?;
            let items = &self.items;
            items.status.set_text(&model.status_line)?;
            for (item, state) in
                [(&items.phone, &model.phone), (&items.sip, &model.sip), (&items.offline, &model.offline)]
            {
                item.set_checked(state.checked)?;
                item.set_enabled(state.enabled)?;
            }
            items.breaks.set_enabled(model.break_enabled)?;
            items.end_break.set_enabled(model.end_break_enabled)?;
            items.end_break.set_text(&model.end_break)?;
            items.quiet.set_text(&model.quiet_text)?;
            items.open.set_text(&model.open_text)
        })();
        if let Err(e) = result {
            // Forgotten: the next status applies everything again.
            self.shown = None;
            tracing::warn!("could not update the tray: {e}");
        }
    }

    /// After a click a check item has ticked itself: puts the three ticks back to the
    /// confirmed state (a change, if one was asked for, is shown when Exotel confirms it).
    pub fn restore_ticks(&self, w: &Words, s: &Status) {
        let model = MenuModel::for_status(w, s);
        let items = &self.items;
        for (item, state) in
            [(&items.phone, model.phone), (&items.sip, model.sip), (&items.offline, model.offline)]
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

    const LOOKS: [Look; 6] =
        [Look::Offline, Look::Phone, Look::Sip, Look::Unknown, Look::Pending, Look::Stale];

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

    /// WCAG's relative luminance of an sRGB colour.
    fn luminance(rgb: &[u8]) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
    }

    fn contrast(a: &[u8], b: &[u8]) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// Each colour icon's outline (its drawn pixels next to clear ones, which the panel shows
    /// through) stands out from a light panel and a dark one by WCAG's 3:1 for graphics.
    #[test]
    fn colour_icons_stay_legible_on_light_and_dark_panels() {
        let panels: [(&str, [u8; 3]); 2] = [("light", [0xf0, 0xf0, 0xf0]), ("dark", [0x1e, 0x1e, 0x1e])];
        for look in LOOKS {
            let image = Image::from_bytes(image_bytes(look, false)).expect("a PNG");
            let (w, h) = (image.width() as usize, image.height() as usize);
            let rgba = image.rgba();
            let at = |x: usize, y: usize| &rgba[(y * w + x) * 4..(y * w + x) * 4 + 4];
            let clear = |x: isize, y: isize| {
                x < 0 || y < 0 || x as usize >= w || y as usize >= h || at(x as usize, y as usize)[3] < 128
            };
            let mut edge = Vec::new();
            for y in 0..h {
                for x in 0..w {
                    let (xi, yi) = (x as isize, y as isize);
                    let next_to_clear =
                        clear(xi + 1, yi) || clear(xi - 1, yi) || clear(xi, yi + 1) || clear(xi, yi - 1);
                    if at(x, y)[3] >= 128 && next_to_clear {
                        edge.push(at(x, y));
                    }
                }
            }
            assert!(edge.len() > 50, "{look:?} has an outline");
            for (name, panel) in panels {
                let legible = edge.iter().filter(|p| contrast(&p[..3], &panel) >= 3.0).count();
                assert!(
                    legible * 100 >= edge.len() * 95,
                    "{look:?} on a {name} panel: {legible} of {} outline pixels at 3:1",
                    edge.len()
                );
            }
        }
    }
}
