//! The modules of the store and of the web crate depend on each other one way: the graph of
//! their `crate::`, `super::` and `self::` paths has no cycle (see ARCHITECTURE.md, "Layers of
//! the store").
//!
//! A module's uses of its ancestors (the crate root, the `mod.rs` of its folder) are not counted:
//! they hold the module tree, the shared handle (`Store`, `Ui`) and the wiring, which every
//! module below them uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules by path (`pages::records`), each with the modules it names.
type Graph = BTreeMap<String, BTreeSet<String>>;

#[test]
fn the_store_modules_depend_on_each_other_one_way() {
    let graph = graph_of(&crate_source("liaison-store"));
    // The parser sees the uses it should, so an empty graph cannot pass for a sound one.
    assert!(depends(&graph, "records", "sql"), "{graph:#?}");
    assert!(depends(&graph, "organizations", "records"), "{graph:#?}");
    assert!(depends(&graph, "locks", "database"), "{graph:#?}");
    assert_eq!(
        cycle(&graph),
        None,
        "the store's modules import each other in a circle"
    );
}

#[test]
fn the_web_modules_depend_on_each_other_one_way() {
    let graph = graph_of(&crate_source("liaison-web"));
    assert!(
        depends(&graph, "pages::records", "pages::export"),
        "{graph:#?}"
    );
    assert!(
        depends(&graph, "pages::kinds::organizations", "pages::records"),
        "{graph:#?}"
    );
    assert_eq!(
        cycle(&graph),
        None,
        "the web crate's modules import each other in a circle"
    );
}

#[test]
fn a_circle_of_uses_is_found() {
    let sources = [
        ("a", "use crate::b::{self, Thing};"),
        ("b", "fn f() { crate::c::g(); }"),
        (
            "c",
            "use super::{x, a::Other}; // crate::d in a comment is not a use",
        ),
        ("d", ""),
    ];
    let sources: Vec<(String, String)> = sources
        .into_iter()
        .map(|(module, text)| (module.to_owned(), text.to_owned()))
        .collect();
    let graph = graph_of(&sources);
    assert!(!depends(&graph, "c", "d"));
    assert_eq!(
        cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}

/// The modules of the crate in folder `crates/{name}`, with their source text.
fn crate_source(name: &str) -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(name)
        .join("src");
    let mut files = Vec::new();
    collect_files(&src, &mut files);
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&src).expect("a file under src");
            let mut parts: Vec<String> = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            (parts.join("::"), text)
        })
        .collect()
}

fn collect_files(folder: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a readable folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Whether `from` names `to`.
fn depends(graph: &Graph, from: &str, to: &str) -> bool {
    graph.get(from).is_some_and(|uses| uses.contains(to))
}

/// The graph of the modules `sources` (module path, text): an edge for every module a path
/// names, through the items the crate root and the folders re-export (`pub use`), leaving out
/// the module's own ancestors.
fn graph_of(sources: &[(String, String)]) -> Graph {
    let modules: BTreeSet<String> = sources.iter().map(|(m, _)| m.clone()).collect();
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for (module, text) in sources {
        for path in paths(&without_comments(text), "pub use ") {
            let full = join(module, &path);
            if let Some(target) = longest_module(&modules, &full)
                && let Some(item) = full.rsplit("::").next()
            {
                reexported.insert(join(module, item), target);
            }
        }
    }
    let mut graph = Graph::new();
    for (module, text) in sources {
        let text = without_comments(text);
        let uses = graph.entry(module.clone()).or_default();
        for (prefix, base) in [
            ("crate::", String::new()),
            ("super::", parent(module)),
            ("self::", module.clone()),
        ] {
            for path in paths(&text, prefix) {
                let full = join(&base, &path);
                let target = longest_module(&modules, &full)
                    .filter(|t| !t.is_empty())
                    .or_else(|| reexported.get(&full).cloned());
                if let Some(target) = target
                    && target != *module
                    && !is_ancestor(&target, module)
                {
                    uses.insert(target);
                }
            }
        }
    }
    graph
}

fn join(base: &str, path: &str) -> String {
    if base.is_empty() {
        path.to_owned()
    } else {
        format!("{base}::{path}")
    }
}

fn parent(module: &str) -> String {
    module
        .rsplit_once("::")
        .map_or(String::new(), |(p, _)| p.to_owned())
}

fn is_ancestor(candidate: &str, module: &str) -> bool {
    candidate.is_empty() || module.starts_with(&format!("{candidate}::"))
}

/// The longest module path that `path` starts with ("" for the crate root).
fn longest_module(modules: &BTreeSet<String>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").collect();
    (0..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find(|candidate| modules.contains(candidate))
}

/// The text without `//` and `/* */` comments (string literals are kept; none holds a path).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('/') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if after.starts_with("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else if after.starts_with("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else {
            out.push('/');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Every path written after `prefix` in `text`, use trees expanded: `crate::a::{b, c::{self, D}}`
/// gives `a::b`, `a::c` and `a::c::D`.
fn paths(text: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        let before = text[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut chars = text[from..].chars().peekable();
        tree(&mut chars, String::new(), &mut found);
    }
    found
}

/// Reads one use tree from `chars`, adding its paths under `base` to `found`.
fn tree(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    base: String,
    found: &mut Vec<String>,
) {
    skip_space(chars);
    if chars.peek() == Some(&'{') {
        chars.next();
        loop {
            tree(chars, base.clone(), found);
            skip_space(chars);
            match chars.next() {
                Some(',') => continue,
                _ => break,
            }
        }
        return;
    }
    let mut segment = String::new();
    while let Some(&c) = chars.peek() {
        if c.is_alphanumeric() || c == '_' {
            segment.push(c);
            chars.next();
        } else {
            break;
        }
    }
    let path = match (segment.as_str(), base.is_empty()) {
        ("" | "self", _) => base.clone(),
        (_, true) => segment,
        (_, false) => format!("{base}::{segment}"),
    };
    let mut lookahead = chars.clone();
    if lookahead.next() == Some(':') && lookahead.next() == Some(':') {
        chars.next();
        chars.next();
        tree(chars, path, found);
    } else if !path.is_empty() {
        found.push(path);
    }
}

fn skip_space(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
}

/// A cycle of the graph, from a module back to itself, if there is one.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        graph: &Graph,
        module: &str,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(module) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let start = stack.iter().position(|m| m == module)?;
                let mut found = stack[start..].to_vec();
                found.push(module.to_owned());
                return Some(found);
            }
            None => {}
        }
        marks.insert(module.to_owned(), Mark::Open);
        stack.push(module.to_owned());
        for next in graph.get(module).into_iter().flatten() {
            if let Some(found) = visit(graph, next, marks, stack) {
                return Some(found);
            }
        }
        stack.pop();
        marks.insert(module.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    graph
        .keys()
        .find_map(|module| visit(graph, module, &mut marks, &mut Vec::new()))
}
