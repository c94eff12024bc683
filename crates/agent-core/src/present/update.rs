//! Where the app stands with updates ([`UpdateState`]), in words: the line under *Updates* in
//! the window's settings, the offer in the window and the tray, and whether the agent may ask
//! for a look or an install now.

use serde::Serialize;

use crate::updates::{InstallTime, UpdateState};
use crate::words::{Words, s};

use super::time::change_time;

/// The window's *Updates* section and its offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpdateView {
    /// What the app knows: "Version 0.9.0 is up to date (looked today 10:42).", or why the last
    /// look did not work.
    pub line: String,
    /// A version ready to install: "Version 1.0.0 is ready: install and restart." The window
    /// shows it above the status, with its button; the tray as an item ([`menu_line`]).
    pub offer: Option<String>,
    /// The last look or install failed: the line is said as an error.
    pub failed: bool,
    /// *Check for updates* may be pressed.
    pub can_check: bool,
    /// *Install and restart* may be pressed.
    pub can_install: bool,
}

impl UpdateView {
    /// `current`: this version; `now`: the time, for "today 10:42".
    pub fn new(w: &Words, state: &UpdateState, current: &str, now: u64) -> Self {
        let current_arg = s("current", current);
        let mut offer = None;
        let mut failed = false;
        let line = match state {
            UpdateState::Off => w.get("update-off"),
            UpdateState::NotChecked => w.text("update-not-checked", &[current_arg]),
            UpdateState::Checking => w.get("update-checking"),
            UpdateState::UpToDate { at_ms } => {
                w.text("update-up-to-date-at", &[current_arg, s("time", change_time(w, *at_ms, now))])
            }
            UpdateState::Ready { version, install } => {
                let version = s("version", version.as_str());
                offer = Some(w.text("update-ready", std::slice::from_ref(&version)));
                match install {
                    InstallTime::Ask => w.text("update-ready-ask", &[version, current_arg]),
                    InstallTime::AtQuit => w.text("update-ready-at-quit", &[version, current_arg]),
                }
            }
            UpdateState::PackageManager { version } => {
                w.text("update-package-manager", &[s("version", version.as_str()), current_arg])
            }
            UpdateState::NotInstallable { version } => {
                w.text("update-not-installable", &[s("version", version.as_str()), current_arg])
            }
            UpdateState::Installing { version } => {
                w.text("update-installing", &[s("version", version.as_str())])
            }
            UpdateState::Failed { error, at_ms } => {
                failed = true;
                w.text(
                    "update-failed-at",
                    &[s("time", change_time(w, *at_ms, now)), s("error", error.detail().render(w))],
                )
            }
        };
        Self { line, offer, failed, can_check: state.can_check(), can_install: state.ready().is_some() }
    }
}

/// The tray's item for a version ready to install ("Version 1.0.0 is ready: install and
/// restart"), or for one the package manager installs, or for the install under way (these
/// shown, not clickable: while installing, the agent's status changes are refused, and this
/// line says why); none otherwise.
pub fn menu_line(w: &Words, state: &UpdateState) -> Option<(String, bool)> {
    match state {
        UpdateState::Ready { version, .. } => {
            Some((w.text("menu-update-ready", &[s("version", version.as_str())]), true))
        }
        UpdateState::PackageManager { version } => {
            Some((w.text("menu-update-package-manager", &[s("version", version.as_str())]), false))
        }
        UpdateState::NotInstallable { version } => {
            Some((w.text("menu-update-not-installable", &[s("version", version.as_str())]), false))
        }
        UpdateState::Installing { version } => {
            Some((w.text("update-installing", &[s("version", version.as_str())]), false))
        }
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::updates::UpdateError;
    use crate::words::Lang;

    const NOW: u64 = 1_764_930_000_000;

    /// Every state, with whether *Check for updates* may be pressed in it: not with updates
    /// off, while a look runs, while a version waits to be installed, or while one installs.
    fn all() -> Vec<(UpdateState, bool)> {
        vec![
            (UpdateState::Off, false),
            (UpdateState::NotChecked, true),
            (UpdateState::Checking, false),
            (UpdateState::UpToDate { at_ms: NOW - 60_000 }, true),
            (UpdateState::Ready { version: "1.0.0".into(), install: InstallTime::Ask }, false),
            (UpdateState::Ready { version: "1.0.0".into(), install: InstallTime::AtQuit }, false),
            (UpdateState::PackageManager { version: "1.0.0".into() }, true),
            (UpdateState::NotInstallable { version: "1.0.0".into() }, true),
            (UpdateState::Installing { version: "1.0.0".into() }, false),
            (UpdateState::Failed { error: UpdateError::BadSignature("x".into()), at_ms: NOW - 60_000 }, true),
            (UpdateState::Failed { error: UpdateError::Status { status: 404 }, at_ms: NOW - 60_000 }, true),
        ]
    }

    /// Every state has its own line in both languages, with the version it is about; an
    /// install is offered only for a verified download, a look never while one runs or with
    /// updates off.
    #[test]
    fn every_state_is_said_in_both_languages() {
        for lang in [Lang::En, Lang::Hi] {
            let w = Words::of(lang);
            let mut lines = Vec::new();
            for (state, can_check) in all() {
                let view = UpdateView::new(w, &state, "0.9.0", NOW);
                assert!(!view.line.contains("update-"), "a catalog id left: {}", view.line);
                match &state {
                    UpdateState::Ready { .. } => {
                        assert!(view.can_install && view.offer.as_ref().unwrap().contains("1.0.0"));
                        assert_eq!(menu_line(w, &state).map(|(_, click)| click), Some(true));
                    }
                    UpdateState::PackageManager { .. }
                    | UpdateState::NotInstallable { .. }
                    | UpdateState::Installing { .. } => {
                        assert!(!view.can_install && view.offer.is_none());
                        assert_eq!(menu_line(w, &state).map(|(_, click)| click), Some(false));
                    }
                    _ => {
                        assert!(!view.can_install && view.offer.is_none());
                        assert_eq!(menu_line(w, &state), None);
                    }
                }
                assert_eq!(view.failed, matches!(state, UpdateState::Failed { .. }));
                assert_eq!(view.can_check, can_check, "{state:?}");
                if lang == Lang::Hi {
                    // No English but the HTTP of a status, as in every catalog test.
                    let left = crate::words::outside_quotes(&view.line).replace("HTTP", "");
                    assert!(
                        !left.chars().any(|c| c.is_ascii_alphabetic()),
                        "English in the Hindi line: {}",
                        view.line
                    );
                }
                lines.push(view.line);
            }
            let mut unique = lines.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), lines.len(), "each state its own line: {lines:#?}");
        }
        let w = Words::of(Lang::En);
        let failed = UpdateView::new(w, &all()[9].0, "0.9.0", NOW);
        assert!(failed.line.contains("today") && failed.line.contains("signature"), "{}", failed.line);
        let at_quit = UpdateView::new(w, &all()[5].0, "0.9.0", NOW);
        assert!(at_quit.line.contains("quit"), "{}", at_quit.line);
    }
}
