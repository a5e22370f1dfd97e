//! A whole outbound campaign against the embedded emulator, as a customer would run it:
//!
//! 1. look up the AI agent and the call route by name (`flow/list`, `route/list`);
//! 2. start a webhook receiver for the task-status and call-record callbacks;
//! 3. create a task whose calling window covers the current hour in its time zone;
//! 4. append 10 000 contacts in batches (`call/append`) and print the report;
//! 5. start the task (an operator does this in the console: the API has no start endpoint)
//!    and let the emulator's dialer run, sped up;
//! 6. count the verified callbacks, read every call record back (`call/list`) and the task's
//!    final status (`task/list`), and print a summary.
//!
//! ```sh
//! cargo run --example campaign
//! ```
//! It needs no account and no network, and exits non-zero when anything does not add up.

#[path = "shared/callback_server.rs"]
mod callback_server;

use std::error::Error;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use callback_server::Callback;
use futures_util::TryStreamExt;
use nxlink::Client;
use nxlink::callbacks::{CallbackVerifier, DEFAULT_REPLAY_CAPACITY};
use nxlink::model::{
    AppendContactsRequest, CallWindow, Contact, CreateTaskRequest, HourSet, ListCallsRequest,
    ListFlowsRequest, ListRoutesRequest, ListTasksRequest, TaskStatus, WeekDays,
};
use nxlink_testkit::Emulator;
use tokio::sync::mpsc;

const AGENT: &str = "Parcel Notification";
const ROUTE: &str = "HK-Router";
const CONTACTS: usize = 10_000;
/// The task's time zone: UTC+8.
const ZONE_SECOND: i32 = 28_800;
/// Simulated time runs this many times faster than real time: 20 minutes per second.
const SPEEDUP: f64 = 1_200.0;
/// Longest real time the dialing may take (it takes about ten seconds in a debug build).
const DIALING_TIMEOUT: Duration = Duration::from_secs(60);

type Failure = Box<dyn Error>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("campaign failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Failure> {
    let started = Instant::now();
    let emulator = Emulator::start().await?;
    let client = Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .build()?;
    println!("emulated gateway at {}", emulator.base_url());

    // 1. The agent and the route, by name.
    let agent = client
        .all_flows(ListFlowsRequest::new().with_name("parcel"))
        .try_filter(|flow| std::future::ready(flow.auto_flow_name.as_deref() == Some(AGENT)))
        .try_next()
        .await?
        .ok_or_else(|| format!("no agent named {AGENT:?}"))?;
    let route = client
        .all_routes(ListRoutesRequest::new())
        .try_filter(|route| std::future::ready(route.route_name.as_deref() == Some(ROUTE)))
        .try_next()
        .await?
        .ok_or_else(|| format!("no route named {ROUTE:?}"))?;
    println!(
        "agent {AGENT:?} is {}, route {ROUTE:?} is {}",
        agent.auto_flow_id, route.route_id
    );

    // 2. The webhook receiver, verifying every callback with the account's secret.
    let (listener, addr) = callback_server::bind(0).await?;
    let (deliveries, received) = mpsc::unbounded_channel();
    tokio::spawn(callback_server::serve(
        listener,
        CallbackVerifier::new(emulator.credentials()).with_replay_guard(DEFAULT_REPLAY_CAPACITY),
        deliveries,
    ));
    println!("receiving callbacks at http://{addr}/webhook/{{task,call}}");

    // 3. The task: manual start, its window open for the next three hours.
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let local_seconds = i64::try_from(now)? + i64::from(ZONE_SECOND);
    let local_hour = u8::try_from(local_seconds.div_euclid(3_600).rem_euclid(24))?;
    let hours = HourSet::from_hours((0..3).map(|offset| (local_hour + offset) % 24))?;
    let request = CreateTaskRequest::new(
        "Parcel follow-up campaign",
        agent.auto_flow_id,
        route.route_id,
        CallWindow::every_quarter(WeekDays::ALL, hours),
    )
    .with_user_task_id(format!("campaign-{now}"))
    .with_zone_second(ZONE_SECOND)
    .with_order_max_call(2)
    .with_replay_interval(300)
    .with_max_call(1_000)
    .with_max_ring_time(30)
    .with_task_callback_url(format!("http://{addr}/webhook/task"))
    .with_call_callback_url(format!("http://{addr}/webhook/call"));
    let task = client.create_task(&request).await?;
    println!("task {} created ({:?})", task.task_id, task.status);

    // 4. 10 000 contacts, in batches; ten have a number the gateway refuses.
    let report = client
        .append_contacts(&AppendContactsRequest::new(
            &task.task_id,
            campaign_contacts(),
        ))
        .await?;
    println!(
        "appended: {} submitted, {} refused, {} failed",
        report.submitted.len(),
        report.rejected.len(),
        report.failed_count()
    );
    if let Some(refused) = report.rejected.first() {
        println!(
            "  e.g. {}: {}",
            refused.contact_id.as_deref().unwrap_or("?"),
            refused.err_msg.as_deref().unwrap_or("no reason given")
        );
    }
    for batch in &report.failed {
        println!(
            "  batch {} (contacts from #{}) failed: {}",
            batch.index, batch.first_contact, batch.error
        );
    }
    let mut accepted = report.submitted.len();
    if !report.is_complete() {
        let resumed = client
            .append_contacts(&AppendContactsRequest::new(
                &task.task_id,
                report.into_unsent(),
            ))
            .await?;
        println!(
            "resumed: {} more submitted, {} still failed",
            resumed.submitted.len(),
            resumed.failed_count()
        );
        accepted += resumed.submitted.len();
    }

    // 5. Start it and let the dialer run.
    if !emulator.start_task(&task.task_id) {
        return Err("the emulator does not know the task".into());
    }
    emulator.run_dialer_realtime(SPEEDUP)?;
    println!("dialing, {SPEEDUP}x faster than real time…");
    let counts = tokio::time::timeout(DIALING_TIMEOUT, count_callbacks(received, &task.task_id))
        .await
        .map_err(|_| format!("the task did not complete within {DIALING_TIMEOUT:?}"))?;
    emulator.stop_dialer_realtime();
    emulator.wait_for_callbacks().await;

    // 6. Read everything back.
    let mut calls = CallCounts::default();
    client
        .all_calls(ListCallsRequest::new(&task.task_id).with_page_size(1_000))
        .try_for_each(|call| {
            calls.add(call.call_result);
            std::future::ready(Ok(()))
        })
        .await?;
    let listed = client
        .all_tasks(ListTasksRequest::new().with_task_name("Parcel follow-up"))
        .try_filter(|info| std::future::ready(info.task_id.as_deref() == Some(&task.task_id)))
        .try_next()
        .await?
        .ok_or("the task is not listed")?;
    let status = listed.task_status.unwrap_or(TaskStatus::Unknown(0));
    let stats = listed.stat_info.unwrap_or_default();

    println!();
    println!("contacts:       {accepted} accepted");
    println!("calls:          {}", calls.total);
    println!("  answered:     {}", calls.answered);
    println!("  busy:         {}", calls.busy);
    println!("  no answer:    {}", calls.no_answer);
    println!(
        "callbacks:      {} call records, {} task status changes",
        counts.call_records, counts.task_statuses
    );
    println!(
        "task status:    {status:?} (answer rate {})",
        stats.answer_rate.as_deref().unwrap_or("?")
    );
    println!("took {:.1} s", started.elapsed().as_secs_f64());

    let finished = stats
        .finish_order_count
        .and_then(|n| usize::try_from(n).ok());
    if status != TaskStatus::Completed
        || calls.total == 0
        || calls.total != counts.call_records
        || calls.answered + calls.busy + calls.no_answer != calls.total
        || finished != Some(accepted)
    {
        return Err("the numbers do not add up".into());
    }
    Ok(())
}

/// Contact `i` has a number ending in `i`'s last digit, which the emulator's default rule
/// turns into an answer (0–5), no answer (6–7) or a busy line (8–9); every thousandth has
/// the unassigned country code +999, which the gateway refuses.
fn campaign_contacts() -> Vec<Contact> {
    (0..CONTACTS)
        .map(|i| {
            let number = if i % 1_000 == 999 {
                format!("+999{i:08}")
            } else {
                format!("1380{i:07}")
            };
            Contact::new(format!("campaign-{i:05}"), format!("Customer {i}"), number)
                .with_param("customerName", format!("Customer {i}"))
        })
        .collect()
}

/// Verified callbacks received for one task.
#[derive(Debug, Default)]
struct CallbackCounts {
    call_records: usize,
    task_statuses: usize,
}

/// Counts callbacks until the task reports it completed (its last call records arrive
/// before that status change).
async fn count_callbacks(
    mut received: mpsc::UnboundedReceiver<Callback>,
    task_id: &str,
) -> CallbackCounts {
    let mut counts = CallbackCounts::default();
    while let Some(callback) = received.recv().await {
        match callback {
            Callback::CallRecord(call) if call.task_id.as_deref() == Some(task_id) => {
                counts.call_records += 1;
            }
            Callback::TaskStatus(status) if status.task_id.as_deref() == Some(task_id) => {
                counts.task_statuses += 1;
                println!("  task status: {:?}", status.task_status);
                if status.task_status == Some(TaskStatus::Completed) {
                    break;
                }
            }
            _ => {}
        }
    }
    counts
}

/// Calls by result (the emulator's codes: 1 answered, 2 no answer, 3 busy).
#[derive(Debug, Default)]
struct CallCounts {
    total: usize,
    answered: usize,
    no_answer: usize,
    busy: usize,
}

impl CallCounts {
    fn add(&mut self, result: Option<i64>) {
        self.total += 1;
        match result {
            Some(1) => self.answered += 1,
            Some(2) => self.no_answer += 1,
            Some(3) => self.busy += 1,
            _ => {}
        }
    }
}
