//! The call record of a finished attempt, as call/list returns it and the call-record
//! callback delivers it (the same object, spec callbacks.md §2). Codes: see
//! [`crate::CallOutcome`]. Times are epoch seconds; `createTs` is the dial start, `opTs` the
//! end; `callAnswer`, `callAudioUrl`, `callSummary`, `userIntent` and `turnTime` are only set
//! for answered calls. The caller number is derived from the route, so every call of a task
//! shows the same line.

use nxlink_model::{CallAttribute, CallRecord};
use serde_json::Map;

use crate::call_outcome::CallOutcome;
use crate::catalog::Catalog;
use crate::outcome::user_intent;
use crate::task_table::{ActiveCall, TaskEntry};

/// The record of `call`, which just ended; `last` marks the contact's final attempt.
pub(crate) fn finished(
    entry: &TaskEntry,
    call: &ActiveCall,
    last: bool,
    row_id: i64,
    catalog: &Catalog,
) -> CallRecord {
    let task = &entry.task;
    let request = &task.request;
    let contact = entry.contacts.get(call.position);
    let number = contact.map(|contact| contact.contact.phone_number.clone());
    let answered = call.outcome == CallOutcome::Answered;
    let contact_id = contact.map_or("", |contact| contact.contact_id());
    let intent = answered.then(|| user_intent(contact_id, call.attempt).to_owned());
    let seconds = |ms: i64| ms.div_euclid(1000);
    CallRecord {
        id: Some(row_id),
        task_id: Some(task.task_id.clone()),
        user_task_id: request.user_task_id.clone(),
        contact_id: Some(contact_id.to_owned()),
        other: contact.and_then(|contact| contact.contact.other.clone()),
        call_id: Some(call.call_id.clone()),
        auto_flow_id: Some(request.auto_flow_id),
        auto_flow_name: catalog.flow_name(request.auto_flow_id).map(str::to_owned),
        caller_phone: Some(caller_number(&request.route_id)),
        callee_phone: number.clone(),
        real_phone: number,
        call_status: Some(call.outcome.call_status()),
        call_result: Some(call.outcome.call_result()),
        hangup_reason: Some(call.outcome.hangup_reason().to_owned()),
        sip_code: Some(call.outcome.sip_code().to_owned()),
        create_ts: Some(seconds(call.start_ms)),
        op_ts: Some(seconds(call.end_ms)),
        call_start: Some(seconds(call.start_ms)),
        call_answer: answered
            .then(|| seconds(call.start_ms).saturating_add(i64::from(call.timing.ring))),
        call_end: Some(seconds(call.end_ms)),
        call_ring_time: Some(i64::from(call.timing.ring)),
        call_elapsed: Some(i64::from(call.timing.talk)),
        call_audio_url: answered
            .then(|| format!("https://recordings.nxlink.invalid/{}.wav", call.call_id)),
        call_summary: intent
            .as_ref()
            .map(|intent| format!("Simulated conversation, tagged {intent}.")),
        user_intent: intent,
        turn_time: answered.then(|| i64::from(call.timing.talk / 10 + 1)),
        attributes: contact.map_or_else(Vec::new, |contact| {
            contact
                .contact
                .params
                .iter()
                .map(|param| CallAttribute {
                    key: Some(param.name.clone()),
                    name: Some(param.name.clone()),
                    value: param.value.clone(),
                    extra: Map::new(),
                })
                .collect()
        }),
        order_head: Some(i64::from(call.attempt == 1)),
        order_tail: Some(i64::from(last)),
        line_id: Some("line-1".to_owned()),
        route_id: Some(request.route_id.clone()),
        call_callback_url: contact
            .and_then(|contact| contact.call_callback_url.clone())
            .or_else(|| request.call_callback_url.clone()),
        ..CallRecord::default()
    }
}

/// A stable caller number for a route: `+1555` and seven digits.
fn caller_number(route_id: &str) -> String {
    let digits = route_id.bytes().fold(0_u32, |hash, byte| {
        hash.wrapping_mul(31).wrapping_add(u32::from(byte))
    }) % 10_000_000;
    format!("+1555{digits:07}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_numbers_are_stable_per_route() {
        let number = caller_number("y29ND1X4kkCG_nC576sALEkvg3HjEqde");
        assert_eq!(number, caller_number("y29ND1X4kkCG_nC576sALEkvg3HjEqde"));
        assert_eq!(number.len(), 12);
        assert_ne!(number, caller_number("other"));
    }
}
