//! Never available by accident, with the real app: offline on quit (window and SIGTERM, and a
//! bounded exit when Exotel does not answer), a change made elsewhere found by sync and
//! notified, the global shortcut, a timed break from the window, idle under Xvfb, and a screen
//! lock (sent by the screensaver's owner) while a change is in flight; the autostart entry and
//! the log's seven days.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{
    App, Driver, app_log, app_on_phone, cli, edit_settings, eventually, lock_screen, screensaver,
    sign_in_with_cli, wait_for,
};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use fantoccini::Locator;
use test_session::Desktop;

fn history(desktop: &Desktop) -> String {
    std::fs::read_to_string(desktop.home().join(".local/share/exotel-agent-tray/history.jsonl"))
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_goes_offline_first_and_exits_within_the_bound_when_exotel_hangs() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    cli(&desktop, &["phone"], None);

    let reads = sandbox.count(Endpoint::Usermapping);
    let mut app = App::start(&desktop);
    eventually("the app's start-up read", Duration::from_secs(15), || {
        sandbox.count(Endpoint::Usermapping) > reads
    })
    .await;
    eventually("the shortcut registered", Duration::from_secs(10), || {
        app_log(&desktop).contains("global shortcut registered")
    })
    .await;

    // The global shortcut toggles: offline, then back to the phone.
    let key = |k: &str| desktop.command("xdotool").args(["key", k]).status().unwrap();
    assert!(key("ctrl+alt+o").success());
    eventually("offline by the shortcut", Duration::from_secs(5), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    key("ctrl+alt+o");
    eventually("phone again by the shortcut", Duration::from_secs(5), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(Some(DeviceName::Phone)))
    })
    .await;

    app.terminate();
    app.wait_exit(Duration::from_secs(5));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "offline before exiting");
    assert!(history(&desktop).contains("\"source\":\"quit\""));

    // Exotel hangs: the app still exits within the 3 s bound (plus start-up slack), and says
    // the agent may still be receiving calls.
    cli(&desktop, &["phone"], None);
    let mut app = App::start(&desktop);
    let reads = sandbox.count(Endpoint::Usermapping);
    eventually("the app's start-up read", Duration::from_secs(15), || {
        sandbox.count(Endpoint::Usermapping) > reads
    })
    .await;
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_secs(20)));
    app.terminate();
    let took = app.wait_exit(Duration::from_secs(6));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let said = desktop.wait_for_notification(Duration::from_secs(3), |n| {
        n.summary == "Quit without going offline" && n.body.contains("may still be receiving calls")
    });
    assert!(said.is_some(), "{:#?}\n{}", desktop.notifications(), desktop_e2e::app_log(&desktop));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_made_elsewhere_is_found_by_sync_and_notified() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    edit_settings(&desktop, "sync_interval_secs = 30", "sync_interval_secs = 10");
    let reads = sandbox.count(Endpoint::Usermapping);
    let _app = App::start(&desktop);
    eventually("the app's start-up read", Duration::from_secs(15), || {
        sandbox.count(Endpoint::Usermapping) > reads
    })
    .await;

    // A supervisor switches the agent to the computer, outside the app.
    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Sip));
    let n = desktop.wait_for_notification(Duration::from_secs(20), |n| n.body.contains("changed elsewhere"));
    let n = n.unwrap_or_else(|| panic!("not notified: {:#?}", desktop.notifications()));
    assert_eq!(n.summary, "Now receiving calls on computer");
    assert_eq!(n.body, "Receiving calls on computer, changed elsewhere.");
}

#[tokio::test(flavor = "multi_thread")]
async fn quit_from_the_window_and_a_break_from_the_window() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    cli(&desktop, &["sip"], None);
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#status[data-availability='sip']", "signed in, on the computer").await;

    // A short break (the window offers minutes; the command takes seconds).
    client.execute("window.__TAURI__.core.invoke('start_break', { seconds: 2 })", vec![]).await.unwrap();
    wait_for(&client, "#break-banner:not([hidden])", "the break banner").await;
    // The time left as the core words it (seconds under a minute), not counted by the page.
    let left = client.find(Locator::Id("break-left")).await.unwrap().text().await.unwrap();
    assert!(left.starts_with("On a break: ") && left.contains(" s left"), "{left}");
    wait_for(&client, "#status[data-availability='offline']", "offline for the break").await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)));
    wait_for(&client, "#status[data-availability='sip']", "back on the computer after the break").await;
    wait_for(&client, "#break-banner[hidden]", "the banner gone").await;
    let banner = client.find(Locator::Id("break-banner")).await.unwrap();
    assert!(!banner.is_displayed().await.unwrap(), "a hidden banner is not drawn");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Sip))));

    // Start at login: the window's setting writes an XDG autostart entry, and removes it.
    let autostart = desktop.home().join(".config/autostart");
    let set_start_at_login = |on: bool| {
        format!(
            "const p = (await window.__TAURI__.core.invoke('get_preferences')).preferences; \
             p.start_at_login = {on}; \
             return await window.__TAURI__.core.invoke('set_preferences', {{ preferences: p }});"
        )
    };
    let view = client.execute(&set_start_at_login(true), vec![]).await.unwrap();
    assert_eq!(view["preferences"]["start_at_login"], true, "{view}");
    assert!(view["autostart_error"].is_null(), "{view}");
    let entries = || std::fs::read_dir(&autostart).map(|d| d.count()).unwrap_or(0);
    assert_eq!(entries(), 1, "an autostart entry in {}", autostart.display());
    // The entry starts this app, at login, as a desktop would read it.
    let entry = std::fs::read_dir(&autostart).unwrap().next().unwrap().unwrap().path();
    let text = std::fs::read_to_string(&entry).unwrap();
    assert!(text.starts_with("[Desktop Entry]") && text.contains("\nType=Application\n"), "{text}");
    let exec = text.lines().find_map(|l| l.strip_prefix("Exec=")).unwrap_or_default();
    let program = exec.split_whitespace().next().unwrap_or_default();
    assert_eq!(
        std::fs::canonicalize(program).ok(),
        std::fs::canonicalize(desktop_e2e::app_binary()).ok(),
        "the entry runs the app itself: {text}"
    );
    assert!(!text.contains("Hidden=true"), "a hidden entry is not run: {text}");
    client.execute(&set_start_at_login(false), vec![]).await.unwrap();
    assert_eq!(entries(), 0);

    // Quit from the window: offline first.
    // (The app may be gone before WebDriver answers the click: that is the point.)
    let _ = client.find(Locator::Id("quit")).await.unwrap().click().await;
    eventually("offline on quit", Duration::from_secs(5), || sandbox.active(DEMO_USER_ID) == Some(Ok(None)))
        .await;
    // The history is written just after Exotel's reply is published.
    eventually("the quit kept in the history", Duration::from_secs(5), || {
        history(&desktop).contains("\"quit\"")
    })
    .await;
    let kept = history(&desktop);
    assert!(kept.contains("\"source\":\"timer\"") && kept.contains("\"source\":\"quit\""), "{kept}");
    drop(client);
}

/// No keyboard or mouse input for the idle time: offline; the first input: the phone again.
#[tokio::test(flavor = "multi_thread")]
async fn idle_goes_offline_and_the_first_input_restores() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app = app_on_phone(
        &desktop,
        &sandbox,
        &[("offline_when_idle = false", "offline_when_idle = true")],
        &[("EXOTEL_AGENT_IDLE_SECS", "3")],
    )
    .await;
    let phone = Some(Ok(Some(DeviceName::Phone)));
    assert_eq!(sandbox.active(DEMO_USER_ID), phone);
    eventually("offline after 3 s without input", Duration::from_secs(15), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    // The history is written just after Exotel's reply is published.
    eventually("the idle offline kept in the history", Duration::from_secs(5), || {
        history(&desktop).contains("\"source\":\"idle\"")
    })
    .await;
    let moved = desktop.command("xdotool").args(["mousemove", "40", "60"]).status().unwrap();
    assert!(moved.success());
    eventually("the phone again on the first input", Duration::from_secs(5), || {
        sandbox.active(DEMO_USER_ID) == phone
    })
    .await;
}

/// The screen locks (the screensaver's `ActiveChanged(true)`, sent by the owner of its name)
/// while a change to the phone is still in flight: the change is followed by offline.
#[tokio::test(flavor = "multi_thread")]
async fn a_lock_during_a_change_ends_offline() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app =
        app_on_phone(&desktop, &sandbox, &[("offline_on_lock = false", "offline_on_lock = true")], &[]).await;
    let conn = screensaver(&desktop).await;
    eventually("the app's shortcut grab and watchers", Duration::from_secs(10), || {
        let log = app_log(&desktop);
        log.contains("global shortcut registered") && log.contains("watching screen-lock signals")
    })
    .await;

    // Offline with the shortcut, then back towards the phone, slowly (Exotel lags 1.5 s).
    let key = || desktop.command("xdotool").args(["key", "ctrl+alt+o"]).status().unwrap();
    assert!(key().success());
    eventually("offline by the shortcut", Duration::from_secs(5), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_millis(1500)).times(1));
    assert!(key().success());
    tokio::time::sleep(Duration::from_millis(500)).await; // the change is in flight
    lock_screen(&conn).await;
    eventually("the phone, then offline for the lock", Duration::from_secs(10), || {
        history(&desktop).contains("\"source\":\"lock\"")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "{}", history(&desktop));
}

/// The screen locks while Exotel refuses every change (an outage): the offline fails, the
/// agent is told once that it is not confirmed yet, and the app keeps trying; once Exotel
/// answers again the agent is offline within the backoff's bound, the screen still locked, and
/// the history has the failure and the offline with its count of attempts.
#[tokio::test(flavor = "multi_thread")]
async fn a_lock_during_an_outage_ends_offline_once_exotel_answers_again() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app =
        app_on_phone(&desktop, &sandbox, &[("offline_on_lock = false", "offline_on_lock = true")], &[]).await;
    let conn = screensaver(&desktop).await;
    eventually("the app's screen-lock watcher", Duration::from_secs(10), || {
        app_log(&desktop).contains("watching screen-lock signals")
    })
    .await;

    for endpoint in [Endpoint::Device, Endpoint::Usermapping] {
        sandbox.set_fault(endpoint, Fault::status(503));
    }
    lock_screen(&conn).await;
    let said = desktop.wait_for_notification(Duration::from_secs(15), |n| {
        n.summary.contains("Going offline: not confirmed yet")
    });
    let said =
        said.unwrap_or_else(|| panic!("no notification of the offline owed: {:#?}", desktop.notifications()));
    assert!(said.body.contains("Calls still ring on your phone"), "{said:#?}");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))), "Exotel refused");
    // Some retries into the outage (1 s, then 2 s, ...), then Exotel answers again.
    tokio::time::sleep(Duration::from_secs(4)).await;
    sandbox.clear_faults();
    let recovered = std::time::Instant::now();
    // The next attempt comes at most 8 s after the last (the waits so far: 1, 2, 4 s with
    // jitter), and the attempt itself takes a few requests.
    eventually("offline once Exotel answers", Duration::from_secs(15), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    assert!(recovered.elapsed() < Duration::from_secs(12), "{:?}", recovered.elapsed());
    eventually("the offline in the history, with its attempts", Duration::from_secs(5), || {
        history(&desktop).lines().any(|l| l.contains("\"source\":\"lock\"") && l.contains("\"attempts\""))
    })
    .await;
    let lines = history(&desktop);
    let lock_lines: Vec<&str> = lines.lines().filter(|l| l.contains("\"source\":\"lock\"")).collect();
    assert_eq!(lock_lines.len(), 2, "one failure and one offline, not one line per retry: {lines}");
    assert!(lock_lines[0].contains("\"outcome\":\"failed\""), "{lines}");
}

/// The settings file is damaged while the app runs (another program, a full disk): the app
/// does not take it for a sign-out. At its next read it sets the damaged file aside, writes
/// its own account and preferences back, and the agent stays signed in and on the phone.
#[tokio::test(flavor = "multi_thread")]
async fn a_settings_file_damaged_while_running_is_written_back_not_a_sign_out() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app = app_on_phone(&desktop, &sandbox, &[], &[]).await;
    let path = desktop.home().join(".config/exotel-agent-tray/settings.toml");
    std::fs::write(&path, b"[account\nhost = \x00\xff garbage").unwrap();
    // Opening the window makes the app read its settings and the status at once.
    let shown = desktop.command(desktop_e2e::app_binary()).arg("--show").status().unwrap();
    assert!(shown.success());
    eventually("the settings written back", Duration::from_secs(15), || {
        app_log(&desktop).contains("the app's own settings were written back")
    })
    .await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&sandbox.url()) && text.contains("[preferences]"), "{text}");
    let status = cli(&desktop, &["status", "--json"], None);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(json["availability"], "phone", "{json}");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))), "nothing was turned off");
    assert!(!app_log(&desktop).contains("following it signed_in=false"), "not signed out");
}

/// `exotel-agent-tray --quit` (a script, an admin's log-off script) quits the running app as
/// the tray's Quit does: offline first, then exit; with no app running it just exits.
#[tokio::test(flavor = "multi_thread")]
async fn a_launch_with_quit_quits_the_running_app_offline_first() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    // Nine days of old logs and a file of the agent's own in the log folder: the app keeps
    // seven days (six old ones and today's) and touches nothing else.
    let logs = desktop.home().join(".local/state/exotel-agent-tray/logs");
    std::fs::create_dir_all(&logs).unwrap();
    let old: Vec<String> = (1..=9).map(|day| format!("exotel-agent-tray.2020-01-0{day}.log")).collect();
    for name in &old {
        std::fs::write(logs.join(name), "an old day\n").unwrap();
        std::thread::sleep(Duration::from_millis(20)); // each made after the one before
    }
    std::fs::write(logs.join("notes.txt"), "mine").unwrap();
    let mut app = app_on_phone(&desktop, &sandbox, &[], &[]).await;
    let mut kept: Vec<String> = std::fs::read_dir(&logs)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kept.sort();
    let today = kept.iter().filter(|n| n.starts_with("exotel-agent-tray.") && !old.contains(n)).count();
    assert_eq!(today, 1, "today's log: {kept:?}");
    // The command line (which signed in here) keeps its own log beside the app's, which the
    // app's clean-up leaves alone.
    assert!(kept.iter().any(|n| n.starts_with("exotel-agent-cli.")), "{kept:?}");
    assert_eq!(kept.len(), 9, "six old logs, today's, the command line's and the agent's file: {kept:?}");
    for name in &old[..3] {
        assert!(!kept.contains(name), "the oldest logs are removed: {kept:?}");
    }
    assert!(kept.contains(&"notes.txt".to_owned()), "{kept:?}");
    let quit = desktop.command(desktop_e2e::app_binary()).arg("--quit").status().unwrap();
    assert!(quit.success());
    let took = app.wait_exit(Duration::from_secs(10));
    assert!(took < Duration::from_secs(10), "the app quit");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "offline first");
    assert!(app_log(&desktop).contains("another launch asked to quit"));
    // Nothing running: --quit starts nothing and exits.
    let started = std::time::Instant::now();
    let alone = desktop.command(desktop_e2e::app_binary()).arg("--quit").status().unwrap();
    assert!(alone.success() && started.elapsed() < Duration::from_secs(10));
    assert_eq!(app_log(&desktop).matches("tray ready").count(), 1, "no second tray");
}

/// Reads failing for more than two sync intervals: the window says the status is not
/// confirmed since the last good read (its own look), and a good read (the agent opening the
/// window again) makes it fresh. A screenshot of the stale window goes to target/screenshots.
#[tokio::test(flavor = "multi_thread")]
async fn a_status_exotel_stops_confirming_turns_stale_and_fresh_again() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    cli(&desktop, &["phone"], None);
    edit_settings(&desktop, "sync_interval_secs = 30", "sync_interval_secs = 10");
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#status[data-availability='phone'][data-stale='false']", "phone, fresh").await;
    let confirmed = client.find(Locator::Id("confirmed")).await.unwrap().text().await.unwrap();
    assert!(confirmed.starts_with("Confirmed by Exotel at "), "{confirmed}");

    sandbox.set_fault(Endpoint::Usermapping, Fault::status(500));
    let stale = client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css("#status[data-stale='true']"))
        .await
        .unwrap_or_else(|e| panic!("never shown stale: {e}\n{}", app_log(&desktop)));
    let line = stale.text().await.unwrap();
    assert!(
        line.starts_with("Not confirmed since ") && line.ends_with("last known: Receiving calls on phone"),
        "{line}"
    );
    let time = confirmed.trim_start_matches("Confirmed by Exotel at ");
    assert!(line.contains(time), "since the last confirmation, {time}: {line}");
    desktop_e2e::screenshot(&client, "window-stale.png").await;

    sandbox.clear_faults();
    let show = desktop.command(desktop_e2e::app_binary()).arg("--show").status().unwrap();
    assert!(show.success());
    client
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("#status[data-stale='false'][data-availability='phone']"))
        .await
        .unwrap_or_else(|e| panic!("not fresh again after a good read: {e}"));
}

/// The agent controls notifications: each replaces the last (the server's replaces-id), the
/// quiet hour silences changes but not a failure, and a kind turned off in *Settings* stays
/// quiet while the others still show.
#[tokio::test(flavor = "multi_thread")]
async fn notifications_replace_each_other_and_follow_the_agents_settings() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    edit_settings(&desktop, "sync_interval_secs = 30", "sync_interval_secs = 10");
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#status[data-availability='offline']", "offline").await;
    let click = |id: &'static str| {
        let client = client.clone();
        async move { client.find(Locator::Id(id)).await.unwrap().click().await.unwrap() }
    };
    let count = || desktop.notifications().len();
    // A bounded wait for the next notification; `None` if none came.
    let next =
        |after: usize| desktop.wait_for_notifications(after + 1, Duration::from_secs(5)).get(after).cloned();

    // Two changes: the second notification replaces the first.
    let before = count();
    click("btn-phone").await;
    let first = next(before).unwrap_or_else(|| panic!("no notification: {:#?}", desktop.notifications()));
    assert_eq!(first.summary, "Now receiving calls on phone");
    click("btn-offline").await;
    let second = next(before + 1).expect("a second notification");
    let first_id = desktop.notifications()[before].id.expect("the server's id for the first");
    assert_eq!(second.replaces_id, first_id, "the second replaces the first");

    // Quiet for 1 hour: a change says nothing, a failure still does.
    click("quiet").await;
    wait_for(&client, "#quiet[data-quiet='true']", "quiet").await;
    let line = client.find(Locator::Id("quiet-line")).await.unwrap().text().await.unwrap();
    assert!(line.starts_with("Notifications of changes are quiet until "), "{line}");
    let before = count();
    click("btn-sip").await;
    wait_for(&client, "#status[data-availability='sip']", "sip").await;
    assert_eq!(next(before), None, "a change while quiet: {:#?}", desktop.notifications());
    sandbox.set_fault(Endpoint::Device, Fault::status(500));
    click("btn-phone").await;
    let failed = next(before).unwrap_or_else(|| panic!("no failure notification while quiet"));
    assert_eq!(failed.summary, "Could not switch to receiving calls on phone");
    sandbox.clear_faults();
    click("quiet").await;
    wait_for(&client, "#quiet[data-quiet='false']", "notifying again").await;

    // "The changes I make" off: the agent's own change is quiet, a supervisor's still shows.
    client.find(Locator::Css("#settings summary")).await.unwrap().click().await.unwrap();
    click("pref-notify_mine").await;
    click("save-settings").await;
    wait_for(&client, "#settings-saved:not(:empty)", "saved").await;
    let before = count();
    click("btn-offline").await;
    wait_for(&client, "#status[data-availability='offline']", "offline").await;
    assert_eq!(next(before), None, "the agent's own change, with its notifications off");
    sandbox.set_active(DEMO_USER_ID, Some(DeviceName::Phone));
    let n = desktop.wait_for_notification(Duration::from_secs(25), |n| n.body.contains("changed elsewhere"));
    assert!(n.is_some(), "a supervisor's change still notified: {:#?}", desktop.notifications());
    // The failure switch warns before it is saved.
    click("pref-notify_failures").await;
    wait_for(&client, "#failures-off:not([hidden])", "the warning about failures").await;
}
