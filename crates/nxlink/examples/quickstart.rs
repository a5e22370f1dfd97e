//! Creates the spec's example task (two contacts) and prints what the gateway answered.
//!
//! Without `NXLINK_BASE_URL` it starts the embedded emulator with demo credentials, so it runs
//! with no account and no network. With it, the client is configured from `NXLINK_*`
//! variables (see the README) and talks to that gateway.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, WeekDays};
use nxlink::{Client, ENV_BASE_URL};
use nxlink_testkit::Emulator;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("quickstart failed: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // Kept alive until the end of `run`: dropping it stops the emulator.
    let mut emulator = None;
    let client = if std::env::var_os(ENV_BASE_URL).is_some() {
        Client::from_env()?
    } else {
        let started = Emulator::start().await?;
        println!(
            "no {ENV_BASE_URL}: using the embedded emulator at {}",
            started.base_url()
        );
        let client = Client::builder()
            .base_url(started.base_url())
            .credentials(started.credentials())
            .build()?;
        emulator = Some(started);
        client
    };

    let task = example_task()?;
    let created = client.create_task(&task).await?;
    println!("task id:   {}", created.task_id);
    println!("status:    {:?}", created.status);
    println!(
        "imported:  {} of {} contacts",
        created.success_count, created.total_count
    );
    if let Some(trace_id) = &created.trace_id {
        println!("traceId:   {trace_id}");
    }
    for refused in &created.rejected {
        println!(
            "refused:   {} ({}): {}",
            refused.contact_id.as_deref().unwrap_or("?"),
            refused.phone_number.as_deref().unwrap_or("?"),
            refused.err_msg.as_deref().unwrap_or("no reason given"),
        );
    }
    drop(emulator);
    Ok(())
}

/// The task/create example of the API reference, starting in an hour and stopping a day later.
fn example_task() -> Result<CreateTaskRequest, Box<dyn std::error::Error>> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let start = i64::try_from(now)? + 3_600;
    let hours = HourSet::from_hours([9, 10, 11, 14, 15, 16, 17])?;
    Ok(CreateTaskRequest::new(
        "客户回访任务-0325",
        197,
        "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
        CallWindow::every_quarter(WeekDays::ALL, hours),
    )
    .with_user_task_id(format!("quickstart-{now}"))
    .with_other("task-batch-20260325")
    .with_task_desc("针对已下单客户进行满意度回访")
    .with_start(StartMode::Scheduled { at: start })
    .with_shutdown_at(start + 86_400)
    .with_zone_second(28_800)
    .with_max_call(20)
    .with_max_ring_time(40)
    .with_country_code("86")
    .with_contact(
        Contact::new(
            "c3d79370-9f3a-4da2-84dd-2d2200f40e11",
            "Lucy",
            "13800000001",
        )
        .with_other("contact-ext-001")
        .with_param("customerName", "Lucy")
        .with_param("orderNo", "SO202603250001"),
    )
    .with_contact(
        Contact::new("5f6f6f6f-7a7b-4c4d-9e9f-101010101010", "Tom", "13800000002")
            .with_other("contact-ext-002")
            .with_param("customerName", "Tom"),
    ))
}
