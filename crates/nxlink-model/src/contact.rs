//! A person to call, with the variables the AI agent's script needs for them.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::absent::{empty_as_none, is_absent, null_as_default};
use crate::id_index::IdIndex;
use crate::rules;
use crate::validation::{FieldPath, ValidationErrors, Violations};

/// A contact to dial (`callList[]` in task/create, `list[]` in call/append).
///
/// Deserializing is lenient on purpose: a missing or `null` required string reads as `""`
/// and a `null` `params` as empty, so that `validate` can report every problem of a
/// hand-written file at once instead of stopping at the first missing key.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// Caller-chosen id, globally unique (`contactId`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub contact_id: String,
    /// Pass-through echoed in the call-record callback; omitted when `None` or empty, and
    /// an empty string reads as `None`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "is_absent"
    )]
    pub other: Option<String>,
    /// The contact's name.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Number to dial: digits with an optional leading `+` (`phoneNumber`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub phone_number: String,
    /// Variables for the agent's script; omitted when empty.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub params: Vec<Variable>,
}

/// A named value handed to the AI agent's script; the name must exist in the agent's flow.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Variable {
    /// Variable name as defined in the agent's flow.
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    /// Any JSON value; omitted when `None` (a JSON `null` reads as `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

impl Variable {
    /// A variable with a value.
    pub fn new(name: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
        }
    }
}

impl Contact {
    /// A contact with no pass-through and no variables.
    pub fn new(
        contact_id: impl Into<String>,
        name: impl Into<String>,
        phone_number: impl Into<String>,
    ) -> Self {
        Self {
            contact_id: contact_id.into(),
            other: None,
            name: name.into(),
            phone_number: phone_number.into(),
            params: Vec::new(),
        }
    }

    /// Adds a script variable.
    #[must_use]
    pub fn with_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        // Contacts carry a handful of variables and lists hold 100 000 contacts: grow by one
        // rather than doubling, so no contact keeps room for variables it never gets.
        self.params.reserve_exact(1);
        self.params.push(Variable::new(name, value));
        self
    }

    /// Sets the pass-through value echoed in the call-record callback.
    #[must_use]
    pub fn with_other(mut self, other: impl Into<String>) -> Self {
        self.other = Some(other.into());
        self
    }

    /// Rough size of this contact as JSON, for sizing a request body's buffer.
    pub(crate) fn encoded_size_hint(&self) -> usize {
        const FIXED: usize = 64;
        const PER_PARAM: usize = 48;
        FIXED
            + self.contact_id.len()
            + self.name.len()
            + self.phone_number.len()
            + self.other.as_ref().map_or(0, String::len)
            + self.params.len() * PER_PARAM
    }

    /// Checks this contact alone (paths relative to it, e.g. `phoneNumber`).
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut violations = Violations::new();
        validate_contact(self, &FieldPath::root(), &mut violations);
        violations.into_result()
    }
}

/// Below this many variables, duplicate names are found by comparing pairs, which needs
/// no allocation; above it a set is cheaper.
const PAIRWISE_LIMIT: usize = 16;

/// Checks one contact and records violations under `at` (e.g. `callList[3]`): required
/// `contactId` and `name`, phone-number format, non-empty and unique variable names.
pub(crate) fn validate_contact(contact: &Contact, at: &FieldPath<'_>, violations: &mut Violations) {
    rules::required(violations, at.key("contactId"), &contact.contact_id);
    rules::required(violations, at.key("name"), &contact.name);
    rules::phone_number(violations, at.key("phoneNumber"), &contact.phone_number);

    let params = &contact.params;
    if params.is_empty() {
        return;
    }
    let list = at.key("params");
    let mut seen: Option<HashSet<&str>> =
        (params.len() > PAIRWISE_LIMIT).then(|| HashSet::with_capacity(params.len()));
    for (index, variable) in params.iter().enumerate() {
        let item = list.index(index);
        let path = item.key("name");
        if variable.name.is_empty() {
            violations.push(path, "is required and must not be empty");
            continue;
        }
        let first = match seen.as_mut() {
            Some(seen) => {
                if seen.insert(variable.name.as_str()) {
                    None
                } else {
                    params.iter().position(|p| p.name == variable.name)
                }
            }
            None => params
                .get(..index)
                .and_then(|before| before.iter().position(|p| p.name == variable.name)),
        };
        if let Some(first) = first {
            violations.push(
                path,
                format!("repeats the variable name of params[{first}]; names must be unique within a contact"),
            );
        }
    }
}

/// Checks a list of contacts under `at` (e.g. `callList`): every contact, plus `contactId`
/// uniqueness across the list (a duplicate is reported at its second occurrence).
pub(crate) fn validate_contact_list(
    contacts: &[Contact],
    at: &FieldPath<'_>,
    violations: &mut Violations,
) {
    let mut first_index = IdIndex::with_capacity(contacts.len());
    for (index, contact) in contacts.iter().enumerate() {
        let item = at.index(index);
        validate_contact(contact, &item, violations);
        if contact.contact_id.is_empty() {
            continue;
        }
        if let Some(first) = first_index.first_seen(contact.contact_id.as_str(), index) {
            violations.push(
                item.key("contactId"),
                format!("repeats the contactId of {at}[{first}]; contact ids must be unique"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lucy() -> Contact {
        Contact::new("c-1", "Lucy", "13800000001")
            .with_other("ext-1")
            .with_param("customerName", "Lucy")
    }

    #[test]
    fn serializes_with_wire_names_and_omits_empty_parts() {
        assert_eq!(
            serde_json::to_string(&lucy()).expect("serialize"),
            r#"{"contactId":"c-1","other":"ext-1","name":"Lucy","phoneNumber":"13800000001","params":[{"name":"customerName","value":"Lucy"}]}"#
        );
        let bare = Contact::new("c-2", "Tom", "13800000002");
        assert_eq!(
            serde_json::to_value(&bare).expect("serialize"),
            json!({"contactId": "c-2", "name": "Tom", "phoneNumber": "13800000002"})
        );
        let empty_other = bare.clone().with_other("");
        assert!(
            !serde_json::to_string(&empty_other)
                .expect("serialize")
                .contains("other")
        );
        let no_value = Variable {
            name: "x".into(),
            value: None,
        };
        assert_eq!(
            serde_json::to_string(&no_value).expect("serialize"),
            r#"{"name":"x"}"#
        );
    }

    #[test]
    fn deserializes_leniently_for_validation() {
        let contact: Contact =
            serde_json::from_value(json!({"contactId": null, "params": null})).expect("lenient");
        assert_eq!(contact, Contact::default());
        let errors = contact.validate().expect_err("empty contact");
        assert!(errors.has_path("contactId"));
        assert!(errors.has_path("name"));
        assert!(errors.has_path("phoneNumber"));
    }

    #[test]
    fn valid_contact_passes() {
        assert_eq!(lucy().validate(), Ok(()));
    }

    #[test]
    fn duplicate_variable_names_are_reported_at_the_second() {
        let contact = lucy()
            .with_param("orderNo", 1)
            .with_param("customerName", "x");
        let errors = contact.validate().expect_err("duplicate");
        assert_eq!(errors.len(), 1);
        let violation = &errors.violations()[0];
        assert_eq!(violation.path(), "params[2].name");
        assert!(violation.reason().contains("params[0]"));
    }

    #[test]
    fn duplicate_variable_names_are_found_in_long_lists_too() {
        let mut contact = lucy();
        for i in 0..40 {
            contact = contact.with_param(format!("v{i}"), i);
        }
        contact = contact.with_param("v7", 0);
        let errors = contact.validate().expect_err("duplicate");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.violations()[0].path(), "params[41].name");
        assert!(errors.violations()[0].reason().contains("params[8]"));
    }

    #[test]
    fn list_reports_duplicate_ids_with_the_first_index() {
        let list = [lucy(), Contact::new("c-2", "Tom", "13800000002"), lucy()];
        let mut violations = Violations::new();
        validate_contact_list(&list, &FieldPath::root().key("list"), &mut violations);
        let errors = violations.into_result().expect_err("duplicate id");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors.violations()[0].path(), "list[2].contactId");
        assert!(errors.violations()[0].reason().contains("list[0]"));
    }
}
