//! The top-level modules of `src/` form an acyclic graph, and `docs/module-graph.md` draws it as
//! it is. An edge `a → b` is any path into `crate::b` (or `super::b` that reaches the crate root)
//! in code of module `a`, doc comments and line comments aside. Cycles make modules that cannot
//! be understood, tested or moved one at a time; this test keeps them from coming back.
//!
//! After a change to the edges, redraw with `DISCLOSE_UPDATE_GRAPH=1 cargo test --test
//! module_graph`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules `lib.rs` declares.
fn top_modules() -> BTreeSet<String> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs");
    lib.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').trim().to_string())
        })
        .collect()
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("{}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// The module path of a file: `src/a/b.rs` → `[a, b]`, `src/a/mod.rs` and `src/a.rs` → `[a]`.
fn module_path(file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src()).expect("under src/");
    let mut parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    if last != "mod.rs" {
        parts.push(last.trim_end_matches(".rs").to_string());
    }
    parts
}

/// The code of a file without its comments (`//`, `///`, `//!` to the end of the line).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(start) if !line[..start].contains('"') => &line[..start],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifier_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first identifier of each item of a `{…}` group that starts at `text[0]`.
fn group_heads(text: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut item_start = true;
    for (offset, c) in text.char_indices() {
        match c {
            '{' => {
                depth += 1;
                item_start = depth == 1;
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => item_start = true,
            c if c.is_whitespace() => {}
            _ if item_start && depth == 1 => {
                heads.push(identifier_at(&text[offset..]));
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

/// The top-level modules a piece of code names through `crate::` or `super::`.
fn targets(code: &str, path: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for (start, _) in code.match_indices("crate::") {
        if code[..start].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &code[start + "crate::".len()..];
        if rest.starts_with('{') {
            found.extend(group_heads(rest).into_iter().map(str::to_string));
        } else {
            found.push(identifier_at(rest).to_string());
        }
    }
    for (start, _) in code.match_indices("super::") {
        let before = &code[..start];
        if before.ends_with("super::") {
            continue;
        }
        let mut rest = &code[start..];
        let mut depth = path.len();
        while let Some(after) = rest.strip_prefix("super::") {
            depth = depth.saturating_sub(1);
            rest = after;
        }
        if depth == 0 {
            if rest.starts_with('{') {
                found.extend(group_heads(rest).into_iter().map(str::to_string));
            } else {
                found.push(identifier_at(rest).to_string());
            }
        }
    }
    found
}

fn graph() -> Graph {
    let modules = top_modules();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: Graph = modules
        .iter()
        .map(|module| (module.clone(), BTreeSet::new()))
        .collect();
    for file in files {
        let path = module_path(&file);
        let Some(from) = path.first().filter(|from| modules.contains(*from)) else {
            continue;
        };
        let text = fs::read_to_string(&file).unwrap_or_else(|err| panic!("{file:?}: {err}"));
        for to in targets(&code_of(&text), &path) {
            if modules.contains(&to) && &to != from {
                graph.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    graph
}

/// A cycle through `start`, if there is one, as the modules along it.
fn cycle_from(graph: &Graph, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &Graph,
        node: &str,
        start: &str,
        trail: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                return true;
            }
            if seen.insert(next.clone()) {
                trail.push(next.clone());
                if walk(graph, next, start, trail, seen) {
                    return true;
                }
                trail.pop();
            }
        }
        false
    }
    let mut trail = vec![start.to_string()];
    let mut seen = BTreeSet::new();
    walk(graph, start, start, &mut trail, &mut seen).then(|| {
        trail.push(start.to_string());
        trail
    })
}

/// The graph drawn as the docs show it: one line per module, then the same as Graphviz DOT.
fn drawing(graph: &Graph) -> String {
    let mut text = String::from(
        "# The module graph of src/\n\n\
         Generated by `tests/module_graph.rs` (`DISCLOSE_UPDATE_GRAPH=1 cargo test --test \
         module_graph`), which also fails on any cycle. An arrow `a → b` means code in `a` uses \
         `crate::b`.\n\n```text\n",
    );
    for (module, uses) in graph {
        let uses: Vec<&str> = uses.iter().map(String::as_str).collect();
        if uses.is_empty() {
            text.push_str(&format!("{module}\n"));
        } else {
            text.push_str(&format!("{module} → {}\n", uses.join(", ")));
        }
    }
    text.push_str("```\n\nAs DOT (`dot -Tsvg`):\n\n```dot\ndigraph disclose {\n  rankdir=LR;\n");
    for (module, uses) in graph {
        for target in uses {
            text.push_str(&format!("  {module} -> {target};\n"));
        }
    }
    text.push_str("}\n```\n");
    text
}

#[test]
fn top_level_modules_have_no_cycle() {
    let graph = graph();
    assert!(graph.len() > 10, "too few modules found: {graph:?}");
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|module| cycle_from(&graph, module))
        .map(|cycle| cycle.join(" → "))
        .collect();
    assert!(
        cycles.is_empty(),
        "module cycles in src/:\n{}",
        cycles.join("\n")
    );
}

#[test]
fn the_drawn_graph_is_current() {
    let drawn = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/module-graph.md");
    let now = drawing(&graph());
    if std::env::var_os("DISCLOSE_UPDATE_GRAPH").is_some() {
        fs::write(&drawn, &now).unwrap_or_else(|err| panic!("{}: {err}", drawn.display()));
        return;
    }
    let on_disk = fs::read_to_string(&drawn).unwrap_or_default();
    assert!(
        on_disk == now,
        "{} is out of date; redraw it with DISCLOSE_UPDATE_GRAPH=1 cargo test --test module_graph",
        drawn.display()
    );
}

#[test]
fn the_reader_sees_edges_in_every_spelling() {
    let path = vec!["a".to_string(), "b".to_string()];
    let code = code_of(
        "use crate::{x::{self, Y}, z};\nuse super::super::w::V; // crate::not_this\nlet v = crate::q::f();\nuse super::same;",
    );
    let mut found = targets(&code, &path);
    found.sort();
    assert_eq!(found, ["q", "w", "x", "z"]);
}

#[test]
fn a_cycle_is_found_and_spelled_out() {
    let graph: Graph = [
        ("a", &["b"][..]),
        ("b", &["c"]),
        ("c", &["a"]),
        ("d", &["a"]),
    ]
    .into_iter()
    .map(|(from, to)| (from.to_string(), to.iter().map(|t| t.to_string()).collect()))
    .collect();
    assert_eq!(
        cycle_from(&graph, "a").map(|cycle| cycle.join(" → ")),
        Some("a → b → c → a".to_string())
    );
    assert_eq!(cycle_from(&graph, "d"), None);
}
