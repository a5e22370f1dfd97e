//! The fault matrix: every injectable fault against a create and a 10 000-contact append,
//! each ending with the gateway holding exactly what was sent once, or a precise error.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use nxlink::model::{AppendContactsRequest, Contact};
use nxlink::{Client, RetryPolicy};
use nxlink_testkit::{Emulator, Fault, FaultRule, Requests};

use crate::spec_example_task;

const CREATE_PATH: &str = "/openapi/aiagent/task/create";
const APPEND_PATH: &str = "/openapi/aiagent/call/append";
/// Contacts in the append scenario.
pub const APPEND_CONTACTS: usize = 10_000;
/// The client's request timeout in the matrix: short, so the slow-answer fault times out.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(800);

/// One injected fault, by name.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// How the table names it.
    pub name: &'static str,
    /// The fault.
    pub fault: Fault,
}

/// Every fault the emulator can inject, with the two delays either side of the timeout.
pub fn scenarios() -> Vec<Scenario> {
    let scenario = |name, fault| Scenario { name, fault };
    vec![
        scenario("delay 100 ms", Fault::Delay(Duration::from_millis(100))),
        scenario(
            "delay past timeout",
            Fault::Delay(Duration::from_millis(1_500)),
        ),
        scenario("close before reading", Fault::CloseBeforeReading),
        scenario("close after processing", Fault::CloseAfterProcessing),
        scenario("HTTP 500", Fault::Status(500)),
        scenario("HTTP 502", Fault::Status(502)),
        scenario("HTTP 503", Fault::Status(503)),
        scenario(
            "HTTP 429 Retry-After 1",
            Fault::TooManyRequests {
                retry_after: Duration::from_secs(1),
            },
        ),
        scenario("malformed JSON", Fault::MalformedJson),
        scenario("truncated body", Fault::TruncatedBody),
        scenario("wrong Content-Length", Fault::WrongContentLength),
        scenario("gateway clock +120 s", Fault::SkewClock(120_000)),
        scenario("1004 once", Fault::TimestampExpiredOnce),
    ]
}

/// What one scenario ended with, and whether the guarantee held.
#[derive(Debug)]
pub struct Outcome {
    /// `create` or `append 10k`.
    pub operation: &'static str,
    /// The scenario's name.
    pub scenario: &'static str,
    /// What the client reported, in a few words.
    pub client: String,
    /// What the gateway holds afterwards.
    pub server: String,
    /// Whether the guarantee held: exactly once, or a precise error with nothing duplicated.
    pub holds: bool,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "| {:<10} | {:<24} | {:<58} | {:<30} | {:<5} |",
            self.operation,
            self.scenario,
            self.client,
            self.server,
            if self.holds { "holds" } else { "FAILS" }
        )
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .request_timeout(REQUEST_TIMEOUT)
        .retry_policy(
            RetryPolicy::standard()
                .with_initial_backoff(Duration::from_millis(20))
                .with_deadline(Duration::from_secs(20)),
        )
        .build()
        .expect("client builds")
}

async fn emulator_with(rule: FaultRule) -> Emulator {
    let emulator = Emulator::start().await.expect("emulator starts");
    emulator.inject(rule);
    emulator
}

/// A create of the spec example with the fault on the first task/create request.
pub async fn create(scenario: &Scenario) -> Outcome {
    let emulator = emulator_with(FaultRule::new(
        CREATE_PATH,
        Requests::Nth(1),
        scenario.fault.clone(),
    ))
    .await;
    let task = spec_example_task();
    let user_task_id = task.user_task_id.clone().unwrap_or_default();
    let result = client(&emulator).create_task(&task).await;
    // A request still being answered slowly may land after the client gave up.
    settle(&scenario.fault).await;
    let held: Vec<_> = emulator
        .tasks()
        .into_iter()
        .filter(|stored| stored.user_task_id() == Some(user_task_id.as_str()))
        .collect();
    let server = format!("{} task(s)", held.len());
    let (client, holds) = match result {
        Ok(created) => (
            format!(
                "created{}, {} of {} contacts",
                if created.reconciled {
                    " (reconciled)"
                } else {
                    ""
                },
                created.success_count,
                created.total_count
            ),
            held.len() == 1
                && held[0].task_id == created.task_id
                && held[0].request.call_list.len() == 2,
        ),
        Err(error) => (
            short(&error),
            held.len() <= 1 && (held.is_empty() || error.is_outcome_unknown()),
        ),
    };
    Outcome {
        operation: "create",
        scenario: scenario.name,
        client,
        server,
        holds,
    }
}

/// 10 000 contacts appended to a fresh task, with the fault on the third call/append request.
pub async fn append(scenario: &Scenario) -> Outcome {
    let emulator = Emulator::start().await.expect("emulator starts");
    let client = client(&emulator);
    let task = client
        .create_task(&spec_example_task().with_user_task_id("fault-append"))
        .await
        .expect("task created without faults");
    emulator.inject(FaultRule::new(
        APPEND_PATH,
        Requests::Nth(3),
        scenario.fault.clone(),
    ));
    let contacts = numbered_contacts(APPEND_CONTACTS);
    let report = client
        .append_contacts(&AppendContactsRequest::new(task.task_id.clone(), contacts))
        .await
        .expect("the list is valid");
    settle(&scenario.fault).await;

    let held = emulator.contacts(&task.task_id);
    let ids: Vec<&str> = held
        .iter()
        .map(|stored| stored.contact.contact_id.as_str())
        .filter(|id| id.starts_with("fault-"))
        .collect();
    let distinct: HashSet<&str> = ids.iter().copied().collect();
    let no_duplicates = distinct.len() == ids.len();
    let reported_in = report.submitted.len() + report.already_present.len();
    let all_reported_present = report
        .submitted
        .iter()
        .chain(&report.already_present)
        .all(|id| distinct.contains(id.as_str()));
    let failed_unsent_absent = report.failed.iter().all(|batch| {
        batch.error.is_outcome_unknown()
            || batch
                .contacts
                .iter()
                .all(|contact| !distinct.contains(contact.contact_id.as_str()))
    });
    let client = if report.is_complete() {
        format!(
            "{} submitted, {} already present",
            report.submitted.len(),
            report.already_present.len()
        )
    } else {
        format!(
            "{reported_in} in, {} failed: {}",
            report.failed_count(),
            report
                .failed
                .first()
                .map(|batch| short(&batch.error))
                .unwrap_or_default()
        )
    };
    let complete_and_exact = report.is_complete() && distinct.len() == APPEND_CONTACTS;
    Outcome {
        operation: "append 10k",
        scenario: scenario.name,
        client,
        server: format!("{} contacts, {} distinct", ids.len(), distinct.len()),
        holds: no_duplicates
            && all_reported_present
            && failed_unsent_absent
            && (complete_and_exact || !report.is_complete())
            && report.rejected.is_empty(),
    }
}

/// `count` valid contacts with ids `fault-0` … .
pub fn numbered_contacts(count: usize) -> Vec<Contact> {
    (0..count)
        .map(|i| {
            Contact::new(format!("fault-{i}"), "Ann", format!("1380{i:07}"))
                .with_param("customerName", "Ann")
                .with_param("orderNo", format!("SO{i}"))
        })
        .collect()
}

/// Waits out a delay fault so that what the gateway holds is final.
async fn settle(fault: &Fault) {
    if let Fault::Delay(pause) = fault {
        tokio::time::sleep(*pause + Duration::from_millis(200)).await;
    }
}

fn short(error: &nxlink::Error) -> String {
    let kind = format!("{:?}", error.kind());
    let detail = error
        .http_status_code()
        .map(|status| format!(" {}", status.as_u16()))
        .or_else(|| error.api_code().map(|code| format!(" {}", code.as_i64())))
        .unwrap_or_default();
    format!("error: {kind}{detail}")
}

/// Runs every scenario for both operations, in order.
pub async fn run_all() -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for scenario in scenarios() {
        outcomes.push(create(&scenario).await);
        outcomes.push(append(&scenario).await);
    }
    outcomes
}
