//! Importing contacts (task/create's `callList`, call/append's `list`): as on the real
//! gateway, a contact with a malformed number (or one the number policy refuses) does not
//! refuse the request but goes to `errList` (`Illegal phone number format:<number>`), and the
//! rest are imported. Every other broken rule refuses the whole request.

use std::collections::BTreeSet;

use nxlink_model::{Contact, ParseError, RejectedContact, Violation};
use serde_json::Value;

use crate::numbers::{NumberPolicy, illegal_number_message};
use crate::reply::Reply;

/// How to read one kind of request: its contact list's JSON key, a parser, and the list.
#[derive(Debug)]
pub(crate) struct Shape<R> {
    /// The contact list's key, e.g. `callList`.
    pub(crate) key: &'static str,
    /// Reads and validates a body as sent.
    pub(crate) parse: fn(&[u8]) -> Result<R, ParseError>,
    /// Reads the body again once the refused contacts are out of it; may accept what only
    /// their removal broke (an emptied list).
    pub(crate) reparse: fn(&[u8]) -> Result<R, ParseError>,
    /// The request's contacts.
    pub(crate) contacts: fn(&mut R) -> &mut Vec<Contact>,
}

/// A request as the gateway accepts it, with the contacts it refused.
#[derive(Debug)]
pub(crate) struct Import<R> {
    /// The request holding the imported contacts only.
    pub(crate) request: R,
    /// Original position of each contact still in the request.
    positions: Vec<usize>,
    /// Refused contacts with their original positions.
    rejected: Vec<(usize, RejectedContact)>,
    /// Contacts received.
    pub(crate) total: usize,
    shape: Shape<R>,
}

impl<R> Import<R> {
    /// Parses and validates `body`: 1002 for JSON the model cannot read, 20000 listing every
    /// violation other than malformed numbers, whose contacts are refused one by one.
    pub(crate) fn read(
        body: &[u8],
        shape: Shape<R>,
        numbers: &NumberPolicy,
    ) -> Result<Self, Reply> {
        let mut import = match (shape.parse)(body) {
            Ok(mut request) => {
                let total = (shape.contacts)(&mut request).len();
                Import {
                    request,
                    positions: (0..total).collect(),
                    rejected: Vec::new(),
                    total,
                    shape,
                }
            }
            Err(ParseError::Invalid(errors)) => {
                Import::without_bad_numbers(body, shape, errors.violations())?
            }
            Err(error) => return Err(refusal(error)),
        };
        import.refuse(|contact| {
            numbers
                .refuses(&contact.phone_number)
                .then(|| illegal_number_message(&contact.phone_number))
        });
        Ok(import)
    }

    /// Refuses, into `errList`, every imported contact `why` gives a reason for.
    pub(crate) fn refuse(&mut self, mut why: impl FnMut(&Contact) -> Option<String>) {
        let contacts = std::mem::take((self.shape.contacts)(&mut self.request));
        let positions = std::mem::take(&mut self.positions);
        let mut kept = Vec::with_capacity(contacts.len());
        for (position, contact) in positions.into_iter().zip(contacts) {
            match why(&contact) {
                Some(reason) => self.rejected.push((position, rejected(contact, reason))),
                None => {
                    self.positions.push(position);
                    kept.push(contact);
                }
            }
        }
        *(self.shape.contacts)(&mut self.request) = kept;
    }

    /// The refused contacts in the order they were sent.
    pub(crate) fn rejected(&self) -> Vec<RejectedContact> {
        let mut rejected = self.rejected.clone();
        rejected.sort_by_key(|(position, _)| *position);
        rejected.into_iter().map(|(_, contact)| contact).collect()
    }

    /// The second reading, once the contacts with malformed numbers are out of the body.
    fn without_bad_numbers(
        body: &[u8],
        shape: Shape<R>,
        violations: &[Violation],
    ) -> Result<Self, Reply> {
        let (bad_numbers, others): (Vec<&Violation>, Vec<&Violation>) = violations
            .iter()
            .partition(|violation| phone_index(violation.path(), shape.key).is_some());
        if !others.is_empty() {
            return Err(Reply::business(list(others)));
        }
        let bad: BTreeSet<usize> = bad_numbers
            .iter()
            .filter_map(|violation| phone_index(violation.path(), shape.key))
            .collect();
        let mut document: Value =
            serde_json::from_slice(body).map_err(|error| refusal(ParseError::Json(error)))?;
        let Some(list) = document.get_mut(shape.key).and_then(Value::as_array_mut) else {
            return Err(Reply::business(format!("{}: could not be read", shape.key)));
        };
        let total = list.len();
        let mut rejected = Vec::with_capacity(bad.len());
        let mut positions = Vec::with_capacity(list.len());
        let mut kept = Vec::with_capacity(list.len());
        for (position, contact) in std::mem::take(list).into_iter().enumerate() {
            if bad.contains(&position) {
                rejected.push((position, rejected_from_json(&contact)));
            } else {
                positions.push(position);
                kept.push(contact);
            }
        }
        *list = kept;
        let reread =
            serde_json::to_vec(&document).map_err(|error| refusal(ParseError::Json(error)))?;
        let request = (shape.reparse)(&reread).map_err(refusal)?;
        Ok(Import {
            request,
            positions,
            rejected,
            total,
            shape,
        })
    }
}

/// 1002 for JSON the model cannot read, 20000 listing every violation as `path: reason; …`.
pub(crate) fn refusal(error: ParseError) -> Reply {
    match error {
        ParseError::Invalid(errors) => Reply::business(list(errors.violations())),
        other => Reply::parameter_error(other.to_string()),
    }
}

/// `path: reason; path: reason; …`
fn list<'a>(violations: impl IntoIterator<Item = &'a Violation>) -> String {
    violations
        .into_iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// `Some(i)` for the path `<key>[i].phoneNumber`.
fn phone_index(path: &str, key: &str) -> Option<usize> {
    path.strip_prefix(key)?
        .strip_prefix('[')?
        .strip_suffix("].phoneNumber")?
        .parse()
        .ok()
}

fn rejected(contact: Contact, reason: String) -> RejectedContact {
    RejectedContact {
        err_msg: Some(reason),
        contact_id: Some(contact.contact_id),
        name: Some(contact.name),
        phone_number: Some(contact.phone_number),
    }
}

/// The refused entry for a contact whose number could not even be validated.
fn rejected_from_json(contact: &Value) -> RejectedContact {
    let field = |name: &str| contact.get(name).and_then(Value::as_str).map(str::to_owned);
    let phone_number = field("phoneNumber").unwrap_or_default();
    RejectedContact {
        contact_id: field("contactId"),
        name: field("name"),
        err_msg: Some(illegal_number_message(&phone_number)),
        phone_number: Some(phone_number),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_paths_are_recognised_exactly() {
        assert_eq!(phone_index("callList[3].phoneNumber", "callList"), Some(3));
        assert_eq!(phone_index("list[0].phoneNumber", "list"), Some(0));
        assert_eq!(phone_index("callList[3].name", "callList"), None);
        assert_eq!(phone_index("callList[x].phoneNumber", "callList"), None);
        assert_eq!(phone_index("list[0].phoneNumber", "callList"), None);
        assert_eq!(phone_index("callList[0].phoneNumber", "list"), None);
        assert_eq!(
            phone_index("callList[1].params[0].phoneNumber", "callList"),
            None
        );
    }
}
