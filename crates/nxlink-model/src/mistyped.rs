//! Reading a request document in which some values may have the wrong JSON type (a string
//! where a number belongs, a contact that is not an object): each such value is reported at
//! its path together with every other broken rule, instead of stopping at the first.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::contact::Contact;
use crate::validation::{ParseError, ValidationErrors, Violations};

/// How one request type is read: its wire form (every field optional, so that any single
/// key can be read alone), the key of its contact list, the rules that turn the form into
/// the request, and the order its violations are listed in.
pub(crate) struct Reading<F, R> {
    /// The key of the list of contacts (`callList`, `list`), if the request has one.
    pub(crate) list_key: Option<&'static str>,
    /// The form to the request, or every rule it breaks.
    pub(crate) finish: fn(F) -> Result<R, ValidationErrors>,
    /// Where a path is listed among the others (its field's documented position).
    pub(crate) rank: fn(&str) -> usize,
}

impl<F: DeserializeOwned, R> Reading<F, R> {
    /// Reads and validates `json`. A value of the wrong JSON type is one more violation at
    /// its path, reported with all the others in [`ParseError::Mistyped`]; only text that
    /// is not JSON, or not an object, is [`ParseError::Json`].
    pub(crate) fn read(&self, json: &[u8]) -> Result<R, ParseError> {
        match serde_json::from_slice::<F>(json) {
            Ok(form) => (self.finish)(form).map_err(ParseError::Invalid),
            // Only a type error is worth a second, slower reading, value by value.
            Err(error) if error.is_data() => {
                Err(self.mistyped(json).unwrap_or(ParseError::Json(error)))
            }
            Err(error) => Err(ParseError::Json(error)),
        }
    }

    /// Each key (and each contact of the list) is tried alone to find the values of the
    /// wrong type; they are reported at their paths, then set aside so that every other rule
    /// still runs on the rest. A rule that fires on a set-aside value (it now looks absent)
    /// is not reported twice. `None` when the document is not an object.
    fn mistyped(&self, json: &[u8]) -> Option<ParseError> {
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(json) else {
            return None;
        };
        let mut v = Violations::new();
        let mut set_aside: Vec<String> = Vec::new();
        let keys: Vec<String> = fields
            .keys()
            .filter(|key| Some(key.as_str()) != self.list_key)
            .cloned()
            .collect();
        for key in keys {
            let Some(value) = fields.get(&key) else {
                continue;
            };
            let alone = Value::Object(Map::from_iter([(key.clone(), value.clone())]));
            if let Err(error) = serde_json::from_value::<F>(alone) {
                v.push(&key, error.to_string());
                fields.remove(&key);
                set_aside.push(key);
            }
        }
        if let Some(list_key) = self.list_key {
            set_aside_contacts(&mut fields, list_key, &mut v, &mut set_aside);
        }
        let form: F = serde_json::from_value(Value::Object(fields)).ok()?;
        if let Err(errors) = (self.finish)(form) {
            for violation in errors {
                let path = violation.path();
                let secondary = set_aside.iter().any(|aside| {
                    path.strip_prefix(aside.as_str())
                        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
                });
                if !secondary {
                    v.push(path, violation.reason());
                }
            }
        }
        v.sort_by_rank(|path| ((self.rank)(path), list_index(path)));
        v.into_result().err().map(ParseError::Mistyped)
    }
}

/// Reports each contact of `fields[list_key]` that is not a contact, and replaces it with
/// an empty one whose own violations are then not reported (they are secondary).
fn set_aside_contacts(
    fields: &mut Map<String, Value>,
    list_key: &str,
    v: &mut Violations,
    set_aside: &mut Vec<String>,
) {
    match fields.get_mut(list_key) {
        Some(Value::Array(items)) => {
            for (index, item) in items.iter_mut().enumerate() {
                if let Err(error) = Contact::deserialize(&*item) {
                    let path = format!("{list_key}[{index}]");
                    v.push(&path, error.to_string());
                    *item = serde_json::to_value(Contact::new("", "", "")).unwrap_or(Value::Null);
                    set_aside.push(path);
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(_) => {
            v.push(list_key, "must be a list of contacts");
            fields.remove(list_key);
            set_aside.push(list_key.to_owned());
        }
    }
}

/// The index of the first list item a path goes into (`list[12].name` is 12): items of one
/// list are listed in order, whichever rule found them.
fn list_index(path: &str) -> Option<usize> {
    let (_, rest) = path.split_once('[')?;
    let (index, _) = rest.split_once(']')?;
    index.parse().ok()
}
