//! The tray as the desktop sees it: the app registers a StatusNotifierItem with the test's
//! tray host (as with GNOME's AppIndicator extension or KDE's panel), and its menu, read over
//! dbusmenu, says what Exotel confirmed: the status line, the ticks, what is enabled. A click
//! sent over dbusmenu reaches Exotel (the sandbox), and a language chosen in the window's
//! *Settings* changes every word of the menu.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{App, Driver, cli, eventually, wait_for};
use exotel_sandbox::{DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use fantoccini::Locator;
use test_session::Desktop;
use test_session::tray_host::{TrayHost, TrayItem};

/// The menu's entry labelled `label`; the test fails if there is none.
fn entry(item: &TrayItem, label: &str) -> test_session::tray_host::MenuEntry {
    let menu = item.menu().unwrap();
    menu.iter().find(|e| e.label == label).cloned().unwrap_or_else(|| panic!("no {label:?} in {menu:#?}"))
}

/// The first line of the menu (the status in words).
fn status_line(item: &TrayItem) -> String {
    item.menu().unwrap().first().map(|e| e.label.clone()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tray_menu_over_dbus_shows_the_truth_and_its_clicks_reach_exotel() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let args = sandbox.cli_login_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli(&desktop, &args, Some(DEMO_APP_SECRET));

    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    let icon = item.property("IconName").unwrap();
    assert!(!format!("{icon:?}").is_empty());

    // Signed in and offline: the line says so, offline is ticked, every choice enabled.
    eventually("the status line", Duration::from_secs(15), || status_line(&item) == "Offline: no new calls")
        .await;
    let offline = entry(&item, "Go offline");
    assert_eq!((offline.ticked, offline.enabled), (Some(true), true));
    assert_eq!(entry(&item, "Receive calls on phone").ticked, Some(false));
    let quit = entry(&item, "Quit");
    assert!(quit.enabled && quit.ticked.is_none());

    // A click on "Receive calls on phone", as the desktop sends it: Exotel follows, and the
    // tick moves only once it has confirmed.
    item.click(entry(&item, "Receive calls on phone").id).unwrap();
    eventually("the sandbox on phone", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(Some(DeviceName::Phone)))
    })
    .await;
    eventually("the tick on phone", Duration::from_secs(10), || {
        entry(&item, "Receive calls on phone").ticked == Some(true)
            && entry(&item, "Go offline").ticked == Some(false)
    })
    .await;
    assert_eq!(status_line(&item), "Receiving calls on phone");
    wait_for(&client, "#status[data-availability='phone']", "the window agrees").await;

    // Hindi chosen in the window's Settings: the tray's every word follows.
    client.find(Locator::Css("#settings summary")).await.unwrap().click().await.unwrap();
    client.find(Locator::Id("pref-language")).await.unwrap().select_by_value("hi").await.unwrap();
    client.find(Locator::Id("save-settings")).await.unwrap().click().await.unwrap();
    eventually("the tray in Hindi", Duration::from_secs(10), || status_line(&item) == "फ़ोन पर कॉल आ रही हैं")
        .await;
    for label in ["फ़ोन पर कॉल लें", "कंप्यूटर पर कॉल लें", "ऑफ़लाइन हो जाएँ", "ब्रेक लें", "बंद करें", "1 घंटे के लिए सूचनाएँ बंद"]
    {
        entry(&item, label);
    }
    assert_eq!(entry(&item, "फ़ोन पर कॉल लें").ticked, Some(true));
    let english: Vec<String> = item
        .menu()
        .unwrap()
        .into_iter()
        .filter(|e| {
            !e.separator && e.label.replace("Exotel Agent Tray", "").chars().any(|c| c.is_ascii_alphabetic())
        })
        .map(|e| e.label)
        .collect();
    assert!(english.is_empty(), "English left in the Hindi tray: {english:?}");

    // The new menu's clicks still reach Exotel.
    item.click(entry(&item, "ऑफ़लाइन हो जाएँ").id).unwrap();
    eventually("the sandbox offline", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
    eventually("the tick on offline", Duration::from_secs(10), || {
        entry(&item, "ऑफ़लाइन हो जाएँ").ticked == Some(true)
    })
    .await;
}

/// The app on phone, in the tray (started directly, no window), with Exotel refusing every
/// change and read; the tray item once it says "Receiving calls on phone".
async fn on_phone_then_an_outage(desktop: &Desktop, host: &TrayHost, sandbox: &Sandbox) -> (App, TrayItem) {
    let args = sandbox.cli_login_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    cli(desktop, &args, Some(DEMO_APP_SECRET));
    cli(desktop, &["phone"], None);
    let app = App::start(desktop);
    let item = host.wait_for_item(Duration::from_secs(20)).expect("the tray registered with the host");
    eventually("on phone", Duration::from_secs(15), || status_line(&item) == "Receiving calls on phone")
        .await;
    for endpoint in [Endpoint::Device, Endpoint::Usermapping] {
        sandbox.set_fault(endpoint, Fault::status(503));
    }
    (app, item)
}

fn quit_lines(desktop: &Desktop) -> Vec<String> {
    std::fs::read_to_string(desktop.home().join(".local/share/exotel-agent-tray/history.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\"source\":\"quit\""))
        .map(str::to_owned)
        .collect()
}

/// *Quit* from the tray while Exotel refuses: the agent is told, the app stays and keeps
/// trying, the tray says so and offers "Quit anyway"; once Exotel answers, the agent is
/// offline and the app quits by itself. The history has the failure and the offline with its
/// count, not a line per retry.
#[tokio::test(flavor = "multi_thread")]
async fn quit_from_the_tray_during_an_outage_keeps_trying_then_quits_offline() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let (mut app, item) = on_phone_then_an_outage(&desktop, &host, &sandbox).await;

    item.click(entry(&item, "Quit").id).unwrap();
    let said =
        desktop.wait_for_notification(Duration::from_secs(15), |n| n.summary.contains("Not quitting yet"));
    let said = said.unwrap_or_else(|| panic!("not told: {:#?}", desktop.notifications()));
    assert!(said.body.contains("Quit anyway"), "{said:#?}");
    eventually("the tray says the quit waits", Duration::from_secs(10), || {
        status_line(&item) == "Quitting once Exotel confirms you are offline"
    })
    .await;
    entry(&item, "Quit anyway (calls may still ring on phone)");
    assert!(app.child.try_wait().unwrap().is_none(), "still running, still trying");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));

    // Some retries into the outage, then Exotel answers: offline, and the app is gone.
    tokio::time::sleep(Duration::from_secs(3)).await;
    sandbox.clear_faults();
    app.wait_exit(Duration::from_secs(20));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(None)), "offline before it quit");
    let lines = quit_lines(&desktop);
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(lines[0].contains("\"outcome\":\"failed\""), "{lines:#?}");
    assert!(
        lines[1].contains("\"outcome\":\"confirmed\"") && lines[1].contains("\"attempts\""),
        "{lines:#?}"
    );
}

/// *Quit anyway* while the quit waits: the app quits at once, the phone still on (as the item
/// said), and the next start says that going offline failed when the agent last quit.
#[tokio::test(flavor = "multi_thread")]
async fn quit_anyway_quits_at_once_and_the_next_start_says_so() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let host = TrayHost::start(desktop.keyring().bus_address()).unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let (mut app, item) = on_phone_then_an_outage(&desktop, &host, &sandbox).await;
    item.click(entry(&item, "Quit").id).unwrap();
    eventually("Quit anyway offered", Duration::from_secs(15), || {
        item.menu().unwrap().iter().any(|e| e.label == "Quit anyway (calls may still ring on phone)")
    })
    .await;
    item.click(entry(&item, "Quit anyway (calls may still ring on phone)").id).unwrap();
    let took = app.wait_exit(Duration::from_secs(5));
    assert!(took < Duration::from_secs(3), "at once: {took:?}");
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    assert_eq!(quit_lines(&desktop).len(), 1, "the failure, kept");

    sandbox.clear_faults();
    let _again = App::start(&desktop);
    let told = desktop.wait_for_notification(Duration::from_secs(20), |n| {
        n.summary.contains("When you last quit, going offline failed")
    });
    let told = told.unwrap_or_else(|| panic!("not told at the next start: {:#?}", desktop.notifications()));
    assert!(told.body.contains("receiving calls on phone"), "{told:#?}");
}
