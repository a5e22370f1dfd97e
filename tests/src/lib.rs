//! Shared pieces of the workspace integration tests: the spec's example task, a transport that
//! tampers with requests on their way out, a TLS front for the emulator, test data and
//! clock drivers, and a loopback webhook receiver.
#![forbid(unsafe_code)]

pub mod fault_matrix;
pub mod fixtures;
pub mod receiver;
pub mod tamper;
pub mod tls_front;

use nxlink::Client;
use nxlink::model::{CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, WeekDays};
use nxlink_testkit::Emulator;

/// The task/create example of spec §2.1: scheduled start, two contacts.
pub fn spec_example_task() -> CreateTaskRequest {
    let hours = HourSet::from_hours([9, 10, 11, 14, 15, 16, 17]).expect("hours in range");
    CreateTaskRequest::new(
        "客户回访任务-0325",
        197,
        "y29ND1X4kkCG_nC576sALEkvg3HjEqde",
        CallWindow::every_quarter(WeekDays::ALL, hours),
    )
    .with_user_task_id("EXT-TASK-202603250001")
    .with_other("task-batch-20260325")
    .with_task_desc("针对已下单客户进行满意度回访")
    .with_start(StartMode::Scheduled { at: 1_746_583_929 })
    .with_shutdown_at(1_746_670_329)
    .with_zone_second(28_800)
    .with_max_call(20)
    .with_max_ring_time(40)
    .with_task_callback_url("https://example.com/webhook/task")
    .with_call_callback_url("https://example.com/webhook/call")
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
    )
}

/// A client for the emulator's demo account.
pub fn client_for(emulator: &Emulator) -> Client {
    Client::builder()
        .base_url(emulator.base_url())
        .credentials(emulator.credentials())
        .build()
        .expect("a loopback client builds")
}
