//! What this computer can do ([`Desk`]), in words: the window's "On this computer" section,
//! the tray's warning line and tooltip, and the notification of a protection the agent turned on
//! that cannot work here.

use serde::Serialize;

use super::{Notice, NoticeKind};
use crate::settings::Preferences;
use crate::words::{Words, n, s};
use desk_events::{Desk, Protection, Support};

/// One protection, as the window lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskLine {
    pub protection: Protection,
    /// "Screen lock".
    pub name: String,
    /// `checking`, `works`, `locked` or `missing`.
    pub state: &'static str,
    /// "Works, through logind", "Not available on this computer".
    pub text: String,
    /// The name in `text` the OS gave (`logind`, a notification server's name): shown as
    /// written, in every language.
    pub via: Option<String>,
    /// The agent turned it on and it cannot work: what that means for them.
    pub problem: Option<String>,
    /// When it cannot work: "What to do: …".
    pub hint: Option<String>,
}

/// Every protection, in [`Protection::ALL`]'s order.
pub fn lines(w: &Words, desk: &Desk, prefs: &Preferences) -> Vec<DeskLine> {
    Protection::ALL
        .into_iter()
        .map(|p| {
            let support = desk.get(p);
            let text = match &support {
                Support::Checking => w.get("desk-checking"),
                Support::Works { via } => w.text("desk-works", &[s("via", via.clone())]),
                Support::Locked { .. } => w.get("desk-locked"),
                Support::Missing { .. } => w.get("desk-missing"),
            };
            let fails = support.fails();
            let via = match &support {
                Support::Works { via } => Some(via.clone()),
                _ => None,
            };
            DeskLine {
                protection: p,
                name: name(w, p),
                state: support.state(),
                text,
                via,
                problem: (fails && prefs.relies_on(p)).then(|| problem(w, p, &support)),
                hint: fails.then(|| what_to_do(w, p, &support)),
            }
        })
        .collect()
}

/// "Screen lock".
pub fn name(w: &Words, p: Protection) -> String {
    w.get(&format!("desk-{}", p.key()))
}

/// What a protection that cannot work means for the agent: "Screen lock cannot be detected on
/// this desktop: locking will not take you offline."
pub fn problem(w: &Words, p: Protection, support: &Support) -> String {
    w.get(&format!("desk-problem-{}", case(p, support)))
}

/// "What to do: …".
pub fn what_to_do(w: &Words, p: Protection, support: &Support) -> String {
    let hint = w.get(&format!("desk-hint-{}", case(p, support)));
    w.text("desk-what-to-do", &[s("hint", hint)])
}

/// The catalog's key for the case: a locked keyring has words of its own.
fn case(p: Protection, support: &Support) -> String {
    match support {
        Support::Locked { .. } => format!("{}-locked", p.key()),
        _ => p.key().to_owned(),
    }
}

/// The tray's warning line (first in its menu, and in the tooltip) while a protection the agent
/// turned on cannot work: the first one's problem, and how many more.
pub fn tray_warning(w: &Words, desk: &Desk, prefs: &Preferences) -> Option<String> {
    let problems = desk.problems(|p| prefs.relies_on(p));
    let first = *problems.first()?;
    let line = problem(w, first, &desk.get(first));
    match problems.len() - 1 {
        0 => Some(line),
        more => Some(format!(
            "{} ({})",
            line.trim_end_matches('.'),
            w.text("desk-more", &[n("count", more as u64)])
        )),
    }
}

/// The notification, once per start, of a protection the agent turned on that cannot work.
pub fn problem_notice(w: &Words, p: Protection, support: &Support) -> Notice {
    Notice {
        title: w.text("notice-desk", &[s("protection", name(w, p))]),
        body: format!("{} {}", problem(w, p, support), what_to_do(w, p, support)),
        failure: true,
        kind: NoticeKind::Failure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::Lang;

    fn no_lock() -> Desk {
        let mut desk = Desk::default();
        desk.set(Protection::Lock, Support::missing("no screensaver name, no logind session"));
        desk.set(Protection::Sleep, Support::works("logind"));
        desk
    }

    #[test]
    fn a_lock_that_cannot_be_heard_is_said_with_what_to_do_in_each_language() {
        let prefs = Preferences { offline_on_lock: true, ..Preferences::default() };
        let en = Words::of(Lang::En);
        assert_eq!(
            tray_warning(en, &no_lock(), &prefs).as_deref(),
            Some("Screen lock cannot be detected on this desktop: locking will not take you offline.")
        );
        let notice = problem_notice(en, Protection::Lock, &no_lock().get(Protection::Lock));
        assert_eq!(notice.title, "Cannot work on this computer: Screen lock");
        assert!(
            notice.body.contains("What to do: Lock with a locker that tells the system"),
            "{}",
            notice.body
        );
        assert!(notice.failure);
        let hi = Words::of(Lang::Hi);
        let line = tray_warning(hi, &no_lock(), &prefs).unwrap_or_default();
        assert!(line.starts_with("इस डेस्कटॉप पर स्क्रीन लॉक"), "{line}");
    }

    #[test]
    fn nothing_is_said_of_a_protection_the_agent_did_not_turn_on() {
        let prefs = Preferences { offline_on_lock: false, ..Preferences::default() };
        let en = Words::of(Lang::En);
        assert_eq!(tray_warning(en, &no_lock(), &prefs), None);
        let lock = &lines(en, &no_lock(), &prefs)[0];
        assert_eq!((lock.state, lock.problem.as_deref()), ("missing", None));
        assert!(lock.hint.is_some(), "the window still says what to do, should they turn it on");
    }

    #[test]
    fn the_window_lists_every_protection_with_its_state() {
        let prefs = Preferences { offline_on_lock: true, ..Preferences::default() };
        let mut desk = no_lock();
        desk.set(Protection::Keyring, Support::Locked { via: "Secret Service".into() });
        let lines = lines(Words::of(Lang::En), &desk, &prefs);
        let states: Vec<(&str, &str)> = lines.iter().map(|l| (l.name.as_str(), l.state)).collect();
        assert_eq!(
            states,
            [
                ("Screen lock", "missing"),
                ("Sleep", "works"),
                ("Time without input", "checking"),
                ("Tray icon", "checking"),
                ("Notifications", "checking"),
                ("System keyring", "locked"),
                ("Global shortcut", "checking"),
            ]
        );
        assert_eq!(lines[1].text, "Works, through logind");
        assert_eq!(
            lines[5].problem.as_deref(),
            Some("The system keyring is locked: the app cannot read your secret until it is unlocked.")
        );
        assert!(lines[1].hint.is_none() && lines[1].problem.is_none());
    }

    #[test]
    fn several_problems_make_one_line_that_counts_the_rest() {
        let prefs = Preferences { offline_on_lock: true, offline_when_idle: true, ..Preferences::default() };
        let mut desk = no_lock();
        desk.set(Protection::Idle, Support::missing("no idle source"));
        desk.set(Protection::Tray, Support::missing("no StatusNotifierWatcher"));
        let line = tray_warning(Words::of(Lang::En), &desk, &prefs).unwrap_or_default();
        assert_eq!(
            line,
            "Screen lock cannot be detected on this desktop: locking will not take you offline \
             (and 2 more: see “On this computer” in the window)"
        );
    }
}
