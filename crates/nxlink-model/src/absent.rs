//! How optional values travel: omitted when absent or empty on the way out, and `null`
//! accepted as "absent" on the way in.

use serde::{Deserialize, Deserializer};

/// True when an optional string should be left out of the JSON: `None` or `Some("")`.
/// The API treats an empty optional string like a missing one, so we never send `""`.
pub(crate) fn is_absent(value: &Option<String>) -> bool {
    value.as_deref().is_none_or(str::is_empty)
}

/// Reads a value that may be missing or `null` as the type's default (empty string, empty
/// list, zero), so that documents from lenient servers or hand-written files still load.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Reads an optional free-text string, treating `""` like a missing value, so that what
/// was read serializes back to the same document.
pub(crate) fn empty_as_none<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: Deserializer<'de>,
{
    Option::<String>::deserialize(deserializer).map(|value| value.filter(|s| !s.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_missing_strings_are_absent() {
        assert!(is_absent(&None));
        assert!(is_absent(&Some(String::new())));
        assert!(!is_absent(&Some(" ".to_owned())));
    }

    #[test]
    fn empty_free_text_reads_as_none() {
        #[derive(Deserialize)]
        struct Doc {
            #[serde(default, deserialize_with = "empty_as_none")]
            other: Option<String>,
        }
        let read = |json| serde_json::from_str::<Doc>(json).expect("valid").other;
        assert_eq!(read(r#"{"other": ""}"#), None);
        assert_eq!(read(r#"{"other": null}"#), None);
        assert_eq!(read("{}"), None);
        assert_eq!(read(r#"{"other": "x"}"#).as_deref(), Some("x"));
    }

    #[test]
    fn null_reads_as_default() {
        #[derive(Deserialize)]
        struct Doc {
            #[serde(default, deserialize_with = "null_as_default")]
            list: Vec<u8>,
        }
        let doc: Doc = serde_json::from_str(r#"{"list": null}"#).expect("null");
        assert!(doc.list.is_empty());
        let doc: Doc = serde_json::from_str("{}").expect("missing");
        assert!(doc.list.is_empty());
        let doc: Doc = serde_json::from_str(r#"{"list": [1]}"#).expect("present");
        assert_eq!(doc.list, [1]);
    }
}
