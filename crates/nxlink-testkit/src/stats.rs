//! A task's statistics (`statInfo`, spec §2.2 `CallStatInfoVO`), derived from its contacts
//! and call records whenever they are asked for, so they can never disagree with them.
//! Rates are percentages with two decimals, e.g. `"45.00%"`; a rate over nothing is
//! `"0.00%"`. Human-agent figures are always zero: the emulator has no human agents.

use nxlink_model::TaskStats;

use crate::call_outcome::CallOutcome;
use crate::contact::ContactState;
use crate::task_table::TaskEntry;

/// The statistics of one task as its `statInfo`.
pub(crate) fn task_stats(entry: &TaskEntry) -> TaskStats {
    let contacts = entry
        .contacts
        .iter()
        .filter(|contact| contact.state != ContactState::Deleted);
    let (mut total, mut dialled, mut finished, mut answered) = (0_i64, 0_i64, 0_i64, 0_i64);
    for contact in contacts {
        total += 1;
        dialled += i64::from(contact.attempts > 0);
        finished += i64::from(contact.state == ContactState::Finished);
        answered += i64::from(contact.last_outcome == Some(CallOutcome::Answered));
    }
    let calls = count(entry.calls.len());
    let answered_calls = answered_calls(entry);
    let talk: i64 = entry
        .calls
        .iter()
        .filter_map(|call| call.call_elapsed)
        .sum();
    TaskStats {
        id: Some(entry.row_id),
        task_id: Some(entry.task.task_id.clone()),
        auto_flow_id: Some(entry.task.request.auto_flow_id),
        create_ts: Some(entry.task.create_ts()),
        total_order_count: Some(total),
        dialed_order_count: Some(dialled),
        dial_progress: Some(percent(dialled, total)),
        finish_order_count: Some(finished),
        finish_rate: Some(percent(finished, total)),
        answer_order_count: Some(answered),
        total_call_count: Some(calls),
        answer_call_count: Some(answered_calls),
        answer_rate: Some(percent(answered_calls, calls)),
        total_call_elapsed: Some(talk),
        avg_call_duration: Some(if answered_calls == 0 {
            0
        } else {
            talk / answered_calls
        }),
        manual_answer_count: Some(0),
        manual_fail_count: Some(0),
        manual_answer_rate: Some(percent(0, 0)),
        manual_elapsed: Some(0),
        avg_manual_duration: Some(0),
        extra: serde_json::Map::new(),
    }
}

/// Answered calls over all calls, in percent (0 for a task without calls): what task/list's
/// answered-rate filters compare against.
pub(crate) fn answered_rate(entry: &TaskEntry) -> f64 {
    let calls = entry.calls.len();
    if calls == 0 {
        return 0.0;
    }
    answered_calls(entry) as f64 * 100.0 / calls as f64
}

/// Contacts in the task (deleted ones aside): what the total-quantity filters compare.
pub(crate) fn total_contacts(entry: &TaskEntry) -> u64 {
    let total = entry
        .contacts
        .iter()
        .filter(|contact| contact.state != ContactState::Deleted)
        .count();
    u64::try_from(total).unwrap_or(u64::MAX)
}

fn answered_calls(entry: &TaskEntry) -> i64 {
    let answered = CallOutcome::Answered.call_result();
    count(
        entry
            .calls
            .iter()
            .filter(|call| call.call_result == Some(answered))
            .count(),
    )
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// `part` of `whole` as `"45.00%"`.
fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0.00%".to_owned();
    }
    format!("{:.2}%", part as f64 * 100.0 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_two_decimals() {
        assert_eq!(percent(9, 20), "45.00%");
        assert_eq!(percent(2, 3), "66.67%");
        assert_eq!(percent(3, 3), "100.00%");
        assert_eq!(percent(0, 0), "0.00%");
    }
}
