//! `POST /openapi/aiagent/task/create` (spec §2.1): validate, refuse bad numbers one by one
//! into `errList`, store the task with the rest.

use std::collections::BTreeSet;

use nxlink_model::{
    Contact, CreateTaskRequest, CreateTaskResult, ParseError, RejectedContact, StartMode,
    TaskStatus, Violation,
};
use serde_json::Value;

use crate::backend::Backend;
use crate::gateway::Caller;
use crate::numbers::{NumberPolicy, illegal_number_message};
use crate::reply::Reply;
use crate::state::StoredTask;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/task/create";

/// Creates a task from the body, or answers 1002 (unreadable JSON) / 20000 (rule broken).
pub(crate) fn handle(backend: &Backend, caller: &Caller, body: &[u8]) -> Reply {
    let import = match import(body, &backend.numbers) {
        Ok(import) => import,
        Err(reply) => return reply,
    };
    let request = import.request;
    let status = match request.start {
        StartMode::Immediate => TaskStatus::InProgress,
        StartMode::Manual | StartMode::Scheduled { .. } => TaskStatus::Ready,
    };
    let success_count = request.call_list.len();
    let result = CreateTaskResult {
        task_id: backend.ids.task_id(),
        user_task_id: request.user_task_id.clone().filter(|id| !id.is_empty()),
        task_status: status,
        success_count: count(success_count),
        total_count: count(import.total),
        err_list: import.rejected.clone(),
    };
    let reason = format!(
        "task {} created, {success_count} of {} contacts imported",
        result.task_id, import.total
    );
    backend.tasks.insert(StoredTask {
        task_id: result.task_id.clone(),
        access_key: caller.access_key.clone(),
        request,
        status,
        created_at_ms: backend.clock.now_ms(),
        rejected: import.rejected,
    });
    Reply::success(&result, reason)
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A request as the gateway accepts it, with the contacts it refused.
#[derive(Debug)]
struct Import {
    /// The request holding the imported contacts only.
    request: CreateTaskRequest,
    /// Refused contacts, in their original order.
    rejected: Vec<RejectedContact>,
    /// Contacts received.
    total: usize,
}

/// Parses and validates the body. Malformed phone numbers do not refuse the task: like the
/// real gateway, their contacts are refused one by one and the rest is imported.
fn import(body: &[u8], numbers: &NumberPolicy) -> Result<Import, Reply> {
    let errors = match CreateTaskRequest::from_json(body) {
        Ok(request) => {
            let total = request.call_list.len();
            return Ok(refuse_flagged(
                request,
                (0..total).collect(),
                Vec::new(),
                numbers,
            ));
        }
        Err(ParseError::Invalid(errors)) => errors,
        Err(error) => return Err(unreadable(&error)),
    };
    let (bad_numbers, others): (Vec<Violation>, Vec<Violation>) = errors
        .into_iter()
        .partition(|violation| phone_index(violation.path()).is_some());
    if !others.is_empty() {
        return Err(Reply::business(list(&others)));
    }
    let bad: BTreeSet<usize> = bad_numbers
        .iter()
        .filter_map(|violation| phone_index(violation.path()))
        .collect();

    // Read the document again without the refused contacts.
    let mut document: Value =
        serde_json::from_slice(body).map_err(|error| unreadable(&ParseError::Json(error)))?;
    let Some(list) = document.get_mut("callList").and_then(Value::as_array_mut) else {
        return Err(Reply::business("callList: could not be read"));
    };
    let mut rejected = Vec::with_capacity(bad.len());
    let mut kept_indices = Vec::with_capacity(list.len());
    let mut kept = Vec::with_capacity(list.len());
    for (index, contact) in std::mem::take(list).into_iter().enumerate() {
        if bad.contains(&index) {
            rejected.push((index, rejected_from_json(&contact)));
        } else {
            kept_indices.push(index);
            kept.push(contact);
        }
    }
    *list = kept;
    let reread =
        serde_json::to_vec(&document).map_err(|error| unreadable(&ParseError::Json(error)))?;
    match CreateTaskRequest::from_json(&reread) {
        Ok(request) => Ok(refuse_flagged(request, kept_indices, rejected, numbers)),
        Err(ParseError::Invalid(errors)) => Err(Reply::business(list_all(errors))),
        Err(error) => Err(unreadable(&error)),
    }
}

/// Moves the contacts whose number the policy refuses into the refused list.
/// `indices[i]` is the original position of `request.call_list[i]`.
fn refuse_flagged(
    mut request: CreateTaskRequest,
    indices: Vec<usize>,
    mut rejected: Vec<(usize, RejectedContact)>,
    numbers: &NumberPolicy,
) -> Import {
    let total = indices.len() + rejected.len();
    let mut imported = Vec::with_capacity(request.call_list.len());
    for (index, contact) in indices
        .into_iter()
        .zip(std::mem::take(&mut request.call_list))
    {
        if numbers.refuses(&contact.phone_number) {
            rejected.push((index, rejected_from_contact(contact)));
        } else {
            imported.push(contact);
        }
    }
    request.call_list = imported;
    rejected.sort_by_key(|(index, _)| *index);
    Import {
        request,
        rejected: rejected.into_iter().map(|(_, contact)| contact).collect(),
        total,
    }
}

/// `Some(i)` for the path `callList[i].phoneNumber`.
fn phone_index(path: &str) -> Option<usize> {
    path.strip_prefix("callList[")?
        .strip_suffix("].phoneNumber")?
        .parse()
        .ok()
}

fn rejected_from_contact(contact: Contact) -> RejectedContact {
    RejectedContact {
        err_msg: Some(illegal_number_message(&contact.phone_number)),
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

/// `path: reason; path: reason; …`
fn list(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn list_all(errors: nxlink_model::ValidationErrors) -> String {
    list(errors.violations())
}

/// 1002: the model could not read the JSON (syntax, or a value of the wrong JSON type).
fn unreadable(error: &ParseError) -> Reply {
    Reply::parameter_error(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nxlink_model::ApiRequest;

    #[test]
    fn path_matches_the_model() {
        assert_eq!(PATH, <CreateTaskRequest as ApiRequest>::PATH);
    }

    #[test]
    fn phone_paths_are_recognised_exactly() {
        assert_eq!(phone_index("callList[3].phoneNumber"), Some(3));
        assert_eq!(phone_index("callList[3].name"), None);
        assert_eq!(phone_index("callList[x].phoneNumber"), None);
        assert_eq!(phone_index("list[0].phoneNumber"), None);
        assert_eq!(phone_index("callList[1].params[0].phoneNumber"), None);
    }
}
