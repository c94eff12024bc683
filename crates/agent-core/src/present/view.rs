//! What the window shows, built here so the page only places it: the status in words, which
//! choices are pressed and enabled, the break, the error in words, the recent changes in words,
//! and the fixed labels of the page in the chosen language. The page holds no word of its own.

use std::collections::BTreeMap;

use exotel_api::{Availability, Device};
use serde::Serialize;

use super::{
    Moment, availability_words, clock_time, kind_words, short_words, since_line, source_words, stale_line,
};
use crate::status::{Change, ErrorInfo, Field, Outcome, Status, UnixMillis};
use crate::words::{Lang, LanguageChoice, Words, ids, s};

/// One of the three choices (phone, computer, offline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    /// `phone`, `sip` or `offline` (what `set_availability` takes).
    pub target: &'static str,
    pub label: String,
    /// What Exotel confirmed.
    pub pressed: bool,
    /// The change in flight goes to this one.
    pub pending: bool,
    pub enabled: bool,
}

/// An error as the window shows it: what the kind means, then what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorView {
    pub kind: crate::ErrorKind,
    pub field: Option<Field>,
    /// What this kind of failure means: "No connection to Exotel."
    pub headline: String,
    /// What happened and what to do, in the same language ([`crate::detail`]).
    pub message: String,
}

impl ErrorView {
    pub fn new(w: &Words, e: &ErrorInfo) -> Self {
        Self {
            kind: e.kind,
            field: e.field,
            headline: kind_words(w, e.kind),
            message: super::error_words(w, e),
        }
    }
}

/// One line of the recent changes or the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeLine {
    pub at: UnixMillis,
    /// `at` in words: "today 10:42", or "27/11 10:42" on an earlier day ([`super::change_time`]).
    pub time: String,
    pub text: String,
    pub failed: bool,
}

impl ChangeLine {
    /// "Offline → Phone, from the tray"; "Offline asked from the command line: not done, Exotel
    /// had a problem (still receiving calls on phone)": a failed change says what was asked
    /// and why it was not done.
    pub fn new(w: &Words, c: &Change, now: UnixMillis) -> Self {
        let source = s("source", source_words(w, c.source));
        let text = match (c.outcome, c.attempts) {
            (Outcome::Confirmed, Some(attempts)) if attempts > 1 => w.text(
                "change-confirmed-after",
                &[
                    s("from", short_words(w, c.from)),
                    s("to", short_words(w, c.to)),
                    source,
                    crate::words::n("attempts", u64::from(attempts)),
                ],
            ),
            (Outcome::Confirmed, _) => w.text(
                "change-confirmed",
                &[s("from", short_words(w, c.from)), s("to", short_words(w, c.to)), source],
            ),
            (Outcome::Failed, _) => {
                let wanted = c.target.map_or(Availability::Unknown, crate::status::Target::availability);
                let reason = c.error_kind.map_or_else(|| "reason-none".to_owned(), |k| format!("reason-{k}"));
                let still = match c.to {
                    Availability::Unknown => w.get("change-still-unknown"),
                    a => w.text("change-still", &[s("status", w.get(&format!("target-{}", a.as_str())))]),
                };
                w.text(
                    "change-failed",
                    &[
                        s("target", short_words(w, wanted)),
                        source,
                        s("reason", w.get(&reason)),
                        s("still", still),
                    ],
                )
            }
        };
        Self { at: c.at, time: super::change_time(w, c.at, now), text, failed: c.outcome == Outcome::Failed }
    }
}

/// Everything the signed-in part of the window shows for a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WindowView {
    /// The language of every word here (`en`, `hi`).
    pub lang: &'static str,
    pub signed_in: bool,
    pub sandbox: bool,
    /// What Exotel confirmed (`offline`, `phone`, `sip`, `unknown`): the page's colour.
    pub availability: Availability,
    /// The status in words, with the change in flight if there is one.
    pub status: String,
    /// Who is signed in: "Asha Demo · +910000000000".
    pub agent: String,
    /// A change held back by Exotel's rate limit: "Exotel is limiting requests; trying again in
    /// 7 s" (the page asks for a fresh view each second while it shows).
    pub limited: Option<String>,
    pub choices: Vec<Choice>,
    /// A break can be started (nothing in flight).
    pub breaks_enabled: bool,
    /// The break in progress: "On a break: 12 min left. …" (the page asks for a fresh view
    /// each second while it shows).
    pub break_left: Option<String>,
    pub error: Option<ErrorView>,
    pub recent: Vec<ChangeLine>,
    /// "Sign out", or "Leave the sandbox".
    pub sign_out: String,
    /// "On phone for 12 min", when the app knows since when.
    pub since: Option<String>,
    /// "Confirmed by Exotel at 10:42".
    pub confirmed: Option<String>,
    /// Reads have failed for a while: `status` says since when it is not confirmed.
    pub stale: bool,
    /// "Notifications of changes are quiet until 11:42 …", while they are.
    pub quiet: Option<String>,
    /// "On this computer": each protection, whether it works here, and what to do
    /// ([`Self::on_desk`]).
    pub desk: Vec<super::desk::DeskLine>,
    /// *Updates*: the line, and the offer of a new version ([`Self::with_update`]).
    pub update: Option<super::update::UpdateView>,
}

impl WindowView {
    pub fn new(w: &Words, st: &Status, fresh: &Moment) -> Self {
        let pending = st.pending.map(crate::status::Target::availability);
        let a = st.availability;
        let status = match pending {
            Some(to) => w.text(
                "line-switching-to",
                &[s("status", availability_words(w, a)), s("target", short_words(w, to).to_lowercase())],
            ),
            None => availability_words(w, a),
        };
        let stale_since = fresh.stale_since(st).filter(|_| st.going_offline.is_none());
        let status = stale_since.map_or(status, |since| stale_line(w, st, since));
        // An away-offline owed says what the app is doing about it.
        let status = match st.going_offline {
            Some(going) => super::going_offline_line(w, going.next_at, fresh.now),
            None => status,
        };
        let agent = st.user.as_ref().map(|u| agent_line(w, u)).unwrap_or_default();
        let choices = [
            ("phone", Availability::Receiving(Device::Phone)),
            ("sip", Availability::Receiving(Device::Sip)),
            ("offline", Availability::Offline),
        ]
        .into_iter()
        .map(|(target, choice)| Choice {
            target,
            label: short_words(w, choice),
            pressed: a == choice,
            pending: pending == Some(choice),
            enabled: pending.is_none(),
        })
        .collect();
        let sandbox = st.signed_in && st.sandbox;
        Self {
            lang: w.lang().code(),
            signed_in: st.signed_in,
            sandbox,
            availability: a,
            status,
            agent,
            limited: pending.and(st.limited).map(|l| super::limited_line(w, l.until, fresh.now)),
            choices,
            breaks_enabled: pending.is_none(),
            break_left: st.break_until.filter(|_| a == Availability::Offline).map(|until| {
                w.text("window-break-left", &[s("left", super::time_left(w, until, fresh.now))])
            }),
            error: st.last_error.as_ref().map(|e| ErrorView::new(w, e)),
            recent: st.recent.iter().map(|c| ChangeLine::new(w, c, fresh.now)).collect(),
            sign_out: w.get(if sandbox { "window-leave-sandbox" } else { "window-sign-out" }),
            since: since_line(w, st, fresh.now).filter(|_| pending.is_none() && stale_since.is_none()),
            confirmed: st
                .confirmed_at
                .filter(|_| st.signed_in)
                .map(|at| w.text("confirmed-at", &[s("time", clock_time(at))])),
            stale: stale_since.is_some(),
            quiet: fresh.quiet_until.map(|until| w.text("quiet-until", &[s("time", clock_time(until))])),
            desk: Vec::new(),
            update: None,
        }
    }

    /// Where the app stands with updates ([`super::update::UpdateView`]).
    pub fn with_update(mut self, update: super::update::UpdateView) -> Self {
        self.update = Some(update);
        self
    }

    /// With what this computer can do, for the agent's preferences.
    pub fn on_desk(mut self, w: &Words, desk: &crate::Desk, prefs: &crate::Preferences) -> Self {
        self.desk = super::desk::lines(w, desk, prefs);
        self
    }
}

/// "Asha Demo · +910000000000", or "user 7".
fn agent_line(w: &Words, u: &crate::status::UserSummary) -> String {
    super::phrases::user_joined(w, u, " · ")
}

/// The words of the page: every `window-*` message, and the few the page counts down with.
/// A message's arguments are left as `{name}` for the page to fill in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageWords {
    pub lang: &'static str,
    pub words: BTreeMap<&'static str, String>,
    /// The language menu: `auto`, then each language in its own name.
    pub languages: Vec<LanguageOption>,
    /// The breaks the window offers, in minutes (the tray's: [`super::BREAK_MINUTES`]).
    pub break_minutes: &'static [u64],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageOption {
    pub value: LanguageChoice,
    pub label: String,
}

impl PageWords {
    pub fn new(w: &Words) -> Self {
        let words = ids(Lang::En)
            .into_iter()
            .filter(|id| id.starts_with("window-"))
            .map(|id| (id, template(w, id)))
            .collect();
        let auto = w.text("window-language-auto", &[s("lang", LanguageChoice::automatic().native_name())]);
        let mut languages = vec![LanguageOption { value: LanguageChoice::Auto, label: auto }];
        languages
            .push(LanguageOption { value: LanguageChoice::En, label: Lang::En.native_name().to_owned() });
        languages
            .push(LanguageOption { value: LanguageChoice::Hi, label: Lang::Hi.native_name().to_owned() });
        Self { lang: w.lang().code(), words, languages, break_minutes: &super::BREAK_MINUTES }
    }
}

/// A message with each argument shown as `{name}`.
fn template(w: &Words, id: &str) -> String {
    let names = crate::words::argument_names(id);
    let args: Vec<_> = names.iter().map(|name| s(name, format!("{{{name}}}"))).collect();
    w.text(id, &args)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::status::{RateWait, Source, Target, UserSummary};

    fn en() -> &'static Words {
        Words::of(Lang::En)
    }

    fn fresh() -> Moment {
        Moment::at(crate::status::now_ms(), std::time::Duration::from_secs(30))
    }

    fn asha(a: Availability) -> Status {
        Status {
            availability: a,
            signed_in: true,
            user: Some(UserSummary {
                user_id: "1".into(),
                name: Some("Asha Demo".into()),
                agent_number: Some("+910000000000".into()),
                ..UserSummary::default()
            }),
            ..Status::default()
        }
    }

    #[test]
    fn a_change_in_flight_presses_nothing_new_and_disables_every_choice() {
        let phone = Availability::Receiving(Device::Phone);
        let st = Status {
            pending: Some(Target::Receiving(Device::Sip)),
            limited: Some(RateWait { seconds: 7, until: 99_000 }),
            ..asha(phone)
        };
        let v = WindowView::new(en(), &st, &Moment::at(92_000, std::time::Duration::from_secs(30)));
        assert_eq!(v.status, "Receiving calls on phone (switching to computer…)");
        assert_eq!(v.agent, "Asha Demo · +910000000000");
        assert_eq!(v.limited.as_deref(), Some("Exotel is limiting requests; trying again in 7 s"));
        let pressed: Vec<_> = v.choices.iter().filter(|c| c.pressed).map(|c| c.target).collect();
        assert_eq!(pressed, ["phone"], "only what Exotel confirmed");
        assert!(v.choices.iter().find(|c| c.target == "sip").unwrap().pending);
        assert!(v.choices.iter().all(|c| !c.enabled) && !v.breaks_enabled);
        let calm = WindowView::new(en(), &asha(phone), &fresh());
        assert!(calm.choices.iter().all(|c| c.enabled) && calm.limited.is_none());
    }

    #[test]
    fn a_break_says_its_time_left_as_the_core_counts_it_and_only_while_offline() {
        let at = |now: u64| Moment::at(now, std::time::Duration::from_secs(30));
        let st = Status { break_until: Some(600_000), ..asha(Availability::Offline) };
        let left = |now: u64| WindowView::new(en(), &st, &at(now)).break_left.unwrap_or_default();
        assert!(left(0).starts_with("On a break: 10 min left."), "{}", left(0));
        assert!(left(540_500).starts_with("On a break: 1 min left."), "60 s rounded up is a minute");
        assert!(left(541_000).starts_with("On a break: 59 s left."));
        let hi = WindowView::new(Words::of(Lang::Hi), &st, &at(0)).break_left.unwrap_or_default();
        assert!(hi.contains("10") && !hi.contains("min"), "{hi}");
        let back = Status { break_until: Some(600_000), ..asha(Availability::Receiving(Device::Phone)) };
        assert_eq!(WindowView::new(en(), &back, &at(0)).break_left, None, "a break ends once a device is on");
    }

    #[test]
    fn errors_and_changes_in_words_in_either_language() {
        let failed = Change {
            at: 5,
            from: Availability::Offline,
            to: Availability::Offline,
            source: Source::Shortcut,
            outcome: Outcome::Failed,
            target: Some(Target::Receiving(Device::Phone)),
            error_kind: Some(crate::ErrorKind::Network),
            attempts: None,
        };
        let error = crate::CoreError::Api(exotel_api::ApiError::Network {
            cause: exotel_api::NetCause::Refused,
            host: Some("api.example.in".into()),
            text: "Connection refused (os error 111)".into(),
        })
        .info();
        let st = Status { recent: vec![failed], last_error: Some(error), ..asha(Availability::Offline) };
        let v = WindowView::new(en(), &st, &fresh());
        let e = v.error.unwrap();
        assert_eq!(
            (e.headline.as_str(), e.message.as_str()),
            (
                "No connection to Exotel.",
                "Could not reach Exotel at api.example.in: the connection was refused. Check the network connection and the host."
            )
        );
        assert_eq!(
            v.recent[0].text,
            "Phone asked by the keyboard shortcut: not done, no connection to Exotel (still offline)"
        );
        assert!(v.recent[0].failed);
        let hi = WindowView::new(Words::of(Lang::Hi), &st, &fresh());
        assert_eq!(hi.lang, "hi");
        let hi_error = hi.error.unwrap();
        assert_eq!(hi_error.headline, "Exotel से कनेक्शन नहीं है।");
        assert_eq!(
            hi_error.message,
            "api.example.in पर Exotel तक नहीं पहुँच सके: कनेक्शन ठुकरा दिया गया। नेटवर्क कनेक्शन और होस्ट जाँचें।"
        );
        assert_eq!(
            hi.recent[0].text,
            "कीबोर्ड शॉर्टकट से फ़ोन माँगा: नहीं हुआ, Exotel से कनेक्शन नहीं था (अब भी ऑफ़लाइन)"
        );
        assert_eq!(hi.sign_out, "साइन आउट करें");
        let starting = crate::CoreError::Starting.info();
        assert_eq!(ErrorView::new(en(), &starting).headline, "The app is still starting.");
        // An error published before errors kept their detail shows its English message.
        let old =
            ErrorInfo { detail: crate::detail::Detail::default(), message: "refused".into(), ..starting };
        assert_eq!(ErrorView::new(en(), &old).message, "refused");
        for kind in crate::ErrorKind::ALL {
            for lang in [Lang::En, Lang::Hi] {
                let info = ErrorInfo { kind, ..crate::CoreError::Internal.info() };
                let headline = ErrorView::new(Words::of(lang), &info).headline;
                assert!(!headline.contains("kind-"), "{lang:?} has words for {kind}: {headline}");
                let reason = Words::of(lang).get(&format!("reason-{kind}"));
                assert!(!reason.contains("reason-"), "{lang:?} has a reason for {kind}: {reason}");
            }
        }
    }

    #[test]
    fn the_page_gets_every_label_and_templates_to_fill() {
        let page = PageWords::new(Words::of(Lang::Hi));
        let window_ids =
            crate::words::ids(Lang::En).into_iter().filter(|id| id.starts_with("window-")).count();
        assert_eq!(page.words.len(), window_ids, "every window- label, and only those");
        assert_eq!(page.words["window-break-length"], "{minutes} मिनट");
        assert_eq!(page.languages.len(), 3);
        assert_eq!(page.languages[2].label, "हिन्दी");
        assert!(page.languages[0].label.starts_with("सिस्टम जैसी"), "{}", page.languages[0].label);
    }
}
