//! The window is usable without a mouse and by a screen reader: axe-core (WCAG 2.1 A and AA,
//! contrast included) finds nothing in any state the agent meets, and sign-in and the three
//! choices work from the keyboard alone (Tab, Enter, Space), with the focus always visible.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use desktop_e2e::{Driver, accessibility_problems, wait_for};
use exotel_sandbox::{DEMO_APP_ID, DEMO_APP_SECRET, DEMO_USER_ID, Endpoint, Fault, Sandbox};
use fantoccini::{Client, Locator};
use test_session::Desktop;

const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";
const SPACE: &str = " ";

/// axe finds nothing in the state `what`.
async fn accessible(client: &Client, what: &str) {
    let problems = accessibility_problems(client).await;
    assert!(problems.is_empty(), "{what}: {problems:#?}");
}

/// Presses `key` on whatever has the focus.
async fn press(client: &Client, key: &str) {
    client.active_element().await.unwrap().send_keys(key).await.unwrap();
}

/// Tabs until the element `id` has the focus (at most 40 presses), checking the focus is
/// drawn (an outline or a box shadow) on the way.
async fn tab_to(client: &Client, id: &str) {
    for _ in 0..40 {
        let focused = client
            .execute(
                "const e = document.activeElement; const s = getComputedStyle(e); \
                 return [e.id, s.outlineStyle !== 'none' && s.outlineWidth !== '0px' || s.boxShadow !== 'none', e.tagName];",
                vec![],
            )
            .await
            .unwrap();
        let (found, visible) = (focused[0].as_str().unwrap_or_default().to_owned(), focused[1].as_bool());
        if found == id {
            assert_eq!(visible, Some(true), "#{id} has the focus but does not show it");
            return;
        }
        if focused[2].as_str() != Some("BODY") {
            assert_eq!(visible, Some(true), "the focus on #{found} ({:?}) is not drawn", focused[2]);
        }
        press(client, TAB).await;
    }
    panic!("#{id} is not reached with Tab");
}

async fn type_keys(client: &Client, text: &str) {
    press(client, text).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_state_passes_axe_and_the_keyboard_alone_signs_in_and_chooses() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    // A setting the organisation enforces: its switch is shown fixed, with its note.
    let presets = desktop.keyring().presets_file();
    std::fs::create_dir_all(presets.parent().unwrap()).unwrap();
    std::fs::write(&presets, "[enforced]\noffline_on_quit = true\n").unwrap();
    let sandbox = Sandbox::start().await.unwrap();
    let driver = Driver::start(&desktop).await;
    let client = driver.session().await;
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    accessible(&client, "signed out").await;

    // Sign in with the keyboard only: the host, each field, Enter.
    tab_to(&client, "host-choice").await;
    client.find(Locator::Id("host-choice")).await.unwrap().select_by_value("custom").await.unwrap();
    tab_to(&client, "host-custom").await;
    type_keys(&client, &sandbox.url()).await;
    tab_to(&client, "app-id").await;
    type_keys(&client, DEMO_APP_ID).await;
    tab_to(&client, "secret").await;
    type_keys(&client, "not-the-secret").await;
    tab_to(&client, "user-id").await;
    type_keys(&client, DEMO_USER_ID).await;
    press(&client, ENTER).await;
    wait_for(&client, "#secret[aria-invalid='true']", "the wrong secret marked").await;
    accessible(&client, "a form error").await;
    // The focus went to the field at fault: type the right secret there and press Enter.
    client.find(Locator::Id("secret")).await.unwrap().clear().await.unwrap();
    tab_to(&client, "secret").await;
    type_keys(&client, DEMO_APP_SECRET).await;
    press(&client, ENTER).await;
    wait_for(&client, "#status[data-availability='offline']", "signed in, offline").await;
    accessible(&client, "offline").await;

    // The three choices from the keyboard: Enter on one, Space on the next.
    for (id, word, key) in
        [("btn-phone", "phone", ENTER), ("btn-sip", "sip", SPACE), ("btn-offline", "offline", ENTER)]
    {
        tab_to(&client, id).await;
        press(&client, key).await;
        wait_for(&client, &format!("#status[data-availability='{word}'][data-stale='false']"), word).await;
        wait_for(&client, &format!("#{id}[aria-pressed='true']"), "pressed").await;
        accessible(&client, word).await;
    }

    // A change in flight (Exotel slow to answer).
    sandbox.set_fault(Endpoint::Device, Fault::delay(Duration::from_secs(3)));
    tab_to(&client, "btn-phone").await;
    press(&client, ENTER).await;
    wait_for(&client, "#btn-phone.pending", "the change in flight").await;
    accessible(&client, "a change in flight").await;
    wait_for(&client, "#status[data-availability='phone']", "phone").await;
    sandbox.clear_faults();

    // An error.
    sandbox.set_fault(Endpoint::Device, Fault::status(500));
    tab_to(&client, "btn-offline").await;
    press(&client, ENTER).await;
    wait_for(&client, "#error:not([hidden])", "the error").await;
    accessible(&client, "an error").await;
    sandbox.clear_faults();

    // A break.
    client.find(Locator::Css(".breaks button[data-minutes='5']")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#break-banner:not([hidden])", "the break").await;
    accessible(&client, "a break").await;
    client.find(Locator::Id("end-break")).await.unwrap().click().await.unwrap();
    // The banner goes and what is below it moves up: clicked only once it has.
    wait_for(&client, "#break-banner[hidden]", "the break over").await;

    // Settings and history open.
    client.find(Locator::Css("#settings summary")).await.unwrap().click().await.unwrap();
    client.find(Locator::Css("#history summary")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#settings[open]", "settings open").await;
    wait_for(&client, "#pref-offline_on_quit-enforced:not([hidden])", "the enforced note").await;
    accessible(&client, "settings and history open").await;
}

/// The dark theme (the desktop's own preference, here GTK's dark Adwaita): the window follows
/// it, and axe finds nothing there either, contrast included.
#[tokio::test(flavor = "multi_thread")]
async fn the_dark_theme_passes_axe_too() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let driver = Driver::start_with(&desktop, &[("GTK_THEME", "Adwaita:dark")]).await;
    let client = driver.session().await;
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    let dark =
        client.execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await.unwrap();
    assert_eq!(dark, serde_json::Value::Bool(true), "the window follows the desktop's dark theme");
    accessible(&client, "signed out, dark").await;
    client.find(Locator::Id("sandbox-button")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#status[data-availability='offline']", "the built-in sandbox").await;
    accessible(&client, "signed in, dark").await;
    desktop_e2e::screenshot(&client, "window-dark.png").await;
}

/// With the OS in Hindi (and no app variable), an error's whole text is Hindi: the wrong
/// secret beside its field, a server's failure (its kind and what to do), and the failed
/// change in the recent changes, which names what was asked. axe finds nothing there.
#[tokio::test(flavor = "multi_thread")]
async fn in_hindi_an_errors_whole_text_is_hindi() {
    let desktop = Desktop::start().expect("Xvfb, D-Bus, gnome-keyring and dunst");
    let sandbox = Sandbox::start().await.unwrap();
    let driver = Driver::start_in(
        &desktop,
        &[("LANG", "hi_IN.UTF-8")],
        &["LC_ALL", "LC_MESSAGES", "EXOTEL_AGENT_LANG"],
    )
    .await;
    let client = driver.session().await;
    wait_for(&client, "html[lang='hi']", "the page in Hindi, from the OS's locale").await;
    wait_for(&client, "#signed-out:not([hidden])", "the sign-in form").await;
    let text = |id: &'static str| {
        let client = client.clone();
        async move { client.find(Locator::Id(id)).await.unwrap().text().await.unwrap() }
    };
    let url = sandbox.url();
    let hindi = |line: &str, what: &str| {
        assert!(line.chars().any(|c| ('\u{0900}'..='\u{097F}').contains(&c)), "{what}: not Hindi: {line}");
        let left = agent_core::words::outside_quotes(line);
        let left = [url.as_str(), "Asha Demo", "Exotel", "HTTP"].iter().fold(left, |l, n| l.replace(n, ""));
        assert!(!left.chars().any(|c| c.is_ascii_alphabetic()), "{what}: English in {line:?}");
    };

    client.find(Locator::Id("host-choice")).await.unwrap().select_by_value("custom").await.unwrap();
    client.find(Locator::Id("host-custom")).await.unwrap().send_keys(&url).await.unwrap();
    client.find(Locator::Id("app-id")).await.unwrap().send_keys(DEMO_APP_ID).await.unwrap();
    client.find(Locator::Id("secret")).await.unwrap().send_keys("not-the-secret").await.unwrap();
    client.find(Locator::Id("user-id")).await.unwrap().send_keys(DEMO_USER_ID).await.unwrap();
    client.find(Locator::Id("sign-in-button")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#secret[aria-invalid='true']", "the wrong secret marked").await;
    let wrong = text("err-secret").await;
    hindi(&wrong, "the wrong secret");
    assert!(wrong.contains("ऐप सीक्रेट ग़लत है"), "{wrong}");
    accessible(&client, "a form error, in Hindi").await;

    let secret = client.find(Locator::Id("secret")).await.unwrap();
    secret.clear().await.unwrap();
    secret.send_keys(DEMO_APP_SECRET).await.unwrap();
    client.find(Locator::Id("sign-in-button")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#status[data-availability='offline']", "signed in, offline").await;
    client.find(Locator::Id("btn-phone")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#status[data-availability='phone']", "phone").await;

    // A proxy's 502 page in front of Exotel: the change fails, and says so in Hindi.
    sandbox.set_fault(
        Endpoint::Device,
        Fault { status: Some(502), ..Fault::body(exotel_sandbox::FaultBody::Html) },
    );
    client.find(Locator::Id("btn-offline")).await.unwrap().click().await.unwrap();
    wait_for(&client, "#error:not([hidden])", "the error").await;
    let (kind, message) = (text("error-kind").await, text("error-message").await);
    hindi(&kind, "the error's kind");
    hindi(&message, "the error's detail");
    assert!(message.contains("HTTP 502") && message.contains("वेब पेज"), "{message}");
    assert!(message.ends_with("एक मिनट बाद फिर कोशिश करें।"), "what to do, in Hindi: {message}");
    let recent = text("recent").await;
    let failed = recent.lines().find(|l| l.contains("नहीं हुआ")).unwrap_or_else(|| panic!("{recent}"));
    assert!(failed.contains("विंडो से ऑफ़लाइन माँगा: नहीं हुआ"), "names the target asked for: {failed}");
    hindi(failed, "the failed change");
    accessible(&client, "an error, in Hindi").await;
    sandbox.clear_faults();
}
