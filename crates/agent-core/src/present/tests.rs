//! The tests of what the tray, the notifications and the lines say.

use std::time::Duration;

use exotel_api::{Availability, Device};

use super::*;
use crate::status::{Change, ErrorInfo, Outcome, Source, Status, Target, UserSummary, now_ms};
use crate::words::{Lang, Words};

fn en() -> &'static Words {
    Words::of(Lang::En)
}

fn signed_in(a: Availability) -> Status {
    Status {
        availability: a,
        signed_in: true,
        user: Some(UserSummary { user_id: "1".into(), name: Some("Asha Demo".into()), ..Default::default() }),
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
    assert_eq!(tooltip(en(), &signed_in(Availability::Offline)), "Exotel: Offline: no new calls (Asha Demo)");
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
    let error = server_error(500);
    let after =
        Status { last_change: Some(failed), last_error: Some(error), ..signed_in(Availability::Offline) };
    let n = notice(en(), &before, &after).unwrap();
    assert_eq!(n.title, "Could not switch to receiving calls on phone");
    assert!(n.body.contains("HTTP 500") && n.body.ends_with("Exotel still has you offline."), "{}", n.body);
    assert!(n.failure);

    let elsewhere =
        change(Availability::Offline, Availability::Receiving(Device::Sip), Source::Sync, Outcome::Confirmed);
    let after = Status { last_change: Some(elsewhere), ..signed_in(Availability::Receiving(Device::Sip)) };
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
    let error = server_error(503);
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
    assert_eq!(user_words(en(), &UserSummary { user_id: "7".into(), ..UserSummary::default() }), "user 7");
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
    let s = Status { break_until: Some(now_ms() + 12 * 60_000 - 500), ..signed_in(Availability::Offline) };
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
    assert_eq!((n.title.as_str(), n.body.as_str()), ("अब फ़ोन पर कॉल आ रही हैं", "फ़ोन पर कॉल आ रही हैं, ट्रे से।"));
}

/// Stale only when something failed and Exotel has not confirmed for more than two sync
/// intervals; fresh again with the next good read.
#[test]
fn a_status_goes_stale_after_two_intervals_of_failures_and_back() {
    let interval = Duration::from_secs(30);
    let confirmed = 1_000_000;
    let error = ErrorInfo { at: confirmed, ..server_error(502) };
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
    assert!(view.tooltip.starts_with("Exotel: Not confirmed since") && view.tooltip.ends_with("(Asha Demo)"));
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
    // Today: the time of day as "Confirmed at" writes it, after "today" in the language.
    assert_eq!(change_time(en(), now, now), format!("today {}", clock_time(now)));
    let hi = Words::of(crate::words::Lang::Hi);
    assert_eq!(change_time(hi, now, now), format!("आज {}", clock_time(now)));
    // Two days ago: day/month before it.
    let earlier = now - 2 * 24 * 3_600_000;
    let said = change_time(en(), earlier, now);
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

/// A 5xx from Exotel, as the controller publishes it.
fn server_error(status: u16) -> ErrorInfo {
    let e = exotel_api::ApiError::Server { status, message: String::new(), reply: None };
    ErrorInfo { at: 2, ..crate::CoreError::Api(e).info() }
}
