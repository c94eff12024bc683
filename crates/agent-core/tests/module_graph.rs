//! The modules of a crate import each other in one direction: no circle, in agent-core or in
//! the desktop shell (`src-tauri`), so a reader can start at the leaves and never has to hold
//! several files at once. A module here is a file directly under `src/` (a folder's files count
//! as their parent's); an import is any `crate::name` path or `use crate::{...}` group naming
//! another module, or naming an item defined (not only re-exported) in `lib.rs`.

// A test's helpers may panic: a panic there is a failed test, with its message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The first identifier at the start of `text`.
fn ident(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

/// The first segment of each path in a `{a, b::c, d::{e, f}}` group (`text` starts after `{`).
fn group_heads(text: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                heads.push(ident(text[start..i].trim()));
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                heads.push(ident(text[start..i].trim()));
                start = i + 1;
            }
            _ => {}
        }
    }
    heads.into_iter().filter(|h| !h.is_empty()).collect()
}

/// Every name a source file reaches through `crate::`.
fn crate_names(source: &str) -> BTreeSet<String> {
    let code: String =
        source.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut names = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            names.extend(group_heads(group).into_iter().map(str::to_owned));
        } else {
            names.insert(ident(rest).to_owned());
        }
    }
    names
}

/// The items `lib.rs` itself defines (not its `pub use` re-exports).
fn defined_in_lib(lib: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in lib.lines() {
        let line = line.trim_start().trim_start_matches("pub ").trim_start_matches("pub(crate) ");
        for keyword in ["struct ", "enum ", "fn ", "const ", "static ", "type ", "trait "] {
            if let Some(rest) = line.strip_prefix(keyword) {
                names.insert(ident(rest).to_owned());
            }
        }
    }
    names
}

/// The import graph of the crate whose sources are in `src`: module -> the modules it uses.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "rs") && stem != "main" {
            files.entry(stem).or_default().push(path);
        } else if path.is_dir() {
            let nested = walk(&path);
            files.entry(stem).or_default().extend(nested);
        }
    }
    let lib_items = defined_in_lib(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let modules: BTreeSet<String> = files.keys().cloned().collect();
    files
        .iter()
        .map(|(module, paths)| {
            let mut uses = BTreeSet::new();
            for path in paths {
                for name in crate_names(&std::fs::read_to_string(path).unwrap()) {
                    let target = if modules.contains(&name) {
                        name
                    } else if lib_items.contains(&name) {
                        "lib".to_owned()
                    } else {
                        continue;
                    };
                    if &target != module {
                        uses.insert(target);
                    }
                }
            }
            (module.clone(), uses)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// A circle of imports, if there is one: the modules along it, the first repeated at the end.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn crate_src(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

#[test]
fn the_finder_sees_a_circle_and_every_kind_of_import() {
    let names = crate_names(
        "use crate::a::X;\nuse crate::{b, c::{D, E}, f::G};\nlet x = crate::h::y();\n// crate::z\n",
    );
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "f", "h"]);
    let mut g = BTreeMap::new();
    g.insert("a".to_owned(), BTreeSet::from(["b".to_owned()]));
    g.insert("b".to_owned(), BTreeSet::from(["c".to_owned()]));
    g.insert("c".to_owned(), BTreeSet::from(["a".to_owned()]));
    assert_eq!(circle(&g), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    g.insert("c".to_owned(), BTreeSet::new());
    assert_eq!(circle(&g), None);
}

#[test]
fn no_circle_of_imports_in_the_core_or_the_shell() {
    for src in ["crates/agent-core/src", "src-tauri/src", "crates/exotel-api/src", "crates/os-events/src"] {
        let g = graph(&crate_src(src));
        assert!(g.len() > 5, "{src}: the modules were found: {g:?}");
        if let Some(found) = circle(&g) {
            panic!("{src}: these modules import each other in a circle: {}", found.join(" -> "));
        }
    }
}
