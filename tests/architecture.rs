//! The shape of the code, checked: which top-level module of `src/` may use which (see
//! ARCHITECTURE.md). Reads every `crate::` and `super::` path in `src/` (comments left out) and
//! fails on
//!
//! - a cycle between top-level modules;
//! - a module using one of a higher tier (foundation < web < areas < composition), or a module
//!   no tier names;
//! - anything but the binary using `startup`;
//! - a store (`store.rs`, `store/`, `queries.rs`) using HTTP (actix, handlers), or a pure rules module using the database or HTTP;
//! - a handler file (one with `#[utoipa::path]` handlers) with diesel code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module by tier; a module may use modules of its own tier or lower ones.
const TIERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "domain",
            "db",
            "schema",
            "config",
            "security",
            "state",
            "telemetry",
            "pagination",
            "created",
        ],
    ),
    ("web", &["api_routes", "unmatched", "webapp"]),
    (
        "areas",
        &[
            "catalog",
            "mail",
            "auth",
            "orgs",
            "courses",
            "quizzes",
            "certificates",
            "learning",
            "attempts",
            "publishing",
            "reports",
            "jobs",
            "ops",
        ],
    ),
    (
        "composition",
        &["api", "openapi", "startup", "admin", "fuzzing"],
    ),
];

/// Pure rules: no database, no HTTP, no store.
const RULES: &[&str] = &["src/quizzes/", "src/courses/format/", "src/domain/"];

struct SourceFile {
    /// Relative to the crate root, with `/` separators (`src/orgs/routes.rs`).
    path: String,
    /// The module path below the crate (`["orgs", "routes"]`; `mod.rs` names its folder).
    module: Vec<String>,
    /// The text without comments.
    code: String,
}

fn crate_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn source_files() -> Vec<SourceFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let root = crate_root();
    let mut paths = Vec::new();
    walk(&root.join("src"), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(&root)
                .expect("under the root")
                .to_string_lossy()
                .replace('\\', "/");
            // The binary is its own crate: it is the one place allowed to start the app.
            if rel == "src/main.rs" || rel == "src/lib.rs" {
                return None;
            }
            let mut module: Vec<String> = rel
                .trim_start_matches("src/")
                .trim_end_matches(".rs")
                .split('/')
                .map(str::to_owned)
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            Some(SourceFile {
                path: rel,
                module,
                code: without_comments(&text),
            })
        })
        .collect()
}

/// The text with `//` comments (and so doc comments) removed, strings kept.
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        for i in 0..bytes.len() {
            let b = bytes[i];
            if in_string {
                match (escaped, b) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
            } else if b == b'"' {
                in_string = true;
            } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
                cut = i;
                break;
            }
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The identifier starting at `at`, and the index after it.
fn ident_at(code: &[u8], at: usize) -> (String, usize) {
    let mut end = at;
    while end < code.len() && is_ident_byte(code[end]) {
        end += 1;
    }
    (String::from_utf8_lossy(&code[at..end]).into_owned(), end)
}

/// The first path segment of each item of a `{ a, b::c, d::{e} }` group starting at `open`.
fn group_heads(code: &[u8], open: usize) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = false;
    let mut i = open;
    while i < code.len() {
        match code[i] {
            b'{' => {
                depth += 1;
                expect_head = depth == 1;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => expect_head = true,
            b if expect_head && is_ident_byte(b) => {
                let (name, end) = ident_at(code, i);
                heads.push(name);
                expect_head = false;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    heads
}

/// The top-level modules `file` refers to (its own excluded).
fn top_level_uses(file: &SourceFile) -> BTreeSet<String> {
    let code = file.code.as_bytes();
    let own = &file.module[0];
    // How many `super::` reach the crate root from this file.
    let depth = file.module.len();
    let mut found = BTreeSet::new();
    let mut i = 0;
    while i < code.len() {
        let preceded_by_ident = i > 0 && is_ident_byte(code[i - 1]);
        if !preceded_by_ident && code[i..].starts_with(b"crate::") {
            let at = i + "crate::".len();
            if code.get(at) == Some(&b'{') {
                found.extend(group_heads(code, at));
            } else {
                found.insert(ident_at(code, at).0);
            }
            i = at;
            continue;
        }
        if !preceded_by_ident && code[i..].starts_with(b"super::") {
            let mut supers = 0;
            let mut at = i;
            while code[at..].starts_with(b"super::") {
                supers += 1;
                at += "super::".len();
            }
            if supers >= depth {
                if code.get(at) == Some(&b'{') {
                    found.extend(group_heads(code, at));
                } else {
                    found.insert(ident_at(code, at).0);
                }
            }
            i = at;
            continue;
        }
        i += 1;
    }
    found.remove(own);
    found
}

fn tier_of(module: &str) -> Option<(usize, &'static str)> {
    TIERS
        .iter()
        .enumerate()
        .find(|(_, (_, members))| members.contains(&module))
        .map(|(i, (name, _))| (i, *name))
}

/// Top-level module -> the modules it uses -> the files that use them.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn dependency_graph(files: &[SourceFile]) -> Graph {
    let modules: BTreeSet<&str> = files.iter().map(|f| f.module[0].as_str()).collect();
    let mut graph = Graph::new();
    for file in files {
        let from = file.module[0].clone();
        graph.entry(from.clone()).or_default();
        for to in top_level_uses(file) {
            // Macros exported at the crate root (`crate::per_backend!`) are not modules.
            if modules.contains(to.as_str()) {
                graph
                    .entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(file.path.clone());
            }
        }
    }
    graph
}

/// One cycle of `graph`, if there is any, as the modules along it.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, bool>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_owned(), false);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            match state.get(next.as_str()) {
                Some(false) => {
                    let start = stack.iter().position(|m| m == next).expect("on the stack");
                    let mut cycle = stack[start..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Some(true) => {}
                None => {
                    if let Some(cycle) = visit(next, graph, state, stack) {
                        return Some(cycle);
                    }
                }
            }
        }
        stack.pop();
        state.insert(node.to_owned(), true);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if !state.contains_key(node) {
            if let Some(cycle) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let graph = dependency_graph(&source_files());
    assert!(
        graph.len() > 20,
        "the scan found the modules: {:?}",
        graph.keys()
    );
    if let Some(cycle) = find_cycle(&graph) {
        let edges: Vec<String> = cycle
            .windows(2)
            .map(|w| format!("{} -> {} in {:?}", w[0], w[1], graph[&w[0]][&w[1]]))
            .collect();
        panic!("a cycle between top-level modules:\n{}", edges.join("\n"));
    }
}

#[test]
fn no_module_uses_one_of_a_higher_tier() {
    let graph = dependency_graph(&source_files());
    let mut wrong = Vec::new();
    for (from, uses) in &graph {
        let Some((from_tier, from_name)) = tier_of(from) else {
            wrong.push(format!(
                "{from} is in no tier: add it to TIERS (and ARCHITECTURE.md)"
            ));
            continue;
        };
        for (to, files) in uses {
            match tier_of(to) {
                None => wrong.push(format!("{to} is in no tier: add it to TIERS")),
                Some((to_tier, to_name)) if to_tier > from_tier => wrong.push(format!(
                    "{from} ({from_name}) uses {to} ({to_name}) in {files:?}"
                )),
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn only_the_binary_starts_the_application() {
    let graph = dependency_graph(&source_files());
    let users: Vec<String> = graph
        .iter()
        .filter_map(|(from, uses)| {
            uses.get("startup")
                .map(|files| format!("{from}: {files:?}"))
        })
        .collect();
    assert!(users.is_empty(), "startup is used by {users:?}");
}

/// Fails when a file `selected` (at least `at_least` of them) contains one of `forbidden`.
fn assert_none_uses(
    kind: &str,
    selected: impl Fn(&SourceFile) -> bool,
    at_least: usize,
    forbidden: &[&str],
) {
    let files = source_files();
    let chosen: Vec<&SourceFile> = files.iter().filter(|f| selected(f)).collect();
    assert!(chosen.len() >= at_least, "{kind}: found {}", chosen.len());
    let wrong: Vec<String> = chosen
        .iter()
        .flat_map(|f| {
            forbidden
                .iter()
                .filter(|word| f.code.contains(**word))
                .map(move |word| format!("{} ({kind}) uses {word}", f.path))
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn stores_know_nothing_of_http() {
    assert_none_uses(
        "a store",
        |f| {
            f.path.ends_with("/store.rs")
                || f.path.contains("/store/")
                || f.path.ends_with("/queries.rs")
        },
        4,
        &[
            "actix_web",
            "HttpResponse",
            "HttpRequest",
            "ApiRoutes",
            "routes::",
        ],
    );
}

#[test]
fn rules_use_neither_the_database_nor_http() {
    assert_none_uses(
        "pure rules",
        |f| RULES.iter().any(|dir| f.path.starts_with(dir)),
        10,
        &["diesel", "actix_web", "crate::schema", "store::", "DbConn"],
    );
}

#[test]
fn handler_files_hold_no_diesel_code() {
    assert_none_uses(
        "a handler file",
        |f| f.code.contains("#[utoipa::path"),
        15,
        &["diesel", "crate::schema"],
    );
}

#[test]
fn the_scan_reads_grouped_and_relative_paths() {
    let file = SourceFile {
        path: "src/orgs/routes.rs".into(),
        module: vec!["orgs".into(), "routes".into()],
        code: without_comments(
            "use crate::{db::DbConn, error::{ApiError, ApiResult}};\n\
             use super::super::courses::x; // crate::reports in a comment\n\
             let s = \"// not a comment\"; crate::learning::f();\n\
             use super::store;\n",
        ),
    };
    let uses = top_level_uses(&file);
    let expected: BTreeSet<String> = ["db", "error", "courses", "learning"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(uses, expected);
}
