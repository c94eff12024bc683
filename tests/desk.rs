//! "On this computer", end to end: the app on a desktop missing a piece it leans on says so
//! (the tray's first line, one notification per start, `exotel-agent doctor`), and a lock heard
//! only through logind's session (sway, i3, a locker that calls `loginctl lock-session`) takes
//! the agent offline like a screensaver's.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{app_log, app_on_phone, cli_binary, eventually, sign_in_with_cli};
use exotel_sandbox::{DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, RateLimits, Sandbox};
use serde_json::Value;
use test_session::logind::{FakeLogind, SESSION};
use test_session::tray_host::{TrayHost, TrayItem};
use test_session::{Desktop, KeyringSession, KeyringState};

const LOCK_LINE: &str = "Screen lock cannot be detected on this desktop: locking will not take you offline.";
const LOCK_NOTICE: &str = "Cannot work on this computer: Screen lock";

fn first_line(item: &TrayItem) -> String {
    item.menu().unwrap().first().map(|e| e.label.clone()).unwrap_or_default()
}

/// The agent turned "offline on lock" on, on a desktop with neither a screensaver nor logind:
/// after the grace the tray says so first and one notification tells what to do; a screensaver
/// that starts later is found, the line goes, and its lock then works.
#[tokio::test(flavor = "multi_thread")]
async fn a_lock_nothing_can_hear_is_said_and_notified_once_until_a_screensaver_appears() {
    let desktop = Desktop::start().unwrap();
    let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app = app_on_phone(
        &desktop,
        &sandbox,
        &[("offline_on_lock = false", "offline_on_lock = true")],
        &[("EXOTEL_AGENT_DESK_GRACE_SECS", "1")],
    )
    .await;
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    eventually("the tray's warning line", Duration::from_secs(15), || first_line(&item) == LOCK_LINE).await;
    let menu = item.menu().unwrap();
    assert_eq!(menu[1].label, "Receiving calls on phone", "the status stays, second: {menu:#?}");
    assert!(!menu[0].enabled, "the warning is a line, not an action");

    let told = desktop.wait_for_notification(Duration::from_secs(10), |n| n.summary == LOCK_NOTICE);
    let told =
        told.unwrap_or_else(|| panic!("not notified: {:#?}\n{}", desktop.notifications(), app_log(&desktop)));
    assert!(told.body.starts_with(LOCK_LINE) && told.body.contains("What to do: "), "{}", told.body);

    // Cinnamon's screensaver starts (after the app): found at once, and the line goes.
    let screensaver =
        zbus::connection::Builder::address(desktop.keyring().bus_address()).unwrap().build().await.unwrap();
    screensaver.request_name("org.cinnamon.ScreenSaver").await.unwrap();
    eventually("the warning gone", Duration::from_secs(10), || {
        first_line(&item) == "Receiving calls on phone"
    })
    .await;
    // Its lock works: offline.
    screensaver
        .emit_signal(
            None::<&str>,
            "/org/cinnamon/ScreenSaver",
            "org.cinnamon.ScreenSaver",
            "ActiveChanged",
            &true,
        )
        .await
        .unwrap();
    eventually("offline on the lock", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    let times = desktop.notifications().iter().filter(|n| n.summary == LOCK_NOTICE).count();
    assert_eq!(times, 1, "told once per start: {:#?}", desktop.notifications());
}

/// No screensaver on the session bus; the system bus has logind. Its session's `Lock` takes the
/// agent offline and `Unlock` brings the phone back; so does `LockedHint`; a `Lock` sent by any
/// other program is ignored.
#[tokio::test(flavor = "multi_thread")]
async fn a_lock_from_loginds_session_goes_offline_and_its_unlock_restores() {
    let desktop = Desktop::start().unwrap();
    let system = KeyringSession::start(KeyringState::Unlocked).unwrap();
    let logind = FakeLogind::start(system.bus_address()).await.unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let _app = app_on_phone(
        &desktop,
        &sandbox,
        &[("offline_on_lock = false", "offline_on_lock = true")],
        &[("DBUS_SYSTEM_BUS_ADDRESS", system.bus_address())],
    )
    .await;
    eventually("the app watching logind's session", Duration::from_secs(15), || {
        app_log(&desktop).contains("watching logind's session lock")
    })
    .await;
    let phone = Some(Ok(Some(DeviceName::Phone)));
    let offline = Some(Ok(None));
    // A program that does not own logind's name sends Lock: nothing happens.
    let spoofer = zbus::connection::Builder::address(system.bus_address()).unwrap().build().await.unwrap();
    spoofer.emit_signal(None::<&str>, SESSION, "org.freedesktop.login1.Session", "Lock", &()).await.unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sandbox.active(DEMO_USER_ID), phone, "a spoofed Lock was believed");

    logind.session_signal("Lock").await.unwrap();
    eventually("offline on logind's Lock", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == offline
    })
    .await;
    logind.session_signal("Unlock").await.unwrap();
    eventually("the phone again on Unlock", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == phone
    })
    .await;

    logind.locked_hint(true).await.unwrap();
    eventually("offline on LockedHint", Duration::from_secs(10), || sandbox.active(DEMO_USER_ID) == offline)
        .await;
    logind.locked_hint(false).await.unwrap();
    eventually("the phone again", Duration::from_secs(10), || sandbox.active(DEMO_USER_ID) == phone).await;
}

/// `exotel-agent doctor --json` in `session`, with `env`; its findings and exit code.
fn doctor(session: &KeyringSession, env: &[(&str, &str)]) -> (Value, i32, String) {
    let out =
        session.command(cli_binary()).args(["doctor", "--json"]).envs(env.iter().copied()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let findings: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (findings, out.status.code().unwrap_or(-1), text)
}

fn protection<'a>(findings: &'a Value, name: &str) -> &'a Value {
    let all = findings["protections"].as_array().unwrap();
    all.iter().find(|p| p["protection"] == name).unwrap_or_else(|| panic!("no {name}: {findings:#}"))
}

/// On a whole desktop, signed in: every check, field by field, all well (exit 0); no secret in
/// what it prints.
#[tokio::test(flavor = "multi_thread")]
async fn doctor_on_a_whole_desktop_signed_in_finds_all_well() {
    let desktop = Desktop::start().unwrap();
    let _host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    // An account with a limit: its replies say how much room is left.
    sandbox.set_limits(RateLimits { reads_per_min: Some(100), writes_per_min: None });
    let (findings, code, text) = doctor(desktop.keyring(), &[("DISPLAY", desktop.display())]);
    assert_eq!(code, 0, "{findings:#}");
    assert_eq!(findings["exit_code"], 0);
    assert_eq!(findings["problems"], serde_json::json!([]));
    for (name, via) in [
        ("tray", "StatusNotifierWatcher"),
        ("keyring", "Secret Service"),
        ("idle", "X11"),
        ("shortcut", "an X11 key grab"),
    ] {
        let p = protection(&findings, name);
        assert_eq!(p["state"], "works", "{name}: {p}");
        assert!(p["detail"].as_str().unwrap().contains(via), "{name}: {p}");
    }
    assert!(protection(&findings, "notifications")["detail"].as_str().unwrap().starts_with("dunst"));
    // No system bus here: sleep cannot be heard, but the agent did not turn it on.
    let sleep = protection(&findings, "sleep");
    assert_eq!((sleep["state"].as_str(), sleep["turned_on"].as_bool()), (Some("missing"), Some(false)));

    let exotel = &findings["exotel"];
    assert_eq!(exotel["host"], sandbox.url());
    assert_eq!(exotel["reachable"], true);
    assert_eq!(exotel["dns"], serde_json::json!(["127.0.0.1"]));
    assert!(exotel["tls"].as_str().unwrap().starts_with("not used"), "{exotel}");
    assert!(exotel["clock_skew_secs"].as_i64().unwrap().abs() <= 2, "{exotel}");
    assert_eq!(exotel["proxy"], Value::Null, "a loopback sandbox never goes through a proxy");
    let account = &findings["account"];
    assert_eq!(account["signed_in"], true);
    assert_eq!(account["error"], Value::Null, "{account}");
    assert_eq!(account["user_id"], DEMO_USER_ID);
    assert!(account["token_age_secs"].as_u64().unwrap() < 60, "minted at sign-in: {account}");
    let (left, limit) =
        (account["rate_remaining"].as_u64().unwrap(), account["rate_limit"].as_u64().unwrap());
    assert_eq!((left, limit), (99, 100), "the read doctor made counts: {account}");
    assert_eq!(findings["version"], env!("CARGO_PKG_VERSION"));

    assert!(!text.contains(DEMO_APP_SECRET), "the app secret in doctor's output");
    let kept =
        desktop.keyring().secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")]);
    let kept = kept.unwrap().expect("a token kept at sign-in");
    // A format tag, then JSON.
    let kept: Value = serde_json::from_str(&kept[kept.find('{').unwrap()..]).unwrap();
    let token = kept["token"].as_str().unwrap();
    assert!(token.len() > 8 && !text.contains(token), "the kept token in doctor's output");
}

/// A bare session (a bus with a locked keyring, no tray host, no notification server, no
/// display): each missing piece is found and said; the ones the agent relies on are problems
/// (exit 6, Exotel being reachable); Exotel unreachable wins (exit 4).
#[tokio::test(flavor = "multi_thread")]
async fn doctor_finds_the_missing_pieces_and_exotel_unreachable() {
    let session = KeyringSession::start(KeyringState::Locked).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let url = sandbox.url();
    let env = [("EXOTEL_AGENT_HOST", url.as_str()), ("DISPLAY", "")];
    let (findings, code, _) = doctor(&session, &env);
    assert_eq!(code, 6, "{findings:#}");
    assert_eq!(protection(&findings, "keyring")["state"], "locked");
    assert_eq!(protection(&findings, "tray")["state"], "missing");
    let notifications = protection(&findings, "notifications");
    assert_eq!(notifications["detail"], "no notification server on the session bus");
    assert_eq!(findings["problems"], serde_json::json!(["tray", "notifications", "keyring", "shortcut"]));
    assert_eq!(findings["account"]["signed_in"], false);
    assert_eq!(findings["exotel"]["reachable"], true);

    // Exotel's host does not answer (nothing listens there): 4.
    drop(sandbox);
    let (findings, code, _) = doctor(&session, &env);
    assert_eq!(code, 4, "{findings:#}");
    assert_eq!(findings["exotel"]["reachable"], false);
    assert!(findings["exotel"]["error"].as_str().is_some_and(|e| !e.is_empty()));
}

/// The window's "On this computer": opened by itself while a protection the agent turned on
/// cannot work, each protection with its state, the problem and what to do; what works says
/// through what.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_lists_what_this_computer_can_do_and_opens_on_a_problem() {
    let desktop = Desktop::start().unwrap();
    let _host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    desktop_e2e::edit_settings(&desktop, "offline_on_lock = false", "offline_on_lock = true");
    let driver = desktop_e2e::Driver::start_with(&desktop, &[("EXOTEL_AGENT_DESK_GRACE_SECS", "1")]).await;
    let client = driver.session().await;
    let lock = "#desk[open] #desk-list li[data-protection='lock'][data-state='missing'].problem";
    desktop_e2e::wait_for(&client, lock, "the lock's problem, with the section open").await;
    let text = desktop_e2e::text_now(&client, lock).await;
    assert!(text.contains(LOCK_LINE) && text.contains("What to do: "), "{text}");
    let keyring = "#desk-list li[data-protection='keyring'][data-state='works']:not(.problem)";
    desktop_e2e::wait_for(&client, keyring, "the keyring working").await;
    assert_eq!(desktop_e2e::text_now(&client, keyring).await, "System keyring Works, through Secret Service");
    // Read in one go: a view arriving between a find and a read redraws the list.
    let via = desktop_e2e::text_now(&client, "li[data-protection='keyring'] code").await;
    assert_eq!(via, "Secret Service", "the OS's name, as written");
    // Sleep cannot be heard here (no logind), but the agent did not turn it on: no problem.
    desktop_e2e::wait_for(
        &client,
        "#desk-list li[data-protection='sleep'][data-state='missing']:not(.problem)",
        "sleep missing, not a problem",
    )
    .await;
    // A command's answer (a click) keeps the section: every view the window gets carries it.
    client.find(fantoccini::Locator::Id("btn-phone")).await.unwrap().click().await.unwrap();
    desktop_e2e::wait_for(&client, "#status[data-availability='phone']", "on phone").await;
    // Counted in one go: a view arriving between a find and reading what it found redraws the
    // list (WebDriver then calls the elements stale).
    let count = "return document.querySelectorAll('#desk-list li').length;";
    let items = client.execute(count, vec![]).await.unwrap();
    assert_eq!(items, serde_json::json!(7), "the section after a click's answer");
}

/// The shortcut is held by the shell's owner: one that cannot be taken is said in the answer to
/// the save, in the settings read again, and under "On this computer"; a good one clears all
/// three, and works.
#[tokio::test(flavor = "multi_thread")]
async fn a_shortcut_that_cannot_be_taken_is_said_and_a_good_one_clears_it() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    desktop_e2e::cli(&desktop, &["phone"], None);
    let driver = desktop_e2e::Driver::start(&desktop).await;
    let client = driver.session().await;
    desktop_e2e::wait_for(&client, "#status[data-availability='phone']", "signed in, on phone").await;
    let save = |shortcut: &str| {
        format!(
            "return await window.__TAURI__.core.invoke('set_preferences', \
             {{ preferences: {{ shortcut: '{shortcut}' }} }});"
        )
    };
    let read = "return await window.__TAURI__.core.invoke('get_preferences');";

    let answer = client.execute(&save("Ctrl+Nope"), vec![]).await.unwrap();
    let said = answer["shortcut_error"].as_str().unwrap_or_default().to_owned();
    assert!(said.starts_with("The shortcut Ctrl+Nope could not be registered"), "{answer}");
    let again = client.execute(read, vec![]).await.unwrap();
    assert_eq!(again["shortcut_error"].as_str(), Some(said.as_str()), "kept: {again}");
    let missing = "#desk-list li[data-protection='shortcut'][data-state='missing'].problem";
    desktop_e2e::wait_for(&client, missing, "the shortcut's problem under On this computer").await;

    let answer = client.execute(&save("Ctrl+Alt+K"), vec![]).await.unwrap();
    assert!(answer["shortcut_error"].is_null(), "{answer}");
    assert!(client.execute(read, vec![]).await.unwrap()["shortcut_error"].is_null());
    let works = "#desk-list li[data-protection='shortcut'][data-state='works']";
    desktop_e2e::wait_for(&client, works, "the shortcut working").await;
    assert!(desktop.command("xdotool").args(["key", "ctrl+alt+k"]).status().unwrap().success());
    eventually("the new shortcut takes the agent offline", Duration::from_secs(5), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
}
