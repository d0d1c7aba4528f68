//! No module of the server imports one that imports it back (ARCHITECTURE.md, "Invariants").
//!
//! Reads every `crate::…` path in `server/src` (test modules excluded), resolves it to the
//! module it names, and fails on any cycle: between modules, and between the top-level
//! modules that contain them. A cycle means two modules can only be understood together; the
//! fix is a lower module both use, or a trait the upper one implements.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`services::messages`) -> source text, without its `#[cfg(test)]` tail.
fn modules(root: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative: PathBuf = path
                .strip_prefix(root)
                .expect("under src")
                .with_extension("");
            let mut parts: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            if parts == ["lib"] || parts == ["main"] {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("read source");
            let code = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            found.insert(parts.join("::"), code);
        }
    }
    found
}

/// The module paths a source names with `crate::a::b…` (a `{…}` group adds each member).
fn references(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let path: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let path = path.trim_end_matches(':').to_owned();
        let after = &rest[path.len()..];
        if let Some(group) = after.strip_prefix("::{") {
            let group = group.split('}').next().unwrap_or_default();
            for member in group.split(',') {
                let member = member.trim().split([' ', ':']).next().unwrap_or_default();
                if !member.is_empty() && member != "self" {
                    out.push(format!("{path}::{member}"));
                }
            }
        }
        out.push(path);
    }
    out
}

/// The longest known module that `path` starts with.
fn resolve<'a>(path: &str, known: &'a BTreeMap<String, String>) -> Option<&'a str> {
    let segments: Vec<&str> = path.split("::").collect();
    (1..=segments.len())
        .rev()
        .map(|n| segments[..n].join("::"))
        .find_map(|candidate| known.get_key_value(&candidate).map(|(k, _)| k.as_str()))
}

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

/// Strongly connected sets of more than one node.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    // Two nodes are in one cycle when each reaches the other.
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_owned()];
        while let Some(node) = stack.pop() {
            for next in edges.get(&node).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|k| (k, reach(k))).collect();
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    for (node, reaches) in &reachable {
        let mut set: Vec<String> = reaches
            .iter()
            .filter(|other| reachable.get(other).is_some_and(|r| r.contains(*node)))
            .cloned()
            .collect();
        if set.len() > 1 || set.iter().any(|s| s != *node) {
            set.sort();
            found.insert(set);
        }
    }
    found.into_iter().collect()
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let known = modules(&root);
    assert!(
        known.contains_key("services::messages"),
        "modules were read"
    );
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut top: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, code) in &known {
        for path in references(code) {
            let Some(target) = resolve(&path, &known) else {
                continue;
            };
            if related(module, target) {
                continue;
            }
            edges
                .entry(module.clone())
                .or_default()
                .insert(target.to_owned());
            let (from, to) = (
                module.split("::").next().unwrap_or(module),
                target.split("::").next().unwrap_or(target),
            );
            if from != to {
                top.entry(from.to_owned())
                    .or_default()
                    .insert(to.to_owned());
            }
        }
    }
    assert_eq!(
        cycles(&edges),
        Vec::<Vec<String>>::new(),
        "cycles between modules"
    );
    assert_eq!(
        cycles(&top),
        Vec::<Vec<String>>::new(),
        "cycles between top-level modules"
    );
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let edges: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        cycles(&edges),
        vec![vec!["a".to_owned(), "b".into(), "c".into()]]
    );
    let refs = references("use crate::services::{accounts::x, channels};\ncrate::hub::Hub");
    assert!(refs.contains(&"services::accounts".to_owned()), "{refs:?}");
    assert!(refs.contains(&"services::channels".to_owned()), "{refs:?}");
    assert!(refs.contains(&"hub::Hub".to_owned()), "{refs:?}");
}
