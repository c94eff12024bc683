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
