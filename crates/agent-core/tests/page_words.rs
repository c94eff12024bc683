//! The window's page holds no word of its own: `ui/index.html` has no text outside its tags,
//! and every catalog id the page names (`data-l10n`, `data-l10n-label`, `word("...")`) is in
//! every catalog, so a label can neither be forgotten in one language nor typed twice.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use agent_core::words::{Lang, Words};

fn ui(file: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui").join(file))
        .unwrap()
}

/// The quoted values after each `marker` (`data-l10n="` or `word("`).
fn quoted_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &text[i + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn the_page_has_no_text_of_its_own() {
    let html = ui("index.html");
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let left: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert!(left.is_empty(), "words written in index.html instead of the catalog: {left:?}");
}

#[test]
fn every_id_the_page_names_is_in_every_catalog() {
    let html = ui("index.html");
    let js = ui("app.js");
    let mut named: Vec<&str> = quoted_after(&html, "data-l10n=\"");
    named.extend(quoted_after(&html, "data-l10n-label=\""));
    named.extend(quoted_after(&js, "word(\""));
    assert!(named.len() > 30, "the page's ids were found: {named:?}");
    for lang in Lang::ALL {
        let words = Words::of(lang);
        for id in &named {
            assert!(words.has(id), "{lang:?} lacks {id}, which the page shows");
        }
    }
}

/// The settings the page shows (`PREFS` in `ui/app.js`, each with its `pref-<name>` input in
/// `index.html`) are the preferences the core has: a preference added to the core without a
/// control on the page, or a control for one that is gone, fails here (and a save from the
/// window keeps what it does not send: `settings_properties.rs`).
#[test]
fn the_page_shows_every_preference_and_no_other() {
    let js = ui("app.js");
    let start = js.find("const PREFS = [").expect("the page's list of settings") + "const PREFS = [".len();
    let end = start + js[start..].find(']').unwrap();
    let mut page: Vec<String> = js[start..end]
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    page.sort();
    let serde_json::Value::Object(fields) = serde_json::to_value(agent_core::Preferences::default()).unwrap()
    else {
        panic!("the preferences are not an object")
    };
    let core: Vec<String> = fields.keys().cloned().collect();
    assert_eq!(page, core, "ui/app.js's PREFS and Preferences' fields");
    let html = ui("index.html");
    for name in &core {
        assert!(html.contains(&format!("id=\"pref-{name}\"")), "no control for {name} in index.html");
    }
}
