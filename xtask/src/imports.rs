//! Import circles between the files of one crate: `a.rs` naming `crate::b::…` while `b.rs`
//! names `crate::a::…` (directly or through others) means neither can be read first.
//!
//! A reading of the source, not of the compiler's resolution: `crate::`, `super::` and
//! `self::` paths outside comments and test modules, with re-exports (`pub use`) followed to
//! the file that defines the item. Re-exports and `mod` declarations are not edges: a parent
//! exposing its children is the layering, not a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module path inside one crate: `[]` is the crate root, `["window", "parse"]` a file.
type ModulePath = Vec<String>;

/// One source file of a crate, read for its references.
struct SourceFile {
    file: PathBuf,
    /// The file's text with comments, string literals and test modules removed.
    code: String,
}

/// The files of one crate, by module path.
struct CrateSources {
    files: BTreeMap<ModulePath, SourceFile>,
}

/// The library and binary roots checked: every crate's `src/lib.rs` or `src/main.rs`.
pub(crate) fn check(workspace: &Path) -> Result<(), String> {
    let mut roots = Vec::new();
    for parent in ["crates", "."] {
        let Ok(entries) = fs::read_dir(workspace.join(parent)) else {
            continue;
        };
        for entry in entries.flatten() {
            let src = entry.path().join("src");
            for root in ["lib.rs", "main.rs"] {
                if src.join(root).is_file() {
                    roots.push(src.join(root));
                }
            }
        }
    }
    roots.sort();
    let mut circles = Vec::new();
    for root in &roots {
        let sources = CrateSources::read(root)?;
        for circle in sources.circles() {
            let files: Vec<String> = circle
                .iter()
                .map(|module| {
                    let file = &sources.files[module].file;
                    file.strip_prefix(workspace)
                        .unwrap_or(file)
                        .display()
                        .to_string()
                })
                .collect();
            circles.push(files.join(" <-> "));
        }
    }
    println!(
        "import circles: {} crate roots read, {} circle(s)",
        roots.len(),
        circles.len()
    );
    if circles.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "files that import each other (directly or in a ring):\n  {}",
            circles.join("\n  ")
        ))
    }
}

impl CrateSources {
    /// Every file reachable from `root` through `mod name;` declarations.
    fn read(root: &Path) -> Result<Self, String> {
        let mut files = BTreeMap::new();
        let mut pending = vec![(ModulePath::new(), root.to_path_buf())];
        while let Some((module, file)) = pending.pop() {
            let text = fs::read_to_string(&file)
                .map_err(|error| format!("could not read {}: {error}", file.display()))?;
            let code = strip_tests(&strip_comments_and_strings(&text));
            // `src/lib.rs` and `a/mod.rs` keep their children beside them; `a.rs` in `a/`.
            let is_dir_owner = module.is_empty() || file.file_name().is_some_and(|n| n == "mod.rs");
            let child_dir = match (is_dir_owner, file.parent(), file.file_stem()) {
                (true, Some(parent), _) => parent.to_path_buf(),
                (false, Some(parent), Some(stem)) => parent.join(stem),
                _ => continue,
            };
            for child in declared_modules(&code) {
                let flat = child_dir.join(format!("{child}.rs"));
                let nested = child_dir.join(&child).join("mod.rs");
                let path = if flat.is_file() { flat } else { nested };
                if path.is_file() {
                    let mut child_module = module.clone();
                    child_module.push(child);
                    pending.push((child_module, path));
                }
            }
            files.insert(module, SourceFile { file, code });
        }
        Ok(CrateSources { files })
    }

    /// The groups of files that import each other, each sorted, found with Tarjan's
    /// strongly-connected components over the file graph.
    fn circles(&self) -> Vec<Vec<ModulePath>> {
        let re_exports: BTreeMap<&ModulePath, BTreeMap<String, ModulePath>> = self
            .files
            .iter()
            .map(|(module, source)| (module, self.re_exports(module, &source.code)))
            .collect();
        let mut edges: BTreeMap<&ModulePath, BTreeSet<ModulePath>> = BTreeMap::new();
        for (module, source) in &self.files {
            let targets = edges.entry(module).or_default();
            for statement in references(&source.code, false) {
                if let Some(target) = self.resolve(module, &statement, &re_exports)
                    && !target.starts_with(module)
                {
                    targets.insert(target);
                }
            }
        }
        strongly_connected(&edges)
            .into_iter()
            .filter(|group| group.len() > 1)
            .collect()
    }

    /// Names a file re-exports (`pub use path::Name;`), to the module path they come from.
    fn re_exports(&self, module: &ModulePath, code: &str) -> BTreeMap<String, ModulePath> {
        let mut names = BTreeMap::new();
        for path in references(code, true) {
            let absolute = absolute_path(module, &path);
            if let (Some(absolute), Some(name)) = (absolute, path.last()) {
                names.insert(name.clone(), absolute);
            }
        }
        names
    }

    /// The file a path like `crate::window::CallWindow` or `super::Error` lands in.
    fn resolve(
        &self,
        from: &ModulePath,
        path: &[String],
        re_exports: &BTreeMap<&ModulePath, BTreeMap<String, ModulePath>>,
    ) -> Option<ModulePath> {
        let mut absolute = absolute_path(from, path)?;
        // Follow re-exports (a bounded number of hops, so a mistaken reading cannot loop).
        for _ in 0..8 {
            let module = longest_module_prefix(&absolute, &self.files);
            let Some(next) = absolute.get(module.len()) else {
                return Some(module);
            };
            match re_exports.get(&module).and_then(|names| names.get(next)) {
                Some(target) if target != &absolute => {
                    let mut followed = target.clone();
                    followed.extend_from_slice(&absolute[module.len() + 1..]);
                    absolute = followed;
                }
                _ => return Some(module),
            }
        }
        Some(longest_module_prefix(&absolute, &self.files))
    }
}

/// `crate::a::b` / `super::b` / `self::b` written in `from`, as a path from the crate root.
fn absolute_path(from: &ModulePath, path: &[String]) -> Option<ModulePath> {
    let (first, rest) = path.split_first()?;
    let mut base = match first.as_str() {
        "crate" => ModulePath::new(),
        "self" | "super" => from.clone(),
        _ => return None,
    };
    let mut rest = rest;
    if first == "super" {
        base.pop()?;
    }
    while let Some(("super", tail)) = rest.split_first().map(|(s, t)| (s.as_str(), t)) {
        base.pop()?;
        rest = tail;
    }
    base.extend(rest.iter().cloned());
    Some(base)
}

/// The longest prefix of `path` that names a file of the crate.
fn longest_module_prefix(path: &[String], files: &BTreeMap<ModulePath, SourceFile>) -> ModulePath {
    (0..=path.len())
        .rev()
        .map(|length| path[..length].to_vec())
        .find(|prefix| files.contains_key(prefix))
        .unwrap_or_default()
}

/// `mod name;` declarations (not inline `mod name { … }`).
fn declared_modules(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    for statement in code.split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        if let Some(position) = words.iter().rposition(|word| *word == "mod")
            && let Some(name) = words.get(position + 1)
            && position + 2 == words.len()
            && is_identifier(name)
        {
            names.push((*name).to_owned());
        }
    }
    names
}

/// The paths starting with `crate`, `super` or `self` in `code`, groups (`{a, b::c}`)
/// expanded. With `re_exports_only`, just those of `pub use` statements; otherwise every
/// other occurrence.
fn references(code: &str, re_exports_only: bool) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in code.split(';') {
        // Paths after `pub use` in a statement are re-exported; those before are used.
        let re_export_at = ["pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .filter_map(|keyword| statement.find(keyword))
            .min()
            .unwrap_or(statement.len());
        let bytes = statement.as_bytes();
        for keyword in ["crate::", "super::", "self::"] {
            for (start, _) in statement.match_indices(keyword) {
                let before = start.checked_sub(1).map(|i| bytes[i]);
                if before.is_some_and(|b| {
                    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b':'
                }) {
                    continue;
                }
                if (start > re_export_at) == re_exports_only {
                    expand(&statement[start..], Vec::new(), &mut paths);
                }
            }
        }
    }
    paths
}

/// Reads one path at the start of `text` (after `prefix`), pushing each leaf of its groups.
fn expand(text: &str, prefix: Vec<String>, paths: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            path.push(rest[..end].to_owned());
        }
        rest = &rest[end..];
        if let Some(after) = rest.strip_prefix("::") {
            rest = after.trim_start();
            if let Some(group) = rest.strip_prefix('{') {
                for item in split_group(group) {
                    expand(item.trim(), path.clone(), paths);
                }
                return;
            }
            continue;
        }
        break;
    }
    if path.len() > 1 || path.first().is_some_and(|s| s == "super") {
        paths.push(path);
    }
}

/// The top-level items of a `{…}` group, up to its closing brace.
fn split_group(group: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..index]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

fn is_identifier(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// `code` with comments and the contents of string and char literals blanked out, so a path
/// in a message or a doc example is not read as an import.
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    let starts = |at: usize, pattern: &str| {
        pattern
            .chars()
            .enumerate()
            .all(|(i, c)| chars.get(at + i) == Some(&c))
    };
    while let Some(&c) = chars.get(at) {
        if starts(at, "//") {
            while chars.get(at).is_some_and(|&c| c != '\n') {
                at += 1;
            }
        } else if starts(at, "/*") {
            at += 2;
            while at < chars.len() && !starts(at, "*/") {
                at += 1;
            }
            at += 2;
            out.push(' ');
        } else if starts(at, "r#\"") || starts(at, "r\"") {
            let hashes = chars[at + 1..].iter().take_while(|&&c| c == '#').count();
            let close: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            at += 2 + hashes;
            while at < chars.len() && !starts(at, &close) {
                at += 1;
            }
            at += close.chars().count();
            out.push_str("\"\"");
        } else if c == '"' {
            at += 1;
            while let Some(&next) = chars.get(at) {
                at += 1;
                match next {
                    '\\' => at += 1,
                    '"' => break,
                    _ => {}
                }
            }
            out.push_str("\"\"");
        } else if c == '\''
            && (chars.get(at + 2) == Some(&'\'') || chars.get(at + 1) == Some(&'\\'))
        {
            // A char literal ('x', '\n', '\u{..}'); a lifetime has no closing quote.
            at += 2;
            while chars.get(at).is_some_and(|&c| c != '\'') {
                at += 1;
            }
            at += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            at += 1;
        }
    }
    out
}

/// `code` up to its first `#[cfg(test)]`: tests may reach into any file they test.
fn strip_tests(code: &str) -> String {
    code.find("#[cfg(test)]")
        .map_or(code, |index| &code[..index])
        .to_owned()
}

/// Tarjan's strongly-connected components of `edges`.
fn strongly_connected(edges: &BTreeMap<&ModulePath, BTreeSet<ModulePath>>) -> Vec<Vec<ModulePath>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<&'a ModulePath, BTreeSet<ModulePath>>,
        index: BTreeMap<ModulePath, usize>,
        low: BTreeMap<ModulePath, usize>,
        stack: Vec<ModulePath>,
        on_stack: BTreeSet<ModulePath>,
        groups: Vec<Vec<ModulePath>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, node: &ModulePath) {
            let number = self.index.len();
            self.index.insert(node.clone(), number);
            self.low.insert(node.clone(), number);
            self.stack.push(node.clone());
            self.on_stack.insert(node.clone());
            let targets: Vec<ModulePath> = self
                .edges
                .get(node)
                .map(|set| set.iter().cloned().collect())
                .unwrap_or_default();
            for target in targets {
                if !self.index.contains_key(&target) {
                    self.visit(&target);
                    let low = self.low[node].min(self.low[&target]);
                    self.low.insert(node.clone(), low);
                } else if self.on_stack.contains(&target) {
                    let low = self.low[node].min(self.index[&target]);
                    self.low.insert(node.clone(), low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(&member);
                    let done = &member == node;
                    group.push(member);
                    if done {
                        break;
                    }
                }
                group.sort();
                self.groups.push(group);
            }
        }
    }
    let mut walk = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        groups: Vec::new(),
    };
    for node in edges.keys() {
        if !walk.index.contains_key(*node) {
            walk.visit(node);
        }
    }
    walk.groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(code: &str) -> Vec<String> {
        references(&strip_comments_and_strings(code), false)
            .iter()
            .map(|path| path.join("::"))
            .collect()
    }

    #[test]
    fn groups_expand_and_literals_and_comments_are_not_read() {
        let code = r#"
            use crate::{window::{CallWindow, HourSet}, zone};
            // use crate::commented::Out;
            let text = "crate::in_a_string::No";
            let quote = '"'; let also = crate::after_a_char::Yes;
            let raw = r"crate::raw::No";
            pub use crate::re_exported::Thing;
            use super::*;
        "#;
        assert_eq!(
            paths(code),
            [
                "crate::window::CallWindow",
                "crate::window::HourSet",
                "crate::zone",
                "crate::after_a_char::Yes",
                "super"
            ]
        );
    }

    #[test]
    fn re_exports_are_read_apart_and_tests_are_left_out() {
        let code =
            strip_tests("pub use crate::a::B;\n#[cfg(test)]\nmod tests { use crate::c::D; }");
        assert_eq!(references(&code, true), [["crate", "a", "B"]]);
        assert!(references(&code, false).is_empty());
    }
}
