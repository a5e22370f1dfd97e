//! `POST /openapi/aiagent/call/append` (spec §3.1): add contacts to one of the caller's
//! tasks that is not finished.
//!
//! Validated like task/create: contacts with a malformed number, or one the number policy
//! refuses, go to `errList` (`Illegal phone number format:<n>`). A contact whose `contactId`
//! the task already has goes to `errList` too (`Duplicate contactId:<id>`): contact ids
//! must be globally unique, and refusing a repeat makes an append idempotent per contact,
//! which an SDK resuming an interrupted batch relies on. The rest become pending contacts;
//! the append's `callCallbackUrl` is remembered for them and wins over the task's.
//! Unknown task → 20000 `task not found`; unknown `autoFlowId` → 20000
//! `autoFlowId not found`; a completed or failed task → 20000 `task already finished`.

use nxlink_model::{ApiRequest, AppendContactsRequest, AppendContactsResult, ParseError};

use super::count;
use crate::common_checks::Caller;
use crate::gateway_state::GatewayState;
use crate::import::{Import, Shape};
use crate::repeats::RepeatedContactIds;
use crate::reply::Reply;

/// Where this endpoint lives.
pub(crate) const PATH: &str = "/openapi/aiagent/call/append";

/// How call/append carries its contacts.
const SHAPE: Shape<AppendContactsRequest> = Shape {
    key: "list",
    parse: AppendContactsRequest::from_json,
    reparse,
    contacts: |request| &mut request.list,
};

/// Reads the body again once refused contacts are out: a list they emptied is fine, all its
/// contacts are in `errList`.
fn reparse(json: &[u8]) -> Result<AppendContactsRequest, ParseError> {
    let request: AppendContactsRequest = serde_json::from_slice(json).map_err(ParseError::Json)?;
    match request.validate() {
        Err(errors)
            if !(request.list.is_empty()
                && errors.violations().iter().all(|v| v.path() == "list")) =>
        {
            Err(ParseError::Invalid(errors))
        }
        _ => Ok(request),
    }
}

/// Appends the contacts, answering how many were imported and which were refused.
pub(crate) fn handle(gateway: &GatewayState, caller: &Caller, body: &[u8]) -> Reply {
    let mut import = match Import::read(body, SHAPE, &gateway.numbers) {
        Ok(import) => import,
        Err(reply) => return reply,
    };
    if let Some(id) = import.request.auto_flow_id
        && gateway.catalog.flow_name(id).is_none()
    {
        return Reply::business("autoFlowId not found");
    }
    let now_ms = gateway.now_ms();
    gateway.tasks.with(|table| {
        let Some(entry) = table.owned_mut(&caller.access_key, &import.request.task_id) else {
            return Reply::business("task not found");
        };
        if entry.task.status.is_finished() {
            return Reply::business("task already finished");
        }
        if gateway.repeated_contact_ids == RepeatedContactIds::Refuse {
            import.refuse(|contact| {
                entry
                    .has_contact(&contact.contact_id)
                    .then(|| format!("Duplicate contactId:{}", contact.contact_id))
            });
        }
        let url = import.request.call_callback_url.clone();
        let imported = import.request.list.len();
        for contact in std::mem::take(&mut import.request.list) {
            entry.add_contact(contact, url.clone(), now_ms);
        }
        let result = AppendContactsResult {
            success_count: Some(count(imported)),
            total_count: Some(count(import.total)),
            err_list: import.rejected(),
            extra: serde_json::Map::new(),
        };
        let reason = format!(
            "{imported} of {} contacts appended to task {}",
            import.total, entry.task.task_id
        );
        Reply::success(&result, reason)
    })
}
