//! The layout rules `cargo xtask test-backends` checks (CONTRIBUTING.md, "Rules the layout
//! keeps"): no source file over 600 lines, at most 8 `macro_rules!` in burn-nd, and no import
//! circle among burn-nd's files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::{project_root, Error};

/// The longest a source file may be.
const MAX_LINES: usize = 600;
/// The most `macro_rules!` burn-nd may define.
const MAX_MACROS: usize = 8;
/// Where the workspace's own sources are.
const SOURCE_DIRS: [&str; 4] = ["crates", "tests", "examples", "xtask"];

/// Every broken rule, one line each; empty when the layout holds.
pub(crate) fn check() -> Result<Vec<String>, Error> {
    let root = project_root();
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in SOURCE_DIRS {
        rust_files(&root.join(dir), &mut files)?;
    }
    for path in &files {
        let lines = std::fs::read_to_string(path)?.lines().count();
        if lines > MAX_LINES {
            problems.push(format!(
                "{}: {lines} lines (at most {MAX_LINES})",
                relative(&root, path)
            ));
        }
    }
    let core = root.join("crates/burn-nd/src");
    let mut sources = Vec::new();
    rust_files(&core, &mut sources)?;
    let mut macros = 0;
    for path in &sources {
        macros += code(&std::fs::read_to_string(path)?)
            .matches("macro_rules!")
            .count();
    }
    if macros > MAX_MACROS {
        problems.push(format!(
            "burn-nd defines {macros} macro_rules! (at most {MAX_MACROS})"
        ));
    }
    for circle in import_circles(&core, &sources)? {
        problems.push(format!(
            "import circle in burn-nd among: {}",
            circle.join(", ")
        ));
    }
    Ok(problems)
}

/// The `.rs` files under `dir`, skipping build output.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `text` without its `//` comments (doc comments name paths that are no imports).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A file's module path under `src` (`lines/burn_0_22/mod.rs` is `lines::burn_0_22`).
fn module_of(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap_or(path).with_extension("");
    let mut parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts.join("::")
}

/// The paths after `prefix` in `code` (`crate::a::b`, `super::c`), as their segments.
fn paths_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    code.match_indices(prefix).map(move |(at, _)| {
        let rest = &code[at + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        rest[..end].split("::").filter(|s| !s.is_empty()).collect()
    })
}

/// The cycles of the graph of which file names which (`crate::` and `super::` paths, and the
/// names the crate root re-exports), each as the modules around it.
fn import_circles(src: &Path, files: &[PathBuf]) -> Result<Vec<Vec<String>>, Error> {
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    // The longest prefix of `segments` that is a module.
    let resolve = |segments: &[&str]| {
        (1..=segments.len())
            .rev()
            .map(|n| segments[..n].join("::"))
            .find(|m| modules.contains(m))
    };
    // Names the crate root re-exports (`pub use a::b::{C, D};`), by the module they live in.
    let root = code(&std::fs::read_to_string(src.join("lib.rs"))?);
    let mut reexports = BTreeMap::new();
    for line in root
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub use "))
    {
        let (path, names) = line
            .split_once("::{")
            .unwrap_or_else(|| line.rsplit_once("::").unwrap_or((line, "")));
        let segments: Vec<&str> = path.split("::").collect();
        if let Some(module) = resolve(&segments) {
            for name in names.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                reexports.insert(name.to_string(), module.clone());
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in files {
        let me = module_of(src, path);
        let text = code(&std::fs::read_to_string(path)?);
        let parent: Vec<&str> = me.split("::").filter(|s| !s.is_empty()).collect();
        let parent = &parent[..parent.len().saturating_sub(1)];
        let mut names: Vec<Option<String>> = paths_after(&text, "crate::")
            .map(|p| resolve(&p).or_else(|| p.first().and_then(|n| reexports.get(*n).cloned())))
            .collect();
        for group in text.split("crate::{").skip(1) {
            let list = group.split('}').next().unwrap_or("");
            for name in list.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                names.push(resolve(&[name]).or_else(|| reexports.get(name).cloned()));
            }
        }
        if !me.is_empty() {
            for p in paths_after(&text, "super::") {
                let full: Vec<&str> = parent.iter().copied().chain(p).collect();
                names.push(resolve(&full));
            }
        }
        let deps = edges.entry(me.clone()).or_default();
        deps.extend(
            names
                .into_iter()
                .flatten()
                .filter(|m| *m != me && !m.is_empty()),
        );
    }
    Ok(cycles(&edges))
}

/// The strongly connected components of more than one node (Tarjan's algorithm).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            for w in self.edges.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.stack.contains(&w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    component.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_circle_is_found_and_a_chain_is_not() {
        let graph = |pairs: &[(&str, &str)]| {
            let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for (a, b) in pairs {
                edges
                    .entry(a.to_string())
                    .or_default()
                    .insert(b.to_string());
                edges.entry(b.to_string()).or_default();
            }
            edges
        };
        assert!(cycles(&graph(&[("a", "b"), ("b", "c")])).is_empty());
        assert_eq!(
            cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])),
            vec![vec!["a".to_string(), "b".to_string(), "c".to_string()]]
        );
    }
}
