//! What the organisation enforces, end to end with the real app, window and command line: an
//! enforced switch is fixed and labelled in the window, refused by `exotel-agent settings`, and
//! obeyed at a lock although the agent's own file says otherwise; the sandbox, when not allowed,
//! is gone from the window and refused.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{Driver, cli, cli_binary, eventually, sign_in_with_cli, text_now, wait_for};
use exotel_sandbox::{DEMO_USER_ID, DeviceName, Sandbox};
use serde_json::Value;
use test_session::Desktop;

const POLICY: &str = "[enforced]\noffline_on_lock = true\nsandbox_allowed = false\nstart_at_login = true\n[defaults]\nidle_minutes = 15\n";

#[tokio::test(flavor = "multi_thread")]
async fn an_enforced_rule_is_fixed_everywhere_and_obeyed_at_a_lock() {
    let desktop = Desktop::start().unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    sign_in_with_cli(&desktop, &sandbox);
    cli(&desktop, &["phone"], None);
    // The agent's own choice, made before the organisation's rule: off.
    cli(&desktop, &["settings", "--set", "offline_on_lock=false"], None);
    let presets = desktop.keyring().presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    std::fs::write(&presets, POLICY).unwrap();

    // The command line: refused, with its exit code, and the listing says where it comes from.
    let refused = desktop.run(cli_binary(), &["settings", "--set", "offline_on_lock=false"], None).unwrap();
    assert_eq!(refused.status.code(), Some(7), "{}", String::from_utf8_lossy(&refused.stderr));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("set by your organisation"), "{said}");
    let listing: Value =
        serde_json::from_slice(&cli(&desktop, &["settings", "--json"], None).stdout).unwrap();
    let lock =
        listing["settings"].as_array().unwrap().iter().find(|s| s["name"] == "offline_on_lock").unwrap();
    assert_eq!((lock["value"].as_bool(), lock["from"].as_str()), (Some(true), Some("enforced")), "{lock}");
    assert!(lock["origin"].as_str().unwrap_or_default().ends_with("[enforced]"), "{lock}");
    let idle = listing["settings"].as_array().unwrap().iter().find(|s| s["name"] == "idle_minutes").unwrap();
    assert_eq!((idle["value"].as_u64(), idle["from"].as_str()), (Some(15), Some("default")), "{idle}");

    // The window: fixed and labelled; the sandbox gone, and refused if asked for anyway.
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#status[data-availability='phone']", "signed in, on phone").await;
    wait_for(&client, "#pref-offline_on_lock:disabled:checked", "the enforced switch, fixed and on").await;
    client.find(fantoccini::Locator::Css("#settings summary")).await.unwrap().click().await.unwrap();
    assert_eq!(text_now(&client, "#pref-offline_on_lock-enforced").await, "Set by your organisation");
    let described = client
        .execute(
            "return document.getElementById('pref-offline_on_lock').getAttribute('aria-describedby')",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(described.as_str(), Some("pref-offline_on_lock-enforced"), "read with its switch");
    let free = client
        .execute("return document.getElementById('pref-offline_on_sleep').disabled", vec![])
        .await
        .unwrap();
    assert_eq!(free, Value::Bool(false), "a setting not enforced stays the agent's");
    let hidden =
        client.execute("return document.getElementById('sandbox-button').hidden", vec![]).await.unwrap();
    assert_eq!(hidden, Value::Bool(true), "no sandbox where it is not allowed");
    let asked = client
        .execute(
            "return await window.__TAURI__.core.invoke('try_sandbox').then(() => 'ok', (e) => e.kind);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(asked.as_str(), Some("enforced"));
    // Saving the window with the rule in it is no change: it is accepted.
    let saved = client
        .execute(
            "const p = (await window.__TAURI__.core.invoke('get_preferences')).preferences; \
             return await window.__TAURI__.core.invoke('set_preferences', { preferences: p }).then(() => 'ok', (e) => e.kind);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(saved.as_str(), Some("ok"));
    // Start at login, enforced: the entry is there without the agent saving anything.
    let autostart = desktop.home().join(".config/autostart");
    let entries = || std::fs::read_dir(&autostart).map(|d| d.count()).unwrap_or(0);
    for _ in 0..50 {
        if entries() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        entries(),
        1,
        "the autostart entry the organisation enforces: {}",
        desktop_e2e::app_log(&desktop)
    );

    // A lock: the organisation's rule holds, whatever the agent's file says.
    let screensaver = desktop_e2e::screensaver(&desktop).await;
    eventually("the app's screen-lock watcher", Duration::from_secs(10), || {
        desktop_e2e::app_log(&desktop).contains("watching screen-lock signals")
    })
    .await;
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    desktop_e2e::lock_screen(&screensaver).await;
    eventually("offline at the lock", Duration::from_secs(10), || {
        sandbox.active(DEMO_USER_ID) == Some(Ok(None))
    })
    .await;
}
