//! Collecting rule violations with their JSON paths, shared by every request type.

use std::fmt;

/// Where a value sits inside a request, built on the stack so that a valid value costs no
/// allocation: the path is only formatted when a violation is recorded.
///
/// `FieldPath::root().key("callList").index(3).key("phoneNumber")` shows as
/// `callList[3].phoneNumber`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldPath<'a> {
    parent: Option<&'a FieldPath<'a>>,
    segment: Segment<'a>,
}

#[derive(Debug, Clone, Copy)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> FieldPath<'a> {
    /// The top of the request body; it prints as the empty string.
    pub(crate) const fn root() -> FieldPath<'static> {
        FieldPath {
            parent: None,
            segment: Segment::Root,
        }
    }

    /// The member `name` of the object at this path.
    pub(crate) const fn key(&'a self, name: &'a str) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Key(name),
        }
    }

    /// The element `index` of the array at this path.
    pub(crate) const fn index(&'a self, index: usize) -> FieldPath<'a> {
        FieldPath {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    fn is_root(&self) -> bool {
        matches!(self.segment, Segment::Root)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            parent.fmt(f)?;
        }
        match self.segment {
            Segment::Root => Ok(()),
            Segment::Key(name) => match self.parent {
                Some(parent) if !parent.is_root() => write!(f, ".{name}"),
                _ => f.write_str(name),
            },
            Segment::Index(index) => write!(f, "[{index}]"),
        }
    }
}

/// One broken rule: the JSON path of the offending value and a plain-English reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Violation {
    /// JSON path of the value, e.g. `callList[3].phoneNumber`.
    pub path: String,
    /// What is wrong, in plain English; quotes at most a short excerpt of the value.
    pub reason: String,
}

impl Violation {
    /// Builds a violation from a path and a reason.
    pub fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// JSON path of the offending value.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Why the value was rejected.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// For a violation inside an element of the top-level array `list`, the element's
    /// index and the rest of the path: `list[3].phoneNumber` gives `(3, "phoneNumber")`
    /// for `list_item("list")`, and `list[3]` gives `(3, "")`. Lets a receiver refuse
    /// single contacts instead of the whole request.
    pub fn list_item(&self, list: &str) -> Option<(usize, &str)> {
        let rest = self.path.strip_prefix(list)?.strip_prefix('[')?;
        let (index, rest) = rest.split_once(']')?;
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let index = index.parse().ok()?;
        match rest.strip_prefix('.') {
            Some(field) => Some((index, field)),
            None if rest.is_empty() => Some((index, "")),
            None => rest.starts_with('[').then_some((index, rest)),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.path, self.reason)
        }
    }
}

/// Accumulates violations while a validator walks a request, so that every problem is
/// reported at once rather than the first one only.
#[derive(Debug, Default)]
pub(crate) struct Violations {
    list: Vec<Violation>,
}

impl Violations {
    /// An empty collector.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Records that the value at `path` breaks a rule.
    pub(crate) fn push(&mut self, path: impl fmt::Display, reason: impl Into<String>) {
        self.list.push(Violation {
            path: path.to_string(),
            reason: reason.into(),
        });
    }

    /// Number of violations recorded so far.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// `Ok(())` when nothing was recorded, otherwise every violation in recording order.
    pub(crate) fn into_result(self) -> Result<(), ValidationErrors> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { list: self.list })
        }
    }

    /// Reorders violations by a caller-chosen rank, keeping recording order among equals.
    pub(crate) fn sort_by_rank<K: Ord>(&mut self, rank: impl Fn(&str) -> K) {
        self.list.sort_by_key(|v| rank(&v.path));
    }
}

/// Every violation found in one request; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", DisplayList(&self.list))]
pub struct ValidationErrors {
    list: Vec<Violation>,
}

struct DisplayList<'a>(&'a [Violation]);

impl fmt::Display for DisplayList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            violation.fmt(f)?;
        }
        Ok(())
    }
}

impl ValidationErrors {
    /// All violations, in the order of the fields in the request.
    pub fn violations(&self) -> &[Violation] {
        &self.list
    }

    /// Iterates over the violations.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.list.iter()
    }

    /// Number of violations (at least one).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always false: an error value holds at least one violation.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// True when some violation concerns exactly `path`.
    pub fn has_path(&self, path: &str) -> bool {
        self.list.iter().any(|v| v.path == path)
    }

    /// The violations concerning exactly `path`.
    pub fn at<'s>(&'s self, path: &'s str) -> impl Iterator<Item = &'s Violation> + 's {
        self.list.iter().filter(move |v| v.path == path)
    }

    /// Takes the violations out.
    pub fn into_vec(self) -> Vec<Violation> {
        self.list
    }
}

impl IntoIterator for ValidationErrors {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// Why a JSON document could not become a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// Not JSON (or not the expected JSON shape at all); the message carries line and column.
    #[error("malformed JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// Well-formed JSON that breaks one or more rules.
    #[error("invalid request:\n{0}")]
    Invalid(#[source] ValidationErrors),
    /// Well-formed JSON with values of the wrong JSON type (a string where a number
    /// belongs), each at its path, listed with every other broken rule. A gateway refuses
    /// such a body before checking any rule, which is why it is told apart from `Invalid`.
    #[error("values of the wrong JSON type, and every other problem:\n{0}")]
    Mistyped(#[source] ValidationErrors),
}

impl ParseError {
    /// The rule violations, when the JSON itself was well formed.
    pub fn validation_errors(&self) -> Option<&ValidationErrors> {
        match self {
            Self::Invalid(errors) | Self::Mistyped(errors) => Some(errors),
            Self::Json(_) => None,
        }
    }
}

/// A short, escaped excerpt of a user value for error messages: user values may be huge
/// or contain control characters, so reasons never echo them whole.
pub(crate) fn excerpt(value: &str) -> Excerpt<'_> {
    Excerpt(value)
}

pub(crate) struct Excerpt<'a>(&'a str);

const EXCERPT_CHARS: usize = 24;

impl fmt::Display for Excerpt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars().take(EXCERPT_CHARS) {
            write!(f, "{}", c.escape_debug())?;
        }
        if self.0.chars().nth(EXCERPT_CHARS).is_some() {
            f.write_str("…")?;
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_like_json_paths() {
        let root = FieldPath::root();
        assert_eq!(root.to_string(), "");
        let list = root.key("callList");
        assert_eq!(list.to_string(), "callList");
        let item = list.index(3);
        let params = item.key("params");
        let param = params.index(0);
        assert_eq!(param.key("name").to_string(), "callList[3].params[0].name");
    }

    #[test]
    fn errors_display_one_violation_per_line() {
        let mut v = Violations::new();
        v.push("taskName", "is required");
        v.push(FieldPath::root().key("routeId"), "is required");
        let errors = v.into_result().expect_err("two violations");
        assert_eq!(
            errors.to_string(),
            "taskName: is required\nrouteId: is required"
        );
        assert!(errors.has_path("routeId"));
        assert!(!errors.has_path("route"));
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.at("taskName").count(), 1);
    }

    #[test]
    fn list_items_are_found_in_paths() {
        let at = |path: &str| Violation::new(path, "x");
        assert_eq!(
            at("list[3].phoneNumber").list_item("list"),
            Some((3, "phoneNumber"))
        );
        assert_eq!(
            at("list[0].params[1].name").list_item("list"),
            Some((0, "params[1].name"))
        );
        assert_eq!(at("list[12]").list_item("list"), Some((12, "")));
        assert_eq!(at("list[2][1]").list_item("list"), Some((2, "[1]")));
        for path in [
            "list",
            "taskId",
            "list[].x",
            "list[a].x",
            "lists[1].x",
            "list[1]x",
            "list[+1]",
        ] {
            assert_eq!(at(path).list_item("list"), None, "{path}");
        }
        assert_eq!(
            at("callList[7].name").list_item("callList"),
            Some((7, "name"))
        );
    }

    #[test]
    fn empty_collector_is_ok() {
        assert!(Violations::new().into_result().is_ok());
    }

    #[test]
    fn excerpt_truncates_and_escapes() {
        let long = "x".repeat(1000);
        let shown = excerpt(&long).to_string();
        assert!(shown.len() < 40, "{shown}");
        assert!(shown.ends_with("…\""));
        assert_eq!(excerpt("a\nb").to_string(), "\"a\\nb\"");
    }
}
