//! The real desktop app, driven over WebDriver in a real WebKit window under Xvfb, with a real
//! gnome-keyring and a real notification server on a private D-Bus session, against the
//! sandbox. Notifications are checked on the bus, not by trusting the plugin's `Ok`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::time::Duration;

use desktop_e2e::{Driver, app_log, eventually, text_of, wait_for};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, DeviceName, Endpoint, Fault, Sandbox};
use fantoccini::Locator;
use test_session::Desktop;

async fn click(client: &fantoccini::Client, id: &str) {
    client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("#{id}: {e}")).click().await.unwrap();
}

async fn type_into(client: &fantoccini::Client, id: &str, text: &str) {
    let field = client.find(Locator::Id(id)).await.unwrap_or_else(|e| panic!("#{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

fn keyring_secret(desktop: &Desktop) -> Option<String> {
    desktop.keyring().app_secret().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_switch_fail_and_sign_out_in_the_real_window() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let sandbox = Sandbox::start().await.unwrap();
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;

    // Signed out: the form, with Exotel's default host preselected.
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    let preselected = client.find(Locator::Id("host-choice")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(preselected.as_deref(), Some("https://integrationscore.mum1.exotel.com"));

    // A wrong secret is shown next to the secret field, and nothing is kept.
    let host = client.find(Locator::Id("host-choice")).await.unwrap();
    host.select_by_value("custom").await.unwrap();
    type_into(&client, "host-custom", &sandbox.url()).await;
    type_into(&client, "app-id", DEMO_APP_ID).await;
    type_into(&client, "secret", "not-the-secret").await;
    type_into(&client, "user-id", DEMO_USER_ID).await;
    click(&client, "sign-in-button").await;
    wait_for(&client, "#secret[aria-invalid='true']", "the secret field marked wrong").await;
    assert!(text_of(&client, "err-secret").await.contains("app secret is wrong"));
    assert_eq!(keyring_secret(&desktop), None);

    // Sign in for real.
    type_into(&client, "secret", DEMO_APP_SECRET).await;
    click(&client, "sign-in-button").await;
    wait_for(&client, "#status[data-availability='offline']", "offline after sign-in").await;
    assert!(text_of(&client, "agent").await.contains("Asha Demo"));
    assert_eq!(keyring_secret(&desktop).as_deref(), Some(DEMO_APP_SECRET));
    assert_eq!(desktop.keyring().files_containing(DEMO_APP_SECRET), Vec::<PathBuf>::new());
    let token = desktop
        .keyring()
        .secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")])
        .unwrap();
    // `v2:` and a JSON object with the token and the account it was minted for.
    let kept: serde_json::Value =
        serde_json::from_str(token.unwrap_or_default().strip_prefix("v2:").unwrap_or_default()).unwrap();
    assert_eq!(kept["account"]["user_id"], DEMO_USER_ID);
    let token = kept["token"].as_str().unwrap_or_default().to_owned();
    assert!(token.starts_with("sbx-token-"), "the minted token is in the keyring");

    // Record every status event the window receives from now on (scanned for secrets below).
    let record = "window.__seen = []; \
        await window.__TAURI__.event.listen('status', (e) => window.__seen.push(JSON.stringify(e.payload))); \
        return true;";
    client.execute(record, vec![]).await.unwrap();

    // One sign-in for the app and the command line: exotel-agent uses it as it is.
    let cli = desktop_e2e::app_binary().with_file_name("exotel-agent");
    let out = desktop.command(&cli).args(["status", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (json["availability"].as_str(), json["user_id"].as_str()),
        (Some("offline"), Some(DEMO_USER_ID))
    );

    // Each button: the sandbox follows, and the window shows the confirmed state.
    for (button, word, device) in [
        ("btn-phone", "phone", Some(DeviceName::Phone)),
        ("btn-sip", "sip", Some(DeviceName::Sip)),
        ("btn-offline", "offline", None),
    ] {
        click(&client, button).await;
        wait_for(&client, &format!("#status[data-availability='{word}']"), word).await;
        wait_for(&client, &format!("#{button}[aria-pressed='true']"), "the confirmed button marked").await;
        assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(device)), "after {button}");
    }
    click(&client, "btn-phone").await;
    wait_for(&client, "#status[data-availability='phone']", "phone again").await;

    // A screenshot, signed in to the sandbox, receiving on phone: into target/screenshots
    // (ignored by git), so the tests leave the tree as it was; `make screenshot` runs this test
    // with EXOTEL_UPDATE_SCREENSHOT=1 to refresh the README's picture in docs/.
    desktop_e2e::screenshot(&client, "window.png").await;

    // A fault: the error in words, and the last confirmed state stays.
    sandbox.set_fault(Endpoint::Device, Fault::status(500));
    click(&client, "btn-offline").await;
    wait_for(&client, "#error:not([hidden])[data-kind='server']", "the server error shown").await;
    assert_eq!(text_of(&client, "error-kind").await, "Exotel had a problem on its side.");
    assert!(text_of(&client, "error-message").await.contains("HTTP 500"));
    let status = client.find(Locator::Id("status")).await.unwrap();
    assert_eq!(status.attr("data-availability").await.unwrap().as_deref(), Some("phone"));
    assert_eq!(sandbox.active(DEMO_USER_ID), Some(Ok(Some(DeviceName::Phone))));
    sandbox.clear_faults();

    // Sign out: the keyring entries are gone.
    click(&client, "sign-out").await;
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form again").await;
    assert_eq!(keyring_secret(&desktop), None);
    let kept = desktop
        .keyring()
        .secret_tool_lookup(&[("service", "exotel-agent-tray"), ("username", "token")])
        .unwrap();
    assert_eq!(kept, None);

    // Nothing the window received holds a secret: every status event, and the result of every
    // command that reads something.
    let collect = "const i = window.__TAURI__.core.invoke; \
        const results = [await i('get_status'), await i('get_account'), await i('get_preferences'), \
                         await i('get_history'), await i('sign_in_form')]; \
        return JSON.stringify(results) + window.__seen.join('');";
    let seen = client.execute(collect, vec![]).await.unwrap().as_str().unwrap_or_default().to_owned();
    assert!(seen.contains("Asha Demo") && seen.contains("\"availability\""), "the recording worked: {seen}");
    let sip = sandbox.user(DEMO_USER_ID).unwrap().sip_secret;
    for secret in [DEMO_APP_SECRET, token.as_str(), sip.as_str()] {
        assert!(!seen.contains(secret), "the window received a secret");
    }

    // Nothing the app wrote (its trace-level log, settings) holds a secret: the app secret,
    // the token, or the agent's SipSecret that every sandbox reply carries.
    let sip_secret = sandbox.user(DEMO_USER_ID).unwrap().sip_secret;
    let log_dir = desktop.home().join(".local/state/exotel-agent-tray/logs");
    assert!(std::fs::read_dir(&log_dir).is_ok_and(|mut d| d.next().is_some()), "the app wrote its log file");
    // The log is this user's only: its folder 0700, its files 0600; so are the history's.
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&log_dir), 0o700, "the log folder");
        for entry in std::fs::read_dir(&log_dir).unwrap().flatten() {
            assert_eq!(mode(&entry.path()), 0o600, "{}", entry.path().display());
        }
        let data = desktop.home().join(".local/share/exotel-agent-tray");
        assert_eq!(mode(&data), 0o700, "the history's folder");
        assert_eq!(mode(&data.join("history.jsonl")), 0o600, "the history");
    }
    for secret in [DEMO_APP_SECRET, token.as_str(), sip_secret.as_str()] {
        assert_eq!(
            desktop.keyring().files_containing(secret),
            Vec::<PathBuf>::new(),
            "a file holds a secret"
        );
    }

    // "Try the sandbox": signed in to a built-in sandbox, with nothing kept in the keyring.
    click(&client, "sandbox-button").await;
    wait_for(&client, "#status[data-availability='offline']", "signed in to the built-in sandbox").await;
    wait_for(&client, "#sandbox-badge:not([hidden])", "the sandbox badge").await;
    wait_for(&client, "#sandbox-note:not([hidden])", "the note saying the sandbox is not Exotel").await;
    assert_eq!(text_of(&client, "sign-out").await, "Leave the sandbox");
    assert_eq!(keyring_secret(&desktop), None);
    click(&client, "btn-sip").await;
    wait_for(&client, "#status[data-availability='sip']", "sip in the built-in sandbox").await;
    assert_eq!(
        sandbox.active(DEMO_USER_ID),
        Some(Ok(Some(DeviceName::Phone))),
        "the test's sandbox was not touched"
    );
    click(&client, "sign-out").await;
    wait_for(&client, "#signed-out:not([hidden])", "signed out of the built-in sandbox").await;

    // On the bus: one notification per confirmed change and one for the failure, in order.
    let expected = [
        ("Now offline: no new calls", "Offline: no new calls, at sign-in."),
        ("Now receiving calls on phone", "Receiving calls on phone, from the window."),
        ("Now receiving calls on computer", "Receiving calls on computer, from the window."),
        ("Now offline: no new calls", "Offline: no new calls, from the window."),
        ("Now receiving calls on phone", "Receiving calls on phone, from the window."),
    ];
    let seen = desktop.wait_for_notifications(expected.len() + 1, Duration::from_secs(10));
    let seen = &seen[..seen.len().min(expected.len() + 1)];
    let pairs: Vec<(&str, &str)> = seen.iter().map(|n| (n.summary.as_str(), n.body.as_str())).collect();
    assert_eq!(pairs.len(), expected.len() + 1, "{pairs:#?}");
    assert_eq!(&pairs[..expected.len()], &expected[..], "{pairs:#?}");
    let (summary, body) = pairs[expected.len()];
    assert_eq!(summary, "Could not switch to offline");
    assert!(body.contains("HTTP 500") && body.ends_with("Calls still ring on your phone."), "{body}");
    // Then the built-in sandbox: signed in offline, then the computer.
    let rest = desktop.wait_for_notifications(expected.len() + 3, Duration::from_secs(10));
    let rest: Vec<&str> = rest[expected.len() + 1..].iter().map(|n| n.summary.as_str()).collect();
    assert_eq!(
        rest,
        [
            "Sandbox (not Exotel): Now offline: no new calls",
            "Sandbox (not Exotel): Now receiving calls on computer"
        ]
    );
    // None of the sandbox's changes is in the agent's history.
    let history =
        std::fs::read_to_string(desktop.home().join(".local/share/exotel-agent-tray/history.jsonl"))
            .unwrap_or_default();
    assert_eq!(history.lines().filter(|l| l.contains("\"to\":\"sip\"")).count(), 1, "{history}");

    client.close().await.unwrap();
}

/// An admin preset the host, app id and user id: the window's form starts filled in, says the
/// host is the admin's, and the agent only types the secret.
#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_form_starts_with_the_admins_presets() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let sandbox = Sandbox::start().await.unwrap();
    let presets = desktop.keyring().presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    let text =
        format!("[account]\nhost = \"{}\"\napp_id = \"{DEMO_APP_ID}\"\nuser_id = \"2\"\n", sandbox.url());
    std::fs::write(&presets, text).unwrap();
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;

    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    let value = |id: &'static str| {
        let client = client.clone();
        async move { client.find(Locator::Id(id)).await.unwrap().prop("value").await.unwrap().unwrap_or_default() }
    };
    // Not one of the known hosts: the custom field holds it.
    assert_eq!(value("host-choice").await, "custom");
    assert_eq!(value("host-custom").await, sandbox.url());
    assert_eq!(value("app-id").await, DEMO_APP_ID);
    assert_eq!(value("user-id").await, "2");
    wait_for(&client, "#preset-note:not([hidden])", "the note that the admin set the host").await;

    type_into(&client, "secret", DEMO_APP_SECRET).await;
    click(&client, "sign-in-button").await;
    wait_for(&client, "#status[data-availability='offline']", "offline after sign-in").await;
    assert!(text_of(&client, "agent").await.contains("Ravi Demo"), "signed in as the preset user");

    // Escape closes the window (the window process closes its own window and ends); the app
    // stays in the tray.
    // The window may be gone before WebDriver answers the key press: the log says what happened.
    let _ = client.active_element().await.unwrap().send_keys("\u{E00C}").await;
    eventually("the window closed by Escape", Duration::from_secs(15), || {
        app_log(&desktop).contains("window closed")
    })
    .await;
    let log = app_log(&desktop);
    assert!(!log.contains("quitting"), "Escape quit the app:\n{log}");
    // The session's window is gone with its process; ending the session may fail, and that is fine.
    let _ = client.close().await;
}

/// Hindi chosen in *Settings*: the window's every label, its status and history, the next
/// notification and the command line speak it at once; back to automatic, English again (the
/// test's session names no language).
#[tokio::test(flavor = "multi_thread")]
async fn switching_the_language_in_settings_switches_the_window_notifications_and_cli() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    assert_eq!(text_of(&client, "sandbox-button").await, "Try the sandbox");
    click(&client, "sandbox-button").await;
    wait_for(&client, "#status[data-availability='offline']", "signed in to the built-in sandbox").await;

    let choose = |value: &'static str| {
        let client = client.clone();
        async move {
            let settings = client.find(Locator::Css("#settings summary")).await.unwrap();
            if client.find(Locator::Css("#settings[open]")).await.is_err() {
                settings.click().await.unwrap();
            }
            let select = client.find(Locator::Id("pref-language")).await.unwrap();
            select.select_by_value(value).await.unwrap();
            client.find(Locator::Id("save-settings")).await.unwrap().click().await.unwrap();
        }
    };
    choose("hi").await;
    wait_for(&client, "html[lang='hi']", "the page in Hindi").await;
    wait_for(&client, "#status[data-availability='offline']", "still offline").await;
    assert_eq!(text_of(&client, "status").await, "ऑफ़लाइन: नई कॉल नहीं आएँगी");
    assert_eq!(text_of(&client, "sign-out").await, "सैंडबॉक्स छोड़ें");
    assert_eq!(text_of(&client, "btn-sip").await, "कंप्यूटर");
    assert_eq!(text_of(&client, "save-settings").await, "सेटिंग्स सेव करें");
    assert_eq!(text_of(&client, "settings-saved").await, "सेव हो गया।");
    // No English left on the page's words: every text shown, but the agent's name (from
    // Exotel), times, the language menu (each language in its own name) and the names the OS
    // gives (`code`: logind, a notification server's name).
    let shown = "const skip = (el) => el.closest('#agent, time, select, .field-error, [hidden], code'); \
        const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const out = []; \
        while (walk.nextNode()) { const n = walk.currentNode; \
          if (!skip(n.parentElement) && n.textContent.trim()) out.push(n.textContent.trim()); } \
        return out.join('\\n');";
    let body = client.execute(shown, vec![]).await.unwrap();
    // Names kept in Latin script in every language (as the catalog's own test lists them).
    let names = [
        "Exotel Agent Tray",
        "exotel-agent-tray --show",
        "loginctl lock-session",
        "exotel-agent off",
        "GNOME Keyring",
        "AppIndicator",
        "Exotel",
        "KWallet",
        "GNOME",
        "KDE",
        "X11",
    ];
    let body = names.iter().fold(body.as_str().unwrap_or_default().to_owned(), |b, n| b.replace(n, ""));
    assert!(body.contains("हाल के बदलाव"), "{body}");
    let english: Vec<&str> = body.lines().filter(|l| l.chars().any(|c| c.is_ascii_alphabetic())).collect();
    assert!(english.is_empty(), "English left in the Hindi window: {english:?}");

    click(&client, "btn-phone").await;
    wait_for(&client, "#status[data-availability='phone']", "phone").await;
    let said = desktop.wait_for_notification(Duration::from_secs(10), |n| n.summary.contains("फ़ोन पर कॉल"));
    let said = said.unwrap_or_else(|| panic!("no Hindi notification: {:#?}", desktop.notifications()));
    assert_eq!(said.summary, "सैंडबॉक्स (Exotel नहीं): अब फ़ोन पर कॉल आ रही हैं");
    assert_eq!(said.body, "फ़ोन पर कॉल आ रही हैं, विंडो से।");
    assert!(text_of(&client, "recent").await.contains("ऑफ़लाइन → फ़ोन, विंडो से"));

    // The command line reads the same setting.
    let cli = desktop_e2e::app_binary().with_file_name("exotel-agent");
    let out = desktop.command(&cli).arg("history").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "अभी तक कोई बदलाव नहीं।");

    choose("auto").await;
    wait_for(&client, "html[lang='en']", "the page in English again").await;
    assert_eq!(text_of(&client, "status").await, "Receiving calls on phone");
    let out = desktop.command(&cli).arg("history").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "No changes yet.");
    click(&client, "sign-out").await;
    wait_for(&client, "#signed-out:not([hidden])", "signed out").await;
}
